"""Per-day Parquet compaction: every figure is the same with and without it, including a late
batch for a compacted day, a duplicate batch and a garbage line; running it twice changes
nothing; the S3 store gets the same files under its private prefix."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from p2f_office import compaction, loader, reports
from p2f_office.cli import Options, run
from p2f_office.layout import COMPACTED_PREFIX, file_key
from p2f_player.contract.deeplinks import deep_link
from p2f_player.journal import Journal
from tests.player.conftest import admin_client, s3_server  # noqa: F401  (the session fixture)

FIRST = datetime(2026, 7, 10, 7, 0, tzinfo=UTC)  # 09:00 in Paris
TODAY = date(2026, 7, 14)  # closed: up to 12 July (two days' grace); 13 July stays open
TABLES = ("events", "anomalies", "plays", "touches", "handoffs", "screen_off", "device_days")


def journal(tmp_path: Path, site: str, device: str, days: int, start: datetime) -> dict[str, bytes]:
    """What the player's real ``Journal`` uploads: small batches, some across midnight."""
    log = Journal(tmp_path / f"{device}-{start:%d}.sqlite", site, device)
    for d in range(days):
        base = start + timedelta(days=d)
        log.append("screen", base, {"on": True, "until": None})
        for n in range(9):
            at = base + timedelta(minutes=50 * n)
            log.append(
                "slide",
                at,
                {"slide": "offre" if n % 3 == 0 else "plage", "lang": "fr",
                 "sponsor": "sncf" if n % 3 == 0 else None, "release": "00000001-r1",
                 "start": at.isoformat(), "end": (at + timedelta(seconds=15)).isoformat(),
                 "completed": True, "reason": "share"},
            )  # fmt: skip
        log.append("touch_session", base + timedelta(hours=3), {"seconds": 40, "pages": 2,
                   "lang": "en", "last": "phare", "end": "timeout"})  # fmt: skip
        log.append("nfc_tap", base + timedelta(hours=4), {"link": deep_link("offre", site)})
        log.append("screen", base + timedelta(hours=15), {"on": False, "until": None})
    out = {}
    while (batch := log.next_batch(size=7)) is not None:
        out[batch[0]] = batch[1]
        log.acknowledge(batch[0], start)
    log.close()
    return out


def write(folder: Path, files: dict[str, bytes]) -> None:
    for key, data in files.items():
        (folder / key).parent.mkdir(parents=True, exist_ok=True)
        (folder / key).write_bytes(data)


def figures(folder: Path, materialise_rows: int = loader.MATERIALISE_ROWS) -> dict[str, Any]:
    """Every loaded table and the audience report, as rows (the compacted days read through
    views, as by default, or copied into memory with a large ``materialise_rows``)."""
    con = duckdb.connect()
    store = loader.open_store(f"file://{folder}", folder)
    loader.load(con, loader.gather(store, folder), materialise_rows)
    out: dict[str, Any] = {t: con.execute(f"FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    out["audience"] = reports.audience(con, date(2026, 7, 1), date(2026, 7, 31))
    return out


def compact(folder: Path) -> compaction.Compacted:
    store = loader.open_store(f"file://{folder}", folder)
    return compaction.compact(store, loader.gather(store, folder), TODAY)


def keys_in(folder: Path, day: date, table: str = "events") -> set[str]:
    """The batch keys a compacted day's table holds."""
    path = folder / file_key(day, table=table)
    return {key for (key,) in duckdb.sql(f"SELECT DISTINCT key FROM '{path}'").fetchall()}


def parquet_keys(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted((folder / COMPACTED_PREFIX).rglob("*.parquet"))
    }


@pytest.fixture
def stores(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """Two identical stores (``plain`` never compacted) with four days of two screens, a
    batch with a garbage line and one from another device's folder."""
    files = {
        **journal(tmp_path, "gare", "gare", 4, FIRST),
        **journal(tmp_path, "port", "port-1", 4, FIRST + timedelta(minutes=7)),
    }
    bad_key, bad = next(iter(files.items()))
    files[bad_key] = bad + b"not json at all\n"
    plain, packed = tmp_path / "plain", tmp_path / "packed"
    write(plain, files)
    write(packed, files)
    return plain, packed, files


def test_compacted_days_give_the_very_same_figures(
    stores: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    plain, packed, files = stores
    before = figures(plain)
    done = compact(packed)
    assert done.days == 2 * 3  # two sites, 10-12 July; 13 July is open
    assert done.pending > 0  # the batches of 13 July (and the one across midnight) wait
    assert set(parquet_keys(packed)) >= {
        file_key(date(2026, 7, 10)),
        file_key(date(2026, 7, 10), anomalies=True),  # the garbage line
        file_key(date(2026, 7, 12)),
    }
    assert file_key(date(2026, 7, 13)) not in parquet_keys(packed)
    assert figures(packed) == before
    assert figures(packed, materialise_rows=10**9) == before
    assert ("line is not a JSON object", next(iter(files)), 1) in [
        row[:3] for row in before["anomalies"]
    ]


def test_compacting_twice_writes_nothing(stores: tuple[Path, Path, dict[str, bytes]]) -> None:
    _, packed, _ = stores
    compact(packed)
    written = parquet_keys(packed)
    again = compact(packed)
    assert (again.days, again.batches) == (0, 0)
    assert parquet_keys(packed) == written


def test_a_late_batch_and_a_duplicate_batch_count_once_before_and_after_recompaction(
    stores: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    plain, packed, files = stores
    compact(packed)
    old_day = parquet_keys(packed)[file_key(date(2026, 7, 10))]
    # a screen's backlog for 10 July arrives late, and a batch is uploaded again under
    # another name (the same events)
    late = journal(tmp_path, "gare", "gare-2", 1, FIRST + timedelta(minutes=3))
    key, data = next(iter(files.items()))
    first, _, _ = key.rpartition("/")[2].removesuffix(".jsonl").partition("-")
    copy_key = f"{key.rpartition('/')[0]}/{first}-{int(first) + 40:012d}.jsonl"
    for folder in (plain, packed):
        write(folder, {**late, copy_key: data})
    expected = figures(plain)
    assert any(row[0].startswith("duplicate") for row in expected["anomalies"])
    assert figures(packed) == expected  # the late batches read as JSONL, merged
    assert figures(packed, materialise_rows=10**9) == expected
    done = compact(packed)
    assert done.batches == len(late) + 1
    assert parquet_keys(packed)[file_key(date(2026, 7, 10))] != old_day
    assert figures(packed) == expected  # and the same once folded into their day
    # the backlog's last batch spans midnight: its events are on both days' files
    across = sorted(late)[-1]
    both = keys_in(packed, date(2026, 7, 10)) & keys_in(packed, date(2026, 7, 11))
    assert both & set(late) == {across}
    packed_store = loader.open_store(f"file://{packed}", packed)
    con = duckdb.connect()
    left = loader.read_batches(con, loader.gather(packed_store, packed))
    assert set(late).isdisjoint(b.key for b in left) and copy_key not in {b.key for b in left}


def test_the_report_compacts_first_and_the_s3_store_gets_the_files(
    stores: tuple[Path, Path, dict[str, bytes]],
    tmp_path: Path,
    s3_server: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain, _, files = stores
    client = admin_client(s3_server)
    client.create_bucket(Bucket="compact")
    for key, data in files.items():
        client.put_object(Bucket="compact", Key=f"p2f/{key}", Body=data)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    options = Options(
        store="s3://compact/p2f",
        content=Path("content"),
        out=tmp_path / "office",
        cache=tmp_path / "cache",
        since=date(2026, 7, 1),
        until=date(2026, 7, 31),
        as_of=datetime(2026, 7, 14, 10, tzinfo=UTC),
        campaign=None,
        silent_after=timedelta(minutes=10),
        command="compact",
        compact=True,
    )
    lines: list[str] = []

    class Out:
        def write(self, text: str) -> None:
            lines.append(text)

    assert run(options, Out()) == 0  # type: ignore[arg-type]
    listed = client.list_objects_v2(Bucket="compact", Prefix=f"p2f/{COMPACTED_PREFIX}")
    keys = {item["Key"] for item in listed["Contents"]}
    assert f"p2f/{file_key(date(2026, 7, 11))}" in keys
    assert "6 site-days" in "".join(lines)
    shutil.rmtree(tmp_path / "cache")
    store = loader.open_store("s3://compact/p2f", tmp_path)
    con = duckdb.connect()
    loader.load(con, loader.gather(store, tmp_path / "cache"))
    assert con.execute("FROM plays ORDER BY ALL").fetchall() == figures(plain)["plays"]


def reset_copy(
    files: dict[str, bytes], device_batch: int, at: datetime, name: tuple[int, int]
) -> dict[str, bytes]:
    """A journal reset on the screen: the first event of batch ``device_batch`` of ``gare``
    again, with the same (device, seq) but other content on another day, in a batch named
    ``<first>-<last>.jsonl`` from ``name`` (sorting before the original: the counted copy)."""
    key, data = sorted(k_v for k_v in files.items() if "/gare/gare/" in k_v[0])[device_batch]
    event = json.loads(data.splitlines()[0])
    event.update({"at": at.isoformat(), "slide": "reset"})
    if event["kind"] == "slide":
        event.update({"start": at.isoformat(), "end": (at + timedelta(seconds=9)).isoformat()})
    copy_key = f"{key.rpartition('/')[0]}/{name[0]:012d}-{name[1]:012d}.jsonl"
    return {copy_key: (json.dumps(event, sort_keys=True) + "\n").encode()}


def test_a_copy_of_a_compacted_event_on_another_day_is_counted_once_whichever_wins(
    stores: tuple[Path, Path, dict[str, bytes]],
) -> None:
    plain, packed, files = stores
    compact(packed)
    other_day = FIRST + timedelta(days=2, hours=1)  # 12 July, closed
    # batch 1 (seq 8-14): a copy of seq 8 named 7-8 sorts first and wins over the compacted
    # row; batch 2 (seq 15-21): a copy of seq 15 named 15-115 sorts after it and loses
    late = {**reset_copy(files, 1, other_day, (7, 8)), **reset_copy(files, 2, other_day, (15, 115))}
    for folder in (plain, packed):
        write(folder, late)
    expected = figures(plain)
    conflicts = [row for row in expected["anomalies"] if row[0].startswith("conflicting")]
    assert len(conflicts) == 2
    assert figures(packed) == expected  # the compacted loser left out of every view
    assert figures(packed, materialise_rows=10**9) == expected  # and of every copied table
    done = compact(packed)
    assert done.batches == 2
    assert figures(packed) == expected  # both days written again: one copy of each seq
    assert set(late) & keys_in(packed, date(2026, 7, 12)) == {min(late)}


def test_a_day_with_a_missing_table_is_refused_then_written_again(
    stores: tuple[Path, Path, dict[str, bytes]],
) -> None:
    plain, packed, _ = stores
    compact(packed)
    (packed / file_key(date(2026, 7, 11), table="touches")).unlink()
    with pytest.raises(loader.ReportError, match=r"/2026-07-11: .*touches missing.*compact"):
        figures(packed)
    done = compact(packed)
    assert (done.days, done.batches) == (2, 0)  # both sites of that day
    assert figures(packed) == figures(plain)


def test_the_reports_read_the_compacted_days_through_views(
    stores: tuple[Path, Path, dict[str, bytes]],
) -> None:
    _, packed, _ = stores
    compact(packed)
    con = duckdb.connect()
    store = loader.open_store(f"file://{packed}", packed)
    loader.load(con, loader.gather(store, packed))  # views, by default
    kinds = dict(
        con.execute(
            "SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN "
            "('events', 'plays', 'touches', 'handoffs')"
        ).fetchall()
    )
    assert kinds == dict.fromkeys(("events", "plays", "touches", "handoffs"), "VIEW")
    # device_days from each day's stored first and last events, not from every event
    (spans,) = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'spans'").fetchone()
    assert ".spans.parquet" in spans and "FROM events" not in spans
    # only the open day's JSONL rows are in memory; nothing compacted was copied
    pending = con.execute("SELECT DISTINCT CAST(ts AS DATE) FROM pending_events").fetchall()
    assert min(day for (day,) in pending) == date(2026, 7, 12)  # in a batch with 13 July
    assert con.execute("SELECT count(*) FROM compacted_copies").fetchone() == (0,)


def test_compacting_a_few_batches_per_pass_gives_the_same_figures(
    stores: tuple[Path, Path, dict[str, bytes]],
) -> None:
    plain, packed, _ = stores
    store = loader.open_store(f"file://{packed}", packed)
    done = compaction.compact(store, loader.gather(store, packed), TODAY, chunk=3)
    assert done.days > 2 * 3  # days met by two passes are written again
    assert figures(packed) == figures(plain)
    again = compaction.compact(store, loader.gather(store, packed), TODAY, chunk=3)
    assert (again.days, again.batches) == (0, 0)
