"""The spare bundles a build recycles: the build before's, found in its own staging folder.

``p2f_site.spare`` moves the kiosk folder of the build the current one replaced into the new
build's staging folder before Pelican runs (builds with the cache only). Here each site's
folder there becomes a ``PreviousBundle`` whose files the bundle writer leaves in place when
their key is unchanged (``p2f_kiosk.previous``). What cannot be trusted goes: a folder whose
manifest has no record in the build cache, a site no longer built, any other file. It is
renamed into the build's trash (deleted by the detached remover, ``p2f_site.trash``) rather
than deleted here: a whole bundle is ~7,000 files.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from p2f_build.cache import Cache
from p2f_kiosk.previous import PreviousBundle, load_bundle
from p2f_site.spare import TRASH_SETTING

__all__ = ["TRASH_SETTING", "discard", "discard_spare", "recycled_bundles"]


def recycled_bundles(
    kiosk_root: Path, sites: list[str], cache: Cache, trash: str | None
) -> dict[str, PreviousBundle]:
    """The site bundles already in ``kiosk_root`` (a spare) whose files' keys are known; the
    rest of ``kiosk_root`` is discarded."""
    found: dict[str, PreviousBundle] = {}
    if not kiosk_root.is_dir():
        return found
    for entry in sorted(os.scandir(kiosk_root), key=lambda e: e.name):
        folder = Path(entry.path)
        if entry.is_dir(follow_symlinks=False) and entry.name in sites:
            bundle = load_bundle(cache, folder)
            if bundle is not None:
                found[entry.name] = bundle
                continue
        discard(folder, trash)
    return found


def discard_spare(kiosk_root: Path, trash: str | None) -> None:
    """Discard all of ``kiosk_root``'s content (a build without the cache makes every file)."""
    if kiosk_root.is_dir():
        for entry in os.scandir(kiosk_root):
            discard(Path(entry.path), trash)


def discard(path: Path, trash: str | None) -> None:
    """Rename ``path`` into ``trash`` (a file is unlinked); removed here without a trash."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
        return
    if trash is not None:
        os.makedirs(trash, exist_ok=True)
        try:
            path.rename(Path(trash) / f"{time.time_ns()}-spare-{path.name}")
            return
        except OSError:  # another file system: remove it here
            pass
    shutil.rmtree(path, ignore_errors=True)
