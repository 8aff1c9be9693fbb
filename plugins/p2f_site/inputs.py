"""Read a build's inputs once and digest them (``p2f_build.cache.Inputs``): the I/O edge of the
incremental build.

``scan`` runs before Pelican: it hashes the bytes of every content file, of the code and of the
theme, and folds the settings and the build moment in. ``fingerprint`` covers everything a
build reads: two builds with the same fingerprint write the same bytes, so a rebuild with the
fingerprint of the current build has nothing to do. Item digests need the corpus (which files
belong to which item): ``inputs_for`` makes them once it is loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from p2f_build import build_time
from p2f_build.cache import SKIPPED, Inputs, key, tree_digest

if TYPE_CHECKING:  # the schemas are not imported by a rebuild with no change
    from p2f_model.corpus import Corpus

PROJECT = Path(__file__).resolve().parents[2]
# The code a build runs: the packages the website and kiosk plugins import (tests/site/
# test_incremental.py checks that importing the plugins loads nothing from elsewhere in the
# project). Other packages (office, publish, importers) change without changing any output.
BUILD_PACKAGES = ("p2f_build", "p2f_model", "p2f_site", "p2f_kiosk", "p2f_web", "p2f_editorial")
CODE = (
    *(PROJECT / "plugins" / name for name in BUILD_PACKAGES),
    PROJECT / "player" / "p2f_player" / "__init__.py",
    PROJECT / "player" / "p2f_player" / "contract",
)
LIBRARIES = ("pelican", "markdown", "nh3", "jinja2", "markupsafe", "babel", "pydantic", "pillow",
             "pyyaml", "opening_hours_py", "segno", "pagefind", "holidays")  # fmt: skip
STATS = "content-stats.json"  # in the build cache's folder: ``content_digests``' notes
SETTLED_NS = 2_000_000_000  # a file changed this close to a scan is read again by the next
# Settings that name this build's own folders or objects, not what it is built from.
NOT_INPUTS = frozenset({"OUTPUT_PATH", "P2F_KIOSK_PATH", "P2F_CACHE", "P2F_BUILD_CACHE",
                        "P2F_INPUTS", "P2F_SCAN", "P2F_PAGE_RECORDS", "P2F_NEW_PAGE_RECORDS",
                        "P2F_PREVIOUS_SITE", "P2F_STAGING", "P2F_TRASH_PATH",
                        "P2F_BYTECODE_CACHE", "P2F_GC_FREEZE"})  # fmt: skip


@dataclass(frozen=True)
class Scan:
    code: str
    globals: str
    templates: str
    files: dict[str, str]  # absolute path under the content folder -> digest of its bytes

    @property
    def fingerprint(self) -> str:
        return key(
            self.globals, self.templates, *(f"{p}={d}" for p, d in sorted(self.files.items()))
        )


def _libraries() -> list[str]:
    versions = [sys.version]
    for name in LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    return versions


def content_digests(root: Path, stats: Path | None, now_ns: int) -> dict[str, str]:
    """``file_digests(root)``, reading again only the files whose size, times or inode differ
    from what ``stats`` (a JSON file in the build cache's folder) noted at an earlier scan.

    Reading and hashing the 5,000 files of the bench corpus cost ~0.09 s of CPU and 0.3 s of
    wall time per build, the build with no change included; their ``lstat`` ~0.02 s. A write
    always sets a file's ``ctime`` (``touch`` or a restored ``mtime`` cannot set it back), so
    a file with the same ``ctime``, ``mtime``, size and inode has the bytes noted. A file
    changed less than ``SETTLED_NS`` before ``now_ns`` is not noted (a second write within the
    file system clock's tick would keep its times): the next scan reads it again.
    """
    known = _load_stats(stats)
    found: dict[str, str] = {}
    noted: dict[str, list[Any]] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.endswith(SKIPPED) and d not in SKIPPED)
        for name in names:
            path = os.path.join(folder, name)
            facts = os.lstat(path)
            if stat.S_ISLNK(facts.st_mode):
                found[path] = "link:" + os.readlink(path)
                continue
            seen = [facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns, facts.st_ino]
            entry = known.get(path)
            if entry is not None and entry[:4] == seen:
                digest = str(entry[4])
            else:
                with open(path, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            found[path] = digest
            if now_ns - facts.st_ctime_ns > SETTLED_NS:
                noted[path] = [*seen, digest]
        for name in dirs:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                found[path] = "link:" + os.readlink(path)
    if stats is not None and noted != known:
        _save_stats(stats, noted)
    return found


def _load_stats(stats: Path | None) -> dict[str, list[Any]]:
    try:
        loaded = json.loads(stats.read_bytes()) if stats is not None else {}
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: every file is read, the file written again
    return loaded if isinstance(loaded, dict) else {}


def _save_stats(stats: Path, noted: dict[str, list[Any]]) -> None:
    temporary = stats.with_name(f"{stats.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(noted), encoding="utf-8")
        os.replace(temporary, stats)
    except OSError:  # the cache folder removed meanwhile, a full disk: read them next time
        temporary.unlink(missing_ok=True)


def scan(settings: dict[str, Any], stats: Path | None = None) -> Scan:
    """Digest everything the build reads, from the settings it runs with (``stats``: where
    ``content_digests`` keeps what it noted of the content files; None: read them all)."""
    code = key(*(tree_digest(root) for root in CODE), *_libraries())
    plain = {k: v for k, v in settings.items() if k not in NOT_INPUTS}
    environment = {k: v for k, v in sorted(os.environ.items()) if k.startswith("P2F_")}
    theme = Path(settings["THEME"])
    modules = Path(settings.get("P2F_NODE_MODULES", PROJECT / "node_modules"))
    globals_ = key(
        code,
        json.dumps(plain, sort_keys=True, default=repr),
        build_time(settings).isoformat(),
        json.dumps(environment),
        tree_digest(theme / "translations"),
        tree_digest(theme / "static"),
        *(tree_digest(modules / name) for name in ("leaflet", "opening_hours", "suncalc")),
    )
    templates = key(tree_digest(theme / "templates"), tree_digest(theme / "kiosk"))
    content = Path(settings["PATH"]).resolve()
    return Scan(code, globals_, templates, content_digests(content, stats, time.time_ns()))


def inputs_for(found: Scan, corpus: Corpus, base: Path) -> Inputs:
    """The ``Inputs`` of a build once its corpus is loaded (``base``: what item paths are
    relative to)."""
    items: dict[str, str] = {}
    owned: set[str] = set()
    for slug, item in dict.items(corpus.items):
        paths = sorted(str(base / text.path) for text in item.texts.values())
        owned.update(paths)
        items[slug] = key(*(f"{p}={found.files.get(p, 'missing')}" for p in paths))
    others = key(*(f"{p}={d}" for p, d in sorted(found.files.items()) if p not in owned))
    content = key(*(f"{p}={d}" for p, d in sorted(found.files.items())))
    return Inputs(found.code, found.globals, content, others, items)
