"""The reader's side of the store: the key layout comes from the player's own code, S3 (the real
moto server over HTTP) gives the same figures as a folder, and the fleet's alarms."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from p2f_office import loader, reports
from p2f_office.layout import classify
from p2f_player.heartbeat import heartbeat_key
from p2f_player.journal import Journal
from tests.player.conftest import admin_client, s3_server  # noqa: F401  (the session fixture)

NOW = datetime(2026, 7, 14, 10, 0, tzinfo=UTC)


def journal_batches(tmp_path: Path, site: str, device: str, plays: int) -> dict[str, bytes]:
    """Batches written by the player's real ``Journal``: what a screen uploads."""
    journal = Journal(tmp_path / f"{device}.sqlite", site, device)
    for n in range(plays):
        start = NOW + timedelta(seconds=10 * n)
        journal.append(
            "slide",
            start,
            {"slide": "offre", "sponsor": "sncf" if n % 4 == 0 else None, "lang": "fr",
             "start": start.isoformat(), "end": (start + timedelta(seconds=10)).isoformat(),
             "completed": True, "release": "00000001-r1", "reason": "share"},
        )  # fmt: skip
    out = {}
    while (batch := journal.next_batch(size=7)) is not None:
        out[batch[0]] = batch[1]
        journal.acknowledge(batch[0], NOW)
    journal.close()
    return out


def test_keys_the_player_writes_are_read_as_the_player_names_them(tmp_path: Path) -> None:
    for key in journal_batches(tmp_path, "gare", "gare-2", 3):
        info = classify(key)
        assert (info.kind, info.site, info.device) == ("batch", "gare", "gare-2")
    assert classify(heartbeat_key("gare", "gare-2")).kind == "heartbeat"
    assert classify("telemetry/gare/events/1-2.jsonl").kind == "unexpected"
    assert classify("telemetry/gare/gare/events/000000000009-000000000002.jsonl").kind == (
        "unexpected"
    )


def figures(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT site, device, count(*), sum(seconds), count(*) FILTER (WHERE sponsor = 'sncf') "
        "FROM plays GROUP BY ALL ORDER BY ALL"
    ).fetchall()


def test_an_s3_store_gives_the_figures_of_the_same_files_in_a_folder(
    tmp_path: Path,
    s3_server: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = {
        **journal_batches(tmp_path, "gare", "gare", 30),
        **journal_batches(tmp_path, "port", "port-1", 12),
        heartbeat_key("gare", "gare"): json.dumps(
            {"site": "gare", "device": "gare", "at": NOW.isoformat(), "release": "00000001-r1"}
        ).encode(),
    }
    folder = tmp_path / "folder"
    client = admin_client(s3_server)
    client.create_bucket(Bucket="office")
    for key, data in files.items():
        (folder / key).parent.mkdir(parents=True, exist_ok=True)
        (folder / key).write_bytes(data)
        client.put_object(Bucket="office", Key=f"p2f/{key}", Body=data)
    client.put_object(Bucket="office", Key="p2f/site/index.html", Body=b"public, not read")
    for name, value in (("AWS_ENDPOINT_URL", s3_server), ("AWS_ACCESS_KEY_ID", "testing"),
                        ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_DEFAULT_REGION", "us-east-1")):  # fmt: skip
        monkeypatch.setenv(name, value)

    results = []
    for url in (folder.as_uri(), "s3://office/p2f"):
        telemetry = loader.gather(loader.open_store(url, folder), tmp_path / "cache")
        con = duckdb.connect()
        loader.load(con, telemetry)
        results.append((figures(con), con.execute("SELECT count(*) FROM anomalies").fetchone()))
    assert results[0] == results[1]
    assert results[0][0] == [("gare", "gare", 30, 300.0, 8), ("port", "port-1", 12, 120.0, 3)]
    assert not (tmp_path / "cache" / "site").exists()  # only telemetry is fetched


def test_an_unreachable_store_is_a_report_error_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    store = loader.open_store("s3://office/p2f", tmp_path)
    with pytest.raises(loader.ReportError, match=r"telemetry: .*cannot reach the endpoint"):
        loader.gather(store, tmp_path / "cache")
    with pytest.raises(loader.ReportError, match="s3://BUCKET/PREFIX or file:///PATH"):
        loader.open_store("ftp://office", tmp_path)


def screen(**changes: Any) -> reports.Screen:
    values: dict[str, Any] = {
        "site": "gare", "device": "gare", "last_heartbeat": NOW, "release": "00000002-r2",
        "live_release": "00000002-r2", "sync_status": "ok", "sync_reason": None,
        "disk_free_bytes": 10**9, "errors": 0, "last_errors": None, "refusals": 0,
        "screen_is_off": False,
    }  # fmt: skip
    return reports.Screen(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ()),
        ({"last_heartbeat": NOW - timedelta(minutes=11)}, ("silencieux depuis plus de 10 min",)),
        ({"last_heartbeat": None}, ("silencieux depuis plus de 10 min",)),
        (
            {"release": "00000001-r1"},
            ("en retard sur la version en ligne (00000001-r1 à l'écran)",),
        ),
        ({"refusals": 1}, ("refuse les versions",)),
        ({"sync_status": "refused"}, ("refuse les versions",)),
        ({"screen_is_off": True}, ("écran éteint pendant ses horaires",)),
    ],
)
def test_fleet_alarms(changes: dict[str, Any], expected: tuple[str, ...]) -> None:
    hours = {"screen_hours": [{"weekdays": [], "hours": [{"from": "08:00", "until": "20:00"}]}]}
    assert reports.alarms(screen(**changes), NOW, timedelta(minutes=10), hours) == expected
    night = NOW.replace(hour=22)  # off at night is what the hours say: no alarm
    assert "écran éteint pendant ses horaires" not in reports.alarms(
        screen(screen_is_off=True, last_heartbeat=night), night, timedelta(minutes=10), hours
    )


def test_duckdb_spills_to_the_system_temporary_folder_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's default spill folder is ``.tmp`` in the working directory: the repository when
    ``invoke report`` runs there. The office's connection spills under the system's temp."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "system-tmp"))
    (tmp_path / "system-tmp").mkdir()
    monkeypatch.chdir(tmp_path)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    con = loader.connect()
    spill = con.execute("SELECT current_setting('temp_directory')").fetchone()
    assert spill == (str(tmp_path / "system-tmp" / "p2f-office-duckdb"),)
    con.close()
    assert not (tmp_path / ".tmp").exists()
