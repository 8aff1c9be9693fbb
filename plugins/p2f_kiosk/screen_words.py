"""The interface words of slides and touch pages that ``labels`` does not hold, per language.

Content words come from items; hours, dates and prices from ``p2f_site.hours_words``.
"""

from __future__ import annotations

from functools import cache

from babel.numbers import format_decimal

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "not_translated": "Pas encore traduit : affiché en français.",
        "open_now": "Ouverts maintenant", "all": "Tous", "offers_here": "Bons plans ici",
        "actions": "Sur votre téléphone", "book": "Réserver", "website": "Site web",
        "call": "Appeler le {phone}", "where": "Où", "price": "Prix", "partner": "Avec",
        "event": "Agenda", "offer": "Bon plan", "page": "Info pratique", "alert": "Alerte",
        "alert-info": "Information", "alert-attention": "Attention", "alert-danger": "Danger",
        "alert-critical": "Urgence", "alert-warning": "Attention",
        "nfc": "Scannez ou approchez votre téléphone", "now_title": "Maintenant près d’ici",
        "now_open": "Ouvert maintenant", "now_events": "Ce soir et bientôt",
        "now_alerts": "Alertes", "now_none": "Rien pour le moment.", "hours": "Horaires",
        "far": "{d} d’ici",
    },
    "en": {
        "not_translated": "Not yet translated: shown in French.",
        "open_now": "Open now", "all": "All", "offers_here": "Deals here",
        "actions": "On your phone", "book": "Book", "website": "Website",
        "call": "Call {phone}", "where": "Where", "price": "Price", "partner": "With",
        "event": "What’s on", "offer": "Deal", "page": "Practical", "alert": "Alert",
        "alert-info": "Information", "alert-attention": "Warning", "alert-danger": "Danger",
        "alert-critical": "Emergency", "alert-warning": "Warning",
        "nfc": "Scan or tap your phone", "now_title": "Now, near here",
        "now_open": "Open now", "now_events": "Tonight and soon", "now_alerts": "Alerts",
        "now_none": "Nothing for now.", "hours": "Opening hours", "far": "{d} away",
    },
    "de": {
        "not_translated": "Noch nicht übersetzt: auf Französisch angezeigt.",
        "open_now": "Jetzt geöffnet", "all": "Alle", "offers_here": "Angebote hier",
        "actions": "Auf Ihrem Handy", "book": "Buchen", "website": "Webseite",
        "call": "{phone} anrufen", "where": "Wo", "price": "Preis", "partner": "Mit",
        "event": "Veranstaltung", "offer": "Angebot", "page": "Praktisch", "alert": "Hinweis",
        "alert-info": "Information", "alert-attention": "Achtung", "alert-danger": "Gefahr",
        "alert-critical": "Notfall", "alert-warning": "Achtung",
        "nfc": "Scannen oder Handy anhalten", "now_title": "Jetzt in der Nähe",
        "now_open": "Jetzt geöffnet", "now_events": "Heute Abend und bald",
        "now_alerts": "Hinweise", "now_none": "Derzeit nichts.", "hours": "Öffnungszeiten",
        "far": "{d} entfernt",
    },
    "es": {
        "not_translated": "Aún sin traducir: se muestra en francés.",
        "open_now": "Abiertos ahora", "all": "Todos", "offers_here": "Ofertas aquí",
        "actions": "En su móvil", "book": "Reservar", "website": "Web",
        "call": "Llamar al {phone}", "where": "Dónde", "price": "Precio", "partner": "Con",
        "event": "Agenda", "offer": "Oferta", "page": "Información práctica", "alert": "Aviso",
        "alert-info": "Información", "alert-attention": "Atención", "alert-danger": "Peligro",
        "alert-critical": "Emergencia", "alert-warning": "Atención",
        "nfc": "Escanee o acerque su móvil", "now_title": "Ahora, cerca de aquí",
        "now_open": "Abierto ahora", "now_events": "Esta noche y pronto",
        "now_alerts": "Avisos", "now_none": "Nada por ahora.", "hours": "Horario",
        "far": "a {d}",
    },
}  # fmt: skip


def screen_words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["fr"])


def distance_text(metres: int, lang: str) -> str:
    """``350 m``, ``1,2 km`` (``1.2 km`` in English)."""
    if metres < 1000:
        return f"{metres}\u00a0m"
    return _kilometres(round(metres / 1000, 1), lang)


def far_text(metres: int, lang: str) -> str:
    """A place's distance from the screen as its page says it: ``1,2\u00a0km d’ici``."""
    return screen_words(lang)["far"].format(d=distance_text(metres, lang))


@cache
def _kilometres(km: float, lang: str) -> str:
    """Babel's formatting costs ~0.2 ms; a build asks for a few hundred distinct values
    (a tenth of a km, per language) tens of thousands of times (each site, each place)."""
    return f"{format_decimal(km, locale=lang)}\u00a0km"
