"""The scheduler and the moment rules: alert levels (takeover, strip, capped share), places
only while open or opening soon, events by how soon they start, honest language labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from p2f_player.contract.manifest import ManifestError
from p2f_player.contract.rules import PARIS, RuleError
from p2f_player.contract.rules_moments import DEFAULTS, parse_settings, settings_to_json
from p2f_player.scheduler import Decision, Plan, Play, is_eligible, select_slide
from tests.player.conftest import SITE_DOC, slide

SETTINGS = {
    "alert_levels": {
        "critical": {"takeover": True},
        "warning": {"strip": True, "max_share": 0.15},
        "info": {},
    },
    "moments": {
        "open_within_h": 1,
        "event_horizon_h": 48,
        "event_weights": [{"within_h": 3, "weight": 4}, {"within_h": 12, "weight": 2}],
        "offer_weights": [{"within_h": 48, "weight": 3}],
    },
    "untranslated": "french",
}
TUESDAY_21H = datetime(2026, 12, 8, 21, 0, tzinfo=PARIS)
ROADWORKS = {"from": "2026-11-20T06:00:00+01:00", "until": "2027-01-15T22:00:00+01:00"}


def plan_of(
    slides: list[dict[str, Any]],
    sponsors: dict[str, float] | None = None,
    settings: dict[str, Any] | None = None,
) -> Plan:
    site = {**SITE_DOC, "settings": settings_to_json(parse_settings(settings or SETTINGS))}
    return Plan.from_manifest(
        {"site": site, "release": {"id": "t"}, "slides": slides, "sponsors": sponsors or {}}
    )


def alert(slide_id: str, level: str, **extra: Any) -> dict[str, Any]:
    extra.setdefault("interrupt", level == "critical")  # as the build writes it by default
    return slide(slide_id, kind="alert", level=level, window=ROADWORKS, **extra)


def play(plan: Plan, start: datetime, span: timedelta) -> list[tuple[Decision, datetime]]:
    now, recent, out = start.astimezone(UTC), [], []
    while now < start + span:
        recent = [p for p in recent if p.start > now - timedelta(minutes=65)]
        decision = select_slide(plan, recent, now)
        out.append((decision, now))
        sponsor = decision.slide.sponsor if decision.slide else None
        recent.append(Play(decision.slide_id, sponsor, now, (decision.until - now).total_seconds()))
        now = decision.until
    return out


def seconds_by_slide(plays: list[tuple[Decision, datetime]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for decision, now in plays:
        out[decision.slide_id] = (
            out.get(decision.slide_id, 0.0) + (decision.until - now).total_seconds()
        )
    return out


# -- alert levels -------------------------------------------------------------------------------


def test_a_warning_rides_on_the_strip_and_takes_a_capped_share() -> None:
    plan = plan_of([alert("roadworks", "warning"), *(slide(f"place{i}") for i in range(8))])
    plays = play(plan, TUESDAY_21H, timedelta(hours=2))
    seconds = seconds_by_slide(plays)
    share = seconds["roadworks"] / sum(seconds.values())
    assert 0.13 <= share <= 0.17  # its 15 %, not the whole screen
    assert all(d.strip == ("roadworks",) for d, _ in plays)  # on every slide, its own too
    assert {d.reason for d, _ in plays if d.slide_id == "roadworks"} == {"alert warning"}


def test_a_critical_alert_takes_the_screen_until_its_end() -> None:
    fire = slide(
        "fire",
        kind="alert",
        level="critical",
        interrupt=True,
        window={"from": "2026-12-08T21:30:00+01:00", "until": "2026-12-08T22:00:00+01:00"},
    )
    plan = plan_of([fire, alert("roadworks", "warning"), slide("place")])
    plays = play(plan, TUESDAY_21H, timedelta(hours=1))
    during = {d.slide_id for d, now in plays if 30 <= (now - TUESDAY_21H).total_seconds() / 60 < 60}
    assert during == {"fire"}
    assert select_slide(plan, [], datetime(2026, 12, 8, 22, 0, tzinfo=PARIS)).slide_id != "fire"
    # the strip lists warnings, not the takeover (it is the whole screen)
    assert select_slide(plan, [], datetime(2026, 12, 8, 21, 45, tzinfo=PARIS)).strip == (
        "roadworks",
    )


def test_an_info_alert_is_an_ordinary_slide() -> None:
    plan = plan_of([alert("shuttle", "info"), *(slide(f"place{i}") for i in range(3))])
    plays = play(plan, TUESDAY_21H, timedelta(hours=1))
    seconds = seconds_by_slide(plays)
    assert seconds["shuttle"] == pytest.approx(seconds["place0"], rel=0.1)
    assert all(d.strip == () for d, _ in plays)


def test_sponsors_keep_their_share_beside_a_warning() -> None:
    slides = [alert("roadworks", "warning"), slide("hertz1", sponsor="hertz")]
    slides += [slide(f"place{i}") for i in range(6)]
    plays = play(plan_of(slides, {"hertz": 0.1}), TUESDAY_21H, timedelta(hours=3))
    seconds = seconds_by_slide(plays)
    total = sum(seconds.values())
    assert seconds["hertz1"] / total == pytest.approx(0.10, abs=0.01)
    assert seconds["roadworks"] / total == pytest.approx(0.15, abs=0.02)


def test_a_site_can_make_warnings_take_over() -> None:
    settings = {**SETTINGS, "alert_levels": {"warning": {"takeover": True}}}
    plan = plan_of([alert("roadworks", "warning", interrupt=True), slide("place")], None, settings)
    assert select_slide(plan, [], TUESDAY_21H).slide_id == "roadworks"


# -- places open now or soon -------------------------------------------------------------------


def bakery(**extra: Any) -> dict[str, Any]:
    return slide(
        "bakery",
        open={
            "until": "2026-12-22T00:00:00+01:00",
            "intervals": [
                ["2026-12-08T06:30:00+01:00", "2026-12-08T13:00:00+01:00"],
                ["2026-12-09T06:30:00+01:00", "2026-12-09T13:00:00+01:00"],
            ],
        },
        **extra,
    )


def test_a_closed_place_never_plays_and_comes_back_an_hour_before_it_opens() -> None:
    plan = plan_of([bakery(), slide("other")])
    evening = play(plan, TUESDAY_21H, timedelta(hours=2))
    assert "bakery" not in {d.slide_id for d, _ in evening}
    assert not is_eligible(plan, plan.slides[0], datetime(2026, 12, 9, 5, 29, tzinfo=PARIS))
    assert is_eligible(plan, plan.slides[0], datetime(2026, 12, 9, 5, 30, tzinfo=PARIS))
    # the player looks again exactly when the place becomes worth showing
    decision = select_slide(plan, [], datetime(2026, 12, 9, 5, 29, 55, tzinfo=PARIS))
    assert decision.wake_at == datetime(2026, 12, 9, 5, 30, tzinfo=PARIS)
    # and a slide never runs past closing time
    alone = plan_of([bakery()])
    decision = select_slide(alone, [], datetime(2026, 12, 8, 12, 59, 55, tzinfo=PARIS))
    assert decision.slide_id == "bakery"
    assert decision.until == datetime(2026, 12, 8, 13, 0, tzinfo=PARIS)


def test_past_what_the_build_computed_a_place_is_not_shown() -> None:
    plan = plan_of([bakery()])
    assert select_slide(plan, [], datetime(2026, 12, 22, 10, 0, tzinfo=PARIS)).slide is None


# -- events and offers by how soon -------------------------------------------------------------


def event(slide_id: str, starts: datetime) -> dict[str, Any]:
    window = {"from": starts.isoformat(), "until": (starts + timedelta(hours=2)).isoformat()}
    return slide(slide_id, kind="event", window=window)


def test_tonights_event_plays_more_than_the_day_after_tomorrows() -> None:
    tonight = event("tonight", datetime(2026, 12, 8, 22, 30, tzinfo=PARIS))
    later = event("later", datetime(2026, 12, 10, 12, 0, tzinfo=PARIS))
    far = event("far", datetime(2026, 12, 15, 20, 0, tzinfo=PARIS))
    seconds = seconds_by_slide(
        play(plan_of([tonight, later, far]), TUESDAY_21H, timedelta(hours=1))
    )
    assert "far" not in seconds  # beyond the 48-hour horizon
    assert seconds["tonight"] / seconds["later"] == pytest.approx(4.0, rel=0.1)


# -- languages ---------------------------------------------------------------------------------


def test_an_untranslated_turn_says_what_language_the_text_is_in() -> None:
    untranslated = slide("x", langs=("fr", "en"), text_langs={"fr": "fr", "en": "fr"})
    untranslated["pages"] = {"fr": "slides/x.fr.html", "en": "slides/x.fr.html"}
    plan = plan_of([untranslated])
    decisions = [d for d, _ in play(plan, TUESDAY_21H, timedelta(minutes=1))]
    assert {(d.language, d.text_language) for d in decisions} == {("fr", "fr"), ("en", "fr")}


# -- manifests ---------------------------------------------------------------------------------


def test_an_old_manifest_without_settings_plays_with_the_defaults() -> None:
    plan = Plan.from_manifest(
        {"site": SITE_DOC, "release": {"id": "t"}, "slides": [slide("a")], "sponsors": {}}
    )
    assert plan.settings == DEFAULTS
    assert select_slide(plan, [], TUESDAY_21H).slide_id == "a"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level": "danger"}, "level 'danger' is not one of critical, warning, info"),
        ({"text_langs": {"fr": "fr"}}, "text_langs must name the languages of pages"),
        ({"open": {"until": "2026-12-22", "intervals": []}}, "times need a UTC offset"),
        (
            {
                "open": {
                    "until": "2026-12-22T00:00:00+01:00",
                    "intervals": [
                        ["2026-12-09T06:30:00+01:00", "2026-12-09T13:00:00+01:00"],
                        ["2026-12-08T06:30:00+01:00", "2026-12-08T13:00:00+01:00"],
                    ],
                }
            },
            "intervals must be sorted",
        ),
    ],
)
def test_a_malformed_moment_field_refuses_the_manifest(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ManifestError, match=message):
        Plan.from_manifest(
            {"site": SITE_DOC, "release": {"id": "t"}, "slides": [slide("a", **change)]}
        )


def test_settings_round_trip_and_refuse_what_makes_no_sense() -> None:
    settings = parse_settings(SETTINGS)
    assert parse_settings(settings_to_json(settings)) == settings
    with pytest.raises(RuleError) as raised:
        parse_settings(
            {
                "moments": {
                    "event_weights": [{"within_h": 12, "weight": 2}, {"within_h": 3, "weight": 4}]
                }
            }
        )
    assert raised.value.field == "settings.moments.event_weights"
