"""No layout shift: every page type, on a phone and on a desktop, scores CLS < 0.05.

The Cumulative Layout Shift is summed from the browser's own ``layout-shift`` entries
(``PerformanceObserver``, buffered, started before the page's first byte by an init script),
without the shifts that follow an input, as Lighthouse counts them. The clock is pinned to
21:00 Paris time on the day of ``SAMPLE_NOW`` (the evening blocks of the home page show then,
the "open now" lists are at their fullest change); the site's scripts reveal and fill their
blocks before the first paint.
Each page opens in a fresh browser (nothing cached) and its scripts arrive late, as on a slow
phone network: a page that painted before its script ran would then jump.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import sample_day_at

# One page of each type, in French and in English.
PAGES = {
    "home": "/",
    "home-en": "/en/",
    "places": "/lieux/",
    "place": "/lieux/hotel-les-pins-bleus/",
    "place-en": "/en/lieux/veto-pinede/",
    "agenda": "/agenda/",
    "event": "/agenda/marche-de-noel-2026/",
    "offers": "/bons-plans/",
    "offer": "/bons-plans/hertz-week-end-gare/",
    "pages": "/pratique/",
    "page": "/pratique/chambre-surbookee/",
    "alerts": "/alertes/",
    "alert": "/alertes/travaux-gare-parvis-sud/",
    "partners": "/partenaires/",
    "partner": "/partenaires/hertz/",
    "map": "/carte/",
    "search": "/recherche/",
    "tonight": "/ce-soir/",
    "tonight-en": "/en/ce-soir/",
    "contact": "/contact/",
    "not-found": "/404.html",
}
VIEWPORTS = {
    "mobile": {
        "viewport": {"width": 412, "height": 823},
        "device_scale_factor": 1.75,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1350, "height": 940}},
}
LIMIT = 0.05

# Collects every layout shift from the first frame on (the init script runs before any page
# script; the page's Content Security Policy does not apply to it).
OBSERVE = """
window.__shifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    if (!e.hadRecentInput) {
      window.__shifts.push({value: e.value, nodes: (e.sources || []).map(function (s) {
        var n = s.node; return n ? (n.nodeName + (n.id ? "#" + n.id : "") +
          (n.className && n.className.baseVal === undefined ? "." + n.className : "")) : "?";
      })});
    }
  });
}).observe({type: "layout-shift", buffered: true});
"""
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture(params=sorted(VIEWPORTS))
def device(request: pytest.FixtureRequest, browser: Any, site_url: str) -> Iterator[Any]:
    context = browser.new_context(
        **VIEWPORTS[request.param], timezone_id="Europe/Paris", locale="fr-FR"
    )
    page = context.new_page()
    page.route(lambda url: not url.startswith(site_url), lambda route: route.abort())
    page.route(f"{site_url}/theme/js/*.js", _late)
    page.add_init_script(OBSERVE)
    page.clock.set_fixed_time(sample_day_at(21))
    yield page
    context.close()


def _late(route: Any) -> None:
    time.sleep(0.3)  # the script takes a slow phone network's while to arrive
    route.continue_()


def layout_shift(page: Any, url: str) -> tuple[float, list[Any]]:
    response = page.goto(url, wait_until="load")
    assert response.status == 200, url  # the page exists (a missing one would score 0 too)
    page.evaluate(SETTLED)
    shifts = page.evaluate("() => window.__shifts")
    return sum(s["value"] for s in shifts), shifts


@pytest.mark.parametrize("path", PAGES.values(), ids=list(PAGES))
def test_no_page_shifts_its_layout(device: Any, site_url: str, path: str) -> None:
    cls, shifts = layout_shift(device, site_url + path)
    assert cls < LIMIT, shifts
