"""Opening hours, dates and prices in the visitor's words (fr, en, de, es), by Babel.

The one place where the build turns OpenStreetMap ``opening_hours`` into text a visitor reads:
the website's place page, the kiosk's touch pages and slides all call it.

- ``week_words``: the week that applies now, e.g. ``Lundi–vendredi 8 h 30–19 h, samedi 9 h–12 h
  30`` / ``Mon–Fri 8:30 am–7 pm, Sat 9 am–12:30 pm``. The spans come from the opening-hours
  library itself (so rules that override earlier ones for some days read as the library
  evaluates them), grouped by identical days. An expression outside the plain subset (sun
  times, week numbers, comments, fallbacks...) is returned as it is with ``exact=False``: the
  page shows the raw rule rather than a wrong sentence.
- ``state_phases``: the open state for every moment of a span, as phases ``Ouvert · ferme à 19 h``,
  ``Fermé · ouvre demain à 9 h``, cut at each change and at midnight (when "demain" becomes
  "aujourd'hui"). A screen that cannot run this code (a slide, a directory page, the player's
  now board) picks the phase that holds its own clock: no formatting at play time.
- ``event_phases`` / ``event_when``, ``offer_fact``, ``money``: the same for events and offers.

Pure: moments come in as arguments; nothing reads the clock.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import opening_hours
from babel.dates import format_date, get_day_names, get_month_names
from babel.numbers import format_currency, format_decimal

from p2f_player.contract.rules import PARIS

LANGS = ("fr", "en", "de", "es")
DAY = timedelta(days=1)

# The subset of the OSM syntax these sentences describe faithfully: optional month ranges,
# weekdays, time spans, "off", public holidays off, 24/7. Anything else is shown raw.
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAYS = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
_RULE = re.compile(
    rf"(?:{_MONTHS}(?:-{_MONTHS})?(?:,{_MONTHS}(?:-{_MONTHS})?)*:?\s+)?"
    rf"(?:(?:{_DAYS}(?:-{_DAYS})?(?:,{_DAYS}(?:-{_DAYS})?)*)\s+)?"
    rf"(?:{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*|off|closed)"
)
_HOLIDAYS_OFF = re.compile(r"PH\s+(?:off|closed)")

_W: dict[str, dict[str, str]] = {
    "fr": {
        "open": "Ouvert", "closed": "Fermé", "always": "Ouvert 24 h/24, 7 j/7",
        "closes": "ferme à {t}", "closes_day": "ferme {d} à {t}",
        "opens": "ouvre à {t}", "opens_tomorrow": "ouvre demain à {t}",
        "opens_day": "ouvre {d} à {t}", "opens_date": "ouvre le {d}",
        "and": " et ", "holidays": "fermé les jours fériés", "week_closed": "Fermé en ce moment",
        "midnight": "minuit", "tonight": "Ce soir {t}", "today": "Aujourd’hui {t}",
        "tomorrow": "Demain {t}", "now": "En ce moment · jusqu’à {t}",
        "now_tomorrow": "En ce moment · jusqu’à demain {t}",
        "now_day": "En ce moment · jusqu’à {d} {t}", "now_date": "En ce moment · jusqu’au {d}, {t}",
        "closes_tomorrow": "ferme demain à {t}", "from_to": "Du {a} au {b}",
        "until": "jusqu’au {d}", "code": "code {c}", "free": "Gratuit",
    },
    "en": {
        "open": "Open", "closed": "Closed", "always": "Open 24/7",
        "closes": "closes at {t}", "closes_day": "closes {d} at {t}",
        "opens": "opens at {t}", "opens_tomorrow": "opens tomorrow at {t}",
        "opens_day": "opens {d} at {t}", "opens_date": "opens on {d}",
        "and": " and ", "holidays": "closed on public holidays",
        "week_closed": "Closed at the moment", "midnight": "midnight", "tonight": "Tonight {t}",
        "today": "Today {t}", "tomorrow": "Tomorrow {t}", "now": "On now · until {t}",
        "now_tomorrow": "On now · until tomorrow {t}", "now_day": "On now · until {d} {t}",
        "now_date": "On now · until {d}, {t}", "closes_tomorrow": "closes tomorrow at {t}",
        "from_to": "{a} to {b}", "until": "until {d}", "code": "code {c}", "free": "Free",
    },
    "de": {
        "open": "Geöffnet", "closed": "Geschlossen", "always": "Rund um die Uhr geöffnet",
        "closes": "schließt um {t}", "closes_day": "schließt {d} um {t}",
        "opens": "öffnet um {t}", "opens_tomorrow": "öffnet morgen um {t}",
        "opens_day": "öffnet {d} um {t}", "opens_date": "öffnet am {d}",
        "and": " und ", "holidays": "an Feiertagen geschlossen",
        "week_closed": "Derzeit geschlossen", "midnight": "24:00 Uhr",
        "tonight": "Heute Abend {t}", "today": "Heute {t}", "tomorrow": "Morgen {t}",
        "now": "Jetzt · bis {t}",
        "now_tomorrow": "Jetzt · bis morgen {t}", "now_day": "Jetzt · bis {d} {t}",
        "now_date": "Jetzt · bis {d}, {t}", "closes_tomorrow": "schließt morgen um {t}",
        "from_to": "{a} bis {b}", "until": "bis {d}",
        "code": "Code {c}", "free": "Eintritt frei",
    },
    "es": {
        "open": "Abierto", "closed": "Cerrado", "always": "Abierto 24 horas, todos los días",
        "closes": "cierra {t}", "closes_day": "cierra el {d} {t}",
        "opens": "abre {t}", "opens_tomorrow": "abre mañana {t}",
        "opens_day": "abre el {d} {t}", "opens_date": "abre el {d}",
        "and": " y ", "holidays": "cerrado los festivos", "week_closed": "Cerrado por ahora",
        "midnight": "medianoche", "tonight": "Esta noche {t}", "today": "Hoy {t}",
        "tomorrow": "Mañana {t}", "now": "Ahora · hasta las {t}",
        "now_tomorrow": "Ahora · hasta mañana {t}", "now_day": "Ahora · hasta el {d} {t}",
        "now_date": "Ahora · hasta el {d}, {t}", "closes_tomorrow": "cierra mañana {t}",
        "from_to": "Del {a} al {b}",
        "until": "hasta el {d}", "code": "código {c}", "free": "Gratis",
    },
}  # fmt: skip
SEP = " · "
EVENING = time(18, 0)  # an event starting from then is "tonight"


def words(lang: str) -> dict[str, str]:
    if lang not in _W:
        raise ValueError(f"no words for language {lang!r}: one of {', '.join(LANGS)}")
    return _W[lang]


# -- times and days ---------------------------------------------------------------------------


def clock(moment: time, lang: str, end: bool = False) -> str:
    """One time of day: ``8 h 30``/``19 h``, ``8:30 am``/``7 pm``, ``8:30``/``19:00``.

    ``end`` with midnight says ``minuit``/``midnight`` (a span that ends at the day's end).
    """
    if end and moment == time(0, 0):
        return words(lang)["midnight"]
    h, m = moment.hour, moment.minute
    if lang == "fr":
        return f"{h} h {m:02d}" if m else f"{h} h"
    if lang == "en":
        suffix = "am" if h < 12 else "pm"
        twelve = h % 12 or 12
        if h == 12 and m == 0:
            return "noon"
        return f"{twelve}:{m:02d} {suffix}" if m else f"{twelve} {suffix}"
    return f"{h}:{m:02d}"


def _at(moment: time, lang: str) -> str:
    """A time after a verb: ``19 h``, ``7 pm``, ``19 Uhr``, ``a las 19:00`` (``a la 1:00``)."""
    if lang == "de":
        minutes = f":{moment.minute:02d}" if moment.minute else ""
        return f"{moment.hour}{minutes} Uhr"
    if lang == "es":
        return ("a la " if moment.hour == 1 else "a las ") + clock(moment, lang)
    return clock(moment, lang)


def span(start: time, end: time, lang: str) -> str:
    """``8 h 30–19 h``, ``8:30 am–7 pm``, ``8:30–19:00 Uhr``, ``8:30–19:00``."""
    text = f"{clock(start, lang)}–{clock(end, lang, end=True)}"
    return text + " Uhr" if lang == "de" and not text.endswith("Uhr") else text


@functools.lru_cache(maxsize=256)  # pure; Babel builds a Locale on every call
def day_name(day: int, lang: str, wide: bool | None = None) -> str:
    """Day ``0`` (Monday) .. ``6``: wide in fr/es (``lundi``), short in en/de (``Mon``, ``Mo``)."""
    if wide if wide is not None else lang in ("fr", "es"):
        return str(get_day_names("wide", locale=lang)[day])
    return str(get_day_names("short" if lang == "de" else "abbreviated", locale=lang)[day])


# pure; Babel parses the locale and the pattern on every call: the kiosk directory's ~1,700
# event dates of an edit build at 5,000 documents took ~0.1 s of CPU, for a few hundred dates
@functools.lru_cache(maxsize=4096)
def long_date(day: date, lang: str) -> str:
    """``5 juillet``, ``5 July``, ``5. Juli``, ``5 de julio`` (with ``1er`` in French)."""
    if lang == "fr" and day.day == 1:
        return f"1er {get_month_names('wide', locale='fr')[day.month]}"
    pattern = {"fr": "d MMMM", "en": "d MMMM", "de": "d. MMMM", "es": "d 'de' MMMM"}[lang]
    return str(format_date(day, pattern, locale=lang))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


# -- the week in words ------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursText:
    text: str
    exact: bool  # False: the raw OSM rule, which these sentences cannot say faithfully


def describable(expression: str) -> bool:
    """True when every rule is in the plain subset (see ``_RULE``)."""
    if expression.strip() == "24/7":
        return True
    rules = [r.strip() for r in expression.split(";") if r.strip()]
    return bool(rules) and all(_RULE.fullmatch(r) or _HOLIDAYS_OFF.fullmatch(r) for r in rules)


def _week_spans(expression: str, today: date) -> list[list[tuple[time, time]]]:
    """Open spans of each weekday (0 = Monday) over the seven days from ``today``.

    Without the holiday calendar on purpose: this is the usual week, holidays are said apart.
    A span that runs past midnight belongs to the day it starts on.
    """
    start = datetime.combine(today, time(0, 0))
    days: list[list[tuple[time, time]]] = [[] for _ in range(7)]
    rule = opening_hours.OpeningHours(expression)
    for begin, end, state, _ in rule.intervals(start - DAY, start + 8 * DAY):
        if state != opening_hours.State.OPEN:
            continue
        if begin < start and end - begin <= DAY:
            continue  # the end of last night: counted with the day it started on
        cursor = max(begin, start)
        while cursor < min(end, start + 7 * DAY):
            midnight = datetime.combine(cursor.date(), time(0, 0)) + DAY
            # runs into the next day only up to a short night (a bar open until 1 h)
            stop = end if end - cursor <= DAY and cursor == begin else min(end, midnight)
            days[cursor.weekday()].append((cursor.time(), stop.time()))
            cursor = stop
    return days


def _day_list(days: Sequence[int], lang: str) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{day_name(run[0], lang)}–{day_name(run[-1], lang)}")
        else:
            parts.extend(day_name(d, lang) for d in run)
    return ", ".join(parts)


# Pure and asked again with the same arguments on many pages (the office's hours in every
# page's footer, a shared opening rule on every language's page): kept per process, bounded.
@functools.lru_cache(maxsize=8192)
def week_words(expression: str, lang: str, today: date) -> HoursText:
    """The usual week around ``today`` in words; the raw rule (``exact=False``) if unsure."""
    w = words(lang)
    if not describable(expression):
        return HoursText(expression, exact=False)
    try:
        days = _week_spans(expression, today)
    except (SyntaxError, ValueError):
        return HoursText(expression, exact=False)
    if all(spans == [(time(0, 0), time(0, 0))] for spans in days) or expression.strip() == "24/7":
        return HoursText(w["always"], exact=True)
    groups: dict[tuple[tuple[time, time], ...], list[int]] = {}
    for day, spans in enumerate(days):
        if spans:
            groups.setdefault(tuple(spans), []).append(day)
    if not groups:
        return HoursText(_closed_season(expression, today, lang), exact=True)
    parts = []
    for same, group in groups.items():
        hours = w["and"].join(span(a, b, lang) for a, b in same)
        parts.append(f"{_day_list(group, lang)} {hours}")
    joiner = "; " if any("," in _day_list(g, lang) for g in groups.values()) else ", "
    text = joiner.join(parts)
    if _HOLIDAYS_OFF.search(expression):
        text += f"; {w['holidays']}"
    return HoursText(_capital(text), exact=True)


def _closed_season(expression: str, today: date, lang: str) -> str:
    """``Fermé en ce moment · ouvre le 1er juillet`` (the next opening within a year)."""
    w = words(lang)
    rule = opening_hours.OpeningHours(expression)
    start = datetime.combine(today, time(0, 0))
    upcoming = rule.next_change(start)
    if upcoming is None or upcoming - start > 366 * DAY:
        return w["week_closed"]
    return f"{w['week_closed']}{SEP}{w['opens_date'].format(d=long_date(upcoming.date(), lang))}"


# -- the state at any moment ------------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    start: datetime
    end: datetime
    open: bool
    text: str

    def as_list(self) -> list[Any]:
        return [_iso(self.start), _iso(self.end), self.open, self.text]


def _iso(moment: datetime) -> str:
    return _local(moment).isoformat(timespec="minutes")


SHORT_NIGHT = time(6, 0)  # an end the next day before this reads as tonight's ("ferme à 1 h")


def _end_day(end: datetime, now: datetime) -> str:
    """How far ``end`` is from ``now``, for a phrase: ``same`` (today, midnight, or a short
    night), ``tomorrow``, ``day`` (within a week: its weekday) or ``date``."""
    a, b = _local(now), _local(end)
    days = (b.date() - a.date()).days
    if days <= 0 or (days == 1 and b.time() <= SHORT_NIGHT and end - now <= DAY):
        return "same"
    if days == 1:
        return "tomorrow"
    return "day" if days < 7 else "date"


def _end_at(end: datetime, lang: str) -> str:
    moment = _local(end)
    if moment.time() == time(0, 0):
        at = clock(moment.time(), lang, end=True)
        return "a " + at if lang == "es" else at
    return _at(moment.time(), lang)


def _closes(closes: datetime, now: datetime, lang: str) -> str:
    """``ferme à 19 h`` today (``ferme à 1 h`` after midnight), ``ferme demain à 19 h``, else
    with its weekday."""
    w = words(lang)
    at, when = _end_at(closes, lang), _end_day(closes, now)
    if when == "same":
        return w["closes"].format(t=at)
    if when == "tomorrow":
        return w["closes_tomorrow"].format(t=at)
    return w["closes_day"].format(d=day_name(_local(closes).weekday(), lang, wide=True), t=at)


def _on_until(ends: datetime, now: datetime, lang: str) -> str:
    """``En ce moment · jusqu’à 19 h`` today, ``… jusqu’à demain 19 h``, ``… jusqu’à samedi
    19 h``, ``… jusqu’au 5 juillet, 19 h``: the day is said when the end is not today."""
    w, when, moment = words(lang), _end_day(ends, now), _local(ends)
    at = span(moment.time(), moment.time(), lang).split("–")[-1]
    if when == "same":
        return w["now"].format(t=at)
    if lang == "es":
        at = _at(moment.time(), lang)
    if when == "tomorrow":
        return w["now_tomorrow"].format(t=at)
    if when == "day":
        return w["now_day"].format(d=day_name(moment.weekday(), lang, wide=True), t=at)
    return w["now_date"].format(d=long_date(moment.date(), lang), t=at)


def _opens(opens: datetime, now: datetime, lang: str) -> str:
    """``ouvre à 9 h``, ``ouvre demain à 9 h``, ``ouvre lundi à 9 h``, ``ouvre le 1er mai``."""
    w = words(lang)
    moment = _local(opens)
    days = (moment.date() - _local(now).date()).days
    at = _at(moment.time(), lang)
    if days <= 0:
        return w["opens"].format(t=at)
    if days == 1:
        return w["opens_tomorrow"].format(t=at)
    if days < 7:
        return w["opens_day"].format(d=day_name(moment.weekday(), lang, wide=True), t=at)
    return w["opens_date"].format(d=long_date(moment.date(), lang))


def state_phases(
    intervals: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime, lang: str
) -> list[Phase]:
    """The open/closed phrase for every moment in [start, end), as consecutive phases.

    ``intervals``: open intervals (aware), sorted, covering at least [start, end); what lies
    after ``end`` tells when the last phase changes. Cut at each change and each midnight.
    """
    w = words(lang)
    spans = sorted(intervals)
    cuts = {start, end}
    for a, b in spans:
        cuts.update(m for m in (a, b) if start < m < end)
    day = datetime.combine(_local(start).date(), time(0, 0), tzinfo=PARIS) + DAY
    while day < end:
        cuts.add(day)
        day = datetime.combine(day.date() + DAY, time(0, 0), tzinfo=PARIS)
    moments = sorted(cuts)
    phases: list[Phase] = []
    for a, b in itertools.pairwise(moments):
        current = next((s for s in spans if s[0] <= a < s[1]), None)
        if current is not None:
            closes = current[1]
            if closes - a > 6 * DAY:
                text = w["always"]
            else:
                text = f"{w['open']}{SEP}{_closes(closes, a, lang)}"
        else:
            upcoming = next((s[0] for s in spans if s[0] > a), None)
            text = w["closed"]
            if upcoming is not None:
                text += SEP + _opens(upcoming, a, lang)
        if phases and phases[-1].text == text and phases[-1].open == (current is not None):
            phases[-1] = Phase(phases[-1].start, b, phases[-1].open, text)
        else:
            phases.append(Phase(a, b, current is not None, text))
    return phases


def state_at(phases: Sequence[Phase], now: datetime) -> Phase | None:
    return next((p for p in phases if p.start <= now < p.end), None)


# -- events and offers ------------------------------------------------------------------------


def event_when(starts: datetime, ends: datetime, lang: str) -> str:
    """Static: ``Samedi 14 juillet, 21 h`` or ``Du 5 juillet au 7 juillet``."""
    a, b = _local(starts), _local(ends)
    if (b - a) > DAY and b.date() != a.date():
        w = words(lang)
        return w["from_to"].format(a=long_date(a.date(), lang), b=long_date(b.date(), lang))
    weekday = day_name(a.weekday(), lang, wide=True)
    return _capital(f"{weekday} {long_date(a.date(), lang)}, {_at(a.time(), lang)}")


def event_phases(starts: datetime, ends: datetime, start: datetime, lang: str) -> list[Phase]:
    """``Samedi 14 juillet, 21 h`` → ``Demain 21 h`` → ``Ce soir 21 h`` → ``En ce moment ·
    jusqu’à 23 h`` (``jusqu’à demain 19 h`` on the first evening of a two-day market)."""
    w = words(lang)
    a, b = _local(starts), _local(ends)
    day_of = datetime.combine(a.date(), time(0, 0), tzinfo=PARIS)
    at = _at(a.time(), lang)
    today = w["tonight" if a.time() >= EVENING else "today"].format(t=at)
    steps = [
        (_local(start), day_of - DAY, event_when(starts, ends, lang)),
        (day_of - DAY, day_of, w["tomorrow"].format(t=at)),
        (day_of, a, today),
    ]
    # on now: cut at each midnight, where the end's day changes its words ("demain" → today)
    cursor = a
    while cursor < b:
        midnight = datetime.combine(cursor.date() + DAY, time(0, 0), tzinfo=PARIS)
        steps.append((cursor, min(midnight, b), _on_until(b, cursor, lang)))
        cursor = min(midnight, b)
    begin = _local(start)
    phases: list[Phase] = []
    for x, y, text in steps:
        if max(x, begin) >= y:
            continue
        if phases and phases[-1].text == text and phases[-1].end == max(x, begin):
            phases[-1] = Phase(phases[-1].start, y, True, text)
        else:
            phases.append(Phase(max(x, begin), y, True, text))
    return phases


def money(value: float, lang: str) -> str:
    """``12 €``, ``€12``, ``12,50 €``: cents only when there are some."""
    digits = value != int(value)
    return str(format_currency(value, "EUR", locale=lang, currency_digits=digits,
                               format=None if digits else _whole_pattern(lang)))  # fmt: skip


def _whole_pattern(lang: str) -> str:
    return {"en": "¤#,##0"}.get(lang, "#,##0\u00a0¤")


def offer_fact(discount: float | None, until: datetime, code: str | None, lang: str) -> str:
    """``−25 % jusqu’au 31 janvier, code P2FWEEKEND``."""
    w = words(lang)
    parts = []
    if discount:
        number = format_decimal(discount, locale=lang)
        parts.append(f"−{number}\u00a0%" if lang in ("fr", "de", "es") else f"−{number}%")
    parts.append(w["until"].format(d=long_date(_local(until).date(), lang)))
    text = " ".join(parts)
    if code:
        text += f", {w['code'].format(c=code)}"
    return _capital(text)
