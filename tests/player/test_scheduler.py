"""The scheduler: properties over generated manifests, DST days, midnight windows, alerts,
max plays per hour, language rotation, the default card, and a simulated week of shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from p2f_player.contract.rules import PARIS, to_local
from p2f_player.scheduler import Decision, Plan, Play, is_eligible, select_slide
from tests.player.conftest import SITE_DOC, slide

BASE_RULES = {"duration_s": 10, "priority": 50, "weight": 1.0}


def plan_of(
    slides: list[dict[str, Any]],
    sponsors: dict[str, float] | None = None,
    site: dict[str, Any] | None = None,
) -> Plan:
    return Plan.from_manifest(
        {
            "site": site or SITE_DOC,
            "release": {"id": "t", "counter": 1},
            "slides": slides,
            "sponsors": sponsors or {},
        }
    )


def play(plan: Plan, start: datetime, span: timedelta) -> list[tuple[Decision, datetime]]:
    """Drive the scheduler like the player does (no interruptions): slide after slide."""
    now, recent, out = start.astimezone(UTC), [], []
    while now < start + span:
        recent = [p for p in recent if p.start > now - timedelta(minutes=65)]
        decision = select_slide(plan, recent, now)
        out.append((decision, now))
        sponsor = decision.slide.sponsor if decision.slide else None
        recent.append(Play(decision.slide_id, sponsor, now, (decision.until - now).total_seconds()))
        now = decision.until
    return out


# -- generated manifests ---------------------------------------------------------------------

times = st.sampled_from(
    ["00:00", "02:00", "02:30", "03:00", "06:00", "09:30", "18:00", "22:00", "23:59"]
)
windows = st.builds(lambda a, b: {"from": a, "until": b}, times, times).filter(
    lambda w: w["from"] != w["until"]
)


@st.composite
def rules(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {
        "duration_s": draw(st.sampled_from([3, 10, 15, 30])),
        "priority": draw(st.sampled_from([40, 50, 60])),
        "weight": draw(st.sampled_from([0.5, 1.0, 3.0])),
    }
    if draw(st.booleans()):
        out["hours"] = draw(st.lists(windows, min_size=1, max_size=2))
    if draw(st.booleans()):
        out["weekdays"] = draw(
            st.lists(st.sampled_from(["mo", "tu", "we", "sa", "su"]), min_size=1, unique=True)
        )
    if draw(st.booleans()):
        start = draw(st.dates(datetime(2026, 3, 20).date(), datetime(2026, 11, 1).date()))
        out["dates"] = [
            {
                "from": start.isoformat(),
                "until": (start + timedelta(days=draw(st.integers(0, 40)))).isoformat(),
            }
        ]
    if draw(st.booleans()):
        out["audiences"] = draw(
            st.lists(st.sampled_from(["affaires", "familles", "seniors"]), min_size=1, unique=True)
        )
    if draw(st.booleans()):
        out["max_per_hour"] = draw(st.integers(1, 6))
    if draw(st.booleans()):
        out["languages"] = draw(st.lists(st.sampled_from(["fr", "en"]), min_size=1, unique=True))
    return out


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    count = draw(st.integers(0, 6))
    slides = []
    for i in range(count):
        extra: dict[str, Any] = {"rules": draw(rules())}
        if draw(st.integers(0, 4)) == 0:
            extra["interrupt"] = True
        if draw(st.integers(0, 3)) == 0:
            extra["sponsor"] = draw(st.sampled_from(["velos", "hotel"]))
        if draw(st.integers(0, 3)) == 0:
            begin = datetime(2026, 3, 29, tzinfo=UTC) + timedelta(
                hours=draw(st.integers(0, 24 * 220))
            )
            extra["window"] = {
                "from": begin.isoformat(),
                "until": (begin + timedelta(hours=draw(st.integers(1, 72)))).isoformat(),
            }
        slides.append(slide(f"s{i}", **extra))
    return plan_of(slides, {"velos": 0.1, "hotel": 0.25})


moments = st.datetimes(datetime(2026, 3, 28), datetime(2026, 11, 2)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@st.composite
def histories(draw: st.DrawFn, now: datetime, plan: Plan) -> list[Play]:
    ids = [s.id for s in plan.slides] or ["default"]
    count = draw(st.integers(0, 20))
    plays, at = [], now - timedelta(minutes=70)
    for _ in range(count):
        at += timedelta(seconds=draw(st.integers(3, 200)))
        if at >= now:
            break
        plays.append(Play(draw(st.sampled_from(ids)), None, at, 10.0))
    return plays


@settings(max_examples=300, deadline=None)
@given(data=st.data(), plan=plans(), now=moments)
def test_chosen_slide_satisfies_its_rules_and_next_look_is_in_the_future(
    data: st.DataObject, plan: Plan, now: datetime
) -> None:
    recent = data.draw(histories(now, plan))
    decision = select_slide(plan, recent, now)
    assert decision.wake_at > now
    assert now < decision.until
    longest = max([s.rules.duration_s for s in plan.slides] + [10])
    assert decision.until - now <= timedelta(seconds=longest)  # real seconds, across DST too
    assert decision.wake_at <= decision.until
    if decision.slide is None:
        assert not any(is_eligible(plan, s, now, recent) for s in plan.slides)
        return
    chosen = decision.slide
    assert chosen.rules.active_at(now) and not chosen.rules.expired_at(now)
    assert chosen.rules.applies_to_site(plan.site)
    assert chosen.window is None or chosen.window[0] <= now < chosen.window[1]
    assert is_eligible(plan, chosen, now, recent)
    assert decision.language in chosen.pages
    # an eligible alert always wins
    if any(s.interrupt and is_eligible(plan, s, now, recent) for s in plan.slides):
        assert chosen.interrupt
    # nothing is shown past its end: at the last second before ``until`` it still holds
    last = decision.until - timedelta(microseconds=1)
    assert chosen.window is None or last < chosen.window[1]
    assert not chosen.rules.expired_at(last)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), plan=plans(), now=moments)
def test_the_same_inputs_give_the_same_decision(
    data: st.DataObject, plan: Plan, now: datetime
) -> None:
    recent = data.draw(histories(now, plan))
    assert select_slide(plan, recent, now) == select_slide(plan, list(recent), now)
    # the same instant in another offset is the same instant
    assert (
        select_slide(plan, recent, now).slide_id
        == select_slide(plan, recent, now.astimezone(PARIS)).slide_id
    )


# -- hand-picked cases -------------------------------------------------------------------------


def test_window_across_midnight_plays_before_and_after_midnight_and_not_by_day() -> None:
    night = slide(
        "night",
        rules={
            **BASE_RULES,
            "hours": [{"from": "22:00", "until": "02:00"}],
            "weekdays": ["fr"],
            "priority": 60,
        },
    )
    plan = plan_of([night, slide("day")])
    friday_late = datetime(2026, 7, 17, 23, 30, tzinfo=PARIS)
    saturday_early = datetime(2026, 7, 18, 1, 30, tzinfo=PARIS)  # the Friday window runs on
    saturday_late = datetime(2026, 7, 18, 23, 30, tzinfo=PARIS)  # Saturday has no window
    assert select_slide(plan, [], friday_late).slide_id == "night"
    assert select_slide(plan, [], saturday_early).slide_id == "night"
    assert select_slide(plan, [], saturday_late).slide_id == "day"
    # at 01:59:55 a 10-second slide is cut at 02:00 sharp
    decision = select_slide(plan, [], datetime(2026, 7, 18, 1, 59, 55, tzinfo=PARIS))
    assert decision.slide_id == "night"
    assert decision.until == datetime(2026, 7, 18, 2, 0, tzinfo=PARIS)


def test_dst_days_follow_local_time() -> None:
    morning = slide(
        "morning",
        rules={**BASE_RULES, "hours": [{"from": "06:00", "until": "09:00"}], "priority": 60},
    )
    plan = plan_of([morning, slide("other")])
    for day in (datetime(2026, 3, 29), datetime(2026, 10, 25)):  # spring forward, fall back
        shown = {
            to_local(now).hour
            for decision, now in play(plan, day.replace(tzinfo=PARIS), timedelta(hours=24))
            if decision.slide_id == "morning"
        }
        assert shown == {6, 7, 8}, day
    # 10 s before the October change a 10-second slide lasts 10 real seconds
    before_change = datetime(2026, 10, 25, 0, 59, 55, tzinfo=UTC)  # 02:59:55+02:00
    decision = select_slide(plan, [], before_change)
    assert decision.until == before_change + timedelta(seconds=10)
    # the spring-forward night is 23 hours long, the fall-back one 25: both are covered
    spring = play(plan, datetime(2026, 3, 29, tzinfo=PARIS), timedelta(hours=23))
    assert to_local(spring[-1][1]).date().isoformat() == "2026-03-29"


def test_alert_interrupts_at_once_and_ends_at_its_end() -> None:
    start = datetime(2026, 7, 14, 10, 0, 5, tzinfo=PARIS)
    end = datetime(2026, 7, 14, 10, 30, tzinfo=PARIS)
    alert = slide(
        "alert",
        kind="alert",
        interrupt=True,
        window={"from": start.isoformat(), "until": end.isoformat()},
    )
    plan = plan_of([slide("a"), alert])
    before = select_slide(plan, [], datetime(2026, 7, 14, 10, 0, tzinfo=PARIS))
    assert before.slide_id == "a"
    assert before.wake_at == start  # the player looks again when the alert starts
    assert select_slide(plan, [], start).slide_id == "alert"
    last = select_slide(plan, [], end - timedelta(seconds=4))
    assert last.slide_id == "alert" and last.until == end
    assert select_slide(plan, [], end).slide_id == "a"


def test_max_per_hour_and_priority() -> None:
    promo = slide("promo", rules={**BASE_RULES, "priority": 80, "max_per_hour": 4})
    plan = plan_of([promo, slide("a"), slide("b")])
    plays = play(plan, datetime(2026, 7, 14, 10, 0, tzinfo=PARIS), timedelta(hours=3))
    starts = [now for d, now in plays if d.slide_id == "promo"]
    for at in starts:
        assert sum(1 for other in starts if at - timedelta(hours=1) < other <= at) <= 4
    assert len(starts) == 12  # four an hour, coming back as soon as one leaves the hour


def test_audience_hours_and_languages_rotate() -> None:
    business = slide("business", rules={**BASE_RULES, "audiences": ["affaires"]})
    english = slide("english", langs=("en",))
    plan = plan_of([business, english, slide("a")])
    tuesday_7h = datetime(2026, 7, 14, 7, 0, tzinfo=PARIS)
    sunday_7h = datetime(2026, 7, 12, 7, 0, tzinfo=PARIS)
    assert "business" in {d.slide_id for d, _ in play(plan, tuesday_7h, timedelta(minutes=5))}
    assert "business" not in {d.slide_id for d, _ in play(plan, sunday_7h, timedelta(minutes=5))}
    langs = [
        d.language for d, _ in play(plan, sunday_7h, timedelta(minutes=5)) if d.slide_id == "a"
    ]
    assert set(langs) == {"fr", "en"}
    assert all(
        d.language == "en"
        for d, _ in play(plan, sunday_7h, timedelta(minutes=5))
        if d.slide_id == "english"
    )


def test_nothing_eligible_gives_the_default_card_and_expired_items_never_show() -> None:
    old = slide(
        "old", rules={**BASE_RULES, "dates": [{"from": "2026-01-01", "until": "2026-06-30"}]}
    )
    plan = plan_of([old])
    decision = select_slide(plan, [], datetime(2026, 7, 14, 10, 0, tzinfo=PARIS))
    assert decision.slide is None and decision.reason.startswith("nothing eligible")
    assert select_slide(plan, [], datetime(2026, 6, 30, 23, 0, tzinfo=PARIS)).slide_id == "old"


# -- a simulated week against booked shares ---------------------------------------------------


def test_simulated_week_meets_booked_shares_within_5_percent() -> None:
    slides = [slide(f"house{i}", rules={**BASE_RULES, "weight": 1.0 + i % 3}) for i in range(12)]
    slides += [
        slide("velos1", sponsor="velos"),
        slide("velos2", sponsor="velos", rules={**BASE_RULES, "duration_s": 17}),
    ]
    slides += [slide("hotel1", sponsor="hotel", rules={**BASE_RULES, "duration_s": 23})]
    slides += [
        slide(
            "evening",
            sponsor="bar",
            rules={**BASE_RULES, "hours": [{"from": "18:00", "until": "23:00"}]},
        )
    ]
    booked = {"velos": 0.10, "hotel": 0.25, "bar": 0.15}
    plan = plan_of(slides, booked)
    start = datetime(2026, 10, 19, 0, 0, tzinfo=PARIS)  # Monday; the week ends on the DST change
    plays = play(plan, start, timedelta(days=7))
    per_hour: dict[tuple[datetime, str], float] = {}
    for decision, now in plays:
        group = decision.slide.sponsor if decision.slide and decision.slide.sponsor else "house"
        # split a play that crosses the hour between both hours
        moment = now
        while moment < decision.until:
            hour = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
            part_end = min(decision.until, hour + timedelta(hours=1))
            key = (hour, group)
            per_hour[key] = per_hour.get(key, 0.0) + (part_end - moment).total_seconds()
            moment = part_end
    hours = sorted({h for h, _ in per_hour})
    worst, where = 0.0, ""
    for hour in hours[:-1]:  # the last hour is cut by the end of the simulation
        local = to_local(hour)
        for partner, share in booked.items():
            if partner == "bar" and not 18 <= local.hour < 23:
                assert per_hour.get((hour, partner), 0.0) == 0.0
                continue
            measured = per_hour.get((hour, partner), 0.0) / 3600
            error = abs(measured - share) / share
            if error > worst:
                worst, where = error, f"{local:%a %H:%M} {partner}: {measured:.4f} for {share}"

    assert worst <= 0.05, f"worst relative share-of-voice error {worst:.3%} ({where})"
    # weights inside the house: a weight-3 slide gets about three times a weight-1 slide
    seconds = {d.slide_id: 0.0 for d, _ in plays}
    for d, now in plays:
        seconds[d.slide_id] += (d.until - now).total_seconds()
    assert 2.8 < seconds["house2"] / seconds["house0"] < 3.2
