"""Every machine-facing file of the website, as ``{path under the output: bytes}`` (pure).

The plugin writes what this returns; tests can call it without Pelican.
"""

from __future__ import annotations

import json
from datetime import datetime

from p2f_model.corpus import Corpus
from p2f_model.settings import AUDIENCES_PATH, audience_table
from p2f_model.vocabulary import SITE_LANGUAGES
from p2f_web import atom, csp, geojson, ical, landing, sitemap
from p2f_web.config import WebSettings


def website_documents(corpus: Corpus, web: WebSettings, now: datetime) -> dict[str, bytes]:
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
        files[ical.agenda_ics_path(lang)] = ical.agenda_ics(corpus, lang, web, now)
        for event in corpus.of_kind("event"):
            files[ical.event_ics_path(event.slug, lang)] = ical.event_ics(event, corpus, lang, web)
    kinds = landing.landing_kinds()
    for item in corpus.items.values():
        if item.kind in kinds:
            files[landing.landing_path(item.slug)] = landing.landing_page(
                item, now, web.tiles.url
            ).encode()
    return files
