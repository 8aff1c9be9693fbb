"""The rules contract, parsing half: the YAML/JSON form of ``rules`` to ``Rules``, checked.

Every malformed rule raises ``RuleError`` naming the dotted field (``rules.hours[0].from``), so a
reporter's message says where to look. The JavaScript port (theme/static/js/rules.js) makes the
same checks in the same order, with the same field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from p2f_player.contract.rules_eval import (
    AUDIENCES,
    DEFAULT_DURATION_S,
    DEFAULT_PRIORITY,
    LANGUAGES,
    RULE_FIELDS,
    WEEKDAYS,
    DateRange,
    Near,
    Rules,
    TimeWindow,
)


class RuleError(ValueError):
    """A rule that is malformed. ``field`` is the dotted path inside ``rules``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_rules(raw: Any) -> Rules:
    """Build ``Rules`` from the YAML/JSON form. Raises ``RuleError`` naming the field."""
    if raw is None:
        return Rules()
    if not isinstance(raw, Mapping):
        raise RuleError("rules", f"expected a mapping of rules, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(RULE_FIELDS))
    if unknown:
        raise RuleError(
            f"rules.{unknown[0]}",
            f"unknown rule (known: {', '.join(RULE_FIELDS)})",
        )
    return Rules(
        dates=tuple(_parse_date_range(i, r) for i, r in enumerate(_as_list(raw, "dates"))),
        weekdays=frozenset(_parse_choice(raw, "weekdays", WEEKDAYS)),
        hours=tuple(_parse_window(i, w) for i, w in enumerate(_as_list(raw, "hours"))),
        sites=frozenset(_parse_strings(raw, "sites")),
        near=_parse_near(raw.get("near")),
        audiences=frozenset(_parse_choice(raw, "audiences", AUDIENCES)),
        languages=frozenset(_parse_choice(raw, "languages", LANGUAGES)),
        priority=_parse_int(raw, "priority", DEFAULT_PRIORITY, 0, 100),
        weight=_parse_weight(raw.get("weight", 1.0)),
        max_per_hour=(
            None if raw.get("max_per_hour") is None else _parse_int(raw, "max_per_hour", 0, 1, 3600)
        ),
        duration_s=_parse_int(raw, "duration_s", DEFAULT_DURATION_S, 3, 120),
    )


def _as_list(raw: Mapping[str, Any], name: str) -> list[Any]:
    value = raw.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RuleError(f"rules.{name}", f"expected a list, got {value!r}")
    return value


def _parse_strings(raw: Mapping[str, Any], name: str) -> list[str]:
    values = _as_list(raw, name)
    for value in values:
        if not isinstance(value, str) or not value:
            raise RuleError(f"rules.{name}", f"expected words, got {value!r}")
    return values


def _parse_choice(raw: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> list[str]:
    values = _parse_strings(raw, name)
    for value in values:
        if value not in allowed:
            raise RuleError(f"rules.{name}", f'"{value}" is not one of {", ".join(allowed)}')
    return values


def _to_date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RuleError(where, f"{value!r} is not a date (expected YYYY-MM-DD, e.g. 2026-07-14)")


def _parse_date_range(index: int, raw: Any) -> DateRange:
    where = f"rules.dates[{index}]"
    if not isinstance(raw, Mapping) or set(raw) != {"from", "until"}:
        raise RuleError(where, "expected {from: YYYY-MM-DD, until: YYYY-MM-DD}")
    return DateRange(
        _to_date(raw["from"], where + ".from"), _to_date(raw["until"], where + ".until")
    )


def _to_time(value: Any, where: str) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 18:00 as the sexagesimal number 1080.
        value = f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, str):
        if value == "24:00":
            return time(0, 0)
        try:
            parsed = time.fromisoformat(value)
            if len(value) == 5:
                return parsed
        except ValueError:
            pass
    raise RuleError(where, f'{value!r} is not a time of day (expected "HH:MM", e.g. "18:30")')


def _parse_window(index: int, raw: Any) -> TimeWindow:
    where = f"rules.hours[{index}]"
    if not isinstance(raw, Mapping) or set(raw) != {"from", "until"}:
        raise RuleError(where, 'expected {from: "HH:MM", until: "HH:MM"}')
    return TimeWindow(
        _to_time(raw["from"], where + ".from"), _to_time(raw["until"], where + ".until")
    )


def _parse_near(raw: Any) -> Near | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(raw) != {"lat", "lon", "radius_km"}:
        raise RuleError("rules.near", "expected {lat: number, lon: number, radius_km: number}")
    try:
        near = Near(float(raw["lat"]), float(raw["lon"]), float(raw["radius_km"]))
    except (TypeError, ValueError) as error:
        raise RuleError("rules.near", f"expected numbers ({error})") from None
    if near.radius_km <= 0:
        raise RuleError("rules.near.radius_km", "must be greater than 0")
    return near


def _parse_int(raw: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError(f"rules.{name}", f"expected a whole number, got {value!r}")
    if not low <= value <= high:
        raise RuleError(f"rules.{name}", f"{value} is outside {low}..{high}")
    return value


def _parse_weight(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError("rules.weight", f"expected a number, got {value!r}")
    if not 0 < value <= 100:
        raise RuleError("rules.weight", f"{value} is outside 0 (excluded)..100")
    return float(value)
