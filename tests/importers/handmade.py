"""HAND-MADE records (not real data): the edge cases the real fixtures do not cover, placed
inside the office's territory (43.10..43.40, 3.20..3.70)."""

from __future__ import annotations

import copy
from typing import Any

# An object of the current generation, written compact as a flux does, with
# hasAddressCity as an object and literals as {lang: value} (no list).
PLACE_CURRENT: dict[str, Any] = {
    "@id": "https://data.datatourisme.fr/34/aaaaaaaa-0000-4000-8000-000000000001",
    "dc:identifier": "HANDMADE-1",
    "@type": ["schema:Museum", "Museum", "CulturalSite", "PlaceOfInterest", "PointOfInterest"],
    "rdfs:label": {"fr": "Musée de la Résine", "en": "Resin museum"},
    "hasDescription": [
        {
            "@id": "https://data.datatourisme.fr/d-1",
            "shortDescription": {"fr": "Le gemmage expliqué.", "en": "Resin tapping explained."},
            "dc:description": {
                "fr": "Le gemmage expliqué, des outils aux pots.",
                "en": "Resin tapping explained, from tools to pots.",
            },
        }
    ],
    "hasTranslatedProperty": [
        {
            "@id": "https://data.datatourisme.fr/t-1",
            "dc:contributor": ["https://api.deepl.com/v2/translate"],
            "rdf:language": ["en"],
            "rdf:predicate": [{"@id": "rdfs:comment"}],
        }
    ],
    "hasContact": [
        {
            "@id": "https://data.datatourisme.fr/c-1",
            "schema:telephone": ["04 67 00 99 10"],
            "foaf:homepage": ["https://musee-resine.example"],
        }
    ],
    "isLocatedAt": [
        {
            "@id": "https://data.datatourisme.fr/l-1",
            "schema:address": [
                {
                    "@id": "https://data.datatourisme.fr/a-1",
                    "schema:streetAddress": ["3 chemin des Gemmeurs"],
                    "schema:postalCode": "34510",
                    "hasAddressCity": {"@id": "kb:34999", "rdfs:label": {"fr": "Pinède-sur-Mer"}},
                }
            ],
            "schema:geo": {
                "@id": "https://data.datatourisme.fr/g-1",
                "schema:latitude": "43.2201",
                "schema:longitude": "3.4412",
            },
            "schema:openingHoursSpecification": [
                {
                    "@id": "https://data.datatourisme.fr/o-1",
                    "schema:opens": "10:00:00",
                    "schema:closes": "18:00:00",
                    "schema:dayOfWeek": [
                        {"@id": "schema:Tuesday"},
                        {"@id": "schema:Wednesday"},
                        {"@id": "schema:Thursday"},
                    ],
                    "schema:validFrom": "2026-04-01T00:00:00",
                    "schema:validThrough": "2026-09-30T00:00:00",
                }
            ],
        }
    ],
    "lastUpdateDatatourisme": "2026-03-01T04:00:00.000Z",
}

# An event of the older generation: id under data.datatourisme.gouv.fr, hasAddressCity a
# list, dates as a plain string (not a list).
EVENT_OLD: dict[str, Any] = {
    "@id": "https://data.datatourisme.gouv.fr/34/bbbbbbbb-0000-4000-8000-000000000002",
    "@type": ["schema:Event", "EntertainmentAndEvent", "PointOfInterest"],
    "rdfs:label": {"fr": ["Fête de la résine"]},
    "rdfs:comment": {"fr": ["Démonstrations de gemmage au musée."]},
    "schema:startDate": "2026-07-18",
    "schema:endDate": "2026-07-19",
    "isLocatedAt": [
        {
            "@id": "https://data.datatourisme.gouv.fr/l-2",
            "schema:address": [
                {
                    "@id": "https://data.datatourisme.gouv.fr/a-2",
                    "schema:postalCode": "34510",
                    "hasAddressCity": [{"@id": "kb:34999", "rdfs:label": {"fr": ["Pinède"]}}],
                }
            ],
            "schema:geo": {
                "@id": "https://data.datatourisme.gouv.fr/g-2",
                "schema:latitude": "43.22015",
                "schema:longitude": "3.44125",
            },
        }
    ],
}


def without_geo() -> dict[str, Any]:
    """A broken record: no coordinates."""
    broken = copy.deepcopy(PLACE_CURRENT)
    broken["@id"] = "https://data.datatourisme.fr/34/cccccccc-0000-4000-8000-000000000003"
    del broken["isLocatedAt"][0]["schema:geo"]
    return broken


ICS = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//hand-made test feed//FR
BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:atelier@asso.example
DTSTAMP:20260301T100000Z
SUMMARY:Atelier vannerie
DESCRIPTION:Chaque mardi soir. Apportez vos osiers.
LOCATION:Clinique vétérinaire de la Pinède
DTSTART;TZID=Europe/Paris:20260317T183000
DTEND;TZID=Europe/Paris:20260317T203000
RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=5
EXDATE;TZID=Europe/Paris:20260324T183000
END:VEVENT
BEGIN:VEVENT
UID:atelier@asso.example
RECURRENCE-ID;TZID=Europe/Paris:20260407T183000
DTSTAMP:20260301T100000Z
SUMMARY:Atelier vannerie
LOCATION:Clinique vétérinaire de la Pinède
STATUS:CANCELLED
DTSTART;TZID=Europe/Paris:20260407T183000
DTEND;TZID=Europe/Paris:20260407T203000
END:VEVENT
BEGIN:VEVENT
UID:vide-grenier@asso.example
DTSTAMP:20260301T100000Z
SUMMARY:Vide-grenier
DESCRIPTION:Toute la journée sur le parvis.
GEO:43.2150;3.4321
DTSTART;VALUE=DATE:20260405
DTEND;VALUE=DATE:20260406
END:VEVENT
BEGIN:VEVENT
UID:concert@asso.example
DTSTAMP:20260301T100000Z
SUMMARY:Concert en plein air
DTSTART:20260620T190000Z
DTEND:20260620T210000Z
URL:https://asso.example/concert
END:VEVENT
END:VCALENDAR
"""


def with_pictures(*pictures: tuple[str, dict[str, str], str]) -> dict[str, Any]:
    """``PLACE_CURRENT`` with pictures: ``(url, caption per language, credits)`` each, in the
    shape of the real 2020 flux (``hasRepresentation`` / ``ebucore:hasAnnotation``)."""
    obj = copy.deepcopy(PLACE_CURRENT)
    obj["hasRepresentation"] = [
        {
            "@id": f"https://data.datatourisme.fr/r-{index}",
            "ebucore:hasAnnotation": [
                {
                    "@id": f"https://data.datatourisme.fr/n-{index}",
                    "ebucore:title": {lang: [text] for lang, text in caption.items()},
                    "credits": [credits],
                }
            ],
            "ebucore:hasRelatedResource": [
                {"@id": f"https://data.datatourisme.fr/f-{index}", "ebucore:locator": [url]}
            ],
        }
        for index, (url, caption, credits) in enumerate(pictures)
    ]
    return obj
