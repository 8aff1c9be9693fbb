"""The kiosk folder of the build before is recycled as the next build's staging bundles
(``p2f_site.spare``, ``p2f_kiosk.recycle``): unchanged files stay where they are, changed ones
are made again, files no longer listed go, and the result is byte for byte a clean build's.
The current build is never written, and a spare that cannot be trusted is discarded."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from p2f_build.cache import DATABASE, BuildCache
from p2f_kiosk.previous import NAMESPACE
from p2f_site.spare import SPARE
from tests.conftest import SITE, WriteContent
from tests.site.test_incremental import assert_same, build

PLACE = "lieux/veto-pinede.md"
PLACE_PAGE = "kiosk/gare/directory/fr/items/veto-pinede.html"
EVENT = "agenda/marche-nocturne.md"


def kept_in_place(caplog: pytest.LogCaptureFixture) -> int:
    """The figure of the kiosk plugin's last summary line."""
    lines = [r.getMessage() for r in caplog.records if "kept in place" in r.getMessage()]
    found = re.search(r"(\d+) kept in place", lines[-1])
    assert found is not None, lines[-1]
    return int(found.group(1))


def folder_digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by relative name: its SHA-256 and inode."""
    return {
        path.relative_to(folder).as_posix(): f"{hashlib.sha256(path.read_bytes()).hexdigest()}"
        f" {path.stat().st_ino}"
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def empty_folders(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_dir() and not any(p.iterdir())]


def edit(content: Path, name: str, old: str, new: str) -> None:
    path = content / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name}: {old!r} not found"
    path.write_text(text.replace(old, new), encoding="utf-8")


def same_as_clean(content: Path, output: Path, step: str) -> None:
    clean = output.parent / "clean"
    build(content, clean, cache=False)
    assert_same(output, clean, step)
    assert not empty_folders(output / "kiosk"), step
    shutil.rmtree(clean)


def test_the_build_before_is_recycled_and_equals_a_clean_build(
    write_content: WriteContent, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="p2f_kiosk.plugin")
    content, output = write_content(), tmp_path / "incremental"
    build(content, output, cache=True)
    assert not (output / SPARE).exists()  # nothing replaced yet

    # build 2: the first build's kiosk folder becomes the spare once replaced
    edit(content, EVENT, "juillet.", "juillet, en musique.")
    build(content, output, cache=True)
    assert (output / SPARE).is_dir()
    assert kept_in_place(caplog) == 0  # there was no spare for this one
    current = folder_digests(output / "kiosk")

    # build 3 recycles build 1's bundles: the event edited in build 2 is changed back (build
    # 1's page is right again, kept), a place is edited and another item deleted (its files go)
    edit(content, EVENT, "juillet, en musique.", "juillet.")
    edit(content, PLACE, "7 j/7", "7/7")
    (content / "pratique" / "numeros-urgence.md").unlink()
    build(content, output, cache=True)
    kept = kept_in_place(caplog)
    assert kept > 0
    same_as_clean(content, output, "recycled spare")
    # build 2, now the spare, was never written while build 3 ran
    assert folder_digests(output / SPARE) == current

    # build 4 recycles build 2's: still a clean build's bytes
    edit(content, PLACE, "7/7", "7 jours sur 7")
    build(content, output, cache=True)
    assert kept_in_place(caplog) > 0
    same_as_clean(content, output, "second recycled spare")


def test_a_spare_whose_keys_are_not_known_is_discarded(
    write_content: WriteContent, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="p2f_kiosk.plugin")
    port = SITE.replace("hall des arrivées", "quai")  # a second site, recycled
    content, output = write_content({"sites/port.md": port}), tmp_path / "incremental"
    build(content, output, cache=True)
    edit(content, PLACE, "7 j/7", "7/7")
    build(content, output, cache=True)
    spare_page = output / SPARE / "gare" / "directory" / "fr" / "items" / "veto-pinede.html"
    assert spare_page.is_file()
    # the spare's manifest changed by hand: its record names other bytes
    manifest = output / SPARE / "gare" / "manifest.json"
    data = manifest.read_bytes()
    manifest.unlink()  # never through a link
    manifest.write_bytes(data.replace(b'"release"', b'"release" ', 1))
    stray = output / SPARE / "retired-site"
    stray.mkdir()
    (stray / "manifest.json").write_text("{}", encoding="utf-8")
    edit(content, PLACE, "7/7", "7 jours sur 7")
    build(content, output, cache=True)
    # port's folder was recycled, gare's and the stray folder were not
    assert kept_in_place(caplog) > 0
    same_as_clean(content, output, "spare partly discarded")


def test_without_records_nothing_of_the_spare_is_kept(
    write_content: WriteContent, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="p2f_kiosk.plugin")
    content, output = write_content(), tmp_path / "incremental"
    build(content, output, cache=True)
    edit(content, PLACE, "7 j/7", "7/7")
    build(content, output, cache=True)
    cache = BuildCache(output / ".cache")
    try:
        cache.drop(NAMESPACE)
    finally:
        cache.close()
    edit(content, PLACE, "7/7", "7 jours sur 7")
    build(content, output, cache=True)
    assert kept_in_place(caplog) == 0
    same_as_clean(content, output, "records dropped")
    # build 4's spare is build 2's, whose records are gone too: discarded; build 5's is
    # build 3's, recorded by build 3 and kept one build more by build 4
    edit(content, EVENT, "juillet.", "juillet, en musique.")
    build(content, output, cache=True)
    assert kept_in_place(caplog) == 0
    edit(content, EVENT, "juillet, en musique.", "juillet.")
    build(content, output, cache=True)
    assert kept_in_place(caplog) > 0
    same_as_clean(content, output, "records again")


def test_a_failed_build_loses_the_spare_and_leaves_the_current_build(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output = write_content(), tmp_path / "incremental"
    build(content, output, cache=True)
    edit(content, PLACE, "7 j/7", "7/7")
    build(content, output, cache=True)
    before = folder_digests(output / "kiosk")
    edit(content, PLACE, "category: services", "category: nulle-part")
    with pytest.raises(Exception, match="nulle-part"):
        build(content, output, cache=True)
    assert folder_digests(output / "kiosk") == before
    assert not (output / SPARE).exists()  # taken by the failed build, removed with it
    assert not [n for n in os.listdir(output) if n.startswith(".staging-")]
    edit(content, PLACE, "category: nulle-part", "category: services")
    build(content, output, cache=True)
    same_as_clean(content, output, "after a failed build")


def _records(output: Path) -> dict[str, int]:
    """The kiosk key records in the build cache: key -> its row id (a row written again
    gets a new one)."""
    with sqlite3.connect(output / ".cache" / DATABASE) as db:
        rows = db.execute("SELECT key, rowid FROM entries WHERE namespace = ?", (NAMESPACE,))
        return dict(rows.fetchall())


def test_the_current_builds_records_are_kept_as_they_are_and_older_ones_dropped(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output = write_content(), tmp_path / "incremental"
    build(content, output, cache=True)
    first = _records(output)
    assert first  # one per bundle
    edit(content, EVENT, "juillet.", "juillet, en musique.")
    build(content, output, cache=True)
    second = _records(output)
    # the first build's records stay (the next build's spare), in their rows: not written again
    assert {entry: second[entry] for entry in first} == first
    assert len(second) == 2 * len(first)
    edit(content, EVENT, "en musique.", "en musique et en danse.")
    build(content, output, cache=True)
    third = _records(output)
    assert not first.keys() & third.keys()  # two builds ago: never read again
    new = second.keys() - first.keys()
    assert {entry: third[entry] for entry in new} == {entry: second[entry] for entry in new}
