"""The map data: one GeoJSON FeatureCollection of the places, per language (pure)."""

from __future__ import annotations

from typing import Any

from p2f_model import schema
from p2f_model.corpus import Corpus
from p2f_site.urls import item_url
from p2f_web.items import sort_key


def geojson_path(lang: str) -> str:
    return f"data/places.{lang}.geojson"


def places_geojson(corpus: Corpus, lang: str) -> dict[str, Any]:
    """Every place with coordinates (all have them: ``geo`` is required), in list order."""
    features = []
    for item in sorted(corpus.of_kind("place"), key=sort_key):
        data: schema.Place = item.data
        text = item.text(lang)
        features.append(
            {
                "type": "Feature",
                "id": item.slug,
                # GeoJSON (RFC 7946) is longitude first.
                "geometry": {"type": "Point", "coordinates": [data.geo.lon, data.geo.lat]},
                "properties": {
                    "slug": item.slug,
                    "title": text.title,
                    "summary": text.summary,
                    "category": data.category,
                    "subcategory": data.subcategory,
                    "url": item_url("place", item.slug, lang),
                    "lang": text.lang,
                    "address": data.address,
                    "phone": data.phone,
                    "opening_hours": data.opening_hours,
                    "accessibility": list(data.accessibility),
                    "languages_spoken": list(data.languages_spoken),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
