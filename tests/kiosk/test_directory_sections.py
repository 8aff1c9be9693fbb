"""The touch directory's per-site work, done once: a site's sections and each place's distance
from the screen once per build (``p2f_kiosk.sections``), per-site values of an item page only
when the page is made, and the keys of lists and scripts printed item by item once per build."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

import pytest

from p2f_build.cache import NullCache
from p2f_kiosk.directory import _PageWriter, directory_items, environment, write_directory
from p2f_kiosk.now_data import by_distance, distance_m, now_data
from p2f_kiosk.pictures import picture_jobs
from p2f_kiosk.plan import site_document
from p2f_kiosk.sections import site_sections
from p2f_kiosk.shared import SharedFiles
from p2f_model.corpus import Corpus, Item
from p2f_model.load import load_corpus
from p2f_player.contract.deeplinks import MAX_BYTES
from tests.conftest import ROOT

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
URL = "https://livep2f.com"
CONTENT = ROOT / "content"
SITE, OTHER = "bureau-figuerolles", "bureau-cap-rousset"
MOVED = "lieux/accrobranche-pins-perches.md"  # a place of the sample


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus = load_corpus(CONTENT)
    assert not corpus.problems, corpus.problems[:3]
    return corpus


def _here(corpus: Corpus, slug: str) -> tuple[float, float]:
    geo = corpus.items[slug].data.geo
    return (geo.lat, geo.lon)


def _geo(place: Item) -> tuple[float, float]:
    return (place.data.geo.lat, place.data.geo.lon)


def test_a_sites_sections_and_distances_are_worked_out_once_per_build(corpus: Corpus) -> None:
    shared = SharedFiles()
    found = site_sections(corpus, SITE, NOW, shared)
    places, here = found.items["place"], _here(corpus, SITE)
    assert len(places) > 10
    assert found.metres == {p.slug: distance_m(here, _geo(p)) for p in places}
    assert places == by_distance(places, here)  # nearest first, then by slug
    assert site_sections(corpus, SITE, NOW) == found  # the same without the build's memo
    # the pictures made ahead ask for the same lists: not worked out again
    assert directory_items(corpus, SITE, NOW, shared) is found.items
    # another site filters the same candidates (those that can still show), found once
    reused = shared.values_reused
    site_sections(corpus, OTHER, NOW, shared)
    assert shared.values_reused == reused + 1


def test_now_js_takes_the_distances_the_site_worked_out(corpus: Corpus) -> None:
    places = site_sections(corpus, SITE, NOW).items["place"][:3]
    metres = {place.slug: 3000 - 1000 * i for i, place in enumerate(places)}
    data = now_data(places, [], _here(corpus, SITE), NOW, "fr", metres=metres)
    assert [row["slug"] for row in data["places"]] == [p.slug for p in reversed(places)]
    assert [row["m"] for row in data["places"]] == [1000, 2000, 3000]


def test_a_kept_item_page_works_out_no_deep_link(corpus: Corpus) -> None:
    """With a base address too long for any deep link, a directory whose files are all kept
    from the current build is written; making a page needs its link, and fails."""
    site = site_document(corpus.items[SITE], corpus.settings, corpus.campaigns.values(), NOW)
    too_long = f"{URL}/{'x' * MAX_BYTES}"
    kept: list[str] = []

    def put(path: str, data: bytes) -> None:
        raise AssertionError(f"{path}: written, not kept")

    count = write_directory(
        corpus, site, NOW, put, lambda item: None, too_long, SharedFiles(),
        lambda path, key, make: kept.append(path),
        lambda path, key, file_key, make: kept.append(path),
    )  # fmt: skip
    assert count > 100 and sum("/items/" in path for path in kept) > 100
    with pytest.raises(ValueError, match="deep link over"):
        write_directory(
            corpus, site, NOW, put, lambda item: None, too_long, SharedFiles(),
            lambda path, key, make: make(), lambda path, key, file_key, make: make(),
        )  # fmt: skip


def test_each_item_is_printed_once_per_build_for_the_keys(corpus: Corpus) -> None:
    shared, calls = SharedFiles(), Counter[str]()
    items = site_sections(corpus, SITE, NOW).items["place"]

    def describe(item: Item, lang: str) -> str:
        calls[item.slug] += 1
        return item.text(lang).title

    for site in (SITE, OTHER):
        writer = _PageWriter(environment(), {"id": site}, lambda path, data: None, corpus, NOW,
                             shared)  # fmt: skip
        said = writer.said("titles", "fr", items, describe)
        assert said == ",".join(repr((i.slug, i.text("fr").title)) for i in items)
    assert set(calls.values()) == {1} and len(calls) == len(items)


def _keys(corpus: Corpus) -> dict[str, str | None]:
    site = site_document(corpus.items[SITE], corpus.settings, corpus.campaigns.values(), NOW)
    shared, keys = SharedFiles(), dict[str, str | None]()
    # a stand-in for the digest of each item's files: every field of the loaded item
    digests = {slug: sha256(repr(item).encode()).hexdigest() for slug, item in corpus.items.items()}
    shared.pages.keep_in(NullCache(), "build-inputs", lambda slug: digests.get(slug, "absent"))

    def keep(path: str, key: str | None, make: object) -> None:
        keys[path] = key

    def keep_shared(path: str, inputs: object, key: str | None, make: object) -> None:
        keys[path] = key

    write_directory(
        corpus, site, NOW, lambda p, d: None, lambda i: None, URL, shared, keep, keep_shared
    )
    return keys


def test_moving_a_place_changes_the_keys_of_the_files_that_say_how_far_it_is(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = _keys(load_corpus(content))
    path = content / MOVED
    text = path.read_text(encoding="utf-8")
    assert "geo: {lat: 43.2153," in text
    path.write_text(text.replace("geo: {lat: 43.2153,", "geo: {lat: 43.2253,"), encoding="utf-8")
    after = _keys(load_corpus(content))
    assert before.keys() == after.keys() and None not in before.values()
    changed = {path.split("/", 2)[2] for path in before if before[path] != after[path]}
    # its list (the distance in its entry), now.js (the order, "m"), the search index (in the
    # directory's order) and its own page (by the item's digest), in each language; no other
    page = "items/accrobranche-pins-perches.html"
    assert changed == {"places-activites.html", "now.js", "search-index.js", page}
    languages = {path.split("/")[1] for path in before if path.endswith(page)}
    assert len([path for path in before if before[path] != after[path]]) == 4 * len(languages)


def test_the_pictures_made_ahead_and_the_directory_share_the_sections(corpus: Corpus) -> None:
    """``picture_jobs`` (the pictures made ahead) asks each site's sections through the
    build's memo: the directory written afterwards does not work them out again."""
    shared = SharedFiles()
    picture_jobs(corpus, [SITE, OTHER], ROOT / "content", NOW, None, shared)
    worked_out = set(shared.values)
    found = site_sections(corpus, SITE, NOW, shared)
    assert set(shared.values) == worked_out  # nothing new worked out
    assert found.items == site_sections(corpus, SITE, NOW).items
