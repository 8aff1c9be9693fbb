"""What the visitor can take to the phone: the deep link of what is on screen, and the hot strip.

Pure: the manifest document (already verified) and paths in, links and titles out. The page
reports the path of what it shows (``/bundle/<release>/slides/<id>.<lang>.html`` or
``/bundle/<release>/directory/<lang>/items/<slug>.html``); this module answers with the deep
link (DESIGN.md §3.4) the QR code and the NFC tag carry. Category and list pages have none.

The page never supplies a link itself: a path names a page, and its link comes from the signed
manifest (a slide's ``deep_links``, or the deep link of a directory item the manifest lists).
An outside link touched in a directory page is handed off only if that verified page carries it
(``outside_links``), so no page script can put a URL of its own on the QR code or the NFC tag.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any

from p2f_player.contract.deeplinks import deep_link
from p2f_player.contract.rules import PARIS

_SLIDE = re.compile(r"^/bundle/[^/]+/slides/(?P<id>[^/.]+)\.(?P<lang>[a-z]{2,3})\.html$")
_ITEM = re.compile(r"^/bundle/[^/]+/directory/(?P<lang>[a-z]{2,3})/items/(?P<slug>[^/.]+)\.html$")
_PAGE = re.compile(
    r"^/bundle/(?P<release>\w[\w.-]*)/(?P<file>directory/[a-z]{2,3}/(?:\w[\w-]*/)?\w[\w-]*\.html)$"
)
MAX_LINK = 300  # characters: a QR code a phone reads from a metre away, an NFC tag's memory

# Language names, each in its own language: flags are countries, not languages.
LANGUAGE_NAMES = {
    "fr": "Français",
    "en": "English",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pt": "Português",
    "ca": "Català",
    "oc": "Occitan",
    "ar": "العربية",
    "zh": "中文",
}


def link_for(path: str, document: Mapping[str, Any]) -> str | None:
    """The deep link of the page at ``path`` in the release ``document``, else ``None``."""
    if (m := _SLIDE.match(path)) is not None:
        for slide in document.get("slides", []):
            if slide["id"] == m["id"]:
                link = (slide.get("deep_links") or {}).get(m["lang"])
                return str(link) if link else None
        return None
    if (m := _ITEM.match(path)) is not None:
        if path.split("/", 3)[3] not in document.get("files", {}):
            return None  # not an item of this release: no link for a made-up slug
        try:
            return deep_link(m["slug"], document["site"]["id"], m["lang"])
        except ValueError:
            return None
    return None


def directory_page(path: str) -> tuple[str, str] | None:
    """``(release, file)`` of a directory page path, else ``None`` (no ``..``, no hidden)."""
    m = _PAGE.match(path)
    return (m["release"], m["file"]) if m else None


def outside_links(html: str) -> frozenset[str]:
    """The ``http(s)`` targets of the ``<a href>`` of a page, exactly as written (unescaped)."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return frozenset(
        link
        for link in parser.links
        if link.startswith(("https://", "http://")) and len(link) <= MAX_LINK
    )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href.strip())


def hot_strip(document: Mapping[str, Any], now: datetime, lang: str) -> list[dict[str, str]]:
    """Today's alerts and events, alerts first: what the strip under the slides lists."""
    today = now.astimezone(PARIS).date()
    hot: list[tuple[int, str, str]] = []
    for slide in document.get("slides", []):
        titles = slide.get("titles") or {}
        title = titles.get(lang) or next(iter(titles.values()), "")
        if not title:
            continue
        window = slide.get("window")
        if slide.get("interrupt"):
            if window is None or _covers(window, now):
                hot.append((0, "alert", title))
        elif slide.get("kind") == "event" and window and _on_day(window, today):
            hot.append((1, "event", title))
    return [{"kind": kind, "title": title} for _, kind, title in sorted(hot)[:6]]


def _covers(window: Mapping[str, str], now: datetime) -> bool:
    return datetime.fromisoformat(window["from"]) <= now < datetime.fromisoformat(window["until"])


def _on_day(window: Mapping[str, str], day: date) -> bool:
    start = datetime.fromisoformat(window["from"]).astimezone(PARIS).date()
    end = datetime.fromisoformat(window["until"]).astimezone(PARIS).date()
    return start <= day <= end
