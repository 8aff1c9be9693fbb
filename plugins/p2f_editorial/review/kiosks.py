"""Per kiosk, what the change does: slides added, removed or changed, what the screen plays
in a chosen hour before and after, and the sponsors' shares.

"What it plays" is the player's own scheduler run over the hour exactly as the player loop
runs it: ``select_slide`` at each slide boundary, the plays fed back as ``recent``; through the
scheduler's public functions only (``Plan.from_manifest``, ``select_slide``, ``Play``), so it
stays true when the scheduler changes. A slide counts as changed when its manifest entry
(rules, window, sponsor, titles...) or the bytes of one of its pages differ. Pure: manifest
documents and the moment in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from p2f_player.scheduler import Plan, Play, select_slide
from p2f_player.screen import screen_on

HOUR = timedelta(hours=1)
MAX_STEPS = 2000  # a 1-second slide at most, for one hour


@dataclass
class HourPlay:
    """One hour of one screen: the order of slides and each one's share of the time."""

    screen_on: bool
    sequence: list[str] = field(default_factory=list)  # slide ids ("default": the clock card)
    seconds: dict[str, float] = field(default_factory=dict)
    sponsor_seconds: dict[str, float] = field(default_factory=dict)

    def share(self, slide_id: str) -> float:
        total = sum(self.seconds.values())
        return self.seconds.get(slide_id, 0.0) / total if total else 0.0

    def sponsor_share(self, sponsor: str) -> float:
        total = sum(self.seconds.values())
        return self.sponsor_seconds.get(sponsor, 0.0) / total if total else 0.0


@dataclass
class KioskChange:
    site: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # slide -> what changed
    before: HourPlay | None = None
    after: HourPlay | None = None
    sponsors: dict[str, tuple[float, float]] = field(default_factory=dict)  # booked b/a
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def plays_differ(self) -> bool:
        if self.before is None or self.after is None:
            return self.before is not self.after
        return self.before.seconds != self.after.seconds

    @property
    def touched(self) -> bool:
        return bool(
            self.added or self.removed or self.changed or self.plays_differ or self.sponsors
        )


def play_hour(document: Mapping[str, Any], start: datetime) -> HourPlay:
    """What the screen of ``document`` plays from ``start`` for one hour."""
    if not screen_on(document["site"], start):
        return HourPlay(screen_on=False)
    plan = Plan.from_manifest(document)
    played = HourPlay(screen_on=True)
    recent: list[Play] = []
    now, end = start, start + HOUR
    for _ in range(MAX_STEPS):
        if now >= end:
            break
        decision = select_slide(plan, recent, now)
        until = min(decision.until, end)
        seconds = (until - now).total_seconds()
        if seconds <= 0:  # never loop on a zero-length decision
            until = now + timedelta(seconds=1)
            seconds = 1.0
        slide_id = decision.slide_id
        sponsor = decision.slide.sponsor if decision.slide else None
        if not played.sequence or played.sequence[-1] != slide_id:
            played.sequence.append(slide_id)
        played.seconds[slide_id] = played.seconds.get(slide_id, 0.0) + seconds
        if sponsor:
            played.sponsor_seconds[sponsor] = played.sponsor_seconds.get(sponsor, 0.0) + seconds
        recent.append(Play(slide_id, sponsor, now, seconds))
        now = until
    return played


def compare_kiosk(
    site: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    moment: datetime,
) -> KioskChange:
    """Compare one site's manifests (``None``: the site has no bundle on that side)."""
    change = KioskChange(site)
    old = {s["id"]: s for s in (before or {}).get("slides", [])}
    new = {s["id"]: s for s in (after or {}).get("slides", [])}
    change.added = sorted(set(new) - set(old))
    change.removed = sorted(set(old) - set(new))
    for slide_id in sorted(set(old) & set(new)):
        what = _slide_differences(old[slide_id], new[slide_id], before or {}, after or {})
        if what:
            change.changed[slide_id] = what
    for slides in (old, new):
        for slide_id, slide in slides.items():
            titles = slide.get("titles") or {}
            change.titles[slide_id] = titles.get("fr") or next(iter(titles.values()), slide_id)
    if (
        before is not None
        and after is not None
        and not (change.added or change.removed or change.changed)
        and before.get("site") == after.get("site")
        and _booked_by_partner(before) == _booked_by_partner(after)
    ):
        return change  # same plan: the scheduler would play the same hour (it is pure)
    change.before = play_hour(before, moment) if before else None
    change.after = play_hour(after, moment) if after else None
    booked_old = _booked_by_partner(before)
    booked_new = _booked_by_partner(after)
    for sponsor in sorted(set(booked_old) | set(booked_new)):
        pair = (float(booked_old.get(sponsor, 0.0)), float(booked_new.get(sponsor, 0.0)))
        delivered = (
            change.before.sponsor_share(sponsor) if change.before else 0.0,
            change.after.sponsor_share(sponsor) if change.after else 0.0,
        )
        if pair[0] != pair[1] or abs(delivered[0] - delivered[1]) > 0.005:
            change.sponsors[sponsor] = pair
    return change


def _slide_differences(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> list[str]:
    what = [
        key
        for key in sorted(set(old) | set(new))
        if key not in ("pages", "deep_links") and old.get(key) != new.get(key)
    ]
    old_files, new_files = before.get("files") or {}, after.get("files") or {}
    for lang, page in sorted((new.get("pages") or {}).items()):
        previous = (old.get("pages") or {}).get(lang)
        if previous is None:
            what.append(f"page {lang} added")
        elif (old_files.get(previous) or {}).get("sha256") != (new_files.get(page) or {}).get(
            "sha256"
        ):
            what.append(f"page {lang}")
    for lang in sorted(set(old.get("pages") or {}) - set(new.get("pages") or {})):
        what.append(f"page {lang} removed")
    return what


def compare_kiosks(
    before: Mapping[str, Mapping[str, Any]],
    after: Mapping[str, Mapping[str, Any]],
    moment: datetime,
) -> list[KioskChange]:
    """Every site's comparison, touched sites only, in site order."""
    changes = [
        compare_kiosk(site, before.get(site), after.get(site), moment)
        for site in sorted(set(before) | set(after))
    ]
    return [c for c in changes if c.touched]


def top_plays(hour: HourPlay | None, count: int = 8) -> list[tuple[str, float]]:
    """The ``count`` slides with most time in the hour, with their share."""
    if hour is None:
        return []
    ranked = Counter(hour.seconds).most_common(count)
    return [(slide_id, hour.share(slide_id)) for slide_id, _ in ranked]


def _booked_by_partner(manifest: Mapping[str, Any] | None) -> dict[str, float]:
    """Each partner's booked share at the site: its campaigns' shares (``site.campaigns``, what
    the scheduler delivers), plus a legacy manifest's ``sponsors``."""
    booked = {k: float(v) for k, v in ((manifest or {}).get("sponsors") or {}).items()}
    for campaign in ((manifest or {}).get("site") or {}).get("campaigns") or ():
        if campaign.get("share"):
            partner = str(campaign["partner"])
            booked[partner] = booked.get(partner, 0.0) + float(campaign["share"])
    return booked
