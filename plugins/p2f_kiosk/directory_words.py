"""What the touch directory says of an item besides its page's text: list entries, dates and
offers in words, a place's distance from the screen, hours and prices, outside links.

Each function reads the item and the language only (and the site's distances, ``metres``, by
slug: ``p2f_kiosk.sections``), so the directory can work each out once per build and keep its
printed form in file keys (``directory._PageWriter.said``). No file is read, no clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from p2f_kiosk.labels import labels, subcategory_label
from p2f_kiosk.plan import window_of
from p2f_kiosk.screen_words import distance_text, screen_words
from p2f_model.corpus import Item
from p2f_player.contract.manifest import iso
from p2f_site.hours_words import event_when, money, offer_fact, week_words
from p2f_site.hours_words import words as hour_words


@dataclass(frozen=True)
class Entry:
    title: str
    href: str
    meta: str = ""
    start: str | None = None
    until: str | None = None
    offer: bool = False
    slug: str | None = None  # places: the key of their phases in now.js
    lang: str | None = None  # the title's language when it is not the page's

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "href": self.href, "meta": self.meta,
                "from": self.start, "until": self.until, "offer": self.offer,
                "slug": self.slug, "lang": self.lang}  # fmt: skip


def title_lang(item: Item, lang: str) -> str | None:
    text = item.text(lang)
    return text.lang if text.lang != lang else None


def entry(item: Item, lang: str, meta: str = "") -> Entry:
    return Entry(item.text(lang).title, f"items/{item.slug}.html", meta,
                 lang=title_lang(item, lang))  # fmt: skip


def all_entries(entry: Callable[[Item, str], Entry], items: list[Item], lang: str) -> list[Entry]:
    return [entry(item, lang) for item in items]


def place_words(item: Item, lang: str) -> tuple[str, str, str | None]:
    """What a place's list entry says but its distance (every input of it besides)."""
    title = item.text(lang).title
    return title, subcategory_label(lang, item.data.subcategory), title_lang(item, lang)


def place_entries(places: list[Item], lang: str, metres: dict[str, int]) -> list[Entry]:
    return [place_entry(item, lang, metres) for item in places]


def place_entry(item: Item, lang: str, metres: dict[str, int]) -> Entry:
    title, subcategory, shown_in = place_words(item, lang)
    meta = f"{subcategory} · {distance_text(metres[item.slug], lang)}"
    return Entry(title, f"items/{item.slug}.html", meta, slug=item.slug, lang=shown_in)


def event_entry(item: Item, lang: str) -> Entry:
    starts, ends = item.data.starts, item.data.ends
    return Entry(item.text(lang).title, f"items/{item.slug}.html", event_when(starts, ends, lang),
                 iso(starts), iso(ends), lang=title_lang(item, lang))  # fmt: skip


def offer_entry(item: Item, lang: str) -> Entry:
    data = item.data
    meta = offer_fact(data.discount_percent, data.valid_until, data.code, lang)
    return Entry(
        item.text(lang).title, f"items/{item.slug}.html", meta,
        iso(data.valid_from), iso(data.valid_until), offer=True, lang=title_lang(item, lang),
    )  # fmt: skip


def when(item: Item, lang: str) -> str:
    window = window_of(item)
    if window is None:
        return ""
    if item.kind == "event":
        return event_when(window[0], window[1], lang)
    if item.kind == "offer":
        data = item.data
        return offer_fact(data.discount_percent, data.valid_until, data.code, lang)
    return f"{labels(lang)['until']} {window[1]:%d/%m/%Y}"


def site_facts(item: Item, lang: str, today: date) -> dict[str, Any]:
    data, facts = item.data, dict[str, Any]()
    if item.kind == "place" and data.opening_hours:
        facts["hours"] = week_words(data.opening_hours, lang, today)
    price = getattr(data, "price", None)
    if price is not None:
        facts["price"] = money(price, lang) if price else hour_words(lang)["free"]
    if item.kind == "offer" and data.original_price:
        facts["was"] = money(data.original_price, lang)
    return facts


def actions(item: Item, lang: str) -> list[tuple[str, str]]:
    """Outside links a visitor takes to the phone (the shell shows their QR code)."""
    w = screen_words(lang)
    data, actions = item.data, []
    booking = getattr(data, "booking_url", None)
    if booking:
        actions.append((w["book"], booking))
    website = getattr(data, "website", None)
    if website and item.kind == "place":
        actions.append((w["website"], website))
    return actions
