"""The QR code of a deep link, as an SVG data URI the page can show at once (segno).

The code carries the link marked as a QR hand-off (``with_channel(url, QR)``: ``&v=q``), so the
website's access log tells a scan from an NFC tap; an outside link is drawn as it is.
"""

from __future__ import annotations

from functools import lru_cache

from p2f_player.contract.deeplinks import QR, with_channel


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """A black-on-white QR code of ``url`` (marked as a QR hand-off) with the 4-module quiet
    zone readers need."""
    import segno  # optional dependency (extra "qr"): imported where used

    code = segno.make(with_channel(url, QR), error="m", micro=False)
    # scale 10: about 300 px for a deep link, readable from a phone at arm's length
    uri: str = code.svg_data_uri(scale=10, border=4, dark="#000", light="#fff")
    return uri
