"""The kiosk manifest (DESIGN.md §3.3): one versioned JSON document per site and release.

This module is the single definition of its shape, used by the bundle builder (to write it)
and by the player (to read and verify it). Pure: bytes in, objects out; no files, no clock.

Layout on disk and in storage (``<site>/``)::

    manifest.json            the document below, written last
    slides/<id>.<lang>.html  one page per slide and language
    assets/...               images and styles the slides use

The document::

    {"schema": "livep2f-kiosk-manifest/1",
     "site": {...profile...},
     "release": {"id": str, "counter": int, "created": iso, "expires": iso},
     "slides": [{"id", "kind", "titles": {lang: str}, "pages": {lang: path},
                 "rules": {...rules.to_json()...}, "window": {"from": iso, "until": iso} | null,
                 "sponsor": partner-slug | null, "interrupt": bool,
                 "deep_links": {lang: url}}],
     "sponsors": {partner-slug: share of each hour},
     "directory": {lang: path of the touch directory's entry page},
     "files": {path: {"size": int, "sha256": hex}}}

That is the *full* form, written by the bundle builder. What is published and signed is the
*parts* form (``split_into_parts``): ``files`` and ``slides``, which make up nearly all of the
document, are cut into content-addressed parts, so that changing one item changes one small
part instead of the whole signed document (TUF's hashed bins, in spirit)::

     "file_parts":  {part name: {"size": int, "sha256": hex}},  each part {path: {size, sha256}}
     "slide_parts": {part name: {"size": int, "sha256": hex}},  each part {slide id: slide}
     "slide_order": [slide id, ...]

Each part is canonical JSON stored like any file (``objects/<sha256>``); its hash is in the
signed document, so the signature covers it. The player verifies the signed document, then
calls ``expand_parts`` to fetch and check the parts and get the full form back; a full-form
document passes through unchanged.

The names of the parts and the slide order still grow with the site (~50 KB and ~100 KB at
20,000 documents), so what is published since is the *indexed parts* form, one level more::

     "part_index":  {name: {"size", "sha256"}},  each {"file_parts": {..}, "slide_parts": {..}}
     "order_parts": [{"size", "sha256"}, ...],   each [slide id, ...]; joined: slide_order

An index part holds the refs of ~``PARTS_PER_INDEX`` parts (by a hash of the part's name), and
the slide order is cut into runs ending after the ids whose hash is 0 mod ``ORDER_CHUNK``
(content-defined, as rsync cuts files: adding or removing one slide changes one run). So an
edit of one item changes its parts, their one or two index parts and a signed document of a
size that barely grows with the site. Readers expand it to the parts form, then as above.

The JSON Schema of this document is ``manifest.schema.json`` next to this module
(``json_schema()``); the one strict validation every document goes through, schema and all, is
``validation.validate_manifest`` (re-exported here); signing and the trust rules are in
``trust.py``. In storage, every file is
fetched by its hash: ``objects/<sha256>`` (see docs/publishing.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from p2f_player.contract.validation import (
    FILE_PARTS,
    FULL_KEYS,
    MAX_COUNTER,
    MAX_MANIFEST_BYTES,
    ORDER_PARTS,
    PART_INDEX,
    SCHEMA,
    SLIDE_ORDER,
    SLIDE_PARTS,
    ContentMismatch,
    ManifestError,
    check_file_entry,
    check_path,
    check_sha256,
    form_of,
    is_sha256,
    json_schema,
    loads,
    validate_manifest,
)

__all__ = [
    "FILE_PARTS",
    "FULL_KEYS",
    "MANIFEST_NAME",
    "MAX_COUNTER",
    "MAX_MANIFEST_BYTES",
    "ORDER_PARTS",
    "PART_INDEX",
    "SCHEMA",
    "SLIDE_ORDER",
    "SLIDE_PARTS",
    "ContentMismatch",
    "FileEntry",
    "ManifestError",
    "bins_for",
    "build_manifest",
    "canonical_bytes",
    "check_file",
    "check_path",
    "check_sha256",
    "expand_parts",
    "file_entry",
    "file_part_name",
    "form_of",
    "hash_bin",
    "is_sha256",
    "iso",
    "item_bins",
    "json_schema",
    "manifest_bytes",
    "order_runs",
    "parse_manifest",
    "part_objects",
    "slide_part_name",
    "split_into_parts",
    "validate_manifest",
]

MANIFEST_NAME = "manifest.json"
ITEM_BINS = 16  # parts per kind at least: ~60 file entries (~6 KB) each for a four-language site
# Items per part when a site has more than ITEM_BINS * ITEMS_PER_BIN: the bins double as the
# site grows, so the part a one-item edit changes stays 2-4 KB of files and 10-20 KB of
# slides (a fixed 16 would grow to ~300 KB at 20,000 documents). Their names are in index
# parts, so more parts cost the signed document little (32 was the best trade-off before).
ITEMS_PER_BIN = 8
PARTS_PER_INDEX = 64  # part refs per index part (~6 KB), the index bins doubling past that
ORDER_CHUNK = 128  # slide ids per order part on average (~3 KB)


class FileEntry(NamedTuple):
    """A file's size and SHA-256, as the manifest lists it.

    A named tuple rather than a dataclass: a bundle builder holds one per file of each site
    (~83,000 at 5,000 documents), and a tuple of plain values leaves the garbage collector's
    lists at its first look, where each dataclass and its ``__dict__`` stayed until a full
    collection of the build's heap (~0.1 s each, several per kiosk step)."""

    size: int
    sha256: str


def file_entry(data: bytes) -> FileEntry:
    return FileEntry(len(data), hashlib.sha256(data).hexdigest())


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """The exact bytes that are hashed and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# strings that JSON prints as they are (no escape, nothing outside ASCII): bundle paths (the
# contract's ``check_path`` allows no other characters) and hex digests
_VERBATIM = re.compile(r"[A-Za-z0-9._/-]*")


def manifest_bytes(document: Mapping[str, Any]) -> bytes:
    """``canonical_bytes(document)``, its ``files`` printed here rather than by ``json``.

    The file list is half of a full-form document (~8,000 entries per site at 5,000
    documents), each a small object the encoder sorts and prints: 12 ms a site, paid again
    for every site after each edit. When every entry has the usual shape (an int size, a path
    and a digest with nothing to escape: checked over all of them at once), each is one
    f-string, ~3 ms a site; any other document goes through ``json`` whole. The bytes are
    ``canonical_bytes``' (tests/contract/test_manifest_bytes.py)."""
    files = document.get("files")
    if type(files) is not dict or any(type(key) is not str for key in (*document, *files)):
        return canonical_bytes(document)
    paths = sorted(files)
    entries = [files[path] for path in paths]
    if set(map(type, entries)) <= {dict} and set(map(len, entries)) <= {2}:
        sizes = [entry.get("size") for entry in entries]
        shas = [entry.get("sha256") for entry in entries]
    else:
        sizes, shas = [None], [None]
    plain = set(map(type, sizes)) <= {int} and set(map(type, shas)) <= {str}
    if (
        not plain
        or not _VERBATIM.fullmatch("".join(paths))
        or not _VERBATIM.fullmatch("".join(shas))
    ):
        return canonical_bytes(document)
    listed = ",".join(
        [
            f'"{path}":{{"sha256":"{sha256}","size":{size}}}'
            for path, sha256, size in zip(paths, shas, sizes, strict=True)
        ]
    ).encode()
    # each pair printed alone is what ``json`` prints inside the whole: join them in key order
    pairs = {
        key: canonical_bytes({key: value})[1:-1]
        for key, value in document.items()
        if key != "files"
    }
    pairs["files"] = b'"files":{' + listed + b"}"
    return b"{" + b",".join([pairs[key] for key in sorted(pairs)]) + b"}"


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("manifest times must be timezone-aware")
    return moment.isoformat(timespec="seconds")


def build_manifest(
    site: Mapping[str, Any],
    release: Mapping[str, Any],
    slides: Sequence[Mapping[str, Any]],
    sponsors: Mapping[str, float],
    files: Mapping[str, FileEntry],
    directory: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Assemble the document. Every page a slide or the directory names must be in ``files``."""
    for slide in slides:
        for page in slide["pages"].values():
            if page not in files:
                raise ManifestError(f"slide {slide['id']}: page {page} is not in the files list")
    for page in (directory or {}).values():
        if page not in files:
            raise ManifestError(f"directory page {page} is not in the files list")
    extra = {"directory": dict(directory)} if directory else {}
    return {
        "schema": SCHEMA,
        "site": dict(site),
        "release": dict(release),
        "slides": [dict(s) for s in slides],
        "sponsors": dict(sorted(sponsors.items())),
        **extra,
        "files": {
            path: {"size": entry.size, "sha256": entry.sha256}
            for path, entry in sorted(files.items())
        },
    }


def parse_manifest(data: bytes, max_bytes: int = MAX_MANIFEST_BYTES) -> dict[str, Any]:
    """Decode (strict JSON) and validate (``validate_manifest``). Raises ``ManifestError``.

    ``max_bytes`` is the cap for what a player reads; the publisher reads the full form it
    built itself (~12 MB at 20,000 documents) with a cap of its own."""
    return validate_manifest(loads(data, "manifest", max_bytes))


def check_file(path: str, data: bytes, manifest: Mapping[str, Any]) -> None:
    """Raise ``ManifestError`` unless ``data`` is exactly the file the manifest lists
    (``ContentMismatch`` when it is listed but these bytes are not it: fetch it again)."""
    expected = manifest["files"].get(path)
    if expected is None:
        raise ManifestError(f"{path} is not listed in the manifest")
    _check_entry(path, data, expected)


def _check_entry(what: str, data: bytes, expected: Mapping[str, Any]) -> None:
    """``ContentMismatch`` unless ``data`` has the size and SHA-256 the manifest gives."""
    actual = file_entry(data)
    if actual.size != expected["size"] or actual.sha256 != expected["sha256"]:
        raise ContentMismatch(
            f"{what}: hash or size differs from the manifest (a bad copy, or tampered): "
            f"got {actual.size} bytes {actual.sha256[:12]}, expected "
            f"{expected['size']} bytes {expected['sha256'][:12]}"
        )


# --- parts: what is published and signed (see the module docstring) ---------------------------

_ITEM_FILE = re.compile(
    r"^(?:slides/([^/]+)\.[a-z]{2}\.html|directory/[a-z]{2}/items/([^/]+)\.html)$"
)


def bins_for(entries: int, minimum: int, per_bin: int) -> int:
    """How many parts ``entries`` are cut into: ``minimum``, doubled until ~``per_bin`` each
    (also the website index's rule, ``p2f_publish.site_index``)."""
    bins = minimum
    while bins * per_bin < entries:
        bins *= 2
    return bins


def hash_bin(key: str, bins: int, min_width: int = 2) -> str:
    """The part ``key`` falls in among ``bins``: a hash of it, in hex of a fixed width."""
    width = max(min_width, len(f"{bins - 1:x}"))
    return f"{int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % bins:0{width}x}"


def item_bins(items: int) -> int:
    """Parts per kind for ``items`` items: ``ITEM_BINS``, doubled until ~``ITEMS_PER_BIN``
    items each. Readers never compute it: a part's name is only a label in the document."""
    return bins_for(items, ITEM_BINS, ITEMS_PER_BIN)


def _item_of(path: str) -> str | None:
    match = _ITEM_FILE.match(path)
    return (match[1] or match[2]) if match else None


def file_part_name(path: str, bins: int = ITEM_BINS) -> str:
    """The part a file is listed in. Every page of one item (its slide and its directory page,
    in every language) shares a part, chosen by a hash of the item's slug: editing an item
    changes one part, even when other languages fall back to the edited French text. Other
    files are grouped by top folder (``assets``, ``directory`` listings)."""
    item = _item_of(path)
    if item is not None:
        return f"items-{hash_bin(item, bins)}"
    return path.split("/", 1)[0] if "/" in path else "top"


def slide_part_name(slide_id: str, bins: int = ITEM_BINS) -> str:
    return f"slides-{hash_bin(slide_id, bins)}"


def split_into_parts(document: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The indexed parts form of a full-form ``document`` (ready to sign) and its part objects.

    Returns:
        ``(document, parts)``: ``parts`` maps each part's sha256 to its canonical bytes, to
        be stored as ``objects/<sha256>`` (file, slide, index and order parts alike). A
        document already in a parts form is returned as it is.
    """
    if form_of(document) != "full":
        return dict(document), {}
    file_bins = item_bins(len({_item_of(path) for path in document["files"]} - {None}))
    files: dict[str, dict[str, Any]] = {}
    for path, entry in document["files"].items():
        files.setdefault(file_part_name(path, file_bins), {})[path] = entry
    slide_bins = item_bins(len(document["slides"]))
    slides: dict[str, dict[str, Any]] = {}
    for slide in document["slides"]:
        slides.setdefault(slide_part_name(slide["id"], slide_bins), {})[slide["id"]] = slide
    objects: dict[str, bytes] = {}

    def ref(content: Any) -> dict[str, Any]:
        data = canonical_bytes(content)
        entry = file_entry(data)
        objects[entry.sha256] = data
        return {"size": entry.size, "sha256": entry.sha256}

    refs = {
        FILE_PARTS: {name: ref(content) for name, content in sorted(files.items())},
        SLIDE_PARTS: {name: ref(content) for name, content in sorted(slides.items())},
    }
    index_bins = bins_for(len(files) + len(slides), 1, PARTS_PER_INDEX)
    index: dict[str, dict[str, dict[str, Any]]] = {}
    for key, named in refs.items():
        for name, part in named.items():
            bin_ = index.setdefault(f"index-{hash_bin(name, index_bins)}", {k: {} for k in refs})
            bin_[key][name] = part
    parted = {key: value for key, value in document.items() if key not in FULL_KEYS}
    parted[PART_INDEX] = {name: ref(content) for name, content in sorted(index.items())}
    order = [slide["id"] for slide in document["slides"]]
    parted[ORDER_PARTS] = [ref(run) for run in order_runs(order)]
    return parted, objects


def order_runs(order: Sequence[str]) -> list[list[str]]:
    """``order`` cut after each id whose hash is 0 mod ``ORDER_CHUNK``: where the cuts fall
    depends on the ids only, so adding or removing one id changes one run."""
    runs: list[list[str]] = [[]]
    for slide_id in order:
        runs[-1].append(slide_id)
        if int(hashlib.sha256(slide_id.encode()).hexdigest()[:8], 16) % ORDER_CHUNK == 0:
            runs.append([])
    return [run for run in runs if run]


def part_objects(document: Mapping[str, Any]) -> dict[str, int]:
    """The part objects a document names, ``{sha256: size}``: none in full form; in a parts
    form, those named in the signed document, and once expanded (``expand_parts``) all."""
    refs = [
        *document.get(FILE_PARTS, {}).values(),
        *document.get(SLIDE_PARTS, {}).values(),
        *document.get(PART_INDEX, {}).values(),
        *document.get(ORDER_PARTS, []),
    ]
    return {ref["sha256"]: int(ref["size"]) for ref in refs}


def expand_parts(document: Mapping[str, Any], load_part: Callable[[str], bytes]) -> dict[str, Any]:
    """The full form of a *verified* parts-form document: its parts fetched and checked.

    Call it after ``trust.verify_manifest``: the part hashes are trusted because the signature
    covers them. The result keeps the parts' refs (``file_parts``/``slide_parts``, and for an
    indexed document ``part_index``/``order_parts`` too: a player must keep those objects) and
    adds ``files`` and ``slides`` exactly as the bundle builder wrote them. A full-form document
    (before parts existed) is returned unchanged. The document, the parts form an indexed one
    expands to, and the full form all go through ``validate_manifest``; each part's entries are
    checked as they are read, so no unchecked path or hash ever leaves this function.

    Args:
        document: the verified document.
        load_part: returns the bytes of ``objects/<sha256>`` (only ever called with 64 hex
            digits); its own errors (object missing, network down) propagate unchanged, for
            the caller to retry.

    Raises:
        ContentMismatch: a part whose size or hash differs from the signed one (a bad copy:
            fetch it again later).
        ManifestError: the document is malformed, or a part that is not valid JSON of the
            right shape, or that contradicts another part.
    """
    validate_manifest(document)
    form = form_of(document)
    if form == "full":
        return dict(document)
    if form == "indexed":
        document = {**document, **_expand_index(document, load_part)}
    files: dict[str, Any] = {}
    for name, content in _load_parts(document, FILE_PARTS, load_part):
        for path, entry in content.items():
            check_file_entry(path, entry, f"file part {name}")
            if path in files:
                raise ManifestError(f"file part {name}: {path} is also listed in another part")
            files[path] = entry
    by_id: dict[str, Any] = {}
    for name, content in _load_parts(document, SLIDE_PARTS, load_part):
        for slide_id, slide in content.items():
            if not isinstance(slide, dict) or slide.get("id") != slide_id or slide_id in by_id:
                raise ManifestError(f"slide part {name}: slide {slide_id[:80]!r} is malformed")
            by_id[slide_id] = slide
    order = document[SLIDE_ORDER]
    if sorted(order) != sorted(by_id):
        raise ManifestError("slide_order does not list exactly the slides of the slide parts")
    expanded = {"files": dict(sorted(files.items())), "slides": [by_id[i] for i in order]}
    parts_keys = (FILE_PARTS, SLIDE_PARTS, SLIDE_ORDER, PART_INDEX, ORDER_PARTS)
    full = {k: v for k, v in document.items() if k not in parts_keys}
    try:
        validate_manifest({**full, **expanded})
    except ManifestError as error:
        raise ManifestError(f"manifest parts, expanded: {error}") from None
    return {**document, **expanded}


def _expand_index(document: Mapping[str, Any], load_part: Callable[[str], bytes]) -> dict[str, Any]:
    """The ``file_parts``, ``slide_parts`` and ``slide_order`` an indexed document stands
    for, read from its index and order parts and validated as a parts-form document."""
    named: dict[str, dict[str, Any]] = {FILE_PARTS: {}, SLIDE_PARTS: {}}
    for index_name, content in _load_parts(document, PART_INDEX, load_part):
        if sorted(content) != sorted(named):
            raise ManifestError(f"index part {index_name}: keys must be {sorted(named)}")
        for key, refs in named.items():
            if not isinstance(content[key], dict):
                raise ManifestError(f"index part {index_name}: {key} is not a JSON object")
            for name, ref in content[key].items():
                if name in refs:
                    raise ManifestError(f"index part {index_name}: {key} {name[:80]!r} twice")
                refs[name] = ref
    order: list[Any] = []
    for number, ref in enumerate(document[ORDER_PARTS]):
        run = _load_part(f"order part {number}", ref, load_part)
        if not isinstance(run, list):
            raise ManifestError(f"order part {number} is not a JSON array")
        order.extend(run)
    parted = {k: v for k, v in document.items() if k not in (PART_INDEX, ORDER_PARTS)}
    parted.update({**named, SLIDE_ORDER: order})
    try:
        validate_manifest(parted)
    except ManifestError as error:
        raise ManifestError(f"manifest index parts, expanded: {error}") from None
    return {**named, SLIDE_ORDER: order}


def _load_parts(
    document: Mapping[str, Any], key: str, load_part: Callable[[str], bytes]
) -> list[tuple[str, dict[str, Any]]]:
    """The parts named under ``key`` of a validated document, checked against their refs."""
    kind = {PART_INDEX: "index"}.get(key, key.removesuffix("_parts"))
    loaded = []
    for name, ref in sorted(document[key].items()):
        content = _load_part(f"{kind} part {name}", ref, load_part)
        if not isinstance(content, dict):
            raise ManifestError(f"{kind} part {name} is not a JSON object")
        loaded.append((name, content))
    return loaded


def _load_part(what: str, ref: Mapping[str, Any], load_part: Callable[[str], bytes]) -> Any:
    """The JSON of the part ``ref`` names, once its size and hash match the ref."""
    data = load_part(check_sha256(ref["sha256"], what))
    _check_entry(what, data, ref)
    return loads(data, what)
