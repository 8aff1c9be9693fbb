"""Atom 1.0 feeds (RFC 4287): the agenda, the offers and one per place category, per language.

Pure: returns the document bytes. Past events and expired offers are left out. Ids are tag URIs
(RFC 4151) made from the slug and language, so they never change when a page moves.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, time

from p2f_model.corpus import Corpus, Item
from p2f_model.vocabulary import CATEGORIES
from p2f_site.urls import item_url, lang_prefix, list_path
from p2f_web.config import WebSettings
from p2f_web.items import describe, is_over, sort_key
from p2f_web.texts import word

ATOM_NS = "http://www.w3.org/2005/Atom"
TAG_YEAR = "2026"  # the date of the tag URIs: fixed forever, not the build year
ET.register_namespace("", ATOM_NS)


@dataclass(frozen=True)
class FeedSpec:
    name: str  # agenda, offers or a place category
    kind: str  # the kind of its items
    category: str | None = None


FEEDS = (
    FeedSpec("agenda", "event"),
    FeedSpec("offers", "offer"),
    *(FeedSpec(category, "place", category) for category in CATEGORIES),
)


def feed_path(name: str, lang: str) -> str:
    return f"{lang_prefix(lang)}feeds/{name}.xml"


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _updated(item: Item) -> datetime:
    return datetime.combine(item.data.provenance.verified_on, time(0, 0), tzinfo=UTC)


def _tag(web: WebSettings, path: str) -> str:
    return f"tag:{web.host},{TAG_YEAR}:{path}"


def feed_candidates(corpus: Corpus, spec: FeedSpec) -> list[Item]:
    """The items a feed may list, whatever the moment: all it reads."""
    return [
        item
        for item in corpus.of_kind(spec.kind)
        if spec.category is None or item.data.category == spec.category
    ]


def feed_items(corpus: Corpus, spec: FeedSpec, now: datetime) -> list[Item]:
    items = [item for item in feed_candidates(corpus, spec) if not is_over(item, now)]
    return sorted(items, key=sort_key)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _when(item: Item) -> str:
    data = item.data
    if item.kind == "event":
        return f"{data.starts:%Y-%m-%d %H:%M} – {data.ends:%Y-%m-%d %H:%M}. "
    if item.kind == "offer":
        return f"{data.valid_from:%Y-%m-%d} – {data.valid_until:%Y-%m-%d}. "
    return ""


def atom_feed(corpus: Corpus, spec: FeedSpec, lang: str, web: WebSettings, now: datetime) -> bytes:
    items = feed_items(corpus, spec, now)
    root = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": lang})
    _sub(root, "id", _tag(web, f"feeds/{spec.name}/{lang}"))
    _sub(root, "title", f"{word(lang, spec.name)} — {web.site_name}")
    updated = max((_updated(item) for item in items), default=now)
    _sub(root, "updated", _rfc3339(updated))
    _sub(root, "link", rel="self", type="application/atom+xml",
         href=web.absolute(feed_path(spec.name, lang)))  # fmt: skip
    list_url = "/" + list_path(spec.kind, lang).removesuffix("index.html")
    _sub(root, "link", rel="alternate", type="text/html", href=web.absolute(list_url))
    author = _sub(root, "author")
    _sub(author, "name", web.site_name)
    for item in items:
        text = item.text(lang)
        entry = _sub(root, "entry")
        _sub(entry, "id", _tag(web, f"{lang}/{item.slug}"))
        _sub(entry, "title", text.title)
        _sub(entry, "updated", _rfc3339(_updated(item)))
        _sub(entry, "link", rel="alternate", type="text/html",
             href=web.absolute(item_url(item.kind, item.slug, lang)))  # fmt: skip
        _sub(entry, "summary", _when(item) + (describe(text) or text.title))
        if item.kind == "place":
            _sub(entry, "category", term=item.data.subcategory)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
