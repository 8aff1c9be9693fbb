"""One strict validation of the kiosk manifest document, before anything uses it.

A signed manifest is trusted to come from the publisher, not to be well formed: a bug or a
stolen key can sign anything, and the player turns manifest paths and hashes into file names.
So every document, in any form (full, parts or indexed parts; ``manifest.py``) and from every
entry point (network, inbox, ``simulate --manifest``, a release read back from the cache),
goes through ``validate_manifest`` before any filesystem use:

* strict JSON (``loads``): bounded size, no duplicate keys, no ``NaN``/``Infinity``, no integer
  longer than ``MAX_INT_DIGITS`` digits, no nesting deep enough to exhaust the stack;
* the repository's JSON Schema (``manifest.schema.json``);
* what a JSON Schema pattern cannot say exactly (its ``$`` also matches before a final
  newline): hashes are exactly 64 lowercase hex digits, file paths follow ``check_path``, the
  counter lies in ``0 <= counter <= MAX_COUNTER``, sizes are bounded, times parse, ``expires``
  comes after ``created``, no file is also a folder of another, every page a slide or the
  directory names is listed in ``files``.

Pure: bytes and objects in, documents or ``ManifestError`` out. It deliberately knows nothing of
signatures (``trust.py``) or of parts loading (``manifest.expand_parts``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: the build writes manifests, it never validates one
    from jsonschema import Draft202012Validator  # ~75 ms to import

SCHEMA = "livep2f-kiosk-manifest/1"
FILE_PARTS = "file_parts"
SLIDE_PARTS = "slide_parts"
SLIDE_ORDER = "slide_order"
PART_INDEX = "part_index"
ORDER_PARTS = "order_parts"
FULL_KEYS = ("files", "slides")
# the keys that make up each form of the document (``manifest.py``), which excludes the others'
FORMS = {
    "full": FULL_KEYS,
    "parts": (FILE_PARTS, SLIDE_PARTS, SLIDE_ORDER),
    "indexed": (PART_INDEX, ORDER_PARTS),
}

MAX_MANIFEST_BYTES = 8 * 1024 * 1024  # an envelope, a document or a part; real ones are ~100 KB
MAX_COUNTER = 2**53 - 1  # exact in every JSON reader (JavaScript's too); a release per second
# for 285 million years
MAX_FILE_BYTES = 1024**3  # one file of a bundle (an image, a page, a part)
MAX_FILES = 100_000
MAX_PATH_CHARS = 400
MAX_SEGMENT_CHARS = 120  # well under NAME_MAX (255) once a temporary suffix is added
MAX_INT_DIGITS = 20  # any longer integer in a manifest is an attack or a bug
RESERVED_NAMES = frozenset({"manifest.json", "COMPLETE"})  # the release folder's own files

_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ManifestError(ValueError):
    """The manifest is malformed or does not match its files: refuse it, keep the old one."""


class ContentMismatch(ManifestError):
    """A fetched file or part differs from its signed size or hash. The copy is bad (a captive
    portal's page, a CDN error, a half-copied USB file), not necessarily the release: fetch it
    again later and judge the release afresh."""


def is_sha256(value: object) -> bool:
    """True for exactly 64 lowercase hex digits: the only strings used as object file names."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def check_sha256(value: object, where: str) -> str:
    if not is_sha256(value):
        raise ManifestError(f"{where}: sha256 {_show(value)} is not 64 lowercase hex digits")
    assert isinstance(value, str)
    return value


def check_path(path: object, where: str = "files") -> str:
    """Return ``path`` if it is a safe relative path inside a release folder, else raise.

    Safe: ``/``-separated segments of letters, digits, ``.``, ``_``, ``-``; no segment empty
    or starting with ``.`` (so no ``..``, no ``.``, no hidden file), no absolute path, no
    backslash, no NUL, no newline; bounded length; not one of the release folder's own files.
    """
    if not isinstance(path, str) or not path:
        raise ManifestError(f"{where}: file path {_show(path)} must be a non-empty string")
    if len(path) > MAX_PATH_CHARS:
        raise ManifestError(
            f"{where}: file path {_show(path)} is longer than {MAX_PATH_CHARS} characters"
        )
    for segment in path.split("/"):
        if not _SEGMENT.fullmatch(segment) or len(segment) > MAX_SEGMENT_CHARS:
            raise ManifestError(
                f"{where}: {_show(path)} is not a safe relative path (segments of letters, "
                f"digits, '.', '_', '-', at most {MAX_SEGMENT_CHARS} long, none empty or "
                "starting with '.'): fix the bundle builder or the file name"
            )
    if path in RESERVED_NAMES:
        raise ManifestError(f"{where}: {path!r} is reserved for the release folder itself")
    return path


def check_file_entry(path: object, entry: object, where: str) -> None:
    """One ``files`` entry: a safe path and ``{size, sha256}`` within bounds."""
    check_path(path, where)
    if not isinstance(entry, dict) or set(entry) != {"size", "sha256"}:
        raise ManifestError(f"{where}: entry for {_show(path)} is not {{size, sha256}}")
    size = entry["size"]
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_FILE_BYTES:
        raise ManifestError(
            f"{where}: {_show(path)}: size {_show(size)} is not an integer in 0..{MAX_FILE_BYTES}"
        )
    check_sha256(entry["sha256"], f"{where}: {_show(path)}")


def loads(data: bytes, what: str = "manifest", max_bytes: int = MAX_MANIFEST_BYTES) -> Any:
    """Strict JSON decoding of untrusted bytes. Raises ``ManifestError`` and nothing else."""
    if not isinstance(data, bytes | bytearray):
        raise ManifestError(f"{what}: expected bytes, got {type(data).__name__}")
    if len(data) > max_bytes:
        raise ManifestError(f"{what} is {len(data)} bytes, more than {max_bytes}")
    try:
        return json.loads(
            data,
            object_pairs_hook=_object_without_duplicates,
            parse_constant=_no_constant,
            parse_int=_bounded_int,
            parse_float=_finite_float,
        )
    except ManifestError as error:
        raise ManifestError(f"{what}: {error}") from None
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise ManifestError(f"{what} is not JSON: {_short(str(error))}") from None


def validate_manifest(document: object) -> dict[str, Any]:
    """Return ``document`` if it is a valid manifest in either form; raise ``ManifestError``."""
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise ManifestError(f"not a {SCHEMA} document")
    form = form_of(document)
    wanted = FORMS[form]
    for key in ("site", "release", *wanted):
        if key not in document:
            raise ManifestError(f"manifest has no {key!r}")
    for key in (key for keys in FORMS.values() for key in keys if key not in wanted):
        if key in document:
            raise ManifestError(f"manifest mixes {key!r} with the {form} form")
    if isinstance(document.get("files"), dict):
        check_files(document["files"])  # first: its messages say what a safe path is
    from jsonschema.exceptions import best_match

    problem = best_match(_validator().iter_errors(document))
    if problem is not None:
        where = _json_path(problem.absolute_path) or "manifest"
        raise ManifestError(f"manifest: {where}: {_short(problem.message)}")
    check_release(document["release"])
    if form == "full":
        _check_pages(document)
    for key in (FILE_PARTS, SLIDE_PARTS, PART_INDEX):
        for name, ref in document.get(key, {}).items():
            check_sha256(ref["sha256"], f"{key}.{name}")
    for number, ref in enumerate(document.get(ORDER_PARTS, [])):
        check_sha256(ref["sha256"], f"{ORDER_PARTS}[{number}]")
    return document


def form_of(document: Mapping[str, Any]) -> str:
    """Which form a document claims by its keys: ``full``, ``parts`` or ``indexed``."""
    if PART_INDEX in document:
        return "indexed"
    return "parts" if FILE_PARTS in document else "full"


def check_release(release: Mapping[str, Any]) -> None:
    """The release block's bounds and times (the schema checked the types)."""
    counter = release.get("counter")
    if not isinstance(counter, int) or isinstance(counter, bool) or not 0 <= counter <= MAX_COUNTER:
        raise ManifestError(
            f"release.counter: {_show(counter)} is not an integer in 0..{MAX_COUNTER}"
        )
    created = parse_time(release.get("created"), "created")
    if parse_time(release.get("expires"), "expires") <= created:
        raise ManifestError("release.expires must be after release.created")


def parse_time(value: object, name: str) -> datetime:
    """A release time: ISO 8601 with a UTC offset. Raises ``ManifestError``."""
    if not isinstance(value, str):
        raise ManifestError(f"release.{name} must be an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ManifestError(f"release.{name}: {_show(value)} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ManifestError(f"release.{name}: {_show(value)} has no UTC offset")
    return moment


def check_files(files: Mapping[str, Any], where: str = "files") -> None:
    """Every entry, their number, and that no file is also a folder of another."""
    if len(files) > MAX_FILES:
        raise ManifestError(f"{where}: {len(files)} files, more than {MAX_FILES}")
    for path, entry in files.items():
        check_file_entry(path, entry, where)
    folders = {path.rsplit("/", i)[0] for path in files for i in range(1, path.count("/") + 1)}
    clash = sorted(folders.intersection(files))
    if clash:
        raise ManifestError(f"{where}: {_show(clash[0])} is listed both as a file and a folder")


def _check_pages(document: Mapping[str, Any]) -> None:
    """Every page a slide or the directory names is one of the release's files."""
    files = document["files"]
    pages: Iterable[tuple[str, str]] = [
        *((f"slide {s['id']}", page) for s in document["slides"] for page in s["pages"].values()),
        *(("directory", page) for page in document.get("directory", {}).values()),
    ]
    for owner, page in pages:
        if page not in files:
            raise ManifestError(f"{owner}: page {_show(page)} is not in the files list")


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json_schema())


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the manifest document (``manifest.schema.json``, in the package)."""
    text = resources.files("p2f_player.contract").joinpath("manifest.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ManifestError(f"key {_show(key)} appears twice in one object")
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise ManifestError(f"{name} is not a JSON number")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ManifestError(
            f"a number of {len(text)} digits is too large (a counter, a size: at most "
            f"{MAX_INT_DIGITS} digits; release.counter at most {MAX_COUNTER})"
        )
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ManifestError(f"number {_short(text)} is out of range")
    return value


def _json_path(path: Iterable[object]) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: object) -> str:
    return _short(repr(value), 80)
