"""Cards rendered once (``p2f_site.cards``): once per build for all the pages showing them, and,
with the cache, once per change of what they are made from."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest

from p2f_build.cache import CACHE_FOLDER, BuildCache, key
from p2f_site.cards import CARDS, CardError, Cards
from tests.conftest import PLACE, PLACE_EN, WriteContent
from tests.site.test_incremental import LANGS, assert_same, build, event, place

MACROS = """{% macro place_card(item, lang, hx="h3") %}{{ count(item.slug) }}<{{ hx }}>{{ item.title }} {{ _(lang) }}</{{ hx }}>{% endmacro %}
{% macro event_card(item, lang) %}{{ item.title }}{% endmacro %}"""
PAGE = """{% from "macros.html" import place_card with context %}
{% for item in items %}{{ card(place_card, item, lang, "h3") }}|{% endfor %}"""


def environment(folder: Path, renders: list[str]) -> jinja2.Environment:
    (folder / "macros.html").write_text(MACROS, encoding="utf-8")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "other.html").write_text(
        '{% macro place_card(item, lang) %}x{% endmacro %}{{ card(place_card, items[0], "fr") }}',
        encoding="utf-8",
    )
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True)

    def count(slug: str) -> str:
        renders.append(slug)
        return ""

    @jinja2.pass_context
    def gettext(context: Any, message: str) -> str:
        return f"{message}/{context.resolve('lang')}"

    env.globals.update(count=count, _=gettext)
    return env


def test_a_card_is_rendered_once_per_build_for_all_the_pages_showing_it(tmp_path: Path) -> None:
    renders: list[str] = []
    env = environment(tmp_path, renders)
    settings: dict[str, Any] = {"P2F_CORPUS": SimpleNamespace(items={})}  # a build without cache
    cards = Cards(env, settings)
    env.globals["card"] = cards.function()
    items = [SimpleNamespace(slug="a", title="A"), SimpleNamespace(slug="b", title="B & C")]
    page = env.get_template("page.html")
    first = page.render(items=items, lang="en")
    for _ in range(3):  # the same cards on three more pages
        assert page.render(items=items, lang="en") == first
    assert renders == ["a", "b"]
    assert first == "\n<h3>A en/en</h3>|<h3>B &amp; C en/en</h3>|"
    assert page.render(items=items, lang="de") == "\n<h3>A de/de</h3>|<h3>B &amp; C de/de</h3>|"
    assert renders == ["a", "b", "a", "b"]  # another language: other cards
    assert [slot[:3] for slot in cards.rendered] == [
        ("place_card", "a", "en"), ("place_card", "b", "en"),
        ("place_card", "a", "de"), ("place_card", "b", "de"),
    ]  # fmt: skip


def test_a_card_reading_more_than_its_key_holds_is_refused(tmp_path: Path) -> None:
    env = environment(tmp_path, [])
    cards = Cards(env, {"P2F_CORPUS": SimpleNamespace(items={})})
    env.globals["card"] = cards.function()
    items = [SimpleNamespace(slug="a", title="A")]
    with pytest.raises(
        CardError, match=re.escape("other.html: card() renders the macros of macros.html")
    ):
        env.get_template("other.html").render(items=items, lang="fr")
    with_page_name = MACROS.replace(
        "{{ item.title }}{% endmacro %}", "{{ page_only }}{% endmacro %}"
    )
    (tmp_path / "macros.html").write_text(with_page_name, encoding="utf-8")
    with pytest.raises(CardError, match=re.escape("macros.html reads page_only from the page")):
        env.get_template("page.html").render(items=items, lang="fr")


def kept_cards(output: Path) -> dict[str, bytes]:
    cache = BuildCache(output / CACHE_FOLDER)
    try:
        return cache.get_many(CARDS)
    finally:
        cache.close()


def slots(macro: str, slug: str, hx: tuple[str, ...]) -> set[str]:
    """The cache entries of an item's cards, in every language."""
    return {key(macro, slug, lang, lang, h) for lang in ("fr", *LANGS) for h in hx}


def test_an_edit_renders_again_only_the_cards_made_from_the_edited_item(
    write_content: WriteContent, tmp_path: Path
) -> None:
    # a second event at another place; the night market's card shows its place's picture
    content = write_content({
        "lieux/pharmacie-port.md": place("pharmacie-port", "Pharmacie", "Garde."),
        "agenda/fete.md": event("Fête", "Danses.", "pharmacie-port", 20),
    })  # fmt: skip
    output = tmp_path / "build"
    build(content, output, cache=True)
    first = kept_cards(output)
    assert slots("event_card", "marche-nocturne", ("h3",)) <= set(first)
    # an entry says in clear what it was made from (what all cards depend on, the item's
    # digest): a card is checked without a digest of its own
    made_from = [value.split(b"\n", 1)[0].split(b" ") for value in first.values()]
    assert all(len(parts) == 2 for parts in made_from)
    assert len({parts[0] for parts in made_from}) == 1  # the same for all cards of a build

    fete = content / "agenda/fete.md"
    fete.write_text(fete.read_text("utf-8").replace("Danses.", "Bal."), encoding="utf-8")
    build(content, output, cache=True)
    second = kept_cards(output)
    changed = {name for name, value in second.items() if first.get(name) != value}
    assert changed == slots("event_card", "fete", ("h3",))

    # the night market's card, reused on the agenda just rebuilt, still follows its place
    veto = content / "lieux/veto-pinede.md"
    picture = "images:\n  - {src: images/veto.png, alt: Façade de la clinique}\n"
    assert picture in PLACE
    veto.write_text(PLACE.replace(picture, ""), encoding="utf-8")
    english = content / "lieux/veto-pinede.en.md"
    english.write_text(PLACE_EN.replace("alt: [Front of the clinic]\n", ""), encoding="utf-8")
    report = build(content, output, cache=True)
    assert {"agenda/index.html", "en/agenda/index.html"} <= set(report.rendered_pages)
    third = kept_cards(output)
    changed = {name for name, value in third.items() if second.get(name) != value}
    assert changed == (
        slots("event_card", "marche-nocturne", ("h3",))
        | slots("place_card", "veto-pinede", ("h3", "h4"))
    )
    clean = tmp_path / "clean"
    build(content, clean, cache=False)
    assert_same(output, clean, "a place's picture removed")


def test_released_cards_are_not_held_and_are_made_again_when_asked(tmp_path: Path) -> None:
    """After the last page showing cards (``ListsGenerator`` releases them), none is held in
    memory through the kiosk step; a card asked for afterwards is rendered again, the same."""
    renders: list[str] = []
    env = environment(tmp_path, renders)
    cards = Cards(env, {"P2F_CORPUS": SimpleNamespace(items={})})
    env.globals["card"] = cards.function()
    items = [SimpleNamespace(slug="a", title="A")]
    page = env.get_template("page.html")
    first = page.render(items=items, lang="en")
    cards.release()
    assert not cards._memo
    assert page.render(items=items, lang="en") == first
    assert renders == ["a", "a"]
