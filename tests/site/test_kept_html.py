"""The website's rendered Markdown is asked of the build cache in one batch for the whole
corpus (``p2f_site.incremental.kept_html``), not one query per body; a body the batch did not
find is converted and kept for the next build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from p2f_build.cache import INPUTS, OPENED, BuildCache, Inputs
from p2f_site.incremental import cached_convert, kept_html

BODIES = ("Un **marché**.", "Le *port*.")


def settings_with_cache(folder: Path) -> tuple[dict[str, Any], BuildCache]:
    inputs = Inputs(code="code-1", globals="g", content="c", others="o")
    cache = BuildCache(folder, keep_builds=8)
    return {OPENED: cache, INPUTS: inputs}, cache


def converter(converted: list[str]) -> Callable[[str], str]:
    def convert(body: str) -> str:
        converted.append(body)
        return f"<p>{body}</p>"

    return convert


def test_the_bodies_html_comes_from_one_batch_and_is_not_converted_again(tmp_path: Path) -> None:
    settings, cache = settings_with_cache(tmp_path)
    converted: list[str] = []
    for body in BODIES:  # a first build converts every body and keeps its HTML
        cached_convert(settings, body, converter(converted), kept_html(settings, BODIES))
    assert converted == list(BODIES)
    cache.close()

    settings, cache = settings_with_cache(tmp_path)  # the next build
    kept = kept_html(settings, [*BODIES, "Une *nouvelle* phrase."])
    assert len(kept) == 2  # the two kept bodies, found in one query
    converted.clear()
    html = [cached_convert(settings, body, converter(converted), kept) for body in BODIES]
    assert html == ["<p>Un **marché**.</p>", "<p>Le *port*.</p>"] and converted == []
    assert kept == {}  # each taken out once used: the HTML is not held twice
    edited = cached_convert(settings, "Une *nouvelle* phrase.", converter(converted), kept)
    assert edited == "<p>Une *nouvelle* phrase.</p>" and converted == ["Une *nouvelle* phrase."]
    cache.close()


def test_a_build_without_cache_finds_nothing_kept() -> None:
    assert kept_html({}, BODIES) == {}
