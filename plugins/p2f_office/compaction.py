"""Per-day Parquet compaction of the screens' telemetry (docs/office.md, "Scaling").

A year of JSONL batches takes minutes to parse; the same events as Parquet load in seconds.
``compact`` turns the batches of *closed* days (a day is closed once it is ``grace_days`` old:
a screen may still upload its backlog before that) into Parquet files per local day (every
site in them) under the store's private ``telemetry-compacted/<day>.parquet``, with the rows the
loader's checks keep (``queries.CHECKED``), de-duplicated on ``(device, seq)`` by the loader's
own rule (the first copy by batch key and line). What compaction finds wrong (duplicates,
conflicting copies, lines that do not parse...) goes into ``<day>.anomalies.parquet`` next to
it, so the report still shows it; next to them too, the tables the reports read, derived from
the day's events (``p2f_office.daytables``: plays, touches, hand-offs, spans), all of a day's
files carrying one ``run`` id. A batch with anomalies but no good event has no day: it stays
JSONL and is checked again by every report.

Which batches are compacted is read from the Parquet files themselves (their ``key`` column):
the loader reads a batch as JSONL unless its key is in a compacted file, and de-duplicates only
those JSONL rows against the compacted ones, so a late batch for a compacted day is counted
right away and ``compact`` folds it into its day on the next run (the day's files are rewritten
with the old rows and the new ones, and so is the day of any other copy of its events).
Batch keys are immutable (a re-send writes the same key), so keys, not timestamps, decide.
Running ``compact`` again with nothing new writes nothing (idempotent). A batch is compacted
only when all its good events are on closed days, so no batch is ever half in Parquet.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from p2f_office import daytables, queries
from p2f_office.layout import COMPACTED_PREFIX, KeyInfo, file_key, parse_compacted
from p2f_office.loader import ReportError, Telemetry, connect, read_batches
from p2f_publish.errors import PublishError
from p2f_publish.stores import LocalStore, Store

GRACE_DAYS = 2  # a day is closed once it is this many days old (backlogs arrive before)
# batches read per pass (~2 M events, a few GB in DuckDB): a year read at once held every
# line in memory and was killed (19 GB) on a 23 GB machine
CHUNK_BATCHES = 4_000
CONTENT_TYPE = "application/vnd.apache.parquet"
CACHE_CONTROL = "private, no-store"


def last_closed_day(today: date, grace_days: int = GRACE_DAYS) -> date:
    """The newest day compaction may close on ``today`` (local)."""
    return today - timedelta(days=grace_days)


@dataclass(frozen=True)
class Compacted:
    days: int  # (site, day) pairs written (a day's files hold every site)
    batches: int  # batches folded in
    pending: int  # batches left as JSONL (open days, or no good event)


# The closed batches among those just read: every good event on a closed day, at least one.
_CLOSED = """
CREATE OR REPLACE TEMP TABLE closed AS
SELECT key, max(CAST(ts AS DATE)) AS home_day FROM checked
WHERE NOT from_parquet GROUP BY key
HAVING count(*) FILTER (WHERE problem IS NULL) > 0
   AND max(CAST(ts AS DATE)) FILTER (WHERE problem IS NULL) <= $last::DATE
"""

_AFFECTED = """
SELECT DISTINCT CAST(ts AS DATE) FROM checked
WHERE problem IS NULL AND NOT from_parquet AND key IN (SELECT key FROM closed)
ORDER BY ALL
"""

# The working set: the closed batches' rows and the compacted rows of the days they touch.
# the good (device, seq) of the closed batches, and the compacted days holding a copy of one
_NEW_IDS = """
CREATE OR REPLACE TEMP TABLE new_ids AS
SELECT DISTINCT device, seq FROM checked
WHERE problem IS NULL AND NOT from_parquet AND key IN (SELECT key FROM closed)
"""
_COPIES_ON_OTHER_DAYS = """
SELECT DISTINCT CAST(ts AS DATE) FROM read_parquet($files)
SEMI JOIN new_ids USING (device, seq)
"""

_WORK = """
CREATE OR REPLACE TEMP TABLE work AS
SELECT * FROM checked WHERE from_parquet OR key IN (SELECT key FROM closed)
"""

_WORK_COPIES = queries.COPIES_OF.format(table="work_copies", source="work")

_WINNERS = """
CREATE OR REPLACE TEMP TABLE winners AS
SELECT * EXCLUDE (from_parquet), CAST(ts AS DATE) AS _day FROM work AS w ANTI JOIN (
    SELECT w2.key, w2.line_no FROM work AS w2 JOIN work_copies USING (device, seq)
    WHERE w2.problem IS NULL AND w2.key || '#' || lpad(w2.line_no::VARCHAR, 9, '0') <> first_copy
) AS later USING (key, line_no)
WHERE w.problem IS NULL
ORDER BY _day, device, seq  -- one day's rows together: each COPY reads its own
"""

# Anomalies by day: a loser on its event's day, a bad line on its batch's home day.
_NEW_ANOMALIES = """
CREATE OR REPLACE TEMP TABLE new_anomalies AS
WITH bad AS (
    SELECT c.home_day AS day, w.problem, w.key, w.line_no, w.example
    FROM work AS w JOIN closed AS c USING (key) WHERE w.problem IS NOT NULL
    UNION ALL
    SELECT CAST(w.ts AS DATE),
           CASE WHEN k.conflicting
                THEN 'conflicting copy of (device, seq): the first copy is counted'
                ELSE 'duplicate (device, seq): counted once' END,
           w.key, w.line_no, w.device || ' seq ' || w.seq
    FROM work AS w JOIN work_copies AS k USING (device, seq)
    WHERE w.problem IS NULL AND w.key || '#' || lpad(w.line_no::VARCHAR, 9, '0') <> first_copy
)
SELECT day, problem AS kind, key, count(*)::BIGINT AS lines,
       min(line_no)::BIGINT AS first_line, arg_min(example, line_no) AS example
FROM bad GROUP BY ALL
"""


def compact(
    store: Store,
    telemetry: Telemetry,
    today: date,
    grace_days: int = GRACE_DAYS,
    chunk: int = CHUNK_BATCHES,
) -> Compacted:
    """Fold the batches of closed days into their days' Parquet files (see the module),
    ``chunk`` batches at a time, taken in time order (each device's oldest first). Each pass
    is a compaction of its own: a day two passes meet is written twice, never wrong."""
    ordered = _in_time_order(telemetry.batches)
    total = Compacted(0, 0, 0)
    for start in range(0, max(len(ordered), 1), chunk):
        done = _compact_pass(store, replace(telemetry, batches=ordered[start : start + chunk]),
                             today, grace_days)  # fmt: skip
        total = Compacted(
            total.days + done.days, total.batches + done.batches, total.pending + done.pending
        )
    return total


def _in_time_order(batches: list[KeyInfo]) -> list[KeyInfo]:
    """Every device's first batch, then every device's second...: a pass covers about the
    same days on every screen, so few days are met by two passes."""
    rank: dict[tuple[str, str], int] = {}
    ranked = []
    for batch in sorted(batches, key=lambda b: (b.site, b.device, b.first_seq, b.key)):
        n = rank[(batch.site, batch.device)] = rank.get((batch.site, batch.device), -1) + 1
        ranked.append((n, batch.site, batch.device, batch.first_seq, batch.key, batch))
    return [entry[-1] for entry in sorted(ranked, key=lambda entry: entry[:-1])]


def _compact_pass(store: Store, telemetry: Telemetry, today: date, grace_days: int) -> Compacted:
    con = connect()
    pending = read_batches(con, telemetry)
    con.execute(_CLOSED.replace("$last::DATE", f"DATE '{last_closed_day(today, grace_days)}'"))
    events = {
        info.day: str(path)
        for key, path in telemetry.compacted.items()
        if (info := parse_compacted(key)) is not None and info.table == "events"
    }
    affected = _affected(con, telemetry, events)
    closed = int((con.execute("SELECT count(*) FROM closed").fetchone() or [0])[0])
    if not affected:
        return Compacted(0, 0, len(pending))
    # the compacted rows of the affected days join the new ones, to be de-duplicated together
    if old := [events[day] for day in affected if day in events]:
        con.execute(
            "INSERT INTO checked BY NAME SELECT *, true AS from_parquet FROM read_parquet($f)",
            {"f": old},
        )  # only the affected days: few rows, copied
    con.execute(_WORK)
    con.execute(_WORK_COPIES)
    con.execute(_WINNERS)
    con.execute(_NEW_ANOMALIES)
    run = uuid.uuid4().hex  # every file of a day written now carries it (loader checks)
    site_days = con.execute("SELECT count(DISTINCT (key_site, _day)) FROM winners").fetchone()
    with tempfile.TemporaryDirectory(prefix="p2f-compact-") as scratch:
        files = _write_tables(con, Path(scratch), affected, run)
        for day in affected:
            _put_day(con, store, telemetry, Path(scratch), day, files)
    return Compacted(int(site_days[0]) if site_days else 0, closed, len(pending) - closed)


def _affected(
    con: duckdb.DuckDBPyConnection, telemetry: Telemetry, events: dict[date, str]
) -> list[date]:
    """The days to write: those of the new closed events, those holding a compacted copy of
    one of them (so a (device, seq) is never kept on two days), and the days whose files are
    incomplete (compacted before the derived tables existed, or cut between two uploads)."""
    days = {day for (day,) in con.execute(_AFFECTED).fetchall()}
    if events and days:
        con.execute(_NEW_IDS)
        rows = con.execute(_COPIES_ON_OTHER_DAYS, {"files": sorted(events.values())}).fetchall()
        days |= {day for (day,) in rows}
    tables: dict[date, set[str]] = {}
    for key in telemetry.compacted:
        info = parse_compacted(key)
        if info is not None and not info.anomalies:
            tables.setdefault(info.day, set()).add(info.table)
    days |= {day for day, names in tables.items() if names != {"events", *daytables.TABLES}}
    return sorted(days)


def _write_tables(
    con: duckdb.DuckDBPyConnection, scratch: Path, affected: list[date], run: str
) -> dict[tuple[str, date], Path]:
    """Every table of every affected day into ``scratch``, one partitioned COPY per table;
    a day without rows for a table gets an empty file (so a stale one is replaced)."""
    files: dict[tuple[str, date], Path] = {}
    extra = "_day AS _p_day, "
    selects = {"events": f"SELECT {extra}* EXCLUDE (_day) FROM winners"}
    selects |= {name: daytables.derived(name, "winners", extra) for name in daytables.TABLES}
    for table, select in selects.items():
        folder = scratch / table
        con.execute(
            f"COPY ({select} ORDER BY _p_day, {daytables.ORDER.get(table, 'device, ts')})"
            f" TO '{folder}' (FORMAT "
            f"parquet, COMPRESSION zstd, PARTITION_BY (_p_day), KV_METADATA "
            f"{{run: '{run}'}})"
        )
        for day in affected:
            part = folder / f"_p_day={day.isoformat()}"
            target = scratch / f"{day}.{table}.parquet"
            written = sorted(part.glob("*.parquet"))
            if len(written) == 1:
                written[0].rename(target)
            elif written:  # a partition split across files (many open partitions): one file
                _copy(con, "SELECT * FROM read_parquet($files, hive_partitioning = false)",
                      target, run, {"files": [str(w) for w in written]})  # fmt: skip
            else:  # no row of this table that day: an empty file replaces a stale one
                _copy(con, f"SELECT * EXCLUDE (_p_day) FROM ({select}) WHERE false",
                      target, run)  # fmt: skip
            files[(table, day)] = target
    return files


def _put_day(
    con: duckdb.DuckDBPyConnection,
    store: Store,
    telemetry: Telemetry,
    scratch: Path,
    day: date,
    files: dict[tuple[str, date], Path],
) -> None:
    """The day's tables, its events, then its anomalies (the old ones kept, the new added)."""
    sidecar_key = file_key(day, anomalies=True)
    new = (
        f"SELECT kind, key, lines, first_line, example FROM new_anomalies WHERE day = DATE '{day}'"
    )
    count = con.execute(f"SELECT count(*) FROM ({new})").fetchone()
    sidecar = None
    if count and count[0]:
        rows = new
        if sidecar_key in telemetry.compacted:
            rows += f" UNION ALL SELECT * FROM read_parquet('{telemetry.compacted[sidecar_key]}')"
        sidecar = scratch / f"{day}.anomalies.parquet"
        con.execute(
            f"COPY (SELECT kind, key, sum(lines)::BIGINT AS lines, "
            f"min(first_line)::BIGINT AS first_line, arg_min(example, first_line) AS example "
            f"FROM ({rows}) GROUP BY kind, key ORDER BY kind, key) "
            f"TO '{sidecar}' (FORMAT parquet)"
        )
    try:  # the derived tables, then the events: the events' keys say which batches are
        # compacted, and the loader refuses a day whose files are not from one run; a batch
        # only in a sidecar (all duplicates) is compacted, so the sidecar goes last (a failure
        # in between leaves it JSONL, read and de-duplicated again, never lost)
        for table in (*daytables.TABLES, "events"):
            _put(store, telemetry, file_key(day, table=table), files[(table, day)])
        if sidecar is not None:
            _put(store, telemetry, sidecar_key, sidecar)
    except PublishError as error:
        raise ReportError(f"compaction: {error}") from None


def _copy(
    con: duckdb.DuckDBPyConnection,
    select: str,
    target: Path,
    run: str,
    parameters: dict[str, Any] | None = None,
) -> None:
    con.execute(
        f"COPY ({select}) TO '{target}' "
        f"(FORMAT parquet, COMPRESSION zstd, KV_METADATA {{run: '{run}'}})",
        parameters or {},
    )


def _put(store: Store, telemetry: Telemetry, key: str, path: Path) -> None:
    """Upload, and keep the local copy the next pass reads (the store's own for a folder)."""
    store.put(key, path.read_bytes(), content_type=CONTENT_TYPE, cache_control=CACHE_CONTROL)
    local = telemetry.root / key
    if not isinstance(store, LocalStore):
        local.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, local)
    telemetry.compacted[key] = local


__all__ = ["COMPACTED_PREFIX", "GRACE_DAYS", "Compacted", "compact", "last_closed_day"]
