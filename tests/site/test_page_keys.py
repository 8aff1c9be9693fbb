"""A page's template key: the bytes of its template and of every template it reaches.

Which templates a source names is kept in the build cache (parsing every template cost ~0.4 s
a rebuild at 5,000 documents); the key must be the same with or without what was kept, and
follow any template of the closure.
"""

from __future__ import annotations

import jinja2

from p2f_build.cache import Inputs
from p2f_model.corpus import Corpus
from p2f_site.incremental import TEMPLATES, PageKeys

TEMPLATES_SOURCES = {
    "base.html": "<html>{% block main %}{% endblock %}</html>",
    "page.html": "{% extends 'base.html' %}{% block main %}{% include 'part.html' %}{% endblock %}",
    "part.html": "{% import 'macros.html' as m %}{{ m.x() }}",
    "macros.html": "{% macro x() %}x{% endmacro %}",
    "other.html": "unrelated",
    "dynamic.html": "{% include name %}",
}


class CountingStore:
    def __init__(self) -> None:
        self.values: dict[tuple[str, str], bytes] = {}
        self.hits = 0

    def get(self, namespace: str, entry: str) -> bytes | None:
        found = self.values.get((namespace, entry))
        self.hits += found is not None
        return found

    def put(self, namespace: str, entry: str, value: bytes) -> None:
        self.values[(namespace, entry)] = value


def keys(sources: dict[str, str], store: CountingStore | None, code: str = "c1") -> PageKeys:
    env = jinja2.Environment(loader=jinja2.DictLoader(sources))
    inputs = Inputs(code=code, globals="g", content="all", others="o")
    return PageKeys(inputs, Corpus(items={}, problems=[]), [], env, store)


def test_the_key_is_the_same_with_the_names_kept() -> None:
    store = CountingStore()
    plain = keys(TEMPLATES_SOURCES, None).template("page.html")
    assert keys(TEMPLATES_SOURCES, store).template("page.html") == plain  # fills the store
    assert store.hits == 0 and {ns for ns, _ in store.values} == {TEMPLATES}
    assert keys(TEMPLATES_SOURCES, store).template("page.html") == plain  # from the store
    assert store.hits == 4  # page, base, part, macros: none parsed again


def test_the_key_follows_every_template_reached() -> None:
    store = CountingStore()
    before = keys(TEMPLATES_SOURCES, store).template("page.html")
    for name in ("base.html", "part.html", "macros.html"):
        changed = {**TEMPLATES_SOURCES, name: TEMPLATES_SOURCES[name] + " "}
        assert keys(changed, store).template("page.html") != before, name
    unrelated = {**TEMPLATES_SOURCES, "other.html": "changed"}
    assert keys(unrelated, store).template("page.html") == before


def test_a_name_computed_at_render_time_depends_on_every_template() -> None:
    store = CountingStore()
    before = keys(TEMPLATES_SOURCES, store).template("dynamic.html")
    assert keys(TEMPLATES_SOURCES, store).template("dynamic.html") == before  # kept: still all
    unrelated = {**TEMPLATES_SOURCES, "other.html": "changed"}
    assert keys(unrelated, store).template("dynamic.html") != before


def test_another_code_version_parses_again() -> None:
    store = CountingStore()
    keys(TEMPLATES_SOURCES, store, "c1").template("page.html")
    keys(TEMPLATES_SOURCES, store, "c2").template("page.html")
    assert store.hits == 0
