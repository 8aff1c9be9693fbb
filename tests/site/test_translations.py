"""Interface strings: every message the templates use is translated in every catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract

from p2f_model.vocabulary import TRANSLATION_LANGUAGES
from p2f_site.i18n import load_catalogs
from tests.conftest import ROOT

TRANSLATIONS = ROOT / "theme" / "translations"


def template_messages() -> set[str]:
    found = set()
    for template in (ROOT / "theme" / "templates").glob("*.html"):
        with template.open("rb") as handle:
            for _line, message, _comments, _context in extract("jinja2", handle):
                found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("lang", TRANSLATION_LANGUAGES)
def test_every_template_message_is_translated(lang: str) -> None:
    messages = template_messages()
    assert len(messages) > 40
    catalog = load_catalogs(TRANSLATIONS, [lang])[lang]
    missing = sorted(messages - set(catalog))
    assert missing == [], f"theme/translations/{lang}: no translation for {missing}"
    unused = sorted(set(catalog) - messages)
    assert unused == [], f"theme/translations/{lang}: translations no template uses: {unused}"


def test_missing_translation_falls_back_to_french(tmp_path: Path) -> None:
    import jinja2

    from p2f_site.i18n import make_gettext

    env = jinja2.Environment(autoescape=True)
    env.globals["_"] = make_gettext({"en": {"Bonjour": "Hello"}})
    template = env.from_string('{{ _("Bonjour") }} {{ _("Au revoir") }}')
    assert template.render(lang="en") == "Hello Au revoir"
    assert template.render(lang="fr") == "Bonjour Au revoir"
