"""Closed vocabularies of the content model: the words reporters may use."""

from __future__ import annotations

from p2f_model.territory import DEFAULT as DEFAULT_TERRITORY
from p2f_player.contract.rules import AUDIENCES, LANGUAGES

DEFAULT_LANGUAGE = "fr"
SITE_LANGUAGES = LANGUAGES  # languages the website and screens are written in
TRANSLATION_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)

SUBCATEGORIES: dict[str, tuple[str, ...]] = {
    "hebergement": ("hotel", "camping", "gite", "chambre-hotes", "residence", "auberge-jeunesse"),
    "restauration": ("restaurant", "bar", "cafe", "boulangerie", "glacier", "traiteur"),
    "activites": ("plage", "nautisme", "randonnee", "velo", "loisirs", "culture", "bien-etre"),
    "patrimoine-nature": ("monument", "musee", "site-naturel", "village", "point-de-vue"),
    "shopping": ("artisanat", "produits-locaux", "commerce", "marche"),
    "services": (
        "veterinaire",
        "pharmacie",
        "medecin",
        "hopital",
        "parking",
        "transport",
        "recharge-electrique",
        "laverie",
        "distributeur",
        "toilettes",
        "poste",
    ),
}
CATEGORIES = tuple(SUBCATEGORIES)
ACCESSIBILITY = ("fauteuil", "malvoyant", "malentendant", "mental")
PRICE_RANGES = ("€", "€€", "€€€", "€€€€")
# Alert levels, most severe first; what each does on a screen is a setting (content/reglages).
SEVERITIES = ("critical", "warning", "info")
RENAMED_SEVERITIES = {"danger": "critical", "attention": "warning"}  # the words before levels
PARTNER_KINDS = ("transport", "plateforme-hebergement", "activite", "commerce", "entreprise-locale")
ORIENTATIONS = ("portrait", "landscape")

# The default territory, as (low, high) per axis; the setting itself (and its override for a
# trial run) is p2f_model.territory, which the check and the importers both read.
BOUNDS = {"lat": DEFAULT_TERRITORY.span("lat"), "lon": DEFAULT_TERRITORY.span("lon")}

# folder under content/ -> kind
FOLDERS = {
    "lieux": "place",
    "agenda": "event",
    "bons-plans": "offer",
    "pratique": "page",
    "alertes": "alert",
    "partenaires": "partner",
    "sites": "site",
}
KIND_FOLDERS = {kind: folder for folder, kind in FOLDERS.items()}
# The screens' settings: one file, not an item (no page, no slide, no translation).
SETTINGS_FOLDER = "reglages"
SETTINGS_FILE = "ecrans.md"
CONTENT_FOLDERS = (*FOLDERS, SETTINGS_FOLDER)  # every folder of .md files under content/

__all__ = [
    "ACCESSIBILITY",
    "AUDIENCES",
    "BOUNDS",
    "CATEGORIES",
    "CONTENT_FOLDERS",
    "DEFAULT_LANGUAGE",
    "FOLDERS",
    "KIND_FOLDERS",
    "ORIENTATIONS",
    "PARTNER_KINDS",
    "PRICE_RANGES",
    "RENAMED_SEVERITIES",
    "SETTINGS_FILE",
    "SETTINGS_FOLDER",
    "SEVERITIES",
    "SITE_LANGUAGES",
    "SUBCATEGORIES",
    "TRANSLATION_LANGUAGES",
]
