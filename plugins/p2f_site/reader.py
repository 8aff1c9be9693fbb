"""A Pelican reader that serves items already validated by the content model.

Pelican calls ``read(path)`` once per file; the corpus was loaded and checked once for the
whole build (``plugin.load_content``), so here we only look the file up and render its body.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import markdown
import nh3
from pelican.contents import Content
from pelican.readers import BaseReader

from p2f_model.corpus import Corpus, Item
from p2f_site.incremental import cached_convert, kept_html
from p2f_site.urls import item_path, item_url

# What rendered Markdown may contain: the tags Markdown itself produces, nothing else.
ALLOWED_TAGS = {
    "p", "a", "em", "strong", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre",
    "img", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "abbr", "dl", "dt", "dd",
}  # fmt: skip


SITE_HTML = "site-html"  # the corpus's memo of each body's website HTML (Corpus.remember)
# the corpus's memo of each body's Markdown output before cleaning: the website and the kiosk
# directory clean it with different tags, from one conversion (9,337 conversions of 5,000
# bodies at 5,000 documents before, ~4 s of CPU in a clean build)
MARKDOWN_HTML = "markdown-html"
MARKDOWN_EXTENSIONS = ["markdown.extensions.extra", "markdown.extensions.sane_lists"]


def new_markdown() -> markdown.Markdown:
    """The one Markdown dialect of the project: website, slides and kiosk directories."""
    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html5")


def markdown_html(md: markdown.Markdown, body: str, corpus: Corpus | None = None) -> str:
    """``body`` converted by the project's dialect, not yet cleaned (never print it as is);
    with ``corpus``, each distinct body is converted once per build, whoever asks first."""

    def convert(text: str) -> str:
        return str(md.reset().convert(text))

    return convert(body) if corpus is None else corpus.remember(MARKDOWN_HTML, body, convert)


def render_markdown(md: markdown.Markdown, body: str, corpus: Corpus | None = None) -> str:
    """Markdown to clean HTML; with ``corpus``, each distinct body is converted once per build."""

    def convert(text: str) -> str:
        return clean_site_html(markdown_html(md, text, corpus))

    return convert(body) if corpus is None else corpus.remember(SITE_HTML, body, convert)


def clean_site_html(html: str) -> str:
    """What the website prints of a body's Markdown output: the tags Markdown makes only."""
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener")


def release_html(context: dict[str, Any], corpus: Corpus) -> None:
    """Drop the rendered HTML of the website's item pages once they are written.

    Pelican keeps every page's HTML (``_content``, and the class-wide caches of ``content``
    and ``summary``, which also keep the page objects) until the end of the run, and the
    corpus remembers it per body: the whole website's text held through the kiosk bundles and
    the search index (~12 MB at 5,000 documents). Nothing after the website's pages reads it:
    the kiosk bundles and the machine-facing files work from the corpus and from the written
    files. In a long-lived process (``invoke livereload``) the class-wide caches also kept the
    pages of every earlier build.
    """
    for name in ("get_content", "get_summary"):
        cache = getattr(vars(Content).get(name), "cache", None)
        if isinstance(cache, dict):
            cache.clear()
    for group in ("pages", "hidden_pages", "draft_pages"):
        for page in context.get(group) or []:
            for written in (page, *getattr(page, "translations", [])):
                written._content = ""
    corpus.forget(SITE_HTML)


class ContentModelReader(BaseReader):
    enabled = True
    file_extensions: ClassVar[list[str]] = ["md"]

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self._md = new_markdown()
        self._kept: dict[str, bytes] | None = None  # the cache's HTML of the corpus's bodies

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        corpus: Corpus = self.settings["P2F_CORPUS"]
        index: dict[str, tuple[Item, str]] = self.settings["P2F_SOURCES"]
        # Pelican's path is the content folder's joined with the file's: the key as is, unless
        # the content folder's path holds a link (``Path.resolve`` of 5,000 files: ~0.2 s)
        found = index.get(source_path) or index.get(str(Path(source_path).resolve()))
        if found is None:  # a draft (left out of the built corpus): Pelican writes nothing
            return "", {"title": Path(source_path).stem, "save_as": "", "status": "hidden"}
        item, lang = found
        text = item.text(lang)
        path = item_path(item.kind, item.slug, lang)
        metadata: dict[str, Any] = {
            "title": text.title,
            "slug": item.slug,
            "lang": lang,
            "template": item.kind,
            "save_as": path,
            "url": item_url(item.kind, item.slug, lang),
            "status": "hidden" if not path else "published",
            "kind": item.kind,
            "item": item,
            "text": text,
            "corpus": corpus,
        }
        if text.summary:
            metadata["summary"] = text.summary
        return self._html(text.body, corpus), metadata

    def _html(self, body: str, corpus: Corpus) -> str:
        """Rendered once per build (the corpus's memo) and, with a build cache, once per body
        and code version across builds."""
        if self._kept is None:  # asked for in one batch: a query per body cost ~0.1 s
            bodies = {t.body for i in dict.values(corpus.items) for t in i.texts.values()}
            self._kept = kept_html(self.settings, sorted(bodies))

        def convert(text: str) -> str:
            return cached_convert(
                self.settings,
                text,
                lambda t: clean_site_html(markdown_html(self._md, t, corpus)),
                self._kept,
            )

        return corpus.remember(SITE_HTML, body, convert)
