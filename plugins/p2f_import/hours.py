"""Opening periods -> OpenStreetMap ``opening_hours``, where they can be said in it.

A period is (dates, weekdays, opening time, closing time). What has no opening time, or
fails the opening-hours library the check uses, is not guessed: the caller keeps the
upstream text in the body and flags it for the reviewer.

Upstream periods carry a year (``2020-04-01`` to ``2020-09-30``); a place's season repeats,
so the rule is written without the year ("Apr 01-Sep 30") and the caller says so in a flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import opening_hours

WEEK = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ENGLISH_DAYS = dict(
    zip(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        WEEK,
        strict=True,
    )
)
FRENCH_DAYS = dict(
    zip(
        ("LUNDI", "MARDI", "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE"), WEEK, strict=True
    )
)


@dataclass(frozen=True)
class Period:
    starts: date | None
    ends: date | None
    days: tuple[str, ...]  # Mo..Su; empty: every day
    opens: str | None  # "HH:MM"
    closes: str | None


def clock(text: str | None) -> str | None:
    """``"10:00:00"`` -> ``"10:00"``; None for anything else."""
    if not text:
        return None
    parts = text.strip().split(":")
    if len(parts) < 2 or not all(part.isdigit() for part in parts[:2]):
        return None
    hours, minutes = int(parts[0]), int(parts[1])
    if not (0 <= hours <= 24 and 0 <= minutes < 60):
        return None
    return f"{hours:02d}:{minutes:02d}"


def _days(days: tuple[str, ...]) -> str:
    indexes = sorted({WEEK.index(day) for day in days})
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{WEEK[run[0]]}-{WEEK[run[-1]]}")
        else:
            parts.extend(WEEK[i] for i in run)
    return ",".join(parts)


def _dates(starts: date | None, ends: date | None) -> str:
    if starts is None or ends is None or (ends - starts).days >= 364:
        return ""
    return f"{MONTHS[starts.month - 1]} {starts.day:02d}-{MONTHS[ends.month - 1]} {ends.day:02d}"


def rule(period: Period) -> str | None:
    """One period as an OSM rule, or None when it has no opening time."""
    opens = clock(period.opens)
    if opens is None:
        return None
    closes = clock(period.closes)
    times = f"{opens}-{closes}" if closes and closes != opens else f"{opens}+"
    parts = [_dates(period.starts, period.ends)]
    if period.days and len(set(period.days)) < 7:
        parts.append(_days(period.days))
    parts.append(times)
    return " ".join(part for part in parts if part)


def expression(periods: list[Period]) -> str | None:
    """All periods as one valid OSM expression, or None if any cannot be said in it."""
    rules = []
    for period in periods:
        found = rule(period)
        if found is None:
            return None
        if found not in rules:
            rules.append(found)
    if not rules:
        return None
    text = "; ".join(rules)
    try:
        opening_hours.OpeningHours(text)
    except Exception:  # the library's ParserError; whatever it is, we do not write it
        return None
    return text
