"""Cards rendered once: the template function ``card`` behind the list pages, home and map.

A card (a macro of ``macros.html``: ``place_card``, ``event_card``, ``offer_card``) is shown on
several pages in each language: a place's card is on its list, the map, home and the Tonight
page. ``card(macro, item, lang, ...)`` renders it once per build for each (macro, item,
language, arguments) and, when the build runs with a cache, keeps it between builds: after one
place's edit only that place's cards are rendered again, the other cards of the pages that show
places come from the cache.

What a card's key holds: the build's global inputs (settings, build moment, code, translations),
the content that is not an item (images: ``p2f_pictures``; site settings), the bytes of every
template, the macro, the item's slug and file digests, its arguments and the page's language.
What the card looks up through the corpus while it renders (an event's place, for its picture)
is kept with the card with each looked-up item's digest: a card is reused only when those are
unchanged, and what it looked up is noted again for the page that shows it (the incremental
build's page records, ``p2f_site.incremental``).

A cache entry is kept per card slot (macro, item, language, arguments) and replaced when the
card is rendered again, so the cache holds one card per slot. The entry says which inputs it
was rendered from: a stale entry is never used.

It deliberately does not cache whole pages (``p2f_site.incremental`` does) nor the macros used
by the item pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jinja2.meta
from jinja2 import pass_context
from jinja2.runtime import Context, Macro
from markupsafe import Markup

from p2f_build.cache import BuildCache, build_cache, build_inputs, key
from p2f_site.incremental import Reads, RecordingItems

CARDS = "site-cards"  # cache namespace: a card slot -> the inputs it was rendered from + HTML
CARD_TEMPLATE = "macros.html"  # the template whose macros ``card`` renders
# The names of the page's context a card may read besides the Jinja globals: both are in the
# key (the page's language, and the pictures made from the images and the code).
CONTEXT_NAMES = frozenset({"lang", "p2f_pictures"})


class CardError(Exception):
    """A card cannot be rendered once for all pages (the message says what to change)."""


class Cards:
    """The cards of one build (one Jinja environment and one corpus).

    ``rendered`` lists the (macro, slug, language, arguments) of each card rendered (not
    reused) in this build, in order: for the build's logs and the tests.
    """

    def __init__(self, env: Any, settings: dict[str, Any]) -> None:
        self._env = env
        self._settings = settings
        self._inputs = build_inputs(settings)  # None: a build without cache
        self._memo: dict[tuple[str, ...], tuple[Markup, Reads]] = {}
        self._kept: dict[str, bytes] | None = None  # the cache's cards, loaded once
        self._base: str | None = None  # key of what every card depends on
        self._checked = False
        self.rendered: list[tuple[str, ...]] = []

    def function(self) -> Callable[..., Markup]:
        """The Jinja global ``card(macro, item, lang, *args)``."""

        @pass_context
        def card(context: Context, macro: Macro, item: Any, lang: str, *args: Any) -> Markup:
            return self.card(context, macro, item, lang, *args)

        return card

    def release(self) -> None:
        """Let go of the cards kept in memory once the last page showing them is written (a
        card asked for afterwards is looked up or rendered again): at 20,000 documents they
        were ~70 MB held through the kiosk step, the build's peak."""
        self._memo.clear()
        self._kept = None

    def card(self, context: Context, macro: Macro, item: Any, lang: str, *args: Any) -> Markup:
        page_lang = context.resolve("lang")
        slot = (macro.name, item.slug, lang, str(page_lang), *map(_argument, args))
        found = self._memo.get(slot)
        if found is None:
            found = self._stored(slot, item.slug)
            if found is None:
                found = self._render(slot, macro, item, lang, args)
            self._memo[slot] = found
        html, reads = found
        _note(self._settings, reads)
        return html

    def _render(
        self, slot: tuple[str, ...], macro: Macro, item: Any, lang: str, args: tuple[Any, ...]
    ) -> tuple[Markup, Reads]:
        self._check(macro)
        items = self._settings["P2F_CORPUS"].items
        recording = isinstance(items, RecordingItems)
        outer = items.reads if recording else None
        reads = Reads()
        if recording:
            items.reads = reads
        try:
            html = Markup(macro(item, lang, *args))
        finally:
            if recording:
                items.reads = outer
        self.rendered.append(slot)
        self._store(slot, item.slug, html, reads)
        return html, reads

    def _check(self, macro: Macro) -> None:
        """Refuse a macro whose inputs the key does not hold: one from another template, or
        one reading a name of the page's context other than ``CONTEXT_NAMES``."""
        origin = macro._func.__code__.co_filename.replace("\\", "/")
        if not origin.endswith("/" + CARD_TEMPLATE):
            raise CardError(
                f"{origin}: card() renders the macros of {CARD_TEMPLATE} only; call the macro "
                f"{macro.name} directly, or move it to {CARD_TEMPLATE}"
            )
        if self._checked:
            return
        source = self._env.loader.get_source(self._env, CARD_TEMPLATE)[0]
        free = jinja2.meta.find_undeclared_variables(self._env.parse(source))
        unknown = sorted(n for n in free if n not in self._env.globals and n not in CONTEXT_NAMES)
        if unknown:
            raise CardError(
                f"{CARD_TEMPLATE} reads {', '.join(unknown)} from the page: a card is rendered "
                f"once for every page, so pass it as an argument, or add it to CONTEXT_NAMES and "
                f"to the card's key in p2f_site/cards.py"
            )
        self._checked = True

    def _made_from(self, slug: str) -> str | None:
        """What every card of ``slug`` is made from, as kept on its entry's first line: the
        digest of what all cards depend on and the item's digest (None: no cache). The slot
        (macro, item, languages, arguments) is the entry's own key: no digest of it all per
        card (~11,000 SHA-256 of an edit build at 5,000 documents)."""
        if self._inputs is None:
            return None
        if self._base is None:
            env = self._env
            templates = [
                f"{n}={key(env.loader.get_source(env, n)[0])}" for n in sorted(env.list_templates())
            ]
            self._base = key(CARDS, self._inputs.globals, self._inputs.others, *templates)
        return f"{self._base} {self._inputs.item(slug)}"

    def _stored(self, slot: tuple[str, ...], slug: str) -> tuple[Markup, Reads] | None:
        entry = self._made_from(slug)
        if entry is None or self._inputs is None:
            return None
        if self._kept is None:
            store = build_cache(self._settings)
            self._kept = store.get_many(CARDS) if isinstance(store, BuildCache) else {}
        value = self._kept.get(key(*slot))
        if value is None:
            return None
        # one line each: what it was made from, the items looked up with their digests (JSON),
        # the HTML
        parts = value.split(b"\n", 2)
        if len(parts) != 3 or parts[0] != entry.encode("ascii"):
            return None  # made from other inputs (or in an older format): render again
        looked_up, html = parts[1], parts[2]
        items: dict[str, str] = {} if looked_up == b"{}" else json.loads(looked_up)
        if any(self._inputs.item(s) != digest for s, digest in items.items()):
            return None
        return Markup(html.decode("utf-8")), Reads(items=set(items))

    def _store(self, slot: tuple[str, ...], slug: str, html: Markup, reads: Reads) -> None:
        entry = self._made_from(slug)
        if entry is None or self._inputs is None or reads.kinds or reads.everything:
            return  # a card reading whole kinds is kept for this build only
        items = {s: self._inputs.item(s) for s in sorted(reads.items)}
        looked_up = json.dumps(items, sort_keys=True)  # ASCII, on one line
        value = f"{entry}\n{looked_up}\n{html}".encode()
        build_cache(self._settings).put(CARDS, key(*slot), value)


def _argument(value: Any) -> str:
    if not isinstance(value, str):
        raise CardError(f"card(): argument {value!r} is not a string: pass strings only")
    return value


def _note(settings: dict[str, Any], reads: Reads) -> None:
    """Note what the card looked up for the page being rendered (as if rendered there)."""
    items = settings["P2F_CORPUS"].items
    if isinstance(items, RecordingItems) and items.reads is not None:
        items.reads.items.update(reads.items)
        items.reads.kinds.update(reads.kinds)
        items.reads.everything = items.reads.everything or reads.everything
