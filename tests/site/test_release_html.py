"""Once the website's pages are written, their HTML is let go (issue 14: peak memory).

Pelican keeps each page's HTML, and its class-wide caches of ``content`` and ``summary`` keep
every page object, until the end of the run; the corpus remembers each body's HTML. The kiosk
bundles and the machine-facing files come after the pages and read neither, so the build drops
them before those steps start. The bytes written are those of the golden build
(tests/site/test_build.py) and of the incremental tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Content

from p2f_site.build import build_all
from p2f_site.reader import SITE_HTML
from tests.conftest import ROOT, WriteContent

NOW = "2026-11-26T12:00:00+00:00"
SEEN: dict[str, Any] = {}


def keep_generator(generator: Any) -> None:
    SEEN["pages"] = [
        page
        for group in (generator.pages, generator.hidden_pages)
        for original in group
        for page in (original, *original.translations)
    ]


def look_when_finalized(pelican: Any) -> None:
    """Runs as the steps after the pages (kiosk bundles, p2f_web) start."""
    SEEN["memo"] = [entry for entry in pelican.settings["P2F_CORPUS"].memo if entry[0] == SITE_HTML]
    SEEN["cached"] = {
        name: len(getattr(vars(Content)[name], "cache", {}))
        for name in ("get_content", "get_summary")
    }
    SEEN["html"] = [page.source_path for page in SEEN["pages"] if page._content]


def test_pages_html_is_released_before_the_kiosk_and_web_steps(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content()
    signals.page_generator_finalized.connect(keep_generator)
    signals.finalized.connect(look_when_finalized)
    try:
        report = build_all(
            ROOT,
            ROOT / "pelicanconf.py",
            tmp_path / "build",
            overrides={"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": NOW},
        )
    finally:
        signals.page_generator_finalized.disconnect(keep_generator)
        signals.finalized.disconnect(look_when_finalized)
        pages = SEEN.pop("pages", [])
    assert report.pages > 0
    assert len(pages) >= 4  # the fixture's items, and the translation veto-pinede.en.md
    assert SEEN["html"] == []
    assert SEEN["memo"] == []
    assert SEEN["cached"] == {"get_content": 0, "get_summary": 0}
    page = (tmp_path / "build" / "site" / "lieux" / "veto-pinede" / "index.html").read_text()
    assert "sans rendez-vous" in page  # written before being let go
