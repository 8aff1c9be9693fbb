"""The proof-of-play journal: sequence, append before send, idempotent batches, upload retried
after the store comes back (real S3 server stopped and restarted) with no duplicate, bounds."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from p2f_player.errors import TransportError
from p2f_player.journal import Journal
from p2f_player.sources import FolderSource, S3Source
from tests.player.conftest import NOW, admin_client


def fill(journal: Journal, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        journal.append(
            "slide", NOW + timedelta(seconds=10 * i), {"slide": f"s{i % 3}", "completed": True}
        )


def uploaded_seqs(root: Path) -> list[int]:
    seqs = []
    for path in sorted((root / "telemetry").rglob("*.jsonl")):
        seqs += [json.loads(line)["seq"] for line in path.read_text().splitlines()]
    return seqs


def test_sequence_is_per_device_and_survives_reopening(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite", "gare", "gare-1")
    fill(journal, 3)
    journal.close()
    journal = Journal(tmp_path / "j.sqlite", "gare", "gare-1")
    assert journal.append("nfc_tap", NOW, {"slide": "s1"}) == 4
    assert (
        sqlite3.connect(tmp_path / "j.sqlite").execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    )
    with pytest.raises(ValueError, match="unknown event kind"):
        journal.append("slid", NOW)


class FlakyTarget:
    """A store whose connection drops: before the request, or after the server stored it
    (the acknowledgement is lost). Scripted, and it fails loudly on anything else."""

    def __init__(self, inner: FolderSource, script: list[str]) -> None:
        self.inner, self.script = inner, script

    def put(self, key: str, data: bytes) -> None:
        step = self.script.pop(0)
        if step == "down":
            raise TransportError("connection refused")
        self.inner.put(key, data)
        if step == "lost-ack":
            raise TransportError("connection reset after the upload")
        assert step == "ok", step

    def fetch(self, key: str, etag: str | None = None) -> Any:
        raise AssertionError("the journal never reads")

    def describe(self) -> str:
        return "flaky"


def test_batches_are_idempotent_when_acks_are_lost(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite", "gare", "gare-1")
    fill(journal, 700)
    target = FlakyTarget(FolderSource(tmp_path / "bucket"), ["down", "lost-ack", "ok", "ok"])
    for _ in range(2):
        with pytest.raises(TransportError):
            journal.upload(target, NOW)
    fill(journal, 50, start=700)  # new events while the batch was pending do not change it
    assert journal.upload(target, NOW) == 2
    seqs = uploaded_seqs(tmp_path / "bucket")
    assert sorted(seqs) == list(range(1, 751))  # every event, once
    keys = sorted(p.name for p in (tmp_path / "bucket").rglob("*.jsonl"))
    assert keys == ["000000000001-000000000500.jsonl", "000000000501-000000000750.jsonl"]


def test_upload_retried_after_the_s3_server_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.server import ThreadedMotoServer

    # telemetry needs a write key (scoped to telemetry/ in production); moto does not check it
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "kiosk-gare")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "kiosk-gare-secret")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    port = server._server.server_port  # type: ignore[union-attr]
    endpoint = f"http://127.0.0.1:{port}"
    bucket = f"p2f-{uuid.uuid4().hex[:12]}"
    admin = admin_client(endpoint)
    admin.create_bucket(Bucket=bucket)
    target = S3Source(bucket, "p2f", endpoint)
    journal = Journal(tmp_path / "j.sqlite", "gare", "gare-1")
    fill(journal, 300)
    assert journal.upload(target, NOW) == 1
    server.stop()
    fill(journal, 300, start=300)
    with pytest.raises(TransportError):
        journal.upload(target, NOW)
    assert journal.counts()["unsent"] == 300  # kept until acknowledged
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        assert journal.upload(target, NOW) == 1
        assert journal.upload(target, NOW) == 0
        seqs = []
        listing = admin.list_objects_v2(Bucket=bucket, Prefix="p2f/telemetry/gare/gare-1/events/")
        for item in listing["Contents"]:
            body = admin.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().decode()
            seqs += [json.loads(line)["seq"] for line in body.splitlines()]
        assert sorted(seqs) == list(range(1, 601))
    finally:
        server.stop()


def test_bound_prunes_sent_rows_first_then_folds_unsent_ones(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite", "gare", "gare-1", max_rows=100)
    fill(journal, 80)
    journal.upload(FolderSource(tmp_path / "bucket"), NOW)
    fill(journal, 80, start=80)
    journal.prune(NOW)
    counts = journal.counts()
    assert counts["rows"] <= 100 and counts["unsent"] == 80  # sent rows went, unsent stayed
    fill(journal, 150, start=160)  # weeks offline: unsent alone exceed the bound
    journal.prune(NOW)
    assert journal.counts()["rows"] <= 100
    journal.upload(FolderSource(tmp_path / "bucket"), NOW)
    shown = 0
    for path in (tmp_path / "bucket").rglob("*.jsonl"):
        for line in path.read_text().splitlines():
            event = json.loads(line)
            if event["kind"] == "slide":
                shown += 1
            elif event["kind"] == "aggregate":
                shown += sum(c["count"] for c in event["counts"].values())
    assert shown == 310  # folded into counts, never silently dropped


def test_full_disk_counts_events_and_writes_them_as_an_aggregate(tmp_path: Path) -> None:
    """SQLite's own "database or disk is full" (SQLITE_FULL), raised by capping the database's
    page count: the same error a full filesystem gives, at the real edge."""
    journal = Journal(tmp_path / "j.sqlite", "gare", "gare-1")
    fill(journal, 20)
    db = journal._db  # the journal's own connection: max_page_count is per connection
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    results = [journal.append("nfc_tap", NOW, {"slide": f"s{i}"}) for i in range(300)]
    lost_to_full_disk = results.count(None)
    assert lost_to_full_disk > 0
    assert journal.counts()["unrecorded"] == lost_to_full_disk
    # space comes back: the next append writes the counts as one aggregate event
    db.execute("PRAGMA max_page_count = 1073741823")
    assert journal.append("heartbeat", NOW) is not None
    assert journal.counts()["unrecorded"] == 0
    rows = db.execute("SELECT kind, data FROM events WHERE kind = 'aggregate'").fetchall()
    assert len(rows) == 1
    folded = json.loads(rows[0][1])
    assert folded["reason"] == "disk full"
    assert folded["counts"] == {"nfc_tap": lost_to_full_disk}
    recorded_taps = db.execute("SELECT COUNT(*) FROM events WHERE kind = 'nfc_tap'").fetchone()[0]
    assert recorded_taps + folded["counts"]["nfc_tap"] == 300
    journal.close()
