"""Opening windows computed at build time from the OpenStreetMap ``opening_hours`` syntax.

The browser needs to know "open now" on the home page and the place page without loading the
1 MB opening_hours.js; the build writes the next ``DAYS`` days of open intervals into a data
attribute instead. The places directory still evaluates the raw string with opening_hours.js.
Pure: the moment comes in as an argument.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import opening_hours

from p2f_player.contract.rules import PARIS

DAYS = 14


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
    for begin, end, state, _comment in opening_hours.OpeningHours(expression).intervals(
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
    for begin, finish, state, _comment in opening_hours.OpeningHours(expression).intervals(
        start, end
    ):
        if state != opening_hours.State.OPEN:
            continue
        for day, spans in days:
            low, high = max(begin, day), min(finish, day + timedelta(days=1))
            if low < high:
                stop = "24:00" if high == day + timedelta(days=1) else f"{high:%H:%M}"
                spans.append((f"{low:%H:%M}", stop))
    return days
