"""The kiosk folder of a replaced build, kept aside and recycled by the next build.

After a one-item edit at 5,000 documents, a build links ~82,000 unchanged kiosk files from the
current build, one ``link`` and one ``lstat`` each. Instead, the kiosk folder of the build the
current one replaced is kept (``keep_spare``, as that build is retired: one rename) in
``build/.spare-kiosk/``; the next build with the cache renames it into its staging folder
(``take_spare``) and leaves every file whose inputs did not change where it is
(``p2f_kiosk.recycle``, ``p2f_kiosk.previous``).

What stays true:

- the current build is never written: the spare is another build's folder, and the bundle
  writers unlink a file before they write one (the spare shares inodes with the current build
  through hard links);
- one build at a time gets the spare (a rename; a second build finds none and links files as
  before); a build that fails removes its staging folder, spare included;
- a spare the next build cannot trust (no record of its keys) is discarded into the trash.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

SPARE = ".spare-kiosk"
TRASH_SETTING = "P2F_TRASH_PATH"  # the build's trash folder, where a spare not trusted goes


def keep_spare(build: Path, output: Path, trash: Path) -> None:
    """Keep ``build``'s kiosk folder as the spare (an older spare goes to ``trash``). Called
    while ``build`` is being retired, under its exclusive lock: no build reads it."""
    kiosk, spare = build / "kiosk", output / SPARE
    if kiosk.is_symlink() or not kiosk.is_dir():
        return
    if spare.exists():
        trash.mkdir(exist_ok=True)
        try:
            spare.rename(trash / f"{time.time_ns()}{SPARE}")
        except OSError:
            return  # taken meanwhile by a starting build, or in the way: keep what is there
    try:
        kiosk.rename(spare)
    except OSError:
        return


def take_spare(output: Path, staging_kiosk: Path) -> bool:
    """Move the spare into the staging build as its kiosk folder; False when there is none."""
    staging_kiosk.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(output / SPARE, staging_kiosk)
    except OSError:  # none, or another build took it first
        return False
    return True
