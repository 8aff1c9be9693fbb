"""Structured data for rich results, read from the built sample site as a search engine does.

extruct pulls the JSON-LD out of each page type; pyld expands it against a pinned, local
schema.org context (``tests/web/schema/schemaorg-context.jsonld``: nothing is fetched) and
flattens it, so every node, nested ones included, is checked against the table of required
and recommended properties per type below (from the search engines' structured-data guides).
Every value a page states in JSON-LD that a visitor could want (phone, e-mail, price range,
organizer) is also visible on the page.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import extruct
import pytest
from pyld import jsonld

CONTEXT_FILE = Path(__file__).parent / "schema" / "schemaorg-context.jsonld"
SCHEMA = "https://schema.org/"
PUBLIC = "https://livep2f.com"

# type: (required, recommended)
TABLE: dict[str, tuple[set[str], set[str]]] = {
    "Event": (
        {"name", "startDate", "location"},
        {
            "description",
            "endDate",
            "eventStatus",
            "eventAttendanceMode",
            "image",
            "offers",
            "organizer",
        },
    ),
    "Offer": ({"name", "url", "validFrom", "validThrough", "itemOffered"}, {"offeredBy"}),
    "LodgingBusiness": (
        {"name", "address"},
        {"geo", "telephone", "url", "openingHoursSpecification", "image", "priceRange"},
    ),
    "FoodEstablishment": (
        {"name", "address"},
        {"geo", "telephone", "url", "openingHoursSpecification", "image"},
    ),
    "TouristAttraction": ({"name", "address"}, {"geo", "url", "image"}),
    "TouristInformationCenter": (
        {"name", "address"},
        {"geo", "telephone", "email", "url", "openingHoursSpecification", "contactPoint"},
    ),
    "WebSite": ({"name", "url", "potentialAction"}, set()),
    "SearchAction": ({"target", "query-input"}, set()),
    "BreadcrumbList": ({"itemListElement"}, set()),
    "ItemList": ({"itemListElement"}, {"numberOfItems", "name"}),
    "ListItem": ({"position"}, set()),
    "OpeningHoursSpecification": ({"dayOfWeek", "opens", "closes"}, set()),
    "PostalAddress": ({"streetAddress", "addressCountry"}, {"postalCode", "addressLocality"}),
    "GeoCoordinates": ({"latitude", "longitude"}, set()),
    "SpecialAnnouncement": ({"name", "datePosted", "text"}, {"expires"}),
    "Organization": ({"name"}, set()),
    "Service": ({"name"}, {"provider"}),
    "ContactPoint": ({"contactType"}, {"telephone", "email"}),
    "EntryPoint": ({"urlTemplate"}, set()),
    "LocationFeatureSpecification": ({"name", "value"}, set()),
    "UnitPriceSpecification": ({"price", "priceCurrency"}, set()),
    "ReserveAction": ({"target"}, set()),
    "WebPage": ({"name"}, set()),
}
OFFER_OF_EVENT = ({"price", "priceCurrency", "availability", "url"}, {"validFrom"})

PAGES = {
    "home": "index.html",
    "home-en": "en/index.html",
    "places": "lieux/index.html",
    "agenda": "agenda/index.html",
    "offers": "bons-plans/index.html",
    "contact": "contact/index.html",
    "lodging": "lieux/hotel-les-pins-bleus/index.html",
    "restaurant": "lieux/auberge-de-figuerolles/index.html",
    "attraction": "lieux/phare-du-cap-rousset/index.html",
    "event": "agenda/marche-de-noel-2026/index.html",
    "event-en": "en/agenda/marche-de-noel-2026/index.html",
    "offer": "bons-plans/hertz-week-end-gare/index.html",
    "alert": "alertes/travaux-gare-parvis-sud/index.html",
    "partner": "partenaires/hertz/index.html",
}


def local_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: schema.org's context from the pinned file, nothing else."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the test would have fetched {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(CONTEXT_FILE.read_text(encoding="utf-8")),
    }


def nodes_of(html: str, url: str) -> list[dict[str, Any]]:
    """Every typed node of the page's JSON-LD, expanded and flattened (IRIs cut to names)."""
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]
    assert data, f"{url}: no JSON-LD"
    flat = [
        node  # each script on its own: a top-level @graph is the default graph
        for document in data
        for node in jsonld.flatten(document, None, {"documentLoader": local_loader})
    ]
    nodes = []
    for node in flat:
        types = [t.removeprefix(SCHEMA) for t in node.get("@type", [])]
        props = {k.removeprefix(SCHEMA): v for k, v in node.items() if not k.startswith("@")}
        nodes.extend({"@type": t, "@id": node.get("@id"), **props} for t in types)
    return nodes


def kind_of(node: dict[str, Any]) -> str:
    if node["@type"] in TABLE:
        return node["@type"]
    if node["@type"] in ("VeterinaryCare", "Pharmacy", "Store", "ParkingFacility", "Place"):
        return "TouristAttraction"  # same needs: a place with an address
    return node["@type"]


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    out = {}
    for name, path in PAGES.items():
        html = (built_site / path).read_text(encoding="utf-8")
        out[name] = (html, nodes_of(html, f"{PUBLIC}/{path.removesuffix('index.html')}"))
    return out


@pytest.mark.parametrize("name", PAGES)
def test_required_properties_of_every_node(
    pages: dict[str, tuple[str, list[dict[str, Any]]]], name: str
) -> None:
    _html, nodes = pages[name]
    offers_of_events = {
        o["@id"] for n in nodes if n["@type"] == "Event" for o in n.get("offers", [])
    }
    for node in nodes:
        kind = kind_of(node)
        assert kind in TABLE, f"{name}: {node['@type']} is not in the table"
        required, _ = TABLE[kind]
        if node.get("@id") in offers_of_events:
            required = OFFER_OF_EVENT[0]
        missing = required - set(node)
        assert not missing, f"{name}: {node['@type']} without {sorted(missing)}"


EXPECTED_TYPES = {
    "home": {"WebSite", "SearchAction", "TouristInformationCenter", "OpeningHoursSpecification"},
    "places": {"ItemList", "BreadcrumbList"},
    "agenda": {"ItemList", "BreadcrumbList"},
    "contact": {"TouristInformationCenter", "BreadcrumbList"},
    "lodging": {"LodgingBusiness", "OpeningHoursSpecification", "BreadcrumbList"},
    "event": {"Event", "Offer", "BreadcrumbList", "Organization"},
    "offer": {"Offer", "Service", "BreadcrumbList"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_TYPES))
def test_each_page_type_says_what_it_is(
    pages: dict[str, tuple[str, list[dict[str, Any]]]], name: str
) -> None:
    found = {node["@type"] for node in pages[name][1]}
    assert EXPECTED_TYPES[name] <= found, found


@pytest.mark.parametrize(("name", "kind"), [("lodging", "LodgingBusiness"), ("event", "Event"),
                                            ("home", "TouristInformationCenter")])  # fmt: skip
def test_recommended_properties_where_the_sample_has_the_data(
    pages: dict[str, tuple[str, list[dict[str, Any]]]], name: str, kind: str
) -> None:
    node = next(n for n in pages[name][1] if n["@type"] == kind)
    missing = TABLE[kind][1] - set(node)
    assert not missing, f"{name}: {kind} without recommended {sorted(missing)}"


def test_every_list_item_has_a_url_and_a_breadcrumb_its_name(
    pages: dict[str, tuple[str, list[dict[str, Any]]]],
) -> None:
    _, nodes = pages["places"]
    items = [n for n in nodes if n["@type"] == "ListItem" and "url" in n]
    assert len(items) == 92  # every place, in page order
    crumbs = [n for n in nodes if n["@type"] == "ListItem" and "name" in n]
    assert sorted(c["name"][0]["@value"] for c in crumbs) == ["Accueil", "Lieux"]


def _visible_text(html: str) -> str:
    body = html.split("<body", 1)[1]
    return unescape(re.sub(r"<[^>]+>", " ", body))


def test_structured_values_are_visible_on_the_page(
    pages: dict[str, tuple[str, list[dict[str, Any]]]],
) -> None:
    checked = 0
    for name, (html, nodes) in pages.items():
        text = _visible_text(html)
        for node in nodes:
            for key in ("telephone", "email", "priceRange"):
                for value in node.get(key, []):
                    assert value["@value"] in text, f"{name}: {key} {value['@value']} not shown"
                    checked += 1
            if node["@type"] == "Event":
                for organizer in node.get("organizer", []):
                    named = next(n for n in nodes if n.get("@id") == organizer["@id"])
                    assert named["name"][0]["@value"] in text
                    checked += 1
    assert checked >= 6
