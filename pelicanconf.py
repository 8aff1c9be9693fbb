"""Pelican settings for livep2f.com and the kiosk bundles (development defaults).

Production overrides live in publishconf.py. Plugin settings are validated by each plugin at
start-up (``P2F_*`` keys).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent

SITENAME = "livep2f — OT Vitrine, la petite pinède en feu"
SITEURL = ""
P2F_PUBLIC_URL = "https://livep2f.com"  # base of deep links and canonical URLs
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
LOCALE = ("C.UTF-8",)

PATH = str(ROOT / "content")
OUTPUT_PATH = str(ROOT / "build" / "site")
P2F_KIOSK_PATH = str(ROOT / "build" / "kiosk")
THEME = str(ROOT / "theme")
P2F_NODE_MODULES = str(ROOT / "node_modules")  # npm ci; browser libraries copied at build

PLUGIN_PATHS = [str(ROOT / "plugins")]
PLUGINS = ["p2f_site", "p2f_kiosk", "p2f_web"]

# Every item is a Pelican page whose URL the p2f_site reader sets; no blog machinery.
ARTICLE_PATHS: list[str] = []
PAGE_PATHS = ["lieux", "agenda", "bons-plans", "pratique", "alertes", "partenaires", "sites"]
# Nothing is copied from content/ as a folder: the p2f_site plugin publishes the images that
# items show, one by one, never following a symbolic link (plugins/p2f_site/plugin.py).
STATIC_PATHS: list[str] = []
DIRECT_TEMPLATES: list[str] = []
PAGE_TRANSLATION_ID = "slug"
ARTICLE_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = False  # the build writes to a staging folder and swaps it in
RELATIVE_URLS = False
CACHE_CONTENT = False
# Markdown: one dialect for site, slides and kiosk directories, in plugins/p2f_site/reader.py.
# Autoescape: titles and data attributes are written by people; rendered Markdown is marked safe.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "autoescape": True,
}

# Editorial workflow (plugins/p2f_editorial/settings.py): how many days a verification stays
# good per kind, [limit, hard limit]; kinds left out keep the defaults written there.
P2F_EDITORIAL = {
    "stale_days": {"place": [183, 365], "page": [365, 730], "partner": [365, 730]},
    "hide_past_hard_limit": False,
}

# The tourist office itself (plugins/p2f_web/config.py checks it at start-up): the contact
# block in every page's footer, the /contact/ page and its schema.org TouristInformationCenter.
P2F_OFFICE = {
    "name": "Office de tourisme de la petite pinède en feu",
    "address": "2 place de la Fontaine, 34510 Pinède-sur-Mer",
    "geo": {"lat": 43.2112, "lon": 3.4395},
    "phone": "+33 4 67 00 00 10",
    "email": "bonjour@livep2f.com",
    "opening_hours": "Mo-Sa 09:00-12:30,14:00-18:00; Jul-Aug: Su 10:00-13:00; PH off",
}
# The map's background (plugins/p2f_web/config.py): tile URL template, the credit line its
# terms require and where those terms are. The Content Security Policy allows this origin.
P2F_MAP_TILES = {
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": "© OpenStreetMap contributors",
    "terms_url": "https://www.openstreetmap.org/copyright",
    "max_zoom": 19,
    # OpenStreetMap has no high-density tiles: "none" keeps labels readable on phones
    # (Lighthouse flags the tiles as low resolution); "next_zoom" is sharper with half-size
    # labels and four times the tile requests. See docs/website-data.md (P2F_MAP_TILES).
    "high_density": "none",
}
