"""The build cache drops what no recent build used (``p2f_build.cache``).

An entry is deleted when none of the last ``keep_builds`` builds that used its namespace read
or wrote it; a namespace a build did not use does not age; a cache made before pruning existed
opens and ages like the others. The check's memo over real files shows it end to end: a deleted
file's reading goes after the next builds, an unchanged file's is still found.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from p2f_build.cache import DATABASE, KEEP_BUILDS, BuildCache, keep_builds_from
from p2f_model.load import load_corpus
from p2f_model.memo import READINGS, CheckMemo
from tests.conftest import WriteContent

EVENT_PAGE = "kiosk/gare/directory/fr/items/marche-nocturne.html"


def keys(folder: Path, namespace: str) -> set[str]:
    with sqlite3.connect(folder / DATABASE) as db:
        rows = db.execute("SELECT key FROM entries WHERE namespace = ?", (namespace,))
        return {row[0] for row in rows}


def one_build(folder: Path, reads: dict[str, list[str]], keep: int = 2) -> BuildCache:
    """Open the cache, read (or else write) each key of each namespace, close it."""
    cache = BuildCache(folder, keep_builds=keep)
    for namespace, entries in reads.items():
        for entry in entries:
            if cache.get(namespace, entry) is None:
                cache.put(namespace, entry, entry.encode())
    cache.close()
    return cache


def test_an_entry_no_recent_build_used_is_deleted(tmp_path: Path) -> None:
    one_build(tmp_path, {"a": ["old", "kept"]})
    one_build(tmp_path, {"a": ["kept"]})
    assert keys(tmp_path, "a") == {"old", "kept"}  # one build without it: still there
    third = one_build(tmp_path, {"a": ["kept", "new"]})
    assert keys(tmp_path, "a") == {"kept", "new"}
    assert (third.hits, third.misses, third.pruned) == (1, 1, 1)


def test_a_namespace_no_build_used_does_not_age(tmp_path: Path) -> None:
    one_build(tmp_path, {"a": ["x"], "b": ["y"]})
    for _ in range(5):  # builds that stop before the step using "b" (a content error)
        one_build(tmp_path, {"a": ["x"]})
    assert keys(tmp_path, "b") == {"y"}
    one_build(tmp_path, {"b": ["z"]})
    assert keys(tmp_path, "b") == {"y", "z"}  # one build of "b" without "y" so far
    one_build(tmp_path, {"b": ["z"]})
    assert keys(tmp_path, "b") == {"z"}
    assert keys(tmp_path, "a") == {"x"}


def test_reading_a_whole_namespace_uses_every_entry(tmp_path: Path) -> None:
    one_build(tmp_path, {"a": ["x", "y"]})
    for _ in range(3):
        cache = BuildCache(tmp_path, keep_builds=2)
        assert cache.get_many("a") == {"x": b"x", "y": b"y"}
        cache.close()
    assert keys(tmp_path, "a") == {"x", "y"}


def test_a_read_marks_an_entry_again_only_once_its_mark_is_old(tmp_path: Path) -> None:
    entries = [f"k{n}" for n in range(200)]
    one_build(tmp_path, {"a": entries}, keep=8)
    for build in range(2, 12):  # every build reads them all
        one_build(tmp_path, {"a": entries}, keep=8)
        with sqlite3.connect(tmp_path / DATABASE) as db:
            marks = [row[0] for row in db.execute("SELECT used FROM entries")]
        assert len(marks) == 200 and min(marks) >= build - 3  # 1 to 4 builds old at most
        # about a quarter marked again by each build, not every entry on every build
        assert 20 < marks.count(build) < 100, (build, marks.count(build))


def test_keys_read_in_a_batch_count_as_used(tmp_path: Path) -> None:
    one_build(tmp_path, {"a": [f"k{n}" for n in range(1200)]})  # more than one query's keys
    for _ in range(3):
        cache = BuildCache(tmp_path, keep_builds=2)
        found = cache.get_batch("a", [f"k{n}" for n in range(0, 1200, 2)] + ["absent"])
        assert len(found) == 600 and found["k2"] == b"k2"
        assert (cache.hits, cache.misses) == (600, 1)
        cache.close()
    assert keys(tmp_path, "a") == {f"k{n}" for n in range(0, 1200, 2)}


def test_a_dropped_namespace_keeps_what_is_put_again(tmp_path: Path) -> None:
    for state in ("first", "second", "third"):  # a step that keeps only its latest state
        cache = BuildCache(tmp_path, keep_builds=1)
        cache.drop("record")
        cache.put("record", state, b"")
        cache.close()
        assert keys(tmp_path, "record") == {state}


def test_a_cache_made_before_pruning_opens_and_ages(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / DATABASE) as db:
        db.execute(
            "CREATE TABLE entries "
            "(namespace TEXT, key TEXT, value BLOB, PRIMARY KEY (namespace, key))"
        )
        db.executemany("INSERT INTO entries VALUES ('a', ?, ?)", [("used", b"1"), ("not", b"2")])
    first = one_build(tmp_path, {"a": ["used"]})
    assert first.hits == 1 and keys(tmp_path, "a") == {"used", "not"}
    one_build(tmp_path, {"a": ["used"]})
    assert keys(tmp_path, "a") == {"used"}


def test_the_number_of_builds_comes_from_the_environment() -> None:
    assert keep_builds_from({}) == KEEP_BUILDS
    assert keep_builds_from({"P2F_CACHE_KEEP_BUILDS": " 3 "}) == 3
    for wrong in ("0", "-1", "two"):
        with pytest.raises(ValueError, match=r"P2F_CACHE_KEEP_BUILDS=.*whole number"):
            keep_builds_from({"P2F_CACHE_KEEP_BUILDS": wrong})


def test_the_check_memo_forgets_a_deleted_file_and_still_hits_the_others(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content()
    gone = content / "lieux" / "veto-pinede.en.md"
    items = len(
        [p for p in content.rglob("*.md") if p.parent.name not in ("campagnes", "reglages")]
    )

    def check(folder: Path) -> BuildCache:
        cache = BuildCache(folder, keep_builds=2)
        assert load_corpus(content, memo=CheckMemo(cache, "code-1")).problems == []
        cache.close()
        return cache

    folder = tmp_path / "cache"
    check(folder)
    before = keys(folder, READINGS)
    assert len(before) == items
    gone.unlink()
    check(folder)
    assert keys(folder, READINGS) == before  # not used once: kept for now
    edited = content / "lieux" / "veto-pinede.md"
    edited.write_text(edited.read_text().replace("7 j/7", "tous les jours"), encoding="utf-8")
    third = check(folder)
    # the unchanged files and the image come from the memo
    assert (third.hits, third.misses, third.pruned) == (items - 1, 1, 1)
    after = keys(folder, READINGS)
    assert len(after) == items and len(after - before) == 1  # the deleted file's reading went
    edited.write_text(edited.read_text().replace("tous les jours", "7 j/7"), encoding="utf-8")
    fourth = check(folder)  # the original's reading was used two builds ago: still there
    assert (fourth.hits, fourth.misses, fourth.pruned) == (items, 0, 0)


def test_a_build_prunes_and_a_one_edit_rebuild_still_hits(
    write_content: WriteContent, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.site.test_incremental import assert_same, build, place

    monkeypatch.setenv("P2F_CACHE_KEEP_BUILDS", "2")
    content = write_content({"lieux/phare-ancien.md": place("phare-ancien", "Phare", "Vieux.")})
    output, cache = tmp_path / "build", tmp_path / "build" / ".cache"
    edited = content / "lieux" / "veto-pinede.md"

    def edit(old: str, new: str) -> tuple[int | None, int | None]:
        edited.write_text(edited.read_text().replace(old, new), encoding="utf-8")
        report = build(content, output, cache=True)
        return report.rendered, report.reused

    def kept(namespace: str, words: bytes) -> int:
        with sqlite3.connect(cache / DATABASE) as db:
            rows = db.execute("SELECT value FROM entries WHERE namespace = ?", (namespace,))
            return sum(words in row[0] for row in rows)

    build(content, output, cache=True)
    assert kept(READINGS, b"Corps de phare-ancien") == kept("site-html", b"phare-ancien") == 1
    (content / "lieux" / "phare-ancien.md").unlink()
    assert build(content, output, cache=True).rendered
    assert kept(READINGS, b"Corps de phare-ancien") == 1  # one build without it: kept
    other = (output / EVENT_PAGE).stat().st_ino  # a kiosk page the edits do not touch
    first = edit("7 j/7", "tous les jours")
    assert kept(READINGS, b"Corps de phare-ancien") == kept("site-html", b"phare-ancien") == 0
    second = edit("tous les jours", "jour et nuit")  # the same pages as the first edit
    assert first == second  # pages rendered, pages reused
    assert (output / EVENT_PAGE).stat().st_ino == other  # linked from build to build
    assert second[0] and second[1] and second[1] > second[0]
    clean = tmp_path / "clean"
    build(content, clean, cache=False)
    assert_same(output, clean, "after pruning")


def test_reading_a_whole_namespace_marks_only_the_entries_whose_mark_is_old(
    tmp_path: Path,
) -> None:
    entries = [f"k{n}" for n in range(200)]
    one_build(tmp_path, {"a": entries}, keep=8)
    for build in range(2, 20):  # every build reads the whole namespace
        cache = BuildCache(tmp_path, keep_builds=8)
        assert len(cache.get_many("a")) == 200
        cache.close()
        with sqlite3.connect(tmp_path / DATABASE) as db:
            marks = [row[0] for row in db.execute("SELECT used FROM entries")]
        assert len(marks) == 200 and min(marks) >= build - 3  # none ever pruned
        # about a quarter rewritten by each build, not every row of the namespace
        assert 20 < marks.count(build) < 100, (build, marks.count(build))
