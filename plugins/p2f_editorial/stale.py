"""``invoke stale``: items whose verification is older than their kind allows, most seen first.

An item is *stale* when ``provenance.verified_on`` is more than its kind's limit before
``today`` (``settings.EditorialSettings``), and *past the hard limit* beyond the second,
longer limit. Left out: drafts (not published, nothing to re-verify yet) and events, offers
and alerts that have already ended (nobody sees them any more on screens; the website keeps
past events as an archive, which needs no re-verification).

Ranked by visibility: estimated plays per week on the screens (``visibility``), then age.
Site traffic would be the second measure of visibility; the site has no analytics today, so
the ranking says so rather than guess. Pure: items, settings, plays and ``today`` in, rows out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from p2f_editorial.settings import EditorialSettings
from p2f_model.corpus import Item
from p2f_player.contract.rules import to_local


@dataclass(frozen=True)
class StaleItem:
    slug: str
    kind: str
    path: str
    verified_on: date
    verified_by: str
    source: str
    age_days: int
    limit_days: int
    hard: bool  # past the hard limit
    plays_per_week: float


def freshness(item: Item, settings: EditorialSettings, today: date) -> tuple[int, bool, bool]:
    """``(age in days, stale, past the hard limit)`` of one item's verification."""
    age = (today - item.data.provenance.verified_on).days
    return age, age > settings.limit(item.kind), age > settings.hard_limit(item.kind)


def stale_items(
    items: Iterable[Item],
    settings: EditorialSettings,
    today: date,
    plays: Mapping[str, float] | None = None,
) -> list[StaleItem]:
    """The stale items, most played first, then oldest verification first."""
    plays = plays or {}
    rows = []
    for item in items:
        if getattr(item.data, "status", "published") == "draft" or _ended(item, today):
            continue
        age, stale, hard = freshness(item, settings, today)
        if not stale:
            continue
        provenance = item.data.provenance
        rows.append(
            StaleItem(
                slug=item.slug,
                kind=item.kind,
                path=item.path,
                verified_on=provenance.verified_on,
                verified_by=provenance.verified_by,
                source=provenance.source,
                age_days=age,
                limit_days=settings.limit(item.kind),
                hard=hard,
                plays_per_week=plays.get(item.slug, 0.0),
            )
        )
    return sorted(rows, key=lambda r: (-r.plays_per_week, -r.age_days, r.slug))


def _ended(item: Item, today: date) -> bool:
    end = getattr(item.data, "ends", None) or getattr(item.data, "valid_until", None)
    return end is not None and to_local(end).date() < today


def table(rows: list[StaleItem], limit: int = 30, hide_past_hard_limit: bool = False) -> str:
    """Plain text for the terminal: one line per item, ``!`` marking the hard limit."""
    if not rows:
        return "stale: every published item was verified within its kind's limit\n"
    hard = sum(1 for r in rows if r.hard)
    lines = [
        f"stale: {len(rows)} items past their limit, {hard} past the hard limit (!)"
        + (" — hidden from screens by the setting" if hide_past_hard_limit and hard else ""),
        "ranked by estimated plays per week on the screens (site traffic: not measured)",
        f"  {'plays/wk':>8}  {'age':>5}  {'limit':>5}  {'kind':<7}  {'verified':<10}  file (by)",
    ]
    for row in rows[:limit]:
        mark = "!" if row.hard else " "
        lines.append(
            f"{mark} {row.plays_per_week:8.0f}  {row.age_days:4d}d  {row.limit_days:4d}d  "
            f"{row.kind:<7}  {row.verified_on.isoformat()}  {row.path} ({row.verified_by})"
        )
    if len(rows) > limit:
        lines.append(f"  ... and {len(rows) - limit} more (--limit to see them)")
    return "\n".join(lines) + "\n"
