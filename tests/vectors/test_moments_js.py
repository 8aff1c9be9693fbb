"""theme/static/js/rules.js against the moment and audience vectors of tests/vectors/rules.json,
in Chromium, in three browser time zones (moments are real instants; hours are Paris hours)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT

RULES_JS = ROOT / "theme" / "static" / "js" / "rules.js"
VECTORS = json.loads((ROOT / "tests" / "vectors" / "rules.json").read_text(encoding="utf-8"))
ZONES = ["Europe/Paris", "America/New_York", "Pacific/Auckland"]


@pytest.fixture(scope="module", params=ZONES)
def answers(request: pytest.FixtureRequest, browser: Any) -> Iterator[dict[str, list[Any]]]:
    context = browser.new_context(timezone_id=request.param)
    page = context.new_page()
    page.add_script_tag(path=str(RULES_JS))
    yield page.evaluate(
        """(v) => ({
          moments: v.moments.map((c) => P2FRules.momentWeight(c, c.at, v.moment_settings)),
          audiences: v.audiences.map((c) => P2FRules.audiencesAt(c.audience_hours, c.default, c.at)),
        })""",
        VECTORS,
    )
    context.close()


@pytest.mark.parametrize(
    "index", range(len(VECTORS["moments"])), ids=[c["name"] for c in VECTORS["moments"]]
)
def test_moment_vector(index: int, answers: dict[str, list[Any]]) -> None:
    assert answers["moments"][index] == VECTORS["moments"][index]["expect"]


@pytest.mark.parametrize(
    "index", range(len(VECTORS["audiences"])), ids=[c["name"] for c in VECTORS["audiences"]]
)
def test_audience_vector(index: int, answers: dict[str, list[Any]]) -> None:
    assert answers["audiences"][index] == VECTORS["audiences"][index]["expect"]
