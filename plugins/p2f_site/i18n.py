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


def make_gettext(catalogs: Catalogs) -> Gettext:
    """The template function ``_``: the message in the page's language (French when missing)."""
    return Gettext(catalogs)


class Gettext:
    """``_(message, **variables)``, reading the page's ``lang`` from the template's context.

    ``_.bound(lang)`` is the same function for one language, without the context: ``base.html``
    binds it once per page, since Jinja copies the whole context for each call of a context
    function made inside a block or a loop that sets variables (~110,000 copies a build at
    5,000 documents).
    """

    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs

    @pass_context
    def __call__(self, context: Context, message: str, **variables: Any) -> str:
        lang = context.resolve("lang")
        catalog = self._catalogs.get(lang, {}) if isinstance(lang, str) else {}
        text = catalog.get(message, message)
        return text % variables if variables else text

    def bound(self, lang: Any) -> Callable[..., str]:
        catalog = self._catalogs.get(lang, {}) if isinstance(lang, str) else {}

        def gettext(message: str, **variables: Any) -> str:
            text = catalog.get(message, message)
            return text % variables if variables else text

        return gettext
