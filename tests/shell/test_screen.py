"""The screen schedule (``p2f_player.screen``): the site profile's ``screen_hours``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from p2f_player.contract.rules import PARIS, RuleError
from p2f_player.screen import next_screen_change, screen_on

GARE = {"screen_hours": [{"hours": [{"from": "05:00", "until": "01:30"}]}]}  # across midnight
BUREAU = {
    "screen_hours": [
        {
            "weekdays": ["mo", "tu", "we", "th", "fr", "sa"],
            "hours": [{"from": "07:00", "until": "22:00"}],
        },
        {"weekdays": ["su"], "hours": [{"from": "08:00", "until": "20:00"}]},
    ]
}


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.mark.parametrize("profile", [{}, {"screen_hours": []}, None, {"screen_hours": None}])
def test_no_schedule_is_always_on(profile: dict | None) -> None:
    assert screen_on(profile, paris(2026, 12, 1, 3, 0))
    assert next_screen_change(profile, paris(2026, 12, 1, 3, 0)) is None


def test_a_window_crossing_midnight() -> None:
    assert screen_on(GARE, paris(2026, 12, 1, 23, 59))
    assert screen_on(GARE, paris(2026, 12, 2, 1, 29))
    assert not screen_on(GARE, paris(2026, 12, 2, 1, 30))
    assert not screen_on(GARE, paris(2026, 12, 2, 4, 59))
    assert screen_on(GARE, paris(2026, 12, 2, 5, 0))
    assert next_screen_change(GARE, paris(2026, 12, 1, 22, 0)) == paris(2026, 12, 2, 1, 30)
    assert next_screen_change(GARE, paris(2026, 12, 2, 2, 0)) == paris(2026, 12, 2, 5, 0)


def test_weekday_blocks() -> None:
    saturday, sunday = paris(2026, 12, 5, 21, 0), paris(2026, 12, 6, 21, 0)
    assert screen_on(BUREAU, saturday) and not screen_on(BUREAU, sunday)
    assert not screen_on(BUREAU, paris(2026, 12, 6, 7, 30))  # Sunday opens at 08:00
    assert next_screen_change(BUREAU, saturday) == paris(2026, 12, 5, 22, 0)
    assert next_screen_change(BUREAU, paris(2026, 12, 5, 23, 0)) == paris(2026, 12, 6, 8, 0)
    assert next_screen_change(BUREAU, sunday) == paris(2026, 12, 7, 7, 0)


def test_a_weekday_block_without_hours_is_the_whole_day() -> None:
    profile = {"screen_hours": [{"weekdays": ["sa", "su"]}]}
    assert screen_on(profile, paris(2026, 12, 5, 3, 0))
    assert not screen_on(profile, paris(2026, 12, 4, 23, 0))
    assert next_screen_change(profile, paris(2026, 12, 4, 23, 0)) == paris(2026, 12, 5, 0, 0)
    assert next_screen_change(profile, paris(2026, 12, 6, 12, 0)) == paris(2026, 12, 7, 0, 0)


def test_dst_days() -> None:
    # 2027-03-28: 02:00 becomes 03:00 (a 23-hour day); 2026-10-25: 03:00 becomes 02:00
    night = {"screen_hours": [{"hours": [{"from": "06:00", "until": "02:30"}]}]}
    spring = paris(2027, 3, 28, 1, 0)
    assert screen_on(night, spring)
    change = next_screen_change(night, spring)
    assert change is not None and change - spring <= timedelta(hours=2)
    assert not screen_on(night, change) and screen_on(night, change - timedelta(minutes=1))
    # the morning after: on at 06:00 local, summer time (UTC+2)
    back_on = next_screen_change(night, change)
    assert back_on == paris(2027, 3, 28, 6, 0) and back_on.utcoffset() == timedelta(hours=2)
    autumn = paris(2026, 10, 25, 1, 0)
    off = next_screen_change(GARE, autumn)
    assert off == paris(2026, 10, 25, 1, 30)
    on = next_screen_change(GARE, off)
    assert on == paris(2026, 10, 25, 5, 0) and on.utcoffset() == timedelta(hours=1)
    # 3 h 30 on the wall clock, 4 h 30 really: the night is one hour longer
    assert on.astimezone(UTC) - off.astimezone(UTC) == timedelta(hours=4, minutes=30)


def test_a_schedule_that_never_changes() -> None:
    always = {
        "screen_hours": [
            {"hours": [{"from": "00:00", "until": "23:59"}]},
            {"hours": [{"from": "23:00", "until": "00:30"}]},
        ]
    }
    assert screen_on(always, paris(2026, 12, 1, 23, 59, 30))
    assert next_screen_change(always, paris(2026, 12, 1, 12, 0)) is None


def test_a_malformed_block_is_refused() -> None:
    with pytest.raises(RuleError):
        screen_on({"screen_hours": [{"weekdays": ["xx"]}]}, paris(2026, 12, 1, 12, 0))
