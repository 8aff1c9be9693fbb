"""Real players for the office reports: two headless ``p2f-player run`` processes, a simulated day.

``gare`` reads and writes a folder store (``file://``); ``port`` (device ``port-1``) goes
through a real HTTP server on 127.0.0.1 that the test takes down for six simulated hours and
brings back, so its backlog arrives late. Both start at a pinned simulated moment: the player
binary runs unchanged under ``faketime`` (setup.sh), then its own ``--speed`` clock takes over.
``gare`` shows a one-hour alert at noon. Visitors' NFC taps and touch sessions are what the
kiosk window journals (``Journal.append`` from ``shell/run.py`` and ``shell/window.py``); a
headless player has no window, so the test journals them through the same ``Journal`` class,
into the running player's journal, as the window would.

``raw_count`` is the independent count: plain ``json`` over the JSONL files, no DuckDB.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from p2f_player.contract import trust
from p2f_player.contract.deeplinks import deep_link, parse_deep_link
from p2f_player.contract.rules import PARIS
from p2f_player.journal import Journal
from tests.player.conftest import (
    FileServer,
    Handler,
    Publisher,
    folder_put,
    slide,
    url_of,
    wait_until,
)

START = datetime(2026, 7, 14, 4, 0, tzinfo=UTC)  # 06:00 in Paris
SPEED = 1440  # a simulated day in a minute
DAY_S = 86_400
ALERT = (datetime(2026, 7, 14, 12, 0, tzinfo=PARIS), datetime(2026, 7, 14, 13, 0, tzinfo=PARIS))
OFFLINE = (datetime(2026, 7, 14, 9, 0, tzinfo=PARIS), datetime(2026, 7, 14, 15, 0, tzinfo=PARIS))
PARTNER = "vedettes"
OFFER = "offre-vedettes"
FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


@dataclass
class Day:
    """What the fixture ran, and what it saw mid-way (while ``port`` was offline)."""

    store: Path
    caches: dict[str, Path]
    offline_at: datetime | None = None  # port's last journaled moment when the server went down
    store_during_offline: Path | None = None  # a copy of the store just before it came back
    unsent_during_offline: int = 0
    taps: int = 0
    logs: dict[str, str] = field(default_factory=dict)


def slides_for(site: str) -> list[dict[str, Any]]:
    plain = [slide(name) for name in ("plage", "phare", "marche")]
    offer = slide(OFFER, kind="offer", sponsor=PARTNER)
    if site != "gare":
        return [*plain, offer]
    alert = slide(
        "alerte-orage",
        kind="alert",
        interrupt=True,
        window={"from": ALERT[0].isoformat(), "until": ALERT[1].isoformat()},
    )
    return [*plain, offer, alert]


def publish(put: Any, private: bytes, site: str) -> None:
    Publisher(put, private, site=site, created=START - timedelta(hours=1)).publish(
        1, slides_for(site), sponsors={PARTNER: 0.25}
    )


def latest(journal: Path) -> datetime | None:
    """The newest event a player journaled (its simulated now, near enough)."""
    if not journal.exists():
        return None
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=10) as db:
        row = db.execute("SELECT max(at) FROM events").fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def unsent(journal: Path) -> int:
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=10) as db:
        row = db.execute(
            "SELECT count(*) FROM events WHERE batch IS NULL OR batch IN "
            "(SELECT id FROM batches WHERE acked_at IS NULL)"
        ).fetchone()
    return int(row[0])


def player(tmp: Path, key: Path, site: str, device: str, source: str) -> subprocess.Popen[str]:
    cache = tmp / f"cache-{device}"
    config = tmp / f"{device}.toml"
    config.write_text(f'device = "{device}"\nretry_cap_s = 300\n')
    env = {
        **os.environ,
        "LD_PRELOAD": str(FAKETIME),
        "FAKETIME": "@" + START.strftime("%Y-%m-%d %H:%M:%S"),
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "TZ": "UTC",
    }
    command = [
        sys.executable,
        "-m",
        "p2f_player.cli",
        "run",
        "--config",
        str(config),
        "--site",
        site,
        "--source",
        source,
        "--public-key",
        str(key),
        "--cache",
        str(cache),
        "--speed",
        str(SPEED),
        "--duration",
        str(DAY_S),
    ]
    # the log goes to a file: a pipe nobody reads until the end fills up and blocks the player
    log = (tmp / f"{device}.log").open("w")
    try:
        return subprocess.Popen(command, env=env, stderr=log, text=True)
    finally:
        log.close()


def visitors(journal_path: Path, site: str, device: str, moment: datetime) -> int:
    """Two touch sessions and three NFC taps on the partner's offer, as the window journals
    them, into the running player's journal. Returns the taps journaled."""
    journal = Journal(journal_path, site, device)
    try:
        for n in range(2):
            journal.append(
                "touch_session",
                moment + timedelta(seconds=n),
                {"seconds": 42.5, "pages": 3, "end": "timeout", "lang": "en", "last": OFFER},
            )
        for n in range(3):
            journal.append(
                "nfc_tap", moment + timedelta(seconds=10 + n), {"link": deep_link(OFFER, site)}
            )
    finally:
        journal.close()
    return 3


@pytest.fixture(scope="module")
def played_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    if not FAKETIME.exists():
        raise AssertionError(f"{FAKETIME} is missing: apt-get install faketime (setup.sh)")
    tmp = tmp_path_factory.mktemp("day")
    store = tmp / "store"
    store.mkdir()
    private, public = trust.generate_keypair()
    key = tmp / "key.pub"
    trust.write_key(key, public, private=False)
    for site in ("gare", "port"):
        publish(folder_put(store), private, site)
    server = FileServer(("127.0.0.1", 0), Handler)
    server.root, server.cut, server.down, server.requests = store, set(), False, []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    day = Day(store, {"gare": tmp / "cache-gare", "port-1": tmp / "cache-port-1"})
    players = {
        "gare": player(tmp, key, "gare", "gare", f"file://{store}"),
        "port-1": player(tmp, key, "port", "port-1", url_of(server)),
    }
    try:
        port_journal = day.caches["port-1"] / "journal.sqlite"
        gare_journal = day.caches["gare"] / "journal.sqlite"
        wait_until(lambda: (day.caches["port-1"] / "current").exists(), "port's first release")
        wait_until(lambda: (latest(port_journal) or START) >= OFFLINE[0], "09:00 at port", 120)
        server.down = True
        day.offline_at = latest(port_journal)
        moment = latest(gare_journal) or START
        day.taps = visitors(gare_journal, "gare", "gare", moment)
        wait_until(lambda: (latest(port_journal) or START) >= OFFLINE[1], "15:00 at port", 120)
        day.unsent_during_offline = unsent(port_journal)
        day.store_during_offline = tmp / "store-offline"
        # the gare player writes into this folder meanwhile: a file being written (its
        # temporary name, renamed into place when complete) is not in the store yet
        shutil.copytree(store, day.store_during_offline, ignore=shutil.ignore_patterns(".*.tmp"))
        server.down = False
        for name, process in players.items():
            process.wait(timeout=300)
            day.logs[name] = (tmp / f"{name}.log").read_text()
            assert process.returncode == 0, day.logs[name][-3000:]
        yield day
    finally:
        for process in players.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        server.shutdown()
        server.server_close()


# -- the independent count ------------------------------------------------------------------------


@dataclass
class RawCount:
    plays: dict[str, int] = field(default_factory=dict)  # site -> plays of the partner
    seconds: dict[str, float] = field(default_factory=dict)  # site -> partner's seconds
    screen: dict[str, float] = field(default_factory=dict)  # site -> every slide's seconds
    alert: dict[str, float] = field(default_factory=dict)
    taps: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)  # device -> distinct events
    last_at: dict[str, datetime] = field(default_factory=dict)  # device -> newest event


def raw_count(store: Path) -> RawCount:
    """Count from the JSONL files with plain ``json``: one event per distinct (device, seq)."""
    events: dict[tuple[str, int], dict[str, Any]] = {}
    for path in sorted((store / "telemetry").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                event = json.loads(line)
                events.setdefault((event["device"], event["seq"]), event)
    out = RawCount()
    for (device, _), e in events.items():
        site = e["site"]
        out.events[device] = out.events.get(device, 0) + 1
        moment = datetime.fromisoformat(e["at"])
        out.last_at[device] = max(out.last_at.get(device, moment), moment)
        if e["kind"] == "nfc_tap" and parse_deep_link(e["link"]).slug == OFFER:
            out.taps[site] = out.taps.get(site, 0) + 1
        if e["kind"] != "slide":
            continue
        length = (
            datetime.fromisoformat(e["end"]) - datetime.fromisoformat(e["start"])
        ).total_seconds()
        out.screen[site] = out.screen.get(site, 0.0) + length
        if e["reason"] == "alert":
            out.alert[site] = out.alert.get(site, 0.0) + length
        if e["sponsor"] == PARTNER:
            out.plays[site] = out.plays.get(site, 0) + 1
            out.seconds[site] = out.seconds.get(site, 0.0) + length
    return out
