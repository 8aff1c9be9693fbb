"""A power cut at every step of an update: the restarted player plays a complete release,
never anything half-written, and the next sync finishes the job."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from p2f_player.sources import FolderSource
from p2f_player.store import Store
from p2f_player.sync import Syncer, load_playable
from tests.player.conftest import NOW, Publisher

SCRIPT = Path(__file__).with_name("crash_sync.py")
POINTS = [
    "mid-object",
    "before-complete",
    "before-switch",
    "previous-link-written",
    "after-previous",
    "current-link-written",
    "after-current",
]


def run_until_killed(
    cache: Path, source: Path, key: Path, point: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(cache), str(source), str(key), point],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("point", POINTS)
def test_power_cut_during_update_then_restart(
    point: str,
    tmp_path: Path,
    bucket_root: Path,
    keys: tuple[bytes, bytes, Path],
    folder_publisher: Publisher,
) -> None:
    cache = tmp_path / "cache"
    folder_publisher.publish(1)
    assert Syncer("gare", FolderSource(bucket_root), Store(cache), keys[1]).sync_once(NOW).ok
    folder_publisher.publish(2, salt=" v2")

    killed = run_until_killed(cache, bucket_root, keys[2], point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    # restart: recover, then play what is there
    store = Store(cache)
    store.recover()
    release = load_playable(store, keys[1])
    assert release is not None
    expected = 2 if point == "after-current" else 1
    assert release.document["release"]["counter"] == expected
    for path, entry in release.document["files"].items():
        data = (release.path / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], path
    assert not list((store.objects / ".partial").iterdir())
    assert not list(store.releases.glob(".staging-*"))
    # and the next sync completes the update
    result = Syncer("gare", FolderSource(bucket_root), store, keys[1]).sync_once(NOW)
    assert result.ok
    final = load_playable(store, keys[1])
    assert final is not None and final.document["release"]["counter"] == 2
