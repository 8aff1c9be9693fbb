"""Every machine-facing file of the website, as ``{path under the output: bytes}`` (pure).

Two parts, so that a build with the cache can make only what changed (``p2f_web.outputs``):
``item_documents`` are the files of one item (its landing, an event's calendar per language:
functions of that item, an event's place and the settings); ``shared_documents`` are made from
many items (sitemap, map data, feeds, the whole agenda) and from the settings. The plugin writes
what these return; tests can call ``website_documents`` without Pelican.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from p2f_model.corpus import Corpus, Item
from p2f_model.settings import AUDIENCES_PATH, audience_table
from p2f_model.vocabulary import SITE_LANGUAGES
from p2f_web import atom, csp, geojson, ical, landing, sitemap
from p2f_web.config import WebSettings

# (event, language) -> the lines of its VEVENT (``ical.vevent``), for the agenda
Events = Callable[[Item, str], bytes]


def website_documents(corpus: Corpus, web: WebSettings, now: datetime) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for item in corpus.items.values():
        files |= item_documents(item, corpus, web, now)
    return shared_documents(corpus, web, now) | files


def shared_documents(
    corpus: Corpus, web: WebSettings, now: datetime, events: Events | None = None
) -> dict[str, bytes]:
    """The files made from many items or from the settings alone."""
    files: dict[str, bytes] = {
        "sitemap.xml": sitemap.sitemap_xml(corpus, web, now),
        "robots.txt": sitemap.robots_txt(web).encode(),
        # security headers, for Netlify-style hosts
        "_headers": csp.headers_file(web.tiles.url).encode(),
        "d/index.html": landing.unknown_page(web.tiles.url).encode(),
        # the audience segments of content/reglages/ecrans.md, for site.js's "for you now"
        AUDIENCES_PATH: json.dumps(audience_table(corpus.settings), ensure_ascii=False).encode(),
    }
    for lang in SITE_LANGUAGES:
        collection = geojson.places_geojson(corpus, lang)
        files[geojson.geojson_path(lang)] = json.dumps(
            collection, ensure_ascii=False, separators=(",", ":")
        ).encode()
        for spec in atom.FEEDS:
            files[atom.feed_path(spec.name, lang)] = atom.atom_feed(corpus, spec, lang, web, now)
        made = None if events is None else _in_language(events, lang)
        files[ical.agenda_ics_path(lang)] = ical.agenda_ics(corpus, lang, web, now, made)
    return files


def _in_language(events: Events, lang: str) -> Callable[[Item], bytes]:
    return lambda item: events(item, lang)


def item_documents(
    item: Item, corpus: Corpus, web: WebSettings, now: datetime, events: Events | None = None
) -> dict[str, bytes]:
    """The files of one item: its deep-link landing (``/d/<slug>/``), an event's calendars."""
    files: dict[str, bytes] = {}
    if item.kind == "event":
        for lang in SITE_LANGUAGES:
            made = None if events is None else events(item, lang)
            files[ical.event_ics_path(item.slug, lang)] = ical.event_ics(
                item, corpus, lang, web, made
            )
    if item.kind in landing.landing_kinds():
        files[landing.landing_path(item.slug)] = landing.landing_page(
            item, now, web.tiles.url
        ).encode()
    return files
