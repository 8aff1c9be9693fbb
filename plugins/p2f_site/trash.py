"""Delete replaced builds off the critical path: ``build/.trash/``, emptied by a detached process.

A build makes itself current with one rename; the build it replaced (~60,000 files at 5,000
documents, ~12 s to delete) is then renamed into ``build/.trash/`` (one more rename, atomic,
nothing reads it any more) and a detached process (``start_new_session``: it survives the build
and a Ctrl-C in the terminal) deletes it while ``invoke build`` returns.

Safe by construction:

- only what is in ``.trash/`` is ever deleted there, and a build renames a folder into it only
  when no running build reads it (``p2f_site.build`` holds a shared ``flock`` on the build it
  reads from and renames a build aside only under an exclusive one);
- one remover at a time: it holds an exclusive ``flock`` on ``.trash/`` while it deletes; a
  second one started meanwhile leaves at once, and the first looks again after letting go, so
  whatever was put in while it worked is deleted too;
- a remover killed midway leaves part of a folder in ``.trash/``: the next build starts another.

One kind of entry is not deleted whole: the website folder of the build the current one
replaced, renamed in as ``<ns>.skeleton-site`` (``p2f_site.spare``). Its files are deleted and
its folders kept (but the search index's, which its own step makes), the list of those folders
is written into it, and it becomes ``build/.spare-site``: the next build writes its website into
it and makes none of the ~16,700 folders again (a ``mkdir`` costs ~90 us on this file system).

This file uses the standard library only: it runs as a script (``python -I trash.py FOLDER``)
in the detached process, where the project's packages are not on the path.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from pathlib import Path

TRASH = ".trash"
SKELETON = ".skeleton-site"  # the name ending of a website folder to empty and keep
SPARE_SITE = ".spare-site"  # in the build folder, next to .trash: an emptied website folder
FOLDERS = ".p2f-folders"  # in it: its folders, one relative path a line
NOT_KEPT = ("pagefind",)  # top folders deleted whole


def empty_trash(trash: Path) -> bool:
    """Delete everything in ``trash``; False when another remover holds it (it will do it)."""
    while True:
        try:
            handle = os.open(trash, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            return True
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # the holder looks again after letting go (below)
            for entry in sorted(os.scandir(trash), key=lambda e: not e.name.endswith(SKELETON)):
                if entry.name.endswith(SKELETON) and entry.is_dir(follow_symlinks=False):
                    keep_skeleton(Path(entry.path), trash.parent / SPARE_SITE)
                elif entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    Path(entry.path).unlink(missing_ok=True)
        finally:
            os.close(handle)  # lets go of the lock
        # Something renamed in after the scan, whose remover found the lock held, is ours.
        with os.scandir(trash) as left:
            if next(left, None) is None:
                return True


def keep_skeleton(folder: Path, spare: Path) -> None:
    """Delete the files under ``folder``, keep its folders, list them in ``FOLDERS`` and
    rename it to ``spare``; deleted whole when a spare is already there."""
    if spare.exists():
        shutil.rmtree(folder, ignore_errors=True)
        return
    kept: list[str] = []
    for top, folders, files in os.walk(folder):
        for name in files:
            os.unlink(os.path.join(top, name))
        for name in list(folders):
            path = os.path.join(top, name)
            if os.path.islink(path):  # os.walk does not enter it: a link, not a folder
                os.unlink(path)
                folders.remove(name)
            elif top == str(folder) and name in NOT_KEPT:
                shutil.rmtree(path, ignore_errors=True)
                folders.remove(name)
            else:
                kept.append(os.path.relpath(path, folder))
    (folder / FOLDERS).write_text("\n".join(kept), encoding="utf-8")
    try:
        folder.rename(spare)
    except OSError:  # made meanwhile by another remover
        shutil.rmtree(folder, ignore_errors=True)


def start_remover(trash: Path) -> int:
    """Start a detached process that empties ``trash``; return its pid.

    ``posix_spawn`` rather than ``subprocess.Popen``: nothing here waits for it, and a Popen
    object dropped while its process runs warns. The caller may ``os.waitpid`` the pid (tests
    do); otherwise it is reaped when the build's process exits.
    """
    devnull = os.devnull
    return os.posix_spawn(
        sys.executable,
        [sys.executable, "-I", __file__, str(trash)],
        dict(os.environ),
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, devnull, os.O_WRONLY, 0),
        ],
        setsid=True,
    )


if __name__ == "__main__":
    os.nice(10)  # the next build, if one starts, comes first for the CPU
    empty_trash(Path(sys.argv[1]))
