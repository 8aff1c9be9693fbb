"""The website's list pages: home and one list per kind, in every language.

Work is linear in the number of items: each item is placed in its lists once.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import markdown
from pelican.generators import Generator

from p2f_model.corpus import Corpus, Item
from p2f_model.vocabulary import SITE_LANGUAGES
from p2f_site.reader import render_markdown
from p2f_site.urls import home_path, item_path, item_url, list_path

LISTED_KINDS = ("place", "event", "offer", "page", "alert", "partner")


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


class ListsGenerator(Generator):
    def generate_context(self) -> None:
        pass

    def generate_output(self, writer: Any) -> None:
        corpus: Corpus = self.settings["P2F_CORPUS"]
        by_kind: dict[str, list[Item]] = defaultdict(list)
        for item in corpus.items.values():
            if item.kind in LISTED_KINDS:
                by_kind[item.kind].append(item)
        for items in by_kind.values():
            items.sort(key=sort_key)
        for lang in SITE_LANGUAGES:
            common = {"lang": lang, "lists": by_kind, "url_for": item_url}
            writer.write_file(home_path(lang), self.get_template("home"), self.context, **common)
            for kind in LISTED_KINDS:
                writer.write_file(
                    list_path(kind, lang),
                    self.get_template("list"),
                    self.context,
                    kind=kind,
                    items=by_kind.get(kind, []),
                    **common,
                )
        self._write_fallbacks(corpus, writer)

    def _write_fallbacks(self, corpus: Corpus, writer: Any) -> None:
        """An item not yet translated still has a page in every language, in French, saying so.

        Pelican writes the original and the real translations; this writes the rest.
        """
        md = markdown.Markdown(extensions=["markdown.extensions.extra"], output_format="html5")
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
