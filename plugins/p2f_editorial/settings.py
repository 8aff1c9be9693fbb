"""The editorial settings: how long a verification stays good, per kind of item.

One dict in ``pelicanconf.py``, ``P2F_EDITORIAL``, read and checked once by ``from_dict``::

    P2F_EDITORIAL = {
        "stale_days": {"place": [183, 365], "page": [365, 730], ...},  # [limit, hard limit]
        "hide_past_hard_limit": False,
    }

A kind left out keeps its default below. The *limit* puts an item on ``invoke stale``'s list;
past the *hard limit* the review page flags it in red, and with ``hide_past_hard_limit`` the
list says it has left the screens: the kiosk build (``p2f_kiosk.plan``) leaves such items out
of the bundles and names each one in the kiosk report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from p2f_model.schema import MODELS

# Why these figures: opening hours and prices of places change with the seasons (6 months);
# practical pages and partners' descriptions are steadier (a year); events and offers are
# verified when announced, a second look before they start is worth it; alerts are hot news.
DEFAULT_STALE_DAYS: dict[str, tuple[int, int]] = {
    "place": (183, 365),
    "event": (60, 120),
    "offer": (60, 120),
    "alert": (7, 30),
    "page": (365, 730),
    "partner": (365, 730),
    "site": (365, 730),
}


class SettingsError(ValueError):
    """``P2F_EDITORIAL`` holds a value the workflow cannot use; the message says which."""


@dataclass(frozen=True)
class EditorialSettings:
    stale_days: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: dict(DEFAULT_STALE_DAYS)
    )
    hide_past_hard_limit: bool = False

    def limit(self, kind: str) -> int:
        return self.stale_days[kind][0]

    def hard_limit(self, kind: str) -> int:
        return self.stale_days[kind][1]


def from_dict(raw: Mapping[str, Any] | None) -> EditorialSettings:
    """Check ``P2F_EDITORIAL``. Raises ``SettingsError`` naming the key and what to write."""
    raw = dict(raw or {})
    unknown = sorted(set(raw) - {"stale_days", "hide_past_hard_limit"})
    if unknown:
        raise SettingsError(
            f"P2F_EDITORIAL: unknown key {unknown[0]!r} (expected stale_days, hide_past_hard_limit)"
        )
    days = dict(DEFAULT_STALE_DAYS)
    given = raw.get("stale_days") or {}
    if not isinstance(given, Mapping):
        raise SettingsError("P2F_EDITORIAL.stale_days: expected {kind: [limit, hard limit]}")
    for kind, value in given.items():
        if kind not in MODELS:
            raise SettingsError(
                f"P2F_EDITORIAL.stale_days.{kind}: not a kind (one of {', '.join(MODELS)})"
            )
        if (
            not isinstance(value, list | tuple)
            or len(value) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)
            or not 0 < value[0] <= value[1]
        ):
            raise SettingsError(
                f"P2F_EDITORIAL.stale_days.{kind}: {value!r} is not [limit, hard limit] in "
                "days with 0 < limit <= hard limit, e.g. [183, 365]"
            )
        days[kind] = (value[0], value[1])
    hide = raw.get("hide_past_hard_limit", False)
    if not isinstance(hide, bool):
        raise SettingsError("P2F_EDITORIAL.hide_past_hard_limit: expected True or False")
    return EditorialSettings(stale_days=days, hide_past_hard_limit=hide)
