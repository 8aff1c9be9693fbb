"""Dates, times, prices, percentages and language names in each page's language (Babel).

The website's templates call these (Jinja globals, see docs/website-data.md); they build on
the kiosk's "opening hours in words" helpers (``p2f_site.hours_words``: ``clock``, ``money``),
so a price or a time reads the same on the screen and on the phone. Typography per language:
French puts a no-break space before ``:`` and ``%``, English none before ``%``. Pure.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from p2f_player.contract.rules import PARIS
from p2f_site.hours_words import clock, money

NBSP = "\u00a0"
BABEL_LOCALES = {"en": "en_GB"}  # the site's English is British (og:locale en_GB): 12 December
__all__ = ["colon", "day", "discount", "language_name", "moment", "money", "span", "time_of"]


def day(value: date | datetime, lang: str) -> str:
    """``12 décembre 2026``, ``12 December 2026``, ``12. Dezember 2026``, ``12 de diciembre de
    2026``."""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    return _long_date(value, lang)


@functools.lru_cache(maxsize=4096)  # every item page says when it was verified: few dates
def _long_date(value: date, lang: str) -> str:
    return str(format_date(value, "long", locale=BABEL_LOCALES.get(lang, lang)))


def time_of(moment_: datetime, lang: str) -> str:
    """``21 h``, ``9 pm``, ``21:00 Uhr``, ``21:00`` (Paris time)."""
    text = clock(moment_.astimezone(PARIS).time(), lang)
    return f"{text} Uhr" if lang == "de" else text


def moment(value: datetime, lang: str) -> str:
    """A date and a time: ``12 décembre 2026, 21 h``, ``12 December 2026, 9 pm``..."""
    return f"{day(value, lang)}, {time_of(value, lang)}"


def span(start: datetime, end: datetime, lang: str) -> str:
    """``12 décembre 2026, 10 h – 20 h`` (same day) or both moments in full."""
    if start.astimezone(PARIS).date() == end.astimezone(PARIS).date():
        return f"{moment(start, lang)} – {time_of(end, lang)}"
    return f"{moment(start, lang)} – {moment(end, lang)}"


def discount(percent: float, lang: str) -> str:
    """``−20 %`` (fr, de, es: no-break space), ``−20%`` (en)."""
    number = format_decimal(round(percent, 1), locale=lang)
    return f"−{number}%" if lang == "en" else f"−{number}{NBSP}%"


def colon(lang: str) -> str:
    """What goes between a label and its value: `` :`` in French, ``:`` elsewhere."""
    return f"{NBSP}:" if lang == "fr" else ":"


def language_name(code: str, lang: str) -> str:
    """``it`` in an English page: ``Italian``; in French: ``italien`` (Babel's CLDR names)."""
    name = Locale.parse(lang).languages.get(code)
    return str(name) if name else code
