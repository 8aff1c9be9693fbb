"""Every page template, in French and English: zero axe-core violations, zero Nu HTML errors.

axe-core (node_modules/axe-core, injected into the page) runs all its default rules, which cover
most of what RGAA checks automatically; the Nu HTML Checker (vnu-jar) validates the HTML.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.web.site_server import inject_axe

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# One page per template (and the list variants), as paths under a language prefix.
TEMPLATES = {
    "home": "",
    "list-places": "lieux/",
    "list-events": "agenda/",
    "list-offers": "bons-plans/",
    "list-pages": "pratique/",
    "list-alerts": "alertes/",
    "list-partners": "partenaires/",
    "place": "lieux/veto-pinede/",
    "place-with-photo": "lieux/etang-des-salins/",
    "event": "agenda/marche-de-noel-2026/",
    "offer": "bons-plans/cistes-rouges-coffret-noel/",
    "page": "pratique/numeros-urgence/",
    "alert": "alertes/travaux-gare-parvis-sud/",
    "partner": "partenaires/booking-com/",
    "search": "recherche/?q=plage",
    "map": "carte/?p=veto-pinede",
    "tonight": "ce-soir/",
    "contact": "contact/",
    "lodging-with-booking": "lieux/hotel-les-pins-bleus/",
    "page-to-tonight": "pratique/chambre-surbookee/",
    "404": "404.html",
}
LANGS = {"fr": "", "en": "en/"}
# Every item has an English text in the sample; a German page shows the French fallback.
PAGES = [
    (f"{name}-{lang}", "/" + prefix + path)
    for lang, prefix in LANGS.items()
    for name, path in TEMPLATES.items()
]
PAGES.append(("event-de", "/de/agenda/balade-capitelles-printemps-2027/"))


def file_of(site: Path, url: str) -> Path:
    path = url.split("?")[0].lstrip("/")
    return site / (path + "index.html" if path.endswith("/") or not path else path)


def test_every_template_page_exists(built_site: Path) -> None:
    for name, url in PAGES:
        assert file_of(built_site, url).is_file(), f"{name}: {url} missing — update TEMPLATES"


@pytest.mark.parametrize(("name", "url"), PAGES, ids=[name for name, _ in PAGES])
def test_axe_reports_no_violation(visitor: Any, site_url: str, name: str, url: str) -> None:
    visitor.goto(site_url + url)
    if name.startswith("search"):
        visitor.locator("[data-search-results] li").first.wait_for()
    visitor.wait_for_load_state("networkidle")
    inject_axe(visitor, site_url, AXE)
    result = visitor.evaluate("() => axe.run().then(r => r.violations)")
    report = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in result
    ]
    assert report == [], "\n".join(report)


def vnu_does_not_know_wasm_unsafe_eval(message: str) -> bool:
    """The Nu checker's CSP parser predates ``'wasm-unsafe-eval'`` (CSP Level 3, in Chromium,
    Firefox and Safari), which the policy needs for Pagefind: that one message is not an error.
    """
    return "Expecting source-expression but found \"'wasm-unsafe-eval'\"" in message


def test_nu_html_checker_reports_no_error(built_site: Path) -> None:
    files = [file_of(built_site, url) for _, url in PAGES]
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = [
        m
        for m in json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
        if not vnu_does_not_know_wasm_unsafe_eval(m.get("message", ""))
    ]
    report = [
        f"{m.get('url', '').replace(built_site.as_uri(), '')}:{m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert report == [], "\n".join(report)


def test_axe_harness_finds_a_planted_violation(visitor: Any) -> None:
    """Guards the test above against passing vacuously."""
    visitor.set_content('<html lang="fr"><body><main><img src="x.png"></main></body></html>')
    visitor.add_script_tag(path=str(AXE))
    ids = visitor.evaluate("() => axe.run().then(r => r.violations.map(v => v.id))")
    assert "image-alt" in ids
