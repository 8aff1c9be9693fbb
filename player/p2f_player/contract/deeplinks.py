"""Deep links (DESIGN.md §3.4): a short, stable URL from a kiosk item to livep2f.com.

Form: ``https://livep2f.com/d/<lang>/<slug>/?k=<site>``. The language is in the path, so the
website serves the item's page in that language at that very address (a static page, no
redirect, no script): the visitor's phone shows it at once, with or without JavaScript. The
slug is unique across the site (at most 60 characters), so the whole link stays under
``MAX_BYTES`` and fits an NFC tag (NTAG213 holds 137 bytes of NDEF) and a small QR code. ``k``
names the kiosk it came from, readable by any web-analytics tool and in the CDN's log.

The first form, ``/d/<slug>?k=<site>&l=<lang>``, is still understood by ``parse_deep_link``
and still served by the website (tags already stuck on screens keep working).

The channel mark: the player hands the same link to the QR code and to the NFC tag, each with
``v=q`` (QR) or ``v=n`` (NFC) appended by ``with_channel``, so the website's access log tells
a scan from a tap (p2f_office.arrivals). The website serves a marked link exactly as the bare
one (the landing ignores ``v``). Byte budget: ``MAX_BYTES`` bounds the link the manifest
carries; the mark adds at most ``MARK_BYTES`` (``&v=q``), so a handed-off link is at most
``MAX_BYTES + MARK_BYTES`` = 104 bytes (an NTAG213 holds 137 bytes of NDEF). A link without a
mark (older players, tags and printed codes, a caption typed by hand) parses with channel None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

DEFAULT_BASE = "https://livep2f.com"
PATH_PREFIX = "/d/"
MAX_BYTES = 100
CHANNEL_PARAM = "v"  # the query parameter of the channel mark
QR = "q"  # the link in the QR code on screen
NFC = "n"  # the link on the emulated NFC tag
CHANNELS = frozenset({QR, NFC})
MARK_BYTES = len(f"&{CHANNEL_PARAM}={QR}")  # what ``with_channel`` adds, at most
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_LANG = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class DeepLink:
    slug: str
    site: str | None = None
    lang: str = "fr"
    channel: str | None = None  # QR or NFC; None: an unmarked link (or an unknown mark)


def deep_link(
    slug: str, site: str | None = None, lang: str = "fr", base: str = DEFAULT_BASE
) -> str:
    """The URL for ``slug`` as shown at ``site`` in ``lang``.

    Raises:
        ValueError: not a slug, not a language code, or the link would be over ``MAX_BYTES``.
    """
    if not _SLUG.match(slug):
        raise ValueError(f"not a slug: {slug!r}")
    before, after = deep_link_parts(site, lang, base)
    url = f"{before}{slug}{after}"
    if len(url.encode()) > MAX_BYTES:
        raise ValueError(f"deep link over {MAX_BYTES} bytes: {url}")
    return url


def deep_link_parts(site: str | None, lang: str, base: str = DEFAULT_BASE) -> tuple[str, str]:
    """``(before, after)``: ``deep_link(slug, site, lang, base)`` is ``before + slug + after``
    for every slug it accepts. A screen's script joins them with a slug (the touch directory's
    item pages are the same on every site: ``p2f_kiosk.directory``), so the link's form stays
    defined here only.

    Raises:
        ValueError: not a language code, or not a site id.
    """
    if not _LANG.match(lang):
        raise ValueError(f"not a language code: {lang!r}")
    if site is not None and not _SLUG.match(site):
        raise ValueError(f"not a site id: {site!r}")
    return f"{base.rstrip('/')}{PATH_PREFIX}{lang}/", "/" + (f"?k={site}" if site else "")


def parse_deep_link(url: str) -> DeepLink:
    """Inverse of ``deep_link``; also reads the first form ``/d/<slug>?k=&l=``.

    Raises:
        ValueError: anything that is not a deep link.
    """
    parts = urlsplit(url)
    if not parts.path.startswith(PATH_PREFIX):
        raise ValueError(f"not a deep link: {url}")
    words = parts.path[len(PATH_PREFIX) :].strip("/").split("/")
    query = parse_qs(parts.query)
    site = query.get("k", [None])[0]
    channel = query.get(CHANNEL_PARAM, [None])[-1]
    channel = channel if channel in CHANNELS else None
    if len(words) == 2 and _LANG.match(words[0]) and _SLUG.match(words[1]):
        return DeepLink(words[1], site, words[0], channel)
    if len(words) == 1 and _SLUG.match(words[0]):
        return DeepLink(words[0], site, query.get("l", ["fr"])[0], channel)
    raise ValueError(f"not a deep link: {url}")


def with_channel(url: str, channel: str) -> str:
    """``url`` as handed off through ``channel`` (``QR`` or ``NFC``): ``&v=<channel>``
    appended (any mark it had replaced), the rest of the URL byte for byte as it was.

    Only a kiosk's deep link (one ``parse_deep_link`` reads, with ``k=``) is marked: the shell
    also hands off outside links from directory pages, whose servers are not ours to mark;
    those come back unchanged.

    Raises:
        ValueError: ``channel`` is not one of ``CHANNELS``.
    """
    if channel not in CHANNELS:
        raise ValueError(f"not a hand-off channel: {channel!r} (one of {sorted(CHANNELS)})")
    try:
        link = parse_deep_link(url)
    except ValueError:
        return url
    if link.site is None:
        return url
    head, hash_, fragment = url.partition("#")
    path, _, query = head.partition("?")
    kept = [p for p in query.split("&") if p and p.split("=", 1)[0] != CHANNEL_PARAM]
    kept.append(f"{CHANNEL_PARAM}={channel}")
    return f"{path}?{'&'.join(kept)}{hash_}{fragment}"
