"""Signal receivers of the p2f_site plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals

from p2f_model.load import load_corpus
from p2f_model.problems import ContentError
from p2f_model.vocabulary import KIND_FOLDERS
from p2f_site.lists import ListsGenerator
from p2f_site.reader import ContentModelReader
from p2f_site.ui import LANG_NAMES, ui
from p2f_site.urls import item_url


def load_content(pelican: Any) -> None:
    """Load and validate the whole corpus once, before any file is read or written.

    A content problem stops the build here, with the same lines as ``invoke check``.
    """
    content = Path(pelican.settings["PATH"])
    corpus = load_corpus(
        content, relative_to=Path(pelican.settings.get("P2F_ROOT", content.parent))
    )
    if corpus.problems:
        raise ContentError(corpus.problems)
    sources = {}
    base = Path(pelican.settings.get("P2F_ROOT", content.parent)).resolve()
    for item in corpus.items.values():
        for lang, text in item.texts.items():
            sources[str((base / text.path).resolve())] = (item, lang)
    pelican.settings["P2F_CORPUS"] = corpus
    pelican.settings["P2F_SOURCES"] = sources
    jinja_globals = pelican.settings.setdefault("JINJA_GLOBALS", {})
    jinja_globals.update(ui=ui, lang_names=LANG_NAMES, folders=KIND_FOLDERS, url_for=item_url)


def add_reader(readers: Any) -> None:
    readers.reader_classes["md"] = ContentModelReader


def add_generators(pelican: Any) -> type:
    return ListsGenerator


def register() -> None:
    signals.initialized.connect(load_content)
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(add_generators)
