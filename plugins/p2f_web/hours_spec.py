"""schema.org ``openingHoursSpecification`` from OpenStreetMap ``opening_hours`` (pure).

The OSM expression is not translated by hand: opening-hours-py (the project's opening-hours
library, with the French public holidays, as ``p2f_site.hours``) evaluates it day by day over
the coming year, and the specification is read back from what it says:

- **split days**: one specification per opening span, for the weekdays that share it;
- **seasons**: the year is cut where a weekday's hours change from one week to the next
  (``Jul-Aug: ...``); each period gets ``validFrom``/``validThrough``; a place with the same
  week all year gets none;
- **public holidays**: the expression is evaluated twice, with the French holiday calendar and
  without any; each day where the two differ (``PH off``, ``PH 10:00-12:00``) is an exception
  for that date, ``opens``/``closes`` ``00:00`` when closed (the form search engines document
  for "closed that day");
- a span past midnight (``Fr 19:00-01:00``) belongs to the day it starts on, ``closes`` earlier
  than ``opens``; a day open around the clock is ``00:00``-``23:59``.

Nothing reads the clock: the first day comes in as an argument.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import opening_hours

from p2f_site.hours import COUNTRY

HORIZON_DAYS = 366
DAY = timedelta(days=1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Spans = tuple[tuple[str, str], ...]


def _hhmm(moment: time) -> str:
    return f"{moment:%H:%M}"


def daily_spans(
    expression: str, first: date, days: int = HORIZON_DAYS, holidays: bool = True
) -> list[Spans]:
    """The open spans of each day from ``first``, as the library evaluates them (with the
    French public holidays, or with none)."""
    start = datetime.combine(first, time(0, 0))
    out: list[list[tuple[str, str]]] = [[] for _ in range(days)]
    rule = (
        opening_hours.OpeningHours(expression, country=COUNTRY)
        if holidays
        else opening_hours.OpeningHours(expression)
    )
    for begin, end, state, _comment in rule.intervals(start, start + days * DAY):
        if state != opening_hours.State.OPEN:
            continue
        if end - begin < DAY or (end - begin == DAY and begin.time() != time(0, 0)):
            index = (begin.date() - first).days
            if 0 <= index < days:
                closes = "23:59" if end.time() == time(0, 0) else _hhmm(end.time())
                out[index].append((_hhmm(begin.time()), closes))
            continue
        cursor = begin  # open around the clock for a day or more: day by day
        while cursor < end:
            midnight = datetime.combine(cursor.date(), time(0, 0)) + DAY
            stop = min(end, midnight)
            index = (cursor.date() - first).days
            if 0 <= index < days:
                closes = "23:59" if stop == midnight else _hhmm(stop.time())
                out[index].append((_hhmm(cursor.time()), closes))
            cursor = stop
    return [tuple(spans) for spans in out]


def _periods(days: list[Spans]) -> list[tuple[int, int]]:
    """``[start, end)`` day ranges over which each weekday keeps the same hours."""
    periods, start = [], 0
    for d in range(len(days)):
        if d - 7 >= start and days[d] != days[d - 7]:
            periods.append((start, d))
            start = d
    periods.append((start, len(days)))
    return periods


def _spec(
    days_of_week: list[int], opens: str, closes: str, valid: dict[str, str]
) -> dict[str, Any]:
    return {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": [f"https://schema.org/{WEEKDAYS[d]}" for d in days_of_week],
        "opens": opens,
        "closes": closes,
        **valid,
    }


def opening_hours_specification(expression: str, first: date) -> list[dict[str, Any]]:
    """The specifications of ``expression`` for the year from ``first`` (see the module)."""
    usual = daily_spans(expression, first, holidays=False)
    actual = daily_spans(expression, first)
    exceptions = {d: spans for d, spans in enumerate(actual) if spans != usual[d]}
    periods = _periods(usual)
    out: list[dict[str, Any]] = []
    for start, end in periods:
        valid = {}
        if len(periods) > 1:
            valid = {
                "validFrom": (first + timedelta(days=start)).isoformat(),
                "validThrough": (first + timedelta(days=end - 1)).isoformat(),
            }
        week: dict[tuple[str, str], list[int]] = {}
        for d in range(start, min(start + 7, end)):
            weekday = (first + timedelta(days=d)).weekday()
            for span in usual[d]:
                week.setdefault(span, []).append(weekday)
        for (opens, closes), weekdays in sorted(week.items(), key=lambda kv: min(kv[1])):
            out.append(_spec(sorted(weekdays), opens, closes, valid))
    for d, spans in sorted(exceptions.items()):
        day = (first + timedelta(days=d)).isoformat()
        valid = {"validFrom": day, "validThrough": day}
        that_day = [(first + timedelta(days=d)).weekday()]
        for opens, closes in spans or (("00:00", "00:00"),):
            out.append(_spec(that_day, opens, closes, valid))
    return out
