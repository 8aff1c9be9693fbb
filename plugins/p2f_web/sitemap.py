"""``sitemap.xml`` with hreflang alternates, and ``robots.txt`` pointing to it (pure).

Items are listed in the languages they are written in: a French fallback page under ``/en/``
is the same text as the original, so it is not offered to search engines as a translation.
Items already over (past events, expired offers and alerts) are left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from p2f_model.corpus import Corpus
from p2f_model.vocabulary import DEFAULT_LANGUAGE, SITE_LANGUAGES
from p2f_site.urls import home_path, item_url, list_path, view_url
from p2f_web.config import WebSettings
from p2f_web.items import LISTED_KINDS, is_over, real_languages, sort_key

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ET.register_namespace("", SITEMAP_NS)
ET.register_namespace("xhtml", XHTML_NS)


def _url(parent: ET.Element, loc: str, alternates: dict[str, str], lastmod: str | None) -> None:
    url = ET.SubElement(parent, f"{{{SITEMAP_NS}}}url")
    ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = loc
    if lastmod:
        ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = lastmod
    if len(alternates) < 2:
        return
    for lang, href in [*alternates.items(), ("x-default", alternates.get(DEFAULT_LANGUAGE))]:
        if href:
            ET.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=lang, href=href)


def _page_url(path: str) -> str:
    return "/" + path.removesuffix("index.html")


def sitemap_xml(corpus: Corpus, web: WebSettings, now: datetime) -> bytes:
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    pages = [lambda lang: home_path(lang)] + [
        (lambda lang, kind=kind: list_path(kind, lang)) for kind in LISTED_KINDS
    ]
    page_urls = [lambda lang, path_of=path_of: _page_url(path_of(lang)) for path_of in pages]
    page_urls += [lambda lang, view=view: view_url(view, lang) for view in ("search", "map")]
    for url_of in page_urls:
        alternates = {lang: web.absolute(url_of(lang)) for lang in SITE_LANGUAGES}
        for lang in SITE_LANGUAGES:
            _url(root, alternates[lang], alternates, None)
    items = sorted(
        (i for i in corpus.items.values() if i.kind in LISTED_KINDS and not is_over(i, now)),
        key=lambda i: (LISTED_KINDS.index(i.kind), sort_key(i)),
    )
    for item in items:
        alternates = {
            lang: web.absolute(item_url(item.kind, item.slug, lang))
            for lang in real_languages(item)
        }
        lastmod = item.data.provenance.verified_on.isoformat()
        for href in alternates.values():
            _url(root, href, alternates, lastmod)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def robots_txt(web: WebSettings) -> str:
    # Deep-link landings only redirect: crawlers should index the item pages they lead to.
    return f"User-agent: *\nDisallow: /d/\n\nSitemap: {web.absolute('/sitemap.xml')}\n"
