"""How visible an item is on the screens: an estimate of its plays per week, per item.

Estimated from the kiosk manifests the build wrote (``build/kiosk/<site>/manifest.json``),
with the player's own scheduler judging eligibility (``p2f_player.scheduler.is_eligible`` and
``weight_now``, its public functions), so a place closed at night, an event not yet near or an
alert outside its window counts for nothing then. For each site, for each of the 168 hours of
the week after the build moment (``release.created``), judged at the middle of the hour:

- no plays when the screen is off (``screen_hours``, ``p2f_player.screen.screen_on``);
- eligible alerts whose level takes over share the whole hour equally;
- otherwise the hour is shared as the scheduler shares it (its own ``group_of`` and
  ``booked_share``): each running campaign (or legacy sponsor) present gets its
  booked share, each alert level with a ``max_share`` that share, the house (highest
  priority present) the rest, all scaled to fill the hour (the scheduler never idles while
  something is eligible); inside a group, time goes by ``weight`` x moment weight;
- a slide's plays in that hour are its seconds divided by its duration.

Summed over the hours and the sites. It ignores ``max_per_hour`` caps and the rounding of
whole slides, so it is an estimate for ranking, not a proof of play (the office reports read
the journals for that). Pure: manifest documents in, numbers out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from p2f_player.scheduler import Plan, Slide, booked_share, group_of, is_eligible, weight_now
from p2f_player.screen import screen_on

HOURS_PER_WEEK = 168


def plays_per_week(manifests: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Estimated plays per week of each slide id (item slug), summed over the sites."""
    totals: dict[str, float] = {}
    for document in manifests:
        for slug, plays in site_plays_per_week(document).items():
            totals[slug] = totals.get(slug, 0.0) + plays
    return totals


def site_plays_per_week(document: Mapping[str, Any]) -> dict[str, float]:
    """Estimated plays per week of each slide of one site's manifest."""
    plan = Plan.from_manifest(document)
    start = datetime.fromisoformat(document["release"]["created"])
    plays: dict[str, float] = {}
    for hour in range(HOURS_PER_WEEK):
        moment = start + timedelta(hours=hour, minutes=30)
        if not screen_on(document["site"], moment):
            continue
        for slide, seconds in hour_shares(plan, moment):
            plays[slide.id] = plays.get(slide.id, 0.0) + seconds / slide.rules.duration_s
    return plays


def hour_shares(plan: Plan, moment: datetime) -> list[tuple[Slide, float]]:
    """Seconds of the hour around ``moment`` each eligible slide gets (see the docstring)."""
    eligible = [s for s in plan.slides if is_eligible(plan, s, moment)]
    takeover = [s for s in eligible if s.interrupt]
    if takeover:
        return [(s, 3600.0 / len(takeover)) for s in takeover]
    groups: dict[str, list[Slide]] = {}
    for slide in eligible:
        groups.setdefault(group_of(plan, slide, moment), []).append(slide)
    if "" in groups:
        top = max(s.rules.priority for s in groups[""])
        groups[""] = [s for s in groups[""] if s.rules.priority == top]
    booked = {g: booked_share(plan, g, members[0]) for g, members in groups.items() if g}
    shares = {g: booked.get(g, max(0.0, 1.0 - sum(booked.values()))) for g in groups}
    # the scheduler never idles: the groups present split the hour in proportion to shares
    scale = sum(shares.values())
    out: list[tuple[Slide, float]] = []
    for group, members in groups.items():
        weights = [(s, s.rules.weight * weight_now(plan, s, moment)) for s in members]
        whole = sum(weight for _, weight in weights)
        for slide, weight in weights:
            if whole > 0 and weight > 0 and scale > 0:
                out.append((slide, 3600.0 * shares[group] / scale * weight / whole))
    return out
