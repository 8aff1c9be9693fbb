"""theme/static/js/rules.js against the shared vectors and against Python, in Chromium.

Every case of tests/vectors/rules.json runs in the browser, in browsers set to three different
time zones (the rules are judged in Europe/Paris whatever the visitor's zone). A grid of
moments across both DST changes compares JavaScript with p2f_player.contract.rules directly.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from p2f_model.corpus import Corpus
from p2f_player.contract.rules import WEEKDAYS, SiteProfile, parse_rules
from p2f_web.config import WebSettings
from p2f_web.items import is_over
from p2f_web.template_api import TemplateApi
from tests.conftest import ROOT

RULES_JS = ROOT / "theme" / "static" / "js" / "rules.js"
VECTORS = json.loads((ROOT / "tests" / "vectors" / "rules.json").read_text(encoding="utf-8"))
ZONES = ["Europe/Paris", "America/New_York", "Pacific/Auckland"]

RUN_VECTORS = """([vectors]) => vectors.cases.map((c) => {
  const P = globalThis.P2FRules;
  if ("error" in c) {
    try { P.parseRules(c.rules); return {parsed: true}; }
    catch (e) { return {error: e.field, isRuleError: e instanceof P.RuleError}; }
  }
  const rules = P.parseRules(c.rules);
  return {
    applies_to_site: rules.appliesToSite(vectors.sites[c.site]),
    active_at: rules.activeAt(c.at),
    expired_at: rules.expiredAt(c.at),
  };
})"""


@pytest.fixture(scope="module", params=ZONES)
def js_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A blank page with rules.js loaded, in a browser whose own time zone is ``param``."""
    context = browser.new_context(timezone_id=request.param)
    page = context.new_page()
    page.add_script_tag(path=str(RULES_JS))
    yield page
    context.close()


@pytest.fixture(scope="module")
def vector_results(js_page: Any) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = js_page.evaluate(RUN_VECTORS, [VECTORS])
    return results


@pytest.mark.parametrize(
    "index", range(len(VECTORS["cases"])), ids=[c["name"] for c in VECTORS["cases"]]
)
def test_vector(index: int, vector_results: list[dict[str, Any]]) -> None:
    case, got = VECTORS["cases"][index], vector_results[index]
    if "error" in case:
        assert got == {"error": case["error"], "isRuleError": True}
    else:
        assert got == case["expect"]


def test_every_vector_ran(vector_results: list[dict[str, Any]]) -> None:
    assert len(vector_results) == len(VECTORS["cases"]) >= 30


GRID_RULES = [
    {"hours": [{"from": "22:00", "until": "02:00"}], "weekdays": ["sa"]},
    {"hours": [{"from": "01:30", "until": "03:30"}]},
    {"hours": [{"from": "02:00", "until": "03:00"}], "dates": [{"from": "2027-03-28", "until": "2027-03-28"}]},
    {"hours": [{"from": "20:00", "until": "24:00"}], "dates": [{"from": "2026-10-24", "until": "2026-10-25"}]},
    {"dates": [{"from": "2026-10-25", "until": "2026-10-25"}], "hours": [{"from": "23:00", "until": "01:00"}]},
    {"weekdays": ["su"], "hours": [{"from": 1080, "until": "06:00"}]},
]  # fmt: skip


def _grid() -> list[str]:
    """Every 20 minutes over both 2026-27 DST weekends (UTC instants, ISO)."""
    moments = []
    for start in (datetime(2026, 10, 23, 20, tzinfo=UTC), datetime(2027, 3, 26, 20, tzinfo=UTC)):
        moments += [(start + timedelta(minutes=20 * i)).isoformat() for i in range(3 * 24 * 3)]
    return moments


@pytest.mark.parametrize("raw", GRID_RULES, ids=range(len(GRID_RULES)))
def test_same_answers_as_python_across_dst(raw: dict[str, Any], js_page: Any) -> None:
    moments = _grid()
    js = js_page.evaluate(
        """([raw, moments]) => { const r = P2FRules.parseRules(raw);
             return moments.map((m) => [r.activeAt(m), r.expiredAt(m)]); }""",
        [raw, moments],
    )
    rules = parse_rules(raw)
    python = [
        [rules.active_at(datetime.fromisoformat(m)), rules.expired_at(datetime.fromisoformat(m))]
        for m in moments
    ]
    mismatches = [(m, p, j) for m, p, j in zip(moments, python, js, strict=True) if p != j]
    assert not mismatches, mismatches[:5]


def test_applies_to_site_matches_python(js_page: Any) -> None:
    site = SiteProfile("gare", frozenset({"littoral"}), 43.2089, 3.5081)
    cases = [
        {"near": {"lat": 43.2089, "lon": 3.5081 + d / 100, "radius_km": 3}} for d in range(-6, 7)
    ] + [{"sites": ["tag:littoral", "cap"]}, {"sites": ["cap"]}]
    js = js_page.evaluate(
        """([cases, site]) => cases.map((raw) => P2FRules.parseRules(raw).appliesToSite(site))""",
        [cases, {"id": site.id, "tags": sorted(site.tags), "lat": site.lat, "lon": site.lon}],
    )
    assert js == [parse_rules(raw).applies_to_site(site) for raw in cases]


def test_paris_parts_ignore_the_browser_zone(js_page: Any) -> None:
    parts = js_page.evaluate("P2FRules.parisParts('2026-10-25T00:30:00Z')")
    assert parts == {
        "year": 2026, "month": 10, "day": 25, "hour": 2, "minute": 30, "second": 0, "weekday": "su",
    }  # fmt: skip


def test_is_over_reads_item_rules(js_page: Any) -> None:
    data = {"rules": {"priority": 50}, "window": {"from": "2026-11-01T00:00:00+01:00",
                                                  "until": "2027-03-31T23:59:00+02:00"}}  # fmt: skip
    got = js_page.evaluate(
        """(data) => [P2FRules.isOver(data, "2027-03-31T21:58:00Z"),
                      P2FRules.isOver(data, "2027-03-31T21:59:00Z")]""",
        data,
    )
    assert got == [False, True]


def test_usable_from_an_es_module(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.route("http://p2f.test/rules.js", lambda route: route.fulfill(
            path=str(RULES_JS), content_type="text/javascript"))  # fmt: skip
        page.route("http://p2f.test/", lambda route: route.fulfill(
            body='<script type="module">import "/rules.js";'
                 'document.title = String(globalThis.P2FRules.parseRules({}).activeAt(new Date()));'
                 "</script>",
            content_type="text/html"))  # fmt: skip
        page.goto("http://p2f.test/")
        page.wait_for_function("document.title !== ''")
        assert page.title() == "true"
    finally:
        page.close()


MOMENTS = [
    "2026-11-26T12:00:00+00:00",
    "2027-03-31T21:58:00+00:00",
    "2027-03-31T22:00:00+00:00",
    "2027-07-14T21:29:00+00:00",
    "2027-07-14T21:30:00+00:00",
    "2027-10-31T02:59:00+00:00",
    "2027-10-31T03:00:00+00:00",
]


def test_item_rules_give_the_same_is_over_as_the_build(
    js_page: Any, corpus: Corpus, web: WebSettings
) -> None:
    """What templates put in data-rules, judged in the browser, agrees with the build."""
    api = TemplateApi({"P2F_CORPUS": corpus}, web)
    items = sorted(corpus.items.values(), key=lambda i: i.slug)
    data = [json.loads(api.item_rules(item)) for item in items]
    js = js_page.evaluate(
        "([data, moments]) => data.map((d) => moments.map((m) => P2FRules.isOver(d, m)))",
        [data, MOMENTS],
    )
    python = [[is_over(item, datetime.fromisoformat(m)) for m in MOMENTS] for item in items]
    assert js == python
    assert any(any(row) for row in python) and not all(all(row) for row in python)


MATCH_CASES = [
    # (rules, context, expected): the scheduler's is_eligible, minus plays per hour.
    ({}, {"now": "2027-01-09T12:00:00+01:00"}, True),
    ({"audiences": ["affaires"]}, {"now": "2027-01-09T12:00:00+01:00", "audiences": ["familles"]}, False),
    ({"audiences": ["affaires"]}, {"now": "2027-01-09T12:00:00+01:00", "audiences": ["familles", "affaires"]}, True),
    ({"audiences": ["affaires"]}, {"now": "2027-01-09T12:00:00+01:00", "audiences": []}, True),
    ({"languages": ["de"]}, {"now": "2027-01-09T12:00:00+01:00", "language": "en"}, False),
    ({"languages": ["de"]}, {"now": "2027-01-09T12:00:00+01:00", "language": "de"}, True),
    ({"hours": [{"from": "18:00", "until": "02:00"}]}, {"now": "2027-01-09T12:00:00+01:00"}, False),
    ({"hours": [{"from": "18:00", "until": "02:00"}]}, {"now": "2027-01-10T01:00:00+01:00"}, True),
    ({"sites": ["gare"]}, {"now": "2027-01-09T12:00:00+01:00", "site": {"id": "cap", "tags": []}}, False),
    ({}, {"now": "2027-04-01T00:00:00+02:00",
          "window": {"from": "2026-11-01T00:00:00+01:00", "until": "2027-04-01T00:00:00+02:00"}}, False),
    ({}, {"now": "2027-03-31T23:59:00+02:00",
          "window": {"from": "2026-11-01T00:00:00+01:00", "until": "2027-04-01T00:00:00+02:00"}}, True),
    ({"dates": [{"from": "2027-01-01", "until": "2027-01-08"}]}, {"now": "2027-01-09T12:00:00+01:00"}, False),
    ({"rules": {"priority": 50}, "window": {"from": "2026-11-01T00:00:00+01:00", "until": "2027-04-01T00:00:00+02:00"}},
     {"now": "2027-04-01T00:00:00+02:00"}, False),
    ({"rules": {"priority": 50}, "window": None}, {"now": "2027-04-01T00:00:00+02:00"}, True),
]  # fmt: skip


def test_matches_for_a_visitor(js_page: Any) -> None:
    got = js_page.evaluate(
        "(cases) => cases.map(([raw, ctx]) => P2FRules.matches(raw, ctx))",
        [[raw, ctx] for raw, ctx, _ in MATCH_CASES],
    )
    assert got == [expected for _, _, expected in MATCH_CASES]


def _random_rules(rng: random.Random) -> dict[str, Any]:
    """Rules of every shape the contract allows, around the 2026-27 DST changes."""
    raw: dict[str, Any] = {}
    if rng.random() < 0.6:
        ranges = []
        for _ in range(rng.randint(1, 2)):
            start = date(2026, 10, 20) + timedelta(days=rng.randint(0, 170))
            ranges.append(
                {
                    "from": start.isoformat(),
                    "until": (start + timedelta(days=rng.randint(0, 12))).isoformat(),
                }
            )
        raw["dates"] = ranges
    if rng.random() < 0.4:
        raw["weekdays"] = rng.sample(WEEKDAYS, rng.randint(1, 6))
    if rng.random() < 0.7:
        times = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)] + ["24:00"]
        windows = []
        for _ in range(rng.randint(1, 2)):
            opens, closes = rng.sample(times, 2)
            windows.append({"from": opens, "until": closes})
        raw["hours"] = windows
    if rng.random() < 0.3:
        raw["sites"] = rng.sample(
            ["gare", "cap", "tag:littoral", "tag:transport"], rng.randint(1, 2)
        )
    if rng.random() < 0.3:
        raw["near"] = {"lat": 43.2, "lon": 3.5, "radius_km": rng.choice([0.5, 2, 8, 20])}
    return raw


def test_random_rules_agree_with_python(js_page: Any) -> None:
    rng = random.Random(20261126)  # fixed: a failure reproduces
    cases = [_random_rules(rng) for _ in range(150)]
    start = datetime(2026, 10, 20, tzinfo=UTC)
    moments = [
        (start + timedelta(minutes=rng.randint(0, 190 * 24 * 60))).isoformat() for _ in range(40)
    ]
    moments += [f"2026-10-25T0{h}:{m:02d}:00+00:00" for h in range(4) for m in (0, 30, 59)]
    sites = list(VECTORS["sites"].values())
    js = js_page.evaluate(
        """([cases, moments, sites]) => cases.map((raw) => { const r = P2FRules.parseRules(raw);
             return [sites.map((s) => r.appliesToSite(s)),
                     moments.map((m) => [r.activeAt(m), r.expiredAt(m)])]; })""",
        [cases, moments, sites],
    )
    profiles = [
        SiteProfile(s["id"], frozenset(s["tags"]), s.get("lat"), s.get("lon")) for s in sites
    ]
    for raw, got in zip(cases, js, strict=True):
        rules = parse_rules(raw)
        at = [datetime.fromisoformat(m) for m in moments]
        expected = [
            [rules.applies_to_site(p) for p in profiles],
            [[rules.active_at(m), rules.expired_at(m)] for m in at],
        ]
        assert got == expected, raw
