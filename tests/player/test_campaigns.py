"""The scheduler delivers partner campaigns (``site.campaigns`` of the manifest): each gets its
booked share (or plays per hour) of the measured time during its local days, only the slides it
covers count for it, and nothing is delivered outside its period; the manifest schema keeps its
bounds; ``simulate`` reports per campaign."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from p2f_player.contract.manifest import ManifestError, build_manifest, file_entry
from p2f_player.contract.rules import PARIS
from p2f_player.contract.validation import validate_manifest
from p2f_player.scheduler import Plan
from p2f_player.simulate import simulate
from tests.player.conftest import SITE_DOC, release_files, slide

DAY = datetime(2026, 12, 8, 0, 0, tzinfo=PARIS)  # a Tuesday
BASE = {"duration_s": 10, "priority": 50, "weight": 1.0}
FIRE = {"from": "2026-12-08T12:00:00+01:00", "until": "2026-12-08T13:00:00+01:00"}


def document(campaigns: list[dict[str, Any]], sponsors: dict[str, float] | None = None) -> Any:
    slides = [slide(f"house{i}") for i in range(6)]
    slides += [
        slide("bike", sponsor="velos"),
        slide("bike-rental", sponsor="velos", rules={**BASE, "duration_s": 20}),
        slide("boat", sponsor="vedettes"),
        slide("fire", kind="alert", level="critical", interrupt=True, window=FIRE),
    ]
    entries = {path: file_entry(data) for path, data in release_files(slides).items()}
    release = {
        "id": "r1",
        "counter": 1,
        "created": "2026-12-01T00:00:00+01:00",
        "expires": "2026-12-15T00:00:00+01:00",
    }
    site = {**SITE_DOC, "campaigns": campaigns}
    return validate_manifest(build_manifest(site, release, slides, sponsors or {}, entries))


def campaign(cid: str, partner: str, starts: str, ends: str, **booking: Any) -> dict[str, Any]:
    return {"id": cid, "partner": partner, "slides": [], "starts": starts, "ends": ends, **booking}


def test_each_campaign_gets_its_share_during_its_days_and_nothing_outside() -> None:
    doc = document(
        [
            campaign("velos-hiver", "velos", "2026-12-08", "2026-12-08", share=0.15),
            # one covered slide only, a plays-per-hour booking: 30 plays of 10 s an hour
            {
                **campaign("vedettes-noel", "vedettes", "2026-12-08", "2026-12-08"),
                "slides": ["boat"],
                "plays_per_hour": 30,
            },
            campaign("velos-ete", "velos", "2027-06-01", "2027-08-31", share=0.3),
        ]
    )
    plan = Plan.from_manifest(doc)
    result = simulate(plan, DAY - timedelta(days=1), timedelta(days=3), doc["site"])
    by = {r.sponsor: r for r in result.sponsors}
    assert sorted(by) == ["vedettes-noel", "velos-ete", "velos-hiver"]
    # measured on 8 December only (its day), less the hour the fire took over the screen
    assert by["velos-hiver"].measured == pytest.approx(23 * 3600, abs=30)
    assert by["velos-hiver"].delivered == pytest.approx(0.15, abs=0.005)
    assert by["vedettes-noel"].booked == pytest.approx(30 * 10 / 3600)
    assert by["vedettes-noel"].delivered == pytest.approx(30 * 10 / 3600, abs=0.005)
    assert by["velos-ete"].measured == 0.0  # not running in these three days: nothing owed
    # outside 8 December the partners' slides are house slides again: no share bought
    # (a slide begun at 23:59:5x on the 8th still shows in the minute 00:00 of the 9th)
    minutes = [
        m for m in result.minutes if not m["at"].startswith(("2026-12-08", "2026-12-09T00:00"))
    ]
    assert not any(m["reason"].startswith("campaign") for m in minutes)
    on_day = [m for m in result.minutes if m["at"].startswith("2026-12-08")]
    assert any(m["reason"] == "campaign velos-hiver" for m in on_day)


def test_a_campaign_counts_only_the_slides_it_covers() -> None:
    doc = document(
        [
            {
                **campaign("rental", "velos", "2026-12-08", "2026-12-08", share=0.2),
                "slides": ["bike-rental"],
            }
        ]
    )
    result = simulate(Plan.from_manifest(doc), DAY, timedelta(hours=6), doc["site"])
    reasons = {m["slide"]: set() for m in result.minutes}
    for m in result.minutes:
        reasons[m["slide"]].add(m["reason"])
    assert reasons["bike-rental"] == {"campaign rental"}
    assert "campaign rental" not in reasons["bike"]  # the partner's other slide is house time
    assert result.sponsors[0].delivered == pytest.approx(0.2, abs=0.01)


def test_a_campaign_at_another_site_is_not_in_this_manifest_and_nothing_is_delivered() -> None:
    doc = document([])
    result = simulate(Plan.from_manifest(doc), DAY, timedelta(hours=6), doc["site"])
    assert result.sponsors == []
    assert not any(m["reason"].startswith("campaign") for m in result.minutes)


@pytest.mark.parametrize(
    "bad",
    [
        {"share": 1.5},
        {"share": 0.1, "plays_per_hour": 10},
        {},
        {"share": 0.1, "price_eur": 10},
        {"share": 0.1, "starts": "8 décembre"},
    ],
    ids=["share-over-1", "both-bookings", "no-booking", "unknown-field", "date-not-iso"],
)
def test_the_schema_refuses_a_campaign_out_of_bounds(bad: dict[str, Any]) -> None:
    raw = {**campaign("c", "velos", "2026-12-08", "2026-12-08"), **bad}
    with pytest.raises(ManifestError, match="campaigns"):
        document([raw])
