"""The functions templates call (Jinja globals): structured data, social cards, feed links...

See docs/website-data.md for how the templates use them. Each takes what the template has:
a page (a Pelican page or the ``SimpleNamespace`` of a French fallback page, both with
``.item`` and ``.lang``) or, for lists, an item and a language.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from markupsafe import Markup

from p2f_model.corpus import Corpus, Item
from p2f_site.incremental import note_kind
from p2f_site.ui import event_audiences, ui
from p2f_site.urls import item_url, view_url
from p2f_web import alternates, atom, csp, formats, geojson, ical, jsonld, jsonld_pages, social
from p2f_web.config import WebSettings
from p2f_web.items import is_over, window_of
from p2f_web.texts import word


class TemplateApi:
    """Bound to one build's settings; reads the corpus when called (it is loaded just before)."""

    def __init__(self, settings: Mapping[str, Any], web: WebSettings) -> None:
        self._settings = settings
        self._web = web
        # the offers grouped by owner, for one corpus (a new build brings a new corpus)
        self._offers: tuple[weakref.ref[Corpus], dict[str, dict[str, list[Item]]]] | None = None

    @property
    def _corpus(self) -> Corpus:
        corpus: Corpus = self._settings["P2F_CORPUS"]
        return corpus

    def _trail(self, lang: str, *steps: tuple[str, str]) -> list[tuple[str, str]]:
        home = (word(lang, "home"), self._web.absolute(view_url("home", lang)))
        return [home, *((name, self._web.absolute(url)) for name, url in steps)]

    def structured_data(self, page: Any) -> Markup:
        """An item page's JSON-LD: the item and the breadcrumbs the page shows."""
        item, lang = page.item, page.lang
        trail = self._trail(
            lang,
            (ui(lang, item.kind + "s"), view_url("list:" + item.kind, lang)),
            (item.text(lang).title, item_url(item.kind, item.slug, lang)),
        )
        document = jsonld_pages.item_document(item, self._corpus, lang, self._web, trail)
        return Markup(jsonld.script_tag(document))

    def page_data(self, view: str, lang: str, items: Any = None, title: str = "") -> Markup:
        """JSON-LD of a page that is not an item: ``home`` (website and office), ``contact``
        (the office) or a list (``list:<kind>`` with its ``items`` in page order)."""
        if view == "home":
            document = jsonld_pages.home_document(lang, self._web, title or "livep2f")
        elif view == "contact":
            trail = self._trail(lang, (title, view_url("contact", lang)))
            document = jsonld_pages.contact_document(lang, self._web, trail)
        else:
            trail = self._trail(lang, (title, view_url(view, lang)))
            document = jsonld_pages.list_document(items or [], lang, self._web, title, trail)
        return Markup(jsonld.script_tag(document))

    def social_meta(self, page: Any) -> Markup:
        return Markup(social.social_tags(page.item, page.lang, self._web))

    def canonical_url(self, page: Any) -> str:
        return social.canonical_url(page.item, page.lang, self._web)

    def head_links(
        self, page: Any = None, view: str | None = None, lang: str | None = None
    ) -> Markup:
        """Canonical link, hreflang alternates and robots ``noindex`` of a page's ``<head>``
        (``p2f_web.alternates``: the sitemap says the same). An item page's canonical link is
        already in ``social_meta(page)``."""
        if page is not None:
            links = alternates.item_links(page.item, page.lang, self._web, self._web.now)
            return Markup(alternates.head_html(links, canonical=False))
        if view is None or lang is None:
            raise ValueError("head_links: give page=, or view= and lang=")
        return Markup(alternates.head_html(alternates.view_links(view, lang, self._web)))

    def feed_links(self, lang: str) -> Markup:
        links = [
            f'<link rel="alternate" type="application/atom+xml" '
            f'title="{escape(word(lang, name))}" href="/{atom.feed_path(name, lang)}">'
            for name in ("agenda", "offers")
        ]
        return Markup("\n".join(links))

    def item_rules(self, page_or_item: Any) -> str:
        item: Item = getattr(page_or_item, "item", page_or_item)
        window = window_of(item)
        data = {
            "rules": item.rules.to_json(),
            "window": None
            if window is None
            else {"from": window[0].isoformat(), "until": window[1].isoformat()},
        }
        return json.dumps(data, separators=(",", ":"))

    def ics_url(self, page_or_item: Any, lang: str | None = None) -> str:
        item: Item = getattr(page_or_item, "item", page_or_item)
        if item.kind != "event":
            return ""
        return "/" + ical.event_ics_path(item.slug, lang or page_or_item.lang)

    def geojson_url(self, lang: str) -> str:
        return "/" + geojson.geojson_path(lang)

    def feed_url(self, name: str, lang: str) -> str:
        return "/" + atom.feed_path(name, lang)

    def security_meta(self) -> Markup:
        """The Content Security Policy and referrer policy, first thing in every ``<head>``."""
        return Markup(csp.meta_tags(self._web.tiles.url))

    def map_tiles(self) -> str:
        """The map's tile URL template: the one outside origin the policy allows."""
        return self._web.tiles.url

    def offers_of(self, item: Item) -> list[Item]:
        """The offers a place's or a partner's page links: not over at build time (the page
        hides each at its end, ``data-ends``), soonest ending first."""
        corpus = self._corpus
        note_kind(corpus, "offer")  # the page depends on every offer, as ``of_kind`` says
        field = "place" if item.kind == "place" else "partner"
        return list(self._offers_by(corpus)[field].get(item.slug, ()))

    def _offers_by(self, corpus: Corpus) -> dict[str, dict[str, list[Item]]]:
        """The current offers by the place and by the partner they name, sorted: grouped once
        per corpus (scanning the corpus on each place's page was quadratic in the items)."""
        kept = self._offers
        if kept is not None and kept[0]() is corpus:
            return kept[1]
        index: dict[str, dict[str, list[Item]]] = {"place": {}, "partner": {}}
        for offer in corpus.of_kind("offer"):
            if is_over(offer, self._web.now):
                continue
            for field, owners in index.items():
                owner = getattr(offer.data, field, None)
                if owner:
                    owners.setdefault(owner, []).append(offer)
        for owners in index.values():
            for offers in owners.values():
                offers.sort(key=lambda offer: (offer.data.valid_until, offer.slug))
        self._offers = (weakref.ref(corpus), index)
        return index

    def card_image(self, item: Item) -> Any:
        """The image a card shows: the item's first, else (events, offers) its place's."""
        if item.data.images:
            return item.data.images[0]
        place = self.item_of(getattr(item.data, "place", None))
        return place.data.images[0] if place is not None and place.data.images else None

    def item_of(self, slug: str | None) -> Item | None:
        return self._corpus.items.get(slug) if slug else None

    def globals(self) -> dict[str, Callable[..., Any]]:
        return {
            "offers_of": self.offers_of,
            "item_of": self.item_of,
            "card_image": self.card_image,
            "event_audiences": event_audiences,
            "office": lambda: self._web.office,
            "tiles": lambda: self._web.tiles,
            "fmt_day": formats.day,
            "fmt_time": formats.time_of,
            "fmt_moment": formats.moment,
            "fmt_span": formats.span,
            "fmt_money": formats.money,
            "fmt_discount": formats.discount,
            "colon": formats.colon,
            "language_name": formats.language_name,
            "security_meta": self.security_meta,
            "map_tiles": self.map_tiles,
            "structured_data": self.structured_data,
            "page_data": self.page_data,
            "social_meta": self.social_meta,
            "head_links": self.head_links,
            "canonical_url": self.canonical_url,
            "feed_links": self.feed_links,
            "item_rules": self.item_rules,
            "ics_url": self.ics_url,
            "geojson_url": self.geojson_url,
            "feed_url": self.feed_url,
        }
