"""Build-time helpers of the website: opening windows, the week table, WebP pictures."""

from __future__ import annotations

import io
from datetime import datetime

from PIL import Image

from p2f_player.contract.rules import PARIS
from p2f_site.hours import DAYS, hours_coverage_end, open_windows, week_schedule
from p2f_site.pictures import make_picture

THURSDAY = datetime(2026, 11, 26, 15, 0, tzinfo=PARIS)


def test_open_windows_are_paris_times_from_today() -> None:
    windows = open_windows("Mo-Fr 08:30-19:00; Sa 09:00-12:30", THURSDAY).split()
    assert windows[0] == "2026-11-26T08:30+01:00/2026-11-26T19:00+01:00"
    assert "2026-11-28T09:00+01:00/2026-11-28T12:30+01:00" in windows
    assert not any(w.startswith("2026-11-29") for w in windows)  # closed on Sunday
    assert hours_coverage_end(THURSDAY) == datetime(2026, 12, 10, tzinfo=PARIS)
    assert DAYS == 14


def test_open_windows_follow_the_dst_change() -> None:
    before = datetime(2027, 3, 26, 12, 0, tzinfo=PARIS)  # clocks go forward on Sunday 28
    windows = open_windows("Mo-Su 10:00-18:00", before).split()
    assert "2027-03-27T10:00+01:00/2027-03-27T18:00+01:00" in windows
    assert "2027-03-29T10:00+02:00/2027-03-29T18:00+02:00" in windows


def test_week_schedule_splits_nights_and_whole_days() -> None:
    week = week_schedule("Fr,Sa 19:30-02:00", THURSDAY)
    assert [d.day for d, _ in week] == [26, 27, 28, 29, 30, 1, 2]
    assert week[0][1] == []
    assert week[1][1] == [("19:30", "24:00")]
    assert week[2][1] == [("00:00", "02:00"), ("19:30", "24:00")]
    assert week_schedule("24/7", THURSDAY)[3][1] == [("00:00", "24:00")]


def test_make_picture_writes_webp_no_wider_than_the_original() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 300), "red").save(buffer, "JPEG")
    picture = make_picture("images/x.jpg", buffer.getvalue())
    assert (picture.width, picture.height) == (600, 300)
    assert [v.width for v in picture.variants] == [400, 600]
    assert [v.src for v in picture.variants] == ["images/x-400.webp", "images/x-600.webp"]
    for variant in picture.variants:
        assert variant.data[:4] == b"RIFF" and variant.data[8:12] == b"WEBP"
    assert picture.srcset == "/images/x-400.webp 400w, /images/x-600.webp 600w"
