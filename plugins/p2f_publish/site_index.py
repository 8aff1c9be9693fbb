"""The website release index in parts: pure, no store, no files.

A website release says what every path serves (``{path: sha256}``) and which paths are served
gzip-compressed. At 20,000 documents that is ~25,000 paths, ~3 MB of JSON: written whole for
every publish (as ``site/releases/<release>.json`` and again as ``site/live.json``), a one-page
edit would upload megabytes. So the index is cut into *parts* by a hash of the path, as the
kiosk manifest is (``p2f_player.contract.manifest.split_into_parts``)::

    site/releases/<release>.json  {"release": id, "bins": n, "parts": {name: {sha256, size}}}
    objects/<sha256>              a part: canonical JSON {"files": {path: sha}, "gzip": [path]}

A changed page changes one part; an unchanged part keeps its hash and is neither uploaded nor
read again. The number of parts grows with the site (a power of two, ~``PART_ENTRIES`` paths
each) so parts stay small: when it doubles, every part is written once anew.

An index written before parts existed (``{"release", "files", "gzip"}``) is still read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from p2f_player.contract.manifest import bins_for, hash_bin

PART_ENTRIES = 64  # paths per part, on average: ~7 KB of JSON


@dataclass(frozen=True)
class SiteIndex:
    """A website release as stored: what each path holds, and which are served compressed."""

    files: dict[str, str] = field(default_factory=dict)
    gzipped: frozenset[str] = frozenset()

    @classmethod
    def of(cls, index: Mapping[str, Any]) -> SiteIndex:
        """From an index holding its files inline (one written before compression has no
        ``gzip``: all plain)."""
        return cls(dict(index["files"]), frozenset(index.get("gzip", ())))

    def restricted(self, paths: Iterable[str]) -> SiteIndex:
        keep = set(paths)
        return SiteIndex({p: s for p, s in self.files.items() if p in keep}, self.gzipped & keep)


def bin_count(paths: int) -> int:
    """Parts for a site of ``paths`` files: the power of two giving ~``PART_ENTRIES`` each."""
    return bins_for(paths, 1, PART_ENTRIES)


def part_name(path: str, bins: int) -> str:
    return hash_bin(path, bins, min_width=1)


def part_bytes(part: SiteIndex) -> bytes:
    """The canonical bytes of a part (sorted keys, no spaces): same part, same hash."""
    content = {"files": part.files, "gzip": sorted(part.gzipped)}
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def split(index: SiteIndex) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The stored form of ``index`` (without its ``release``) and its part objects.

    Returns:
        ``({"bins": n, "parts": {name: {"sha256", "size"}}}, {sha256: bytes})``.
    """
    bins = bin_count(len(index.files))
    groups: dict[str, list[str]] = {}
    for path in index.files:
        groups.setdefault(part_name(path, bins), []).append(path)
    refs: dict[str, dict[str, Any]] = {}
    objects: dict[str, bytes] = {}
    for name, paths in sorted(groups.items()):
        data = part_bytes(index.restricted(paths))
        sha = hashlib.sha256(data).hexdigest()
        objects[sha] = data
        refs[name] = {"sha256": sha, "size": len(data)}
    return {"bins": bins, "parts": refs}, objects


def parts_of(document: Mapping[str, Any]) -> dict[str, str]:
    """``{part name: sha256}`` of a stored index (none for one with its files inline)."""
    return {name: ref["sha256"] for name, ref in document.get("parts", {}).items()}


def changed_parts(wanted: Mapping[str, Any], current: Mapping[str, Any]) -> set[str] | None:
    """The part names whose content differs between two stored indexes cut the same way;
    ``None`` when they are not (a different bin count, or files inline): compare them whole."""
    if "parts" not in current or wanted.get("bins") != current.get("bins"):
        return None
    new, old = parts_of(wanted), parts_of(current)
    return {name for name in set(new) | set(old) if new.get(name) != old.get(name)}


def read_part(name: str, data: bytes, sha256: str) -> SiteIndex:
    """A part's content, checked against its hash. Raises ``ValueError`` with what is wrong."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"website index part {name}: content does not match its hash")
    return SiteIndex.of(json.loads(data))


def merged(parts: Iterable[SiteIndex]) -> SiteIndex:
    files: dict[str, str] = {}
    gzipped: set[str] = set()
    for part in parts:
        files.update(part.files)
        gzipped.update(part.gzipped)
    return SiteIndex(dict(sorted(files.items())), frozenset(gzipped))
