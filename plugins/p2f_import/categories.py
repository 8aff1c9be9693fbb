"""Upstream types -> our categories and subcategories: the one table, documented in
docs/importing.md.

DATAtourisme gives each object several classes (``schema:Restaurant``, ``FoodEstablishment``,
``PointOfInterest``...); the first row below that the object has wins, so specific classes
come before general ones. Apidae gives one ``type``. ``EVENT`` marks what becomes an event;
a type in no row is "unknown type" in the import report (itineraries, packages, tourist
offices...: kinds the content model has no place for).
"""

from __future__ import annotations

EVENT = ("event", "")

# (DATAtourisme class local name, (category, subcategory)); schema.org classes keep "schema:"
DATATOURISME: tuple[tuple[str, tuple[str, str]], ...] = (
    ("EntertainmentAndEvent", EVENT),
    ("schema:Event", EVENT),
    ("CulturalEvent", EVENT),
    ("SportsEvent", EVENT),
    ("SaleEvent", EVENT),
    ("schema:Hotel", ("hebergement", "hotel")),
    ("Hotel", ("hebergement", "hotel")),
    ("HotelTrade", ("hebergement", "hotel")),
    ("Camping", ("hebergement", "camping")),
    ("CampingAndCaravanning", ("hebergement", "camping")),
    ("CamperVanArea", ("hebergement", "camping")),
    ("schema:Campground", ("hebergement", "camping")),
    ("schema:BedAndBreakfast", ("hebergement", "chambre-hotes")),
    ("Guesthouse", ("hebergement", "chambre-hotes")),
    ("YouthHostelAndInternationalCenter", ("hebergement", "auberge-jeunesse")),
    ("schema:Hostel", ("hebergement", "auberge-jeunesse")),
    ("RentalAccommodation", ("hebergement", "gite")),
    ("SelfCateringAccommodation", ("hebergement", "gite")),
    ("CollectiveAccommodation", ("hebergement", "residence")),
    ("HolidayResort", ("hebergement", "residence")),
    ("Accommodation", ("hebergement", "residence")),
    ("schema:BarOrPub", ("restauration", "bar")),
    ("BarOrPub", ("restauration", "bar")),
    ("schema:CafeOrCoffeeShop", ("restauration", "cafe")),
    ("CafeOrTeahouse", ("restauration", "cafe")),
    ("schema:Bakery", ("restauration", "boulangerie")),
    ("schema:IceCreamShop", ("restauration", "glacier")),
    ("schema:Restaurant", ("restauration", "restaurant")),
    ("Restaurant", ("restauration", "restaurant")),
    ("FoodEstablishment", ("restauration", "restaurant")),
    ("TastingProvider", ("shopping", "produits-locaux")),
    ("WineCellar", ("shopping", "produits-locaux")),
    ("schema:Museum", ("patrimoine-nature", "musee")),
    ("Museum", ("patrimoine-nature", "musee")),
    ("InterpretationCentre", ("patrimoine-nature", "musee")),
    ("PointOfView", ("patrimoine-nature", "point-de-vue")),
    ("NaturalHeritage", ("patrimoine-nature", "site-naturel")),
    ("ParkAndGarden", ("patrimoine-nature", "site-naturel")),
    ("schema:Landform", ("patrimoine-nature", "site-naturel")),
    ("CityHeritage", ("patrimoine-nature", "village")),
    ("Church", ("patrimoine-nature", "monument")),
    ("Castle", ("patrimoine-nature", "monument")),
    ("ReligiousSite", ("patrimoine-nature", "monument")),
    ("RemarkableBuilding", ("patrimoine-nature", "monument")),
    ("CulturalSite", ("patrimoine-nature", "monument")),
    ("Beach", ("activites", "plage")),
    ("NauticalCentre", ("activites", "nautisme")),
    ("WellnessCentre", ("activites", "bien-etre")),
    ("SportsAndLeisurePlace", ("activites", "loisirs")),
    ("ActivityProvider", ("activites", "loisirs")),
    ("AccompaniedPractice", ("activites", "loisirs")),
    ("CraftsmanShop", ("shopping", "artisanat")),
    ("schema:Store", ("shopping", "commerce")),
    ("Store", ("shopping", "commerce")),
    ("schema:Pharmacy", ("services", "pharmacie")),
    ("schema:ParkingFacility", ("services", "parking")),
)

APIDAE: dict[str, tuple[str, str]] = {
    "FETE_ET_MANIFESTATION": EVENT,
    "HOTELLERIE": ("hebergement", "hotel"),
    "HOTELLERIE_PLEIN_AIR": ("hebergement", "camping"),
    "HEBERGEMENT_LOCATIF": ("hebergement", "gite"),
    "HEBERGEMENT_COLLECTIF": ("hebergement", "residence"),
    "RESTAURATION": ("restauration", "restaurant"),
    "DEGUSTATION": ("shopping", "produits-locaux"),
    "PATRIMOINE_CULTUREL": ("patrimoine-nature", "monument"),
    "PATRIMOINE_NATUREL": ("patrimoine-nature", "site-naturel"),
    "ACTIVITE": ("activites", "loisirs"),
    "EQUIPEMENT": ("activites", "loisirs"),
    "COMMERCE_ET_SERVICE": ("shopping", "commerce"),
    "DOMAINE_SKIABLE": ("activites", "loisirs"),
}

# Rows whose subcategory is a broad guess: the reviewer is told to check it.
BROAD = {
    ("hebergement", "residence"),
    ("activites", "loisirs"),
    ("shopping", "commerce"),
    ("patrimoine-nature", "monument"),
}


def datatourisme_class(types: list[str]) -> tuple[str, str] | None:
    """The first row that one of ``types`` (local names, "schema:X" for schema.org) has."""
    present = set(types)
    for name, target in DATATOURISME:
        if name in present:
            return target
    return None
