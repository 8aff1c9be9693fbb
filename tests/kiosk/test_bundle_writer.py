"""A bundle's files written by the writer thread (``p2f_kiosk.bundle_writer``).

What the thread writes is all on disk, with the bytes the manifest lists, when the bundle is
written; a link made in the caller's thread on a path given to the thread comes after that
write, never before it (else the write would go through the link, into another site's file); a
write the thread cannot do fails the bundle, naming the file; no thread is left after a bundle,
written or failed.
"""

from __future__ import annotations

import hashlib
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from p2f_build.write_behind import THREAD_NAME, WriteBehindError
from p2f_kiosk.bundle import write_bundle
from p2f_kiosk.bundle_writer import BundleReport, BundleWriter
from p2f_kiosk.shared import SharedFiles
from p2f_model.corpus import Corpus
from p2f_model.load import load_corpus
from p2f_player.contract.manifest import MANIFEST_NAME, file_entry, parse_manifest
from tests.conftest import ROOT
from tests.kiosk.test_bundle_files import _environment

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
URL = "https://livep2f.com"
SITE = "bureau-figuerolles"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus = load_corpus(ROOT / "content")
    assert not corpus.problems, corpus.problems[:3]
    return corpus


def _writer_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == THREAD_NAME]


def test_a_bundle_is_all_on_disk_with_the_listed_bytes_and_no_thread_left(
    corpus: Corpus, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    manifest, report = write_bundle(corpus, SITE, out, ROOT / "content", _environment(), NOW, URL)
    assert _writer_threads() == []
    assert report.written > 50  # the thread wrote the pages
    on_disk = {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in out.rglob("*")
        if path.is_file()
    }
    listed = {path: (entry["size"], entry["sha256"]) for path, entry in manifest["files"].items()}
    assert {path: (len(data), hashlib.sha256(data).hexdigest()) for path, data in on_disk.items()
            if path != MANIFEST_NAME} == listed  # fmt: skip
    assert parse_manifest(on_disk[MANIFEST_NAME])["files"] == manifest["files"]


def test_a_link_on_a_path_given_to_the_thread_comes_after_its_write(tmp_path: Path) -> None:
    other = tmp_path / "other-site" / "a.png"
    other.parent.mkdir()
    other.write_bytes(b"the other site's picture")
    shared = SharedFiles()
    key = ("image", "source", "box")
    shared.made[key] = (str(other), file_entry(other.read_bytes()))
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)

    def read_later() -> None:  # the writer thread waits on the pipe until then
        threading.Event().wait(0.3)
        with open(pipe, "rb") as handle:
            handle.read()

    reader = threading.Thread(target=read_later)
    reader.start()
    try:
        with BundleWriter(tmp_path / "out", BundleReport("s"), shared) as writer:
            writer.behind.write(str(pipe), b"holds the thread")
            writer.put("assets/a.png", b"first bytes")
            writer.put("assets/a.png", b"second bytes")  # a rewrite: after the first
            writer.put_shared("assets/a.png", key, lambda: b"never made")
            writer.write_last(MANIFEST_NAME, b"{}")
    finally:
        reader.join()
    target = tmp_path / "out" / "assets" / "a.png"
    assert other.read_bytes() == b"the other site's picture"  # never written through
    assert os.stat(target).st_ino == os.stat(other).st_ino  # the link is what stays
    assert writer.files["assets/a.png"] == file_entry(b"the other site's picture")
    assert _writer_threads() == []


def test_a_write_the_thread_cannot_do_fails_the_bundle_naming_the_file(
    corpus: Corpus, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "slides").write_bytes(b"a file where the slides' folder goes")
    with pytest.raises(WriteBehindError, match=rf"{out}/slides/[^ ]+\.html: could not be written"):
        write_bundle(corpus, SITE, out, ROOT / "content", _environment(), NOW, URL)
    assert _writer_threads() == []
