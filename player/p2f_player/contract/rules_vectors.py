"""The runner of the shared rules vectors (tests/vectors/rules.json) on the Python side.

``run_case`` turns one case into the answers the vectors expect, so the Python test and any
tool (a bench, a reviewer checking a new case) judge the file the same way. The browser side
runs the same file with theme/static/js/rules.js (tests/webdata/test_rules_js.py and
tests/vectors/test_moments_js.py). Pure: the case comes in as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from p2f_player.contract.rules_eval import SiteProfile
from p2f_player.contract.rules_moments import (
    audiences_at,
    moment_weight,
    parse_audience_hours,
    parse_open_times,
    parse_settings,
)
from p2f_player.contract.rules_parse import RuleError, parse_rules


def site_of(raw: Mapping[str, Any]) -> SiteProfile:
    """A vectors' site ``{id, tags, lat?, lon?}`` as a ``SiteProfile``."""
    return SiteProfile(raw["id"], frozenset(raw["tags"]), raw.get("lat"), raw.get("lon"))


def run_case(case: Mapping[str, Any], sites: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The answers for one case of ``cases``: ``{"error": field}`` when parsing refuses the
    rules, else ``applies_to_site``, ``active_at`` and ``expired_at``."""
    try:
        rules = parse_rules(case["rules"])
    except RuleError as error:
        return {"error": error.field}
    at = datetime.fromisoformat(case["at"])
    return {
        "applies_to_site": rules.applies_to_site(site_of(sites[case["site"]])),
        "active_at": rules.active_at(at),
        "expired_at": rules.expired_at(at),
    }


def run_moment_case(case: Mapping[str, Any], settings: Mapping[str, Any]) -> float:
    """The answer for one case of ``moments``: ``moment_weight`` under ``moment_settings``."""
    window = case.get("window")
    span = (
        None
        if window is None
        else (datetime.fromisoformat(window["from"]), datetime.fromisoformat(window["until"]))
    )
    return moment_weight(
        case["kind"],
        span,
        parse_open_times(case.get("open")),
        datetime.fromisoformat(case["at"]),
        parse_settings(settings).moments,
    )


def run_audience_case(case: Mapping[str, Any]) -> list[str]:
    """The answer for one case of ``audiences``: the audiences at that moment, sorted."""
    blocks = parse_audience_hours(case["audience_hours"])
    found = audiences_at(blocks, frozenset(case["default"]), datetime.fromisoformat(case["at"]))
    return sorted(found)
