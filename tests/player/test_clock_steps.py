"""A step of the wall clock (NTP after boot, a technician, a flat RTC battery) never freezes
the slide loop nor makes it race: slides last their duration on the monotonic clock, the wall
clock only says which rules hold. Run on a faithful fake of a screen's two clocks, in virtual
time, so the test is exact and instant."""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from p2f_player.scheduler import Decision
from p2f_player.store import LocalRelease
from tests.player.conftest import Publisher, folder_put, slide
from tests.player.test_app import make_player

START = datetime(2026, 7, 14, 8, 0, tzinfo=UTC)
SLIDE_S = 10
PLAYS = 12


class SteppingClock:
    """A screen's two clocks. Monotonic time passes only when the slide loop (the thread that
    made the clock) sleeps, by exactly what it asked; the wall clock follows it and steps by
    ``steps`` (``(monotonic second, step)``) as a real one does under NTP. Other threads (the
    housekeeping) wait for the time they asked for, as on a screen."""

    def __init__(self, start: datetime, steps: list[tuple[float, timedelta]]) -> None:
        self.start, self.steps = start, steps
        self._mono = 0.0
        self._changed = threading.Condition()
        self._driver = threading.get_ident()

    def monotonic(self) -> float:
        with self._changed:
            return self._mono

    def now(self) -> datetime:
        mono = self.monotonic()
        stepped = sum((step for at, step in self.steps if mono >= at), timedelta())
        return self.start + timedelta(seconds=mono) + stepped

    def sleep(self, stop: threading.Event, seconds: float) -> None:
        if threading.get_ident() != self._driver:
            end = self.monotonic() + seconds
            self._await(stop, lambda: self._mono >= end)
        elif not stop.is_set():
            with self._changed:
                self._mono += max(0.0, seconds)
                self._changed.notify_all()

    def wait(self, stop: threading.Event, until: datetime) -> None:
        if threading.get_ident() == self._driver:
            self.sleep(stop, max(0.0, (until - self.now()).total_seconds()))
        else:
            self._await(stop, lambda: self.now() >= until)

    def _await(self, stop: threading.Event, done: object) -> None:
        with self._changed:
            while not stop.is_set() and not done():  # type: ignore[operator]
                self._changed.wait(0.05)


def play_with_a_step(
    tmp_path: Path, bucket_root: Path, keys: tuple[bytes, bytes, Path], step: timedelta
) -> tuple[list[tuple[float, datetime]], list[dict[str, object]]]:
    """Play ``PLAYS`` slides of ``SLIDE_S`` seconds; the wall clock steps in the third."""
    Publisher(folder_put(bucket_root), keys[0], created=START - timedelta(hours=2)).publish(
        1, [slide("a"), slide("b"), slide("c")]
    )
    clock = SteppingClock(START, [(2.5 * SLIDE_S, step)])
    shown: list[tuple[float, datetime]] = []

    def display(decision: Decision, release: LocalRelease | None) -> None:
        shown.append((clock.monotonic(), clock.now()))
        if len(shown) > PLAYS:
            player.stop.set()

    player = make_player(tmp_path, bucket_root, keys[1], START, 1.0, display, clock=clock)
    assert player.syncer.sync_once(START).status == "updated"  # on screen from the start
    player.run()
    rows = sqlite3.connect(tmp_path / "cache" / "journal.sqlite").execute(
        "SELECT data FROM events WHERE kind = 'slide' ORDER BY seq"
    )
    return shown, [json.loads(r[0]) for r in rows]


@pytest.mark.parametrize(
    "step", [timedelta(hours=-1), timedelta(days=1)], ids=["back-1h", "forward-1day"]
)
def test_a_wall_clock_step_neither_freezes_nor_rushes_the_loop(
    tmp_path: Path, bucket_root: Path, keys: tuple[bytes, bytes, Path], step: timedelta
) -> None:
    shown, journaled = play_with_a_step(tmp_path, bucket_root, keys, step)
    starts = [mono for mono, _ in shown]
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    # every slide, the one the step fell in too, lasts its duration: no hour-long slide (back),
    # no burst of catch-up plays (forward)
    assert gaps == [SLIDE_S] * PLAYS, gaps
    # the wall clock did step, and the slides after it carry the new time (rules see it)
    assert shown[-1][1] - shown[0][1] == timedelta(seconds=SLIDE_S * PLAYS) + step
    # proof of play stays sound: every completed slide lasted its duration, end after start
    completed = [row for row in journaled if row["completed"]]
    assert len(completed) == PLAYS
    for row in completed:
        start = datetime.fromisoformat(str(row["start"]))
        assert datetime.fromisoformat(str(row["end"])) - start == timedelta(seconds=SLIDE_S)
