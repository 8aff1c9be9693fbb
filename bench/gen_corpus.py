"""Generate a synthetic corpus in the project's own content format, for benchmarks.

    .venv/bin/python bench/gen_corpus.py --documents 5000 --out /tmp/p2f-5k [--seed 1]

writes ``/tmp/p2f-5k/content/`` with the folders of docs/content-model.md:

- ``sites/`` and ``images/``: copied from the repository's ``content/`` (the 12 real kiosk
  sites and their tags, the real images), so rules and image references resolve;
- ``reglages/``: the repository's screen settings (alert levels, moments, audiences);
- ``partenaires/`` (10 partners; campaigns in ``campagnes/`` for five of them),
  ``pratique/`` (4 pages), ``alertes/`` (3 alerts, one per level: critical, warning,
  info); some places carry a ``season``;
- then places (~60 % of the remaining files), events (~25 %) and offers (~15 %).

"Documents" counts Markdown files across all languages: every French original, an English
translation for every item, and German / Spanish translations for a share of them. The count
is exact: the last item of each kind gets only as many translations as the budget allows.

Bodies are French-like (or English/German/Spanish-like, for translations) prose of 150-600
words assembled from word lists with a seeded RNG: same seed and size, same bytes.
With ``--check`` (the default) the corpus is validated with ``p2f_model.load.load_corpus``
and the script fails if a single problem is reported.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import time
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REPO_CONTENT = ROOT / "content"
sys.path.insert(0, str(ROOT / "plugins"))  # when run outside the project venv's editable install

_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

LANGS = ("fr", "en", "de", "es")
EXTRA_LANG_SHARE = 0.35  # probability of a German (and, independently, a Spanish) translation
SHARES = (("place", 0.60), ("event", 0.25), ("offer", 0.15))

# ---------------------------------------------------------------------------------------
# Vocabulary of the content model (kept in step with plugins/p2f_model/vocabulary.py)

SUBCATEGORIES = {
    "hebergement": ("hotel", "camping", "gite", "chambre-hotes", "residence", "auberge-jeunesse"),
    "restauration": ("restaurant", "bar", "cafe", "boulangerie", "glacier", "traiteur"),
    "activites": ("plage", "nautisme", "randonnee", "velo", "loisirs", "culture", "bien-etre"),
    "patrimoine-nature": ("monument", "musee", "site-naturel", "village", "point-de-vue"),
    "shopping": ("artisanat", "produits-locaux", "commerce", "marche"),
    "services": (
        "veterinaire", "pharmacie", "medecin", "hopital", "parking", "transport",
        "recharge-electrique", "laverie", "distributeur", "toilettes", "poste",
    ),
}  # fmt: skip
AUDIENCES = ("affaires", "excursionnistes", "seniors", "familles", "residents", "jeunes")
ACCESSIBILITY = ("fauteuil", "malvoyant", "malentendant", "mental")
WEEKDAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
SITE_TAGS = ("littoral", "arriere-pays", "centre", "bureau", "entreprises", "transport")
PARTNER_KINDS = ("transport", "plateforme-hebergement", "activite", "commerce", "entreprise-locale")
BOUNDS = {"lat": (43.11, 43.39), "lon": (3.21, 3.69)}  # inside 43.10-43.40 / 3.20-3.70

OPENING_HOURS = (
    "Mo-Fr 08:00-19:00; Sa 09:00-12:00",
    "Mo-Su 07:00-20:00",
    "Tu-Sa 09:30-12:30,14:30-19:00",
    "Tu-Th 12:00-14:00; Fr,Sa 12:00-14:00,19:30-21:30",
    "Mo-Sa 06:30-13:00,15:30-19:30; Su 07:00-12:30",
    "24/7",
    "Jun-Sep Mo-Su 10:00-19:00; Oct-May Sa,Su 10:00-17:00",
    "We-Su 11:00-23:00; Mo,Tu off",
    "Mo-Fr 09:00-12:00,14:00-18:00",
    "Sa 07:00-13:00",
    "Mo-Su 18:00-02:00",
    "Apr-Oct Mo-Su 09:00-18:30",
)

TOWNS = (
    ("Pinède-sur-Mer", "34510"), ("Port-Genêt", "34510"), ("Cap-Rousset", "34520"),
    ("Figuerolles", "34570"), ("Les Cistes", "34570"), ("Valbrûlée", "34580"),
    ("Saint-Aubin-des-Pins", "34580"), ("Mas de la Garrigue", "34590"),
)  # fmt: skip
STREETS = (
    "rue des Pins", "avenue de la Mer", "chemin des Salines", "place du Marché",
    "quai des Pêcheurs", "rue du Four", "boulevard du Littoral", "impasse des Cigales",
    "route de Valbrûlée", "allée des Arbousiers", "rue de la Tour", "chemin du Phare",
)  # fmt: skip
PEOPLE = ("Yanis Benali", "Claire Roussel", "Mathieu Ferrand", "Inès Garcia", "Lucie Martin")
SOURCES = (
    "visite sur place", "appel téléphonique", "site web du partenaire",
    "courriel du gérant", "office de tourisme intercommunal", "fiche Apidae",
)  # fmt: skip

NAME_WORDS = (
    "pinede", "cigales", "arbousiers", "genets", "salines", "flamants", "garrigue", "cistes",
    "phare", "calanque", "oliviers", "figuiers", "lavandes", "mistral", "ecume", "rocher",
    "sable", "vignes", "tamaris", "mimosas", "platanes", "source", "moulin", "bergerie",
    "fontaine", "belvedere", "crique", "etang", "dune", "lagune", "roque", "mas",
)  # fmt: skip
KIND_NAMES = {
    "hotel": "Hôtel", "camping": "Camping", "gite": "Gîte", "chambre-hotes": "Chambres d'hôtes",
    "residence": "Résidence", "auberge-jeunesse": "Auberge de jeunesse",
    "restaurant": "Restaurant", "bar": "Bar", "cafe": "Café", "boulangerie": "Boulangerie",
    "glacier": "Glacier", "traiteur": "Traiteur", "plage": "Plage", "nautisme": "Base nautique",
    "randonnee": "Sentier", "velo": "Location de vélos", "loisirs": "Parc de loisirs",
    "culture": "Centre culturel", "bien-etre": "Spa", "monument": "Tour",
    "musee": "Musée", "site-naturel": "Réserve", "village": "Village", "point-de-vue": "Belvédère",
    "artisanat": "Atelier", "produits-locaux": "Cave", "commerce": "Boutique",
    "marche": "Marché", "veterinaire": "Cabinet vétérinaire", "pharmacie": "Pharmacie",
    "medecin": "Maison de santé", "hopital": "Clinique", "parking": "Parking",
    "transport": "Navette", "recharge-electrique": "Borne de recharge", "laverie": "Laverie",
    "distributeur": "Distributeur", "toilettes": "Toilettes publiques", "poste": "Agence postale",
}  # fmt: skip
EVENT_NAMES = (
    "Concert", "Marché nocturne", "Fête du village", "Festival", "Balade contée",
    "Atelier", "Régate", "Dégustation", "Conférence", "Projection en plein air",
    "Brocante", "Visite guidée", "Bal", "Course nature", "Exposition",
)  # fmt: skip
OFFER_NAMES = (
    "Nuit offerte", "Menu découverte", "Location à prix doux", "Aller-retour malin",
    "Panier du terroir", "Séance d'essai", "Forfait famille", "Happy hour", "Week-end détente",
)  # fmt: skip

# ---------------------------------------------------------------------------------------
# Prose: sentence skeletons filled from word lists, one set per language.

AND = {"fr": "et", "en": "and", "de": "und", "es": "y"}
PROSE = {
    "fr": {
        "subj": (
            "La maison",
            "L'équipe",
            "Le chef",
            "La terrasse",
            "Le sentier",
            "La salle",
            "Le jardin",
            "Cette adresse",
            "La patronne",
            "Le port",
            "Le village",
            "La plage",
            "Le marché",
            "L'accueil",
            "La vue",
            "Le quartier",
        ),
        "verb": (
            "accueille",
            "propose",
            "domine",
            "longe",
            "réunit",
            "prépare",
            "annonce",
            "ouvre",
            "retrouve",
            "garde",
            "présente",
            "offre",
            "partage",
            "réserve",
        ),
        "obj": (
            "les voyageurs de passage",
            "une cuisine de saison",
            "les familles en vacances",
            "les salariés du parc d'activités",
            "une vue sur l'étang",
            "des produits locaux",
            "les randonneurs du matin",
            "un menu du jour",
            "les vignes du coteau",
            "une petite salle voûtée",
            "les enfants du quartier",
            "des vélos à assistance",
            "les pêcheurs du port",
            "une carte courte",
            "des fromages du Larzac",
            "les amateurs de vieilles pierres",
            "les baigneurs de fin de journée",
        ),
        "tail": (
            "tout au long de l'année",
            "dès les premiers beaux jours",
            "le midi en semaine",
            "à deux pas de la gare",
            "face à la mer",
            "au pied de la tour de guet",
            "sous les platanes",
            "à l'ombre des pins",
            "le samedi matin",
            "en fin d'après-midi",
            "quand le mistral se lève",
            "hors saison",
            "sur réservation",
        ),
        "conn": (
            "Par ailleurs,",
            "En été,",
            "Le soir,",
            "Pour les groupes,",
            "Au printemps,",
            "En semaine,",
            "Le dimanche,",
            "Depuis peu,",
            "Comme souvent ici,",
        ),
        "bold": ("sur réservation", "gratuit", "accessible en fauteuil", "ouvert le dimanche"),
        "link": "Plus d'informations",
    },
    "en": {
        "subj": (
            "The house",
            "The team",
            "The chef",
            "The terrace",
            "The path",
            "The room",
            "The garden",
            "This place",
            "The owner",
            "The harbour",
            "The village",
            "The beach",
        ),
        "verb": (
            "welcomes",
            "offers",
            "overlooks",
            "follows",
            "gathers",
            "prepares",
            "opens",
            "keeps",
            "presents",
            "shares",
            "serves",
        ),
        "obj": (
            "travellers passing through",
            "seasonal cooking",
            "families on holiday",
            "staff from the business park",
            "a view of the lagoon",
            "local produce",
            "early-morning walkers",
            "a set lunch menu",
            "the hillside vineyards",
            "a small vaulted room",
            "electric bikes",
            "the harbour's fishermen",
        ),
        "tail": (
            "all year round",
            "from the first sunny days",
            "at weekday lunchtime",
            "close to the station",
            "facing the sea",
            "below the watchtower",
            "under the plane trees",
            "in the shade of the pines",
            "on Saturday mornings",
        ),
        "conn": (
            "Also,",
            "In summer,",
            "In the evening,",
            "For groups,",
            "In spring,",
            "On Sundays,",
        ),
        "bold": ("booking required", "free", "wheelchair accessible", "open on Sundays"),
        "link": "More information",
    },
    "de": {
        "subj": (
            "Das Haus",
            "Das Team",
            "Der Koch",
            "Die Terrasse",
            "Der Weg",
            "Der Saal",
            "Der Garten",
            "Diese Adresse",
            "Der Hafen",
            "Das Dorf",
            "Der Strand",
        ),
        "verb": (
            "empfängt",
            "bietet",
            "überblickt",
            "begleitet",
            "vereint",
            "bereitet",
            "öffnet",
            "zeigt",
            "teilt",
            "serviert",
        ),
        "obj": (
            "Reisende auf der Durchreise",
            "eine saisonale Küche",
            "Familien im Urlaub",
            "Angestellte aus dem Gewerbepark",
            "einen Blick auf die Lagune",
            "regionale Produkte",
            "frühe Wanderer",
            "ein Mittagsmenü",
            "die Weinberge am Hang",
        ),
        "tail": (
            "das ganze Jahr über",
            "ab den ersten schönen Tagen",
            "mittags unter der Woche",
            "nahe am Bahnhof",
            "mit Blick aufs Meer",
            "im Schatten der Pinien",
            "am Samstagmorgen",
            "nach Reservierung",
        ),
        "conn": ("Außerdem", "Im Sommer", "Am Abend", "Für Gruppen", "Im Frühling", "Sonntags"),
        "bold": ("nur mit Reservierung", "kostenlos", "rollstuhlgerecht", "sonntags geöffnet"),
        "link": "Mehr Informationen",
    },
    "es": {
        "subj": (
            "La casa",
            "El equipo",
            "El cocinero",
            "La terraza",
            "El sendero",
            "La sala",
            "El jardín",
            "Este lugar",
            "El puerto",
            "El pueblo",
            "La playa",
        ),
        "verb": (
            "acoge",
            "propone",
            "domina",
            "bordea",
            "reúne",
            "prepara",
            "abre",
            "guarda",
            "presenta",
            "ofrece",
            "comparte",
        ),
        "obj": (
            "a los viajeros de paso",
            "una cocina de temporada",
            "a las familias de vacaciones",
            "a los empleados del parque empresarial",
            "una vista sobre la laguna",
            "productos locales",
            "a los senderistas madrugadores",
            "un menú del día",
        ),
        "tail": (
            "durante todo el año",
            "desde los primeros días de sol",
            "al mediodía entre semana",
            "cerca de la estación",
            "frente al mar",
            "a la sombra de los pinos",
            "el sábado por la mañana",
            "con reserva",
        ),
        "conn": (
            "Además,",
            "En verano,",
            "Por la noche,",
            "Para grupos,",
            "En primavera,",
            "Los domingos,",
        ),
        "bold": ("con reserva", "gratis", "accesible en silla de ruedas", "abierto los domingos"),
        "link": "Más información",
    },
}


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def sentence(rng: random.Random, lang: str) -> str:
    w = PROSE[lang]
    parts = []
    if rng.random() < 0.3:
        parts.append(rng.choice(w["conn"]))
        subj = rng.choice(w["subj"])
        parts.append(subj[0].lower() + subj[1:] if lang != "de" else subj)
    else:
        parts.append(rng.choice(w["subj"]))
    parts += [rng.choice(w["verb"]), rng.choice(w["obj"])]
    if rng.random() < 0.7:
        parts.append(rng.choice(w["tail"]))
    if rng.random() < 0.25:
        parts += [AND[lang],
                  rng.choice(w["obj"])]  # fmt: skip
    text = " ".join(parts)
    if rng.random() < 0.06:
        text += f", **{rng.choice(w['bold'])}**"
    return text + "."


def prose(rng: random.Random, lang: str, words: int, url: str | None) -> str:
    """Paragraphs of about ``words`` words (within the 150-600 range), plain Markdown."""
    paragraphs: list[str] = []
    current: list[str] = []
    count = 0
    while count < words:
        s = sentence(rng, lang)
        current.append(s)
        count += len(s.split())
        if len(current) >= rng.randint(3, 6):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    if len(paragraphs) > 2 and rng.random() < 0.3:  # a short list, as reporters write them
        w = PROSE[lang]
        items = "\n".join(f"- {rng.choice(w['obj'])}" for _ in range(rng.randint(2, 4)))
        paragraphs.insert(rng.randint(1, len(paragraphs) - 1), items)
    if url and rng.random() < 0.5:
        paragraphs.append(f"[{PROSE[lang]['link']}]({url})")
    return "\n\n".join(paragraphs) + "\n"


# ---------------------------------------------------------------------------------------


def write(path: Path, header: dict[str, Any], body: str) -> None:
    head = yaml.dump(
        header, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=None,
        width=1000,
    )  # fmt: skip
    path.write_text(f"---\n{head}---\n\n{body}", encoding="utf-8")


def d(day: date) -> str:
    return day.isoformat()


def dt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


class Generator:
    def __init__(self, out: Path, seed: int) -> None:
        self.content = out / "content"
        self.rng = random.Random(seed)
        self.files = 0
        self.counts: dict[str, int] = {}
        self.sites: list[str] = []
        self.images: list[str] = []
        self.places: list[str] = []
        self.partners: list[str] = []
        self.used: set[str] = set()

    # -- helpers --------------------------------------------------------------------------

    def slug(self, *words: str) -> str:
        base = slugify("-".join(w for w in words if w))[:52].strip("-")
        slug, n = base, 1
        while slug in self.used:
            n += 1
            slug = f"{base}-{n}"
        self.used.add(slug)
        return slug

    def provenance(self) -> dict[str, Any]:
        r = self.rng
        return {
            "source": r.choice(SOURCES),
            "verified_by": r.choice(PEOPLE),
            "verified_on": d(date(2026, 1, 5) + timedelta(days=r.randint(0, 300))),
        }

    def geo(self) -> dict[str, float]:
        r = self.rng
        return {
            "lat": round(r.uniform(*BOUNDS["lat"]), 4),
            "lon": round(r.uniform(*BOUNDS["lon"]), 4),
        }

    def pick_images(self, title: str) -> list[dict[str, Any]]:
        r = self.rng
        if not self.images or r.random() < 0.4:
            return []
        chosen = r.sample(self.images, r.randint(1, min(2, len(self.images))))
        out: list[dict[str, Any]] = []
        for src in chosen:
            if r.random() < 0.1:
                out.append({"src": src, "alt": "", "decorative": True})
            else:
                out.append({"src": src, "alt": f"{title} : vue de {src[7:-4].replace('-', ' ')}"})
        return out

    def rules(self, kind: str) -> dict[str, Any] | None:
        r = self.rng
        if r.random() < 0.45:
            return None
        rules: dict[str, Any] = {}
        if r.random() < 0.5:
            targets = [f"tag:{t}" for t in r.sample(SITE_TAGS, r.randint(1, 2))]
            if r.random() < 0.3:
                targets.append(r.choice(self.sites))
            rules["sites"] = targets
        if r.random() < 0.4:
            rules["audiences"] = r.sample(AUDIENCES, r.randint(1, 3))
        if kind == "place" and r.random() < 0.3:
            start = date(2026, r.randint(3, 10), r.randint(1, 28))
            rules["dates"] = [
                {"from": d(start), "until": d(start + timedelta(days=r.randint(14, 200)))}
            ]
        if r.random() < 0.25:
            rules["weekdays"] = sorted(r.sample(WEEKDAYS, r.randint(2, 6)), key=WEEKDAYS.index)
        if r.random() < 0.2:
            start = r.randint(6, 20)
            rules["hours"] = [
                {"from": f"{start:02d}:00", "until": f"{(start + r.randint(2, 8)) % 24:02d}:30"}
            ]
        if r.random() < 0.15:
            rules["languages"] = ["fr", "en"]
        rules["priority"] = r.choice((30, 50, 50, 50, 60, 70))
        if r.random() < 0.3:
            rules["duration_s"] = r.choice((8, 10, 12, 15))
        return rules

    def emit(self, folder: str, slug: str, langs: tuple[str, ...], header: dict[str, Any],
             url: str | None = None) -> None:  # fmt: skip
        """Write the French original and its translations (``langs`` minus ``fr``)."""
        r = self.rng
        words = r.randint(150, 560)  # + the last sentence, a list, a link: stays <= 600
        folder_path = self.content / folder
        write(folder_path / f"{slug}.md", header, prose(r, "fr", words, url))
        alts = [image["alt"] for image in header.get("images", [])]
        for lang in langs[1:]:
            tr: dict[str, Any] = {"title": header["title"]}
            if "summary" in header:
                tr["summary"] = f"[{lang}] " + header["summary"]
            if alts:
                tr["alt"] = [f"[{lang}] {alt}" if alt else "" for alt in alts]
            if r.random() < 0.4:
                tr["machine_translated"] = True
            tr_words = max(150, min(560, int(words * r.uniform(0.9, 1.1))))
            write(folder_path / f"{slug}.{lang}.md", tr, prose(r, lang, tr_words, url))
        self.files += len(langs)
        self.counts[folder] = self.counts.get(folder, 0) + 1

    def langs(self) -> tuple[str, ...]:
        r = self.rng
        langs = ["fr", "en"]
        if r.random() < EXTRA_LANG_SHARE:
            langs.append("de")
        if r.random() < EXTRA_LANG_SHARE:
            langs.append("es")
        return tuple(langs)

    # -- fixed part -----------------------------------------------------------------------

    def copy_fixtures(self) -> None:
        for folder in ("sites", "images", "reglages"):
            (self.content / folder).mkdir(parents=True, exist_ok=True)
        # the screens' settings (alert levels, moments, audiences): not items, not counted
        for path in sorted((REPO_CONTENT / "reglages").glob("*.md")):
            shutil.copyfile(path, self.content / "reglages" / path.name)
        for path in sorted((REPO_CONTENT / "sites").glob("*.md")):
            shutil.copyfile(path, self.content / "sites" / path.name)
            self.files += 1
            slug = path.name.split(".")[0]
            if path.name == f"{slug}.md":
                self.sites.append(slug)
                self.used.add(slug)
        self.counts["sites"] = len(self.sites)
        for path in sorted((REPO_CONTENT / "images").iterdir()):
            if path.is_file():
                shutil.copyfile(path, self.content / "images" / path.name)
                self.images.append(f"images/{path.name}")

    def partner_set(self, n: int = 10) -> None:
        r = self.rng
        names = ("SNCF", "Hertz", "Navettes du Littoral", "Loc'Vélo", "Gîtes de la Garrigue",
                 "Cave des Cistes", "Kayak Crique", "Boulangerie du Mas", "Coworking du Port",
                 "Hôtel de la Gare", "Taxi Pinède", "Bus Hérault")  # fmt: skip
        for i in range(n):
            name = names[i % len(names)]
            slug = self.slug("partenaire", name)
            header: dict[str, Any] = {
                "title": name,
                "summary": f"{name}, partenaire de l'office de tourisme.",
                "provenance": self.provenance(),
                "kind": PARTNER_KINDS[i % len(PARTNER_KINDS)],
                "website": f"https://www.{slug}.example.fr",
            }
            (self.content / "partenaires").mkdir(parents=True, exist_ok=True)
            self.emit("partenaires", slug, ("fr", "en"), header)
            self.partners.append(slug)
            if i < 5:  # screen time is booked by campaigns (content/campagnes/), not counted
                share = r.choice((0.02, 0.05, 0.08))
                sites = f"'tag:{r.choice(SITE_TAGS)}'" if r.random() < 0.6 else "'tag:bureau'"
                self.campaign(slug, name, share, sites)

    def campaign(self, partner: str, name: str, share: float, sites: str) -> None:
        folder = self.content / "campagnes"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{partner.removeprefix('partenaire-')}-2026-2027.md").write_text(
            "---\n"
            f"title: {name} — saison 2026-2027\n"
            f"partner: {partner}\n"
            f"sites: [{sites}]\n"
            "starts: 2026-09-01\n"
            "ends: 2027-08-31\n"
            f"share: {share}\n"
            "price_eur: 1200\n"
            f"contact: {{name: Claire Dubreuil, email: contact@{partner}.example.fr}}\n"
            "provenance: {source: contrat, verified_by: Léa Martin, verified_on: 2026-08-28}\n"
            "---\n\nCampagne de la saison.\n",
            encoding="utf-8",
        )

    def pages_and_alerts(self) -> None:
        (self.content / "pratique").mkdir(parents=True, exist_ok=True)
        (self.content / "alertes").mkdir(parents=True, exist_ok=True)
        for order, title in enumerate(
            ("Venir en train", "Numéros d'urgence", "Se garer", "Risque incendie"), start=1
        ):
            slug = self.slug("pratique", title)
            header = {"title": title, "summary": f"{title} : l'essentiel.",
                      "provenance": self.provenance(), "order": order * 10}  # fmt: skip
            self.emit("pratique", slug, ("fr", "en"), header)
        for i, (severity, title) in enumerate(
            (
                ("critical", "Risque incendie très sévère"),
                ("warning", "Travaux sur la voie verte"),
                ("info", "Marché de Noël déplacé"),
            )
        ):
            start = datetime(2026, 11, 20 + i * 3, 8, 0)
            header = {
                "title": title,
                "summary": f"{title} : prudence.",
                "provenance": self.provenance(),
                "severity": severity,
                "valid_from": dt(start),
                "valid_until": dt(start + timedelta(days=10)),
            }
            self.emit("alertes", self.slug("alerte", str(i + 1)), ("fr", "en"), header)

    # -- the bulk ---------------------------------------------------------------------------

    def fill(self, kind: str, budget: int) -> None:
        (self.content / {"place": "lieux", "event": "agenda", "offer": "bons-plans"}[kind]).mkdir(
            parents=True, exist_ok=True
        )
        make = {"place": self.place, "event": self.event, "offer": self.offer}[kind]
        while budget > 0:
            langs = self.langs()[:budget]  # the last item takes what is left of the budget
            make(langs)
            budget -= len(langs)

    def place(self, langs: tuple[str, ...]) -> None:
        r = self.rng
        category = r.choice(tuple(SUBCATEGORIES))
        sub = r.choice(SUBCATEGORIES[category])
        w1, w2 = r.choice(NAME_WORDS), r.choice(NAME_WORDS)
        title = f"{KIND_NAMES[sub]} des {w1.capitalize()}" + (
            f" et {w2}" if r.random() < 0.3 else ""
        )
        town, cp = r.choice(TOWNS)
        slug = self.slug(sub, w1, w2 if r.random() < 0.3 else "")
        header: dict[str, Any] = {"title": title}
        if r.random() < 0.7:
            header["summary"] = (
                f"{title}, à {town} : "
                f"{r.choice(PROSE['fr']['obj'])} {r.choice(PROSE['fr']['tail'])}."
            )
        images = self.pick_images(title)
        if images:
            header["images"] = images
        header["tags"] = sorted(
            set(r.sample((*SITE_TAGS, "terroir", "famille", "nature"), r.randint(0, 3)))
        )
        rules = self.rules("place")
        if rules:
            header["rules"] = rules
        header["provenance"] = self.provenance()
        header.update(category=category, subcategory=sub, geo=self.geo(),
                      address=f"{r.randint(1, 80)} {r.choice(STREETS)}, {cp} {town}")  # fmt: skip
        if r.random() < 0.8:
            header["phone"] = "+33 4 67 " + " ".join(f"{r.randint(0, 99):02d}" for _ in range(3))
        if r.random() < 0.4:
            header["email"] = f"contact@{slug}.example.fr"
        website = f"https://www.{slug}.example.fr" if r.random() < 0.6 else None
        if website:
            header["website"] = website
        if category != "patrimoine-nature" or r.random() < 0.3:
            header["opening_hours"] = r.choice(OPENING_HOURS)
        if r.random() < 0.15:  # beaches, terraces, summer-only places
            header["season"] = r.choice(("Jun-Sep", "Apr-Oct", "Apr-Jun,Sep-Oct"))
        if category in ("hebergement", "restauration", "activites"):
            header["price_range"] = r.choice(("€", "€€", "€€", "€€€", "€€€€"))
        if r.random() < 0.4:
            header["accessibility"] = sorted(
                r.sample(ACCESSIBILITY, r.randint(1, 3)), key=ACCESSIBILITY.index
            )
        if r.random() < 0.5:
            spoken = r.sample(["en", "de", "es", "it", "nl"], r.randint(1, 3))
            header["languages_spoken"] = ["fr", *spoken]
        self.emit("lieux", slug, langs, header, website)
        self.places.append(slug)

    def event(self, langs: tuple[str, ...]) -> None:
        r = self.rng
        name = r.choice(EVENT_NAMES)
        place = r.choice(self.places)
        # Mostly ahead of P2F_NOW (2026-11-26), some already over: both code paths run.
        starts = datetime(2026, 9, 1, 0, 0) + timedelta(
            days=r.randint(0, 360), minutes=30 * r.randint(16, 44)
        )
        ends = starts + (
            timedelta(hours=r.randint(1, 5))
            if r.random() < 0.8
            else timedelta(days=r.randint(1, 10))
        )
        title = f"{name} — {r.choice(NAME_WORDS).capitalize()} {starts.year}"
        slug = self.slug(name.split()[0], r.choice(NAME_WORDS), f"{starts:%m%d}")
        header: dict[str, Any] = {
            "title": title,
            "summary": f"{name} {r.choice(PROSE['fr']['tail'])}.",
        }
        images = self.pick_images(title)
        if images:
            header["images"] = images
        rules = self.rules("event")
        if rules:
            header["rules"] = rules
        header["provenance"] = self.provenance()
        header.update(starts=dt(starts), ends=dt(ends), place=place)
        if r.random() < 0.7:
            header["price"] = r.choice((0, 0, 5, 8, 12, 15, 25))
        url = f"https://billetterie.example.fr/{slug}" if r.random() < 0.5 else None
        if url:
            header["booking_url"] = url
        self.emit("agenda", slug, langs, header, url)

    def offer(self, langs: tuple[str, ...]) -> None:
        r = self.rng
        name = r.choice(OFFER_NAMES)
        partner = r.choice(self.partners)
        start = datetime(2026, 10, 1, 0, 0) + timedelta(days=r.randint(0, 240))
        until = start + timedelta(days=r.randint(7, 120), hours=23, minutes=59)
        title = f"{name} chez {partner.removeprefix('partenaire-').replace('-', ' ').title()}"
        slug = self.slug("bon-plan", name.split()[0], r.choice(NAME_WORDS))
        header: dict[str, Any] = {
            "title": title,
            "summary": f"{name} : {r.choice(PROSE['fr']['obj'])}.",
        }
        rules = self.rules("offer")
        if rules:
            header["rules"] = rules
        header["provenance"] = self.provenance()
        header.update(partner=partner, valid_from=dt(start), valid_until=dt(until))
        if r.random() < 0.7:
            original = r.choice((20, 35, 50, 80, 120))
            price = round(original * r.uniform(0.5, 0.9), 2)
            header.update(price=price, original_price=original,
                          discount_percent=round(100 * (1 - price / original)))  # fmt: skip
        if r.random() < 0.4:
            header["code"] = f"P2F{r.randint(100, 999)}"
        header["booking_url"] = f"https://reserver.example.fr/{slug}"
        if r.random() < 0.5:
            header["place"] = r.choice(self.places)
        self.emit("bons-plans", slug, langs, header, header["booking_url"])


def generate(documents: int, out: Path, seed: int = 1) -> dict[str, int]:
    """Write ``out/content``; return the number of originals per folder and ``files``."""
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    g = Generator(out, seed)
    g.copy_fixtures()
    g.partner_set()
    g.pages_and_alerts()
    remaining = documents - g.files
    if remaining < 10:
        raise SystemExit(
            f"--documents must be at least {g.files + 10} (fixed part: {g.files} files)"
        )
    budgets = {kind: int(remaining * share) for kind, share in SHARES}
    budgets["place"] += remaining - sum(budgets.values())
    for kind, _ in SHARES:
        g.fill(kind, budgets[kind])
    assert g.files == documents, (g.files, documents)
    return {**g.counts, "files": g.files}


def check(content: Path) -> int:
    from p2f_model.load import load_corpus

    corpus = load_corpus(content)
    for problem in sorted(corpus.problems)[:30]:
        print(problem, file=sys.stderr)
    if corpus.problems:
        print(
            f"gen_corpus: {len(corpus.problems)} problem(s) in the generated corpus",
            file=sys.stderr,
        )
    return len(corpus.problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--documents", "-n", type=int, required=True,
        help="Markdown files to write, all languages included",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, required=True, help="writes OUT/content/ (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--check", action=argparse.BooleanOptionalAction, default=True,
        help="validate with load_corpus and fail on any problem (default: on)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.documents, args.out, args.seed)
    summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
    print(
        f"gen_corpus: {summary} -> {args.out / 'content'} ({time.perf_counter() - started:.1f} s)"
    )
    if args.check:
        problems = check(args.out / "content")
        assert problems == 0, f"{problems} problem(s) in the generated corpus"
        print("gen_corpus: check ok (0 problems)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
