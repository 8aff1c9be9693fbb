"""The website half of a publish: ``site/<path>`` copies made from content-addressed objects.

Every website file is first stored as ``objects/<sha256>`` (by ``publish.upload_objects``), and
a text file worth compressing also as ``objects/<sha256>.gz`` (its gzip form, named by the hash
of the plain bytes). Browsers fetch ``site/<path>``; this module makes those keys match a
release by server-side copies (no upload on S3), in an order chosen so that what visitors see
stays coherent:

1. ``site/releases/<release>.json``: the release's index, ``{path: sha}`` and the paths served
   compressed, cut into content-addressed parts (``site_index``) so that a one-page change
   uploads one small part, not the whole index;
2. changed non-HTML files (images, styles: new names mostly, so nobody sees them yet);
3. changed HTML pages, entry pages (``index.html``, ``<lang>/index.html``) last;
4. ``site/live.json`` (which release is live), then paths the release dropped are removed.

A path served compressed is copied with ``gzip_source`` (``Store.copy``): on S3 the key holds
the gzip bytes with ``Content-Encoding: gzip``; a folder store writes the plain file and a
``<path>.gz`` sibling (nginx ``gzip_static``). Kiosk objects are never touched: a player checks
the exact bytes of ``objects/<sha256>``.

Limit (documented in docs/publishing.md): plain object storage has no pointer swap for a whole
folder, so a publish killed during step 3 leaves some pages new and some old, each page whole.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p2f_publish import layout, site_index
from p2f_publish.errors import NotFound, PublishError
from p2f_publish.site_index import SiteIndex
from p2f_publish.stores import GZIP_SIBLING, Store

SHORT_SUFFIXES = (".html", ".xml", ".json", ".ics", ".webmanifest", ".txt")

# Served gzip-compressed when larger than GZIP_MIN_BYTES and at least GZIP_MIN_SAVING smaller.
COMPRESSIBLE_TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",  # what ``layout`` gives .js
        "application/javascript",
        "application/json",
        "application/xml",
        "application/atom+xml",
        "text/calendar",
        "application/geo+json",
        "image/svg+xml",
        "text/plain",
    }
)
GZIP_MIN_BYTES = 1024
GZIP_MIN_SAVING = 0.10


def gzip_form(path: str, data: bytes) -> bytes | None:
    """``data`` gzip-compressed if it is worth serving so, else None.

    Worth it: a text type (by the name), more than 1 KB, and at least 10 % smaller. The
    output is deterministic (level 9, no file name, mtime 0): the same bytes give the same
    gzip bytes on one machine; the store names it by the hash of the plain bytes anyway.
    """
    media = layout.content_type(path).split(";", 1)[0].strip()
    if media not in COMPRESSIBLE_TYPES or len(data) <= GZIP_MIN_BYTES:
        return None
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    return packed if len(packed) <= len(data) * (1 - GZIP_MIN_SAVING) else None


@dataclass(frozen=True)
class SiteFiles:
    root: Path
    files: dict[str, str]  # path -> sha256 of the built bytes
    gzipped: frozenset[str] = frozenset()  # paths served gzip-compressed
    packed: dict[str, bytes] = field(default_factory=dict)  # sha256 -> its gzip form


def worth_trying(path: str, size: int) -> bool:
    """Whether ``gzip_form`` could compress a file: a text type and more than 1 KB."""
    media = layout.content_type(path).split(";", 1)[0].strip()
    return media in COMPRESSIBLE_TYPES and size > GZIP_MIN_BYTES


def read_site(site_dir: Path, present: Iterable[str] = ()) -> SiteFiles:
    """Hash every file of the built website; compress those worth it (``gzip_form``).

    ``present`` is what ``objects/`` already holds: a file whose gzip form is stored already
    (``<sha256>.gz``) was found worth compressing when it was first published, and is not
    compressed again, so a publish compresses only new bytes (level 9 over a 20,000-document
    website takes minutes).
    """
    if not site_dir.is_dir():
        raise PublishError(f"{site_dir}: no website built: run `invoke build` first")
    stored = frozenset(present)
    files: dict[str, str] = {}
    forms: dict[str, bytes | None] = {}  # None: compressed form already stored
    for path in sorted(site_dir.rglob("*")):
        if path.is_symlink():  # a build never makes one: it would publish what it points to
            raise PublishError(
                f"{path}: a symlink in the built website: refusing to publish what it points "
                "to; run `invoke check` and `invoke build` again"
            )
        if not path.is_file():
            continue
        name = path.relative_to(site_dir).as_posix()
        data = path.read_bytes()
        sha = files[name] = hashlib.sha256(data).hexdigest()
        if not worth_trying(name, len(data)):
            continue
        if sha + layout.GZIP_SUFFIX in stored:
            forms[name] = None
            continue
        packed = gzip_form(name, data)
        if packed is not None:
            forms[name] = packed
    # a built ``x.gz`` next to ``x`` wins: ``x`` is then served plain
    gzipped = frozenset(name for name in forms if name + GZIP_SIBLING not in files)
    packed_by_sha = {files[n]: p for n in sorted(gzipped) if (p := forms[n]) is not None}
    return SiteFiles(site_dir, files, gzipped, packed_by_sha)


def stored_index(site: SiteFiles) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The index of ``site`` as stored (without its release) and its part objects."""
    return site_index.split(SiteIndex(site.files, site.gzipped))


def live_document(store: Store) -> dict[str, Any] | None:
    """The stored index of the live website (``site/live.json``), None before the first."""
    try:
        document: dict[str, Any] = json.loads(store.get(layout.SITE_LIVE))
    except NotFound:
        return None
    return document


def load_index(
    store: Store, document: Mapping[str, Any], names: Iterable[str] | None = None
) -> SiteIndex:
    """The index a stored ``document`` describes, its parts read from ``store`` (only the
    parts ``names`` when given). Raises ``PublishError`` when a part is missing or bad."""
    if "files" in document:  # written before parts existed
        return SiteIndex.of(document)
    refs = document.get("parts", {})
    wanted = refs if names is None else {n: refs[n] for n in names if n in refs}
    parts = []
    for name, ref in sorted(wanted.items()):
        try:
            data = store.get(layout.object_key(ref["sha256"]))
            parts.append(site_index.read_part(name, data, ref["sha256"]))
        except (NotFound, ValueError) as error:
            raise PublishError(
                f"{store.url}: website release {document.get('release')}: {error}: "
                "publish the website again"
            ) from None
    return site_index.merged(parts)


def live_index(store: Store) -> dict[str, str]:
    """The ``{path: sha}`` of the live website, empty before the first publish."""
    document = live_document(store)
    return {} if document is None else load_index(store, document).files


def objects_used(store: Store, index: Mapping[str, Any]) -> set[str]:
    """The names under ``objects/`` a stored website index needs: its parts, and ``<sha>`` and
    ``<sha>.gz`` of its files."""
    site = load_index(store, index)
    names = set(site_index.parts_of(index).values())
    names.update(site.files.values())
    names.update(site.files[path] + layout.GZIP_SUFFIX for path in site.gzipped)
    return names


def cache_control(path: str) -> str:
    """HTML and feeds change under the same name: short cache; other files rarely do."""
    return layout.SHORT if path.endswith(SHORT_SUFFIXES) else "public, max-age=3600"


def publish_site(store: Store, site: SiteFiles, release: str, say: Callable[[str], None]) -> int:
    """Make ``site/`` serve ``site.files``; return the number of pages copied.

    The index parts must be stored already (``publish.upload_objects``). Only the parts
    whose hash changed are read back and compared, path by path.
    """
    document = live_document(store)
    stored, _parts = stored_index(site)
    wanted = SiteIndex(site.files, site.gzipped)
    current = SiteIndex()
    if document is not None:
        changed = site_index.changed_parts(stored, document)
        if changed == set():
            say("website unchanged")
            return 0
        current = load_index(store, document, changed)
        if changed is not None:
            bins = stored["bins"]
            wanted = wanted.restricted(
                p for p in site.files if site_index.part_name(p, bins) in changed
            )
        elif current == wanted:
            say("website unchanged")
            return 0
    index = json.dumps({"release": release, **stored}, sort_keys=True).encode()
    store.put(
        layout.site_release_key(release),
        index,
        content_type=layout.MANIFEST_TYPE,
        cache_control=layout.IMMUTABLE,
    )
    copied = apply_index(store, wanted, current)
    store.put(
        layout.SITE_LIVE, index, content_type=layout.MANIFEST_TYPE, cache_control=layout.SHORT
    )
    store.delete(_dropped_keys(wanted, current))
    say(f"website: release {release} live, {copied} files changed")
    return copied


def apply_index(store: Store, wanted: SiteIndex, current: SiteIndex) -> int:
    """Copy each changed path from its object, in the safe order; return how many.

    A path changes when its bytes do, or when it goes from plain to compressed or back.
    """
    changed = [
        path
        for path, sha in wanted.files.items()
        if current.files.get(path) != sha or (path in wanted.gzipped) != (path in current.gzipped)
    ]
    changed.sort(key=lambda p: (p.endswith(".html"), layout.is_entry_page(p), p))
    for path in changed:
        sha = wanted.files[path]
        compressed = path in wanted.gzipped
        store.copy(
            layout.object_key(sha),
            layout.site_key(path),
            content_type=layout.content_type(path),
            cache_control=cache_control(path),
            gzip_source=layout.gzip_object_key(sha) if compressed else None,
        )
        stale = _stale_siblings([path], wanted, current)
        if stale:
            store.delete(stale)
    return len(changed)


def _stale_siblings(paths: Iterable[str], wanted: SiteIndex, current: SiteIndex) -> list[str]:
    """The ``site/<path>.gz`` a folder store wrote for paths no longer served compressed
    (keys that never exist on S3, where deleting them does nothing)."""
    return [
        layout.site_key(path + GZIP_SIBLING)
        for path in paths
        if path in current.gzipped
        and path not in wanted.gzipped
        and path + GZIP_SIBLING not in wanted.files
    ]


def _dropped_keys(wanted: SiteIndex, current: SiteIndex) -> list[str]:
    dropped = sorted(set(current.files) - set(wanted.files))
    return [layout.site_key(path) for path in dropped] + _stale_siblings(dropped, wanted, current)


def rollback_site(store: Store, release: str) -> int:
    """Make an earlier website release live again (no upload); return files copied."""
    try:
        index = json.loads(store.get(layout.site_release_key(release)))
    except NotFound:
        raise PublishError(f"website release {release} is not kept in {store.url}") from None
    document = live_document(store)
    current = SiteIndex() if document is None else load_index(store, document)
    wanted = load_index(store, index)
    copied = apply_index(store, wanted, current)
    store.put(
        layout.SITE_LIVE,
        json.dumps(index, sort_keys=True).encode(),
        content_type=layout.MANIFEST_TYPE,
        cache_control=layout.SHORT,
    )
    store.delete(_dropped_keys(wanted, current))
    return copied
