"""``p2f-player simulate``: what a screen would play, and whether sponsors get what they booked.

The scheduler runs over a span of time exactly as the player runs it (slide after slide, the
screen off outside ``screen_hours``); the result lists what plays at each minute, each group's
share of screen time, and for every campaign the site runs (``site.campaigns``; a legacy
manifest's ``sponsors`` too): its booked share, the share it was delivered, and why they
differ. A campaign is measured on its own local days only. Shares are measured on the time
the screen is on and not taken over by a critical alert (a sponsor buys a share of the
loop, not of an emergency), so the only honest causes of a shortfall left are:

- ``no eligible slide``: none of the sponsor's slides may show then (hours, dates, audiences,
  a place closed, an offer not yet valid), or it has no slide in this release at all;
- ``max_per_hour``: its slides were held back by their cap.

``screen off`` and ``critical alert`` time are reported too, outside the measured time.
``shortfalls`` gives what ``--check`` fails on. Pure: the plan and the span come in; nothing
here reads the clock or the disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from p2f_player.contract.rules import DEFAULT_DURATION_S, PARIS, to_local
from p2f_player.scheduler import Booking, Plan, Play, is_eligible, select_slide
from p2f_player.screen import next_screen_change, screen_on

NO_SLIDE, CAPPED, SCREEN_OFF, TAKEOVER = (
    "no eligible slide",
    "max_per_hour",
    "screen off",
    "critical alert",
)
HISTORY = 2000  # plays kept for the scheduler: well over an hour of the shortest slides


@dataclass
class SponsorReport:
    sponsor: str
    booked: float
    seconds: float = 0.0  # played
    lost: dict[str, float] = field(default_factory=dict)  # reason -> seconds unavailable
    lost_hours: dict[str, set[int]] = field(default_factory=dict)  # reason -> local hours
    measured: float = 0.0  # seconds the screen was on and not taken over
    campaign: Booking | None = None  # None: a legacy per-partner share

    @property
    def delivered(self) -> float:
        return self.seconds / self.measured if self.measured else 0.0

    @property
    def available(self) -> float:
        """Share of the measured time when at least one of its slides could play."""
        unavailable = sum(s for r, s in self.lost.items() if r in (NO_SLIDE, CAPPED))
        return 1.0 - unavailable / self.measured if self.measured else 0.0

    def shortfall(self) -> float:
        """How far below its booking, relative to it (0.0: delivered in full or more)."""
        return max(0.0, 1.0 - self.delivered / self.booked) if self.booked else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "booked": self.booked,
            "delivered": round(self.delivered, 5),
            "available": round(self.available, 5),
            "shortfall": round(self.shortfall(), 5),
            "lost_seconds": {k: round(v, 1) for k, v in sorted(self.lost.items())},
            "lost_hours": {k: hour_ranges(v) for k, v in sorted(self.lost_hours.items())},
        }


@dataclass
class Simulation:
    minutes: list[dict[str, str]]
    shares: dict[str, float]  # group -> share of the time the screen was on
    sponsors: list[SponsorReport]
    seconds: dict[str, float]  # total, screen off, critical alert, measured

    def to_json(self) -> dict[str, Any]:
        return {
            "minutes": self.minutes,
            "shares": self.shares,
            "sponsors": {r.sponsor: r.to_json() for r in self.sponsors},
            "seconds": {k: round(v, 1) for k, v in self.seconds.items()},
        }


def simulate(
    plan: Plan, start: datetime, span: timedelta, site: Mapping[str, Any] | None = None
) -> Simulation:
    """Run the scheduler from ``start`` for ``span``; ``site`` is the manifest's site profile
    (its ``screen_hours``: when the screen is off, nothing plays and nothing is owed)."""
    now, end = start.astimezone(UTC), (start + span).astimezone(UTC)
    recent: list[Play] = []
    groups: dict[str, float] = {}
    reports = [SponsorReport(s, share) for s, share in sorted(plan.sponsors.items())]
    reports += [SponsorReport(b.id, _booked_share(plan, b), campaign=b) for b in plan.campaigns]
    totals = {"total": 0.0, SCREEN_OFF: 0.0, TAKEOVER: 0.0, "measured": 0.0}
    minutes: list[dict[str, str]] = []
    next_minute = now
    while now < end:
        if not screen_on(site, now):
            until = min(next_screen_change(site, now) or end, end)
            _note(reports, SCREEN_OFF, now, until)
            totals[SCREEN_OFF] += (until - now).total_seconds()
            next_minute = _minutes(minutes, next_minute, until, end, "off", "-", "screen off")
            totals["total"] += (until - now).total_seconds()
            now = until
            continue
        decision = select_slide(plan, recent[-HISTORY:], now)
        until = min(decision.until, end, next_screen_change(site, now) or end)
        seconds = (until - now).total_seconds()
        slide = decision.slide
        sponsor = slide.sponsor if slide and slide.sponsor in plan.sponsors else None
        if decision.reason.startswith("campaign "):
            sponsor = decision.reason.removeprefix("campaign ")
        recent.append(Play(decision.slide_id, slide.sponsor if slide else None, now, seconds))
        group = sponsor or ("alerts" if decision.reason.startswith("alert") else "house")
        groups[group] = groups.get(group, 0.0) + seconds
        totals["total"] += seconds
        if slide is not None and slide.interrupt:
            totals[TAKEOVER] += seconds
            _note(reports, TAKEOVER, now, until)
        else:
            totals["measured"] += seconds
            day = to_local(now).date()
            for report in reports:
                if report.campaign is not None and not report.campaign.runs_on(day):
                    continue  # outside its period: nothing booked, nothing owed
                report.measured += seconds
                if report.sponsor == sponsor:
                    report.seconds += seconds
                    continue
                reason = _why_not(plan, report, now, recent)
                if reason is not None:
                    _note([report], reason, now, until)
        next_minute = _minutes(
            minutes, next_minute, until, end, decision.slide_id, decision.language, decision.reason
        )
        now = until
    on = sum(groups.values()) or 1.0
    shares = {g: s / on for g, s in sorted(groups.items())}
    return Simulation(minutes, shares, reports, totals)


def _booked_share(plan: Plan, booking: Booking) -> float:
    """A campaign's booked share; plays per hour at the length of its first slide."""
    covered = [s for s in plan.slides if booking.covers(s)]
    if covered:
        return booking.booked(covered[0])
    return (booking.plays_per_hour or 0.0) * DEFAULT_DURATION_S / 3600 or booking.share or 0.0


def _why_not(plan: Plan, report: SponsorReport, now: datetime, recent: list[Play]) -> str | None:
    """Why none of the sponsor's slides could play at ``now`` (``None``: one could)."""
    if report.campaign is not None:
        slides = [s for s in plan.slides if report.campaign.covers(s)]
    else:
        slides = [s for s in plan.slides if s.sponsor == report.sponsor]
    if any(is_eligible(plan, s, now, recent[-HISTORY:]) for s in slides):
        return None
    if any(is_eligible(plan, s, now, ()) for s in slides):
        return CAPPED
    return NO_SLIDE


def _note(reports: list[SponsorReport], reason: str, start: datetime, end: datetime) -> None:
    seconds = (end - start).total_seconds()
    hours = set()
    moment = start
    while moment < end:  # every local clock hour the span touches
        hours.add(moment.astimezone(PARIS).hour)
        moment = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    for report in reports:
        report.lost[reason] = report.lost.get(reason, 0.0) + seconds
        report.lost_hours.setdefault(reason, set()).update(hours)


def _minutes(
    out: list[dict[str, str]],
    minute: datetime,
    until: datetime,
    end: datetime,
    slide: str,
    lang: str,
    reason: str,
) -> datetime:
    while minute < until and minute < end:
        out.append(
            {
                "at": minute.astimezone(PARIS).isoformat(timespec="minutes"),
                "slide": slide,
                "lang": lang,
                "reason": reason,
            }
        )
        minute += timedelta(minutes=1)
    return minute


def hour_ranges(hours: set[int]) -> str:
    """``{21, 22, 23, 0, 5}`` as ``"21:00-01:00, 05:00-06:00"`` (local clock hours)."""
    spans: list[list[int]] = []
    for hour in sorted(hours):
        if spans and spans[-1][1] == hour:
            spans[-1][1] = hour + 1
        else:
            spans.append([hour, hour + 1])
    if len(spans) > 1 and spans[0][0] == 0 and spans[-1][1] == 24:  # across midnight
        spans[-1][1] = spans.pop(0)[1] + 24
    return ", ".join(f"{a:02d}:00-{b % 24:02d}:00" for a, b in spans)


def shortfalls(simulation: Simulation, threshold: float) -> list[SponsorReport]:
    """Sponsors delivered less than ``booked × (1 − threshold)``."""
    return [r for r in simulation.sponsors if r.shortfall() > threshold]


def report_lines(simulation: Simulation, site: str, threshold: float | None = None) -> list[str]:
    """The sponsors' part of the text output, one line per sponsor and one per cause."""
    measured = simulation.seconds["measured"] / 3600
    lines = [
        f"campaigns and sponsors booked at {site} (shares of the {measured:.1f} h the screen "
        "was on and not taken over by a critical alert):"
    ]
    if not simulation.sponsors:
        lines.append("  none")
    for r in simulation.sponsors:
        verdict = "ok"
        if r.shortfall() > (threshold if threshold is not None else 0.0005):
            verdict = f"SHORT by {r.shortfall():.0%} of the booking"
        lines.append(
            f"  {r.sponsor:28s} booked {r.booked:6.2%}  delivered {r.delivered:6.2%}  {verdict}"
        )
        for reason in (NO_SLIDE, CAPPED, TAKEOVER, SCREEN_OFF):
            seconds = r.lost.get(reason, 0.0)
            if not seconds:
                continue
            measured_cause = reason in (NO_SLIDE, CAPPED)
            base = r.measured if measured_cause else simulation.seconds["total"]
            lines.append(
                f"      {reason}: {seconds / base:.0%} of the "
                f"{'measured' if measured_cause else 'simulated'} time "
                f"({hour_ranges(r.lost_hours[reason])})"
            )
    return lines
