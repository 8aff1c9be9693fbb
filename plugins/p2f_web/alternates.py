"""Canonical URLs, hreflang alternates and ``noindex``: one set of rules for heads and sitemap.

The rules (docs/website-data.md, *Canonical URLs and languages*):

- A page that is not an item (home, lists, search, map, tonight, contact) exists in every
  language, translated by the interface catalogs: each language is its own canonical page and
  the four are alternates of one another, with ``x-default`` = French.
- An item page in a language the item is written in is canonical; its alternates are the
  other languages it is *written* in (a French fallback page is not a translation). An item
  written in one language only has no alternates at all.
- A French fallback page (``/en/...`` of an untranslated item) is canonical to the French page
  and lists no alternates: search engines keep the original only.
- An item already over when the site is built (past event, expired offer or alert) gets
  ``noindex`` and no alternates, and is left out of the sitemap.

``sitemap.py`` and the ``head_links`` template global both call these functions, so the
sitemap and the pages' heads cannot disagree. Pure: returns URLs and HTML text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from p2f_model.corpus import Item
from p2f_model.vocabulary import DEFAULT_LANGUAGE, SITE_LANGUAGES
from p2f_site.urls import item_url, view_url
from p2f_web.config import WebSettings
from p2f_web.items import is_over, real_languages


@dataclass(frozen=True)
class PageLinks:
    canonical: str | None  # absolute URL; None: the page has no canonical (the 404)
    alternates: dict[str, str]  # hreflang -> absolute URL, x-default included; {} when none
    noindex: bool = False


def with_default(urls: dict[str, str]) -> dict[str, str]:
    """``urls`` plus ``x-default`` (the French page); no alternates at all below two languages."""
    if len(urls) < 2:
        return {}
    default = urls.get(DEFAULT_LANGUAGE)
    return {**urls, "x-default": default} if default else dict(urls)


def view_links(view: str, lang: str, web: WebSettings) -> PageLinks:
    """A page that is not an item: ``home``, ``list:<kind>``, ``search``, ``map``..."""
    if view == "404":
        return PageLinks(None, {}, noindex=True)
    urls = {other: web.absolute(view_url(view, other)) for other in SITE_LANGUAGES}
    return PageLinks(urls[lang], with_default(urls))


def canonical_item_url(item: Item, lang: str, web: WebSettings) -> str:
    """The page search engines should keep: a French fallback page points to the original."""
    shown = lang if lang in item.texts else DEFAULT_LANGUAGE
    return web.absolute(item_url(item.kind, item.slug, shown))


def item_links(item: Item, lang: str, web: WebSettings, now: datetime) -> PageLinks:
    """An item's page in ``lang`` (a real translation or a French fallback)."""
    own = canonical_item_url(item, lang, web)
    if is_over(item, now):
        return PageLinks(own, {}, noindex=True)
    if lang not in item.texts:
        return PageLinks(own, {})
    urls = {
        other: web.absolute(item_url(item.kind, item.slug, other)) for other in real_languages(item)
    }
    return PageLinks(own, with_default(urls))


def head_html(links: PageLinks, *, canonical: bool = True) -> str:
    """The ``<link rel=canonical>`` (unless ``canonical=False``: written elsewhere), the
    hreflang ``<link rel=alternate>`` and the robots ``<meta>`` of one page."""
    lines = []
    if links.noindex:
        lines.append('<meta name="robots" content="noindex">')
    if canonical and links.canonical:
        lines.append(f'<link rel="canonical" href="{escape(links.canonical)}">')
    lines += [
        f'<link rel="alternate" hreflang="{escape(lang)}" href="{escape(url)}">'
        for lang, url in links.alternates.items()
    ]
    return "\n".join(lines)
