"""``sitemap.xml`` is written as text, byte for byte what ElementTree wrote before.

The reference below is the former ``sitemap_xml`` (ElementTree, indented): the sample content's
sitemap and one with every character either escaper replaces must come out the same.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime

from p2f_model.corpus import Corpus
from p2f_model.load import load_corpus
from p2f_model.vocabulary import SITE_LANGUAGES
from p2f_site.urls import INDEXED_VIEWS
from p2f_web import sitemap
from p2f_web.alternates import PageLinks, item_links, view_links
from p2f_web.config import WebSettings, read_settings
from p2f_web.items import LISTED_KINDS, sort_key
from tests.conftest import ROOT

NOW = datetime(2026, 12, 4, 19, 30, tzinfo=UTC)
SM, XH = sitemap.SITEMAP_NS, sitemap.XHTML_NS


def reference(corpus: Corpus, web: WebSettings, now: datetime) -> bytes:
    ET.register_namespace("", SM)
    ET.register_namespace("xhtml", XH)
    root = ET.Element(f"{{{SM}}}urlset")

    def url(links: PageLinks, lastmod: str | None) -> None:
        entry = ET.SubElement(root, f"{{{SM}}}url")
        ET.SubElement(entry, f"{{{SM}}}loc").text = links.canonical
        if lastmod:
            ET.SubElement(entry, f"{{{SM}}}lastmod").text = lastmod
        for lang, href in links.alternates.items():
            ET.SubElement(entry, f"{{{XH}}}link", rel="alternate", hreflang=lang, href=href)

    for view in ["home", *(f"list:{kind}" for kind in LISTED_KINDS), *INDEXED_VIEWS]:
        for lang in SITE_LANGUAGES:
            url(view_links(view, lang, web), None)
    items = sorted(
        (i for i in corpus.items.values() if i.kind in LISTED_KINDS),
        key=lambda i: (LISTED_KINDS.index(i.kind), sort_key(i)),
    )
    for item in items:
        for lang in SITE_LANGUAGES:
            links = item_links(item, lang, web, now)
            if lang in item.texts and not links.noindex and links.canonical:
                url(links, item.data.provenance.verified_on.isoformat())
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def sample() -> tuple[Corpus, WebSettings]:
    corpus = load_corpus(ROOT / "content")
    assert not corpus.problems
    return corpus, read_settings({"P2F_PUBLIC_URL": "https://livep2f.com"}, NOW)


def test_the_sample_sitemap_has_the_bytes_elementtree_wrote() -> None:
    corpus, web = sample()
    made = sitemap.sitemap_xml(corpus, web, NOW)
    assert made == reference(corpus, web, NOW)
    assert made.count(b"<url>") > 50 and b"xhtml:link" in made


def test_escaped_characters_are_those_elementtree_escapes() -> None:
    corpus, web = sample()
    odd = replace(web, public_url="https://x.example/a&b<c>\"d'e\tf")
    made = sitemap.sitemap_xml(corpus, odd, NOW)
    assert made == reference(corpus, odd, NOW)
    assert b"&amp;b&lt;c&gt;" in made and b"&quot;d'e&#09;f" in made
