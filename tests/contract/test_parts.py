"""Manifest parts (p2f_player.contract.manifest): the published form and its expansion.

The signed document lists content-addressed parts instead of every file and slide; the player
expands it after verifying the signature. Each way a part can be wrong is refused here. What is
published is the indexed form (the parts named in index parts, the slide order in order parts);
the parts form published before it still expands, and most refusals are checked on it (the
indexed form expands to it first).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest

from p2f_player.contract import trust
from p2f_player.contract.manifest import (
    FILE_PARTS,
    ORDER_PARTS,
    PART_INDEX,
    SCHEMA,
    SLIDE_ORDER,
    SLIDE_PARTS,
    ManifestError,
    canonical_bytes,
    expand_parts,
    file_entry,
    file_part_name,
    json_schema,
    parse_manifest,
    part_objects,
    split_into_parts,
)

CREATED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SITE = {
    "id": "gare",
    "name": "Gare",
    "geo": {"lat": 43.2, "lon": 3.5},
    "orientation": "portrait",
    "width": 1080,
    "height": 1920,
    "languages": ["fr", "en"],
    "audiences": [],
    "audience_hours": [],
    "nfc": False,
    "tags": [],
}
SLUGS = ("veto-pinede", "marche-nocturne", "velos-hiver", "numeros-urgence", "gare-travaux")


def entry(data: bytes) -> dict[str, Any]:
    found = file_entry(data)
    return {"size": found.size, "sha256": found.sha256}


def slide(slug: str) -> dict[str, Any]:
    return {
        "id": slug,
        "kind": "place",
        "titles": {"fr": slug, "en": slug},
        "pages": {lang: f"slides/{slug}.{lang}.html" for lang in ("fr", "en")},
        "rules": {"duration_s": 10, "priority": 50, "weight": 1.0},
        "window": None,
        "sponsor": None,
        "interrupt": False,
        "deep_links": {},
    }


def full_document() -> dict[str, Any]:
    files = {"assets/kiosk.css": entry(b"body{}"), "directory/fr/index.html": entry(b"<p>fr")}
    for slug in SLUGS:
        for lang in ("fr", "en"):
            files[f"slides/{slug}.{lang}.html"] = entry(f"{slug} {lang}".encode())
            files[f"directory/{lang}/items/{slug}.html"] = entry(f"dir {slug} {lang}".encode())
    return {
        "schema": SCHEMA,
        "site": SITE,
        "release": {
            "id": "r1",
            "counter": 1,
            "created": CREATED.isoformat(),
            "expires": (CREATED + timedelta(days=14)).isoformat(),
        },
        "slides": [slide(slug) for slug in reversed(SLUGS)],  # not in sorted order on purpose
        "sponsors": {},
        "files": dict(sorted(files.items())),
    }


def split() -> tuple[dict[str, Any], dict[str, bytes]]:
    """The parts form published before index parts (same parts, named in the document)."""
    document, parts = split_into_parts(full_document())
    full = expand_parts(document, loader(parts))
    return {k: v for k, v in full.items() if k not in ("files", "slides", *INDEXED)}, parts


INDEXED = (PART_INDEX, ORDER_PARTS)


def loader(parts: dict[str, bytes]) -> Any:
    return lambda sha: parts[sha]


def test_split_then_expand_gives_back_every_file_and_slide_in_order() -> None:
    document, parts = split_into_parts(full_document())
    assert not {"files", "slides", FILE_PARTS, SLIDE_PARTS, SLIDE_ORDER} & set(document)
    for sha, data in parts.items():
        assert file_entry(data).sha256 == sha and data == canonical_bytes(json.loads(data))
    full = expand_parts(document, loader(parts))
    assert full["files"] == full_document()["files"]
    assert full["slides"] == full_document()["slides"]
    # kept: a player keeps every part object, the index and order parts too
    assert set(part_objects(full)) == set(parts) > set(part_objects(document))
    assert full[PART_INDEX] == document[PART_INDEX]
    assert split_into_parts(full_document()) == (document, parts)  # deterministic
    old, old_parts = split()  # the former parts form expands to the same
    assert expand_parts(old, loader(old_parts))["slides"] == full["slides"]
    assert expand_parts(old, loader(old_parts))["files"] == full["files"]


def test_every_page_of_one_item_shares_one_part() -> None:
    for slug in SLUGS:
        names = {
            file_part_name(path)
            for path in (
                f"slides/{slug}.fr.html",
                f"slides/{slug}.de.html",
                f"directory/fr/items/{slug}.html",
                f"directory/es/items/{slug}.html",
            )
        }
        assert len(names) == 1 and names.pop().startswith("items-")
    assert file_part_name("assets/images/x.webp") == "assets"
    assert file_part_name("directory/fr/events.html") == "directory"


def test_both_forms_match_the_schema_and_parse() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    document, _ = split()
    for form in (full_document(), document, split_into_parts(full_document())[0]):
        assert not list(validator.iter_errors(form))
        assert parse_manifest(canonical_bytes(form)) == form
    mixed = {**document, "files": full_document()["files"]}
    assert list(validator.iter_errors(mixed))
    with pytest.raises(ManifestError, match="mixes 'files'"):
        parse_manifest(canonical_bytes(mixed))
    indexed = split_into_parts(full_document())[0]
    for key in (FILE_PARTS, SLIDE_ORDER):
        mixed = {**indexed, key: document[key]}
        assert list(validator.iter_errors(mixed))
        with pytest.raises(ManifestError, match=f"mixes '{key}' with the indexed form"):
            parse_manifest(canonical_bytes(mixed))


@pytest.mark.parametrize("form", ["parts", "indexed"])
def test_a_signed_parts_manifest_verifies_and_its_part_hashes_are_signed(form: str) -> None:
    private, public = trust.generate_keypair()
    document, parts = split() if form == "parts" else split_into_parts(full_document())
    envelope = trust.sign_manifest(document, private)
    now = CREATED + timedelta(hours=1)
    verified = trust.verify_manifest(envelope, public, now=now, last_counter=None)
    assert expand_parts(verified, loader(parts))["files"] == full_document()["files"]
    forged = json.loads(envelope)
    refs = forged["signed"][FILE_PARTS if form == "parts" else PART_INDEX]
    refs[next(iter(refs))]["sha256"] = "0" * 64  # point at another part
    with pytest.raises(trust.BadSignature):
        trust.verify_manifest(json.dumps(forged).encode(), public, now=now, last_counter=None)


def test_old_style_document_passes_unchanged() -> None:
    def no_loads(sha: str) -> bytes:
        raise AssertionError(f"a full-form document has no part to load, asked for {sha}")

    assert expand_parts(full_document(), no_loads) == full_document()


def test_tampered_part_is_refused_naming_it() -> None:
    document, parts = split()
    name, ref = next(iter(document[FILE_PARTS].items()))
    content = json.loads(parts[ref["sha256"]])
    path = next(iter(content))
    content[path]["sha256"] = "f" * 64  # the part now vouches for another file
    tampered = {**parts, ref["sha256"]: canonical_bytes(content)}
    with pytest.raises(ManifestError, match=f"file part {name}: hash or size differs"):
        expand_parts(document, loader(tampered))
    slide_name, slide_ref = next(iter(document[SLIDE_PARTS].items()))
    tampered = {**parts, slide_ref["sha256"]: parts[slide_ref["sha256"]] + b" "}
    with pytest.raises(ManifestError, match=f"slide part {slide_name}: hash or size differs"):
        expand_parts(document, loader(tampered))


def test_missing_part_is_refused_with_the_loaders_error() -> None:
    document, parts = split()
    lost = next(iter(document[FILE_PARTS].values()))["sha256"]
    del parts[lost]
    with pytest.raises(KeyError, match=lost):  # the caller's own "not found", to retry later
        expand_parts(document, loader(parts))


def resigned_parts(document: dict[str, Any], key: str, name: str, content: Any) -> bytes:
    """A part the signer itself got wrong: its hash is in the document, the data is bad."""
    data = canonical_bytes(content) if not isinstance(content, bytes) else content
    document[key][name] = entry(data)
    return data


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"not json", "is not JSON"),
        ([1, 2], "is not a JSON object"),
        ({"../../etc/passwd": {"size": 1, "sha256": "0" * 64}}, "not a safe relative path"),
        ({"slides/x.fr.html": {"size": -1, "sha256": "0" * 64}}, "size -1 is not an integer"),
        ({"slides/x.fr.html": {"size": 1, "sha256": "xyz"}}, "is not 64 lowercase hex"),
        ({"slides/x.fr.html": {"size": 1}}, "is not {size, sha256}"),
        ({"assets/kiosk.css": {"size": 6, "sha256": "0" * 64}}, "also listed in another part"),
    ],
)
def test_malformed_file_part_is_refused(content: Any, error: str) -> None:
    document, parts = split()
    document = copy.deepcopy(document)
    data = resigned_parts(document, FILE_PARTS, "extra", content)
    parts[file_entry(data).sha256] = data
    with pytest.raises(ManifestError, match=error):
        expand_parts(document, loader(parts))


def test_slide_order_must_name_exactly_the_slides_of_the_parts() -> None:
    document, parts = split()
    for order in (document[SLIDE_ORDER][:-1], [*document[SLIDE_ORDER], "ghost"]):
        with pytest.raises(ManifestError, match="slide_order"):
            expand_parts({**document, SLIDE_ORDER: order}, loader(parts))
    document = copy.deepcopy(document)
    data = resigned_parts(document, SLIDE_PARTS, "extra", {"other-id": slide("veto-pinede")})
    parts[file_entry(data).sha256] = data
    with pytest.raises(ManifestError, match="slide 'other-id' is malformed"):
        expand_parts(document, loader(parts))
