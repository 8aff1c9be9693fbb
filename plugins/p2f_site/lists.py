"""The website's list pages and views: home, one list per kind, search, map and 404, per language.

Work is linear in the number of items: each item is placed in its lists once; what is current
(alerts, upcoming events, valid offers) is decided once against the build time, and the browser
hides what ends after the build (``data-ends`` on each entry).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import jinja2.meta
from pelican.generators import Generator

from p2f_build import build_time
from p2f_build.cache import build_cache, build_inputs, key
from p2f_model.corpus import Corpus, Item
from p2f_model.images import MAX_IMAGE_BYTES
from p2f_model.load import read_content_file
from p2f_model.vocabulary import SITE_LANGUAGES
from p2f_player.contract.rules import AUDIENCES, PARIS
from p2f_site.cards import Cards
from p2f_site.hours import open_intervals
from p2f_site.incremental import cached_picture, jinja_syntax
from p2f_site.pictures import Picture
from p2f_site.reader import new_markdown, release_html, render_markdown
from p2f_site.ui import THEMES, event_audiences
from p2f_site.urls import item_path, item_url, list_path, view_path

TEMPLATE_NAMES = "site-template-names"  # cache namespace: a template source -> its free names
LISTED_KINDS = ("place", "event", "offer", "page", "alert", "partner")
# The kinds of items each value the generator hands the list pages is made from. A list page
# or view depends on the kinds behind the names its templates use (an incremental build
# renders it again only when one of those kinds changed), plus whatever the templates look up
# through the corpus, which the writer records as it renders.
MADE_FROM: dict[str, tuple[str, ...]] = {
    "tonight_lodgings": ("place",),
    "late_places": ("place",),
    "theme_choices": ("event",),
    "audience_choices": ("event",),
    "lists": LISTED_KINDS,
    "current": ("event", "offer", "alert"),
    "months": ("event",),
    "by_category": ("place",),
    "home_events": ("event",),
}
# What each list page is given besides its items: only what its kind's part of list.html shows,
# so that the list of events, say, does not depend on the places.
LIST_VALUES: dict[str, tuple[str, ...]] = {
    "place": ("by_category",),
    "event": ("months", "theme_choices", "audience_choices"),
}
# Names a list page's templates may use that carry no item: the page's own arguments, the
# alerts of the banner and the pictures (in every page's key already).
NO_ITEMS = frozenset({"lang", "view", "kind", "p2f_alerts", "p2f_pictures"})
VIEWS = ("search", "map", "tonight", "contact", "404", "proposal")  # proposal: p2f_editorial
HOME_EVENTS = 40  # upcoming events on the home page, for "today" and "this weekend"
LATE = time(21, 0)  # "still open after 21:00" on the Tonight page
LATE_DAYS = 14  # a place open late on any of these days is listed (the browser says if tonight)


def sort_key(item: Item) -> tuple[Any, ...]:
    data = item.data
    if item.kind == "event":
        return (data.starts, item.slug)
    if item.kind in ("offer", "alert"):
        return (data.valid_from, item.slug)
    if item.kind == "page":
        return (data.order, item.slug)
    if item.kind == "place":
        return (data.category, data.subcategory, item.slug)
    return (item.slug,)


def open_late(expression: str, now: datetime) -> bool:
    """True when the place is open at or after 21:00 (or past midnight) on one of the coming
    days; whether it is tonight, the browser judges with the visitor's clock."""
    for begin, end in open_intervals(expression, None, now, now + timedelta(days=LATE_DAYS)):
        a, b = begin.astimezone(PARIS), end.astimezone(PARIS)
        if b - a >= timedelta(days=1) or b.date() > a.date() or b.time() > LATE:
            return True
    return False


def tonight_order(place: Item) -> tuple[Any, ...]:
    """Lodgings on the Tonight page: reachable late by their own word first, then open round
    the clock, then the others (the browser hides those whose reception is closed)."""
    booking, hours = place.data.booking, (place.data.opening_hours or "").replace(" ", "")
    always = hours in ("24/7", "Mo-Su00:00-24:00")
    return (not (booking and booking.tonight), not always, place.slug)


def _end(item: Item) -> Any:
    data = item.data
    return data.ends if item.kind == "event" else getattr(data, "valid_until", None)


class ListsGenerator(Generator):
    def generate_context(self) -> None:
        corpus: Corpus = self.settings["P2F_CORPUS"]
        now = build_time(self.settings)
        by_kind: dict[str, list[Item]] = defaultdict(list)
        for item in corpus.items.values():
            if item.kind in LISTED_KINDS:
                by_kind[item.kind].append(item)
        for items in by_kind.values():
            items.sort(key=sort_key)
        current = {
            kind: [i for i in by_kind.get(kind, []) if _end(i) is None or _end(i) > now]
            for kind in ("event", "offer", "alert")
        }
        by_month: dict[str, list[Item]] = defaultdict(list)
        for event in current["event"]:
            by_month[event.data.starts.astimezone(PARIS).strftime("%Y-%m")].append(event)
        by_category: dict[str, list[Item]] = defaultdict(list)
        for place in by_kind.get("place", []):
            by_category[place.data.category].append(place)
        places = by_kind.get("place", [])
        lodgings = [p for p in places if p.data.category == "hebergement"]
        late = {e: open_late(e, now) for e in {p.data.opening_hours for p in places} if e}
        self.p2f: dict[str, Any] = {
            "tonight_lodgings": sorted(lodgings, key=tonight_order),
            "late_places": [
                p
                for p in places
                if p.data.category != "hebergement" and late.get(p.data.opening_hours or "")
            ],
            "theme_choices": sorted(
                {t for e in current["event"] for t in e.data.tags if t in THEMES},
                key=THEMES.index,
            ),
            "audience_choices": [
                a for a in AUDIENCES if any(a in event_audiences(e) for e in current["event"])
            ],
            "lists": by_kind,
            "current": current,
            "months": dict(by_month),
            "by_category": dict(by_category),
            "home_events": current["event"][:HOME_EVENTS],
        }
        # every page shows the alert banner, including the item pages Pelican writes
        self.context["p2f_alerts"] = current["alert"]
        self.context["p2f_pictures"] = self.pictures = self._pictures(corpus)

    def _pictures(self, corpus: Corpus) -> dict[str, Picture]:
        """Each image shown by a website item, converted once per build."""
        content = Path(self.settings["PATH"])
        pictures: dict[str, Picture] = {}
        for item in corpus.items.values():
            if item.kind not in LISTED_KINDS:
                continue
            for image in item.data.images:
                if image.src not in pictures:
                    # never through a link, even one planted after the check ran
                    data = read_content_file(content, image.src, MAX_IMAGE_BYTES)
                    pictures[image.src] = cached_picture(self.settings, image.src, data)
        return pictures

    def generate_output(self, writer: Any) -> None:
        corpus: Corpus = self.settings["P2F_CORPUS"]
        # each card once per build (and kept in the cache), whatever the pages showing it
        cards = Cards(self.env, self.settings)
        self.env.globals["card"] = cards.function()
        reads = TemplateReads(self.env, self.context, self.settings)
        output = Path(self.output_path)
        for picture in self.pictures.values():
            for variant in picture.variants:
                (output / variant.src).parent.mkdir(parents=True, exist_ok=True)
                (output / variant.src).write_bytes(variant.data)
        for lang in SITE_LANGUAGES:
            common = {"lang": lang, **self.p2f}
            home = self.get_template("home")
            writer.write_file(
                view_path("home", lang), home, self.context,
                view="home", p2f_kinds=reads.kinds(home.name, MADE_FROM), **common,
            )  # fmt: skip
            for kind in LISTED_KINDS:
                items = self.p2f["current"].get(kind, self.p2f["lists"].get(kind, []))
                given = {name: self.p2f[name] for name in LIST_VALUES.get(kind, ())}
                made_from = {"items": (kind,), **{name: MADE_FROM[name] for name in given}}
                writer.write_file(
                    list_path(kind, lang),
                    self.get_template("list"),
                    self.context,
                    view=f"list:{kind}",
                    kind=kind,
                    items=items,
                    lang=lang,
                    p2f_kinds=reads.kinds(self.get_template("list").name, made_from),
                    **given,
                )
            for view in VIEWS:
                template = self.get_template(view)
                writer.write_file(
                    view_path(view, lang), template, self.context,
                    view=view, p2f_kinds=reads.kinds(template.name, MADE_FROM), **common,
                )  # fmt: skip
        self.settings["P2F_CARDS_RENDERED"] = cards.rendered  # for the logs and the tests
        self._write_fallbacks(corpus, writer)
        cards.release()  # no page shows a card after these
        release_html(self.context, corpus)  # the last website pages Pelican renders

    def _write_fallbacks(self, corpus: Corpus, writer: Any) -> None:
        """An item not yet translated still has a page in every language, in French, saying so.

        Pelican writes the original and the real translations; this writes the rest.
        """
        md = new_markdown()
        for item in corpus.items.values():
            if item.kind not in LISTED_KINDS:
                continue
            missing = [lang for lang in SITE_LANGUAGES if lang not in item.texts]
            if not missing:
                continue
            original = item.original
            content = render_markdown(md, original.body, corpus)
            existing = [
                SimpleNamespace(lang=lang, url=item_url(item.kind, item.slug, lang))
                for lang in item.texts
            ]
            for lang in missing:
                page = SimpleNamespace(
                    title=original.title,
                    lang=lang,
                    item=item,
                    text=original,
                    corpus=corpus,
                    content=content,
                    translations=existing,
                    url=item_url(item.kind, item.slug, lang),
                )
                writer.write_file(
                    item_path(item.kind, item.slug, lang),
                    self.get_template(item.kind),
                    self.context,
                    page=page,
                )


class TemplateReads:
    """Which item kinds a list page or view reads, from the names its templates use.

    ``kinds`` is None when a template uses a name of Pelican's context that is not known here
    (a Pelican list of pages) or a template named at render time: the page then depends on all
    content. Jinja globals are the template functions: what they read goes through the corpus
    and is recorded as the page renders. A name in none of these is undefined on the page.
    """

    def __init__(self, env: Any, context: dict[str, Any], settings: dict[str, Any]) -> None:
        self._env = env
        self._context = context
        self._inputs = build_inputs(settings)  # None: a build without cache
        self._store = build_cache(settings)
        self._names: dict[str, frozenset[str] | None] = {}
        self._files: dict[str, tuple[list[str], list[str] | None]] = {}

    def kinds(self, template: str, made_from: dict[str, tuple[str, ...]]) -> frozenset[str] | None:
        """The item kinds a page of ``template`` (a file name) reads, given the values named in
        ``made_from`` (with the kinds each is made from)."""
        if template not in self._names:
            self._names[template] = self._used_names(template)
        names = self._names[template]
        if names is None:
            return None
        found: set[str] = set()
        for name in names:
            if name in made_from:
                found.update(made_from[name])
            elif name in NO_ITEMS or name in self._env.globals or name.isupper():
                continue  # no item, settings (global inputs), or a recorded template function
            elif name in self._context:
                return None  # from Pelican's context (its pages...): assume it reads everything
        return frozenset(found)

    def _used_names(self, template: str) -> frozenset[str] | None:
        """The free names of ``template`` and of every template it extends, includes or
        imports; None when one of those is named at render time."""
        names: set[str] = set()
        seen: set[str] = set()
        todo = [template]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            free, children = self._file(current)
            if children is None:
                return None
            names.update(free)
            todo.extend(children)
        return frozenset(names)

    def _file(self, name: str) -> tuple[list[str], list[str] | None]:
        """One template's free names and the templates it names (None: named at render
        time). Parsing costs ~0.05 s a template: kept per build, and in the build cache by
        the source, the code (Jinja's version) and Jinja's syntax settings."""
        if name in self._files:
            return self._files[name]
        source = self._env.loader.get_source(self._env, name)[0]
        env = self._env
        syntax = jinja_syntax(env)
        entry = None if self._inputs is None else key(self._inputs.code, *syntax, source)
        found = None if entry is None else self._store.get(TEMPLATE_NAMES, entry)
        if found is not None:
            free, children = json.loads(found)
        else:
            tree = self._env.parse(source)
            free = sorted(jinja2.meta.find_undeclared_variables(tree))
            named = list(jinja2.meta.find_referenced_templates(tree))
            children = None if None in named else [str(n) for n in named]
            if entry is not None:
                self._store.put(TEMPLATE_NAMES, entry, json.dumps([free, children]).encode())
        self._files[name] = (free, children)
        return free, children
