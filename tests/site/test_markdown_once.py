"""Each body is converted by Markdown once per build, for the website and the kiosk directory.

The website keeps the tags Markdown makes; the touch directory drops links and pictures. Both
clean one conversion (``p2f_site.reader.markdown_html``), kept in the corpus's memo.
"""

from __future__ import annotations

from datetime import UTC, datetime

import markdown
import nh3

from p2f_kiosk.directory import OFFLINE_TAGS, _PageWriter, environment
from p2f_kiosk.shared import SharedFiles
from p2f_model.corpus import Corpus
from p2f_site.reader import (
    ALLOWED_TAGS,
    MARKDOWN_EXTENSIONS,
    MARKDOWN_HTML,
    render_markdown,
)

BODY = (
    "Un **marché** au [port](https://example.org/port) ![La criée](images/port.jpg)\n\n"
    "| jour | heure |\n|---|---|\n| samedi | 8 h |\n\nLe matin[^1].\n\n[^1]: avant midi.\n"
)
NOW = datetime(2026, 7, 14, 10, 0, tzinfo=UTC)


class CountingMarkdown(markdown.Markdown):
    """The project's Markdown, counting its conversions."""

    def __init__(self) -> None:
        super().__init__(extensions=MARKDOWN_EXTENSIONS, output_format="html5")
        self.conversions = 0

    def convert(self, source: str) -> str:
        self.conversions += 1
        return super().convert(source)


def _directory(corpus: Corpus) -> _PageWriter:
    site = {"id": "gare", "geo": {"lat": 43.1, "lon": 5.9}, "languages": ["fr"]}
    writer = _PageWriter(environment(), site, lambda path, data: None, corpus, NOW, SharedFiles())
    writer.md = CountingMarkdown()
    return writer


def test_the_website_and_the_directory_share_one_conversion_per_body() -> None:
    corpus = Corpus(items={}, problems=[])
    website = CountingMarkdown()
    directory = _directory(corpus)

    site_html = render_markdown(website, BODY, corpus)
    offline = directory.offline_html(BODY)
    directory.offline_html(BODY)

    assert website.conversions + directory.md.conversions == 1  # type: ignore[attr-defined]
    fresh = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html5")
    converted = fresh.convert(BODY)
    assert site_html == nh3.clean(converted, tags=ALLOWED_TAGS, link_rel="noopener")
    assert offline == nh3.clean(converted, tags=OFFLINE_TAGS)
    assert 'href="https://example.org/port"' in site_html and "<img" in site_html
    assert "href" not in offline and "<img" not in offline and "port" in offline
    assert "<table>" in offline and "avant midi" in offline


def test_the_directory_converts_itself_when_the_website_did_not() -> None:
    corpus = Corpus(items={}, problems=[])
    directory = _directory(corpus)

    offline = directory.offline_html(BODY)

    assert directory.md.conversions == 1  # type: ignore[attr-defined]
    assert (MARKDOWN_HTML, BODY) in corpus.memo
    fresh = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html5")
    assert offline == nh3.clean(fresh.convert(BODY), tags=OFFLINE_TAGS)
