"""Plays per week estimated from manifests with the player's own eligibility rules."""

from __future__ import annotations

import pytest
from p2f_editorial.visibility import plays_per_week

from tests.editorial.test_stale import _manifest, _slide

CREATED = "2026-12-07T00:00:00+01:00"  # a Monday, local midnight


def test_weights_share_the_week() -> None:
    doc = _manifest("gare", CREATED, [_slide("a", weight=1.0), _slide("b", weight=3.0)])
    plays = plays_per_week([doc])
    assert plays == pytest.approx({"a": 15120.0, "b": 45360.0})


def test_screen_off_hours_and_slide_hours_count_for_nothing() -> None:
    doc = _manifest(
        "gare",
        CREATED,
        [
            _slide("a", duration=20),
            _slide("evening", rules={"hours": [{"from": "18:00", "until": "20:00"}]}),
        ],
        screen_hours=[{"weekdays": [], "hours": [{"from": "08:00", "until": "20:00"}]}],
    )
    doc["slides"][1]["rules"] = {"hours": [{"from": "18:00", "until": "20:00"}]}
    plays = plays_per_week([doc])
    # 12 h a day on; "evening" shares 2 of them half and half (10 s vs 20 s slides)
    assert plays["evening"] == pytest.approx(7 * 2 * 1800 / 10)
    assert plays["a"] == pytest.approx(7 * (10 * 3600 + 2 * 1800) / 20)


def test_sponsor_share_and_takeover_alert() -> None:
    doc = _manifest(
        "gare",
        CREATED,
        [
            _slide("house"),
            _slide("sponsored", sponsor="velos"),
            _slide(
                "fire",
                kind="alert",
                level="critical",
                interrupt=True,
                window={"from": "2026-12-07T00:00:00+01:00", "until": "2026-12-08T00:00:00+01:00"},
            ),
        ],
    )
    doc["sponsors"] = {"velos": 0.25}
    plays = plays_per_week([doc, {**doc, "site": {**doc["site"], "id": "port"}}])
    # the first day the alert takes every screen; then 25 % / 75 % for six days, two sites
    assert plays["fire"] == pytest.approx(2 * 24 * 360)
    assert plays["sponsored"] == pytest.approx(2 * 6 * 24 * 360 * 0.25)
    assert plays["house"] == pytest.approx(2 * 6 * 24 * 360 * 0.75)


def test_a_campaign_gets_its_booked_share_on_its_days_only() -> None:
    """Campaigns (what the scheduler delivers since partners lost ``screen_share``) are shared
    through the scheduler's own grouping: 25 % on their days, house time outside them."""
    doc = _manifest("gare", CREATED, [_slide("house"), _slide("promo")])
    doc["site"]["campaigns"] = [
        {
            "id": "velos-decembre",
            "partner": "velos",
            "slides": ["promo"],
            "starts": "2026-12-07",
            "ends": "2026-12-09",  # three days of the seven
            "share": 0.25,
        }
    ]
    plays = plays_per_week([doc])
    # three days at 25 %, then four days where both house slides share the hour equally
    assert plays["promo"] == pytest.approx(3 * 24 * 360 * 0.25 + 4 * 24 * 360 * 0.5)
    assert plays["house"] == pytest.approx(3 * 24 * 360 * 0.75 + 4 * 24 * 360 * 0.5)
