"""Manifest parts at territory scale (issue 14): a one-item edit changes one small part.

With a fixed number of parts, each part grew with the site: at 4,000 items a one-item edit
re-sent a part listing 250 items (~110 KB) to every screen. The parts now double with the
number of items (``manifest.item_bins``). The names of those parts and the slide order then
grew with the site in the signed document itself (~150 KB at 20,000 documents, downloaded by
every screen for any change): they are now in index and order parts.
"""

from __future__ import annotations

import copy
from typing import Any

from p2f_player.contract.manifest import (
    FILE_PARTS,
    ITEM_BINS,
    ORDER_PARTS,
    PART_INDEX,
    SLIDE_PARTS,
    canonical_bytes,
    expand_parts,
    file_part_name,
    item_bins,
    part_objects,
    split_into_parts,
)
from tests.contract.test_parts import SITE, entry, full_document, slide

ITEMS = 4000


def big_document(items: int = ITEMS) -> dict[str, Any]:
    document = full_document()
    slugs = [f"lieu-{n:05d}" for n in range(items)]
    files = {"assets/kiosk.css": entry(b"body{}"), "directory/fr/index.html": entry(b"<p>fr")}
    for slug in slugs:
        for lang in SITE["languages"]:
            files[f"slides/{slug}.{lang}.html"] = entry(f"{slug} {lang}".encode())
            files[f"directory/{lang}/items/{slug}.html"] = entry(f"dir {slug} {lang}".encode())
    document["files"] = dict(sorted(files.items()))
    document["slides"] = [slide(slug) for slug in slugs]
    return document


def expanded(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, bytes]]:
    """The signed document, its parts form (what the index names) and every part object."""
    signed, parts = split_into_parts(document)
    return signed, expand_parts(signed, lambda sha: parts[sha]), parts


def test_a_one_item_edit_changes_one_small_part_of_a_big_site() -> None:
    before = big_document()
    after = copy.deepcopy(before)
    after["files"]["directory/fr/items/lieu-00042.html"] = entry(b"dir lieu-00042 fr, edited")
    old_signed, old, _ = expanded(before)
    new_signed, new, parts = expanded(after)
    changed = [n for n, ref in new[FILE_PARTS].items() if old[FILE_PARTS][n] != ref]
    assert len(changed) == 1 and new[SLIDE_PARTS] == old[SLIDE_PARTS]
    # was ~110 KB with 16 parts, ~14 KB with 32 items a part
    assert new[FILE_PARTS][changed[0]]["size"] < 6_000
    assert max(ref["size"] for ref in new[SLIDE_PARTS].values()) < 20_000
    # one index part changed, the order did not
    index = new_signed[PART_INDEX]
    assert sum(old_signed[PART_INDEX][n] != ref for n, ref in index.items()) == 1
    assert max(ref["size"] for ref in index.values()) < 10_000
    assert new_signed[ORDER_PARTS] == old_signed[ORDER_PARTS]
    # the pages of one item still share their part, and the parts expand back whole
    bins = item_bins(ITEMS)
    names = {file_part_name(p, bins) for p in after["files"] if "lieu-00042" in p}
    assert names == {changed[0]}
    assert new["files"] == after["files"] and new["slides"] == after["slides"]
    assert set(parts) == set(part_objects(new))


def test_the_signed_document_stays_small_as_the_site_grows() -> None:
    sizes = {n: len(canonical_bytes(expanded(big_document(n))[0])) for n in (500, ITEMS)}
    # 8 times the items: the parts' names and the slide order are no longer in it (~25 KB
    # and ~52 KB at 4,000 items); what grows is a ref per ~128 slides and per 64 parts
    assert sizes[ITEMS] < 8_000 and sizes[ITEMS] - sizes[500] < 2 * (ITEMS - 500)


def test_a_small_site_keeps_its_sixteen_parts() -> None:
    _, document, _ = expanded(full_document())
    assert item_bins(5) == ITEM_BINS == 16
    assert all(len(name) == len("items-00") for name in document[FILE_PARTS] if "items" in name)
    assert item_bins(16 * 8 + 1) == 32 and item_bins(ITEMS) == 512
