"""Files of the current build's bundle reused as they are when their inputs did not change.

With the build cache (``invoke build``, ``livereload``), each file of a bundle gets a *file
key*: a digest of everything its bytes depend on. Slides, item pages and pictures get theirs
from ``SharedPages.file_key`` and ``SharedFiles.file_key``; the touch directory's lists, home
and search pages, ``now.js``, the search index and its static files from the values they are
made of (``p2f_kiosk.directory``). When a site's bundle is finished, the keys of its files,
each with its size and SHA-256 as written into the manifest, are kept in the build cache under
a digest of the bytes of that manifest. The next build reads the current build's manifest
(``kiosk/<site>/manifest.json``, next to the current ``site/``), finds the record kept for
exactly those bytes, and for a file whose key is the same as its own: hard-links the current
file into the staging bundle and takes its size and SHA-256 from the record, instead of
making, writing and hashing it again.

What it never trusts: a file with no recorded key, a record kept for other manifest bytes (a
bundle changed by hand, a build without cache), a file that is not a regular file or whose size
is not the recorded one. Then the file is made as in a clean build. The manifest itself and
``assets/kiosk.css`` are always written again. A file that the new build does not produce is
simply not carried over. Nothing here renders; nothing writes into the current build (a hard
link adds a name, and the bundle writers never write through one).

**The spare: the build before, recycled in place.** Linking each unchanged file still costs a
``link`` and an ``lstat`` per file (~82,000 at 5,000 documents, ~2.5 s after a one-item
edit). So the bundles of the build that the current one replaced are not deleted: they are
kept aside (``p2f_site.spare``) and become the next build's staging bundles. There, a file
whose recorded key is the new one is simply left where it is (``PreviousBundle.keep``: no
system call); a changed file is unlinked and made or linked as above; at the end, the files
the new build does not list are removed (``stale_paths``). The records of the current build's
bundles are kept one build more for this (``save_keys``).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import shutil
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from p2f_build.cache import BuildCache, Cache, key
from p2f_player.contract.manifest import MANIFEST_NAME, FileEntry

NAMESPACE = "kiosk-files"  # in the build cache: manifest digest -> each file's key and entry


def record_key(manifest: bytes) -> str:
    return key(NAMESPACE, hashlib.sha256(manifest).hexdigest())


@dataclass
class PreviousBundle:
    """One site's bundle in the current build, with the key each of its files was made from."""

    folder: Path
    entries: Mapping[str, FileEntry]
    keys: Mapping[str, str | None]  # path -> key ("" or None: a file made without one)
    linked: int = 0  # files hard-linked (or copied) from it into the new bundle
    kept: int = 0  # files left in place (a spare bundle recycled as the staging bundle)
    record: tuple[str, bytes] | None = None  # its entry in the build cache, to keep it

    def __post_init__(self) -> None:
        self._root = os.fspath(self.folder)  # str paths: this runs for ~80,000 files a build

    def keep(self, path: str, file_key: str) -> FileEntry | None:
        """The entry of ``path`` when this bundle is the staging bundle itself (a spare being
        recycled) and ``path`` was made from ``file_key``: the file stays as it is."""
        if self.keys.get(path) != file_key or not file_key:  # "": made without a key
            return None
        entry = self.entries.get(path)
        if entry is not None:
            self.kept += 1
        return entry

    def stale_paths(self, listed: Mapping[str, object]) -> list[str]:
        """The files of this bundle that are not in ``listed`` (the new bundle's files)."""
        return [path for path in self.entries if path not in listed]

    def reuse(self, path: str, file_key: str, target: Path | str) -> FileEntry | None:
        """Put the current build's ``path`` at ``target`` (nothing there, its folder made) if
        it was made from ``file_key``; return its manifest entry, or None (then the caller
        makes the file)."""
        if self.keys.get(path) != file_key or not file_key:  # "": made without a key
            return None
        entry = self.entries.get(path)
        if entry is None:
            return None
        source = f"{self._root}/{path}"
        try:
            found = os.lstat(source)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode) or found.st_size != entry.size:
            return None
        try:
            os.link(source, target)
        except FileExistsError:  # never write through a link to another file: replace it
            os.unlink(target)
            os.link(source, target)
        except FileNotFoundError:  # the source went away, or the target's folder is not made
            if os.path.isdir(os.path.dirname(target)):
                return None
            os.makedirs(os.path.dirname(target), exist_ok=True)
            return self.reuse(path, file_key, target)
        except OSError:  # another file system, or one without hard links
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            shutil.copyfile(source, target)
        self.linked += 1
        return entry


FORMAT = "p2f-kiosk-files 3"  # a record: marshal (version 4) of (FORMAT, the manifest's SHA-256,
# paths, keys ("" when made without one), sizes, SHA-256s): four tuples, one slot per listed file.
# At 5,000 documents the 12 records are ~15 MB, written and read on every build: tab-separated
# lines cost 0.5 s to read (24 records a build, a ``FileEntry`` and two dict slots per line);
# marshal gives the tuples at C speed and the entries are made only for the files asked for.
# Any other content (an older format, a corrupt record) reads as "no record": every file made.
MARSHAL_VERSION = 4


class RecordedEntries(Mapping[str, FileEntry]):
    """A record's manifest entries by path, each made when asked for (after an edit the
    current build's bundles are asked for a few; the spare's for each file it keeps)."""

    def __init__(self, paths: tuple[str, ...], sizes: tuple[int, ...], shas: tuple[str, ...]):
        self._at = dict(zip(paths, range(len(paths)), strict=True))
        self._sizes, self._shas = sizes, shas

    def __getitem__(self, path: str) -> FileEntry:
        at = self._at[path]
        return FileEntry(self._sizes[at], self._shas[at])

    def get(self, path: str, default: FileEntry | None = None) -> FileEntry | None:  # type: ignore[override]
        at = self._at.get(path)
        return default if at is None else FileEntry(self._sizes[at], self._shas[at])

    def __contains__(self, path: object) -> bool:
        return path in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


def load_previous(folder: Path, stored: bytes | None) -> PreviousBundle | None:
    """The bundle in ``folder`` with its files' keys (``stored``: what ``stored_keys`` found
    for its manifest), or None when they are not known. The record holds each file's manifest
    entry too (as written into those very manifest bytes: parsing a 2 MB manifest again per
    site cost more than reading the record)."""
    digest = _manifest_digest(folder)
    return None if digest is None else _parse(folder, digest, stored)


def load_bundle(cache: Cache, folder: Path) -> PreviousBundle | None:
    """``load_previous(folder, stored_keys(cache, folder))``, reading the manifest once."""
    digest = _manifest_digest(folder)
    if digest is None:
        return None
    return _parse(folder, digest, cache.get(NAMESPACE, key(NAMESPACE, digest)))


def stored_keys(cache: Cache, folder: Path) -> bytes | None:
    """What ``save_keys`` kept for the bundle in ``folder`` (read in the build's process:
    the cache is not shared with worker processes)."""
    digest = _manifest_digest(folder)
    return None if digest is None else cache.get(NAMESPACE, key(NAMESPACE, digest))


def _manifest_digest(folder: Path) -> str | None:
    """The SHA-256 of ``folder``'s manifest, None when there is none (no bundle there)."""
    try:
        return hashlib.sha256((folder / MANIFEST_NAME).read_bytes()).hexdigest()
    except OSError:
        return None


def _parse(folder: Path, digest: str, stored: bytes | None) -> PreviousBundle | None:
    """The record ``stored`` as a bundle, or None: none, recorded for other manifest bytes
    (a bundle changed by hand), by other code (another format), or not a record at all."""
    if stored is None:
        return None
    try:
        record = marshal.loads(stored)
    except (EOFError, ValueError, TypeError):  # what marshal raises for bytes it did not write
        return None
    if type(record) is not tuple or len(record) != 6 or record[:2] != (FORMAT, digest):
        return None
    _, _, paths, keys, sizes, shas = record
    columns = (paths, keys, sizes, shas)
    if any(type(column) is not tuple or len(column) != len(paths) for column in columns):
        return None
    for column, kind in zip(columns, (str, str, int, str), strict=True):
        if not set(map(type, column)) <= {kind}:  # at C speed: ~28,000 values a record
            return None
    return PreviousBundle(
        folder,
        RecordedEntries(paths, sizes, shas),
        dict(zip(paths, keys, strict=True)),
        record=(key(NAMESPACE, digest), stored),
    )


def keys_record(
    manifest: bytes, keys: Mapping[str, str], files: Mapping[str, FileEntry]
) -> tuple[str, bytes]:
    """The cache entry that says which key each file listed in ``manifest`` was made from
    ("" when unknown), with its entry there (``files``: the entries the manifest was written
    with). Every listed file is in it: a spare bundle's stale files are found from it."""
    digest = hashlib.sha256(manifest).hexdigest()
    paths = tuple(files)
    entries = files.values()
    columns = (
        paths,
        tuple([keys.get(path, "") for path in paths]),
        tuple([entry.size for entry in entries]),
        tuple([entry.sha256 for entry in entries]),
    )
    return record_key(manifest), marshal.dumps((FORMAT, digest, *columns), MARSHAL_VERSION)


def save_keys(
    cache: Cache, records: list[tuple[str, bytes]], current: list[PreviousBundle]
) -> None:
    """Keep the new bundles' records and those of the ``current`` build's bundles (they are
    the next build's spare: ``p2f_site.spare``); older builds' bundles are never read again.
    The current build's records are in the cache already (they were read from it): only the
    new ones are written (~1 MB each at 5,000 documents)."""
    if isinstance(cache, BuildCache):
        kept = dict(bundle.record for bundle in current if bundle.record is not None)
        cache.keep_only(NAMESPACE, [*kept, *(entry for entry, _ in records)])
        cache.put_many(NAMESPACE, [(e, value) for e, value in records if kept.get(e) != value])
