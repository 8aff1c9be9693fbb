"""Words of the machine-facing outputs (feed titles, deep-link landings) in the site languages."""

from __future__ import annotations

from p2f_model.vocabulary import DEFAULT_LANGUAGE

STRINGS: dict[str, dict[str, str]] = {
    "agenda": {"fr": "Agenda", "en": "What's on", "de": "Veranstaltungen", "es": "Agenda"},
    "offers": {"fr": "Bons plans", "en": "Deals", "de": "Angebote", "es": "Ofertas"},
    "hebergement": {
        "fr": "Hébergement",
        "en": "Where to stay",
        "de": "Unterkunft",
        "es": "Alojamiento",
    },
    "restauration": {
        "fr": "Restauration",
        "en": "Food and drink",
        "de": "Essen und Trinken",
        "es": "Restauración",
    },
    "activites": {
        "fr": "Activités",
        "en": "Things to do",
        "de": "Aktivitäten",
        "es": "Actividades",
    },
    "patrimoine-nature": {
        "fr": "Patrimoine et nature",
        "en": "Heritage and nature",
        "de": "Kulturerbe und Natur",
        "es": "Patrimonio y naturaleza",
    },
    "shopping": {"fr": "Shopping", "en": "Shopping", "de": "Einkaufen", "es": "Compras"},
    "services": {"fr": "Services", "en": "Services", "de": "Dienstleistungen", "es": "Servicios"},
    "redirecting": {
        "fr": "Redirection vers",
        "en": "Taking you to",
        "de": "Weiter zu",
        "es": "Redirigiendo a",
    },
    "open": {
        "fr": "Ouvrir la page",
        "en": "Open the page",
        "de": "Seite öffnen",
        "es": "Abrir la página",
    },
    "other_langs": {
        "fr": "Autres langues",
        "en": "Other languages",
        "de": "Andere Sprachen",
        "es": "Otros idiomas",
    },
    "over": {
        "fr": "C'est terminé",
        "en": "This is over",
        "de": "Das ist vorbei",
        "es": "Ya ha terminado",
    },
    "over_text": {
        "fr": "« {title} » est terminé. Voici ce qui est proposé en ce moment :",
        "en": "“{title}” has ended. Here is what is on now:",
        "de": "„{title}“ ist vorbei. Das gibt es gerade:",
        "es": "«{title}» ha terminado. Esto es lo que hay ahora:",
    },
    "unknown": {
        "fr": "Lien introuvable",
        "en": "Link not found",
        "de": "Link nicht gefunden",
        "es": "Enlace no encontrado",
    },
    "unknown_text": {
        "fr": "Ce lien ne mène à aucune page (il a peut-être été mal recopié). "
        "Vous trouverez peut-être ce que vous cherchez ici :",
        "en": "This link does not lead to a page (it may have been mistyped). "
        "You may find what you are looking for here:",
        "de": "Dieser Link führt zu keiner Seite (vielleicht falsch abgeschrieben). "
        "Vielleicht finden Sie hier, was Sie suchen:",
        "es": "Este enlace no lleva a ninguna página (quizá se copió mal). "
        "Quizá encuentre lo que busca aquí:",
    },
    "home": {"fr": "Accueil", "en": "Home", "de": "Startseite", "es": "Inicio"},
    "places": {"fr": "Lieux", "en": "Places", "de": "Orte", "es": "Lugares"},
    "pages": {
        "fr": "Infos pratiques",
        "en": "Practical info",
        "de": "Praktische Infos",
        "es": "Información práctica",
    },
    "search": {"fr": "Rechercher", "en": "Search", "de": "Suchen", "es": "Buscar"},
}


def word(lang: str, key: str) -> str:
    """The string ``key`` in ``lang`` (French when missing)."""
    texts = STRINGS[key]
    return texts.get(lang) or texts[DEFAULT_LANGUAGE]
