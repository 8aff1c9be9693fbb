"""Screenshots of the main pages at phone (390x844) and desktop (1280x800) sizes.

``UPDATE_SCREENSHOTS=1 .venv/bin/pytest tests/web/test_screenshots.py`` writes them into
docs/screenshots/ (shown in the README); otherwise they go to a temporary folder. Either way
each page is checked for horizontal scrolling, the first thing that breaks on a phone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, sample_day_at

PAGES = {
    "home": "/",
    "places": "/lieux/?cat=hebergement",
    "place": "/lieux/veto-pinede/",
    "agenda": "/agenda/",
    "offers": "/bons-plans/",
    "map": "/carte/?p=veto-pinede",
    "search": "/recherche/?q=v%C3%A9t%C3%A9rinaire",
    "place-en": "/en/lieux/veto-pinede/",
}
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS"):
        return ROOT / "docs" / "screenshots"
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_screenshot(visitor: Any, site_url: str, shots: Path, name: str, size: str) -> None:
    width, height = SIZES[size]
    visitor.set_viewport_size({"width": width, "height": height})
    visitor.clock.install(time=sample_day_at(21))
    visitor.goto(site_url + PAGES[name])
    if name == "search":
        visitor.locator("[data-search-results] li").first.wait_for()
    visitor.wait_for_load_state("networkidle")
    overflow = visitor.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    visitor.screenshot(path=str(shots / f"{name}-{size}.png"))
