"""The map: markers big enough to tap, Leaflet only where the map is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect


def test_markers_are_24_px_targets(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/carte/")
    marker = visitor.locator(".leaflet-marker-icon").first
    expect(marker).to_be_attached()
    boxes = visitor.locator(".leaflet-marker-icon").evaluate_all(
        "icons => icons.map(i => [i.getBoundingClientRect().width, i.getBoundingClientRect().height])"
    )
    assert boxes and all(w >= 24 and h >= 24 for w, h in boxes), boxes[:3]
    # the credit line and its terms come from P2F_MAP_TILES
    credit = visitor.locator(
        ".leaflet-control-attribution a[href='https://www.openstreetmap.org/copyright']"
    )
    expect(credit).to_have_text("© OpenStreetMap contributors")


def test_leaflet_is_loaded_by_the_map_page_only(built_site: Path) -> None:
    with_leaflet = sorted(
        page.relative_to(built_site).as_posix()
        for page in built_site.rglob("*.html")
        if re.search(r"vendor/leaflet/", page.read_text(encoding="utf-8"))
    )
    assert with_leaflet == ["carte/index.html", "de/carte/index.html", "en/carte/index.html",
                            "es/carte/index.html"]  # fmt: skip
