"""Run the shared JSON vectors (tests/vectors/rules.json) against the Python rules contract.
The website's JavaScript runs the same file: a change of meaning must change both."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from p2f_player.contract.rules import RuleError, SiteProfile, parse_rules

VECTORS = json.loads(Path(__file__).with_name("rules.json").read_text(encoding="utf-8"))


def site(raw: dict[str, Any]) -> SiteProfile:
    return SiteProfile(raw["id"], frozenset(raw["tags"]), raw.get("lat"), raw.get("lon"))


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_vector(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(RuleError) as raised:
            parse_rules(case["rules"])
        assert raised.value.field == case["error"]
        return
    rules = parse_rules(case["rules"])
    at = datetime.fromisoformat(case["at"])
    got = {
        "applies_to_site": rules.applies_to_site(site(VECTORS["sites"][case["site"]])),
        "active_at": rules.active_at(at),
        "expired_at": rules.expired_at(at),
    }
    assert got == case["expect"]


def test_vectors_cover_the_hard_parts() -> None:
    names = " ".join(c["name"] for c in VECTORS["cases"])
    for topic in ("midnight", "DST spring", "DST autumn", "near", "tag", "error"):
        assert topic in names
