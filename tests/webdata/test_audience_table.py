"""site.js ranks "for you now" from the audience table the build writes (data/audiences.json,
from content/reglages/ecrans.md), judged by rules.js: no audience hours in JavaScript."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from p2f_model.load import load_corpus
from p2f_model.settings import AUDIENCES_PATH, audience_table
from p2f_web.config import WebSettings
from p2f_web.documents import website_documents
from tests.conftest import ROOT

JS = ROOT / "theme" / "static" / "js"
TABLE = {
    "audiences": ["residents", "familles"],
    "audience_hours": [
        {"audiences": ["seniors", "familles"], "weekdays": ["tu"], "hours": [{"from": "07:00", "until": "08:00"}]},
        {"audiences": ["jeunes"], "weekdays": [], "hours": [{"from": "07:30", "until": "09:00"}]},
    ],
}  # fmt: skip
PAGE = """<!doctype html><html lang="fr"><head>
<script src="/theme/js/rules.js" defer></script><script src="/theme/js/site.js" defer></script>
</head><body><ul class="cards" data-ranked>
<li data-audiences="jeunes">a</li><li data-audiences="seniors">b</li><li>c</li>
</ul></body></html>"""


def serve(path: Path) -> Callable[[Any], None]:
    def fulfill(route: Any) -> None:
        route.fulfill(path=str(path), content_type="text/javascript")

    return fulfill


def audiences_at(browser: Any, table: dict[str, Any], moment: str) -> tuple[list[str], list[str]]:
    page = browser.new_page()
    try:
        page.clock.install(time=moment)
        page.route("http://p2f.test/", lambda r: r.fulfill(body=PAGE, content_type="text/html"))
        for name in ("rules.js", "site.js"):
            page.route(f"http://p2f.test/theme/js/{name}", serve(JS / name))
        page.route(f"http://p2f.test/{AUDIENCES_PATH}", lambda r: r.fulfill(
            body=json.dumps(table), content_type="application/json"))  # fmt: skip
        page.goto("http://p2f.test/")
        page.wait_for_function("document.querySelector('li').textContent !== 'a'")  # ranked
        got = page.evaluate("() => P2FSite.audiencesAt(new Date())")
        order = page.evaluate(
            "() => [...document.querySelectorAll('li')].map((li) => li.textContent)"
        )
        return got, order
    finally:
        page.close()


def test_the_ranking_follows_the_table_not_hard_coded_hours(browser: Any) -> None:
    # Tuesday 07:45 in Paris: both blocks match, the first listed ranks first
    got, order = audiences_at(browser, TABLE, "2026-12-08T06:45:00Z")
    assert got == ["seniors", "familles", "jeunes"]
    assert order == ["b", "a", "c"]
    # Tuesday 12:00: no block matches: the table's own audiences, in its order
    got, order = audiences_at(browser, TABLE, "2026-12-08T11:00:00Z")
    assert got == ["residents", "familles"]
    assert order == ["c", "a", "b"]  # neither audience is there: the card for everyone first


def test_the_build_writes_the_table_of_the_content(web: WebSettings) -> None:
    corpus = load_corpus(ROOT / "content")
    files = website_documents(corpus, web, web.now)
    table = json.loads(files[AUDIENCES_PATH])
    assert table == audience_table(corpus.settings)
    assert table["audience_hours"] and table["audiences"]  # the sample content's own
