"""The QR code of a deep link, as an SVG data URI the page can show at once (segno)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """A black-on-white QR code of ``url`` with the 4-module quiet zone readers need."""
    import segno  # optional dependency (extra "qr"): imported where used

    code = segno.make(url, error="m", micro=False)
    # scale 10: about 300 px for a deep link, readable from a phone at arm's length
    uri: str = code.svg_data_uri(scale=10, border=4, dark="#000", light="#fff")
    return uri
