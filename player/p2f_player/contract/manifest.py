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

The JSON Schema of this document is ``manifest.schema.json`` next to this module
(``json_schema()``); signing and the trust rules are in ``trust.py``. In storage, every file is
fetched by its hash: ``objects/<sha256>`` (see docs/publishing.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

SCHEMA = "livep2f-kiosk-manifest/1"
MANIFEST_NAME = "manifest.json"


class ManifestError(ValueError):
    """The manifest is malformed or does not match its files: never retry, refuse it."""


@dataclass(frozen=True)
class FileEntry:
    size: int
    sha256: str


def file_entry(data: bytes) -> FileEntry:
    return FileEntry(len(data), hashlib.sha256(data).hexdigest())


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """The exact bytes that are hashed and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


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


def parse_manifest(data: bytes) -> dict[str, Any]:
    """Decode and check the shape. Raises ``ManifestError``."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"manifest is not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise ManifestError(f"not a {SCHEMA} document")
    for key in ("site", "release", "slides", "files"):
        if key not in document:
            raise ManifestError(f"manifest has no {key!r}")
    return document


def check_file(path: str, data: bytes, manifest: Mapping[str, Any]) -> None:
    """Raise ``ManifestError`` unless ``data`` is exactly the file the manifest lists."""
    expected = manifest["files"].get(path)
    if expected is None:
        raise ManifestError(f"{path} is not listed in the manifest")
    actual = file_entry(data)
    if actual.size != expected["size"] or actual.sha256 != expected["sha256"]:
        raise ManifestError(
            f"{path}: hash or size differs from the manifest "
            f"(got {actual.size} bytes {actual.sha256[:12]}, expected "
            f"{expected['size']} bytes {expected['sha256'][:12]})"
        )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the manifest document (``manifest.schema.json``, in the package)."""
    text = resources.files("p2f_player.contract").joinpath("manifest.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema
