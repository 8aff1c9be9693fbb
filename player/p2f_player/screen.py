"""When the screen is on: the site profile's ``screen_hours``, judged by the rules engine.

``screen_hours`` is a list of blocks ``{"weekdays": [...], "hours": [{"from", "until"}]}``; the
screen is on when any block is active (``Rules.active_at``: a window crossing midnight belongs
to the day it started). No block at all (empty or absent) means always on.

Pure: no clock reads, no I/O; the moment is always passed in as an aware ``datetime``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from p2f_player.contract.rules import PARIS, Rules, parse_rules, to_local

LOOKAHEAD_DAYS = 8  # a weekly schedule changes within a week, or never


def screen_blocks(site_profile: Mapping[str, Any] | None) -> list[Rules]:
    """The profile's blocks as rules (raises ``RuleError`` for a malformed block)."""
    blocks = (site_profile or {}).get("screen_hours") or []
    return [
        parse_rules({"weekdays": block.get("weekdays") or [], "hours": block.get("hours") or []})
        for block in blocks
    ]


def screen_on(site_profile: Mapping[str, Any] | None, now: datetime) -> bool:
    """True when the screen should be on at ``now``."""
    return _on(screen_blocks(site_profile), now)


def next_screen_change(site_profile: Mapping[str, Any] | None, now: datetime) -> datetime | None:
    """The first moment after ``now`` when ``screen_on`` flips; ``None`` if it never does."""
    blocks = screen_blocks(site_profile)
    if not blocks:
        return None
    state = _on(blocks, now)
    for moment in _boundaries(blocks, now):
        if _on(blocks, moment) != state:
            return moment
    return None


def _on(blocks: list[Rules], now: datetime) -> bool:
    return not blocks or any(block.active_at(now) for block in blocks)


def _boundaries(blocks: list[Rules], now: datetime) -> list[datetime]:
    """Every local midnight, window start and window end of the coming days, after ``now``."""
    times: set[time] = {time(0)}
    for block in blocks:
        for window in block.hours:
            times.update((window.start, window.end))
    today = to_local(now).date()
    found = set()
    for offset in range(-1, LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        for moment in times:
            candidate = _local(day, moment)
            if candidate > now:
                found.add(candidate)
    return sorted(found)


def _local(day: date, moment: time) -> datetime:
    """``day`` at ``moment`` in Paris, as a real instant (a time skipped by DST comes later)."""
    naive = datetime.combine(day, moment, tzinfo=PARIS)
    return naive.astimezone(PARIS).astimezone(PARIS)
