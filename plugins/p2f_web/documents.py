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
from dataclasses import dataclass
from datetime import datetime
from functools import partial

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


@dataclass(frozen=True)
class Shared:
    """A file made from many items: its path, the slugs of the items it reads (``None``: it
    may read any item), and how to make it."""

    path: str
    reads: tuple[str, ...] | None
    make: Callable[[], bytes]


def shared_documents(
    corpus: Corpus, web: WebSettings, now: datetime, events: Events | None = None
) -> dict[str, bytes]:
    """The files made from many items or from the settings alone."""
    return {doc.path: doc.make() for doc in shared_plan(corpus, web, now, events)}


def shared_plan(
    corpus: Corpus, web: WebSettings, now: datetime, events: Events | None = None
) -> list[Shared]:
    """What ``shared_documents`` makes, unmade, with what each file reads besides the settings
    and the content that is not an item's (``corpus.settings``)."""
    plan = [
        Shared("sitemap.xml", None, lambda: sitemap.sitemap_xml(corpus, web, now)),
        Shared("robots.txt", (), lambda: sitemap.robots_txt(web).encode()),
        # security headers, for Netlify-style hosts
        Shared("_headers", (), lambda: csp.headers_file(web.tiles.url).encode()),
        Shared("d/index.html", (), lambda: landing.unknown_page(web.tiles.url).encode()),
        # the audience segments of content/reglages/ecrans.md, for site.js's "for you now"
        Shared(AUDIENCES_PATH, (), partial(_audiences, corpus)),
    ]
    places = _slugs(corpus.of_kind("place"))
    agenda = _slugs(corpus.of_kind("event")) + tuple(
        str(item.data.place) for item in corpus.of_kind("event") if item.data.place
    )
    for lang in SITE_LANGUAGES:
        plan.append(Shared(geojson.geojson_path(lang), places, partial(_geojson, corpus, lang)))
        for spec in atom.FEEDS:
            reads = _slugs(atom.feed_candidates(corpus, spec))
            make = partial(atom.atom_feed, corpus, spec, lang, web, now)
            plan.append(Shared(atom.feed_path(spec.name, lang), reads, make))
        made = None if events is None else _in_language(events, lang)
        make = partial(ical.agenda_ics, corpus, lang, web, now, made)
        plan.append(Shared(ical.agenda_ics_path(lang), agenda, make))
    return plan


def _audiences(corpus: Corpus) -> bytes:
    return json.dumps(audience_table(corpus.settings), ensure_ascii=False).encode()


def _slugs(items: list[Item]) -> tuple[str, ...]:
    return tuple(item.slug for item in items)


def _geojson(corpus: Corpus, lang: str) -> bytes:
    collection = geojson.places_geojson(corpus, lang)
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


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
