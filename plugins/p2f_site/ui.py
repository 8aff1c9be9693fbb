"""Words of the content model on the website, by slug, in the four site languages.

Kinds (``places``, ``events``...), categories and accessibility needs are keyed by the slug the
content uses, so templates can write ``ui(lang, item.data.category)``. Category names come from
the kiosk's labels, so a place is called the same on the screen and on the phone. Interface
sentences go through gettext instead (``p2f_site.i18n``, ``theme/translations/``).
"""

from __future__ import annotations

from p2f_kiosk.labels import LABELS

LANG_NAMES = {"fr": "Français", "en": "English", "de": "Deutsch", "es": "Español"}
_ORDER = ("fr", "en", "de", "es")

# key: (fr, en, de, es)
_TABLE: dict[str, tuple[str, str, str, str]] = {
    "places": ("Lieux", "Places", "Orte", "Lugares"),
    "events": ("Agenda", "What's on", "Veranstaltungen", "Agenda"),
    "offers": ("Bons plans", "Deals", "Angebote", "Ofertas"),
    "pages": ("Infos pratiques", "Practical info", "Praktische Infos", "Información práctica"),
    "alerts": ("Alertes", "Alerts", "Warnungen", "Alertas"),
    "partners": ("Partenaires", "Partners", "Partner", "Socios"),
    "fauteuil": ("fauteuil roulant", "wheelchair", "Rollstuhl", "silla de ruedas"),
    "malvoyant": (
        "déficience visuelle",
        "visual impairment",
        "Sehbehinderung",
        "discapacidad visual",
    ),
    "malentendant": (
        "déficience auditive",
        "hearing impairment",
        "Hörbehinderung",
        "discapacidad auditiva",
    ),
    "mental": (
        "déficience mentale",
        "learning disability",
        "geistige Behinderung",
        "discapacidad intelectual",
    ),
}


def ui(lang: str, key: str) -> str:
    """The word for the content-model slug ``key`` in ``lang`` (French when missing)."""
    row = _TABLE.get(key)
    if row is None:
        return LABELS.get(lang, LABELS["fr"]).get(key) or LABELS["fr"][key]
    index = _ORDER.index(lang) if lang in _ORDER else 0
    return row[index] or row[0]
