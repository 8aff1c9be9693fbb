"""The headless player loop in-process, on a fast clock: an alert cuts the slide on screen at
once, a slide is journaled when it ends, the loop survives a broken display."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from p2f_player.app import Clock, Player, ScaledClock
from p2f_player.journal import Journal
from p2f_player.scheduler import Decision
from p2f_player.sources import FolderSource
from p2f_player.store import LocalRelease, Store
from p2f_player.sync import Syncer
from tests.player.conftest import Publisher, folder_put, slide


def make_player(
    tmp_path: Path,
    bucket: Path,
    public: bytes,
    start: datetime,
    speed: float,
    display: object = None,
    clock: Clock | None = None,
) -> Player:
    store = Store(tmp_path / "cache")
    journal = Journal(tmp_path / "cache" / "journal.sqlite", "gare", "gare")
    source = FolderSource(bucket)
    kwargs = {"display": display} if display else {}
    return Player(
        site="gare",
        device="gare",
        store=store,
        syncer=Syncer("gare", source, store, public),
        journal=journal,
        telemetry=source,
        public_key=public,
        clock=clock or ScaledClock(start, speed),
        poll_interval_s=30,
        poll_jitter_s=1,
        **kwargs,  # type: ignore[arg-type]
    )


def slides_journaled(tmp_path: Path) -> list[dict[str, object]]:
    rows = sqlite3.connect(tmp_path / "cache" / "journal.sqlite").execute(
        "SELECT data FROM events WHERE kind = 'slide' ORDER BY seq"
    )
    return [json.loads(r[0]) for r in rows]


def test_alert_interrupts_the_slide_on_screen(
    tmp_path: Path, bucket_root: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    start = datetime(2026, 7, 14, 8, 0, tzinfo=UTC)
    alert_from, alert_until = start + timedelta(seconds=45), start + timedelta(seconds=75)
    alert = slide(
        "alert",
        kind="alert",
        interrupt=True,
        window={"from": alert_from.isoformat(), "until": alert_until.isoformat()},
    )
    slides = [
        slide("a", rules={"duration_s": 30, "priority": 50, "weight": 1.0}),
        slide("b", rules={"duration_s": 30, "priority": 50, "weight": 1.0}),
        alert,
    ]
    Publisher(folder_put(bucket_root), keys[0], created=start - timedelta(hours=1)).publish(
        1, slides
    )
    player = make_player(tmp_path, bucket_root, keys[1], start, speed=20)
    player.run(duration_s=120)
    shown = slides_journaled(tmp_path)
    ids = [s["slide"] for s in shown]
    assert "alert" in ids
    at = ids.index("alert")
    cut = shown[at - 1]
    assert cut["completed"] is False  # the slide on screen was cut, not played to its end
    assert datetime.fromisoformat(str(cut["end"])) < datetime.fromisoformat(
        str(cut["start"])
    ) + timedelta(seconds=30)
    for s in shown:
        if s["slide"] == "alert":
            assert datetime.fromisoformat(str(s["end"])) <= alert_until
    assert ids[-1] != "alert" or datetime.fromisoformat(str(shown[-1]["start"])) < alert_until


def test_a_failing_display_is_journaled_and_the_loop_goes_on(
    tmp_path: Path, bucket_root: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    start = datetime(2026, 7, 14, 8, 0, tzinfo=UTC)
    Publisher(folder_put(bucket_root), keys[0], created=start - timedelta(hours=1)).publish(1)
    calls: list[str] = []

    def display(decision: Decision, release: LocalRelease | None) -> None:
        calls.append(decision.slide_id)
        if len(calls) == 2:
            raise RuntimeError("renderer crashed")

    player = make_player(tmp_path, bucket_root, keys[1], start, speed=20, display=display)
    player.run(duration_s=60)
    assert len(calls) >= 4
    errors = (
        sqlite3.connect(tmp_path / "cache" / "journal.sqlite")
        .execute("SELECT data FROM events WHERE kind = 'error'")
        .fetchall()
    )
    assert any("renderer crashed" in e[0] for e in errors)


class _BrowsedWindow:
    """The window's side the kiosk player reads, at the hardware-free edge: a visitor is
    browsing (touch mode) until ``mode`` is set back to "loop". Anything else it is asked
    fails loudly."""

    def __init__(self) -> None:
        self.screen = type("Screen", (), {"mode": "touch"})()
        self.on_touch = None

    def screenshot(self) -> None:
        return None  # the page is not up: the player tries again at the next heartbeat

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the kiosk player asked the window for {name!r}")


def test_kiosk_player_journals_no_slide_while_a_visitor_browses(
    tmp_path: Path, bucket_root: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    from p2f_player.shell.veille import KioskPlayer

    start = datetime(2026, 7, 14, 8, 0, tzinfo=UTC)
    Publisher(folder_put(bucket_root), keys[0], created=start - timedelta(hours=1)).publish(1)
    store = Store(tmp_path / "cache")
    source = FolderSource(bucket_root)
    window = _BrowsedWindow()
    shown: list[str] = []
    player = KioskPlayer(
        shell=window,  # type: ignore[arg-type]
        display_power=type("NoPower", (), {"power": lambda self, on: None})(),
        site="gare",
        device="gare",
        store=store,
        syncer=Syncer("gare", source, store, keys[1]),
        journal=Journal(tmp_path / "cache" / "journal.sqlite", "gare", "gare"),
        telemetry=source,
        public_key=keys[1],
        clock=ScaledClock(start, 20),
        poll_interval_s=30,
        poll_jitter_s=1,
        display=lambda decision, release: shown.append(decision.slide_id),
    )
    back: list[datetime] = []

    def visitor_leaves() -> None:
        back.append(player.clock.now())
        window.screen.mode = "loop"

    leaving = threading.Timer(4.0, visitor_leaves)  # ~80 player seconds of browsing first
    leaving.start()
    player.run(duration_s=200)
    leaving.join()
    slides = slides_journaled(tmp_path)
    assert len(slides) >= 2 and shown  # the loop came back
    # nothing played or was journaled while the visitor browsed
    assert all(datetime.fromisoformat(str(s["start"])) >= back[0] for s in slides)
