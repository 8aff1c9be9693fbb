"""The player's local state folder: verified files, complete releases, an atomic switch.

Layout of ``--cache DIR``::

    objects/<sha256>          every verified file, content-addressed, immutable
    objects/.partial/         downloads in progress: never read, removed at start
    releases/<counter>-<id>/  a complete release: ``manifest.json`` (the signed envelope),
                              the slide tree as hard links into ``objects/``, ``COMPLETE``
    releases/.staging-*/      a release being assembled: removed at start
    current -> releases/...   symlink, switched with ``os.replace`` (atomic on POSIX)
    previous -> releases/...  the release before, kept for instant fallback
    state.json                poll ETag, refused envelopes, last sync result
    journal.sqlite            proof of play (``journal.py``)

A power cut at any moment leaves either the old ``current`` or the new one, both complete: a
release directory is renamed into place only after its files and its ``COMPLETE`` marker are
written and flushed. ``recover`` removes whatever was half-written.

Writes that can run out of room go through ``Disk``, the filesystem edge (tests pass a disk
with a quota). It does not verify signatures or hashes of what it is given: ``sync`` does. It
does refuse to turn anything but a checked value into a file name: object names must be 64
hex digits, release paths must pass ``manifest.check_path``, and every file it creates is
created afresh (``O_EXCL|O_NOFOLLOW``), so a name planted in the cache (a symlink, a hard link
to a file elsewhere) is never written through.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from p2f_player.contract import trust
from p2f_player.contract.manifest import (
    MANIFEST_NAME,
    ManifestError,
    check_path,
    check_sha256,
    expand_parts,
    part_objects,
)
from p2f_player.errors import StoreFull

COMPLETE = "COMPLETE"


class Disk:
    """Writes that may fail for lack of room, and the free space left."""

    def write_file(self, path: Path, data: bytes) -> None:
        """Write ``data`` to ``path`` durably and atomically (temporary file, fsync, rename).

        The temporary file is created anew (``O_EXCL|O_NOFOLLOW``): whatever was left under its
        name (a crash's leftover, a planted symlink or hard link) is unlinked, never opened.
        """
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.unlink(missing_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        with os.fdopen(os.open(tmp, flags, 0o644), "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)

    def free_bytes(self, path: Path) -> int:
        return shutil.disk_usage(path).free


@dataclass(frozen=True)
class LocalRelease:
    name: str
    path: Path
    envelope: bytes

    @cached_property
    def document(self) -> dict[str, Any]:
        """The signed document, validated, with its manifest parts expanded from ``objects/``
        (where sync keeps them): ``files`` and ``slides`` in full. Raises ``ManifestError`` if
        it is malformed, ``OSError`` if a part is gone. (``sync.load_playable`` also checks the
        signature before a release is played.)"""
        signed, _ = trust.open_envelope(self.envelope)
        objects = self.path.parent.parent / "objects"
        return expand_parts(signed, lambda sha: (objects / sha).read_bytes())


class Store:
    def __init__(self, root: Path, disk: Disk | None = None, reserve_bytes: int = 0) -> None:
        self.root = root
        self.disk = disk or Disk()
        self.reserve_bytes = reserve_bytes
        self.objects = root / "objects"
        self.releases = root / "releases"
        for folder in (self.objects, self.objects / ".partial", self.releases):
            folder.mkdir(parents=True, exist_ok=True)

    # -- start-up ----------------------------------------------------------------------------

    def recover(self) -> list[str]:
        """Remove half-written work left by a crash; return what was removed (for the log)."""
        removed = []
        for leftover in self.releases.glob(".staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(str(leftover.relative_to(self.root)))
        for leftover in [*(self.objects / ".partial").iterdir(), *self.root.glob(".*.tmp")]:
            leftover.unlink(missing_ok=True)
            removed.append(str(leftover.relative_to(self.root)))
        for link in ("current", "previous"):
            tmp = self.root / f"{link}.tmp"
            if tmp.is_symlink():
                tmp.unlink()
                removed.append(tmp.name)
        return removed

    def release(self, link: str = "current") -> LocalRelease | None:
        """The complete release behind ``current`` (or ``previous``), else ``None``."""
        path = self.root / link
        if not path.is_symlink():
            return None
        target = self.releases / os.readlink(path).split("/")[-1]
        if not (target / COMPLETE).is_file():
            return None
        return LocalRelease(target.name, target, (target / MANIFEST_NAME).read_bytes())

    # -- objects -----------------------------------------------------------------------------

    def object_path(self, sha256: str) -> Path:
        """``objects/<sha256>``; raises ``ManifestError`` unless ``sha256`` is 64 hex digits."""
        return self.objects / check_sha256(sha256, "object")

    def has_object(self, sha256: str) -> bool:
        return self.object_path(sha256).is_file()

    def read_object(self, sha256: str) -> bytes:
        return self.object_path(sha256).read_bytes()

    def add_object(self, sha256: str, data: bytes) -> None:
        """Keep a file already checked against its hash. Raises ``StoreFull``."""
        final = self.object_path(sha256)
        partial = self.objects / ".partial" / sha256
        try:
            self.disk.write_file(partial, data)
            os.replace(partial, final)
        except OSError as error:
            partial.unlink(missing_ok=True)
            _raise_full(error, f"objects/{sha256[:12]}")
            raise

    def check_room(self, needed: int) -> None:
        free = self.disk.free_bytes(self.root)
        if free - needed < self.reserve_bytes:
            raise StoreFull(
                f"{self.root}: {free} bytes free, the release needs {needed} more "
                f"and {self.reserve_bytes} are kept in reserve"
            )

    # -- releases ----------------------------------------------------------------------------

    def install(self, name: str, envelope: bytes, files: Mapping[str, Mapping[str, Any]]) -> Path:
        """Assemble release ``name`` from objects already held, then rename it into place."""
        final = self.releases / name
        if (final / COMPLETE).is_file():
            return final
        shutil.rmtree(final, ignore_errors=True)
        staging = self.releases / f".staging-{name}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir()
            for path, entry in files.items():
                target = staging / check_path(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(self.object_path(entry["sha256"]), target, follow_symlinks=False)
            self.disk.write_file(staging / MANIFEST_NAME, envelope)
            self.disk.write_file(staging / COMPLETE, name.encode())
            _fsync_dir(staging)
            os.rename(staging, final)
            _fsync_dir(self.releases)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            _raise_full(error, f"releases/{name}")
            raise
        return final

    def activate(self, name: str) -> None:
        """Make ``name`` current and the old current previous; each switch is one rename."""
        old = self.release("current")
        if old is not None and old.name != name:
            self._point("previous", old.name)
        self._point("current", name)

    def _point(self, link: str, name: str) -> None:
        tmp = self.root / f"{link}.tmp"
        tmp.unlink(missing_ok=True)
        os.symlink(f"releases/{name}", tmp)
        os.replace(tmp, self.root / link)
        _fsync_dir(self.root)

    def collect_garbage(self) -> int:
        """Remove releases other than current and previous, and objects none of them uses.
        Returns the number of bytes freed."""
        keep = [
            r for r in (self.release("current"), self.release("previous")) if r and _readable(r)
        ]
        names = {r.name for r in keep}
        used = {e["sha256"] for r in keep for e in r.document["files"].values()}
        used.update(sha for r in keep for sha in part_objects(r.document))  # manifest parts
        freed = 0
        for folder in self.releases.iterdir():
            if folder.name not in names and not folder.name.startswith("."):
                shutil.rmtree(folder, ignore_errors=True)
        for obj in self.objects.iterdir():
            if obj.is_file() and obj.name not in used:
                freed += obj.stat().st_size
                obj.unlink()
        return freed

    # -- small state -------------------------------------------------------------------------

    def read_state(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads((self.root / "state.json").read_bytes())
            return state
        except (FileNotFoundError, ValueError):
            return {}

    def write_state(self, state: Mapping[str, Any]) -> None:
        try:
            self.disk.write_file(
                self.root / "state.json", json.dumps(state, sort_keys=True).encode()
            )
        except OSError as error:
            _raise_full(error, "state.json")
            raise


def release_name(document: Mapping[str, Any]) -> str:
    release = document["release"]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(release["id"]))
    return f"{int(release['counter']):08d}-{safe}"


def _readable(release: LocalRelease) -> bool:
    """A release whose document reads back and validates; others are not worth keeping."""
    try:
        return bool(release.document)  # cached: read and validated once
    except (ManifestError, OSError):
        return False


def _raise_full(error: OSError, what: str) -> None:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        raise StoreFull(f"disk full while writing {what}: {error.strerror}") from None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
