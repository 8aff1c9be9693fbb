"""The rules contract, evaluation half: what rules *are* and how they judge a moment and a site.

Data types (``Rules``, ``TimeWindow``, ``DateRange``, ``Near``, ``SiteProfile``), the judging
methods (``applies_to_site``, ``active_at``, ``expired_at``, ``never_matches``) and the
manifest form (``to_json``). Pure: no clock reads, no I/O; the moment to judge is always passed
in as an aware ``datetime``. Parsing the YAML/JSON form lives in ``rules_parse``; the public
names are re-exported by ``rules``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
AUDIENCES = ("affaires", "excursionnistes", "seniors", "familles", "residents", "jeunes")
LANGUAGES = ("fr", "en", "de", "es")
DEFAULT_PRIORITY = 50
DEFAULT_DURATION_S = 10
RULE_FIELDS = (
    "dates",
    "weekdays",
    "hours",
    "sites",
    "near",
    "audiences",
    "languages",
    "priority",
    "weight",
    "max_per_hour",
    "duration_s",
)


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class TimeWindow:
    """A local time-of-day window ``[start, end)``; ``end <= start`` crosses midnight."""

    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def contains(self, moment: time) -> bool:
        if self.crosses_midnight:
            return moment >= self.start or moment < self.end
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class SiteProfile:
    """What the rules need to know about a screen."""

    id: str
    tags: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Rules:
    dates: tuple[DateRange, ...] = ()
    weekdays: frozenset[str] = frozenset()
    hours: tuple[TimeWindow, ...] = ()
    sites: frozenset[str] = frozenset()  # site ids, and tags as "tag:<tag>"
    near: Near | None = None
    audiences: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    priority: int = DEFAULT_PRIORITY
    weight: float = 1.0
    max_per_hour: int | None = None
    duration_s: int = DEFAULT_DURATION_S
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    # -- judging -------------------------------------------------------------------------

    def applies_to_site(self, site: SiteProfile) -> bool:
        """True when the place rules (``sites``, ``near``) admit this screen."""
        if self.sites and not (
            site.id in self.sites or any(f"tag:{tag}" in self.sites for tag in site.tags)
        ):
            return False
        if self.near is not None:
            if site.lat is None or site.lon is None:
                return False
            distance = distance_km(self.near.lat, self.near.lon, site.lat, site.lon)
            if distance > self.near.radius_km:
                return False
        return True

    def active_at(self, moment: datetime) -> bool:
        """True when the time rules (dates, weekdays, hours) admit this moment."""
        local = to_local(moment)
        today, now = local.date(), local.time()
        if not self.hours:
            return self._date_admits(today)
        for window in self.hours:
            if not window.contains(now):
                continue
            # A window crossing midnight belongs to the day it started: Friday 22:00-02:00
            # still runs at Saturday 01:00, so its early part is judged on the day before.
            started = (
                today - timedelta(days=1) if window.crosses_midnight and now < window.end else today
            )
            if self._date_admits(started):
                return True
        return False

    def _date_admits(self, day: date) -> bool:
        if self.dates and not any(r.contains(day) for r in self.dates):
            return False
        return not (self.weekdays and WEEKDAYS[day.weekday()] not in self.weekdays)

    def expired_at(self, moment: datetime) -> bool:
        """True when every date range ended before this moment: the item can never show again."""
        if not self.dates:
            return False
        last_day = max(r.end for r in self.dates)
        # Allow the overnight tail of a window that started on the last day.
        tail = max((w.end for w in self.hours if w.crosses_midnight), default=None)
        local = to_local(moment)
        if tail is not None:
            return (local.date(), local.time()) >= (last_day + timedelta(days=1), tail)
        return local.date() > last_day

    def never_matches(self, known_sites: Mapping[str, SiteProfile]) -> list[tuple[str, str]]:
        """Reasons why these rules can never admit anything, as ``(field, message)`` pairs."""
        problems: list[tuple[str, str]] = []
        for index, span in enumerate(self.dates):
            if span.end < span.start:
                problems.append(
                    (
                        f"rules.dates[{index}]",
                        f"ends ({span.end}) before it starts ({span.start}); swap from/until",
                    )
                )
        for index, window in enumerate(self.hours):
            if window.start == window.end:
                problems.append(
                    (
                        f"rules.hours[{index}]",
                        f"starts and ends at {window.start:%H:%M}: an empty window; "
                        'for all day leave "hours" out',
                    )
                )
        if (
            self.dates
            and self.weekdays
            and not problems
            and not any(self._range_hits_weekday(r) for r in self.dates)
        ):
            problems.append(
                (
                    "rules.weekdays",
                    f"none of {sorted(self.weekdays)} falls inside the dates; "
                    "the item could never show",
                )
            )
        tags = {tag for site in known_sites.values() for tag in site.tags}
        for target in sorted(self.sites):
            if target.startswith("tag:"):
                if target[4:] not in tags:
                    problems.append(
                        (
                            "rules.sites",
                            f'no site has the tag "{target[4:]}" (known: {sorted(tags)})',
                        )
                    )
            elif target not in known_sites:
                problems.append(
                    ("rules.sites", f'unknown site "{target}" (known: {sorted(known_sites)})')
                )
        reported_sites = any(field == "rules.sites" for field, _ in problems)
        if (
            known_sites
            and not reported_sites
            and not any(self.applies_to_site(s) for s in known_sites.values())
        ):
            problems.append(("rules.near", "no site lies inside this circle and site list"))
        return problems

    def _range_hits_weekday(self, window: DateRange) -> bool:
        day = window.start
        for _ in range(7):
            if day > window.end:
                return False
            if WEEKDAYS[day.weekday()] in self.weekdays:
                return True
            day += timedelta(days=1)
        return True

    # -- serialising (manifest, JSON test vectors) ---------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The manifest form: only what restricts, ISO strings, sorted lists."""
        out: dict[str, Any] = {}
        if self.dates:
            out["dates"] = [
                {"from": r.start.isoformat(), "until": r.end.isoformat()} for r in self.dates
            ]
        if self.weekdays:
            out["weekdays"] = [d for d in WEEKDAYS if d in self.weekdays]
        if self.hours:
            out["hours"] = [
                {"from": f"{w.start:%H:%M}", "until": f"{w.end:%H:%M}"} for w in self.hours
            ]
        for name in ("sites", "audiences", "languages"):
            values = getattr(self, name)
            if values:
                out[name] = sorted(values)
        if self.near is not None:
            out["near"] = {
                "lat": self.near.lat,
                "lon": self.near.lon,
                "radius_km": self.near.radius_km,
            }
        out["priority"] = self.priority
        out["weight"] = self.weight
        if self.max_per_hour is not None:
            out["max_per_hour"] = self.max_per_hour
        out["duration_s"] = self.duration_s
        return out


def to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("moments must be timezone-aware (got a naive datetime)")
    return moment.astimezone(PARIS)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
