"""The visitor journeys of the website, in Debian's Chromium, on the sample content.

Times are set on the page clock (Europe/Paris); the site was built for ``SAMPLE_NOW`` (every
page starts there), so each test picks its moment relative to it and to the sample items' own
dates, never to the real clock.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from p2f_model.load import load_corpus
from p2f_model.settings import banner_levels
from p2f_player.contract.rules import PARIS
from tests.conftest import ROOT, SAMPLE_NOW, sample_day_at


@pytest.fixture(scope="module")
def corpus() -> Any:
    return load_corpus(ROOT / "content")


def test_visitor_at_21h_finds_a_lodging_open_now_and_opens_its_map(
    visitor: Any, site_url: str
) -> None:
    visitor.clock.install(time=sample_day_at(21))
    visitor.goto(site_url + "/")
    lodging = visitor.locator("#open-now li[data-cat=hebergement]:not([hidden])").first
    expect(lodging).to_be_visible()
    expect(lodging.locator("[data-state]")).to_have_text("Ouvert maintenant")
    slug = lodging.get_attribute("data-slug")
    lodging.locator("a").first.click()
    expect(visitor).to_have_url(f"{site_url}/lieux/{slug}/")
    expect(visitor.locator(".facts [data-state]")).to_have_text("Ouvert maintenant")
    visitor.locator("[data-map-link]").click()
    expect(visitor).to_have_url(f"{site_url}/carte/?p={slug}#p-{slug}")
    # the place is selected in the list, and has its marker on the map
    expect(visitor.locator(f"#p-{slug}")).to_have_class("card place cat-hebergement selected")
    expect(visitor.locator(".leaflet-marker-icon").first).to_be_attached()
    expect(visitor.locator(".leaflet-popup-content")).to_contain_text(
        visitor.locator(f"#p-{slug} a").first.inner_text()
    )
    # OpenStreetMap attribution is there; tiles cannot load here: the list is the fallback
    expect(visitor.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    expect(visitor.locator("[data-tiles-failed]")).to_be_visible()


def test_a_closed_place_is_not_open_now(visitor: Any, site_url: str) -> None:
    """The vet (Mo-Fr 08:30-19:00; Sa 09:00-12:30) is closed at 21:00 and open at 10:00."""
    visitor.clock.install(time=sample_day_at(21))
    visitor.goto(site_url + "/lieux/veto-pinede/")
    expect(visitor.locator(".facts [data-state]")).to_have_text("Fermé maintenant")
    visitor.goto(site_url + "/lieux/?open=1")
    expect(visitor.locator("#f-open")).to_be_checked()
    expect(visitor.locator("#p-veto-pinede")).to_be_hidden()
    # the "open now" filter asks opening_hours.js (fetched on demand) for the OSM expression
    visitor.wait_for_function("() => typeof window.opening_hours === 'function'")
    expect(visitor.locator("#p-veto-pinede")).to_be_hidden()
    expect(visitor.locator("#p-veto-pinede [data-state]")).to_have_text("Fermé maintenant")


def test_hours_stay_right_when_the_build_is_weeks_old(visitor: Any, site_url: str) -> None:
    """Past the 14 days of windows written by the build, opening_hours.js takes over."""
    tuesday = next_day(1, 10) + timedelta(weeks=3)
    visitor.clock.install(time=tuesday)
    visitor.goto(site_url + "/lieux/veto-pinede/")
    visitor.wait_for_function("() => typeof window.opening_hours === 'function'")
    expect(visitor.locator(".facts [data-state]")).to_have_text("Ouvert maintenant")
    visitor.clock.set_system_time(tuesday.replace(hour=20))
    visitor.reload()
    expect(visitor.locator(".facts [data-state]")).to_have_text("Fermé maintenant")


def test_directory_filters_by_category_accessibility_and_language(
    visitor: Any, site_url: str
) -> None:
    visitor.goto(site_url + "/en/lieux/")
    count = visitor.locator("[data-count]")
    everything = int(count.inner_text())
    visitor.locator("#f-cat").select_option("services")
    expect(visitor.locator("section[data-category=hebergement]")).to_be_hidden()
    expect(visitor.locator("#p-veto-pinede")).to_be_visible()
    services = int(count.inner_text())
    assert 0 < services < everything
    visitor.locator("#f-access").check()
    visitor.locator("#f-lang").select_option("es")
    expect(visitor.locator("#p-veto-pinede")).to_be_visible()  # wheelchair access, speaks es
    assert int(count.inner_text()) <= services
    assert "cat=services" in visitor.url and "access=fauteuil" in visitor.url


def test_search_for_veterinaire_finds_the_vet(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/recherche/")
    visitor.locator("#q").fill("vétérinaire")
    visitor.locator("#q").press("Enter")
    first = visitor.locator("[data-search-results] li a").first
    expect(first).to_be_visible()
    hrefs = visitor.locator("[data-search-results] li a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert any("/lieux/veto-pinede/" in href for href in hrefs[:3]), hrefs


def test_switching_to_english_keeps_the_item(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/lieux/veto-pinede/")
    visitor.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    expect(visitor).to_have_url(site_url + "/en/lieux/veto-pinede/")
    expect(visitor.locator("h1")).to_have_text("La Pinède veterinary clinic")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    alternates = visitor.locator("link[rel=alternate][hreflang]").evaluate_all(
        "links => links.map(l => l.hreflang + ' ' + new URL(l.href).pathname)"
    )
    assert (
        "de /de/lieux/veto-pinede/" in alternates and "x-default /lieux/veto-pinede/" in alternates
    )


def test_an_expired_offer_is_not_shown(visitor: Any, site_url: str, corpus: Any) -> None:
    now = SAMPLE_NOW
    offer = min(
        (o for o in corpus.of_kind("offer") if o.data.valid_from <= now < o.data.valid_until),
        key=lambda o: o.data.valid_until,
    )
    card = visitor.locator(f"li.offer[data-slug={offer.slug}]")
    visitor.clock.install(time=offer.data.valid_until - timedelta(minutes=5))
    visitor.goto(site_url + "/bons-plans/")
    expect(card).to_be_visible()
    # past its end, without a rebuild: gone from the list and from the home page
    visitor.clock.set_system_time(offer.data.valid_until + timedelta(minutes=1))
    visitor.reload()
    expect(card).to_be_hidden()
    visitor.goto(site_url + "/")
    expect(card).to_be_hidden()
    # its own page says it has ended and hides the booking button
    visitor.goto(site_url + f"/bons-plans/{offer.slug}/")
    expect(visitor.locator(".ended")).to_be_visible()
    expect(visitor.get_by_role("link", name="Réserver")).to_be_hidden()


def test_an_offer_disappears_while_the_page_stays_open(
    visitor: Any, site_url: str, corpus: Any
) -> None:
    now = SAMPLE_NOW
    offer = next(
        o for o in corpus.of_kind("offer") if o.data.valid_from <= now < o.data.valid_until
    )
    visitor.clock.install(time=offer.data.valid_until - timedelta(minutes=1))
    visitor.goto(site_url + "/bons-plans/")
    card = visitor.locator(f"li.offer[data-slug={offer.slug}]")
    expect(card).to_be_visible()
    visitor.clock.run_for("02:00")  # the page's minute timer runs: no reload
    expect(card).to_be_hidden()


def test_a_deep_link_lands_on_its_item(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/d/veto-pinede/?k=gare&l=en")
    expect(visitor).to_have_url(
        site_url + "/en/lieux/veto-pinede/?utm_source=kiosk&utm_medium=deeplink&utm_campaign=gare"
    )
    expect(visitor.locator("h1")).to_have_text("La Pinède veterinary clinic")


def test_404_page_helps(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/en/404.html")
    expect(visitor.locator("h1")).to_have_text("Page not found")
    expect(visitor.get_by_role("link", name="Search").first).to_be_visible()


def next_day(weekday: int, hour: int, minute: int = 0) -> datetime:
    """The next ``weekday`` (0 = Monday) after the day of ``SAMPLE_NOW`` at ``hour``, Paris
    time."""
    today = sample_day_at(hour, minute)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def moment_for(corpus: Any, audience: str, weekday: int, hour: int, minute: int = 0) -> datetime:
    """The first ``weekday`` at ``hour`` (Paris) from the day of ``SAMPLE_NOW`` on when an
    offer for ``audience`` is valid: the sample content must hold one."""
    start = sample_day_at(hour, minute)
    for offer in corpus.of_kind("offer"):
        if audience not in (offer.data.rules or {}).get("audiences", []):
            continue
        day = max(
            start,
            offer.data.valid_from.astimezone(PARIS).replace(
                hour=hour, minute=minute, second=0, microsecond=0
            ),
        )
        day += timedelta(days=(weekday - day.weekday()) % 7)
        if day < offer.data.valid_until:
            return day
    raise AssertionError(f"the sample content has no coming offer for {audience}")


@pytest.mark.parametrize(
    ("weekday", "hour", "minute", "audience"),
    [(1, 7, 30, "affaires"), (5, 11, 0, "excursionnistes")],
    ids=["tuesday-0730-business", "saturday-1100-day-trippers"],
)
def test_offers_are_ranked_by_the_audience_of_the_moment(
    visitor: Any, site_url: str, corpus: Any, weekday: int, hour: int, minute: int, audience: str
) -> None:
    moment = moment_for(corpus, audience, weekday, hour, minute)
    visitor.clock.install(time=moment)
    visitor.goto(site_url + "/bons-plans/")
    first = visitor.locator("li.offer:not([hidden])").first
    expect(first).to_have_attribute("data-audiences", re.compile(rf"\b{audience}\b"))
    assert visitor.evaluate("() => typeof window.P2FRules.matches") == "function"


def test_near_me_orders_places_by_distance(visitor: Any, site_url: str) -> None:
    visitor.context.grant_permissions(["geolocation"])
    visitor.context.set_geolocation({"latitude": 43.2063, "longitude": 3.5112})  # at the vet's
    visitor.goto(site_url + "/en/lieux/?cat=services")
    visitor.get_by_role("button", name="Sort by distance (allow location)").click()
    expect(visitor.get_by_role("status").filter(has_text="nearest")).to_have_text(
        "Sorted nearest first."
    )
    first = visitor.locator("section[data-category=services] li:not([hidden])").first
    expect(first).to_have_attribute("data-slug", "veto-pinede")
    expect(first.locator("[data-distance]")).to_have_text("0 m")


def test_geolocation_refused_keeps_the_default_order(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/")
    visitor.locator("[data-near-me]").click()  # no permission granted: the browser refuses
    expect(visitor.locator("[data-near-status]")).to_have_text(
        "Localisation indisponible : ordre par défaut."
    )


def test_home_shows_today_and_this_weekend(visitor: Any, site_url: str, corpus: Any) -> None:
    now = SAMPLE_NOW
    upcoming = sorted(
        (e for e in corpus.of_kind("event") if e.data.starts > now), key=lambda e: e.data.starts
    )
    weekend = next(e for e in upcoming if e.data.starts.astimezone(PARIS).weekday() == 5)
    saturday = weekend.data.starts.astimezone(PARIS)
    link = f"a[href='/agenda/{weekend.slug}/']"
    # the Wednesday before: this weekend, not today
    visitor.clock.install(time=(saturday - timedelta(days=3)).replace(hour=12, minute=0))
    visitor.goto(site_url + "/")
    expect(visitor.locator(f"[data-when=weekend] {link}")).to_be_visible()
    expect(visitor.locator(f"[data-when=today] {link}")).to_have_count(0)
    # on the day, two hours before it starts: today
    visitor.clock.set_system_time(saturday - timedelta(hours=2))
    visitor.reload()
    expect(visitor.locator(f"[data-when=today] {link}")).to_be_visible()
    visitor.goto(site_url + "/agenda/")
    expect(visitor.locator(f"[data-when=today] {link}")).to_be_visible()


def test_an_ended_alert_leaves_the_banner(visitor: Any, site_url: str, corpus: Any) -> None:
    # the first banner alert (an "info" one is never in the banner) still to end at
    # SAMPLE_NOW (the site was built for it), shown from its start
    now, levels = SAMPLE_NOW, banner_levels(corpus.settings)
    alert = min(
        (a for a in corpus.of_kind("alert")
         if a.data.severity in levels and now < a.data.valid_until),
        key=lambda a: a.data.valid_until,
    )  # fmt: skip
    banner = visitor.get_by_role("region", name="Alertes").get_by_role(
        "link", name=alert.original.title
    )
    visitor.clock.install(time=max(now, alert.data.valid_from))
    visitor.goto(site_url + "/lieux/veto-pinede/")
    expect(banner).to_be_visible()
    visitor.clock.set_system_time(alert.data.valid_until + timedelta(minutes=1))
    visitor.reload()
    expect(banner).to_be_hidden()


def test_without_javascript_nothing_false_is_claimed(browser: Any, site_url: str) -> None:
    """No script: no "open now" list (it would be stale), but every list and page works."""
    context = browser.new_context(java_script_enabled=False, timezone_id="Europe/Paris")
    page = context.new_page()
    page.goto(site_url + "/")
    expect(page.locator("#open-now")).to_be_hidden()
    expect(page.locator("[data-pool] li").first).to_be_visible()
    page.goto(site_url + "/lieux/")
    expect(page.locator("[data-filters]")).to_be_hidden()
    expect(page.locator("#p-veto-pinede")).to_be_visible()
    page.goto(site_url + "/carte/")
    expect(page.locator("#p-veto-pinede")).to_be_visible()
    context.close()


def test_keyboard_first_tab_is_the_skip_link(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/en/lieux/veto-pinede/")
    visitor.keyboard.press("Tab")
    skip = visitor.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    visitor.keyboard.press("Enter")
    expect(visitor.locator("main")).to_be_focused()


@pytest.mark.parametrize("path", ["/", "/en/agenda/", "/agenda/marche-de-noel-2026/", "/carte/"])
def test_every_local_link_answers(visitor: Any, site_url: str, path: str) -> None:
    """Links, stylesheets, scripts, feeds and calendars of a page all exist in the build."""
    visitor.goto(site_url + path)
    urls = visitor.evaluate(
        """() => [...document.querySelectorAll('a[href], link[href], script[src]')]
             .map(e => e.href || e.src).filter(u => u.startsWith(location.origin))
             .map(u => u.split('#')[0])"""
    )
    broken = []
    for url in sorted(set(urls)):
        if visitor.request.get(url).status != 200:
            broken.append(url)
    assert broken == []
