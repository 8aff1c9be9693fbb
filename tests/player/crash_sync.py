"""Run one sync and die with SIGKILL at a named point: the power cut of the crash tests.

    python crash_sync.py CACHE SOURCE_FOLDER PUBLIC_KEY_FILE POINT

The store and disk below are the real ones with a kill inserted at the point; nothing else
differs, so what is on disk afterwards is what a power cut there would leave.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from p2f_player.contract import trust
from p2f_player.sources import FolderSource
from p2f_player.store import Disk, Store
from p2f_player.sync import Syncer


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class KillingDisk(Disk):
    def __init__(self, point: str) -> None:
        self.point, self.objects = point, 0

    def write_file(self, path: Path, data: bytes) -> None:
        if self.point == "mid-object" and ".partial" in str(path):
            self.objects += 1
            if self.objects == 3:
                path.write_bytes(data[: len(data) // 2])  # half a file on disk, then the cut
                die()
        if self.point == "before-complete" and path.name == "COMPLETE":
            die()
        super().write_file(path, data)


class KillingStore(Store):
    point = ""

    def activate(self, name: str) -> None:
        if self.point == "before-switch":
            die()
        super().activate(name)

    def _point(self, link: str, name: str) -> None:
        if self.point == f"{link}-link-written":
            tmp = self.root / f"{link}.tmp"
            os.symlink(f"releases/{name}", tmp)
            die()
        super()._point(link, name)
        if self.point == f"after-{link}":
            die()


def main() -> None:
    cache, source, key, point = sys.argv[1:5]
    store = KillingStore(Path(cache), KillingDisk(point))
    store.point = point
    store.recover()
    syncer = Syncer("gare", FolderSource(Path(source)), store, trust.load_public_key(key))
    print(syncer.sync_once(datetime(2026, 7, 14, 8, 0, tzinfo=UTC)).status)


if __name__ == "__main__":
    main()
