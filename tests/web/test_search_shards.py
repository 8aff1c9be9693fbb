"""The search page merges the index's shards: in each language it finds pages from every shard,
and the same pages one Pagefind index over the whole site finds."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from p2f_web.search import (
    MANIFEST,
    SEARCH_FOLDER,
    default_command,
    indexed_pages,
    link_pages,
    plan_shards,
    tool_of,
)

LANGS = {"fr": "", "en": "en/", "de": "de/", "es": "es/"}
ONE = "/__one-index/"  # where the test serves its single index, beside the site


@pytest.fixture(scope="module")
def one_index(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Pagefind run once over all the pages the shards hold (the index before shards)."""
    base = tmp_path_factory.mktemp("one-index")
    link_pages(built_site, indexed_pages(built_site), base / "pages")
    command = tool_of(default_command())[0]
    bundle = base / "bundle"
    subprocess.run(
        [*command, "--site", str(base / "pages"), "--output-path", str(bundle)],
        check=True,
        capture_output=True,
    )
    yield bundle


def serve_one_index(visitor: Any, site_url: str, bundle: Path) -> None:
    def fulfill(route: Any) -> None:
        name = route.request.url.split(ONE, 1)[1].split("?", 1)[0]
        route.fulfill(path=str(bundle / name))

    visitor.route(site_url + ONE + "**", fulfill)


def search(visitor: Any, site_url: str, lang: str, query: str) -> tuple[int, list[str]]:
    """Search with the page's own form: the count it announces and the result links."""
    visitor.goto(f"{site_url}/{LANGS[lang]}recherche/")
    visitor.locator("#q").fill(query)
    visitor.locator("#q").press("Enter")
    status = visitor.locator("[data-search-status]")
    expect(status).to_contain_text(query)
    count = int(status.inner_text().split()[0])
    links = visitor.locator("[data-search-results] li a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return count, links


def one_index_finds(visitor: Any, query: str) -> list[str]:
    script = """async ([base, query]) => {
        const one = await import(base + "pagefind.js");
        await one.options({ basePath: base });
        const found = await one.search(query);
        return Promise.all(found.results.map((r) => r.data().then((d) => d.url)));
    }"""
    return list(visitor.evaluate(script, [ONE, query]))


def title_of(page: bytes) -> str:
    found = re.search(rb"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert found, "an indexed page without <h1>"
    return unescape(re.sub(r"<[^>]+>", "", found[1].decode())).strip()


def test_every_shard_of_every_language_is_searched(
    visitor: Any, site_url: str, built_site: Path, one_index: Path
) -> None:
    pages = indexed_pages(built_site)
    shards = plan_shards(pages, tool_of(default_command())[1])
    listed = json.loads((built_site / SEARCH_FOLDER / MANIFEST).read_text())["languages"]
    assert {f"/{s.folder}/" for s in shards} == {f for folders in listed.values() for f in folders}
    assert len(shards) >= 2, "the sample site should make several shards"
    serve_one_index(visitor, site_url, one_index)
    for lang, prefix in LANGS.items():
        assert len(listed[lang]) == len(shards)  # every shard holds every language here
        for shard in shards:
            page = next(
                p
                for p in shard.pages
                if (p.startswith(prefix) if prefix else p.split("/")[0] not in LANGS)
            )
            query = title_of((built_site / page).read_bytes())
            count, links = search(visitor, site_url, lang, query)
            url = "/" + page.removesuffix("index.html")
            assert url in links, f"{lang}: {query!r} did not find {url} (shard {shard.name})"
            assert count <= 20  # the list shows the first 20: compare whole sets below
            assert sorted(links) == sorted(one_index_finds(visitor, query)), (lang, query)


def test_a_common_word_finds_what_one_index_finds(
    visitor: Any, site_url: str, one_index: Path
) -> None:
    serve_one_index(visitor, site_url, one_index)
    count, _links = search(visitor, site_url, "fr", "plage")
    assert count == len(one_index_finds(visitor, "plage")) > 1
