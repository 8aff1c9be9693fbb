"""The map: markers big enough to tap, Leaflet only where the map is."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import SAMPLE_NOW


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


def test_leaflet_does_not_block_the_first_paint(built_site: Path) -> None:
    """Leaflet's stylesheet and script are asked for by map.js (script-inserted: neither blocks
    rendering nor delays the first paint); the page itself references only the deferred map.js."""
    html = (built_site / "carte" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<link[^>]+leaflet", html), "a parser-inserted Leaflet stylesheet"
    assert not re.search(r"<script[^>]+leaflet", html), "a parser-inserted Leaflet script"
    assert re.search(r'<script src="/theme/js/map.js" defer></script>', html)
    assert 'data-leaflet="/theme/vendor/leaflet/"' in html


def test_every_place_gets_its_marker(visitor: Any, site_url: str) -> None:
    """Markers are added a few at a time after the first paint: in the end, one per place."""
    visitor.goto(site_url + "/carte/")
    places = visitor.locator("[data-map-list] > li[data-lat]").count()
    assert places > 50
    expect(visitor.locator(".leaflet-marker-icon")).to_have_count(places)
    expect(visitor.locator("link[rel=stylesheet][href$='leaflet/leaflet.css']")).to_have_count(1)


def test_without_leaflet_the_list_is_the_map(visitor: Any, site_url: str) -> None:
    """Leaflet's script cannot load (blocked, offline cache): the notice says so, the list and
    the selected place stay usable."""
    visitor.route("**/theme/vendor/leaflet/leaflet.js", lambda route: route.abort())
    visitor.goto(site_url + "/carte/?p=veto-pinede")
    expect(visitor.locator("[data-tiles-failed]")).to_be_visible()
    expect(visitor.locator("#p-veto-pinede")).to_have_class(re.compile(r"\bselected\b"))
    expect(visitor.locator("#p-veto-pinede a").first).to_be_visible()
    expect(visitor.locator(".leaflet-container")).to_have_count(0)


@pytest.mark.parametrize(("density", "shown_px"), [("none", 256), ("next_zoom", 128)])
def test_high_density_setting_on_a_phone_screen(
    browser: Any, site_url: str, density: str, shown_px: int
) -> None:
    """P2F_MAP_TILES' ``high_density`` reaches Leaflet: on a screen of 2 device pixels per CSS
    pixel, "next_zoom" draws the next zoom level's 256 px tiles at 128 CSS px (sharp: 2 device
    pixels per tile pixel at most), "none" draws them at 256 CSS px. The tile server is answered
    in the page (this machine reaches no tile provider); the setting is set in the page's HTML,
    where the build writes it (``data-high-density``, tested in tests/webdata)."""
    context = browser.new_context(
        device_scale_factor=2, viewport={"width": 412, "height": 800}, locale="fr-FR"
    )
    page = context.new_page()
    page.clock.install(time=SAMPLE_NOW)
    zooms: set[int] = set()
    rewritten: list[bool] = []
    png = io.BytesIO()
    Image.new("RGB", (256, 256), (0xE8, 0xEE, 0xF2)).save(png, "PNG")

    def tile(route: Any) -> None:
        zooms.add(int(route.request.url.split("/")[-3]))
        route.fulfill(status=200, content_type="image/png", body=png.getvalue())

    def map_page(route: Any) -> None:
        html = route.fetch().text()
        assert 'data-high-density="none"' in html  # the sample's setting
        html = html.replace('data-high-density="none"', f'data-high-density="{density}"')
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        rewritten.append(True)

    page.route(lambda url: not url.startswith(site_url), lambda route: route.abort())
    page.route("https://tile.openstreetmap.org/**", tile)
    page.route(lambda url: url.startswith(site_url + "/carte/?"), map_page)
    page.goto(site_url + "/carte/?p=veto-pinede")  # zoom 16 on that place
    tiles = page.locator("img.leaflet-tile-loaded")
    expect(tiles.first).to_be_attached()
    sizes = tiles.evaluate_all(
        "ts => ts.map(t => [t.getBoundingClientRect().width, t.naturalWidth])"
    )
    context.close()
    assert rewritten == [True]
    assert {shown for shown, _ in sizes} == {shown_px}, sizes[:3]
    assert {natural for _, natural in sizes} == {256}
    assert zooms == ({16} if density == "none" else {17}), zooms
