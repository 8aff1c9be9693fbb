"""Where each item lives on the website: one function, used by the reader, lists and kiosks."""

from __future__ import annotations

import functools

from p2f_model.vocabulary import DEFAULT_LANGUAGE, KIND_FOLDERS

NOT_ON_WEBSITE = {"site"}  # kiosk sites are configuration, not pages


def lang_prefix(lang: str) -> str:
    return "" if lang == DEFAULT_LANGUAGE else f"{lang}/"


def item_path(kind: str, slug: str, lang: str) -> str:
    """The file written for an item, e.g. ``en/lieux/veto-pinede/index.html``."""
    if kind in NOT_ON_WEBSITE:
        return ""
    return f"{lang_prefix(lang)}{KIND_FOLDERS[kind]}/{slug}/index.html"


# Pure, and asked for on every page many times over (language switch, cards, links): kept per
# process, bounded.
@functools.lru_cache(maxsize=65536)
def item_url(kind: str, slug: str, lang: str) -> str:
    path = item_path(kind, slug, lang)
    return "/" + path.removesuffix("index.html") if path else ""


def list_path(kind: str, lang: str) -> str:
    return f"{lang_prefix(lang)}{KIND_FOLDERS[kind]}/index.html"


def home_path(lang: str) -> str:
    return f"{lang_prefix(lang)}index.html"


# Pages that are not items: one per language, under the language prefix.
VIEWS = {
    "home": "",
    "search": "recherche/",
    "map": "carte/",
    "tonight": "ce-soir/",  # where to sleep, what is open, what is on tonight
    "contact": "contact/",  # the office's address, phone, hours, e-mail
    "404": "404.html",
    "proposal": "proposer/",  # the public proposal form (p2f_editorial.proposals)
}
# In the sitemap, in every language (home and lists come first; the 404 never).
INDEXED_VIEWS = ("search", "map", "tonight", "contact", "proposal")


@functools.lru_cache(maxsize=256)
def view_url(view: str, lang: str) -> str:
    """URL of a non-item page: ``home``, ``search``, ``map``, ``404`` or ``list:<kind>``."""
    if view.startswith("list:"):
        return "/" + list_path(view[5:], lang).removesuffix("index.html")
    return "/" + lang_prefix(lang) + VIEWS[view]


def view_path(view: str, lang: str) -> str:
    url = view_url(view, lang).lstrip("/")
    return url + "index.html" if url.endswith("/") or not url else url
