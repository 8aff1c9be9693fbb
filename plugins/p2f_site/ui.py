"""Words of the content model on the website, by slug, in the four site languages.

Kinds (``places``, ``events``...), categories and accessibility needs are keyed by the slug the
content uses, so templates can write ``ui(lang, item.data.category)``. Category names come from
the kiosk's labels, so a place is called the same on the screen and on the phone. Interface
sentences go through gettext instead (``p2f_site.i18n``, ``theme/translations/``).
"""

from __future__ import annotations

from typing import Any

from p2f_kiosk.labels import LABELS
from p2f_player.contract.rules import AUDIENCES

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
    # event themes (agenda filter): the tags worth filtering on
    "theme:fete": ("Fêtes", "Festivals", "Feste", "Fiestas"),
    "theme:musique": ("Musique", "Music", "Musik", "Música"),
    "theme:culture": ("Culture", "Culture", "Kultur", "Cultura"),
    "theme:cinema": ("Cinéma", "Cinema", "Kino", "Cine"),
    "theme:sport": ("Sport", "Sport", "Sport", "Deporte"),
    "theme:terroir": ("Terroir", "Local food", "Regionale Küche", "Productos locales"),
    "theme:vin": ("Vin", "Wine", "Wein", "Vino"),
    "theme:patrimoine": ("Patrimoine", "Heritage", "Kulturerbe", "Patrimonio"),
    "theme:nature": ("Nature", "Nature", "Natur", "Naturaleza"),
    "theme:noel": ("Noël", "Christmas", "Weihnachten", "Navidad"),
    # audiences (agenda filter), as the content model names them
    "audience:affaires": (
        "Voyageurs d’affaires",
        "Business travellers",
        "Geschäftsreisende",
        "Viajeros de negocios",
    ),
    "audience:excursionnistes": (
        "Excursionnistes",
        "Day-trippers",
        "Tagesausflügler",
        "Excursionistas",
    ),
    "audience:seniors": ("Seniors", "Seniors", "Senioren", "Mayores"),
    "audience:familles": ("Familles", "Families", "Familien", "Familias"),
    "audience:residents": ("Habitants", "Residents", "Einwohner", "Residentes"),
    "audience:jeunes": ("Jeunes", "Young people", "Jugendliche", "Jóvenes"),
}
THEMES = tuple(key[6:] for key in _TABLE if key.startswith("theme:"))


def event_audiences(item: Any) -> list[str]:
    """An event's audiences: its rules' ``audiences`` and the tags that name one."""
    named = list((item.data.rules or {}).get("audiences", []))
    return named + [t for t in item.data.tags if t in AUDIENCES and t not in named]


def ui(lang: str, key: str) -> str:
    """The word for the content-model slug ``key`` in ``lang`` (French when missing)."""
    row = _TABLE.get(key)
    if row is None:
        return LABELS.get(lang, LABELS["fr"]).get(key) or LABELS["fr"][key]
    index = _ORDER.index(lang) if lang in _ORDER else 0
    return row[index] or row[0]
