"""Where items and views live on the website; the answers are kept per process (every page
asks for the same links many times: language switch, menu, cards)."""

from __future__ import annotations

from p2f_site.urls import item_path, item_url, view_path, view_url


def test_item_and_view_addresses() -> None:
    assert item_path("place", "veto-pinede", "en") == "en/lieux/veto-pinede/index.html"
    assert item_url("place", "veto-pinede", "fr") == "/lieux/veto-pinede/"
    assert item_url("site", "gare", "fr") == ""  # kiosk sites have no page
    assert view_url("list:event", "de") == "/de/agenda/"
    assert view_url("home", "fr") == "/"
    assert view_path("404", "es") == "es/404.html"


def test_repeated_links_are_answered_from_the_cache() -> None:
    item_url("place", "cache-probe", "de")
    view_url("map", "es")
    items, views = item_url.cache_info().hits, view_url.cache_info().hits
    assert item_url("place", "cache-probe", "de") == "/de/lieux/cache-probe/"
    assert view_url("map", "es") == "/es/carte/"
    assert item_url.cache_info().hits == items + 1 and view_url.cache_info().hits == views + 1
