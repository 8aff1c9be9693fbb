"""What replaced and dead builds leave in ``build/``, renamed into ``.trash/`` (``p2f_site.trash``
deletes it in a detached process); the newest replaced build's kiosk folder and website folders
are kept for the next build (``p2f_site.spare``). See ``p2f_site.build`` for the layout.

A build that reads the current build holds a shared ``flock`` on it; a build is renamed aside
only under an exclusive one, so a concurrent build never loses the folder it reads.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from p2f_site.spare import keep_spare, retire_site
from p2f_site.trash import TRASH, empty_trash, start_remover

CURRENT = ".current"
STAGING = ".staging-"
FINISHED = ".build-"
OLD = ".old-"


def current_build(output: Path) -> str | None:
    """The name of the current build folder in ``output``, None before the first build."""
    link = output / CURRENT
    return os.readlink(link) if link.is_symlink() else None


def remove_leftovers(output: Path) -> None:
    """Remove what dead or earlier builds left (``retire_leftovers``), now, in this process."""
    retire_leftovers(output)
    empty_trash(output / TRASH)


def start_removal(output: Path) -> int | None:
    """Rename the leftovers into ``output/.trash/`` and start a detached process deleting
    them; its pid, or None when there was nothing to delete."""
    retire_leftovers(output)
    trash = output / TRASH
    if not trash.is_dir() or not any(trash.iterdir()):
        return None
    return start_remover(trash)


def retire_leftovers(output: Path) -> None:
    """Rename into ``output/.trash/`` what dead or earlier builds left: staging folders and
    finished builds of processes that no longer run, this process's own earlier builds,
    former ``.old-*``; a finished build another build still reads stays (``_hold_current``)."""
    current = current_build(output)
    trash = output / TRASH
    leftovers = [e for e in output.iterdir() if e.name != current and _is_leftover(e.name)]
    finished = [e for e in leftovers if e.name.startswith(FINISHED) and not e.is_symlink()]
    newest = max(finished, key=lambda e: _finished_at(e.name), default=None)
    for entry in leftovers:
        if entry.is_symlink():
            entry.unlink(missing_ok=True)
            continue
        trash.mkdir(exist_ok=True)
        _rename_aside(entry, trash / f"{time.time_ns()}{entry.name}", entry == newest)


def _finished_at(name: str) -> int:
    """The moment in ``.build-<pid>-<ns>``."""
    moment = name.rsplit("-", 1)[-1]
    return int(moment) if moment.isdigit() else 0


def _rename_aside(folder: Path, target: Path, keep_spares: bool = False) -> None:
    """Rename ``folder`` to ``target`` unless a running build holds a shared lock on it;
    ``keep_spares``: its kiosk folder first becomes the spare and its website folder goes to
    the trash apart, to be emptied and kept (``p2f_site.spare``)."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        return  # gone meanwhile (another build retired it), or not a build folder
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # read by a running build: a later build retires it
        if keep_spares:
            keep_spare(folder, folder.parent, target.parent)
            retire_site(folder, target.parent)
        try:
            folder.rename(target)
        except FileNotFoundError:
            return
    finally:
        os.close(handle)


def _is_leftover(name: str) -> bool:
    if name.startswith(OLD):
        return True
    if ".new-" in name:  # a link a build was about to swap in: ``<link>.new-<pid>``
        pid = _pid_in(name.rsplit(".new-", 1)[-1])
        return pid is not None and not _running(pid)
    if name.startswith((STAGING, FINISHED)):
        pid = _pid_in(name)
        if pid is None:
            return False
        return not _running(pid) or (name.startswith(FINISHED) and pid == os.getpid())
    return False


def _pid_in(name: str) -> int | None:
    """The pid in ``.staging-<pid>``, ``.build-<pid>-<ns>`` or ``<pid>``."""
    digits = name.removeprefix(STAGING).removeprefix(FINISHED).split("-", 1)[0]
    return int(digits) if digits.isdigit() else None


def _running(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
