"""How a bundle's files are put on disk (p2f_kiosk.bundle's writer, p2f_kiosk.shared): folders
and paths handled as plain strings, each picture's source read once per build, each site
planned once per build; the safety rules stay: never write through a hard link, never a key
for other bytes than the file holds.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest

from p2f_build.cache import NullCache
from p2f_kiosk.bundle import planned_slides, write_bundle
from p2f_kiosk.images import ImageProblem
from p2f_kiosk.pictures import picture_jobs
from p2f_kiosk.plan import plan_site
from p2f_kiosk.previous import keys_record, load_previous
from p2f_kiosk.shared import SharedFiles
from p2f_kiosk.shared_pages import SharedPages
from p2f_model.corpus import Corpus
from p2f_model.load import load_corpus
from p2f_player.contract.manifest import MANIFEST_NAME, FileEntry
from tests.conftest import ROOT

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
URL = "https://livep2f.com"
CONTENT = ROOT / "content"
SITE, OTHER = "bureau-figuerolles", "bureau-cap-rousset"  # portrait, landscape


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus = load_corpus(CONTENT)
    assert not corpus.problems, corpus.problems[:3]
    return corpus


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "kiosk")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_bundle_written_over_linked_files_never_writes_through_them(
    corpus: Corpus, tmp_path: Path
) -> None:
    env = _environment()
    write_bundle(corpus, SITE, tmp_path / "one", CONTENT, env, NOW, URL)
    before = _files(tmp_path / "one")
    # a folder that is not new: every file a hard link to the other bundle's
    for path in before:
        (tmp_path / "two" / path).parent.mkdir(parents=True, exist_ok=True)
        os.link(tmp_path / "one" / path, tmp_path / "two" / path)
    write_bundle(corpus, OTHER, tmp_path / "two", CONTENT, env, NOW, URL)
    assert _files(tmp_path / "one") == before
    write_bundle(corpus, OTHER, tmp_path / "clean", CONTENT, env, NOW, URL)
    # what the other site's bundle does not hold stays, as before; what it holds is its own
    assert _files(tmp_path / "two") == before | _files(tmp_path / "clean")


def test_each_site_is_planned_once_per_build(corpus: Corpus, tmp_path: Path) -> None:
    shared, env = SharedFiles(), _environment()
    _, first = write_bundle(corpus, SITE, tmp_path / "a", CONTENT, env, NOW, URL, shared=shared)
    reused = shared.values_reused
    _, again = write_bundle(corpus, SITE, tmp_path / "b", CONTENT, env, NOW, URL, shared=shared)
    assert [key for key in shared.values if key[0] == "plan"] == [("plan", SITE, NOW, "None")]
    assert shared.values_reused > reused
    assert again.as_dict() == first.as_dict()
    assert first.left_out  # the sample leaves items out: the report still counts them
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_pictures_are_read_once_per_build_and_a_change_meanwhile_is_refused(
    corpus: Corpus, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    shared = SharedFiles()
    jobs = picture_jobs(corpus, [SITE], content, NOW, None, shared)
    sources = [key for key in shared.values if key[0] == "picture-source"]
    assert len(sources) == len({src for _, src, _ in jobs.values()}) > 0
    # the bundle takes the digests read ahead; a picture whose bytes changed since would be
    # resized from bytes its key does not name: refused, naming the file
    changed = next(src for _, src, _ in jobs.values() if src.endswith(".jpg"))
    (content / changed).write_bytes((content / changed).read_bytes() + b"\0")
    with pytest.raises(ImageProblem, match=f"content/{changed}: changed while the build ran"):
        write_bundle(
            corpus, SITE, tmp_path / "out", content, _environment(), NOW, URL, shared=shared
        )


def test_page_keys_follow_the_items_digests_they_were_given(tmp_path: Path) -> None:
    pages = SharedPages()
    pages.keep_in(NullCache(), "prefix", lambda slug: f"{slug}-1")
    values = {"link": "https://x/a"}
    first = pages.file_key(("slide", "a"), values, ["a"])
    assert first == pages.file_key(("slide", "a"), values, ["a"])  # remembered, the same
    pages.keep_in(NullCache(), "prefix", lambda slug: f"{slug}-2")  # an item's bytes changed
    assert pages.file_key(("slide", "a"), values, ["a"]) not in (None, first)
    assert pages.file_key(("slide", "a"), {"link": "https://x/b"}, ["a"]) != first


def test_plans_made_once_per_build_equal_plans_made_alone(corpus: Corpus) -> None:
    shared = SharedFiles()
    sites = sorted(item.slug for item in corpus.of_kind("site"))
    for site in sites:
        left_out: dict[str, int] = {}
        alone = plan_site(corpus, site, NOW, left_out)
        assert planned_slides(corpus, site, NOW, None, shared) == (alone, left_out)
    # a place shown on several screens: its open intervals worked out once
    opened = [s for site in sites for s in planned_slides(corpus, site, NOW, None, shared)[0]]
    with_hours = [s for s in opened if s.open_times is not None]
    remembered = [key for key in shared.values if key[0] == "open-intervals"]
    assert 0 < len(remembered) < len(with_hours)


def test_a_keys_record_gives_the_entries_its_manifest_was_written_with(tmp_path: Path) -> None:
    files = {"slides/a.fr.html": FileEntry(3, "a" * 64), "lists/x.html": FileEntry(5, "b" * 64)}
    manifest = json.dumps(
        {"files": {p: {"size": e.size, "sha256": e.sha256} for p, e in files.items()}}
    )
    (tmp_path / MANIFEST_NAME).write_text(manifest)
    _, record = keys_record(manifest.encode(), {"slides/a.fr.html": "k1"}, files)
    found = load_previous(tmp_path, record)
    assert found is not None
    # every listed file is recorded (a recycled spare's stale files are found from the
    # record); one made without a key is made again
    assert found.keys == {"slides/a.fr.html": "k1", "lists/x.html": ""}
    assert found.entries == files and list(found.entries) == list(files)
    assert found.entries.get("nowhere.html") is None and "lists/x.html" in found.entries
    assert found.keep("lists/x.html", "") is None and found.kept == 0
    assert found.keep("slides/a.fr.html", "k1") == files["slides/a.fr.html"]
    assert found.stale_paths({"slides/a.fr.html": 1}) == ["lists/x.html"]
    (tmp_path / MANIFEST_NAME).write_text(manifest + " ")
    assert load_previous(tmp_path, record) is None  # recorded for other bytes
    (tmp_path / MANIFEST_NAME).write_text(manifest)
    assert load_previous(tmp_path, record) is not None


def test_a_record_of_another_format_or_corrupt_reads_as_no_record(tmp_path: Path) -> None:
    files = {"slides/a.fr.html": FileEntry(3, "a" * 64), "lists/x.html": FileEntry(5, "b" * 64)}
    manifest = b'{"files":{}}'
    (tmp_path / MANIFEST_NAME).write_bytes(manifest)
    _, record = keys_record(manifest, {"slides/a.fr.html": "k1"}, files)
    digest = hashlib.sha256(manifest).hexdigest()
    assert load_previous(tmp_path, record) is not None
    older = "\n".join(["p2f-kiosk-files 2", digest, f"slides/a.fr.html\tk1\t3\t{'a' * 64}"])
    json_form = json.dumps({"manifest": digest, "files": {"x": ["k", 1, "c" * 64]}})
    corrupt = [
        older.encode(),  # the lines of the second format
        json_form.encode(),  # the first format
        record[: len(record) // 2],  # cut short
        record[:40] + bytes(b ^ 0x5A for b in record[40:80]) + record[80:],  # bytes changed
        b"",
        marshal.dumps(("p2f-kiosk-files 3", digest, ("a",), ("k",), (1,))),  # a column short
        marshal.dumps(("p2f-kiosk-files 3", digest, ("a",), ("k",), ("five",), ("c",))),
        marshal.dumps(("p2f-kiosk-files 3", digest, ("a", "b"), ("k",), (1,), ("c",))),
    ]
    for stored in corrupt:
        assert load_previous(tmp_path, stored) is None, stored[:60]
