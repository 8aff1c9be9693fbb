"""Interface strings of the website, French first. (The website issue moves these to gettext.)"""

from __future__ import annotations

LANG_NAMES = {"fr": "Français", "en": "English", "de": "Deutsch", "es": "Español"}

STRINGS: dict[str, dict[str, str]] = {
    "skip": {
        "fr": "Aller au contenu",
        "en": "Skip to content",
        "de": "Zum Inhalt",
        "es": "Ir al contenido",
    },
    "menu": {"fr": "Menu principal", "en": "Main menu", "de": "Hauptmenü", "es": "Menú principal"},
    "welcome": {
        "fr": "Bienvenue dans la petite pinède en feu",
        "en": "Welcome to la petite pinède en feu",
        "de": "Willkommen in la petite pinède en feu",
        "es": "Bienvenidos a la petite pinède en feu",
    },
    "places": {"fr": "Lieux", "en": "Places", "de": "Orte", "es": "Lugares"},
    "events": {"fr": "Agenda", "en": "What's on", "de": "Veranstaltungen", "es": "Agenda"},
    "offers": {"fr": "Bons plans", "en": "Deals", "de": "Angebote", "es": "Ofertas"},
    "pages": {
        "fr": "Infos pratiques",
        "en": "Practical info",
        "de": "Praktische Infos",
        "es": "Información práctica",
    },
    "alerts": {"fr": "Alertes", "en": "Alerts", "de": "Warnungen", "es": "Alertas"},
    "partners": {"fr": "Partenaires", "en": "Partners", "de": "Partner", "es": "Socios"},
    "address": {"fr": "Adresse", "en": "Address", "de": "Adresse", "es": "Dirección"},
    "hours": {"fr": "Horaires", "en": "Opening hours", "de": "Öffnungszeiten", "es": "Horario"},
    "phone": {"fr": "Téléphone", "en": "Phone", "de": "Telefon", "es": "Teléfono"},
    "map": {"fr": "Carte", "en": "Map", "de": "Karte", "es": "Mapa"},
    "free": {"fr": "Gratuit", "en": "Free", "de": "Kostenlos", "es": "Gratis"},
    "book": {"fr": "Réserver", "en": "Book", "de": "Buchen", "es": "Reservar"},
    "verified": {
        "fr": "Vérifié le",
        "en": "Verified on",
        "de": "Geprüft am",
        "es": "Verificado el",
    },
    "fallback": {
        "fr": "",
        "en": "Not yet translated: shown in French.",
        "de": "Noch nicht übersetzt: auf Französisch angezeigt.",
        "es": "Aún no traducido: se muestra en francés.",
    },
    "footer": {
        "fr": "OT Vitrine — office de tourisme numérique de P2F",
        "en": "OT Vitrine — P2F's digital tourist office",
        "de": "OT Vitrine — das digitale Tourismusbüro von P2F",
        "es": "OT Vitrine — la oficina de turismo digital de P2F",
    },
}


def ui(lang: str, key: str) -> str:
    """The interface string ``key`` in ``lang`` (French when missing)."""
    texts = STRINGS[key]
    return texts.get(lang) or texts["fr"]
