"""Run the shared JSON vectors (tests/vectors/rules.json) against the Python rules contract.
The website's JavaScript runs the same file: a change of meaning must change both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from p2f_player.contract import rules
from p2f_player.contract.rules_vectors import run_audience_case, run_case, run_moment_case

VECTORS = json.loads(Path(__file__).with_name("rules.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_vector(case: dict[str, Any]) -> None:
    got = run_case(case, VECTORS["sites"])
    if "error" in case:
        assert got == {"error": case["error"]}
    else:
        assert got == case["expect"]


def test_vectors_cover_the_hard_parts() -> None:
    names = " ".join(c["name"] for c in VECTORS["cases"])
    for topic in ("midnight", "DST spring", "DST autumn", "near", "tag", "error"):
        assert topic in names


def test_the_public_names_stay_importable_from_rules() -> None:
    """The split by concern kept ``p2f_player.contract.rules`` as the one import path."""
    assert set(rules.__all__) == {
        "AUDIENCES", "DEFAULT_DURATION_S", "DEFAULT_PRIORITY", "LANGUAGES", "PARIS",
        "RULE_FIELDS", "WEEKDAYS", "DateRange", "Near", "RuleError", "Rules", "SiteProfile",
        "TimeWindow", "distance_km", "parse_rules", "to_local",
    }  # fmt: skip
    for name in rules.__all__:
        assert getattr(rules, name) is not None
    assert rules.parse_rules({"hours": [{"from": "09:00", "until": "12:00"}]}).hours


@pytest.mark.parametrize("case", VECTORS["moments"], ids=[c["name"] for c in VECTORS["moments"]])
def test_moment_vector(case: dict[str, Any]) -> None:
    assert run_moment_case(case, VECTORS["moment_settings"]) == case["expect"]


@pytest.mark.parametrize(
    "case", VECTORS["audiences"], ids=[c["name"] for c in VECTORS["audiences"]]
)
def test_audience_vector(case: dict[str, Any]) -> None:
    assert run_audience_case(case) == case["expect"]


def test_moment_vectors_cover_every_kind_and_the_edges() -> None:
    names = " ".join(c["name"] for c in VECTORS["moments"])
    for topic in ("place:", "event:", "offer:", "alert:", "excluded", "DST", "beyond"):
        assert topic in names
