"""The persistent build cache: one contract for every step that wants to skip work it did before.

Where it lives: ``build/.cache/cache.sqlite`` (``<output>/.cache/``), next to the builds and
outside every one of them, so the atomic swap of ``build/.current`` never touches it and a
failed build cannot damage it (entries are content-addressed: an entry is right or absent).
Deleting the folder is always safe: the next build is a clean one.

How keys are made: ``key(*parts)`` is the SHA-256 of the parts, each length-prefixed (so
``("ab", "c")`` and ``("a", "bc")`` differ). A step builds its key from the BYTES of what it
reads, never from names or times:

- ``Inputs.globals``: everything every output may depend on — the settings the build runs with,
  the build moment (``P2F_NOW`` or the clock), the territory from the environment, the code of
  every plugin, and the theme's translations and static files. Templates are not in it: each
  step adds the bytes of the templates it renders (``tree_digest``).
- ``Inputs.item(slug)``: the bytes of an item's files, the original and its translations.
- ``Inputs.content``: every content file and image, names and bytes (the whole corpus).

When unsure, a step puts more into its key, never less: a key that misses an input gives a
stale page, a key with one input too many only costs a render.

The API is small: ``get(namespace, key) -> bytes | None`` and ``put(namespace, key, value)``;
``build_cache(settings)`` gives the build's cache, or a ``NullCache`` (always a miss) when the
build runs without one (``P2F_CACHE`` unset: a clean build). Nothing here reads the clock.

Pruning: every edit adds entries (the check's reading of the new bytes, the new body's HTML,
the pages that read the item) and the old ones are never asked for again, so the cache would
grow forever. Each entry carries the number of the last build that used it (read it or wrote
it), counted per namespace: a namespace's count goes up by one at the end of each build that
used the namespace at all. An entry that none of the last ``keep_builds`` builds using its
namespace used is deleted when the build closes the cache. To spare an UPDATE per read, the
mark is the last build of the entry's phase (one build in ``keep_builds // 2``, by key) and
a read marks the entry again only once that is ``keep_builds // 2`` builds old: an entry
unused for ``keep_builds`` builds is always gone, one unused for half as many always kept.
Builds that do not reach a step (a content error stops the build before the pages; a build
with nothing changed stops before everything) do not age that step's entries, and a step that
asks for every current input (the check reads every file, the reader every body) keeps the
current inputs plus the last few versions. What a step skips without asking the cache (the
kiosk's pieces of a page whose file is linked from the current build) ages and goes: a later
build that needs it again makes it again (a miss costs work, never a wrong byte).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

CACHE_FOLDER = ".cache"  # under the build output folder: build/.cache/
DATABASE = "cache.sqlite"
SETTING = "P2F_CACHE"  # settings key: the cache folder (str), absent = no cache
OPENED = "P2F_BUILD_CACHE"  # settings key: the opened cache of the running build
INPUTS = "P2F_INPUTS"  # settings key: the ``Inputs`` digests of the running build
FORMAT = "1"  # bump when the meaning of stored values changes: old entries stop matching
# An entry none of the last KEEP_BUILDS builds using its namespace read or wrote is deleted: a
# reporter's edits (each one new readings, HTML, pages) go after that many builds, and
# switching to another branch for a few builds and back still finds the first one's entries.
KEEP_BUILDS = 8
BATCH = 500  # keys per query of ``get_batch`` (SQLite allows 32,766 parameters; 999 before 3.32)
KEEP_VARIABLE = "P2F_CACHE_KEEP_BUILDS"  # environment: another number (a CI runner, the tests)


def key(*parts: bytes | str) -> str:
    """SHA-256 (hex) of ``parts``, each length-prefixed; str parts are UTF-8."""
    digest = hashlib.sha256(FORMAT.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


SKIPPED = ("__pycache__", ".egg-info", ".pytest_cache", ".mypy_cache", ".ruff_cache")


def file_digests(root: Path) -> dict[str, str]:
    """Absolute path -> SHA-256 of every file under ``root``; a link counts by its target's
    name (the build refuses links; the digest must still change when one appears)."""
    found: dict[str, str] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.endswith(SKIPPED) and d not in SKIPPED)
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                found[path] = "link:" + os.readlink(path)
                continue
            with open(path, "rb") as handle:
                found[path] = hashlib.sha256(handle.read()).hexdigest()
        for name in dirs:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                found[path] = "link:" + os.readlink(path)
    return found


def tree_digest(root: Path) -> str:
    """One digest of a file, or of every file under a folder (relative names and bytes; an
    absent folder is an input too: the digest of nothing)."""
    if root.is_file():
        return key(root.name, hashlib.sha256(root.read_bytes()).hexdigest())
    files = file_digests(root) if root.exists() else {}
    return key(*(f"{os.path.relpath(p, root)}={d}" for p, d in sorted(files.items())))


class Cache(Protocol):
    def get(self, namespace: str, entry: str) -> bytes | None: ...

    def put(self, namespace: str, entry: str, value: bytes) -> None: ...


class NullCache:
    """No cache: every ``get`` misses, every ``put`` is forgotten (clean builds)."""

    def get(self, namespace: str, entry: str) -> bytes | None:
        return None

    def get_batch(self, namespace: str, entries: Iterable[str]) -> dict[str, bytes]:
        return {}

    def put(self, namespace: str, entry: str, value: bytes) -> None:
        return None


class BuildCache:
    """Content-addressed values by (namespace, key) in one SQLite file, pruned by use.

    Writes are grouped in one transaction, committed by ``close()`` (end of a build, failed or
    not: a value stored under its inputs' key is valid whatever happened after). ``close()``
    also marks the entries this build read and deletes those no recent build used (see the
    module's docstring); ``pruned`` counts them.
    """

    def __init__(self, folder: Path, keep_builds: int | None = None) -> None:
        self.keep_builds = keep_builds_from(os.environ) if keep_builds is None else keep_builds
        if self.keep_builds < 1:
            raise ValueError(f"keep_builds must be at least 1, not {self.keep_builds}")
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._db = sqlite3.connect(folder / DATABASE)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS entries (namespace TEXT, key TEXT, value BLOB, "
            "used INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (namespace, key))"
        )
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(entries)")}
        if "used" not in columns:  # a cache made before pruning: its entries count as old
            self._db.execute("ALTER TABLE entries ADD COLUMN used INTEGER NOT NULL DEFAULT 0")
        self._db.execute("CREATE INDEX IF NOT EXISTS entries_used ON entries (namespace, used)")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS builds (namespace TEXT PRIMARY KEY, count INTEGER)"
        )
        # namespace -> number of builds that used it before this one
        self._builds: dict[str, int] = dict(self._db.execute("SELECT namespace, count FROM builds"))
        self._used: dict[str, set[str]] = {}  # namespace -> keys read, to be marked as used
        # A read marks an entry again only once its mark is ``_spread`` builds old: marking
        # every entry read on every build cost an UPDATE per hit (~0.25 s of CPU and a commit
        # of scattered pages for the ~13,000 hits of a one-edit rebuild at 5,000 documents).
        self._spread = max(1, self.keep_builds // 2)
        self.hits = 0
        self.misses = 0
        self.pruned = 0

    def _mark(self, entry: str, build: int) -> int:
        """The mark an entry used by ``build`` gets: the last build up to ``build`` of the
        entry's phase (one build in ``_spread``, by key), so that entries used together are
        marked again on different builds."""
        phase = zlib.crc32(entry.encode()) % self._spread
        return build - (build - phase) % self._spread

    def _build(self, namespace: str) -> int:
        """This build's number for ``namespace`` (the namespace counts as used by it)."""
        self._used.setdefault(namespace, set())
        return self._builds.get(namespace, 0) + 1

    def get(self, namespace: str, entry: str) -> bytes | None:
        row = self._db.execute(
            "SELECT value, used FROM entries WHERE namespace = ? AND key = ?", (namespace, entry)
        ).fetchone()
        build = self._build(namespace)
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        if build - row[1] >= self._spread:
            self._used[namespace].add(entry)
        return bytes(row[0])

    def get_batch(self, namespace: str, entries: Iterable[str]) -> dict[str, bytes]:
        """The values of those of ``entries`` that are kept (one query per 500 keys: a step
        that asks for thousands of keys at once saves a round trip per key)."""
        wanted = list(dict.fromkeys(entries))
        build = self._build(namespace)
        found: dict[str, bytes] = {}
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, value, used FROM entries WHERE namespace = ? AND key IN ({marks})",
                (namespace, *chunk),
            )
            for entry, value, used in rows:
                found[entry] = bytes(value)
                if build - used >= self._spread:
                    self._used[namespace].add(entry)
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def get_many(self, namespace: str) -> dict[str, bytes]:
        """Every entry of ``namespace`` (for steps that look up thousands of keys at once).

        Each counts as read, and is marked again like a ``get`` once its mark is old: marking
        them all on every build rewrote every row of the namespace at ``close()`` (the
        website's ~13,000 cards, 14 MB, on each rebuild)."""
        build = self._build(namespace)
        rows = self._db.execute(
            "SELECT key, value, used FROM entries WHERE namespace = ?", (namespace,)
        )
        found: dict[str, bytes] = {}
        for entry, value, used in rows:
            found[entry] = bytes(value)
            if build - used >= self._spread:
                self._used[namespace].add(entry)
        return found

    def put(self, namespace: str, entry: str, value: bytes) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO entries (namespace, key, value, used) VALUES (?, ?, ?, ?)",
            (namespace, entry, value, self._mark(entry, self._build(namespace))),
        )

    def put_many(self, namespace: str, values: Iterable[tuple[str, bytes]]) -> None:
        build = self._build(namespace)
        self._db.executemany(
            "INSERT OR REPLACE INTO entries (namespace, key, value, used) VALUES (?, ?, ?, ?)",
            ((namespace, entry, value, self._mark(entry, build)) for entry, value in values),
        )

    def keep_only(self, namespace: str, entries: Iterable[str]) -> None:
        """Forget every entry of ``namespace`` but ``entries`` (a step that keeps a few
        entries of its latest states: those it keeps are not written again)."""
        kept = list(dict.fromkeys(entries))
        marks = ",".join("?" * len(kept))
        self._db.execute(
            f"DELETE FROM entries WHERE namespace = ? AND key NOT IN ({marks})", (namespace, *kept)
        )

    def drop(self, namespace: str) -> None:
        """Forget a namespace (a step that keeps only its latest state)."""
        self._db.execute("DELETE FROM entries WHERE namespace = ?", (namespace,))
        self._used.pop(namespace, None)

    def close(self) -> None:
        """Mark what this build used, delete what the last ``keep_builds`` builds of each
        namespace did not use, commit."""
        for namespace, read in self._used.items():
            build = self._build(namespace)
            self._db.executemany(
                "UPDATE entries SET used = ? WHERE namespace = ? AND key = ?",
                ((self._mark(entry, build), namespace, entry) for entry in read),
            )
            gone = self._db.execute(
                "DELETE FROM entries WHERE namespace = ? AND used <= ?",
                (namespace, build - self.keep_builds),
            )
            self.pruned += max(gone.rowcount, 0)
            self._db.execute(
                "INSERT OR REPLACE INTO builds (namespace, count) VALUES (?, ?)", (namespace, build)
            )
        self._db.commit()
        self._db.close()


def keep_builds_from(environ: Mapping[str, str]) -> int:
    """``P2F_CACHE_KEEP_BUILDS`` from ``environ``, or ``KEEP_BUILDS``. Raises ``ValueError``."""
    value = environ.get(KEEP_VARIABLE, "").strip()
    if not value:
        return KEEP_BUILDS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(
            f"{KEEP_VARIABLE}={value!r}: expected a whole number of builds, at least 1 "
            f"(an entry no build of the last that many used is deleted); unset it for "
            f"{KEEP_BUILDS}"
        )
    return int(value)


def build_cache(settings: Mapping[str, Any]) -> BuildCache | NullCache:
    """The running build's cache (opened by ``p2f_site.build``), or a ``NullCache``."""
    opened = settings.get(OPENED)
    return opened if isinstance(opened, BuildCache) else NullCache()


@dataclass(frozen=True)
class Inputs:
    """Digests of a build's inputs, computed once at its start (``p2f_site``'s ``initialized``).

    ``code``: the plugins' code and the libraries' versions (for values that are a pure function
    of content, e.g. rendered Markdown). ``globals``: ``code`` plus settings, build moment,
    environment, the theme's translations and static files, the vendored browser libraries.
    ``content``: every file under the content folder. ``others``: the content files that are not
    an item's (site settings, campaigns, images). ``items``: slug -> its files.
    """

    code: str
    globals: str
    content: str
    others: str
    items: Mapping[str, str] = field(default_factory=dict)

    def item(self, slug: str) -> str:
        return self.items.get(slug, "absent")


def build_inputs(settings: Mapping[str, Any]) -> Inputs | None:
    """The running build's ``Inputs``, None when it runs without a cache."""
    found = settings.get(INPUTS)
    return found if isinstance(found, Inputs) else None
