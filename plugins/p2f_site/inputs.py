"""Read a build's inputs once and digest them (``p2f_build.cache.Inputs``): the I/O edge of the
incremental build.

``scan`` runs before Pelican: it hashes the bytes of every content file, of the code and of the
theme, and folds the settings and the build moment in. ``fingerprint`` covers everything a
build reads: two builds with the same fingerprint write the same bytes, so a rebuild with the
fingerprint of the current build has nothing to do. Item digests need the corpus (which files
belong to which item): ``inputs_for`` makes them once it is loaded.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from p2f_build import build_time
from p2f_build.cache import Inputs, file_digests, key, tree_digest
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
# Settings that name this build's own folders or objects, not what it is built from.
NOT_INPUTS = frozenset({"OUTPUT_PATH", "P2F_KIOSK_PATH", "P2F_CACHE", "P2F_BUILD_CACHE",
                        "P2F_INPUTS", "P2F_SCAN", "P2F_PAGE_RECORDS", "P2F_NEW_PAGE_RECORDS",
                        "P2F_PREVIOUS_SITE", "P2F_STAGING", "P2F_TRASH_PATH",
                        "P2F_BYTECODE_CACHE"})  # fmt: skip


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


def scan(settings: dict[str, Any]) -> Scan:
    """Digest everything the build reads, from the settings it runs with."""
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
    return Scan(code, globals_, templates, file_digests(content))


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
