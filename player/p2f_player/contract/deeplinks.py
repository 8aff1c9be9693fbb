"""Deep links (DESIGN.md §3.4): a short, stable URL from a kiosk item to livep2f.com.

Form: ``https://livep2f.com/d/<slug>?k=<site>&l=<lang>``. The slug is unique across the site
(at most 60 characters), so the whole link stays under 100 bytes and fits an NFC tag (NTAG213
holds 137 bytes of NDEF) and a small QR code. ``k`` names the kiosk it came from, readable by
any web-analytics tool; ``l`` the language the visitor was reading. French needs no ``l``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

DEFAULT_BASE = "https://livep2f.com"
PATH_PREFIX = "/d/"
MAX_BYTES = 100
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


@dataclass(frozen=True)
class DeepLink:
    slug: str
    site: str | None = None
    lang: str = "fr"


def deep_link(
    slug: str, site: str | None = None, lang: str = "fr", base: str = DEFAULT_BASE
) -> str:
    """The URL for ``slug`` as shown at ``site`` in ``lang``. Raises ``ValueError`` if too long."""
    if not _SLUG.match(slug):
        raise ValueError(f"not a slug: {slug!r}")
    query = []
    if site:
        query.append(f"k={site}")
    if lang != "fr":
        query.append(f"l={lang}")
    url = f"{base.rstrip('/')}{PATH_PREFIX}{slug}" + ("?" + "&".join(query) if query else "")
    if len(url.encode()) > MAX_BYTES:
        raise ValueError(f"deep link over {MAX_BYTES} bytes: {url}")
    return url


def parse_deep_link(url: str) -> DeepLink:
    """Inverse of ``deep_link``. Raises ``ValueError`` for anything that is not one."""
    parts = urlsplit(url)
    if not parts.path.startswith(PATH_PREFIX):
        raise ValueError(f"not a deep link: {url}")
    slug = parts.path[len(PATH_PREFIX) :].rstrip("/")
    if not _SLUG.match(slug):
        raise ValueError(f"not a deep link: {url}")
    query = parse_qs(parts.query)
    return DeepLink(slug, query.get("k", [None])[0], query.get("l", ["fr"])[0])
