"""The directory's offline search: index files in the manifest, small and deterministic, and the
search page driven in Debian's Chromium with its on-screen keyboard, with no outside request.

The browser tests serve the sample build's ``gare`` bundle on 127.0.0.1 at the screen's size
(1080×1920, portrait) and click the keys as a visitor touches them.
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from p2f_kiosk.search_index import index_script, normalize, parse_index, search_rows
from p2f_model.corpus import validate_corpus
from p2f_player.contract.manifest import check_file
from tests.conftest import BASE_FILES, ROOT
from tests.kiosk.conftest import Build

SITE = "gare"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAX_INDEX_BYTES = 40_000  # per language; gare's sample directory lists about 120 items


def manifest_of(bundle: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((bundle / "manifest.json").read_bytes())
    return document


@pytest.fixture(scope="module")
def bundle(sample_build: Path) -> Path:
    return sample_build / "kiosk" / SITE


def test_search_files_are_in_the_manifest(bundle: Path) -> None:
    manifest = manifest_of(bundle)
    languages = manifest["site"]["languages"]
    assert "fr" in languages
    assert "directory/search.js" in manifest["files"]
    for lang in languages:
        for name in (f"directory/{lang}/search-index.js", f"directory/{lang}/search.html"):
            check_file(name, (bundle / name).read_bytes(), manifest)  # listed, same hash
        home = (bundle / f"directory/{lang}/index.html").read_text()
        assert 'href="search.html"' in home
        size = (bundle / f"directory/{lang}/search-index.js").stat().st_size
        assert size < MAX_INDEX_BYTES, f"{lang}: index of {size} bytes"


def test_index_lists_what_the_directory_lists(bundle: Path) -> None:
    rows = parse_index((bundle / "directory/fr/search-index.js").read_bytes())
    slugs = [row[0] for row in rows]
    items = {p.stem for p in (bundle / "directory/fr/items").glob("*.html")}
    assert len(slugs) == len(set(slugs)) and set(slugs) == items
    vet = next(row for row in rows if row[0] == "veto-pinede")
    assert vet[1] == "Clinique vétérinaire de la Pinède"
    assert vet[2] == "Services · Vétérinaire"
    assert {"veto", "services", "veterinaire"} <= set(vet[3].split()) | set(
        normalize(vet[1]).split()
    )
    assert normalize("Œuvre Vétérinaire ÉTÉ") == "oeuvre veterinaire ete"


def test_index_words_come_from_labels_and_slug_and_optionally_the_texts() -> None:
    corpus = validate_corpus(
        [(f"content/{name}", textwrap.dedent(text)) for name, text in BASE_FILES.items()],
        {"images/veto.png"},
    )
    items = [corpus.items["veto-pinede"], corpus.items["numeros-urgence"]]
    metas = {"veto-pinede": "Services · Vétérinaire", "numeros-urgence": "Infos pratiques"}
    # by default only what lists show, labels and slugs: a text edit changes no list part
    stable = search_rows(items, "fr", metas)
    assert stable[0] == ["veto-pinede", "Clinique vétérinaire de la Pinède", metas["veto-pinede"],
                         "services veto"]  # fmt: skip
    assert stable[1][3] == "info pratique"
    # with the texts (TEXT_WORDS): summary words and the body's keywords
    full = search_rows(items, "fr", metas, lambda item: item.text("fr").body)
    assert {"urgences", "rendez", "matin", "veto"} <= set(full[0][3].split())
    assert "appelez" in full[1][3].split()
    assert index_script(full) == index_script(
        search_rows(items, "fr", metas, lambda i: i.text("fr").body)
    )


def test_index_bytes_are_deterministic(build_fixture: Build) -> None:
    first = build_fixture()
    index = first / "kiosk" / SITE / "directory" / "fr" / "search-index.js"
    data = index.read_bytes()
    assert b"veto-pinede" in data
    again = build_fixture()
    assert index.read_bytes() == data
    assert manifest_of(again / "kiosk" / SITE)["files"]["directory/fr/search-index.js"]


# --- in the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def bundle_url(bundle: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(bundle))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def screen(browser: Any, bundle_url: str) -> Iterator[Any]:
    """A kiosk-sized page: every request is recorded, any outside the bundle is refused."""
    context = browser.new_context(
        viewport={"width": 1080, "height": 1920}, locale="fr-FR", timezone_id="Europe/Paris"
    )
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(lambda url: not url.startswith(bundle_url + "/"), lambda route: route.abort())
    yield page
    context.close()
    outside = [url for url in requests if not url.startswith(bundle_url + "/")]
    assert outside == [], outside
    assert any(url.endswith("/search-index.js") for url in requests), requests
    assert errors == [], errors


def type_on_keyboard(page: Any, text: str) -> None:
    for char in text:
        page.locator(f'.keyboard button[data-key="{char}"]').click()


def results(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("[data-results] li a").all_inner_texts()]


def test_vet_found_with_the_on_screen_keyboard(screen: Any, bundle_url: str) -> None:
    screen.goto(f"{bundle_url}/directory/fr/index.html")
    screen.get_by_role("link", name="Rechercher").click()
    screen.wait_for_url("**/directory/fr/search.html")
    type_on_keyboard(screen, "vete")
    assert screen.locator("#q").input_value() == "vete"
    vet = screen.locator("[data-results] a", has_text="Clinique vétérinaire de la Pinède")
    vet.wait_for()
    assert "Services · Vétérinaire" in vet.inner_text()
    vet.click()
    screen.wait_for_url("**/directory/fr/items/veto-pinede.html")
    assert screen.locator("h1").inner_text() == "Clinique vétérinaire de la Pinède"


def test_keys_erase_accents_and_slug_words(screen: Any, bundle_url: str) -> None:
    screen.goto(f"{bundle_url}/directory/fr/search.html")
    type_on_keyboard(screen, "vétx")
    assert "Aucun résultat" in screen.locator("#search-status").inner_text()
    screen.get_by_role("button", name="Effacer", exact=True).click()
    assert screen.locator("#q").input_value() == "vét"
    assert any(r.startswith("Clinique vétérinaire") for r in results(screen))
    screen.get_by_role("button", name="Tout effacer").click()
    assert screen.locator("#q").input_value() == "" and results(screen) == []
    type_on_keyboard(screen, "veto")  # the slug's word, not in the title
    assert any(r.startswith("Clinique vétérinaire") for r in results(screen))


def test_pharma_lists_the_pharmacies(screen: Any, bundle: Path, bundle_url: str) -> None:
    rows = parse_index((bundle / "directory/fr/search-index.js").read_bytes())
    pharmacies = {row[1] for row in rows if row[0].startswith("pharmacie-")}
    assert len(pharmacies) >= 2
    screen.goto(f"{bundle_url}/directory/fr/search.html")
    type_on_keyboard(screen, "pharma")
    titles = {
        r.split("\n")[0].removesuffix(" Services · Pharmacie").strip() for r in results(screen)
    }
    assert pharmacies <= titles
    status = screen.locator("#search-status").inner_text()
    assert status.startswith(f"{len(results(screen))} résultat")


def test_one_letter_shows_the_first_results_and_asks_for_more(screen: Any, bundle_url: str) -> None:
    screen.goto(f"{bundle_url}/directory/fr/search.html")
    type_on_keyboard(screen, "p")
    assert len(results(screen)) == 20
    assert "ajoutez des lettres" in screen.locator("#search-status").inner_text()


def test_english_screen_searches_english_words(screen: Any, bundle_url: str) -> None:
    screen.goto(f"{bundle_url}/directory/en/index.html")
    screen.get_by_role("link", name="Search").click()
    screen.wait_for_url("**/directory/en/search.html")
    type_on_keyboard(screen, "vet")
    # the results are drawn after the keys: wait for them (a loaded machine is slow to draw)
    screen.locator("[data-results] li a", has_text="La Pinède veterinary clinic").first.wait_for()
    assert any(r.startswith("La Pinède veterinary clinic") for r in results(screen))
    screen.get_by_role("button", name="Clear all").click()
    type_on_keyboard(screen, "pharmacy")
    screen.locator("[data-results] li a", has_text="Pharmacy").nth(1).wait_for()
    assert len(results(screen)) >= 2
    assert all("Pharmacy" in r for r in results(screen)[:2])
    type_on_keyboard(screen, "qz")
    assert screen.locator("#search-status").inner_text().startswith("No result for “pharmacyqz”")


def test_unknown_word_says_so_in_french(screen: Any, bundle_url: str) -> None:
    screen.goto(f"{bundle_url}/directory/fr/search.html")
    type_on_keyboard(screen, "wxq")
    assert results(screen) == []
    status = screen.locator("#search-status").inner_text()
    assert "Aucun résultat pour « wxq »" in status and "accueil" in status


def test_text_is_big_enough_for_a_kiosk(screen: Any, bundle_url: str) -> None:
    screen.goto(f"{bundle_url}/directory/fr/search.html")
    type_on_keyboard(screen, "pharma")
    sizes = screen.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(n => n.offsetParent !== null && n.textContent.trim())
            .map(n => parseFloat(getComputedStyle(n).fontSize))"""
    )
    assert sizes and min(sizes) >= 18
    key = screen.locator('.keyboard button[data-key="a"]').bounding_box()
    assert key["width"] >= 48 and key["height"] >= 48


@pytest.mark.parametrize("query", ["", "pharma", "wxq"])
def test_axe_reports_no_violation(screen: Any, bundle_url: str, query: str) -> None:
    screen.goto(f"{bundle_url}/directory/fr/search.html")
    type_on_keyboard(screen, query)
    screen.add_script_tag(path=str(AXE))
    violations = screen.evaluate("() => axe.run().then(r => r.violations)")
    report = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    ]
    assert report == [], "\n".join(report)


def test_search_works_from_file_urls_too(browser: Any, bundle: Path) -> None:
    """A script index, not fetched JSON: the page works even opened straight from the disk."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})  # landscape too
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
    page.goto((bundle / "directory/fr/search.html").as_uri())
    type_on_keyboard(page, "vete")
    assert any(r.startswith("Clinique vétérinaire") for r in results(page))
    context.close()
    assert errors == [], errors


def test_nu_html_checker_reports_no_error(bundle: Path) -> None:
    pages = [bundle / f"directory/{lang}/{name}" for lang in ("fr", "de")
             for name in ("search.html", "index.html")]  # fmt: skip
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *map(str, pages)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
