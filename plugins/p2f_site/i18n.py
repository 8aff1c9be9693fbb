"""Interface strings through gettext: French msgids in the templates, one catalog per language.

Templates write ``{{ _("Ouvert maintenant") }}``; the translations live in
``theme/translations/<lang>/LC_MESSAGES/messages.po`` (edit them with any PO editor), read with
Babel once per build. ``_`` picks the catalog of the page being written (its ``lang``), so one
Jinja environment serves the four languages. A missing or fuzzy translation shows the French
text, never an empty string. Refresh the catalogs after changing templates with
``pybabel extract -F theme/translations/babel.cfg -o theme/translations/messages.pot .`` then
``pybabel update -i theme/translations/messages.pot -d theme/translations``.

The words of the content model (kinds, categories, accessibility) are not here: they are keyed
by their slug in ``p2f_site.ui``, shared with the kiosk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from jinja2 import pass_context
from jinja2.runtime import Context

Catalogs = dict[str, dict[str, str]]


def load_catalogs(folder: Path, languages: Iterable[str]) -> Catalogs:
    """``{lang: {french: translation}}`` for each language that has a ``messages.po``."""
    catalogs: Catalogs = {}
    for lang in languages:
        path = folder / lang / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        catalogs[lang] = {
            str(message.id): str(message.string)
            for message in catalog
            if message.id and message.string and not message.fuzzy
        }
    return catalogs


def make_gettext(catalogs: Catalogs) -> Callable[..., str]:
    """The template function ``_``: the message in the page's language (French when missing)."""

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        lang = context.resolve("lang")
        text = catalogs.get(lang, {}).get(message, message) if isinstance(lang, str) else message
        return text % variables if variables else text

    return gettext
