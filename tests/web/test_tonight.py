"""The visitor at 21:00 with nothing booked: from the home page to a bookable lodging in two
taps, in Chromium, with the clock pinned (Europe/Paris, on the day of ``SAMPLE_NOW``). Also: the office's contact block,
the agenda filters and the card photos."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.conftest import sample_day_at


def test_at_21h_a_bookable_lodging_is_two_taps_from_home(visitor: Any, site_url: str) -> None:
    visitor.clock.install(time=sample_day_at(21))
    booked: list[str] = []
    visitor.route(  # the lodgings' own booking sites, answered here (no network)
        re.compile(r"^https://[a-z-]+\.example/"),
        lambda route: (booked.append(route.request.url), route.fulfill(body="booking form")),
    )
    visitor.goto(site_url + "/")
    # tap 1: the evening button, first thing after the welcome
    visitor.get_by_role("link", name="Ce soir : où dormir, ce qui est ouvert").click()
    expect(visitor).to_have_url(site_url + "/ce-soir/")
    lodging = visitor.locator("[data-reachable] > li:not([hidden])").first
    expect(lodging).to_be_visible()
    expect(lodging.get_by_role("link", name="Réserver")).to_be_visible()
    target = lodging.get_by_role("link", name="Réserver").get_attribute("href")
    # tap 2: book
    lodging.get_by_role("link", name="Réserver").click()
    expect(visitor).to_have_url(target)
    assert booked == [target]


def test_tonight_keeps_only_lodgings_reachable_now(visitor: Any, site_url: str) -> None:
    """At 21:30 the Relais des Garrigues (reception 08:00-21:00) is gone; the 24 h hotels and
    the Terminus (key box by phone) stay; what closes at 21:00 is not "open after 21 h"."""
    visitor.clock.install(time=sample_day_at(21).replace(minute=30))
    visitor.goto(site_url + "/ce-soir/")
    shown = visitor.locator("[data-reachable] > li:not([hidden])").evaluate_all(
        "items => items.map(li => li.dataset.slug)"
    )
    assert shown[:3] == ["hotel-la-capitainerie", "hotel-les-pins-bleus", "hotel-terminus-du-golfe"]
    assert "hotel-relais-des-garrigues" not in shown
    for slug in shown:
        card = visitor.locator(f"[data-reachable] > li[data-slug={slug}]")
        assert (
            card.get_attribute("data-tonight") == "1" or card.get_attribute("data-is-open") == "1"
        )
        expect(card.locator("a[href^='tel:'], a.button").first).to_be_visible()
    late = visitor.locator("[data-open-late] > li:not([hidden])")
    expect(late.first).to_be_visible()


def test_the_evening_button_waits_for_the_evening(visitor: Any, site_url: str) -> None:
    visitor.clock.install(time=sample_day_at(11))
    visitor.goto(site_url + "/")
    expect(visitor.locator("[data-evening]")).to_be_hidden()
    visitor.clock.install(time=sample_day_at(19))
    visitor.goto(site_url + "/en/")
    expect(
        visitor.get_by_role("link", name="Tonight: where to sleep, what is open")
    ).to_be_visible()


def test_the_overbooking_page_leads_to_tonight(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/en/pratique/chambre-surbookee/")
    visitor.get_by_role("link", name="Where to sleep tonight").first.click()
    expect(visitor).to_have_url(site_url + "/en/ce-soir/")


def test_place_page_books_first_and_links_its_offers(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/lieux/hotel-les-pins-bleus/")
    first_link = visitor.locator("main .act a").first
    expect(first_link).to_have_text("Réserver")
    expect(visitor.locator("main .act")).to_contain_text("Réserver sur Booking.com")
    expect(visitor.locator("main .act")).to_contain_text("+33 4 67 00 12 40")
    visitor.goto(site_url + "/partenaires/hertz/")
    expect(visitor.locator("#h-offers")).to_be_visible()
    expect(visitor.locator(".linked a[href^='/bons-plans/']").first).to_be_visible()


def test_every_page_has_the_office_contact_and_a_contact_page(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/de/agenda/")
    footer = visitor.locator("footer address")
    expect(footer).to_contain_text("+33 4 67 00 00 10")
    expect(footer.get_by_role("link", name="bonjour@livep2f.com")).to_have_attribute(
        "href", "mailto:bonjour@livep2f.com"
    )
    footer.get_by_role("link", name="Kontakt").click()
    expect(visitor).to_have_url(site_url + "/de/contact/")
    expect(visitor.locator("h1")).to_have_text("Kontakt")
    expect(visitor.locator("main")).to_contain_text("2 place de la Fontaine")


def test_agenda_filters_by_dates_theme_and_audience(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/agenda/")
    events = visitor.locator("[data-pool] > li:not([hidden])")
    everything = events.count()
    assert everything > 5
    visitor.locator("#a-theme").select_option("noel")
    expect(visitor).to_have_url(re.compile(r"\?theme=noel$"))
    noel = events.evaluate_all("items => items.map(li => li.dataset.themes)")
    assert noel and all("noel" in themes.split() for themes in noel)
    assert visitor.locator("[data-count]").inner_text() == str(len(noel))
    visitor.locator("#a-theme").select_option("")
    visitor.locator("#a-from").fill("2027-06-01")
    visitor.locator("#a-to").fill("2027-06-30")
    visitor.locator("#a-to").dispatch_event("change")
    june = events.evaluate_all("items => items.map(li => li.dataset.starts.slice(0, 7))")
    assert june and set(june) == {"2027-06"}
    # the choice survives a reload (it is in the address), and works from a shared link
    visitor.goto(site_url + "/agenda/?audience=familles")
    families = events.evaluate_all("items => items.map(li => li.dataset.audiences)")
    assert families and all("familles" in a.split() for a in families)


def test_cards_show_photos_or_the_designed_fallback(visitor: Any, site_url: str) -> None:
    visitor.goto(site_url + "/lieux/")
    cards = visitor.locator("[data-directory] > li")
    photos = cards.locator("img.thumb").count()
    fallbacks = cards.locator(".thumb.fallback").count()
    assert photos + fallbacks == cards.count()
    assert photos > cards.count() / 2 and fallbacks > 0
    img = cards.locator("img.thumb").first
    assert img.get_attribute("width") == "96" and img.get_attribute("height") == "72"
