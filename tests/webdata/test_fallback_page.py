"""An item not yet translated: its page in another language is the French text, saying so."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def test_untranslated_item_falls_back_visibly_to_french(web_page: Any, web_url: str) -> None:
    # the night market is written in French only
    web_page.goto(web_url + "/agenda/marche-nocturne/")
    web_page.get_by_role("link", name="Deutsch").click()
    expect(web_page).to_have_url(web_url + "/de/agenda/marche-nocturne/")
    expect(web_page.locator(".fallback")).to_have_text(
        "Noch nicht übersetzt: auf Französisch angezeigt."
    )
    expect(web_page.locator("article")).to_have_attribute("lang", "fr")
    expect(web_page.locator("h1")).to_have_text("Marché nocturne")
