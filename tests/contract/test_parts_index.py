"""The indexed parts form (p2f_player.contract.manifest): index parts and order parts.

The signed document names index parts (which name the file and slide parts) and order parts
(the slide order, in runs); each way those can be wrong is refused before any part they name
is trusted.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from p2f_player.contract.manifest import (
    FILE_PARTS,
    ORDER_PARTS,
    PART_INDEX,
    SLIDE_PARTS,
    ManifestError,
    canonical_bytes,
    expand_parts,
    file_entry,
    order_runs,
    split_into_parts,
)
from tests.contract.test_parts import entry, full_document, loader


def indexed() -> tuple[dict[str, Any], dict[str, bytes]]:
    document, parts = split_into_parts(full_document())
    return copy.deepcopy(document), dict(parts)


def signer_put(document: dict[str, Any], parts: dict[str, bytes], content: Any) -> dict[str, Any]:
    """A part the signer itself got wrong: its ref goes in the document, the data is bad."""
    data = canonical_bytes(content) if not isinstance(content, bytes) else content
    parts[file_entry(data).sha256] = data
    return entry(data)


def test_a_tampered_index_or_order_part_is_refused_naming_it() -> None:
    document, parts = indexed()
    name, ref = next(iter(document[PART_INDEX].items()))
    with pytest.raises(ManifestError, match=f"index part {name}: hash or size differs"):
        expand_parts(document, loader({**parts, ref["sha256"]: parts[ref["sha256"]] + b" "}))
    ref = document[ORDER_PARTS][0]
    with pytest.raises(ManifestError, match="order part 0: hash or size differs"):
        expand_parts(document, loader({**parts, ref["sha256"]: b'["veto-pinede"]'}))


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"[", "is not JSON"),
        ([], "is not a JSON object"),
        ({FILE_PARTS: {}}, "keys must be"),
        ({FILE_PARTS: {}, SLIDE_PARTS: {}, "files": {}}, "keys must be"),
        ({FILE_PARTS: [], SLIDE_PARTS: {}}, "file_parts is not a JSON object"),
        ({FILE_PARTS: {"x": {"size": 1, "sha256": "0" * 63}}, SLIDE_PARTS: {}}, "file_parts.x"),
        ({FILE_PARTS: {"../x": {"size": 1, "sha256": "0" * 64}}, SLIDE_PARTS: {}}, "file_parts"),
    ],
)
def test_a_malformed_index_part_is_refused(content: Any, error: str) -> None:
    document, parts = indexed()
    document[PART_INDEX]["index-extra"] = signer_put(document, parts, content)
    with pytest.raises(ManifestError, match=error):
        expand_parts(document, loader(parts))


def test_a_part_named_by_two_index_parts_is_refused() -> None:
    document, parts = indexed()
    first = next(iter(document[PART_INDEX].values()))
    document[PART_INDEX]["index-copy"] = signer_put(document, parts, parts[first["sha256"]] + b" ")
    with pytest.raises(ManifestError, match="twice"):
        expand_parts(document, loader(parts))


@pytest.mark.parametrize(
    ("runs", "error"),
    [
        ([{"id": "veto-pinede"}], "order part 0 is not a JSON array"),
        ([["veto-pinede"]], "slide_order does not list exactly"),
        ([["veto-pinede", "ghost"]], "slide_order does not list exactly"),
        ([["Not A Slug"]], "slide_order"),
    ],
)
def test_an_order_that_does_not_name_exactly_the_slides_is_refused(
    runs: list[Any], error: str
) -> None:
    document, parts = indexed()
    document[ORDER_PARTS] = [signer_put(document, parts, run) for run in runs]
    with pytest.raises(ManifestError, match=error):
        expand_parts(document, loader(parts))


def test_order_runs_are_cut_by_the_ids_so_one_insertion_changes_one_run() -> None:
    order = [f"lieu-{n:05d}" for n in range(2000)]
    runs = order_runs(order)
    assert [i for run in runs for i in run] == order and 5 < len(runs) < 60
    inserted = [*order[:1000], "nouveau-lieu", *order[1000:]]
    changed = [run for run in order_runs(inserted) if run not in runs]
    assert len(changed) <= 2 and sum("nouveau-lieu" in run for run in changed) == 1
    assert order_runs([]) == []
