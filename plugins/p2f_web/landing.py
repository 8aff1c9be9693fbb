"""Deep-link landing pages (DESIGN.md §3.4): ``/d/<lang>/<slug>/``, ``/d/<slug>/`` and ``/d/``.

``/d/<lang>/<slug>/index.html`` (the form kiosks write now) is the item's page in that language
itself, written again at that address: the phone shows it at once, no redirect, no script, and
``?k=<site>`` stays in the address for analytics. Its canonical link names the item's page;
it stays out of the search index and out of search engines (``robots.txt`` disallows ``/d/``).

The rest of this module serves the first form, ``/d/<slug>/?k=&l=``, on tags already out:

A landing page is static. Its small inline script (``landing_script``, allowed by its hash in
the Content Security Policy every page carries, see ``csp``) reads ``l`` and ``k`` from the address,
picks the item's page in that language and forwards the kiosk as campaign parameters
(``utm_source=kiosk&utm_medium=deeplink&utm_campaign=<k>``); without JavaScript a meta refresh
goes to the French page and visible links offer every language. An offer, event or alert
carries its end: once over (checked again in the browser, so no rebuild is needed) the page
says so and links to the current list instead. Pure: returns HTML text.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from html import escape

from p2f_model.corpus import Item
from p2f_model.vocabulary import DEFAULT_LANGUAGE, KIND_FOLDERS, SITE_LANGUAGES
from p2f_player.contract.deeplinks import PATH_PREFIX
from p2f_player.contract.rules import PARIS
from p2f_site.ui import LANG_NAMES
from p2f_site.urls import home_path, item_url, list_path, view_url
from p2f_web import csp
from p2f_web.items import window_of
from p2f_web.landing_script import SCRIPT
from p2f_web.texts import word

LIST_WORDS = {"place": "places", "event": "agenda", "offer": "offers", "page": "pages"}


def landing_path(slug: str) -> str:
    return f"{PATH_PREFIX.strip('/')}/{slug}/index.html"


def language_landing_path(lang: str, slug: str) -> str:
    """``d/en/veto-pinede/index.html``: where ``deep_link(slug, site, lang)`` lands."""
    return f"{PATH_PREFIX.strip('/')}/{lang}/{slug}/index.html"


def language_landing(item_page: str) -> str:
    """The item's built page as its deep-link landing: the same page, left out of the site
    search (Pagefind indexes the item's own page) and marked ``noindex``."""
    page = item_page.replace(" data-pagefind-body", "", 1)
    if '<meta name="robots"' not in page:
        page = page.replace('<meta name="viewport"', '<meta name="robots" content="noindex">\n'
                            '<meta name="viewport"', 1)  # fmt: skip
    return page


def ends_at(item: Item) -> datetime | None:
    """The first moment the item is over: the end of its window or of its rules' dates."""
    ends = []
    window = window_of(item)
    if window is not None:
        ends.append(window[1])
    rules = item.rules
    if rules.dates:
        last_day = max(r.end for r in rules.dates) + timedelta(days=1)
        tail = max((w.end for w in rules.hours if w.crosses_midnight), default=None)
        ends.append(datetime.combine(last_day, tail or datetime.min.time(), tzinfo=PARIS))
    return min(ends) if ends else None


def _page(
    lang: str, title: str, head: str, body: str, attrs: str = "", tiles_url: str = csp.TILE_URL
) -> str:
    return f"""<!doctype html>
<html lang="{lang}"{attrs}>
<head>
<meta charset="utf-8">
{csp.meta_tags(tiles_url)}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/theme/css/site.css">
{head}</head>
<body data-pagefind-ignore="all">
<main id="main">
{body}
</main>
</body>
</html>
"""


def _list_url(kind: str, lang: str) -> str:
    path = list_path(kind, lang) if kind in LIST_WORDS else home_path(lang)
    return "/" + path.removesuffix("index.html")


def _over_sections(item: Item, visible_lang: str | None) -> str:
    parts = []
    for lang in SITE_LANGUAGES:
        title = item.text(lang).title
        hidden = "" if lang == visible_lang else " hidden"
        what = word(lang, LIST_WORDS.get(item.kind, "home"))
        parts.append(
            f'<section lang="{lang}" data-lang="{lang}"{hidden}>\n'
            f"<h1>{escape(word(lang, 'over'))}</h1>\n"
            f"<p>{escape(word(lang, 'over_text').format(title=title))}</p>\n"
            f'<p><a href="{_list_url(item.kind, lang)}">{escape(what)}</a></p>\n'
            "</section>"
        )
    return "\n".join(parts)


def landing_page(item: Item, now: datetime, tiles_url: str = csp.TILE_URL) -> str:
    """The landing page of ``item``; already the "it is over" page if it ended before ``now``."""
    targets = {lang: item_url(item.kind, item.slug, lang) for lang in SITE_LANGUAGES}
    end = ends_at(item)
    over = end is not None and end <= now
    attrs = f" data-targets='{escape(json.dumps(targets), quote=True)}'"
    if end is not None:
        attrs += f' data-until="{end.isoformat()}"'
    french = item.text(DEFAULT_LANGUAGE).title
    others = " ".join(
        f'<a href="{targets[lang]}" hreflang="{lang}" lang="{lang}">{LANG_NAMES[lang]}</a>'
        for lang in SITE_LANGUAGES
        if lang != DEFAULT_LANGUAGE
    )
    go = (
        f'<div id="go"{" hidden" if over else ""}>\n'
        f"<h1>{escape(word('fr', 'redirecting'))} « {escape(french)} »</h1>\n"
        f'<p><a href="{targets[DEFAULT_LANGUAGE]}">{escape(word("fr", "open"))}</a></p>\n'
        f"<p>{escape(word('fr', 'other_langs'))} : {others}</p>\n"
        "</div>"
    )
    over_block = (
        f'<div id="over"{"" if over else " hidden"}>\n'
        f"{_over_sections(item, DEFAULT_LANGUAGE if over else None)}\n</div>"
    )
    head = (
        ""
        if over
        else (
            f'<noscript><meta http-equiv="refresh" content="0; url={targets[DEFAULT_LANGUAGE]}">'
            "</noscript>\n"
        )
    )
    head += f"<script>{SCRIPT}</script>\n"
    return _page(DEFAULT_LANGUAGE, french, head, f"{go}\n{over_block}", attrs, tiles_url)


def unknown_page(tiles_url: str = csp.TILE_URL) -> str:
    """``/d/``: where a mistyped, truncated or retired deep link should lead, in every language."""
    sections = []
    for lang in SITE_LANGUAGES:
        links = [(word(lang, "home"), "/" + home_path(lang).removesuffix("index.html"))]
        links += [
            (word(lang, LIST_WORDS[kind]), _list_url(kind, lang))
            for kind in ("place", "event", "offer", "page")
        ]
        links.append((word(lang, "search"), view_url("search", lang)))
        items = "\n".join(f'<li><a href="{url}">{escape(label)}</a></li>' for label, url in links)
        heading = "h1" if lang == DEFAULT_LANGUAGE else "h2"
        sections.append(
            f'<section lang="{lang}">\n<{heading}>{escape(word(lang, "unknown"))}</{heading}>\n'
            f"<p>{escape(word(lang, 'unknown_text'))}</p>\n<ul>\n{items}\n</ul>\n</section>"
        )
    return _page(DEFAULT_LANGUAGE, word("fr", "unknown"), "", "\n".join(sections), "", tiles_url)


def landing_kinds() -> tuple[str, ...]:
    """Kinds that have a page on the website, hence a landing."""
    return tuple(kind for kind in KIND_FOLDERS if kind != "site")
