"""Publishing stays proportional to the change as the website grows (issue 14, goal 3).

Counted on the real S3 server (moto over HTTP): objects and bytes written, never time.
A website of a few thousand files stands in for a 20,000-document one; the bench
(bench/publish_bench.py --sizes) gives the figures at full size.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from p2f_player.contract.manifest import (
    MAX_MANIFEST_BYTES,
    ManifestError,
    canonical_bytes,
    file_entry,
    parse_manifest,
)
from p2f_publish import layout, website
from p2f_publish.publish import publish, read_bundles
from p2f_publish.s3 import S3Store
from tests.contract.test_parts import full_document
from tests.publish.conftest import NOW, Build
from tests.publish.wrappers import RecordingStore

EXTRA_PAGES = 1500


def quiet(_: str) -> None:
    pass


def grow(site: Path) -> None:
    """Add ``EXTRA_PAGES`` small pages, as importers make a website grow."""
    for n in range(EXTRA_PAGES):
        page = site / "lieux" / f"genere-{n:05d}" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<p>Lieu {n}</p>\n", encoding="utf-8")


def full_index_bytes(store: S3Store) -> int:
    """What the live website index weighs written out whole: a path and a sha256 per file."""
    files = website.load_index(store, website.live_document(store) or {}).files
    return len(json.dumps({"files": files}).encode())


def test_one_page_changed_writes_a_small_part_of_the_website_index(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    grow(build / "site")
    publish(s3_store, build / "kiosk", build / "site", keys[0], NOW, say=quiet)
    whole = full_index_bytes(s3_store)
    assert whole > 150_000  # big enough that writing it whole would show
    page = build / "site" / "lieux" / "genere-00042" / "index.html"
    page.write_text("<p>Lieu 42, rouvert</p>\n", encoding="utf-8")
    recorder = RecordingStore(s3_store)
    publish(recorder, build / "kiosk", build / "site", keys[0], NOW, say=quiet)
    # the page's object, the changed part of the index, the release index and live.json,
    # and the copy of the page under site/
    objects = [key for key in recorder.written if key.startswith("objects/")]
    assert len(objects) == 2, recorder.written
    assert recorder.written.count("site/lieux/genere-00042/index.html") == 1
    assert len(recorder.written) == 5, recorder.written
    assert recorder.uploaded_bytes < whole / 5, (recorder.uploaded_bytes, whole)
    # what a browser gets, and the index read back whole
    assert s3_store.get("site/lieux/genere-00042/index.html") == page.read_bytes()
    index = website.load_index(s3_store, website.live_document(s3_store) or {})
    assert len(index.files) == len(website.read_site(build / "site").files)


def test_publish_with_no_change_writes_nothing_and_compresses_nothing(
    s3_store: S3Store,
    build_fixture: Build,
    keys: tuple[bytes, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build = build_fixture()
    grow(build / "site")
    publish(s3_store, build / "kiosk", build / "site", keys[0], NOW, say=quiet)
    compressed: list[str] = []
    real_gzip_form = website.gzip_form

    def counting_gzip_form(path: str, data: bytes) -> bytes | None:
        compressed.append(path)
        return real_gzip_form(path, data)

    monkeypatch.setattr(website, "gzip_form", counting_gzip_form)
    recorder = RecordingStore(s3_store)
    summary = publish(recorder, build / "kiosk", build / "site", keys[0], NOW, say=quiet)
    assert recorder.written == [] and summary.uploaded == 0
    assert summary.site_pages_copied == 0
    assert layout.SITE_LIVE not in recorder.written
    # the gzip forms of unchanged bytes are stored already: none is made again (level 9 over
    # a 20,000-document website took minutes per publish)
    assert compressed == []


def test_a_built_manifest_over_the_players_cap_is_published_small(tmp_path: Path) -> None:
    """The full form as built is ~12 MB per site at 20,000 documents, over the 8 MB cap a
    player applies: the publisher reads its own build with a cap of its own, and what it
    signs is small. (Padded with JSON whitespace here, as a stand-in for 35,000 files.)"""
    bundle = tmp_path / "kiosk" / "gare"
    (bundle / "assets").mkdir(parents=True)
    css = b"body{}"
    (bundle / "assets" / "kiosk.css").write_bytes(css)
    document = {
        **full_document(),
        "slides": [],
        "files": {"assets/kiosk.css": {"size": len(css), "sha256": file_entry(css).sha256}},
    }
    built = json.dumps(document).encode() + b" " * MAX_MANIFEST_BYTES
    (bundle / "manifest.json").write_bytes(built)
    with pytest.raises(ManifestError, match="more than"):
        parse_manifest(built)  # what a player would do with it
    (read,) = read_bundles(tmp_path / "kiosk")
    assert read.document["files"] == document["files"]
    assert len(canonical_bytes(read.published)) < 5_000
