"""The command line, as a technician types it: sync --once (exit codes), status, simulate, run
(headless, with a fast clock), configuration errors."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from p2f_player.cli import main
from p2f_player.config import load_config
from p2f_player.contract import trust
from p2f_player.errors import ConfigError
from tests.player.conftest import Publisher, folder_put, release_files, slide


@pytest.fixture
def folder_publisher(bucket_root: Path, keys: tuple[bytes, bytes, Path]) -> Publisher:
    """The CLI reads the real clock: releases created an hour ago."""
    return Publisher(
        folder_put(bucket_root), keys[0], created=datetime.now(UTC) - timedelta(hours=1)
    )


@pytest.fixture
def s3_publisher(s3_publisher: Publisher) -> Publisher:
    s3_publisher.created = datetime.now(UTC) - timedelta(hours=1)
    return s3_publisher


def common(keys: tuple[bytes, bytes, Path], source: str, cache: Path) -> list[str]:
    return [
        "--site",
        "gare",
        "--source",
        source,
        "--public-key",
        str(keys[2]),
        "--cache",
        str(cache),
    ]


def test_sync_once_exit_codes_and_status(
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
    bucket_root: Path,
    folder_publisher: Publisher,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = common(keys, f"file://{bucket_root}", tmp_path / "cache")
    assert main(["sync", "--once", *args]) == 3  # nothing published yet
    folder_publisher.publish(1)
    assert main(["sync", "--once", *args]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["status"] == "updated"
    other, _ = trust.generate_keypair()
    folder_publisher.put_envelope(
        trust.sign_manifest(
            folder_publisher.document(2, [slide("a")], release_files([slide("a")])), other
        )
    )
    assert main(["sync", "--once", *args]) == 1
    assert "BadSignature" in capsys.readouterr().err
    assert main(["status", *args]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["current"] == "00000001-r1" and status["last_sync"]["status"] == "refused"
    assert status["journal"]["rows"] >= 3


def test_sync_and_simulate_against_the_s3_server(
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
    s3_bucket: Any,
    s3_publisher: Publisher,
    capsys: pytest.CaptureFixture[str],
) -> None:
    endpoint, bucket, _ = s3_bucket
    slides = [slide("a"), slide("b"), slide("promo", sponsor="velos")]
    s3_publisher.publish(1, slides, sponsors={"velos": 0.2})
    args = [*common(keys, f"s3://{bucket}/p2f", tmp_path / "cache"), "--endpoint-url", endpoint]
    # simulate straight from the bucket (nothing cached yet), then sync
    assert main(["simulate", *args, "--from", "2026-07-14T06:00", "--hours", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["minutes"]) == 120
    assert abs(out["shares"]["velos"] - 0.2) < 0.01
    assert main(["sync", "--once", *args]) == 0


def test_simulate_the_built_bundle_prints_minutes_and_shares(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample_build: Path
) -> None:
    manifest = sample_build / "kiosk" / "gare" / "manifest.json"
    assert (
        main(
            [
                "simulate",
                "--site",
                "gare",
                "--manifest",
                str(manifest),
                "--cache",
                str(tmp_path),
                "--from",
                "2026-07-14T06:00",
                "--hours",
                "1",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("2026-07-14T06:00+02:00")
    assert sum(1 for line in lines if line.startswith("2026-07-14T")) == 60
    assert "share of screen time" in "\n".join(lines)


def test_configuration_errors_name_the_setting(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "sync",
                "--once",
                "--site",
                "Gare!",
                "--source",
                "file:///x",
                "--public-key",
                str(keys[2]),
            ]
        )
        == 2
    )
    assert "site: 'Gare!'" in capsys.readouterr().err
    assert (
        main(
            [
                "sync",
                "--once",
                "--site",
                "gare",
                "--source",
                "ftp://x",
                "--public-key",
                str(keys[2]),
            ]
        )
        == 2
    )
    assert "source" in capsys.readouterr().err
    bad_key = tmp_path / "bad.pub"
    bad_key.write_text("nope")
    assert (
        main(
            [
                "sync",
                "--once",
                "--site",
                "gare",
                "--source",
                "file:///x",
                "--public-key",
                str(bad_key),
            ]
        )
        == 2
    )
    assert "bad.pub" in capsys.readouterr().err
    config = tmp_path / "p2f.toml"
    config.write_text(
        '[player]\nsite = "gare"\nsource = "file:///x"\npublic_key = "k"\npoll_intervall_s = 5\n'
    )
    with pytest.raises(ConfigError, match="unknown setting 'poll_intervall_s'"):
        load_config(config)
    config.write_text(
        'site = "gare"\nsource = "file:///x"\npublic_key = "k"\npoll_interval_s = 30\n'
    )
    loaded = load_config(config, {"P2F_POLL_INTERVAL_S": "90"}, {"site": "coworking"})
    assert (loaded.site, loaded.poll_interval_s) == ("coworking", 90.0)  # flag > env > file
    with pytest.raises(ConfigError, match="poll_interval_s: 'soon'"):
        load_config(config, {"P2F_POLL_INTERVAL_S": "soon"})


def test_run_headless_plays_journals_uploads_and_picks_up_a_new_release(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], bucket_root: Path, folder_publisher: Publisher
) -> None:
    folder_publisher.publish(1)
    cache = tmp_path / "cache"
    config = tmp_path / "p2f.toml"
    config.write_text(
        "poll_interval_s = 20\npoll_jitter_s = 1\nupload_interval_s = 30\nheartbeat_interval_s = 60\n"
    )
    command = [
        sys.executable,
        "-m",
        "p2f_player.cli",
        "run",
        "--config",
        str(config),
        *common(keys, f"file://{bucket_root}", cache),
        "--speed",
        "20",
        "--duration",
        "400",
    ]
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    # publish release 2 while it plays; it switches at a slide boundary
    deadline = time.monotonic() + 60
    while not (cache / "current").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    folder_publisher.publish(2, salt=" v2")
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert "play a [fr]" in err or "play a [en]" in err
    assert "playing release 00000002-r2" in err
    rows = (
        sqlite3.connect(cache / "journal.sqlite")
        .execute("SELECT data FROM events WHERE kind = 'slide' ORDER BY seq")
        .fetchall()
    )
    slides = [json.loads(r[0]) for r in rows]
    assert len(slides) >= 30
    assert {s["release"] for s in slides} == {"00000001-r1", "00000002-r2"}
    uploaded = list((bucket_root / "telemetry" / "gare" / "gare" / "events").glob("*.jsonl"))
    assert uploaded
    heartbeat = json.loads(
        (bucket_root / "telemetry" / "gare" / "gare" / "heartbeat.json").read_text()
    )
    assert heartbeat["site"] == "gare" and heartbeat["release"]


# -- issue 9: pinned key set, validated previews, the way out of a bogus counter -----------------


def test_several_public_keys_are_pinned_from_flags_file_and_environment(
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
    bucket_root: Path,
    folder_publisher: Publisher,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A key rotation: the screen pins the old and the new key; releases signed by either are
    taken, one signed by a third key is refused."""
    new_private, new_public = trust.generate_keypair()
    new_key = tmp_path / "new.pub"
    trust.write_key(new_key, new_public, private=False)
    args = [
        *common(keys, f"file://{bucket_root}", tmp_path / "cache"),
        "--public-key",
        str(new_key),
    ]
    folder_publisher.publish(1)
    assert main(["sync", "--once", *args]) == 0
    folder_publisher.private_key = new_private
    folder_publisher.publish(2)
    assert main(["sync", "--once", *args]) == 0
    folder_publisher.private_key = trust.generate_keypair()[0]
    folder_publisher.publish(3)
    assert main(["sync", "--once", *args]) == 1
    assert "BadSignature" in capsys.readouterr().err
    config = tmp_path / "p2f.toml"
    config.write_text(
        f'site = "gare"\nsource = "file:///x"\npublic_key = ["{keys[2]}", "{new_key}"]\n'
    )
    assert load_config(config).public_key == (keys[2], new_key)
    from_env = load_config(config, {"P2F_PUBLIC_KEY": f"{new_key}:{keys[2]}"})
    assert from_env.public_key == (new_key, keys[2])
    with pytest.raises(ConfigError, match="public_key"):
        load_config(config, overrides={"public_key": [7]})


def test_simulate_refuses_a_hostile_manifest_file(
    tmp_path: Path, keys: tuple[bytes, bytes, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    publisher = Publisher(folder_put(tmp_path / "bucket"), keys[0])
    document = publisher.document(1, [slide("a")], release_files([slide("a")]))
    document["files"]["../../outside.html"] = {"size": 1, "sha256": "/etc/passwd"}
    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(trust.sign_manifest(document, keys[0]))
    simulate = [
        "simulate",
        "--site",
        "gare",
        "--manifest",
        str(manifest),
        "--from",
        "2026-07-14T06:00",
    ]
    assert main([*simulate, "--cache", str(tmp_path / "cache")]) == 1
    assert "not a safe relative path" in capsys.readouterr().err
    manifest.write_bytes(b'{"signed": {"schema": "livep2f-kiosk-manifest/1", "a": 1, "a": 2}}')
    assert main([*simulate, "--cache", str(tmp_path / "cache")]) == 1
    assert "appears twice" in capsys.readouterr().err
    assert main([*simulate[:4], str(tmp_path / "missing.json"), *simulate[5:]]) == 1
    # a link to an endless device is neither followed nor read whole (no MemoryError)
    endless = tmp_path / "endless.json"
    endless.symlink_to("/dev/zero")
    assert main([*simulate[:4], str(endless), *simulate[5:]]) == 1
    assert "endless.json" in capsys.readouterr().err


def test_reset_trust_lets_a_screen_pinned_by_a_bogus_counter_take_real_releases(
    tmp_path: Path,
    keys: tuple[bytes, bytes, Path],
    bucket_root: Path,
    folder_publisher: Publisher,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A release signed by mistake with the largest valid counter pins the screen above every
    real release; ``reset-trust --yes`` (docs/player.md) is the technician's way out."""
    args = common(keys, f"file://{bucket_root}", tmp_path / "cache")
    slides = [slide("a")]
    bogus = folder_publisher.document(2**53 - 1, slides, release_files(slides))
    for data in release_files(slides).values():
        folder_put(bucket_root)(f"objects/{hashlib.sha256(data).hexdigest()}", data)
    folder_publisher.put_envelope(trust.sign_manifest(bogus, keys[0]))
    assert main(["sync", "--once", *args]) == 0
    folder_publisher.publish(7)
    assert main(["sync", "--once", *args]) == 1
    assert "RollbackRefused" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["reset-trust", *args])  # --yes is required
    assert main(["reset-trust", "--yes", *args]) == 0
    assert json.loads(capsys.readouterr().out)["forgotten"]["current"].startswith("900719925")
    assert main(["sync", "--once", *args]) == 0
    capsys.readouterr()
    assert main(["status", *args]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["current"] == "00000007-r7" and status["refused"] == []
