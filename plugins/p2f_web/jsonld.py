"""schema.org JSON-LD for an item page: a pure function from an item to a JSON-ready dict.

Types: places by category (LodgingBusiness, FoodEstablishment, TouristAttraction, Store, some
services by subcategory, else Place), Event (with its location, organizer, image and offers),
Offer (with what it offers), alerts as SpecialAnnouncement, practical pages as WebPage,
partners as Organization. Only what the page itself shows: the templates show every value
written here (e-mail, price range, hours, organizer, the venue's photo for an event).
Page-level nodes (the office, the website, breadcrumbs, lists) are in ``jsonld_pages``.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from p2f_model import schema
from p2f_model.corpus import Corpus, Item, Localized
from p2f_player.contract.rules import PARIS
from p2f_site.urls import item_url
from p2f_web.config import WebSettings
from p2f_web.hours_spec import opening_hours_specification
from p2f_web.items import describe, image_paths

CATEGORY_TYPES = {
    "hebergement": "LodgingBusiness",
    "restauration": "FoodEstablishment",
    "activites": "TouristAttraction",
    "patrimoine-nature": "TouristAttraction",
    "shopping": "Store",
}
SERVICE_TYPES = {
    "veterinaire": "VeterinaryCare",
    "pharmacie": "Pharmacy",
    "medecin": "Physician",
    "hopital": "Hospital",
    "parking": "ParkingFacility",
    "poste": "PostOffice",
}
KIND_TYPES = {
    "event": "Event",
    "offer": "Offer",
    "alert": "SpecialAnnouncement",
    "page": "WebPage",
    "partner": "Organization",
}
ACCESSIBILITY_NAMES = {
    "fauteuil": "wheelchair accessible",
    "malvoyant": "accessible to visually impaired people",
    "malentendant": "accessible to hearing impaired people",
    "mental": "accessible to people with intellectual disabilities",
}
_ADDRESS = re.compile(r"^(?P<street>.+?),\s*(?P<postcode>\d{5})\s+(?P<town>.+)$")


def schema_type(item: Item) -> str:
    """The schema.org ``@type`` of an item."""
    if item.kind == "place":
        data: schema.Place = item.data
        if data.category == "services":
            return SERVICE_TYPES.get(data.subcategory, "Place")
        return CATEGORY_TYPES.get(data.category, "Place")
    return KIND_TYPES.get(item.kind, "Thing")


def postal_address(address: str) -> dict[str, str]:
    found = _ADDRESS.match(address)
    if found is None:
        return {"@type": "PostalAddress", "streetAddress": address, "addressCountry": "FR"}
    return {
        "@type": "PostalAddress",
        "streetAddress": found["street"],
        "postalCode": found["postcode"],
        "addressLocality": found["town"],
        "addressCountry": "FR",
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _common(item: Item, text: Localized, lang: str, web: WebSettings) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": schema_type(item),
        "@id": web.absolute(item_url(item.kind, item.slug, lang)) + "#item",
        "name": text.title,
        "url": web.absolute(item_url(item.kind, item.slug, lang)),
    }
    description = describe(text)
    if description:
        out["description"] = description
    images = [web.absolute(path) for path, _ in image_paths(item, text)]
    if images:
        out["image"] = images
    return out


def place_node(item: Item, lang: str, web: WebSettings) -> dict[str, Any]:
    """A place, as the full node of its page or as an event's or offer's location.

    ``openingHoursSpecification`` covers the year from the build day (``web.now``).
    """
    data: schema.Place = item.data
    text = item.text(lang)
    out = _common(item, text, lang, web)
    out["address"] = postal_address(data.address)
    out["geo"] = {"@type": "GeoCoordinates", "latitude": data.geo.lat, "longitude": data.geo.lon}
    if data.phone:
        out["telephone"] = data.phone
    if data.email and out["@type"] != "Place":  # Place has no e-mail in schema.org
        out["email"] = data.email
    if data.website:
        out["sameAs"] = data.website
    if data.opening_hours:
        today = web.now.astimezone(PARIS).date()
        out["openingHoursSpecification"] = _hours(data.opening_hours, today)
    if data.price_range and out["@type"] != "Place":
        out["priceRange"] = data.price_range
    if data.accessibility:
        out["amenityFeature"] = [
            {"@type": "LocationFeatureSpecification", "name": ACCESSIBILITY_NAMES[a], "value": True}
            for a in data.accessibility
        ]
    if data.languages_spoken and out["@type"] != "Place":
        out["knowsLanguage"] = list(data.languages_spoken)
    if data.booking is not None and data.booking.url:
        out["potentialAction"] = {"@type": "ReserveAction", "target": data.booking.url}
    return out


_HOURS: dict[tuple[str, date], list[dict[str, Any]]] = {}


def _hours(expression: str, today: date) -> list[dict[str, Any]]:
    """Memoised: a place is the location of many events and offers. The key holds every
    input, so the cache is only a cache (a build for another day computes its own)."""
    key = (expression, today)
    if key not in _HOURS:
        _HOURS[key] = opening_hours_specification(expression, today)
    return _HOURS[key]


def _location(corpus: Corpus, slug: str | None, lang: str, web: WebSettings) -> dict[str, Any]:
    place = corpus.items.get(slug) if slug else None
    if place is None or place.kind != "place":
        return {}
    node = place_node(place, lang, web)
    node.pop("@context")
    return node


def _price(price: float | None) -> dict[str, Any]:
    if price is None:
        return {}
    return {"price": f"{price:.2f}", "priceCurrency": "EUR"}


def event_node(item: Item, corpus: Corpus, lang: str, web: WebSettings) -> dict[str, Any]:
    data: schema.Event = item.data
    out = _common(item, item.text(lang), lang, web)
    out.update(
        startDate=_iso(data.starts),
        endDate=_iso(data.ends),
        eventStatus="https://schema.org/EventScheduled",
        eventAttendanceMode="https://schema.org/OfflineEventAttendanceMode",
        inLanguage=item.text(lang).lang,  # a French fallback page is in French
    )
    location = _location(corpus, data.place, lang, web)
    if location:
        out["location"] = location
        if "image" not in out and location.get("image"):
            out["image"] = location["image"]  # the page shows the venue's photo then
    if data.organizer:
        out["organizer"] = {"@type": "Organization", "name": data.organizer}
    if data.price is not None or data.booking_url:
        offer: dict[str, Any] = {
            "@type": "Offer",
            "url": data.booking_url or out["url"],
            "availability": "https://schema.org/InStock",
            # on sale at least since the office checked it (the page says "verified on")
            "validFrom": data.provenance.verified_on.isoformat(),
            "validThrough": _iso(data.ends),
            **_price(data.price),
        }
        out["offers"] = offer
    if data.price == 0:
        out["isAccessibleForFree"] = True
    return out


def offer_node(item: Item, corpus: Corpus, lang: str, web: WebSettings) -> dict[str, Any]:
    data: schema.Offer = item.data
    out = _common(item, item.text(lang), lang, web)
    out.update(validFrom=_iso(data.valid_from), validThrough=_iso(data.valid_until))
    out.update(_price(data.price))
    out["availability"] = "https://schema.org/InStock"
    if data.original_price is not None:
        out["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "priceType": "https://schema.org/StrikethroughPrice",
            "price": f"{data.original_price:.2f}",
            "priceCurrency": "EUR",
        }
    partner = corpus.items.get(data.partner)
    if partner is not None:
        out["offeredBy"] = {
            "@type": "Organization",
            "name": partner.text(lang).title,
            "url": web.absolute(item_url("partner", partner.slug, lang)),
        }
    location = _location(corpus, data.place, lang, web)
    if location:
        out["availableAtOrFrom"] = location
    out["itemOffered"] = {"@type": "Service", "name": item.text(lang).title}
    if "offeredBy" in out:
        out["itemOffered"]["provider"] = out["offeredBy"]
    if location:
        out["itemOffered"]["areaServed"] = {"@id": location["@id"]}
    return out


def item_node(item: Item, corpus: Corpus, lang: str, web: WebSettings) -> dict[str, Any]:
    """The JSON-LD document of an item's page in ``lang``."""
    if item.kind == "place":
        return place_node(item, lang, web)
    if item.kind == "event":
        return event_node(item, corpus, lang, web)
    if item.kind == "offer":
        return offer_node(item, corpus, lang, web)
    out = _common(item, item.text(lang), lang, web)
    data = item.data
    if item.kind == "alert":
        out.update(datePosted=_iso(data.valid_from), expires=_iso(data.valid_until))
        out["text"] = out.pop("description", text_or_title(item.text(lang)))
    elif item.kind == "page":
        out["inLanguage"] = item.text(lang).lang
    elif item.kind == "partner" and data.website:
        out["sameAs"] = data.website
    return out


def text_or_title(text: Localized) -> str:
    return describe(text) or text.title


def script_tag(document: dict[str, Any]) -> str:
    """``document`` as a ``<script type="application/ld+json">``, safe inside HTML."""
    payload = json.dumps(document, ensure_ascii=False, indent=None, separators=(",", ":"))
    # "</script>" or "<!--" in a title must not end the element: escape every "<".
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{payload}</script>'
