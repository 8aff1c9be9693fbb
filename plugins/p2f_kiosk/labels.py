"""The words of the touch directory, in each screen language (content words come from items)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "home": "Accueil", "places": "Lieux", "events": "Aujourd’hui et à venir",
        "today": "Aujourd’hui", "offers": "Bons plans", "practical": "Infos pratiques",
        "back": "Retour", "none": "Rien pour le moment.", "phone": "Téléphone",
        "hours": "Horaires", "until": "jusqu’au", "continue": "Continuer sur votre téléphone",
        "hebergement": "Hébergement", "restauration": "Restauration", "activites": "Activités",
        "patrimoine-nature": "Patrimoine et nature", "shopping": "Shopping",
        "services": "Services",
    },
    "en": {
        "home": "Home", "places": "Places", "events": "Today and coming up", "today": "Today",
        "offers": "Deals", "practical": "Practical information", "back": "Back",
        "none": "Nothing for now.", "phone": "Phone", "hours": "Opening hours",
        "until": "until", "continue": "Continue on your phone",
        "hebergement": "Where to stay", "restauration": "Food and drink",
        "activites": "Things to do", "patrimoine-nature": "Heritage and nature",
        "shopping": "Shopping", "services": "Services",
    },
    "de": {
        "home": "Start", "places": "Orte", "events": "Heute und demnächst", "today": "Heute",
        "offers": "Angebote", "practical": "Praktische Infos", "back": "Zurück",
        "none": "Derzeit nichts.", "phone": "Telefon", "hours": "Öffnungszeiten",
        "until": "bis", "continue": "Auf dem Handy weiterlesen",
        "hebergement": "Unterkünfte", "restauration": "Essen und Trinken",
        "activites": "Aktivitäten", "patrimoine-nature": "Kultur und Natur",
        "shopping": "Einkaufen", "services": "Dienste",
    },
    "es": {
        "home": "Inicio", "places": "Lugares", "events": "Hoy y próximamente", "today": "Hoy",
        "offers": "Ofertas", "practical": "Información práctica", "back": "Volver",
        "none": "Nada por ahora.", "phone": "Teléfono", "hours": "Horario",
        "until": "hasta", "continue": "Seguir en su móvil",
        "hebergement": "Alojamiento", "restauration": "Comer y beber",
        "activites": "Actividades", "patrimoine-nature": "Patrimonio y naturaleza",
        "shopping": "Compras", "services": "Servicios",
    },
}  # fmt: skip


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["fr"])
