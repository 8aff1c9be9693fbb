"""Files that several sites' bundles hold byte for byte, made once per build.

Twelve sites with two screen resolutions need two sizes of each picture, not twelve: a resized
image depends only on the source bytes, the box and the output format, so the first site that
needs it makes it (Pillow: decode, resize, encode; the most expensive step of a kiosk build) and
the others get a hard link to the same file (a copy where the file system refuses links). A hard
link is a regular file: publishing reads its bytes like any other (only symlinks are refused).

The same goes for values the sites work out alike (the hours of a place in words, its
open/closed phases of the covered days): ``value`` computes each once per build, and so do
pages that differ between sites only in a few values (``pages``: see ``shared_pages``). The object
lives as long as one build, so nothing outlives it (``invoke livereload`` builds again and again).

The key must hold every input of the file's bytes or of the value; ``SharedFiles`` never looks
inside it. Of the files, nothing is kept in memory but the keys, the paths, sizes and hashes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from p2f_build.cache import key as cache_key
from p2f_kiosk.shared_pages import SharedPages
from p2f_player.contract.manifest import FileEntry, file_entry

T = TypeVar("T")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class SharedFiles:
    """Where each shared file was first written in this build, and its manifest entry."""

    made: dict[Hashable, tuple[str, FileEntry]] = field(default_factory=dict)
    reused: int = 0  # files linked or copied instead of made again (for the bench)
    values: dict[Hashable, object] = field(default_factory=dict)
    values_reused: int = 0
    pages: SharedPages = field(default_factory=SharedPages)  # rendered once, filled per site
    ready: dict[Hashable, bytes] = field(default_factory=dict)  # made ahead (pictures.py)
    made_ahead: int = 0  # files whose bytes came from ``ready``
    previous_keys: set[str] = field(default_factory=set)  # of the current build's bundles
    file_keys: dict[tuple[str, Hashable], str] = field(default_factory=dict)  # memo of file_key

    def file_key(self, key: Hashable) -> str | None:
        """A digest of the inputs of the file made for ``key`` (None without the build cache;
        the code and settings are in the pages' prefix: see ``p2f_kiosk.previous``)."""
        if self.pages.store is None:
            return None
        prefix = self.pages.prefix
        found = self.file_keys.get((prefix, key))
        if found is None:
            found = self.file_keys[prefix, key] = cache_key(prefix, "shared-file", repr(key))
        return found

    def in_previous_build(self, key: Hashable) -> bool:
        """Whether a bundle of the current build holds the file made for ``key``."""
        file_key = self.file_key(key)
        return file_key is not None and file_key in self.previous_keys

    def value(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per build for ``key`` (every input of the value)."""
        if key in self.values:
            self.values_reused += 1
        else:
            self.values[key] = compute()
        return self.values[key]  # type: ignore[return-value]

    def place(
        self,
        key: Hashable,
        target: Path | str,
        make: Callable[[], bytes],
        reuse: Callable[[], FileEntry | None] | None = None,
    ) -> FileEntry:
        """Write ``target`` with the bytes ``make()`` gives, or link it to the file already
        made for ``key`` (in this build, else by ``reuse()``: from the current build); return
        its entry (size and SHA-256)."""
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        return self.place_in(key, os.fspath(target), make, reuse, fresh=False)

    def place_in(
        self,
        key: Hashable,
        target: str,
        make: Callable[[], bytes],
        reuse: Callable[[], FileEntry | None] | None = None,
        fresh: bool = False,
    ) -> FileEntry:
        """``place`` into a folder that exists; ``fresh``: nothing is at ``target`` yet (a
        bundle written into a new folder, each path once), so there is nothing to unlink."""
        if not fresh:  # the target may be a link to another site's file: never write through
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        known = self.made.get(key)
        if known is not None:
            first, entry = known
            try:
                os.link(first, target)
                self.reused += 1
                return entry
            except FileNotFoundError:  # the first file is gone (its bundle was removed)
                del self.made[key]
            except OSError:  # another file system, or one without hard links
                shutil.copyfile(first, target)
                self.reused += 1
                return entry
        entry_found = reuse() if reuse is not None else None
        if entry_found is not None:
            self.made[key] = (target, entry_found)
            return entry_found
        data = self.ready.pop(key, None)
        if data is None:
            data = make()
        else:
            self.made_ahead += 1
        with open(target, "wb") as handle:
            handle.write(data)
        entry = file_entry(data)
        self.made[key] = (target, entry)
        return entry
