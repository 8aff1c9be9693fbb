"""Opening windows computed at build time from the OpenStreetMap ``opening_hours`` syntax.

The browser needs to know "open now" on the home page and the place page without loading the
1 MB opening_hours.js; the build writes the next ``DAYS`` days of open intervals into a data
attribute instead. The places directory still evaluates the raw string with opening_hours.js.
The kiosk build writes the same intervals into each place slide (``open_intervals``), so the
player never parses the syntax. Public holidays (``PH``) are the French ones: opening-hours-py
carries the calendar (``COUNTRY``). Pure: the moment comes in as an argument.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import opening_hours

from p2f_player.contract.rules import PARIS

DAYS = 14
COUNTRY = "FR"  # the calendar of public holidays ("PH off") of every place


def _hours(expression: str) -> opening_hours.OpeningHours:
    return opening_hours.OpeningHours(expression, country=COUNTRY)


def _start(now: datetime) -> datetime:
    return now.astimezone(PARIS).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)


def hours_coverage_end(now: datetime) -> datetime:
    """Until when the windows written at ``now`` are valid; past it the browser asks
    opening_hours.js instead."""
    return (_start(now) + timedelta(days=DAYS)).replace(tzinfo=PARIS)


def open_windows(expression: str, now: datetime) -> str:
    """``"start/end start/end ..."`` (ISO, Paris offsets) of open intervals from today for DAYS."""
    start = _start(now)
    windows = []
    for begin, end, state, _comment in _hours(expression).intervals(
        start, start + timedelta(days=DAYS)
    ):
        if state == opening_hours.State.OPEN:
            windows.append(f"{_iso(begin)}/{_iso(end)}")
    return " ".join(windows)


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=PARIS).isoformat(timespec="minutes")


def week_schedule(expression: str, now: datetime) -> list[tuple[datetime, list[tuple[str, str]]]]:
    """The next seven days from ``now``'s day: each day with its open spans (``"08:30"``,
    ``"19:00"``; ``"24:00"`` for midnight at the end), an empty list when closed."""
    start = _start(now)
    days: list[tuple[datetime, list[tuple[str, str]]]] = [
        (start + timedelta(days=n), []) for n in range(7)
    ]
    end = start + timedelta(days=7)
    for begin, finish, state, _comment in _hours(expression).intervals(start, end):
        if state != opening_hours.State.OPEN:
            continue
        for day, spans in days:
            low, high = max(begin, day), min(finish, day + timedelta(days=1))
            if low < high:
                stop = "24:00" if high == day + timedelta(days=1) else f"{high:%H:%M}"
                spans.append((f"{low:%H:%M}", stop))
    return days


def open_intervals(
    expression: str | None, season: str | None, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """When a place is worth proposing between ``start`` and ``end`` (aware instants): open by
    ``expression`` and inside ``season`` (OSM month ranges, e.g. ``Jun-Sep``); either may be
    missing. Aware ``[from, until)`` pairs in Paris time, merged where they touch."""
    low = start.astimezone(PARIS).replace(tzinfo=None)
    high = end.astimezone(PARIS).replace(tzinfo=None)
    spans: list[tuple[datetime, datetime]] = [(low, high)]
    for rule in (expression, season):
        if rule:
            spans = _intersect(spans, _open_spans(rule, low, high))
    merged: list[tuple[datetime, datetime]] = []
    for begin, finish in spans:
        if merged and merged[-1][1] >= begin:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return [(a.replace(tzinfo=PARIS), b.replace(tzinfo=PARIS)) for a, b in merged]


def _open_spans(rule: str, low: datetime, high: datetime) -> list[tuple[datetime, datetime]]:
    return [
        (begin, finish)
        for begin, finish, state, _comment in _hours(rule).intervals(low, high)
        if state == opening_hours.State.OPEN
    ]


def _intersect(
    left: list[tuple[datetime, datetime]], right: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    out = []
    for a0, a1 in left:
        for b0, b1 in right:
            begin, finish = max(a0, b0), min(a1, b1)
            if begin < finish:
                out.append((begin, finish))
    return sorted(out)
