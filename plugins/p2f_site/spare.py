"""The kiosk folder of a replaced build, kept aside and recycled by the next build; its website
folder, emptied of its files, gives the next build its folders.

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

The website's ~18,500 files are linked or written by several writers (Pelican, the page
writer, the machine-facing files, the search index), so they are not recycled; but making its
~16,700 folders again cost ~1.5 s per edit build. So the replaced build's website folder goes
to the trash under a name (``trash.SKELETON``) that tells the detached remover to delete its
files only, keep its folders and rename it to ``build/.spare-site`` (``trash.keep_skeleton``).
The next build with the cache makes it its staging website folder (``take_site_skeleton``):
the folders are known to exist (``p2f_site.staging``), and those the new build left empty are
removed before the swap (``Staging.remove_unused_folders``). The folder holds no file at all, so
nothing can be written through and nothing stale can stay.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

from p2f_site.trash import FOLDERS, SKELETON, SPARE_SITE

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


def retire_site(build: Path, trash: Path) -> None:
    """Rename ``build``'s website folder into ``trash`` as a skeleton to keep (see above)."""
    site = build / "site"
    if site.is_symlink() or not site.is_dir():
        return
    trash.mkdir(exist_ok=True)
    with contextlib.suppress(OSError):
        site.rename(trash / f"{time.time_ns()}{SKELETON}")


def take_site_skeleton(output: Path, staging_site: Path) -> set[str] | None:
    """Move the spare website folder (folders only) to ``staging_site``; its folders as
    absolute paths, or None when there is none ready (the remover may still be emptying it)."""
    staging_site.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(output / SPARE_SITE, staging_site)
    except OSError:
        return None
    listing = staging_site / FOLDERS
    try:
        names = listing.read_text(encoding="utf-8").split("\n")
        listing.unlink()
    except (OSError, UnicodeDecodeError):  # not one the remover finished: start empty
        shutil.rmtree(staging_site, ignore_errors=True)
        return None
    root = os.path.abspath(staging_site)
    return {root} | {os.path.normpath(f"{root}/{name}") for name in names if name}


def take_spare(output: Path, staging_kiosk: Path) -> bool:
    """Move the spare into the staging build as its kiosk folder; False when there is none."""
    staging_kiosk.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(output / SPARE, staging_kiosk)
    except OSError:  # none, or another build took it first
        return False
    return True
