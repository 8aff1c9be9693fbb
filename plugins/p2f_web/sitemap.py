"""``sitemap.xml`` with hreflang alternates, and ``robots.txt`` pointing to it (pure).

Every canonical, indexable page, with the alternates its own head lists: both come from
``p2f_web.alternates`` (a French fallback page is canonical to the original, so it is not
here; items already over are ``noindex``, so they are not here either).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from p2f_model.corpus import Corpus
from p2f_model.vocabulary import SITE_LANGUAGES
from p2f_site.urls import INDEXED_VIEWS
from p2f_web.alternates import PageLinks, item_links, view_links
from p2f_web.config import WebSettings
from p2f_web.items import LISTED_KINDS, sort_key

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ET.register_namespace("", SITEMAP_NS)
ET.register_namespace("xhtml", XHTML_NS)


def _url(parent: ET.Element, links: PageLinks, lastmod: str | None) -> None:
    url = ET.SubElement(parent, f"{{{SITEMAP_NS}}}url")
    ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = links.canonical
    if lastmod:
        ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = lastmod
    for lang, href in links.alternates.items():
        ET.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=lang, href=href)


def _indexed(links: PageLinks, own: str) -> bool:
    return not links.noindex and links.canonical == own


def sitemap_xml(corpus: Corpus, web: WebSettings, now: datetime) -> bytes:
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    views = ["home", *(f"list:{kind}" for kind in LISTED_KINDS), *INDEXED_VIEWS]
    for view in views:
        for lang in SITE_LANGUAGES:
            _url(root, view_links(view, lang, web), None)
    items = sorted(
        (i for i in corpus.items.values() if i.kind in LISTED_KINDS),
        key=lambda i: (LISTED_KINDS.index(i.kind), sort_key(i)),
    )
    for item in items:
        lastmod = item.data.provenance.verified_on.isoformat()
        for lang in SITE_LANGUAGES:
            links = item_links(item, lang, web, now)
            if lang in item.texts and _indexed(links, links.canonical or ""):
                _url(root, links, lastmod)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def robots_txt(web: WebSettings) -> str:
    # Deep-link landings only redirect: crawlers should index the item pages they lead to.
    return f"User-agent: *\nDisallow: /d/\n\nSitemap: {web.absolute('/sitemap.xml')}\n"
