"""The I/O edge of the reports: bring a store's telemetry to a local folder, then into DuckDB.

The store is opened the way publishing opens it (``p2f_publish.stores.store_from_url``: a
folder, ``file:///PATH`` or ``s3://BUCKET/PREFIX`` with the standard AWS chain and
``AWS_ENDPOINT_URL``). A folder is read in place. S3 is *mirrored*: the telemetry keys are
listed and fetched with boto3 into a local cache folder, then DuckDB reads that folder. DuckDB's
own S3 reader (the ``httpfs`` extension) is downloaded from extensions.duckdb.org at first use
and is not on PyPI, so it cannot be relied on offline; the SQL is the same either way
(docs/office.md, "Scaling").

Only ``telemetry/`` is read, plus each site's public live manifest (``kiosk/<site>/
manifest.json``) for the fleet's "behind the live release" alarm: the report reader needs read
access to telemetry only (docs/policies/report-reader.json) and the manifests are public.
A batch is immutable (a re-send writes the same bytes to the same key), so a mirrored batch is
fetched once; heartbeats and screenshots are fetched again each time.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from p2f_office import daytables, queries
from p2f_office.layout import (
    COMPACTED_PREFIX,
    TELEMETRY_PREFIX,
    KeyInfo,
    classify,
    parse_compacted,
)
from p2f_player.contract import trust
from p2f_player.store import release_name
from p2f_publish.errors import NotFound, PublishError
from p2f_publish.layout import live_key
from p2f_publish.stores import LocalStore, Store, store_from_url


class ReportError(Exception):
    """The reports cannot run (store unreachable, bad option): say what to fix."""


@dataclass
class Telemetry:
    """What a store's telemetry folder holds, judged by key names (``layout.classify``)."""

    root: Path  # a local folder holding telemetry/...
    batches: list[KeyInfo] = field(default_factory=list)
    heartbeats: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    screenshots: dict[tuple[str, str], Path] = field(default_factory=dict)
    unexpected: list[tuple[str, str]] = field(default_factory=list)  # (key, why)
    live: dict[str, dict[str, Any]] = field(default_factory=dict)  # site -> manifest document
    compacted: dict[str, Path] = field(default_factory=dict)  # compacted key -> local file


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose spill files go to the system's temporary folder: by default
    DuckDB spills to ``.tmp/`` in the working directory, which is the repository when
    ``invoke report`` runs there (and is left behind when the process is killed)."""
    spill = Path(tempfile.gettempdir()) / "p2f-office-duckdb"
    spill.mkdir(exist_ok=True)
    return duckdb.connect(config={"temp_directory": str(spill)})


def open_store(url: str, default: Path) -> Store:
    try:
        return store_from_url(url, default)
    except PublishError as error:
        raise ReportError(str(error)) from None


def gather(store: Store, cache: Path) -> Telemetry:
    """List the store's telemetry and bring it to a local folder (the store's own, or
    ``cache`` for S3). Raises ``ReportError`` when the store cannot be read."""
    local = isinstance(store, LocalStore)
    root = store.root if isinstance(store, LocalStore) else cache
    try:
        keys = sorted(store.list_keys(TELEMETRY_PREFIX))
    except PublishError as error:
        raise ReportError(f"telemetry: {error}") from None
    found = Telemetry(root=root)
    for key in keys:
        info = classify(key)
        if info.kind == "unexpected":
            found.unexpected.append((key, "not a key the players write"))
            continue
        path = root / key
        if not local and (info.kind != "batch" or not path.exists()):
            _mirror(store, key, path)
        if info.kind == "batch":
            found.batches.append(info)
        elif info.kind == "screenshot":
            found.screenshots[(info.site, info.device)] = path
        else:
            _heartbeat(path, info, found)
    try:
        compacted = sorted(store.list_keys(COMPACTED_PREFIX))
    except PublishError as error:
        raise ReportError(f"compacted telemetry: {error}") from None
    for key in compacted:
        if key.endswith(".part") or parse_compacted(key) is None:
            found.unexpected.append((key, "not a file compaction writes"))
            continue
        path = root / key
        if not local:  # rewritten when a late batch is folded in: fetched each time
            _mirror(store, key, path)
        found.compacted[key] = path
    for site in sorted({b.site for b in found.batches} | {s for s, _ in found.heartbeats}):
        document = _live_manifest(store, site)
        if document is not None:
            found.live[site] = document
    return found


def _mirror(store: Store, key: str, path: Path) -> None:
    try:
        data = store.get(key)
    except PublishError as error:
        raise ReportError(f"telemetry: {error}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # a half-fetched batch is never read as a whole one


def _heartbeat(path: Path, info: KeyInfo, found: Telemetry) -> None:
    try:
        document = json.loads(path.read_bytes())
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as error:
        found.unexpected.append((info.key, f"heartbeat unreadable: {error}"))
        return
    if document.get("site") != info.site or document.get("device") != info.device:
        found.unexpected.append((info.key, "heartbeat of another device (outside its prefix)"))
        return
    found.heartbeats[(info.site, info.device)] = document


def _live_manifest(store: Store, site: str) -> dict[str, Any] | None:
    """The site's live manifest document (not verified: it only names the live release)."""
    try:
        document, _ = trust.open_envelope(store.get(live_key(site)))
    except (NotFound, PublishError, ValueError):
        return None  # never published, or unreadable: the fleet shows "unknown"
    return document


def _compacted_files(telemetry: Telemetry, table: str) -> list[str]:
    return [
        str(path)
        for key, path in sorted(telemetry.compacted.items())
        if (info := parse_compacted(key)) is not None and info.table == table
    ]


def _check_days(con: duckdb.DuckDBPyConnection, telemetry: Telemetry) -> None:
    """Every compacted day has all its tables, written by the same compaction run; a day
    compacted before the derived tables existed, or cut between two uploads, must be
    compacted again (``compact`` does it) before it is read."""
    tables: dict[str, set[str]] = {}  # "<day>" -> its tables
    day_of: dict[str, str] = {}  # local file -> "<day>"
    for key, path in telemetry.compacted.items():
        info = parse_compacted(key)
        if info is not None and not info.anomalies:
            day = f"{COMPACTED_PREFIX}{info.day.isoformat()}"
            tables.setdefault(day, set()).add(info.table)
            day_of[str(path)] = day
    wanted = {"events", *daytables.TABLES}
    runs: dict[str, set[bytes]] = {}
    if day_of:
        for name, run in con.execute(daytables.RUNS, {"files": sorted(day_of)}).fetchall():
            runs.setdefault(day_of[name], set()).add(run)
    for day in sorted(tables):
        if tables[day] != wanted or len(runs.get(day, ())) != 1:
            missing = ", ".join(sorted(wanted - tables[day])) or "nothing"
            raise ReportError(
                f"{day}: its files are not from one compaction run ({missing} missing): "
                "run `p2f-office compact` to write the day again"
            )


def read_batches(con: duckdb.DuckDBPyConnection, telemetry: Telemetry) -> list[KeyInfo]:
    """Check every batch not yet compacted into ``checked`` (one row per line); return those
    batches. A batch is compacted when its key is in a compacted day's events or sidecar."""
    con.execute(f"SET TimeZone = '{queries.TIMEZONE}'")
    files = _compacted_files(telemetry, "events") + _compacted_files(telemetry, "anomalies")
    done: set[str] = set()
    if files:
        done = {key for (key,) in con.execute(queries.COMPACTED_KEYS, {"files": files}).fetchall()}
    pending = [batch for batch in telemetry.batches if batch.key not in done]
    columns: dict[str, list[Any]] = {
        "path": [],
        "key": [],
        "key_site": [],
        "key_device": [],
        "first_seq": [],
        "last_seq": [],
    }
    for batch in pending:
        columns["path"].append(str(telemetry.root / batch.key))
        columns["key"].append(batch.key)
        columns["key_site"].append(batch.site)
        columns["key_device"].append(batch.device)
        columns["first_seq"].append(batch.first_seq)
        columns["last_seq"].append(batch.last_seq)
    con.execute(queries.BATCH_FILES, columns)
    if pending:
        con.execute(queries.LINES, {"paths": columns["path"]})
    else:
        con.execute(queries.NO_LINES)
    con.execute(
        queries.CHECKED,
        {"kinds": list(queries.EVENT_KINDS), "fields": json.dumps(queries.FIELDS)},
    )
    return pending


# Compacted events up to this many rows are read into memory once instead of through views.
# 0: never. Measured on the 12-screen year (docs/office.md): views load in 2.3 s and every
# report takes about a second; copying events and plays into memory took 36 s more.
MATERIALISE_ROWS = 0


def load(
    con: duckdb.DuckDBPyConnection, telemetry: Telemetry, materialise_rows: int = MATERIALISE_ROWS
) -> None:
    """Load every batch: ``events`` (de-duplicated on ``(device, seq)``), ``plays``,
    ``touches``, ``handoffs`` (the compacted days' Parquet files plus the JSONL batches not yet
    compacted, ``p2f_office.daytables``: views over the files, or read into memory when the
    compacted days hold at most ``materialise_rows`` events), every problem into ``anomalies``,
    then the other derived tables (``queries.DERIVED``). Only the JSONL rows are de-duplicated,
    against each other and the compacted rows of the same ``(device, seq)``: a late batch for
    a compacted day counts once, before the next compaction folds it in.

    Raises:
        ReportError: a compacted day is incomplete (run ``compact`` again).
    """
    con.execute("SET parquet_metadata_cache = true")  # each view reads the footers once
    _check_days(con, telemetry)
    read_batches(con, telemetry)
    events = _compacted_files(telemetry, "events")
    if events and _has_good_rows(con):
        con.execute(daytables.COMPACTED_COPIES, {"files": events})
    else:
        con.execute(daytables.NO_COMPACTED_COPIES)
    con.execute(daytables.ALL_CHECKED)
    con.execute(queries.COPIES)
    con.execute(daytables.PENDING_EVENTS)
    con.execute(daytables.DROPPED)
    dropped = _has_rows(con, "dropped")
    rows = con.execute(daytables.ROWS, {"files": events}).fetchone() if events else (0,)
    kind = "TABLE" if rows is not None and rows[0] <= materialise_rows else "VIEW"
    con.execute(daytables.events_view(events, dropped, kind))
    for name in daytables.PER_DAY:
        con.execute(daytables.pending_table(name))
        con.execute(daytables.table_view(name, _compacted_files(telemetry, name), dropped, kind))
    con.execute(daytables.spans_view(_compacted_files(telemetry, "spans"), dropped, kind))
    con.execute(queries.ANOMALIES)
    if sidecars := _compacted_files(telemetry, "anomalies"):
        con.execute(queries.ADD_COMPACTED_ANOMALIES, {"files": sidecars})
    for key, why in telemetry.unexpected:
        con.execute(queries.ADD_ANOMALY, ["unexpected key", key, 0, why])
    for statement in queries.DERIVED:
        con.execute(statement)
    _load_fleet(con, telemetry)


def _has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute(f"SELECT EXISTS (FROM {table})").fetchone() == (True,)


def _has_good_rows(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT EXISTS (FROM checked WHERE problem IS NULL)").fetchone() == (True,)


def _load_fleet(con: duckdb.DuckDBPyConnection, telemetry: Telemetry) -> None:
    rows = []
    for (site, device), doc in sorted(telemetry.heartbeats.items()):
        last_sync = doc.get("last_sync")
        sync: Mapping[str, Any] = last_sync if isinstance(last_sync, Mapping) else {}
        rows.append(
            [
                site,
                device,
                str(doc.get("at") or ""),
                _text(doc.get("release")),
                _text(sync.get("status")),
                _text(sync.get("reason")),
                doc.get("disk_free_bytes") if isinstance(doc.get("disk_free_bytes"), int) else None,
                "; ".join(str(e) for e in (doc.get("errors") or [])[-3:])[:500],
            ]
        )
    con.execute(queries.HEARTBEAT_DOCS)
    if rows:
        con.executemany(queries.ADD_HEARTBEAT_DOC, rows)
    live = []
    for site, doc in sorted(telemetry.live.items()):
        try:
            live.append([site, release_name(doc)])  # named as the player names it
        except (KeyError, TypeError, ValueError):
            continue  # a manifest without a release: "unknown"
    con.execute(queries.LIVE_RELEASES)
    if live:
        con.executemany(queries.ADD_LIVE_RELEASE, live)


def _text(value: object) -> str | None:
    return None if value is None else str(value)[:200]
