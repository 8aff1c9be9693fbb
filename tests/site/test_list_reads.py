"""List pages and views keyed on the item kinds they show (``p2f_site.lists.TemplateReads``).

After one place's summary is edited, an incremental build renders again the pages that show
places (the place list, home, map, tonight, the proposal form) and reuses the others (the
lists of events, offers, pages, alerts and partners, search, contact, 404); its output equals
a clean build's.
"""

from __future__ import annotations

import json
from pathlib import Path

from p2f_build.cache import CACHE_FOLDER, BuildCache
from p2f_site.lists import LISTED_KINDS, MADE_FROM, TEMPLATE_NAMES, TemplateReads
from tests.conftest import ROOT, WriteContent
from tests.site.test_incremental import assert_same, build, place

SHOWS_PLACES = ("index.html", "lieux/index.html", "carte/index.html", "ce-soir/index.html",
                "proposer/index.html")  # fmt: skip
NO_PLACE = ("agenda/index.html", "bons-plans/index.html", "pratique/index.html",
            "alertes/index.html", "partenaires/index.html", "recherche/index.html",
            "contact/index.html", "404.html")  # fmt: skip


def test_a_place_edit_renders_again_only_the_lists_showing_places(
    write_content: WriteContent, tmp_path: Path
) -> None:
    # a second place, which no event, offer or partner names
    content = write_content(
        {"lieux/pharmacie-port.md": place("pharmacie-port", "Pharmacie", "Garde.")}
    )
    output = tmp_path / "build"
    build(content, output, cache=True)
    path = content / "lieux/pharmacie-port.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Garde.", "De garde."), encoding="utf-8"
    )
    report = build(content, output, cache=True)
    rendered = set(report.rendered_pages)
    assert "lieux/pharmacie-port/index.html" in rendered
    assert "lieux/veto-pinede/index.html" not in rendered
    for prefix in ("", "en/", "de/", "es/"):
        assert {prefix + n for n in SHOWS_PLACES} <= rendered
        assert not {prefix + n for n in NO_PLACE} & rendered
    clean = tmp_path / "clean"
    build(content, clean, cache=False)
    assert_same(output, clean, "one place's summary edited")
    # each template was parsed once: its free names are kept in the build cache
    cache = BuildCache(output / CACHE_FOLDER)
    kept = [json.loads(v) for v in cache.get_many(TEMPLATE_NAMES).values()]
    cache.close()
    free_names = {name for free, _ in kept for name in free}
    assert {"by_category", "current", "home_events", "lists"} <= free_names


def test_a_template_using_an_unknown_context_name_reads_everything(tmp_path: Path) -> None:
    """A name of Pelican's context the generator does not know (its list of pages) may carry
    any item: the page then depends on all content."""
    import jinja2

    (tmp_path / "a.html").write_text("{{ lang }}{% for p in pages %}{{ p }}{% endfor %}")
    (tmp_path / "b.html").write_text('{% extends "c.html" %}{% block x %}{{ items }}{% endblock %}')
    (tmp_path / "c.html").write_text("{{ by_category }}{{ url_for }}{% block x %}{% endblock %}")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path))
    env.globals["url_for"] = str
    reads = TemplateReads(env, {"pages": [], "SITENAME": "x"}, {})
    assert reads.kinds("a.html", MADE_FROM) is None
    assert reads.kinds("b.html", {"items": ("event",)}) == {"event"}  # by_category not given
    assert reads.kinds("b.html", {"items": ("event",), **MADE_FROM}) == {"event", "place"}
    assert set(MADE_FROM["lists"]) == set(LISTED_KINDS)


def test_the_real_templates_read_what_their_pages_show() -> None:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "theme" / "templates"))
    env.globals.update({"_": str, "ui": str})  # any global: a template function
    reads = TemplateReads(env, {"pages": []}, {})
    assert reads.kinds("404.html", MADE_FROM) == frozenset()
    assert reads.kinds("map.html", MADE_FROM) == {"place"}
