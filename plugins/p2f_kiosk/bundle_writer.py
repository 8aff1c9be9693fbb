"""Where a site's bundle is written: each file's bytes, size and hash, and the key of its inputs.

``BundleWriter`` is the bundle's only way to the disk (``p2f_kiosk.bundle`` decides what goes in,
this module how it lands): a file is written, linked from the current build's bundle (same key),
kept in place in the recycled spare (same key), or linked to the file another site made in this
build (``SharedFiles``). ``BundleReport`` counts what the bundle holds, for the build's summary.

The files whose bytes are made here go to the disk through a writer thread (``p2f_build.
write_behind``): the kernel's ~110 us per file created runs beside the rendering of the next
one. Links, removals and the picture files are done here, in the caller's thread, so a path or
folder given to the thread is flushed before any of those touches it (``_target``,
``remove_stale``); the bundle ends with ``close`` (``with BundleWriter(...)``), which waits for
the last write and ends the thread, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from p2f_build.write_behind import WriteBehind
from p2f_kiosk.previous import PreviousBundle
from p2f_kiosk.shared import SharedFiles
from p2f_player.contract.manifest import FileEntry, file_entry


@dataclass
class BundleReport:
    """What a site's bundle holds, for the build's summary."""

    site: str
    slides: int = 0
    pages: int = 0
    directory_pages: int = 0
    files: int = 0  # in the manifest's list (the manifest itself is not one of them)
    left_out: dict[str, int] = field(default_factory=dict)
    bytes_by_part: dict[str, int] = field(default_factory=dict)
    # not in the report file (a clean build and an incremental one write the same bytes):
    written: int = 0  # files made in this build
    linked: int = 0  # files linked from the current build's bundle
    kept: int = 0  # files left in place in the recycled bundle of the build before
    file_keys: tuple[str, bytes] | None = None  # what ``previous.save_keys`` keeps

    def as_dict(self) -> dict[str, Any]:
        return {
            "slides": self.slides,
            "slide_pages": self.pages,
            "directory_pages": self.directory_pages,
            "files": self.files,
            "left_out": dict(sorted(self.left_out.items())),
            "bytes": dict(sorted(self.bytes_by_part.items())),
            "total_bytes": sum(self.bytes_by_part.values()),
        }


class BundleWriter:
    """Writes files of the bundle and remembers each one's size and hash (and, with the build
    cache, the key of its inputs: a file made from the same key in the current build's bundle,
    ``previous``, is linked from there instead: see ``p2f_kiosk.previous``).

    Paths are str and folders are made once per bundle: this runs for each of ~80,000 files of
    a 5,000-document build, where pathlib and a ``mkdir`` per file cost seconds."""

    def __init__(
        self, out: Path, report: BundleReport, shared: SharedFiles,
        previous: PreviousBundle | None = None, spare: PreviousBundle | None = None,
    ) -> None:  # fmt: skip
        self.out, self.report, self.shared, self.previous = out, report, shared, previous
        self.spare = spare  # ``out`` itself holds the build before's bundle: recycled in place
        self.root = os.fspath(out)
        # a new folder holds nothing to unlink before a write (staging bundles are new unless
        # recycled from a spare)
        self.fresh = not os.path.isdir(self.root) or not os.listdir(self.root)
        os.makedirs(self.root, exist_ok=True)
        self.folders: set[str] = {""}  # made in this bundle, relative to ``root``
        if spare is not None:
            self.folders |= {path.rpartition("/")[0] for path in spare.entries}
        self.behind = WriteBehind()
        self.queued: set[str] = set()  # paths given to the writer thread since the last flush
        self.queued_folders: set[str] = set()  # folders it makes, as of the last flush
        self.files: dict[str, FileEntry] = {}
        self.keys: dict[str, str] = {}  # path -> the key of its inputs, where known
        self.templates: dict[str, jinja2.Template] = {}
        self.written = 0  # files whose bytes were made in this build (for the logs, the bench)

    def __enter__(self) -> BundleWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.behind.__exit__(kind, error, trace)

    def flush(self) -> None:
        """Wait until the writer thread has written every file given so far."""
        self.behind.flush()
        self.queued.clear()
        self.queued_folders.clear()

    def close(self) -> None:
        """Wait for the last write and end the writer thread."""
        self.behind.close()
        self.queued.clear()
        self.queued_folders.clear()

    def _target(self, path: str) -> str:
        """Where ``path`` goes, its folder made (once per bundle), for a write, link or removal
        done here: one given to the writer thread before on the same path is done first."""
        folder = path.rpartition("/")[0]
        if path in self.queued:
            self.flush()
        if folder in self.queued_folders:  # the thread may not have made it yet
            os.makedirs(f"{self.root}/{folder}", exist_ok=True)
            self.queued_folders.discard(folder)
        if folder not in self.folders:
            os.makedirs(f"{self.root}/{folder}", exist_ok=True)
            self.folders.add(folder)
        return f"{self.root}/{path}"

    def _write_behind(self, path: str, data: bytes) -> None:
        """Give ``path``'s bytes to the writer thread (its folder made there first, if new)."""
        folder = path.rpartition("/")[0]
        make = None
        if folder not in self.folders:
            make = f"{self.root}/{folder}"
            self.folders.add(folder)
            self.queued_folders.add(folder)
        unlink = path in self.files or not self.fresh  # never write through a hard link
        self.behind.write(f"{self.root}/{path}", data, unlink, make)
        self.queued.add(path)

    def _unlink(self, path: str, target: str) -> None:
        """Never write through a hard link (to another site's file, or the current build's)."""
        if path in self.files or not self.fresh:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)

    def write_last(self, path: str, data: bytes) -> None:
        """Write a file that is not listed (the manifest), never through a link, after every
        other file: the bundle's writes are all done when this returns."""
        self._write_behind(path, data)
        self.close()

    def put(self, path: str, data: bytes) -> None:
        self._write_behind(path, data)
        self.keys.pop(path, None)
        self.written += 1
        self._count(path, file_entry(data))

    def put_made(self, path: str, file_key: str | None, make: Callable[[], bytes]) -> None:
        """``path`` holds ``make()``, whose inputs are all in ``file_key`` (None: unknown)."""
        previous = self.previous
        if file_key is not None and self._kept(path, file_key):
            return
        if file_key is not None and previous is not None and path not in self.files:
            target = self._target(path)
            if not self.fresh:
                self._unlink(path, target)
            entry = previous.reuse(path, file_key, target)
            if entry is not None:
                self.keys[path] = file_key
                self._count(path, entry)
                return
        self.put(path, make())
        if file_key is not None:
            self.keys[path] = file_key

    def put_shared(
        self, path: str, key: Hashable, make: Callable[[], bytes], file_key: str | None = None
    ) -> None:
        """``path`` holds bytes that depend only on ``key``: made once per build (or taken
        from the current build), then linked. ``file_key``: the key of those inputs between
        builds, if not ``SharedFiles.file_key(key)``."""
        if file_key is None:
            file_key = self.shared.file_key(key)
        previous = self.previous
        if file_key is not None and self._kept(path, file_key):
            # other sites made after this one link to it rather than to the current build
            self.shared.made.setdefault(key, (f"{self.root}/{path}", self.files[path]))
            return
        target, reuse = self._target(path), None
        known, root = self.shared.made.get(key), f"{self.root}/"
        if known is not None and known[0].startswith(root) and known[0][len(root) :] in self.queued:
            self.flush()  # linked to a file of this bundle the writer thread may not have written
        if file_key is not None and previous is not None and path not in self.files:
            reuse = lambda: previous.reuse(path, file_key, target)  # noqa: E731
        before = (self.shared.reused, previous.linked if previous is not None else 0)
        fresh = self.fresh and path not in self.files
        self._count(path, self.shared.place_in(key, target, make, reuse, fresh))
        if before == (self.shared.reused, previous.linked if previous is not None else 0):
            self.written += 1  # neither linked to this build's file nor to the current one
        self.keys.pop(path, None)
        if file_key is not None:
            self.keys[path] = file_key

    def put_page(
        self, path: str, key: Hashable, file_key: str | None, make: Callable[[], bytes]
    ) -> None:
        """A page that is the same on several sites (a slide, a touch-directory item page:
        ``p2f_kiosk.directory``'s ``PutShared``), ``key`` all its inputs: linked to the file
        made for ``key`` (another site's in this build, or the current build's) as
        ``put_shared`` does, else made and given to the writer thread, like ``put``."""
        if file_key is not None and self._kept(path, file_key):
            self.shared.made.setdefault(key, (f"{self.root}/{path}", self.files[path]))
            return
        if key in self.shared.made or (
            file_key is not None and self.previous is not None and path not in self.files
        ):
            self.put_shared(path, key, make, file_key)
            return
        data = make()
        self.put(path, data)
        self.shared.made[key] = (f"{self.root}/{path}", self.files[path])
        if file_key is not None:
            self.keys[path] = file_key

    def _kept(self, path: str, file_key: str) -> bool:
        """Whether ``path``, made from ``file_key``, is already in place (a recycled spare's
        file: no system call) and now counted."""
        spare = self.spare
        if spare is None or path in self.files:
            return False
        entry = spare.keep(path, file_key)
        if entry is None:
            return False
        self.keys[path] = file_key
        self._count(path, entry)
        return True

    def remove_stale(self) -> None:
        """Remove the recycled spare's files this bundle does not list, then the folders
        left empty (deepest first: a clean build has no empty folder)."""
        if self.spare is None:
            return
        self.flush()  # a folder emptied of its old files may be about to get a new one
        folders = set()
        for path in self.spare.stale_paths(self.files):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.root}/{path}")
            folder = path.rpartition("/")[0]
            while folder:
                folders.add(folder)
                folder = folder.rpartition("/")[0]
        for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
            with contextlib.suppress(OSError):  # not empty: it holds listed files
                os.rmdir(f"{self.root}/{folder}")

    def template(self, env: jinja2.Environment, name: str) -> jinja2.Template:
        """``env``'s template, looked up once per bundle (``get_template`` stats the file)."""
        if name not in self.templates:
            self.templates[name] = env.get_template(name)
        return self.templates[name]

    def _count(self, path: str, entry: FileEntry) -> None:
        self.files[path] = entry
        part = path.split("/", 1)[0]
        self.report.bytes_by_part[part] = self.report.bytes_by_part.get(part, 0) + entry.size
