"""``manifest_bytes``: the bytes of ``canonical_bytes`` for any document, its file list printed
without the ``json`` encoder (the bundle builder's manifests; p2f_kiosk.bundle)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from p2f_player.contract.manifest import canonical_bytes, manifest_bytes
from tests.contract.test_parts import full_document

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
# entries of the usual shape, and what a hand-made or broken document may hold instead
ENTRY = (
    st.fixed_dictionaries(
        {"size": st.integers(), "sha256": st.from_regex(r"[0-9a-f]{0,64}", fullmatch=True)}
    )
    | st.fixed_dictionaries(
        {"size": st.booleans() | st.floats(allow_nan=False), "sha256": st.text()}
    )
    | st.fixed_dictionaries({"size": st.integers(), "sha256": st.text(), "extra": JSON})
    | st.fixed_dictionaries({"size": st.integers()})
    | JSON
)
PATH = st.from_regex(r"[a-z0-9/._-]{1,20}", fullmatch=True) | st.text(max_size=12)


def test_a_bundle_manifest_prints_as_canonical_bytes() -> None:
    document = full_document()
    assert manifest_bytes(document) == canonical_bytes(document)
    document["site"] = {**document["site"], "name": 'Gare "Saint-Lazare" — écran\n2'}
    document["files"]["slides/é.fr.html"] = {"size": 3, "sha256": 'a"b\\c'}
    document["files"]["z"] = {"sha256": "0" * 64, "size": True}
    assert manifest_bytes(document) == canonical_bytes(document)


def test_documents_without_a_file_list_of_objects_print_through_json() -> None:
    odd: list[dict[str, Any]] = [{}, {"files": []}, {"files": None, "a": 1}, {"a": {"files": {}}}]
    odd.append({"files": {1: {"size": 1, "sha256": "ab"}}, "a": 1})  # json prints "1"
    odd.append({"files": {}, "site": {"id": "x"}})
    for document in odd:
        assert manifest_bytes(document) == canonical_bytes(document)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    files=st.dictionaries(PATH, ENTRY, max_size=8),
    rest=st.dictionaries(st.sampled_from(["a", "fil", "filesz", "site", "z", "é", '"q']), JSON),
)
def test_any_document_prints_as_canonical_bytes(
    files: dict[str, Any], rest: dict[str, Any]
) -> None:
    document = {**rest, "files": files}
    assert manifest_bytes(document) == canonical_bytes(document)
