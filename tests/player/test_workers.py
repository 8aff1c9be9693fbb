"""The player's worker threads survive whatever their input makes raise, and syncs never race
(issue 9, findings 10 and 11): the inbox takes a genuine release after poison drops, an inbox
sync and a network sync at once install a release once, a failing housekeeping job is reported
once and retried, and a heartbeat is written while a sync hangs on a dripping store."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from p2f_player.app import Player, ScaledClock
from p2f_player.journal import Journal
from p2f_player.shell.inbox import Inbox
from p2f_player.sources import FolderSource, HttpSource
from p2f_player.store import Store
from p2f_player.sync import Syncer, SyncResult, load_playable, manifest_key
from tests.player.conftest import (
    NOW,
    SITE,
    HostileServer,
    Publisher,
    folder_put,
    hostile_url,
    wait_until,
)

# -- the inbox --------------------------------------------------------------------------------------


def drop(inbox: Path, key: str, plant: Any) -> None:
    """Put ``key`` in the inbox in one step, as a finished copy would."""
    target = inbox / key
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    plant(target)


def test_the_inbox_survives_poison_drops_and_takes_the_genuine_release(
    tmp_path: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    folder = tmp_path / "inbox"
    store = Store(tmp_path / "cache")
    events: list[tuple[str, Mapping[str, Any]]] = []
    inbox = Inbox(
        folder, SITE, store, keys[1], lambda: NOW, emit=lambda k, d: events.append((k, d))
    )
    inbox.quiet_s = 0.2

    def handled() -> int:  # one per drop: a sync that ended, or an error the inbox reported
        return sum(k == "sync" or (k == "error" and d.get("where") == "inbox") for k, d in events)

    signed_start = b'{"signatures": [], "signed": '
    poisons = {
        "a 5,000-digit integer": lambda p: p.write_bytes(
            signed_start + b'{"release": {"counter": 1' + b"0" * 5000 + b"}}}"
        ),
        "10,000-deep nesting": lambda p: p.write_bytes(
            signed_start + b"[" * 10_000 + b"]" * 10_000 + b"}"
        ),
        "a symlink to /dev/zero": lambda p: p.symlink_to("/dev/zero"),
        "a FIFO": lambda p: os.mkfifo(p),
    }
    inbox.start()
    try:
        for what, plant in poisons.items():
            before = handled()
            drop(folder, manifest_key(SITE), plant)
            wait_until(lambda n=before: handled() > n, f"the inbox to handle {what}")
            assert store.release("current") is None, what
        drop(folder, manifest_key(SITE), lambda p: p.unlink(missing_ok=True))
        Publisher(folder_put(folder), keys[0]).publish(1)  # objects first, manifest last
        wait_until(lambda: store.release("current") is not None, "the genuine release")
    finally:
        inbox.close()
    release = load_playable(Store(tmp_path / "cache"), keys[1])
    assert release is not None and release.document["release"]["counter"] == 1


# -- one sync at a time ---------------------------------------------------------------------------


def race(syncers: list[Syncer]) -> tuple[list[SyncResult], list[BaseException]]:
    """Start the syncers' ``sync_once`` at the same moment, each in its own thread."""
    results: list[SyncResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(syncers))

    def sync(syncer: Syncer) -> None:
        start.wait()
        try:
            results.append(syncer.sync_once(NOW))
        except BaseException as error:  # the race showed as FileNotFoundError
            errors.append(error)

    threads = [threading.Thread(target=sync, args=(s,)) for s in syncers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_an_inbox_sync_and_a_network_sync_at_once_install_the_release_once(
    tmp_path: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    inbox, network = tmp_path / "inbox", tmp_path / "network"
    to_inbox, to_network = folder_put(inbox), folder_put(network)

    def put_both(key: str, data: bytes) -> None:  # the same release on the stick and the store
        to_inbox(key, data)
        to_network(key, data)

    Publisher(put_both, keys[0]).publish(1)
    for trial in range(20):
        cache = tmp_path / f"cache-{trial}"
        store = Store(cache)
        results, errors = race(
            [Syncer(SITE, FolderSource(f), store, keys[1]) for f in (inbox, network)]
        )
        assert errors == [], f"trial {trial}"
        assert sorted(r.status for r in results) == ["unchanged", "updated"], f"trial {trial}"
        release = load_playable(Store(cache), keys[1])
        assert release is not None and release.document["release"]["counter"] == 1
        assert [p.name for p in (cache / "releases").iterdir()] == [release.name]
        assert list((cache / "objects" / ".partial").iterdir()) == []
        for entry in release.document["files"].values():
            assert (cache / "objects" / entry["sha256"]).stat().st_size == entry["size"]


# -- housekeeping ---------------------------------------------------------------------------------


class FailingSyncer(Syncer):
    """A syncer whose first ``failures`` polls raise what a bug or a parser limit would."""

    def __init__(self, *args: Any, failures: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.failures = failures
        self.calls = 0

    def sync_once(self, now: datetime) -> SyncResult:
        self.calls += 1
        if self.calls <= self.failures:
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return super().sync_once(now)


def player_with(tmp_path: Path, syncer: Syncer, keys: tuple[bytes, bytes, Path]) -> Player:
    return Player(
        site=SITE,
        device="gare-1",
        store=syncer.store,
        syncer=syncer,
        journal=Journal(syncer.store.root / "journal.sqlite", SITE, "gare-1"),
        telemetry=FolderSource(tmp_path / "telemetry"),
        public_key=keys[1],
        clock=ScaledClock(NOW, 1.0),
        retry_base_s=0.01,
        retry_cap_s=0.05,
        heartbeat_interval_s=3600,
    )


def journaled(cache: Path, kind: str) -> list[dict[str, Any]]:
    with sqlite3.connect(cache / "journal.sqlite") as db:
        rows = db.execute("SELECT data FROM events WHERE kind = ? ORDER BY seq", (kind,))
        return [json.loads(row[0]) for row in rows]


def test_a_failing_sync_is_reported_once_and_retried_until_it_works(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], folder_publisher: Publisher, bucket_root: Path
) -> None:
    folder_publisher.publish(1)
    store = Store(tmp_path / "cache")
    syncer = FailingSyncer(SITE, FolderSource(bucket_root), store, keys[1], failures=3)
    player = player_with(tmp_path, syncer, keys)
    runner = threading.Thread(target=player.run)
    runner.start()
    try:
        wait_until(lambda: store.release("current") is not None, "the release after the errors")
    finally:
        player.stop.set()
        runner.join()
    errors = [e for e in journaled(store.root, "error") if e["where"] == "sync"]
    assert len(errors) == 1 and "ValueError: Exceeds the limit" in errors[0]["reason"]
    assert syncer.calls >= 4


def test_a_heartbeat_is_written_while_a_sync_hangs_on_a_dripping_store(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], hostile_server: HostileServer
) -> None:
    store = Store(tmp_path / "cache")
    source = HttpSource(hostile_url(hostile_server), deadline_s=3600)  # held for the whole test
    player = player_with(tmp_path, Syncer(SITE, source, store, keys[1]), keys)
    runner = threading.Thread(target=player.run)
    runner.start()
    try:
        wait_until(hostile_server.answered.is_set, "the sync to reach the store")
        wait_until((store.root / "heartbeat.json").exists, "a heartbeat")
        assert player.status.last_sync is None  # the sync is still hanging
        assert (tmp_path / "telemetry" / "telemetry" / SITE / "gare-1" / "heartbeat.json").exists()
    finally:
        player.stop.set()
        hostile_server.stopping.set()  # the drip ends: the sync gets a cut transfer and returns
        runner.join()
    assert journaled(store.root, "heartbeat")


def test_the_inbox_thread_lives_on_after_its_sync_raises(
    tmp_path: Path, keys: tuple[bytes, bytes, Path]
) -> None:
    folder = tmp_path / "inbox"
    store = Store(tmp_path / "cache")
    events: list[tuple[str, Mapping[str, Any]]] = []
    emit = lambda kind, data: events.append((kind, data))  # noqa: E731
    inbox = Inbox(folder, SITE, store, keys[1], lambda: NOW, emit=emit, quiet_s=0.2)
    # what a bug or a parser limit would raise, twice (the same error), then a working sync
    syncer = FailingSyncer(SITE, FolderSource(folder), store, keys[1], emit=emit, failures=2)
    inbox.syncer = syncer
    Publisher(folder_put(folder), keys[0]).publish(1)
    manifest = folder / manifest_key(SITE)
    inbox.start()
    try:
        for calls in (1, 2):
            wait_until(lambda n=calls: syncer.calls >= n, f"inbox sync {calls}")
            manifest.write_bytes(manifest.read_bytes())  # the technician copies it again
        wait_until(lambda: store.release("current") is not None, "the release")
    finally:
        inbox.close()
    reported = [d for k, d in events if k == "error" and d.get("where") == "inbox"]
    assert len(reported) == 1 and "ValueError: Exceeds the limit" in reported[0]["reason"]
