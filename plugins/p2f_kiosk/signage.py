"""What a slide says, per template: the words and pictures ``theme/kiosk/slide-*.html`` shows.

One template per kind (``place``, ``event``, ``offer``, ``offer-partner`` for a sponsor's offer,
``alert``, ``practical``), each laid out for both orientations by ``kiosk.css``; the "now" board
is drawn at play time by ``p2f_player.nowboard``. Slides are static pages shown in a sandboxed
frame without scripts, so every fact is one that stays true while the bundle lives: a place's
usual week in words (its open/closed state at a given moment is in ``directory/<lang>/now.js``),
an event's date and time, an offer's discount, end date and code. Pure: no files, no clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from p2f_kiosk.labels import labels, subcategory_label
from p2f_kiosk.screen_words import screen_words
from p2f_model.corpus import Corpus, Item
from p2f_player.contract.rules import PARIS
from p2f_site.hours_words import event_when, long_date, money, offer_fact, week_words, words

TEMPLATES = ("place", "event", "offer", "offer-partner", "alert", "practical")


def template_for(item: Item, sponsor: str | None = None) -> str:
    if item.kind == "offer":
        return "offer-partner" if sponsor else "offer"
    if item.kind == "page":
        return "practical"
    if item.kind in TEMPLATES:
        return item.kind
    raise ValueError(f"{item.path}: no slide template for kind {item.kind!r}")


def look_of(item: Item) -> str:
    """The colour and pictogram of the designed fallback: the category for places."""
    return str(item.data.category) if item.kind == "place" else item.kind


def slide_context(
    item: Item,
    lang: str,
    now: datetime,
    corpus: Corpus,
    heroes: list[str],
    partner: Item | None,
    logo: tuple[str, str] | None,
    level: str | None = None,
) -> dict[str, Any]:
    """The values of the slide templates for ``item`` in ``lang``."""
    text, data = item.text(lang), item.data
    w, t = screen_words(lang), labels(lang)
    alts = list(text.alt) + [image.alt for image in data.images][len(text.alt) :]
    values: dict[str, Any] = {
        "item": item, "data": data, "text": text, "lang": lang, "w": w,
        "fallback": text.lang != lang, "look": look_of(item), "extra": "",
        "photo": (heroes[0], alts[0]) if heroes else None,
        "fact": "", "price": "", "was": "", "where": "", "partner": "", "partner_logo": None,
    }  # fmt: skip
    if item.kind == "place":
        values["kicker"] = f"{t[data.category]} · {subcategory_label(lang, data.subcategory)}"
        if data.opening_hours:
            said = week_words(data.opening_hours, lang, now.astimezone(PARIS).date())
            values["fact"] = said.text if said.exact else ""
    elif item.kind == "event":
        values["kicker"] = w["event"]
        values["fact"] = event_when(data.starts, data.ends, lang)
        if data.price is not None:
            values["price"] = money(data.price, lang) if data.price else words(lang)["free"]
        place = corpus.items.get(data.place)
        values["where"] = place.text(lang).title if place is not None else ""
    elif item.kind == "offer":
        values["kicker"] = w["offer"]
        values["fact"] = offer_fact(data.discount_percent, data.valid_until, data.code, lang)
        if data.price is not None:
            values["price"] = money(data.price, lang)
        if data.original_price:
            values["was"] = money(data.original_price, lang)
        if partner is not None:
            values["partner"] = partner.text(lang).title
            values["partner_logo"] = logo
    elif item.kind == "alert":
        level = level or str(getattr(data, "level", None) or getattr(data, "severity", "info"))
        values["kicker"] = w.get(f"alert-{level}", w["alert"])
        until = words(lang)["until"].format(
            d=long_date(data.valid_until.astimezone(PARIS).date(), lang)
        )
        values["fact"] = until[:1].upper() + until[1:]
        values["extra"] = f"sev-{level}"
    else:
        values["kicker"] = w["page"]
    return values
