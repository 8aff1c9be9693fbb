"""Proof of play: an append-only SQLite journal (WAL) and its idempotent upload.

Every event (slide shown, touch session, NFC tap, QR shown, sync, error, heartbeat) is
appended here *before* anything is sent, with the device's own sequence number (``seq``,
never reused). Upload goes in batches: a batch is a fixed range of ``seq`` written down
before the first attempt, so every retry sends the same bytes to the same key::

    telemetry/<site>/<device>/events/<first seq:012d>-<last seq:012d>.jsonl

Re-sending overwrites the same object with the same content: a report that reads every
object and counts distinct ``(device, seq)`` never double-counts. Rows stay until their batch
is acknowledged. The journal is bounded (``max_rows``): acknowledged rows go first, oldest
first; if unsent rows alone exceed the bound (weeks offline, or a full disk), the oldest are
folded into one ``aggregate`` event of counts per hour, kind and slide — never silently dropped.

It does not decide when to upload: the player loop does, with backoff on ``TransportError``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from p2f_player.sources import Source

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,
    batch INTEGER REFERENCES batches(id));
CREATE INDEX IF NOT EXISTS events_batch ON events(batch);
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
    key TEXT NOT NULL, acked_at TEXT);
"""
EVENT_KINDS = (
    "slide",
    "touch_session",
    "nfc_tap",
    "qr_shown",
    "sync",
    "release_refused",
    "error",
    "heartbeat",
    "aggregate",
    "start",
    "screen",  # the kiosk's screen going off (veille) or on by the site's screen_hours
)


class Journal:
    def __init__(self, path: Path, site: str, device: str, max_rows: int = 200_000) -> None:
        self.site, self.device, self.max_rows = site, device, max_rows
        self._lock = threading.RLock()  # the slide loop and the upload thread share it
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across power cuts
        self._db.executescript(SCHEMA)
        self.unrecorded: dict[str, int] = {}  # events that met a full disk, reported by heartbeat

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def append(self, kind: str, at: datetime, data: Mapping[str, Any] | None = None) -> int | None:
        """Journal one event; return its sequence number (``None`` if the disk is full)."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r} (known: {', '.join(EVENT_KINDS)})")
        body = json.dumps(data or {}, sort_keys=True, separators=(",", ":"))
        with self._lock:
            try:
                cursor = self._db.execute(
                    "INSERT INTO events(at, kind, data) VALUES (?, ?, ?)",
                    (at.isoformat(), kind, body),
                )
            except sqlite3.OperationalError as error:
                if "full" not in str(error):
                    raise
                # The disk is full: count it, free what was already sent, fold on next prune.
                self.unrecorded[kind] = self.unrecorded.get(kind, 0) + 1
                self._prune_acked(0)
                return None
            seq = cursor.lastrowid
        if self.unrecorded:
            self._flush_unrecorded(at)
        return seq

    def _flush_unrecorded(self, at: datetime) -> None:
        counts, self.unrecorded = self.unrecorded, {}
        self.append("aggregate", at, {"reason": "disk full", "counts": counts})

    # -- upload ------------------------------------------------------------------------------

    def next_batch(self, size: int = 500) -> tuple[str, bytes] | None:
        """The oldest unacknowledged batch as ``(key, body)``; forms one if none is pending."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, key FROM batches WHERE acked_at IS NULL ORDER BY id LIMIT 1"
            ).fetchone()
            if row is None:
                rows = self._db.execute(
                    "SELECT seq FROM events WHERE batch IS NULL ORDER BY seq LIMIT ?", (size,)
                ).fetchall()
                if not rows:
                    return None
                first, last = rows[0][0], rows[-1][0]
                key = f"telemetry/{self.site}/{self.device}/events/{first:012d}-{last:012d}.jsonl"
                self._db.execute("BEGIN IMMEDIATE")
                cursor = self._db.execute(
                    "INSERT INTO batches(first_seq, last_seq, key) VALUES (?, ?, ?)",
                    (first, last, key),
                )
                self._db.execute(
                    "UPDATE events SET batch = ? WHERE batch IS NULL AND seq BETWEEN ? AND ?",
                    (cursor.lastrowid, first, last),
                )
                self._db.execute("COMMIT")
                row = (cursor.lastrowid, key)
            events = self._db.execute(
                "SELECT seq, at, kind, data FROM events WHERE batch = ? ORDER BY seq", (row[0],)
            ).fetchall()
        lines = [
            json.dumps(
                {
                    "device": self.device,
                    "site": self.site,
                    "seq": seq,
                    "at": at,
                    "kind": kind,
                    **json.loads(data),
                },
                sort_keys=True,
                ensure_ascii=False,
            )
            for seq, at, kind, data in events
        ]
        return row[1], ("\n".join(lines) + "\n").encode()

    def acknowledge(self, key: str, at: datetime) -> None:
        with self._lock:
            self._db.execute("UPDATE batches SET acked_at = ? WHERE key = ?", (at.isoformat(), key))

    def upload(self, target: Source, at: datetime, max_batches: int = 20) -> int:
        """Send pending batches; return how many were acknowledged. A ``TransportError``
        propagates after the batches already sent are acknowledged."""
        sent = 0
        while sent < max_batches:
            batch = self.next_batch()
            if batch is None:
                break
            target.put(*batch)
            self.acknowledge(batch[0], at)
            sent += 1
        return sent

    # -- bounds ------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        with self._lock:
            total, unsent = self._db.execute(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE batch IS NULL OR batch IN "
                "(SELECT id FROM batches WHERE acked_at IS NULL)) FROM events"
            ).fetchone()
        return {"rows": total, "unsent": unsent, "unrecorded": sum(self.unrecorded.values())}

    def prune(self, at: datetime) -> None:
        """Keep at most ``max_rows``: drop acknowledged rows first, then fold unsent ones."""
        self._prune_acked(self.max_rows)
        with self._lock:
            total = self._db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            excess = total - self.max_rows
            if excess <= 0:
                return
            # Fold the oldest unbatched rows (plus room for the aggregate row itself).
            rows = self._db.execute(
                "SELECT seq, at, kind, data FROM events WHERE batch IS NULL ORDER BY seq LIMIT ?",
                (excess + 1,),
            ).fetchall()
            if len(rows) < 2:
                return
            counts: dict[str, dict[str, int]] = {}
            for _seq, when, kind, data in rows:
                slide = json.loads(data).get("slide", "")
                bucket = f"{when[:13]}|{kind}|{slide}"
                counts.setdefault(bucket, {"count": 0})["count"] += 1
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "DELETE FROM events WHERE seq BETWEEN ? AND ? AND batch IS NULL",
                (rows[0][0], rows[-1][0]),
            )
            self._db.execute(
                "INSERT INTO events(at, kind, data) VALUES (?, 'aggregate', ?)",
                (
                    at.isoformat(),
                    json.dumps(
                        {
                            "reason": "journal bound",
                            "folded_seq": [rows[0][0], rows[-1][0]],
                            "counts": counts,
                        },
                        sort_keys=True,
                    ),
                ),
            )
            self._db.execute("COMMIT")

    def _prune_acked(self, keep: int) -> None:
        with self._lock:
            total = self._db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            excess = total - keep
            if excess <= 0:
                return
            self._db.execute(
                "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE batch IN "
                "(SELECT id FROM batches WHERE acked_at IS NOT NULL) ORDER BY seq LIMIT ?)",
                (excess,),
            )
            self._db.execute(
                "DELETE FROM batches WHERE acked_at IS NOT NULL AND id NOT IN "
                "(SELECT DISTINCT batch FROM events WHERE batch IS NOT NULL)"
            )
