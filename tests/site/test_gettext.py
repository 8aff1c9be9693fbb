"""``_`` bound once per page (``p2f_site.i18n.Gettext.bound``, bound by the theme's base.html):
the same words as the context function, without Jinja copying the page's context for each
message said inside a block or a loop that sets variables."""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.runtime import Context

from p2f_site.i18n import make_gettext
from tests.conftest import ROOT

CATALOGS = {"en": {"Bonjour": "Hello", "%(n)s lieux": "%(n)s places"}}


class CountingContext(Context):
    """Jinja's context, counting its copies (``Environment.context_class``)."""

    copies = 0

    def derived(self, locals: dict[str, Any] | None = None) -> Context:
        CountingContext.copies += 1
        return super().derived(locals)


def test_a_page_binds_gettext_once_and_says_the_same_words() -> None:
    base = (ROOT / "theme" / "templates" / "base.html").read_text(encoding="utf-8")
    binding = next(line for line in base.splitlines() if "_.bound" in line)
    templates = {
        "base.html": binding + "<p>{% block main %}{% endblock %}</p>",
        "unbound.html": "<p>{% block main %}{% endblock %}</p>",
        "page.html": '{% extends "base.html" %}{% block main %}{% set n = 3 %}'
        '{{ _("Bonjour") }} {% for i in [1, 2] %}{% set m = i %}{{ _("%(n)s lieux", n=m) }} '
        '{% endfor %}{{ _("Au revoir") }}{% endblock %}',
    }
    templates["old.html"] = templates["page.html"].replace("base.html", "unbound.html")
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)
    env.context_class = CountingContext
    env.globals["_"] = make_gettext(CATALOGS)
    for lang, said in (("en", "Hello 1 places 2 places Au revoir"),
                       ("fr", "Bonjour 1 lieux 2 lieux Au revoir"),
                       ("it", "Bonjour 1 lieux 2 lieux Au revoir")):  # fmt: skip
        CountingContext.copies = 0
        assert env.get_template("page.html").render(lang=lang) == f"<p>{said}</p>"
        assert CountingContext.copies == 0
        assert env.get_template("old.html").render(lang=lang) == f"<p>{said}</p>"
        assert CountingContext.copies == 4  # the context function: a copy per message
    assert env.get_template("page.html").render() == "<p>Bonjour 1 lieux 2 lieux Au revoir</p>"
