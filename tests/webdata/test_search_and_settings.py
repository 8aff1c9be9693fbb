"""Pagefind runs in the build (one index per language) and fails it loudly; settings checks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from p2f_site.build import BuildError, build_all
from p2f_web.config import WebSettingsError, read_settings
from p2f_web.search import MANIFEST, SearchIndexError
from p2f_web.search_job import build_search_index
from tests.conftest import ROOT, WriteContent
from tests.webdata.conftest import BUILD_NOW


def test_one_search_index_per_language(web_site: Path) -> None:
    shards = json.loads((web_site / "pagefind" / MANIFEST).read_text())["languages"]
    assert {"fr", "en", "de", "es"} <= set(shards)
    for lang, folders in shards.items():
        for folder in folders:
            bundle = web_site / folder.strip("/")
            entry = json.loads((bundle / "pagefind-entry.json").read_text())
            assert entry["languages"][lang]["page_count"] >= 1
            assert (bundle / "pagefind.js").is_file()
            assert (bundle / f"wasm.{lang}.pagefind").is_file()
            assert not (bundle / "pagefind-ui.js").exists()  # Pagefind's UI: never loaded


def test_pagefind_failure_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError, match="pagefind"):
        build_search_index(tmp_path / "no-such-site", ["pagefind"])
    page = tmp_path / "lieux" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<html lang="fr"><main data-pagefind-body>x</main></html>')
    with pytest.raises(SearchIndexError, match="could not run"):
        build_search_index(tmp_path, ["/nonexistent/pagefind"])


def test_a_pagefind_failure_fails_the_build(write_content: WriteContent, tmp_path: Path) -> None:
    output = tmp_path / "build"
    failing = [
        sys.executable,
        "-c",
        "import sys; print('index broken', file=sys.stderr); sys.exit(3)",
    ]
    with pytest.raises(BuildError, match=r"(?s)pagefind failed.*exit 3.*index broken"):
        build_all(
            ROOT,
            ROOT / "pelicanconf.py",
            output,
            overrides={
                "PATH": str(write_content()),
                "P2F_ROOT": str(tmp_path),
                "P2F_NOW": BUILD_NOW,
                "P2F_PAGEFIND_COMMAND": failing,
            },
        )
    assert not (output / "site").exists()  # nothing half-done is visible


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"P2F_PUBLIC_URL": "livep2f.com"}, "P2F_PUBLIC_URL"),
        ({"P2F_PUBLIC_URL": "https://livep2f.com/site"}, "P2F_PUBLIC_URL"),
        ({"P2F_NOW": "tomorrow"}, "P2F_NOW"),
        ({"P2F_PAGEFIND_COMMAND": "pagefind"}, "P2F_PAGEFIND_COMMAND"),
        ({"P2F_PAGEFIND_COMMAND": []}, "P2F_PAGEFIND_COMMAND"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, str], message: str) -> None:
    with pytest.raises(WebSettingsError, match=message):
        read_settings(settings)


def test_settings_defaults() -> None:
    web = read_settings({"P2F_PUBLIC_URL": "https://livep2f.com/", "P2F_NOW": "2026-11-26T12:00"})
    assert web.public_url == "https://livep2f.com"
    assert web.absolute("/en/") == "https://livep2f.com/en/"
    assert web.now.tzinfo is not None
