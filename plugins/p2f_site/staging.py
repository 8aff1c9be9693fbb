"""The website's staging folder as the incremental build fills it: folders made once, unchanged
files hard-linked from the current build.

One object per build (``staging_site``, kept in the settings), shared by the page writer
(``p2f_site.incremental.CachingWriter``) and the machine-facing files (``p2f_web.outputs``), so
that a folder made by one step is not asked for again by the next one, and the landings step
knows which pages were linked (the same inode as in the current build: the same bytes) without
asking the file system. At 5,000 documents an edit build links ~18,500 website files into
~16,800 folders: per file, one ``link`` and, per new folder, one ``mkdir`` are what remains.

It does not decide whether a file may be linked: the callers compare the keys recorded with
the current build. A record is the proof that the current build made that file (a finished
build is never written into), so no ``lstat`` is spent checking it; a file missing all the same
(a damaged build) is made again instead.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

SETTING = "P2F_STAGING"  # settings key: the ``Staging`` of the build being made


class Staging:
    """The site folder being built (``root``) and the current build's (``previous``)."""

    def __init__(self, root: str, previous: str | None, skeleton: set[str] | None = None) -> None:
        self.root = os.path.abspath(root)
        self.previous = previous
        # the folders ``root`` held when the build began, when it is the replaced build's
        # website folder emptied of its files (``p2f_site.spare``): absolute, normalised
        self.skeleton = skeleton or set()
        self.folders: set[str] = set(self.skeleton)  # known to exist in ``root``
        self.used: set[str] = set()  # folders something was put in by this build
        self.linked: set[str] = set()  # names linked from ``previous``, relative to the roots
        self.pages: set[str] = set()  # names the page writer rendered or linked
        self.mkdirs = 0  # ``mkdir`` calls made, for the tests

    def path(self, name: str) -> str:
        """Where ``name`` (a normalised relative path, as the records keep it) goes."""
        return f"{self.root}/{name}"

    def folder(self, folder: str) -> None:
        """Make ``folder`` (an absolute path under ``root``) unless this build made it."""
        self.used.add(folder)
        if folder in self.folders:
            return
        self.mkdirs += 1
        try:  # one system call in the usual case: its parent exists
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        self.folders.add(folder)

    def made(self, target: str) -> None:
        """Note that ``target``'s folder exists (a file was written there by another writer)."""
        folder = os.path.dirname(target)
        self.folders.add(folder)
        self.used.add(folder)

    def remove_unused_folders(self) -> int:
        """Remove the skeleton's folders this build left empty, deepest first (a writer that
        does not go through this object filled the others: they are not empty); the number
        removed."""
        removed = 0
        for folder in sorted(self.skeleton - self.used, key=lambda f: f.count("/"), reverse=True):
            try:
                os.rmdir(folder)
                removed += 1
            except OSError:  # not empty
                pass
        return removed

    def page(self, target: str) -> None:
        """Note a page the page writer rendered (``target``: its absolute path under ``root``)."""
        self.made(target)
        self.pages.add(target[len(self.root) + 1 :])

    def has_page(self, name: str) -> bool:
        """Whether the page writer rendered or linked ``name`` in this build."""
        return name in self.pages or name in self.linked

    def write(self, name: str, data: bytes) -> None:
        """Write ``name``; a file already there (it may share its inode with the current build)
        is replaced, never written into. A new name takes one ``open``, no rename: a failed build
        discards the whole staging folder, so no file needs to appear atomically."""
        target = self.path(name)
        self.folder(os.path.dirname(target))
        try:
            with open(target, "xb") as new:
                new.write(data)
        except FileExistsError:
            with open(target + ".tmp", "wb") as temporary:
                temporary.write(data)
            os.replace(target + ".tmp", target)

    def link(self, name: str) -> bool:
        """Hard-link ``name`` from the current build; False when it has no such file.

        A file already written under ``name`` by this build is replaced, never written into
        (it may share its inode with the current build)."""
        if self.previous is None:
            return False
        source, target = f"{self.previous}/{name}", self.path(name)
        self.folder(os.path.dirname(target))
        try:
            os.link(source, target)
        except FileNotFoundError:
            return False
        except FileExistsError:
            os.unlink(target)
            os.link(source, target)
        except OSError:  # a file system without hard links
            shutil.copyfile(source, target + ".tmp")
            os.replace(target + ".tmp", target)
        self.linked.add(name)
        return True


def staging_site(settings: dict[str, Any], output_path: str | None = None) -> Staging:
    """The build's ``Staging`` (made on first use: ``output_path``, else ``OUTPUT_PATH``, and
    the current build)."""
    root = os.path.abspath(output_path or settings["OUTPUT_PATH"])
    found = settings.get(SETTING)
    if isinstance(found, Staging) and found.root == root:
        return found
    previous = settings.get("P2F_PREVIOUS_SITE")
    made = Staging(root, str(previous) if previous else None)
    settings[SETTING] = made
    return made
