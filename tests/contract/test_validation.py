"""The one strict validation of the manifest (p2f_player.contract.validation), issue 9 #7, #12.

Every bad variant is *signed* with a test key through the contract's own ``sign_manifest``: a
signature proves who published, not that the document is safe to turn into file names.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from p2f_player.contract import trust
from p2f_player.contract.manifest import (
    MAX_COUNTER,
    ORDER_PARTS,
    PART_INDEX,
    ManifestError,
    canonical_bytes,
    check_path,
    expand_parts,
    parse_manifest,
    split_into_parts,
    validate_manifest,
)
from tests.contract.test_parts import CREATED, full_document

GOOD_SHA = "ab" * 32
BAD_SHA256 = [
    "/etc/passwd",  # absolute: objects/ / "/etc/passwd" is /etc/passwd
    "../../outside/sentinel.txt",
    "../" + "a" * 61,
    "AB" * 32,  # upper case: another file name on a case-sensitive disk
    "ab" * 32 + "\n",  # a JSON Schema pattern's "$" matches before a final newline
    "xyz",
    "ab" * 31 + "a/",
    "",
]
BAD_PATHS = [
    "/etc/cron.d/x",
    "../outside.html",
    "slides/../../x.html",
    "slides/..",
    "slides/./a.html",
    "slides\\..\\x.html",
    "slides/a\x00.html",
    "slides//a.html",
    "slides/a.html/",
    "slides/a.html\n",
    ".manifest.json.tmp",  # the release folder's own temporary file: a hard link would be
    "slides/.hidden",  # truncated through it
    "manifest.json",
    "COMPLETE",
    "x" * 401,
    "slides/" + "y" * 121,
    "",
]


@pytest.fixture(scope="module")
def keys() -> tuple[bytes, bytes]:
    return trust.generate_keypair()


def verify(document: dict[str, Any], keys: tuple[bytes, bytes]) -> dict[str, Any]:
    envelope = trust.sign_manifest(document, keys[0])
    return trust.verify_manifest(
        envelope, keys[1], now=CREATED + timedelta(hours=1), last_counter=None
    )


def test_the_valid_document_passes(keys: tuple[bytes, bytes]) -> None:
    assert verify(full_document(), keys) == full_document()


@pytest.mark.parametrize("sha", BAD_SHA256)
def test_a_signed_file_hash_that_is_not_hex_is_refused(sha: str, keys: tuple[bytes, bytes]) -> None:
    document = full_document()
    document["files"]["assets/kiosk.css"]["sha256"] = sha
    with pytest.raises(ManifestError, match="sha256"):
        verify(document, keys)


@pytest.mark.parametrize("path", BAD_PATHS)
def test_a_signed_unsafe_file_path_is_refused(path: str, keys: tuple[bytes, bytes]) -> None:
    document = full_document()
    document["files"][path] = {"size": 1, "sha256": GOOD_SHA}
    with pytest.raises(ManifestError):
        verify(document, keys)
    with pytest.raises(ManifestError):
        check_path(path)


@pytest.mark.parametrize("path", BAD_PATHS)
def test_an_unsafe_path_inside_a_signed_part_is_refused(path: str) -> None:
    """The parts form: the bad entry is in a part whose hash the signature covers."""
    full = full_document()
    full["files"][path] = {"size": 1, "sha256": GOOD_SHA}
    document, parts = split_into_parts(full)
    with pytest.raises(ManifestError):
        expand_parts(document, parts.__getitem__)


@pytest.mark.parametrize("sha", BAD_SHA256)
def test_a_bad_hash_inside_a_part_or_for_a_part_is_refused(sha: str) -> None:
    full = full_document()
    full["files"]["assets/kiosk.css"]["sha256"] = sha
    document, parts = split_into_parts(full)
    with pytest.raises(ManifestError, match="sha256"):
        expand_parts(document, parts.__getitem__)
    document, parts = split_into_parts(full_document())
    asked: list[str] = []

    def load(wanted: str) -> bytes:
        asked.append(wanted)
        return parts[wanted]

    for forged_ref in (lambda d: next(iter(d[PART_INDEX].values())), lambda d: d[ORDER_PARTS][0]):
        forged = copy.deepcopy(document)
        forged_ref(forged)["sha256"] = sha
        with pytest.raises(ManifestError):
            expand_parts(forged, load)
    assert asked == []  # refused before anything was read


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"size": -1}, "size"),
        ({"size": 2**31}, "size"),
        ({"size": 10**200}, "digits"),
        ({"size": True}, "size"),
        ({"extra": 1}, "size, sha256"),
    ],
)
def test_file_sizes_and_entries_are_bounded(
    change: dict[str, Any], error: str, keys: tuple[bytes, bytes]
) -> None:
    document = full_document()
    document["files"]["assets/kiosk.css"].update(change)
    with pytest.raises(ManifestError, match=error):
        verify(document, keys)


def test_a_file_that_is_also_a_folder_and_an_unlisted_page_are_refused(
    keys: tuple[bytes, bytes],
) -> None:
    document = full_document()
    document["files"]["assets/kiosk.css/x"] = {"size": 1, "sha256": GOOD_SHA}
    with pytest.raises(ManifestError, match="both as a file and a folder"):
        verify(document, keys)
    document = full_document()
    document["slides"][0]["pages"]["fr"] = "/etc/passwd"
    with pytest.raises(ManifestError, match="not in the files list"):
        verify(document, keys)


@pytest.mark.parametrize("counter", [10**200, int("9" * 300), 2**53, MAX_COUNTER + 1, -1])
def test_a_counter_out_of_bounds_is_refused(counter: int, keys: tuple[bytes, bytes]) -> None:
    """Issue 9 #12: a counter of 10**200 once pinned the player above every real release."""
    document = full_document()
    document["release"]["counter"] = counter
    with pytest.raises(ManifestError, match=r"counter|digits"):
        verify(document, keys)
    document["release"]["counter"] = MAX_COUNTER
    assert verify(document, keys)["release"]["counter"] == MAX_COUNTER


def test_a_long_release_id_is_refused(keys: tuple[bytes, bytes]) -> None:
    """A release id becomes part of a folder name: a long one gave ENAMETOOLONG."""
    document = full_document()
    document["release"]["id"] = "r" * 300
    with pytest.raises(ManifestError, match=r"release\.id"):
        verify(document, keys)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": 1e999}',
        '{"a": ' + "1" * 5000 + "}",
        "[" * 100_000 + "]" * 100_000,
        '{"a": "\\ud800"}',
        "\xff\xfe",
    ],
)
def test_strict_json_refuses_what_python_would_accept_or_crash_on(text: str) -> None:
    with pytest.raises(ManifestError):
        validate_manifest(parse_manifest(text.encode("utf-8", "surrogatepass")))


def test_the_schema_problem_is_named_by_its_place() -> None:
    document = full_document()
    document["slides"][1]["rules"]["hours"] = "all day"
    with pytest.raises(ManifestError, match=r"slides\[1\]\.rules\.hours"):
        parse_manifest(canonical_bytes(document))


def test_a_huge_document_is_refused_before_parsing() -> None:
    with pytest.raises(ManifestError, match="more than"):
        parse_manifest(b" " * (9 * 1024 * 1024))


def test_check_path_accepts_what_the_bundle_builder_writes() -> None:
    for path in ("assets/kiosk.css", "slides/veto-pinede.fr.html", "assets/images/a_b-1.webp"):
        assert check_path(path) == path
    document, parts = split_into_parts(full_document())
    assert expand_parts(document, parts.__getitem__)["files"] == full_document()["files"]
