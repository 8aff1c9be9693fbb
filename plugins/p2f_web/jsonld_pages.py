"""schema.org JSON-LD of whole pages: the office, the website, breadcrumbs and lists (pure).

- every item page: its item node (``jsonld.item_node``) and a ``BreadcrumbList`` (home › list
  › item, the trail the page shows), in one ``@graph``;
- the home page: ``WebSite`` with a ``SearchAction`` (the search page reads ``?q=``) and the
  office as ``TouristInformationCenter`` (address, geo, phone, e-mail, opening hours: the
  footer of every page shows them);
- the contact page: the office;
- list pages: an ``ItemList`` of the items the list shows, in its order, and breadcrumbs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from p2f_model.corpus import Corpus, Item
from p2f_player.contract.rules import PARIS
from p2f_site.urls import item_url, view_url
from p2f_web.config import Office, WebSettings
from p2f_web.hours_spec import opening_hours_specification
from p2f_web.jsonld import item_node, postal_address

CONTEXT = "https://schema.org"


def graph(*nodes: dict[str, Any]) -> dict[str, Any]:
    """One JSON-LD document holding ``nodes`` (their own ``@context`` dropped)."""
    return {
        "@context": CONTEXT,
        "@graph": [{k: v for k, v in node.items() if k != "@context"} for node in nodes],
    }


def breadcrumbs(trail: list[tuple[str, str]]) -> dict[str, Any]:
    """``trail``: ``(name, absolute URL)`` from the home page to the page itself."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }


def office_node(office: Office, lang: str, web: WebSettings) -> dict[str, Any]:
    return {
        "@type": "TouristInformationCenter",
        "@id": web.absolute("/") + "#office",
        "name": office.name,
        "url": web.absolute(view_url("contact", lang)),
        "address": postal_address(office.address),
        "geo": {"@type": "GeoCoordinates", "latitude": office.lat, "longitude": office.lon},
        "telephone": office.phone,
        "email": office.email,
        "openingHoursSpecification": opening_hours_specification(
            office.opening_hours, web.now.astimezone(PARIS).date()
        ),
        "contactPoint": {
            "@type": "ContactPoint",
            "contactType": "customer service",
            "telephone": office.phone,
            "email": office.email,
            "availableLanguage": ["fr", "en", "de", "es"],
        },
    }


def website_node(lang: str, web: WebSettings, name: str) -> dict[str, Any]:
    search = web.absolute(view_url("search", lang))
    node: dict[str, Any] = {
        "@type": "WebSite",
        "@id": web.absolute(view_url("home", lang)) + "#website",
        "name": name,
        "url": web.absolute(view_url("home", lang)),
        "inLanguage": lang,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }
    if web.office is not None:
        node["publisher"] = {"@id": web.absolute("/") + "#office"}
    return node


def home_document(lang: str, web: WebSettings, name: str) -> dict[str, Any]:
    nodes = [website_node(lang, web, name)]
    if web.office is not None:
        nodes.append(office_node(web.office, lang, web))
    return graph(*nodes)


def contact_document(lang: str, web: WebSettings, trail: list[tuple[str, str]]) -> dict[str, Any]:
    nodes = [breadcrumbs(trail)]
    if web.office is not None:
        nodes.insert(0, office_node(web.office, lang, web))
    return graph(*nodes)


def item_document(
    item: Item, corpus: Corpus, lang: str, web: WebSettings, trail: list[tuple[str, str]]
) -> dict[str, Any]:
    return graph(item_node(item, corpus, lang, web), breadcrumbs(trail))


def list_document(
    items: Iterable[Item], lang: str, web: WebSettings, title: str, trail: list[tuple[str, str]]
) -> dict[str, Any]:
    """An ``ItemList`` of the items' pages in ``lang`` (a summary list: URLs only)."""
    elements = [
        {
            "@type": "ListItem",
            "position": n,
            "url": web.absolute(item_url(item.kind, item.slug, lang)),
        }
        for n, item in enumerate(items, start=1)
    ]
    node = {"@type": "ItemList", "name": title, "numberOfItems": len(elements)}
    return graph({**node, "itemListElement": elements}, breadcrumbs(trail))
