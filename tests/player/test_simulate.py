"""``p2f-player simulate`` tells the truth about sponsors: booked share, delivered share, and
why they differ (no eligible slide, max_per_hour, a critical alert, the screen off); ``--check``
fails a CI job when a booked sponsor is under-delivered."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from p2f_player.cli import EXIT_UNDER_DELIVERED, main
from p2f_player.contract.manifest import build_manifest, file_entry
from p2f_player.contract.rules import PARIS
from p2f_player.scheduler import Plan
from p2f_player.simulate import hour_ranges, report_lines, shortfalls, simulate
from tests.player.conftest import SITE_DOC, release_files, slide

START = datetime(2026, 12, 8, 6, 0, tzinfo=PARIS)  # a Tuesday
BASE = {"duration_s": 10, "priority": 50, "weight": 1.0}
SITE = {
    **SITE_DOC,
    "screen_hours": [{"weekdays": [], "hours": [{"from": "06:00", "until": "22:00"}]}],
}


def slides() -> list[dict[str, Any]]:
    out = [slide(f"house{i}") for i in range(6)]
    out.append(slide("bike", sponsor="velos"))  # always available
    evening = {**BASE, "hours": [{"from": "18:00", "until": "22:00"}]}
    out.append(slide("dinner", sponsor="bar", rules=evening))  # a quarter of the day only
    out.append(slide("promo", sponsor="capped", rules={**BASE, "max_per_hour": 2}))
    fire = {"from": "2026-12-08T12:00:00+01:00", "until": "2026-12-08T13:00:00+01:00"}
    out.append(slide("fire", kind="alert", level="critical", interrupt=True, window=fire))
    return out


SPONSORS = {"velos": 0.1, "bar": 0.1, "capped": 0.1, "nobody": 0.05}


def document() -> dict[str, Any]:
    all_slides = slides()
    entries = {path: file_entry(data) for path, data in release_files(all_slides).items()}
    release = {
        "id": "r1",
        "counter": 1,
        "created": "2026-12-01T00:00:00+01:00",
        "expires": "2026-12-15T00:00:00+01:00",
    }
    return build_manifest(SITE, release, all_slides, SPONSORS, entries)


def test_every_booked_sponsor_is_listed_with_the_cause_of_its_shortfall() -> None:
    doc = document()
    result = simulate(Plan.from_manifest(doc), START, timedelta(hours=24), doc["site"])
    by = {r.sponsor: r for r in result.sponsors}
    assert sorted(by) == ["bar", "capped", "nobody", "velos"]  # the one without slides too
    # 16 h on, one of them taken by the fire: 15 h measured
    assert result.seconds["measured"] == pytest.approx(15 * 3600, abs=15)
    assert result.seconds["screen off"] == pytest.approx(8 * 3600, abs=15)
    assert result.seconds["critical alert"] == pytest.approx(3600, abs=15)
    velos = by["velos"]
    assert velos.delivered == pytest.approx(0.10, abs=0.005)
    assert velos.lost.keys() == {"screen off", "critical alert"}  # reported, not owed
    bar = by["bar"]  # only 18:00-22:00: 4 of the 15 measured hours
    assert bar.delivered == pytest.approx(0.10 * 4 / 15, abs=0.005)
    assert bar.lost["no eligible slide"] == pytest.approx(11 * 3600, abs=15)
    assert hour_ranges(bar.lost_hours["no eligible slide"]) == "06:00-12:00, 13:00-18:00"
    capped = by["capped"]  # two 10-second plays an hour, of 360 booked seconds
    assert capped.delivered == pytest.approx(20 / 3600, abs=0.001)
    assert capped.lost["max_per_hour"] > 14 * 3600
    assert by["nobody"].delivered == 0.0
    assert by["nobody"].lost["no eligible slide"] == pytest.approx(15 * 3600, abs=15)
    assert [r.sponsor for r in shortfalls(result, 0.05)] == ["bar", "capped", "nobody"]
    text = "\n".join(report_lines(result, "gare", 0.05))
    assert "bar                          booked 10.00%  delivered  2.67%  SHORT by 73%" in text
    assert "no eligible slide: 73% of the measured time (06:00-12:00, 13:00-18:00)" in text
    assert "velos                        booked 10.00%  delivered " in text


def test_nothing_plays_while_the_screen_is_off() -> None:
    doc = document()
    result = simulate(Plan.from_manifest(doc), START, timedelta(hours=24), doc["site"])
    night = [m for m in result.minutes if m["at"] >= "2026-12-08T22:00"]
    assert night and {m["slide"] for m in night} == {"off"}
    assert len(result.minutes) == 24 * 60


def write_manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(document()), encoding="utf-8")
    return path


def run_cli(tmp_path: Path, *extra: str) -> int:
    return main(
        [
            "simulate",
            "--site",
            "gare",
            "--manifest",
            str(write_manifest(tmp_path)),
            "--cache",
            str(tmp_path / "cache"),
            "--from",
            "2026-12-08T06:00",
            "--hours",
            "24",
            *extra,
        ]
    )


def test_check_fails_when_a_booked_sponsor_is_under_delivered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(tmp_path, "--check") == EXIT_UNDER_DELIVERED
    captured = capsys.readouterr()
    assert "under-delivered by more than 5%: bar (2.67% of 10.00%)" in captured.err
    assert "sponsors booked at gare" in captured.out
    # without --check the same preview is only informative
    assert run_cli(tmp_path) == 0


def test_check_passes_when_every_sponsor_gets_its_share(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = document()
    doc["sponsors"] = {"velos": 0.1}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    args = ["simulate", "--site", "gare", "--manifest", str(path), "--cache", str(tmp_path)]
    assert main([*args, "--from", "2026-12-08T06:00", "--hours", "6", "--check", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sponsors"]["velos"]["shortfall"] < 0.05
    assert main([*args, "--from", "2026-12-08T06:00", "--check", "--threshold", "2"]) == 1
