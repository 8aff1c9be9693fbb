"""The build's scan reads again only the content files that changed since it noted them
(``p2f_site.inputs.content_digests``): same digests as reading every file, a noted file with
the same size, times and inode is not read, a changed one always is, a file changed just
before the scan is not noted."""

from __future__ import annotations

import json
import os
from pathlib import Path

from p2f_build.cache import file_digests
from p2f_site.inputs import SETTLED_NS, content_digests

LATER = 10**20  # a scan long after every file was written (ns)


def corpus(root: Path) -> Path:
    content = root / "content"
    (content / "lieux").mkdir(parents=True)
    (content / "lieux" / "gare.md").write_text("title: Gare\n", encoding="utf-8")
    (content / "lieux" / "port.md").write_text("title: Port\n", encoding="utf-8")
    (content / "lien.md").symlink_to("lieux/gare.md")
    return content


def test_the_digests_are_those_of_reading_every_file(tmp_path: Path) -> None:
    content, stats = corpus(tmp_path), tmp_path / "stats.json"
    first = content_digests(content, stats, LATER)
    assert first == file_digests(content)  # the link counted by its target's name
    assert content_digests(content, stats, LATER) == first  # from the notes this time


def test_a_noted_file_is_not_read_again_and_a_changed_one_is(tmp_path: Path) -> None:
    content, stats = corpus(tmp_path), tmp_path / "stats.json"
    content_digests(content, stats, LATER)
    gare, port = str(content / "lieux" / "gare.md"), str(content / "lieux" / "port.md")
    noted = json.loads(stats.read_text(encoding="utf-8"))
    noted[gare][4] = "noted-digest"  # what the notes say, not what the file holds
    stats.write_text(json.dumps(noted), encoding="utf-8")
    assert content_digests(content, stats, LATER)[gare] == "noted-digest"  # not read
    before = os.stat(port)
    Path(port).write_text("title: Pont\n", encoding="utf-8")  # same size
    os.utime(port, ns=(before.st_atime_ns, before.st_mtime_ns))  # the old mtime put back
    assert content_digests(content, stats, LATER)[port] == file_digests(content)[port]


def test_a_file_changed_just_before_the_scan_is_not_noted(tmp_path: Path) -> None:
    content, stats = corpus(tmp_path), tmp_path / "stats.json"
    gare = content / "lieux" / "gare.md"
    changed = os.stat(gare).st_ctime_ns
    assert content_digests(content, stats, changed + SETTLED_NS // 2) == file_digests(content)
    assert not stats.exists()  # nothing settled to note
    content_digests(content, stats, changed + SETTLED_NS + 1)
    assert str(gare) in json.loads(stats.read_text(encoding="utf-8"))


def test_unreadable_notes_mean_reading_every_file(tmp_path: Path) -> None:
    content, stats = corpus(tmp_path), tmp_path / "stats.json"
    stats.write_text("{not json", encoding="utf-8")
    assert content_digests(content, stats, LATER) == file_digests(content)
    assert json.loads(stats.read_text(encoding="utf-8"))  # written again
