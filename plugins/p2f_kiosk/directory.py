"""The touch directory of one site: static pages that work offline, inside the bundle.

``directory/<lang>/index.html`` leads to places by category, today's and upcoming events,
offers, practical pages and a search page (``search.html``, with an on-screen keyboard and the
index ``search-index.js`` built here: see ``p2f_kiosk.search_index``); every item has its page
under ``directory/<lang>/items/``. Pages link only to each other and to the bundle's own images:
no CDN, no web font, no map tiles, and links inside item texts are dropped (a visitor takes the
deep link to the phone instead).
Which event is "today", which place is open now, and in which order places come (open now
first, then by distance from this screen, the build's order) is decided on the screen by
``directory.js`` with its own clock and ``now.js`` (see ``p2f_kiosk.now_data``), since a bundle
outlives the day it was built. Hours, dates and prices read as words (``p2f_site.hours_words``).
An item not yet translated shows its French text marked ``lang="fr"``, saying so.
Booking and website links are outside links: the shell hands them to the phone by QR code.

Lists show titles (and dates, subcategories) only, so that changing one item's words changes its
own pages and slides, not every list: a small download for every screen.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Hashable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import nh3

from p2f_build.cache import key as cache_key
from p2f_kiosk.directory_words import (
    Entry,
    actions,
    all_entries,
    entry,
    event_entry,
    offer_entry,
    place_entries,
    place_words,
    site_facts,
)
from p2f_kiosk.directory_words import when as item_when
from p2f_kiosk.labels import labels, subcategory_label
from p2f_kiosk.now_data import event_input, now_data, now_script, place_input, span_start
from p2f_kiosk.screen_words import screen_words
from p2f_kiosk.search_index import TEXT_WORDS, index_script, search_rows
from p2f_kiosk.sections import site_sections
from p2f_kiosk.shared import SharedFiles
from p2f_model import vocabulary
from p2f_model.corpus import Corpus, Item
from p2f_player.contract.deeplinks import deep_link, deep_link_parts
from p2f_site.reader import ALLOWED_TAGS, markdown_html, new_markdown

TEMPLATES = Path(__file__).parent / "templates"
OFFLINE_TAGS = set(ALLOWED_TAGS) - {"a", "img", "iframe"}

Put = Callable[[str, bytes], None]
# path, the key of every input of the bytes (None: unknown), what makes them
PutMade = Callable[[str, "str | None", Callable[[], bytes]], None]
ImageFor = Callable[[Item], "tuple[str, str] | None"]
# path, every input of the bytes (the same on every site), its key (None: no build cache), what
# makes them: made once per build, linked into each site's bundle (``BundleWriter.put_page``)
PutShared = Callable[[str, Hashable, "str | None", Callable[[], bytes]], None]


ENVIRONMENT = ("environment",)  # the directory's environment, in the build's ``SharedFiles``


def environment(bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache,
    )


def use_bytecode_cache(shared: SharedFiles, bytecode_cache: jinja2.BytecodeCache | None) -> None:
    """The directory pages of the build ``shared`` serves load their templates through
    ``bytecode_cache`` (``p2f_build.templates``: compiled once, kept between builds)."""
    shared.value(ENVIRONMENT, lambda: environment(bytecode_cache))


def directory_items(
    corpus: Corpus, site_slug: str, now: datetime, shared: SharedFiles | None = None
) -> dict[str, list[Item]]:
    """What the site's directory lists, by section; items that can never show are left out
    (once per build with ``shared``: see ``p2f_kiosk.sections``)."""
    return site_sections(corpus, site_slug, now, shared).items


def write_directory(
    corpus: Corpus,
    site: dict[str, Any],
    now: datetime,
    put: Put,
    image_for: ImageFor,
    public_url: str,
    shared: SharedFiles | None = None,
    put_made: PutMade | None = None,
    put_shared: PutShared | None = None,
) -> int:
    """Write the directory through ``put``; return the number of pages. Hours in words and
    the open/closed phases of now.js depend on the opening hours, season, day and language,
    not on the site: with ``shared`` (one per build), each is worked out once, not per site
    (they were a fifth of the touch directory's time at 1,000 documents). With ``put_made``
    and the build cache, every file gets a key over its inputs, and the current build's file
    is linked when the key is the same (see ``p2f_kiosk.previous``): after a one-item edit,
    only the pages, lists and scripts that show something of that item are made again. Item
    pages are the same bytes on every site (``put_shared``: made once, linked into each
    bundle); what they would say of the site, a place's distance and the deep link, is in
    ``now.js``."""
    shared = SharedFiles() if shared is None else shared
    found = site_sections(corpus, site["id"], now, shared)
    sections = found.items
    env = shared.value(ENVIRONMENT, environment)  # templates compiled once per build
    writer = _PageWriter(
        env, site, put, corpus, now, shared, put_made, found.metres, public_url, put_shared
    )
    for name in ("directory.css", "directory.js", "search.js"):  # code: in every key's prefix
        path = TEMPLATES / name
        writer.put_made(f"directory/{name}", writer.key("static", name), path.read_bytes)
    here = (site["geo"]["lat"], site["geo"]["lon"])
    places, events = sections["place"], sections["event"]
    for lang in site["languages"]:
        link = deep_link_parts(site["id"], lang, public_url)
        make = partial(_now_script, places, events, here, now, lang, shared, found.metres, link)
        # what now_data reads of the items (now_inputs), each item's part printed once per build
        inputs = writer.said("now-place", lang, places, place_input)
        inputs += writer.said("now-event", lang, events, event_input)
        file_key = writer.key("now.js", lang, now, link, inputs)
        writer.put_made(f"directory/{lang}/now.js", file_key, make)
        _write_language(writer, sections, lang, image_for)
    return writer.count


def _now_script(
    places: list[Item], events: list[Item], here: tuple[float, float], now: datetime, lang: str,
    shared: SharedFiles, metres: dict[str, int], link: tuple[str, str],
) -> bytes:  # fmt: skip
    document = now_data(places, events, here, now, lang, shared.value, metres)
    document["link"] = list(link)  # this site's deep links around a slug (directory.js)
    return now_script(document)


class _PageWriter:
    def __init__(
        self, env: jinja2.Environment, site: dict[str, Any], put: Put, corpus: Corpus,
        now: datetime, shared: SharedFiles, put_made: PutMade | None = None,
        metres: dict[str, int] | None = None, public_url: str = "",
        put_shared: PutShared | None = None,
    ) -> None:  # fmt: skip
        self.env, self.site, self.put, self.corpus = env, site, put, corpus
        self.put_made = put_made or (lambda path, _, make: put(path, make()))
        self.put_shared = put_shared or (lambda path, _key, _file_key, make: put(path, make()))
        self.shared = shared
        self.today = span_start(now).date()
        self.md = new_markdown()
        self.count = 0
        self.templates: dict[str, jinja2.Template] = {}
        # the site's document, in the keys of the pages that print some of it (as a digest:
        # hashed once per site, not once per page)
        self.site_json = hashlib.sha256(
            json.dumps(site, sort_keys=True, default=repr).encode()
        ).hexdigest()
        # each listed place's distance from this screen (``p2f_kiosk.sections``)
        self.metres = {} if metres is None else metres
        self.public_url = public_url

    def key(self, *inputs: object) -> str | None:
        """A file key over ``inputs`` and the build's global inputs (code, templates, build
        moment); None without the build cache. ``inputs`` must hold everything else the file's
        bytes depend on, and print the same way in every build (no sets, no ids)."""
        pages = self.shared.pages
        if pages.store is None:
            return None
        return cache_key(pages.prefix, "directory", self.site_json, repr(inputs))

    def said(
        self, purpose: str, lang: str, items: list[Item], describe: Callable[[Item, str], object]
    ) -> str:
        """``repr(describe(item, lang))`` of each of ``items``, joined: a key input printed
        once per build and item (``describe`` must read nothing but the item and the language),
        not a repr of a site's whole list for each site and language."""
        known = self.shared.value(("said", purpose, lang), dict[str, str])
        out = []
        for item in items:
            text = known.get(item.slug)
            if text is None:
                text = known[item.slug] = repr((item.slug, describe(item, lang)))
            out.append(text)
        return ",".join(out)

    def offline_html(self, body: str) -> str:
        """Clean HTML with no outside links; each distinct body converted once per build."""

        def convert(text: str) -> str:
            return nh3.clean(markdown_html(self.md, text, self.corpus), tags=OFFLINE_TAGS)

        return self.corpus.remember("offline-html", body, convert)

    def event(self, item: Item, lang: str) -> Entry:
        """An event's or offer's list entry: the same on every site, made once per build."""
        make = event_entry if item.kind == "event" else offer_entry
        return self.shared.value(("entry", item.slug, lang), lambda: make(item, lang))

    def when(self, item: Item, lang: str) -> str:
        return self.shared.value(("when", item.slug, lang), lambda: item_when(item, lang))

    def facts(self, item: Item, lang: str) -> dict[str, Any]:
        """What the item page says in words besides the text and the distance: hours, price
        (the same on every site: worked out once per build)."""
        key = ("facts", item.slug, lang, self.today)
        return self.shared.value(key, lambda: site_facts(item, lang, self.today))

    def page(self, lang: str, path: str, template: str, **values: Any) -> None:
        """A page rendered from ``values`` (its whole input with the site and the language:
        rendered only when its key is not the current build's)."""
        values.setdefault("is_home", False)
        file_key = self.key("page", lang, path, template, sorted(values.items()))
        self._put_page(lang, path, template, file_key, lambda: values)

    def _put_page(
        self, lang: str, path: str, template: str, file_key: str | None,
        values: Callable[[], dict[str, Any]],
    ) -> None:  # fmt: skip
        up = "../" * (path.count("/") + 1)

        def make() -> bytes:
            html = self._template(template).render(
                lang=lang, site=self.site, t=labels(lang), w=screen_words(lang), up=up,
                **values(),
            )  # fmt: skip
            return html.encode()

        self.put_made(f"directory/{lang}/{path}", file_key, make)
        self.count += 1

    def item_page(
        self, lang: str, item: Item, key: tuple[object, ...], reads: tuple[str, ...],
        values: Callable[[], dict[str, Any]],
    ) -> None:  # fmt: skip
        """An item's page: the same bytes on every site with the same languages, for ``key``
        (all its inputs but the items it reads besides its own: ``reads``), so made once per
        build and linked into each bundle (its pieces kept in the build cache:
        ``SharedPages``). It prints nothing else of the site: the distance and this site's
        deep link come from ``now.js`` on the screen (the page holds the link without the
        site, for a browser without script). ``values()``, the template's other values, are
        worked out only when the page is made."""
        languages, pages = tuple(self.site["languages"]), self.shared.pages
        full, items = ("item", lang, item.slug, languages, *key), (item.slug, *reads)

        def make(_: Callable[[str], object]) -> str:
            return self._template("item.html").render(
                lang=lang, site={"languages": languages}, t=labels(lang), w=screen_words(lang),
                up="../../", is_home=False, link=deep_link(item.slug, None, lang, self.public_url),
                **values(),
            )  # fmt: skip

        def render() -> bytes:
            return pages.render(full, {}, make, items)

        path, file_key = f"directory/{lang}/items/{item.slug}.html", pages.shared_key(full, items)
        self.put_shared(path, ("directory-item", full, items), file_key, render)
        self.count += 1

    def _template(self, name: str) -> jinja2.Template:
        """Templates by name, looked up once (``get_template`` checks the file each call)."""
        template = self.templates.get(name)
        if template is None:
            template = self.templates[name] = self.env.get_template(name)
        return template

    def listing(
        self, lang: str, path: str, title: str, said: str, entries: Callable[[], list[Entry]],
        places: bool = False,
    ) -> None:  # fmt: skip
        """A list page; ``said``: every input of its entries as text (``said``), so that
        ``entries()`` is called only when the page is made."""

        def values() -> dict[str, Any]:
            listed = [e.as_dict() for e in entries()]
            return {"title": title, "entries": listed, "places": places, "is_home": False}

        file_key = self.key("list", lang, path, title, places, said)
        self._put_page(lang, path, "list.html", file_key, values)


def _write_language(
    writer: _PageWriter,
    sections: dict[str, list[Item]],
    lang: str,
    image_for: ImageFor,
) -> None:
    words = labels(lang)
    counts = Counter(item.data.category for item in sections["place"])
    categories = [(c, counts[c]) for c in vocabulary.CATEGORIES if counts[c]]
    writer.page(
        lang, "index.html", "home.html", title=writer.site["name"], categories=categories,
        is_home=True,
    )  # fmt: skip
    metres = writer.metres
    for category, _ in categories:
        places = [i for i in sections["place"] if i.data.category == category]
        # a place's entry: its words (the same on every site) and its distance from here
        said = writer.said("place-entry", lang, places, place_words)
        said += repr([metres[i.slug] for i in places])
        made = partial(place_entries, places, lang, metres)
        writer.listing(lang, f"places-{category}.html", words[category], said, made, True)
    for section, path, title in (("event", "events.html", words["events"]),
                                 ("offer", "offers.html", words["offers"])):  # fmt: skip
        shown = sections[section]
        said = writer.said("entry", lang, shown, writer.event)
        writer.listing(lang, path, title, said, partial(all_entries, writer.event, shown, lang))
    pages = sections["page"]
    said = writer.said("page-entry", lang, pages, entry)
    writer.listing(lang, "practical.html", words["practical"], said,
                   partial(all_entries, entry, pages, lang))  # fmt: skip
    _write_search(writer, sections, lang)
    offers_at: dict[str, list[Item]] = {}
    for offer in sections["offer"]:
        if offer.data.place:
            offers_at.setdefault(offer.data.place, []).append(offer)
    for items in sections.values():
        for item in items:
            here = offers_at.get(item.slug, [])
            image = image_for(item)  # also places the thumbnail in this site's bundle
            listed = tuple(o.slug for o in here)
            values = partial(_item_values, writer, item, lang, image, here)
            writer.item_page(lang, item, (listed, image), listed, values)


def _item_values(
    writer: _PageWriter, item: Item, lang: str, image: tuple[str, str] | None, offers: list[Item]
) -> dict[str, Any]:
    """What an item page shows but for the per-site values (worked out only if it is made)."""
    text = item.text(lang)
    return dict(
        title=text.title, text=text, data=item.data, image=image, when=writer.when(item, lang),
        facts=writer.facts(item, lang), offers=[writer.event(o, lang).as_dict() for o in offers],
        fallback=text.lang != lang, kind=item.kind, slug=item.slug, actions=actions(item, lang),
        body=writer.offline_html(text.body),
    )  # fmt: skip


def _write_search(writer: _PageWriter, sections: dict[str, list[Item]], lang: str) -> None:
    """The search page and its index, over the items the directory lists, in its order."""
    words = labels(lang)
    items = [item for section in sections.values() for item in section]
    if TEXT_WORDS:  # body keywords: weighed against the other items of this site

        def body_html(item: Item) -> str:
            return writer.offline_html(item.text(lang).body)

        metas = {item.slug: _search_meta(writer, item, lang) for item in items}
        rows = search_rows(items, lang, metas, body_html)
        said = repr(rows)
    else:  # a row depends on its item and language only: made and printed once per build
        known = writer.shared.value(("search-rows", lang), dict[str, tuple[list[str], str]])
        rows, printed = [], []
        for item in items:
            found = known.get(item.slug)
            if found is None:
                row = search_rows([item], lang, {item.slug: _search_meta(writer, item, lang)})[0]
                found = known[item.slug] = (row, repr(row))
            rows.append(found[0])
            printed.append(found[1])
        said = ",".join(printed)
    # the rows are the index's whole input: a key over them
    file_key = writer.key("search-index.js", lang, said)
    writer.put_made(f"directory/{lang}/search-index.js", file_key, partial(index_script, rows))
    keys = [list(row) for row in words["keys"].split()]
    writer.page(lang, "search.html", "search.html", title=words["search"], keys=keys)


def _search_meta(writer: _PageWriter, item: Item, lang: str) -> str:
    """What a search result says under its title: as the lists say it, without a distance."""
    words = labels(lang)
    if item.kind == "place":
        return f"{words[item.data.category]} · {subcategory_label(lang, item.data.subcategory)}"
    if item.kind in ("event", "offer"):
        return writer.event(item, lang).meta
    return words["practical"]
