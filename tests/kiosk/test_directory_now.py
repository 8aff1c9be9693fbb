"""The touch directory helps now: places open now first then by distance from this screen, an
"open now" toggle, hours and states in words, the place's offers one touch away, booking and
website handed to the phone, "not yet translated" on French fallbacks; axe on every page kind.

The fixture content is built (the build moment is pinned) and its ``gare`` bundle opened in
Debian's Chromium from the disk, with the page's clock pinned too: Friday 27 November 2026.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from p2f_kiosk.now_data import distance_m, place_phases
from p2f_kiosk.screen_words import far_text
from p2f_player.contract.deeplinks import deep_link
from p2f_player.contract.rules import PARIS
from tests.conftest import SITE as GARE_SITE
from tests.kiosk.conftest import Build
from tests.kiosk.test_directory_search import AXE, CHROMIUM, CHROMIUM_ARGS

NEAR_PHARMACY = """\
---
title: Pharmacie du Parvis
category: services
subcategory: pharmacie
geo: {lat: 43.2110, lon: 3.4405}
address: 1 place de la Gare, 34510 Pinède-sur-Mer
opening_hours: "Mo-Sa 09:00-12:00"
provenance: {source: visite, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Au pied de la gare.
"""
FAR_TOILETS = """\
---
title: Toilettes du front de mer
category: services
subcategory: toilettes
geo: {lat: 43.2300, lon: 3.4700}
address: Promenade, 34510 Pinède-sur-Mer
opening_hours: "24/7"
provenance: {source: mairie, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Gratuites.
"""
VET_OFFER = """\
---
title: Vaccin du chien −15 %
partner: velos-pinede
place: veto-pinede
valid_from: 2026-11-01T00:00
valid_until: 2027-02-28T23:59
discount_percent: 15
code: VETO15
booking_url: https://veto.example/rdv
provenance: {source: contrat, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Sur rendez-vous.
"""
FRIDAY_6PM = "2026-11-27T18:00:00+01:00"  # the vet is open until 19 h, the pharmacy closed
SITE = "gare"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def bundle(build_fixture: Build) -> Path:
    build = build_fixture(
        {
            "lieux/pharmacie-parvis.md": NEAR_PHARMACY,
            "lieux/toilettes-front.md": FAR_TOILETS,
            "bons-plans/veto-vaccin.md": VET_OFFER,
        }
    )
    return build / "kiosk" / SITE


@pytest.fixture
def screen(browser: Any) -> Iterator[Any]:
    """A portrait kiosk page on Friday at 18:00, Paris; nothing outside the disk is fetched."""
    context = browser.new_context(
        viewport={"width": 1080, "height": 1920}, timezone_id="Europe/Paris"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
    page.clock.install(time=FRIDAY_6PM)
    yield page
    context.close()
    assert errors == [], errors


def titles(page: Any) -> list[str]:
    return [
        t.split("\n")[0].strip()
        for t in page.locator("ul.list li:not([hidden]) a > span:first-child").all_inner_texts()
    ]


def test_build_lists_places_by_distance_and_writes_their_phases(bundle: Path) -> None:
    page = (bundle / "directory/fr/places-services.html").read_text()
    order = [page.index(slug) for slug in ("pharmacie-parvis", "veto-pinede", "toilettes-front")]
    assert order == sorted(order)  # nearest first at build time
    data = json.loads(
        (bundle / "directory/fr/now.js").read_text().removeprefix("P2F_NOW=").rstrip(";\n")
    )
    vet = next(p for p in data["places"] if p["slug"] == "veto-pinede")
    assert vet["m"] == distance_m((43.2105, 3.4402), (43.2150, 3.4321))
    said = {data["texts"][text] for _, _, text in vet["s"]}
    assert {"Ouvert · ferme à 19 h", "Fermé · ouvre demain à 9 h"} <= said
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert "directory/fr/now.js" in manifest["files"] and "directory/en/now.js" in manifest["files"]


def test_open_now_first_then_distance_and_the_toggle(screen: Any, bundle: Path) -> None:
    screen.goto((bundle / "directory/fr/places-services.html").as_uri())
    assert titles(screen) == [
        "Clinique vétérinaire de la Pinède",  # open, 760 m
        "Toilettes du front de mer",  # open, 3 km
        "Pharmacie du Parvis",  # closed, though the nearest
    ]
    states = screen.locator("ul.list li [data-state]").all_inner_texts()
    assert states == [
        "Ouvert · ferme à 19 h",
        "Ouvert 24 h/24, 7 j/7",
        "Fermé · ouvre demain à 9 h",
    ]
    toggle = screen.get_by_role("button", name="Ouverts maintenant")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert titles(screen) == ["Clinique vétérinaire de la Pinède", "Toilettes du front de mer"]
    toggle.click()
    assert len(titles(screen)) == 3


def test_vet_page_hours_in_words_offer_one_touch_away_and_actions(
    screen: Any, bundle: Path
) -> None:
    screen.goto((bundle / "directory/en/items/veto-pinede.html").as_uri())
    assert screen.locator("[data-state]").inner_text() == "Open · closes at 7 pm"
    assert screen.locator(".hours").inner_text() == "Mon–Fri 8 am–7 pm, Sat 9 am–noon"
    assert "Mo-Fr" not in screen.locator("main").inner_text()  # no raw OSM for visitors
    offer = screen.locator("ul.list a", has_text="Vaccin du chien")
    assert "−15% until 28 February, code VETO15" in offer.inner_text()
    offer.click()  # one touch from the vet
    screen.wait_for_url("**/directory/en/items/veto-vaccin.html")
    book = screen.locator("a.action", has_text="Book")
    assert book.get_attribute("href") == "https://veto.example/rdv"  # the shell hands it off


def test_an_item_page_is_one_file_for_all_sites_and_says_each_screens_distance_and_link(
    screen: Any, build_fixture: Build
) -> None:
    """Two screens with the same languages hold the same item page (one file, linked); each
    shows its own distance and deep link, filled in from its own now.js."""
    port = GARE_SITE.replace("Gare de Pinède — hall des arrivées", "Port de plaisance")
    port = port.replace("{lat: 43.2105, lon: 3.4402}", "{lat: 43.2300, lon: 3.4700}")
    build = build_fixture({"sites/port.md": port})
    pages = {site: build / "kiosk" / site / "directory/fr/items/veto-pinede.html"
             for site in ("gare", "port")}  # fmt: skip
    assert pages["gare"].read_bytes() == pages["port"].read_bytes()
    assert pages["gare"].stat().st_ino == pages["port"].stat().st_ino
    vet = (43.2150, 3.4321)
    for site, here in (("gare", (43.2105, 3.4402)), ("port", (43.2300, 3.4700))):
        screen.goto(pages[site].as_uri())
        assert screen.locator("[data-link]").inner_text() == deep_link("veto-pinede", site, "fr")
        distance = screen.locator("[data-distance]").inner_text()
        assert distance == far_text(distance_m(here, vet), "fr")


def test_untranslated_item_says_so_and_is_marked_french(screen: Any, bundle: Path) -> None:
    screen.goto((bundle / "directory/en/items/marche-nocturne.html").as_uri())
    assert screen.locator("h1").get_attribute("lang") == "fr"
    note = screen.locator(".fallback")
    assert note.inner_text() == "Not yet translated: shown in French."
    assert note.evaluate("n => n.closest('[lang]').lang") == "en"
    assert screen.locator(".body").get_attribute("lang") == "fr"
    translated = (bundle / "directory/en/items/veto-pinede.html").read_text()
    assert 'class="fallback"' not in translated
    events = (bundle / "directory/en/events.html").read_text()
    assert '<span lang="fr">Marché nocturne</span>' in events


@pytest.mark.parametrize(
    "page",
    ["index.html", "places-services.html", "events.html", "offers.html",
     "items/veto-pinede.html", "items/marche-nocturne.html", "items/veto-vaccin.html"],
)  # fmt: skip
def test_axe_reports_no_violation_on_touch_pages(screen: Any, bundle: Path, page: str) -> None:
    screen.goto((bundle / "directory/en" / page).as_uri())
    screen.add_script_tag(path=str(AXE))
    violations = screen.evaluate("() => axe.run().then(r => r.violations)")
    report = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    ]
    assert report == [], "\n".join(report)


def test_an_out_of_season_place_is_closed_on_the_touch_pages_as_on_the_slides() -> None:
    """The touch directory's open/closed phrases use the scheduler's intervals: season included."""
    december = datetime(2026, 12, 4, 12, 0, tzinfo=PARIS)
    in_season = place_phases("Mo-Su 10:00-19:00", None, december, "fr")
    out_of_season = place_phases("Mo-Su 10:00-19:00", "Jun-Sep", december, "fr")
    assert any(phase.open for phase in in_season)
    assert not any(phase.open for phase in out_of_season)
