"""Manifest parts at territory scale (issue 14): a one-item edit changes one small part.

With a fixed number of parts, each part grew with the site: at 4,000 items a one-item edit
re-sent a part listing 250 items (~110 KB) to every screen. The parts now double with the
number of items (``manifest.item_bins``).
"""

from __future__ import annotations

import copy
from typing import Any

from p2f_player.contract.manifest import (
    FILE_PARTS,
    ITEM_BINS,
    SLIDE_PARTS,
    expand_parts,
    file_part_name,
    item_bins,
    split_into_parts,
)
from tests.contract.test_parts import SITE, entry, full_document, slide

ITEMS = 4000


def big_document() -> dict[str, Any]:
    document = full_document()
    slugs = [f"lieu-{n:05d}" for n in range(ITEMS)]
    files = {"assets/kiosk.css": entry(b"body{}"), "directory/fr/index.html": entry(b"<p>fr")}
    for slug in slugs:
        for lang in SITE["languages"]:
            files[f"slides/{slug}.{lang}.html"] = entry(f"{slug} {lang}".encode())
            files[f"directory/{lang}/items/{slug}.html"] = entry(f"dir {slug} {lang}".encode())
    document["files"] = dict(sorted(files.items()))
    document["slides"] = [slide(slug) for slug in slugs]
    return document


def test_a_one_item_edit_changes_one_small_part_of_a_big_site() -> None:
    before = big_document()
    after = copy.deepcopy(before)
    after["files"]["directory/fr/items/lieu-00042.html"] = entry(b"dir lieu-00042 fr, edited")
    old, _ = split_into_parts(before)
    new, parts = split_into_parts(after)
    changed = [n for n, ref in new[FILE_PARTS].items() if old[FILE_PARTS][n] != ref]
    assert len(changed) == 1 and new[SLIDE_PARTS] == old[SLIDE_PARTS]
    assert new[FILE_PARTS][changed[0]]["size"] < 20_000  # was ~110 KB with 16 parts
    assert max(ref["size"] for ref in new[SLIDE_PARTS].values()) < 20_000
    assert len(new[FILE_PARTS]) <= 2 * ITEMS / 32 + 3  # the signed list of parts stays short
    # the pages of one item still share their part, and the parts expand back whole
    bins = item_bins(ITEMS)
    names = {file_part_name(p, bins) for p in after["files"] if "lieu-00042" in p}
    assert names == {changed[0]}
    full = expand_parts(new, lambda sha: parts[sha])
    assert full["files"] == after["files"] and full["slides"] == after["slides"]


def test_a_small_site_keeps_its_sixteen_parts() -> None:
    document, _ = split_into_parts(full_document())
    assert item_bins(5) == ITEM_BINS == 16
    assert all(len(name) == len("items-00") for name in document[FILE_PARTS] if "items" in name)
    assert item_bins(16 * 32 + 1) == 32 and item_bins(ITEMS) == 128
