"""The words of the touch directory, in each screen language (content words come from items)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "search": "Rechercher", "search_hint": "Touchez les lettres pour écrire un mot.",
        "search_field": "Mot recherché", "keyboard": "Clavier", "space": "Espace",
        "erase": "Effacer", "erase_all": "Tout effacer",
        "search_none": "Aucun résultat pour « {q} ». Essayez un mot plus court ou un autre "
                       "mot, ou revenez à l’accueil pour parcourir les catégories.",
        "search_one": "1 résultat", "search_count": "{n} résultats",
        "search_many": "{n} résultats : ajoutez des lettres pour préciser.",
        "event": "Événement", "offer": "Bon plan",
        "page": "Info pratique", "keys": "azertyuiop qsdfghjklm wxcvbn éèêàçù",
        "home": "Accueil", "places": "Lieux", "events": "Aujourd’hui et à venir",
        "today": "Aujourd’hui", "offers": "Bons plans", "practical": "Infos pratiques",
        "back": "Retour", "none": "Rien pour le moment.", "phone": "Téléphone",
        "hours": "Horaires", "until": "jusqu’au", "continue": "Continuer sur votre téléphone",
        "hebergement": "Hébergement", "restauration": "Restauration", "activites": "Activités",
        "patrimoine-nature": "Patrimoine et nature", "shopping": "Shopping",
        "services": "Services",
        "in_french": "Texte en français",  # the FR marker of an untranslated slide
    },
    "en": {
        "search": "Search", "search_hint": "Touch the letters to type a word.",
        "search_field": "Search word", "keyboard": "Keyboard", "space": "Space",
        "erase": "Erase", "erase_all": "Clear all",
        "search_none": "No result for “{q}”. Try a shorter or another word, or go back "
                       "home to browse the categories.",
        "search_one": "1 result", "search_count": "{n} results",
        "search_many": "{n} results: add letters to narrow them down.",
        "event": "Event", "offer": "Deal",
        "page": "Practical information", "keys": "qwertyuiop asdfghjkl zxcvbnm éèàç",
        "home": "Home", "places": "Places", "events": "Today and coming up", "today": "Today",
        "offers": "Deals", "practical": "Practical information", "back": "Back",
        "none": "Nothing for now.", "phone": "Phone", "hours": "Opening hours",
        "until": "until", "continue": "Continue on your phone",
        "hebergement": "Where to stay", "restauration": "Food and drink",
        "activites": "Things to do", "patrimoine-nature": "Heritage and nature",
        "shopping": "Shopping", "services": "Services", "in_french": "Text in French",
    },
    "de": {
        "search": "Suchen",
        "search_hint": "Tippen Sie auf die Buchstaben, um ein Wort zu schreiben.",
        "search_field": "Suchwort", "keyboard": "Tastatur", "space": "Leerzeichen",
        "erase": "Löschen", "erase_all": "Alles löschen",
        "search_none": "Kein Ergebnis für „{q}“. Versuchen Sie ein kürzeres oder anderes "
                       "Wort oder kehren Sie zur Startseite zurück.",
        "search_one": "1 Ergebnis", "search_count": "{n} Ergebnisse",
        "search_many": "{n} Ergebnisse: weitere Buchstaben grenzen sie ein.",
        "event": "Veranstaltung", "offer": "Angebot",
        "page": "Praktische Info", "keys": "qwertzuiop asdfghjkl yxcvbnm äöüßéèàç",
        "home": "Start", "places": "Orte", "events": "Heute und demnächst", "today": "Heute",
        "offers": "Angebote", "practical": "Praktische Infos", "back": "Zurück",
        "none": "Derzeit nichts.", "phone": "Telefon", "hours": "Öffnungszeiten",
        "until": "bis", "continue": "Auf dem Handy weiterlesen",
        "hebergement": "Unterkünfte", "restauration": "Essen und Trinken",
        "activites": "Aktivitäten", "patrimoine-nature": "Kultur und Natur",
        "shopping": "Einkaufen", "services": "Dienste", "in_french": "Text auf Französisch",
    },
    "es": {
        "search": "Buscar", "search_hint": "Toque las letras para escribir una palabra.",
        "search_field": "Palabra buscada", "keyboard": "Teclado", "space": "Espacio",
        "erase": "Borrar", "erase_all": "Borrar todo",
        "search_none": "Ningún resultado para «{q}». Pruebe una palabra más corta u otra, "
                       "o vuelva al inicio para ver las categorías.",
        "search_one": "1 resultado", "search_count": "{n} resultados",
        "search_many": "{n} resultados: añada letras para precisar.",
        "event": "Evento", "offer": "Oferta",
        "page": "Información práctica", "keys": "qwertyuiop asdfghjklñ zxcvbnm áéíóúüç",
        "home": "Inicio", "places": "Lugares", "events": "Hoy y próximamente", "today": "Hoy",
        "offers": "Ofertas", "practical": "Información práctica", "back": "Volver",
        "none": "Nada por ahora.", "phone": "Teléfono", "hours": "Horario",
        "until": "hasta", "continue": "Seguir en su móvil",
        "hebergement": "Alojamiento", "restauration": "Comer y beber",
        "activites": "Actividades", "patrimoine-nature": "Patrimonio y naturaleza",
        "shopping": "Compras", "services": "Servicios", "in_french": "Texto en francés",
    },
}  # fmt: skip

# What the directory shows for each subcategory of places (content keeps the slug).
SUBCATEGORIES: dict[str, dict[str, str]] = {
    "fr": {
        "hotel": "Hôtel", "camping": "Camping", "gite": "Gîte", "chambre-hotes": "Chambre d’hôtes",
        "residence": "Résidence", "auberge-jeunesse": "Auberge de jeunesse",
        "restaurant": "Restaurant", "bar": "Bar", "cafe": "Café", "boulangerie": "Boulangerie",
        "glacier": "Glacier", "traiteur": "Traiteur", "plage": "Plage", "nautisme": "Nautisme",
        "randonnee": "Randonnée", "velo": "Vélo", "loisirs": "Loisirs", "culture": "Culture",
        "bien-etre": "Bien-être", "monument": "Monument", "musee": "Musée",
        "site-naturel": "Site naturel", "village": "Village", "point-de-vue": "Point de vue",
        "artisanat": "Artisanat", "produits-locaux": "Produits locaux", "commerce": "Commerce",
        "marche": "Marché", "veterinaire": "Vétérinaire", "pharmacie": "Pharmacie",
        "medecin": "Médecin", "hopital": "Hôpital", "parking": "Parking",
        "transport": "Transport", "recharge-electrique": "Recharge électrique",
        "laverie": "Laverie", "distributeur": "Distributeur de billets",
        "toilettes": "Toilettes", "poste": "Poste",
    },
    "en": {
        "hotel": "Hotel", "camping": "Campsite", "gite": "Holiday cottage",
        "chambre-hotes": "Bed and breakfast", "residence": "Holiday residence",
        "auberge-jeunesse": "Youth hostel", "restaurant": "Restaurant", "bar": "Bar",
        "cafe": "Café", "boulangerie": "Bakery", "glacier": "Ice cream", "traiteur": "Delicatessen",
        "plage": "Beach", "nautisme": "Water sports", "randonnee": "Hiking", "velo": "Cycling",
        "loisirs": "Leisure", "culture": "Culture", "bien-etre": "Wellness",
        "monument": "Monument", "musee": "Museum", "site-naturel": "Natural site",
        "village": "Village", "point-de-vue": "Viewpoint", "artisanat": "Crafts",
        "produits-locaux": "Local produce", "commerce": "Shop", "marche": "Market",
        "veterinaire": "Vet", "pharmacie": "Pharmacy", "medecin": "Doctor",
        "hopital": "Hospital", "parking": "Parking", "transport": "Transport",
        "recharge-electrique": "EV charging", "laverie": "Launderette",
        "distributeur": "Cash machine",
        "toilettes": "Toilets", "poste": "Post office",
    },
    "de": {
        "hotel": "Hotel", "camping": "Campingplatz", "gite": "Ferienhaus",
        "chambre-hotes": "Gästezimmer", "residence": "Ferienresidenz",
        "auberge-jeunesse": "Jugendherberge", "restaurant": "Restaurant", "bar": "Bar",
        "cafe": "Café", "boulangerie": "Bäckerei", "glacier": "Eisdiele", "traiteur": "Feinkost",
        "plage": "Strand", "nautisme": "Wassersport", "randonnee": "Wandern", "velo": "Radfahren",
        "loisirs": "Freizeit", "culture": "Kultur", "bien-etre": "Wellness",
        "monument": "Denkmal", "musee": "Museum", "site-naturel": "Naturstätte",
        "village": "Dorf", "point-de-vue": "Aussichtspunkt", "artisanat": "Kunsthandwerk",
        "produits-locaux": "Regionale Produkte", "commerce": "Geschäft", "marche": "Markt",
        "veterinaire": "Tierarzt", "pharmacie": "Apotheke", "medecin": "Arzt",
        "hopital": "Krankenhaus", "parking": "Parkplatz", "transport": "Verkehr",
        "recharge-electrique": "Ladestation", "laverie": "Waschsalon",
        "distributeur": "Geldautomat", "toilettes": "Toiletten", "poste": "Post",
    },
    "es": {
        "hotel": "Hotel", "camping": "Camping", "gite": "Casa rural",
        "chambre-hotes": "Casa de huéspedes", "residence": "Residencia vacacional",
        "auberge-jeunesse": "Albergue juvenil", "restaurant": "Restaurante", "bar": "Bar",
        "cafe": "Cafetería", "boulangerie": "Panadería", "glacier": "Heladería",
        "traiteur": "Charcutería", "plage": "Playa", "nautisme": "Deportes náuticos",
        "randonnee": "Senderismo", "velo": "Bicicleta", "loisirs": "Ocio", "culture": "Cultura",
        "bien-etre": "Bienestar", "monument": "Monumento", "musee": "Museo",
        "site-naturel": "Espacio natural", "village": "Pueblo", "point-de-vue": "Mirador",
        "artisanat": "Artesanía", "produits-locaux": "Productos locales", "commerce": "Tienda",
        "marche": "Mercado", "veterinaire": "Veterinario", "pharmacie": "Farmacia",
        "medecin": "Médico", "hopital": "Hospital", "parking": "Aparcamiento",
        "transport": "Transporte", "recharge-electrique": "Recarga eléctrica",
        "laverie": "Lavandería", "distributeur": "Cajero automático", "toilettes": "Aseos",
        "poste": "Correos",
    },
}  # fmt: skip


def subcategory_label(lang: str, subcategory: str) -> str:
    """The subcategory's name in ``lang`` (French when missing, the slug as a last resort)."""
    return SUBCATEGORIES.get(lang, {}).get(subcategory) or SUBCATEGORIES["fr"].get(
        subcategory, subcategory
    )


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["fr"])
