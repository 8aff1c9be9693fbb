"""The Pagefind search index of the website, in shards made again only when their pages change.

Pagefind has no incremental mode: it indexes every page it is given. So the pages it indexes
(those with ``data-pagefind-body``: the item pages, in every language) are cut into shards by
a hash of the item's address without its language folder (``contract.manifest.hash_bin``, the
rule of the kiosk manifest's parts: every language of one item falls in the same shard, so a
one-item edit changes one shard). A shard is a Pagefind bundle in ``pagefind/s/<digest>/``,
named by the digest of its inputs (Pagefind's version and command, the shard rules, the names
and bytes of its pages): a build takes the folder of that name from the current build when it
is there (hard links) and runs Pagefind only for the others. A clean build writes the same
names and bytes (Pagefind's output is a function of its pages; ``pagefind-entry.json`` is
rewritten with sorted keys, Pagefind lists languages in hash-map order).

``pagefind/shards.json`` lists, per language, the shards that hold pages in it; the search page
(``theme/static/js/search.js``) opens the first and merges the others (``mergeIndex``), each
marked with a ``shard`` filter. Every indexed page is in exactly one shard; Pagefind ignores a
query word an index does not hold, so the page filters out the shards lacking a word another
shard holds, as one index would have required it: a search finds the pages one index over the
whole site finds. What can still differ: the order (a page is scored against its own shard's
word statistics), and a word no page begins with, which Pagefind matches by the longest word
that begins it, per shard.

This module plans (pure: pages' bytes in, shards out) and runs Pagefind on one shard; the
background job around it is ``p2f_web.search_job``. It does not decide what is indexed inside
a page: the templates do, with ``data-pagefind-body`` and ``data-pagefind-ignore``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from p2f_build.cache import key
from p2f_model.vocabulary import TRANSLATION_LANGUAGES
from p2f_player.contract.manifest import bins_for, hash_bin

FORMAT = "2"  # bump when what a shard folder holds changes: every shard is made again
SEARCH_FOLDER = "pagefind"
SHARDS_FOLDER = "s"  # pagefind/s/<digest>/
MANIFEST = "shards.json"  # pagefind/shards.json
ENTRY = "pagefind-entry.json"
INDEXED = b"data-pagefind-body"
PAGE_DIGESTS = "search-pages.json"  # beside site/ in a build folder: ``scan_pages``'s record
NOT_SCANNED = ("d", SEARCH_FOLDER)  # deep-link landings (not indexed) and the index itself
MIN_SHARDS = 4
# Pages per shard: measured at 5,000 documents (7,420 indexed pages), one shard of ~230 pages
# costs Pagefind ~0.35 s CPU, of ~460 pages ~0.65 s, a whole index ~9.8 s; each shard adds a
# few requests to a search (its entry, its metadata, one index chunk per word).
PAGES_PER_SHARD = 500
# Files of a Pagefind bundle that our search page never loads (Pagefind's own UIs).
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
    "pagefind-worker.js",  # the search page runs Pagefind on its own thread (search.js)
)


class SearchIndexError(RuntimeError):
    """Pagefind failed or wrote no index: the site would have a search page that finds nothing."""


@dataclass(frozen=True)
class Shard:
    """Pages indexed together; ``name`` is the digest of everything its bundle is made from."""

    name: str
    pages: tuple[str, ...]  # paths relative to the site, sorted

    @property
    def folder(self) -> str:
        return f"{SEARCH_FOLDER}/{SHARDS_FOLDER}/{self.name}"


def shard_key(page: str) -> str:
    """The address a page is binned by: its path without the language folder."""
    first, _, rest = page.partition("/")
    return rest if first in TRANSLATION_LANGUAGES and rest else page


def plan_shards(pages: Mapping[str, str], tool: str) -> list[Shard]:
    """Cut ``pages`` (path -> SHA-256 of its bytes, only pages Pagefind indexes) into shards,
    sorted by name.

    ``tool`` names the Pagefind that will run (version and command): another Pagefind, other
    shards.
    """
    bins = bins_for(len(pages), MIN_SHARDS, PAGES_PER_SHARD)
    groups: dict[str, list[str]] = {}
    for page in sorted(pages):
        groups.setdefault(hash_bin(shard_key(page), bins), []).append(page)
    shards = []
    for part, members in groups.items():
        digests = (f"{p}={pages[p]}" for p in members)
        name = key("pagefind-shard", FORMAT, tool, str(bins), part, *digests)[:24]
        shards.append(Shard(name, tuple(members)))
    return sorted(shards, key=lambda shard: shard.name)


def manifest(entries: Mapping[str, Mapping[str, Any]]) -> bytes:
    """``shards.json``: language -> the shard folders (URLs) with pages in it, sorted."""
    languages: dict[str, list[str]] = {}
    for name in sorted(entries):
        for lang in sorted(entries[name].get("languages", {})):
            languages.setdefault(lang, []).append(f"/{SEARCH_FOLDER}/{SHARDS_FOLDER}/{name}/")
    return json.dumps({"format": 1, "languages": languages}, sort_keys=True).encode() + b"\n"


# ---------------------------------------------------------------------------------------
# Files and processes


def indexed_pages(site: Path) -> dict[str, str]:
    """Every page of ``site`` Pagefind indexes (with ``data-pagefind-body``), path -> the
    SHA-256 of its bytes (the bytes are not kept: 83 MB at 5,000 documents)."""
    return scan_pages(site)[0]


def scan_pages(
    site: Path, known: Mapping[str, Any] | None = None
) -> tuple[dict[str, str], dict[str, Any]]:
    """``indexed_pages``, and what to give the next build as ``known`` (``PAGE_DIGESTS``).

    ``known``: the same, from the current build. A page that is the very file the current
    build had (the same inode on the same device: the page writer hard-linked it, and a
    finished build is never written into) has the bytes it had then: its digest is taken
    from ``known`` instead of reading it (at 5,000 documents an edit build read ~7,400 pages,
    83 MB, ~0.5 s CPU). The inode comes with the folder listing: no system call per page."""
    if not site.is_dir():
        raise SearchIndexError(f"pagefind: no site to index at {site}")
    device = os.stat(site).st_dev
    before: Mapping[str, Any] = {}
    if known is not None and known.get("device") == device:
        before = known.get("pages") or {}
    found: dict[str, str] = {}
    seen: dict[str, list[Any]] = {}
    root = str(site)
    for entry in _html_files(root):
        page = entry.path[len(root) + 1 :].replace(os.sep, "/")
        inode, old = entry.inode(), before.get(page)
        if isinstance(old, list) and len(old) == 2 and old[0] == inode:
            digest = str(old[1])
        else:
            with open(entry.path, "rb") as handle:
                data = handle.read()
            digest = hashlib.sha256(data).hexdigest() if INDEXED in data else ""
        seen[page] = [inode, digest]
        if digest:
            found[page] = digest
    return found, {"device": device, "pages": seen}


def _html_files(root: str) -> Iterable[os.DirEntry[str]]:
    """The ``.html`` files under ``root``, but for the folders in ``NOT_SCANNED`` at its top."""
    folders = [root]
    while folders:
        folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if folder != root or entry.name not in NOT_SCANNED:
                        folders.append(entry.path)
                elif entry.name.endswith(".html"):
                    yield entry


def tool_of(command: Sequence[str]) -> tuple[list[str], str]:
    """The command to run for each shard, and what names the tool in shard digests.

    ``python -m pagefind`` (the default) is resolved once to the binary it starts: a Python
    start per shard costs more than indexing a small shard.
    """
    version = _version()
    if list(command[1:]) == ["-m", "pagefind"]:
        binary = _pagefind_binary()
        if binary is not None:
            return [binary], f"pagefind {version}"
    return list(command), f"pagefind {version}: {' '.join(command)}"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


def _pagefind_binary() -> str | None:
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            module = __import__(package)
            return str(module.get_executable().resolve())
        except (ImportError, FileNotFoundError):
            continue
    return None


def link_tree(source: Path, target: Path) -> None:
    """``target`` made of hard links to the files under ``source`` (copies where no link)."""
    for folder, _dirs, names in os.walk(source):
        into = target / os.path.relpath(folder, source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            try:
                os.link(os.path.join(folder, name), into / name)
            except FileExistsError:
                raise
            except OSError:  # another file system: copy
                shutil.copyfile(os.path.join(folder, name), into / name)


def link_pages(site: Path, pages: Iterable[str], target: Path) -> None:
    """The input of one Pagefind run: ``pages`` at their paths under ``target`` (hard links)."""
    shutil.rmtree(target, ignore_errors=True)
    for page in pages:
        path = target / page
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site / page, path)
        except FileExistsError:
            raise
        except OSError:  # another file system: copy
            shutil.copyfile(site / page, path)


def tidy_bundle(bundle: Path) -> dict[str, Any]:
    """Make a shard's bundle what the site serves; returns its entry.

    Removes Pagefind's UIs and the WebAssembly of languages it has no index in, and writes the
    entry with sorted keys (Pagefind orders languages by hash: bytes would differ run to run).

    Raises:
        SearchIndexError: the bundle has no readable entry.
    """
    path = bundle / ENTRY
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SearchIndexError(f"pagefind wrote no index in {bundle}: {error}") from error
    used = {
        f"wasm.{lang.get('wasm') or 'unknown'}.pagefind" for lang in entry["languages"].values()
    }
    for file in bundle.iterdir():
        if file.name in UNUSED or (file.name.startswith("wasm.") and file.name not in used):
            file.unlink()
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(
        json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")), "utf-8"
    )
    os.replace(temporary, path)  # a new file: never write through a hard link
    return dict(entry)


def default_command() -> tuple[str, ...]:
    return (sys.executable, "-m", "pagefind")
