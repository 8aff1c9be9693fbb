"""The moment rules: what is worth showing *now*, and the screen settings that tune it.

Part of the rules contract (DESIGN.md §3.2), shared by the content check, the kiosk build, the
player's scheduler and the website (theme/static/js/rules.js runs the same vectors):

- **alert levels**: ``critical`` takes the screen until its end, ``warning`` rides on a strip
  over every slide and gets a capped share of the loop, ``info`` is an ordinary slide. What each
  level does is a setting (``alert_levels``), not code.
- **moment weight** of a slide (``moment_weight``): 0 means "not now". A place counts while it
  is open or opens within ``open_within_h`` hours (its open intervals are computed at build
  time from OSM ``opening_hours`` and ``season``; the player never parses that syntax); an
  event from ``event_horizon_h`` hours before it starts until it ends, weighted by how soon it
  starts; an offer inside its validity, weighted by how soon it ends ("last minute").
- **audience hours**: which audiences stand at a screen at a given moment.

The settings live in content (content/reglages/ecrans.md, overridable per site); ``DEFAULTS``
applies only where the content says nothing. Pure: no clock reads, no I/O.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from p2f_player.contract.rules_eval import AUDIENCES, Rules
from p2f_player.contract.rules_parse import RuleError, parse_rules

LEVELS = ("critical", "warning", "info")
UNTRANSLATED = ("french", "skip")  # an untranslated item in a language's turn
SETTINGS_FIELDS = ("alert_levels", "moments", "untranslated")
LEVEL_FIELDS = ("takeover", "strip", "max_share")
MOMENT_FIELDS = ("open_within_h", "event_horizon_h", "event_weights", "offer_weights")


@dataclass(frozen=True)
class LevelBehaviour:
    """What an alert of one level does on a screen."""

    takeover: bool = False  # the alert takes the whole screen until its end
    strip: bool = False  # while it runs, it is listed on a strip over every slide
    max_share: float | None = None  # its slides get at most this share of the loop


@dataclass(frozen=True)
class Step:
    """``weight`` applies when the moment that matters is at most ``within_h`` hours away."""

    within_h: float
    weight: float


@dataclass(frozen=True)
class Moments:
    open_within_h: float = 1.0
    event_horizon_h: float = 48.0
    event_weights: tuple[Step, ...] = (Step(3, 4.0), Step(12, 2.0))  # hours until it starts
    offer_weights: tuple[Step, ...] = (Step(48, 3.0), Step(168, 1.5))  # hours until it ends


@dataclass(frozen=True)
class ScreenSettings:
    alert_levels: Mapping[str, LevelBehaviour] = field(
        default_factory=lambda: {
            "critical": LevelBehaviour(takeover=True),
            "warning": LevelBehaviour(strip=True, max_share=0.15),
            "info": LevelBehaviour(),
        }
    )
    moments: Moments = Moments()
    untranslated: str = "french"

    def level(self, name: str | None) -> LevelBehaviour:
        """The behaviour of a level; an unknown or missing level is an ordinary slide."""
        return self.alert_levels.get(name or "", LevelBehaviour())


DEFAULTS = ScreenSettings()


@dataclass(frozen=True)
class OpenTimes:
    """When a place is open, as computed by the build: ``intervals`` are ``[start, end)``
    instants; beyond ``until`` nothing is known (the place is then not shown)."""

    until: datetime
    intervals: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True)
class AudienceBlock:
    rules: Rules
    audiences: frozenset[str]


# -- judging -------------------------------------------------------------------------------


def _step_weight(steps: Sequence[Step], hours: float) -> float:
    for step in steps:
        if hours <= step.within_h:
            return step.weight
    return 1.0


def moment_weight(
    kind: str,
    window: tuple[datetime, datetime] | None,
    open_times: OpenTimes | None,
    now: datetime,
    moments: Moments = DEFAULTS.moments,
) -> float:
    """How much a slide is worth showing at ``now``; 0 means it must not show.

    ``window`` is the item's own time (an event's start and end, an offer's or alert's
    validity). Events count from ``event_horizon_h`` before they start; everything else only
    inside its window. Places with ``open_times`` count while open or opening soon.
    """
    if window is not None:
        start, end = window
        if now >= end:
            return 0.0
        if kind == "event":
            hours = (start - now).total_seconds() / 3600
            if hours > moments.event_horizon_h:
                return 0.0
            return _step_weight(moments.event_weights, max(0.0, hours))
        if now < start:
            return 0.0
        if kind == "offer":
            return _step_weight(moments.offer_weights, (end - now).total_seconds() / 3600)
    if open_times is not None and not is_open_or_soon(open_times, now, moments.open_within_h):
        return 0.0
    return 1.0


def is_open_or_soon(open_times: OpenTimes, now: datetime, within_h: float) -> bool:
    """Open at ``now``, or opening within ``within_h`` hours (and known that far)."""
    if now >= open_times.until:
        return False
    soon = now + timedelta(hours=within_h)
    # the first interval that has not ended (sorted, disjoint: ends are sorted too)
    first = bisect_right(open_times.intervals, now, key=lambda span: span[1])
    return first < len(open_times.intervals) and open_times.intervals[first][0] <= soon


def moment_boundaries(
    kind: str,
    window: tuple[datetime, datetime] | None,
    open_times: OpenTimes | None,
    moments: Moments,
    around: datetime,
) -> list[datetime]:
    """Instants near ``around`` (a day before to two days after) where ``moment_weight`` may
    become 0 or stop being 0: the scheduler looks again there."""
    out: list[datetime] = []
    if window is not None:
        out += [window[1], window[0]]
        if kind == "event":
            out.append(window[0] - timedelta(hours=moments.event_horizon_h))
    if open_times is not None:
        low, high = around - timedelta(days=1), around + timedelta(days=2)
        ahead = timedelta(hours=moments.open_within_h)
        out.append(open_times.until)
        # intervals are sorted and disjoint: their ends are sorted too
        first = bisect_left(open_times.intervals, low, key=lambda span: span[1])
        for start, end in open_times.intervals[first:]:
            if start - ahead > high:
                break
            out += [start - ahead, end]
    return out


def audiences_at(
    blocks: Sequence[AudienceBlock], default: frozenset[str], now: datetime
) -> frozenset[str]:
    """Audiences at a screen at ``now``: those of every matching block, else ``default``."""
    hits = [block.audiences for block in blocks if block.rules.active_at(now)]
    return frozenset().union(*hits) if hits else default


# -- parsing (settings, audience hours, open times) ---------------------------------------------


def _mapping(raw: Any, where: str, known: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise RuleError(where, f"expected a mapping, got {raw!r}")
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise RuleError(f"{where}.{unknown[0]}", f"unknown setting (known: {', '.join(known)})")
    return raw


def _number(value: Any, where: str, low: float, high: float, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError(where, f"expected a number, got {value!r}")
    if not (low < value if low_open else low <= value) or value > high:
        bracket = "(excluded)" if low_open else ""
        raise RuleError(where, f"{value} is outside {low}{bracket}..{high}")
    return float(value)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise RuleError(where, f"expected true or false, got {value!r}")
    return value


def _level(raw: Any, where: str) -> LevelBehaviour:
    raw = _mapping(raw if raw is not None else {}, where, LEVEL_FIELDS)
    share = raw.get("max_share")
    behaviour = LevelBehaviour(
        takeover=_flag(raw.get("takeover", False), f"{where}.takeover"),
        strip=_flag(raw.get("strip", False), f"{where}.strip"),
        max_share=None if share is None else _number(share, f"{where}.max_share", 0, 0.5, True),
    )
    if behaviour.takeover and behaviour.max_share is not None:
        raise RuleError(
            f"{where}.max_share",
            "a takeover level already has the whole screen; drop max_share or takeover",
        )
    return behaviour


def _steps(raw: Any, where: str) -> tuple[Step, ...]:
    if not isinstance(raw, list):
        raise RuleError(where, "expected a list of {within_h: hours, weight: number}")
    steps = []
    for index, entry in enumerate(raw):
        at = f"{where}[{index}]"
        entry = _mapping(entry, at, ("within_h", "weight"))
        if set(entry) != {"within_h", "weight"}:
            raise RuleError(at, "expected {within_h: hours, weight: number}")
        steps.append(
            Step(
                _number(entry["within_h"], f"{at}.within_h", 0, 24 * 60, True),
                _number(entry["weight"], f"{at}.weight", 0, 100, True),
            )
        )
    if any(b.within_h <= a.within_h for a, b in pairwise(steps)):
        raise RuleError(where, "list the steps from the nearest to the farthest (within_h growing)")
    return tuple(steps)


def parse_settings(
    raw: Any, base: ScreenSettings = DEFAULTS, where: str = "settings"
) -> ScreenSettings:
    """``raw`` (the settings file's fields, or a site's overrides) over ``base``.

    A level named in ``alert_levels`` replaces that level's behaviour; a field named in
    ``moments`` replaces that field. Raises ``RuleError`` naming the dotted field.
    """
    if raw is None:
        return base
    raw = _mapping(raw, where, SETTINGS_FIELDS)
    levels = dict(base.alert_levels)
    for name, behaviour in _mapping(
        raw.get("alert_levels", {}), f"{where}.alert_levels", LEVELS
    ).items():
        levels[name] = _level(behaviour, f"{where}.alert_levels.{name}")
    moments = base.moments
    given = _mapping(raw.get("moments", {}), f"{where}.moments", MOMENT_FIELDS)
    at = f"{where}.moments."
    if "open_within_h" in given:
        hours = _number(given["open_within_h"], at + "open_within_h", 0, 24)
        moments = replace(moments, open_within_h=hours)
    if "event_horizon_h" in given:
        hours = _number(given["event_horizon_h"], at + "event_horizon_h", 0, 24 * 60)
        moments = replace(moments, event_horizon_h=hours)
    if "event_weights" in given:
        steps = _steps(given["event_weights"], at + "event_weights")
        moments = replace(moments, event_weights=steps)
    if "offer_weights" in given:
        steps = _steps(given["offer_weights"], at + "offer_weights")
        moments = replace(moments, offer_weights=steps)
    untranslated = raw.get("untranslated", base.untranslated)
    if untranslated not in UNTRANSLATED:
        raise RuleError(
            f"{where}.untranslated",
            f"{untranslated!r} is not one of {', '.join(UNTRANSLATED)} "
            "(french: play the French text, labelled fr; skip: leave it out of that turn)",
        )
    return ScreenSettings(levels, moments, untranslated)


def settings_to_json(settings: ScreenSettings) -> dict[str, Any]:
    """The manifest form; ``parse_settings`` of it gives the same settings back."""

    def level(b: LevelBehaviour) -> dict[str, Any]:
        out: dict[str, Any] = {"takeover": b.takeover, "strip": b.strip}
        if b.max_share is not None:
            out["max_share"] = b.max_share
        return out

    def steps(values: tuple[Step, ...]) -> list[dict[str, float]]:
        return [{"within_h": s.within_h, "weight": s.weight} for s in values]

    m = settings.moments
    return {
        "alert_levels": {name: level(settings.level(name)) for name in LEVELS},
        "moments": {
            "open_within_h": m.open_within_h,
            "event_horizon_h": m.event_horizon_h,
            "event_weights": steps(m.event_weights),
            "offer_weights": steps(m.offer_weights),
        },
        "untranslated": settings.untranslated,
    }


def parse_audience_hours(raw: Any, where: str = "audience_hours") -> tuple[AudienceBlock, ...]:
    """``[{audiences: [...], weekdays?: [...], hours: [{from, until}]}]`` as blocks."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleError(where, "expected a list of {audiences, weekdays, hours}")
    blocks = []
    for index, block in enumerate(raw):
        at = f"{where}[{index}]"
        block = _mapping(block, at, ("audiences", "weekdays", "hours"))
        audiences = block.get("audiences")
        if not isinstance(audiences, list) or not audiences:
            raise RuleError(f"{at}.audiences", "expected a list of audiences")
        for audience in audiences:
            if audience not in AUDIENCES:
                raise RuleError(
                    f"{at}.audiences", f'"{audience}" is not one of {", ".join(AUDIENCES)}'
                )
        try:
            rules = parse_rules(
                {"weekdays": block.get("weekdays") or [], "hours": block.get("hours") or []}
            )
        except RuleError as error:
            raise RuleError(error.field.replace("rules.", f"{at}.", 1), error.message) from None
        blocks.append(AudienceBlock(rules, frozenset(audiences)))
    return tuple(blocks)


def parse_open_times(raw: Any, where: str = "open") -> OpenTimes | None:
    """The manifest's ``{"until": iso, "intervals": [[iso, iso], ...]}``; ``None`` when absent."""
    if raw is None:
        return None
    raw = _mapping(raw, where, ("until", "intervals"))
    try:
        until = datetime.fromisoformat(raw["until"])
        intervals = tuple(
            (datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in raw["intervals"]
        )
    except (KeyError, TypeError, ValueError) as error:
        raise RuleError(
            where, f"expected {{until, intervals: [[from, until]]}} ({error})"
        ) from None
    if until.tzinfo is None or any(a.tzinfo is None or b.tzinfo is None for a, b in intervals):
        raise RuleError(where, "times need a UTC offset")
    # the judging bisects them: each must end after it starts and before the next one starts
    if any(a >= b for a, b in intervals) or any(
        first[1] > second[0] for first, second in pairwise(intervals)
    ):
        raise RuleError(where, "intervals must be sorted, each [from, until) before the next")
    return OpenTimes(until, intervals)
