"""Fuzzing the manifest's readers (issue 9): whatever bytes or signed document come in, the
envelope opener, the verifier, the validator and the parts expander raise nothing but the
contract's own ``ManifestError`` (and its ``TrustError`` subclasses).

Mutated documents are *re-signed* with the test key, so the checks after the signature — the
schema, the paths, the hashes, the bounds, the parts — are what gets exercised, not only the
signature. Bounded and reproducible: a fixed number of examples, derandomized, no database.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from p2f_player.contract import trust
from p2f_player.contract.manifest import (
    FILE_PARTS,
    PART_INDEX,
    SLIDE_PARTS,
    ManifestError,
    canonical_bytes,
    expand_parts,
    file_entry,
    parse_manifest,
    split_into_parts,
)
from tests.contract.test_parts import CREATED, full_document, split

PRIVATE, PUBLIC = trust.generate_keypair()
NOW = CREATED + timedelta(hours=1)
FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.sampled_from([0, -1, 2**53, 2**53 - 1, 10**200]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        [
            "/etc/passwd",
            "../x",
            "..",
            "",
            "a\x00b",
            "a\\b",
            "ab" * 32,
            "AB" * 32,
            "ab" * 32 + "\n",
            "slides/a.fr.html",
            "2026-11-26T12:00:00+00:00",
            "2026-99-99T99:99:99+00:00",
            "fr",
        ]
    ),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, as the keys and indexes that lead there."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths_of(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths_of(inner, (*prefix, index))
    return found


def mutate(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """One to three changes: a value replaced, a key removed or a key added, anywhere."""
    document = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths_of(document)[1:]))
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        action = data.draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "remove":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=12))] = data.draw(JSON_VALUES)
        else:
            parent[path[-1]] = data.draw(JSON_VALUES)
    return document


def only_contract_errors(call: Callable[[], object]) -> object:
    """Run ``call``; a ``ManifestError`` is a fine answer, any other exception fails the test."""
    try:
        return call()
    except ManifestError:
        return None


def verify(envelope: bytes) -> object:
    return only_contract_errors(
        lambda: trust.verify_manifest(envelope, PUBLIC, now=NOW, last_counter=None)
    )


def loader(parts: dict[str, bytes]) -> Callable[[str], bytes]:
    # An unknown part reads as empty bytes (a store that answers garbage), not KeyError: the
    # loader's own errors are the caller's, and not what this test is about.
    return lambda sha: parts.get(sha, b"")


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_manifest_errors(data: bytes) -> None:
    only_contract_errors(lambda: trust.open_envelope(data))
    only_contract_errors(lambda: parse_manifest(data))
    verify(data)


@FUZZ
@given(st.data())
def test_a_valid_envelope_with_bytes_flipped_raises_only_manifest_errors(
    data: st.DataObject,
) -> None:
    envelope = bytearray(trust.sign_manifest(full_document(), PRIVATE))
    for _ in range(data.draw(st.integers(1, 4))):
        envelope[data.draw(st.integers(0, len(envelope) - 1))] = data.draw(st.integers(0, 255))
    verify(bytes(envelope))


@FUZZ
@given(st.data())
def test_mutated_full_documents_resigned_raise_only_manifest_errors(data: st.DataObject) -> None:
    document = mutate(full_document(), data)
    try:
        envelope = trust.sign_manifest(document, PRIVATE)
    except (TypeError, ValueError):  # the mutation is not even JSON (e.g. a lone surrogate)
        return
    verified = verify(envelope)
    if isinstance(verified, dict):
        only_contract_errors(lambda: expand_parts(verified, loader({})))


@FUZZ
@given(st.data())
def test_mutated_parts_resigned_raise_only_manifest_errors(data: st.DataObject) -> None:
    """A part's content mutated, its new hash and size put in the document, then re-signed:
    the part passes the hash check, so ``expand_parts``'s own checks are what is tested."""
    key = data.draw(st.sampled_from([FILE_PARTS, SLIDE_PARTS, PART_INDEX]))
    document, parts = split_into_parts(full_document()) if key == PART_INDEX else split()
    name = data.draw(st.sampled_from(sorted(document[key])))
    content = json.loads(parts[document[key][name]["sha256"]])
    try:
        mutated = canonical_bytes(mutate({"part": content}, data)["part"])
    except (KeyError, TypeError, ValueError):  # the mutation removed the part itself
        return
    entry = file_entry(mutated)
    document[key][name] = {"size": entry.size, "sha256": entry.sha256}
    parts[entry.sha256] = mutated
    document = mutate(document, data) if data.draw(st.booleans()) else document
    try:
        envelope = trust.sign_manifest(document, PRIVATE)
    except (TypeError, ValueError):
        return
    verified = verify(envelope)
    if isinstance(verified, dict):
        only_contract_errors(lambda: expand_parts(verified, loader(parts)))
