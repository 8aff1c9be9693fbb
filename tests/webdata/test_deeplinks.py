"""Deep-link landing pages: in Chromium with and without JavaScript, on a clock set later."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from p2f_player.contract.deeplinks import NFC, QR, deep_link, with_channel
from p2f_player.contract.rules import PARIS
from tests.conftest import ROOT
from tests.web.site_server import inject_axe
from tests.webdata.conftest import BUILD_NOW, read


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_deep_link_is_the_item_page_in_its_language(
    browser: Any, web_url: str, javascript: bool
) -> None:
    """The form kiosks write now: no redirect, no script, the page in the visitor's language."""
    url = deep_link("veto-pinede", "gare", "en", base=web_url)
    assert url == f"{web_url}/d/en/veto-pinede/?k=gare"
    context = browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        if javascript:
            page.clock.install(time=datetime.fromisoformat(BUILD_NOW))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url) if r.is_navigation_request() else None)
        response = page.goto(url)
        assert response is not None and response.status == 200
        assert page.url == url  # stayed: the landing is the page
        assert requests == [url]  # one navigation, no hop
        assert page.locator("h1").inner_text() == "La Pinède veterinary clinic"
        assert page.locator("html").get_attribute("lang") == "en"
        canonical = page.locator("link[rel=canonical]").get_attribute("href")
        assert canonical == "https://livep2f.com/en/lieux/veto-pinede/"
    finally:
        context.close()


def test_a_marked_link_is_served_as_the_bare_one(browser: Any, web_url: str) -> None:
    """The channel mark (v=q on the QR code, v=n on the NFC tag) changes nothing for the
    visitor: the same page, no hop, the mark left in the address for the access log."""
    bare = deep_link("veto-pinede", "gare", "en", base=web_url)
    context = browser.new_context()
    try:
        seen = {}
        for url in (bare, with_channel(bare, QR), with_channel(bare, NFC)):
            page = context.new_page()
            page.clock.install(time=datetime.fromisoformat(BUILD_NOW))
            requests: list[str] = []
            page.on(
                "request",
                lambda r, log=requests: log.append(r.url) if r.is_navigation_request() else None,
            )
            response = page.goto(url)
            assert response is not None and response.status == 200
            assert page.url == url and requests == [url]  # stayed: no hop
            seen[url] = (response.body(), page.locator("h1").inner_text())
            page.close()
        assert len(set(seen.values())) == 1  # byte for byte the same page, the same heading
        assert f"{bare}&v=q" in seen and f"{bare}&v=n" in seen
    finally:
        context.close()


def test_language_landings_stay_out_of_search(web_site: Path) -> None:
    for lang in ("fr", "en", "de", "es"):
        html = read(web_site, f"d/{lang}/veto-pinede/index.html")
        assert "data-pagefind-body" not in html
        assert '<meta name="robots" content="noindex">' in html
    item = read(web_site, "en/lieux/veto-pinede/index.html")
    assert "data-pagefind-body" in item  # the item's own page is the one indexed
    assert (web_site / "d" / "de" / "marche-nocturne" / "index.html").is_file()  # fallbacks too


def test_landing_page_knows_every_language(web_site: Path) -> None:
    html = read(web_site, "d/veto-pinede/index.html")
    found = re.search(r"data-targets='([^']*)'", html)
    assert found is not None
    targets = json.loads(found[1].replace("&quot;", '"'))
    assert targets == {
        "fr": "/lieux/veto-pinede/", "en": "/en/lieux/veto-pinede/",
        "de": "/de/lieux/veto-pinede/", "es": "/es/lieux/veto-pinede/",
    }  # fmt: skip
    assert '<meta http-equiv="refresh" content="0; url=/lieux/veto-pinede/">' in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    ("query", "landing"),
    [
        (
            "?k=gare&l=en",
            "/en/lieux/veto-pinede/?utm_source=kiosk&utm_medium=deeplink&utm_campaign=gare",
        ),
        ("?k=gare", "/lieux/veto-pinede/?utm_source=kiosk&utm_medium=deeplink&utm_campaign=gare"),
        ("?l=de", "/de/lieux/veto-pinede/"),
        (
            "?k=gare&l=xx",
            "/lieux/veto-pinede/?utm_source=kiosk&utm_medium=deeplink&utm_campaign=gare",
        ),
        ("?k=%3Cscript%3E&l=es", "/es/lieux/veto-pinede/"),  # a forged k is dropped
        # the channel mark of a newer player's QR code or NFC tag changes nothing
        (
            "?k=gare&l=en&v=q",
            "/en/lieux/veto-pinede/?utm_source=kiosk&utm_medium=deeplink&utm_campaign=gare",
        ),
        (
            "?k=gare&v=n",
            "/lieux/veto-pinede/?utm_source=kiosk&utm_medium=deeplink&utm_campaign=gare",
        ),
    ],
)
def test_first_form_deep_link_lands_on_the_item(
    web_page: Any, web_url: str, query: str, landing: str
) -> None:
    # The first form, on tags already stuck on screens: /d/<slug> (the server adds the slash).
    url = f"{web_url}/d/veto-pinede"
    web_page.goto(url + query)
    web_page.wait_for_url(re.compile(re.escape(landing) + "$"))
    assert web_page.url == web_url + landing


def test_without_javascript_the_page_still_leads_there(browser: Any, web_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{web_url}/d/veto-pinede/?k=gare&l=en")
        page.wait_for_url(f"{web_url}/lieux/veto-pinede/")  # the meta refresh, in French
    finally:
        context.close()


def test_an_offer_over_after_the_build_says_so(browser: Any, web_url: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.clock.install(time=datetime(2027, 4, 1, 10, 0, tzinfo=PARIS))
        page.goto(f"{web_url}/d/velos-hiver/?k=gare&l=en")
        over = page.locator('#over [data-lang="en"]')
        over.wait_for(state="visible")
        assert "has ended" in over.inner_text()
        assert over.get_by_role("link").get_attribute("href") == "/en/bons-plans/"
        assert page.url.endswith("/d/velos-hiver/?k=gare&l=en")  # stayed: no redirect
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()


def test_an_offer_still_valid_redirects(browser: Any, web_url: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.clock.install(time=datetime(2027, 3, 31, 23, 58, tzinfo=PARIS))
        page.goto(f"{web_url}/d/velos-hiver/?l=es")
        page.wait_for_url(f"{web_url}/es/bons-plans/velos-hiver/")
    finally:
        context.close()


def test_an_offer_over_at_build_time_is_the_over_page(web_site: Path) -> None:
    html = read(web_site, "d/glaces-ete/index.html")
    assert 'http-equiv="refresh"' not in html
    assert '<div id="over">' in html and '<div id="go" hidden>' in html
    assert "« Une glace offerte » est terminé" in html
    assert '<a href="/bons-plans/">Bons plans</a>' in html


def test_unknown_target_page_helps(web_site: Path, web_page: Any, web_url: str) -> None:
    html = read(web_site, "d/index.html")
    for href in ("/", "/lieux/", "/en/agenda/", "/de/bons-plans/", "/es/pratique/", "/recherche/"):
        assert f'<a href="{href}">' in html
    web_page.goto(f"{web_url}/d/")
    assert web_page.get_by_role("heading", level=1).inner_text() == "Lien introuvable"
    # Every link it offers exists.
    for href in re.findall(r'href="(/[^"]*)"', html):
        target = web_site / href.lstrip("/")
        assert (target / "index.html").is_file() or target.is_file(), href


def test_every_item_with_a_page_has_a_landing(web_site: Path) -> None:
    landings = {p.parent.name for p in (web_site / "d").glob("*/index.html")}
    assert landings == {
        "veto-pinede", "chez-marius", "marche-nocturne", "nuit-heure-hiver", "velos-hiver",
        "glaces-ete", "travaux-gare", "numeros-urgence", "velos-pinede",
    }  # fmt: skip


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize(
    "path", ["/d/", "/d/glaces-ete/", "/d/velos-hiver/?l=de"], ids=["unknown", "over", "over-later"]
)
def test_landing_pages_have_no_axe_violations(browser: Any, web_url: str, path: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.clock.install(time=datetime(2027, 6, 1, 12, 0, tzinfo=PARIS))  # every offer over
        page.goto(web_url + path)
        page.wait_for_selector("h1:visible")
        inject_axe(page, web_url, AXE)
        violations = page.evaluate("async () => (await axe.run()).violations.map((v) => v.id)")
        assert violations == []
    finally:
        context.close()
