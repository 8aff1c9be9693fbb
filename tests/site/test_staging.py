"""The website's per-file plumbing after an edit (``p2f_site.staging``): unchanged pages and
machine-facing files are linked from the current build with no ``lstat`` (the records prove the
files), and no folder is made twice. System calls are counted with cProfile over a real build
(counts, never times); byte equality with a clean build is ``test_incremental``'s job."""

from __future__ import annotations

import cProfile
import os
import pstats
from pathlib import Path

from p2f_site.build import BuildReport
from p2f_site.staging import Staging
from tests.conftest import OFFER, WriteContent
from tests.site.test_incremental import build

# the website's per-file code (not ``p2f_site.build``, whose swap renames a link)
WEBSITE_CODE = ("p2f_site/incremental.py", "p2f_site/staging.py", f"{os.sep}p2f_web{os.sep}")
NOT_OURS = ("pagefind", "theme")  # folders made by Pagefind and by Pelican's theme copy


def calls_from_website_code(profile: cProfile.Profile, call: str) -> int:
    """How many times the website's per-file code called ``call`` itself."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    count = 0
    for (file, _line, name), (_cc, _nc, _tt, _ct, callers) in stats.items():
        if file == "~" and name == f"<built-in method {call}>":
            for (caller, _, _), (_, calls, _, _) in callers.items():
                count += calls if any(part in caller for part in WEBSITE_CODE) else 0
    return count


def edit_build(write_content: WriteContent, output: Path) -> tuple[BuildReport, cProfile.Profile]:
    """A first build with the cache, then one offer's title edited and built, profiled."""
    build(write_content(), output, cache=True)
    edited = OFFER.replace("title: −20 %", "title: −25 %", 1)
    return profiled_build(write_content({"bons-plans/velos-hiver.md": edited}), output)


def profiled_build(content: Path, output: Path) -> tuple[BuildReport, cProfile.Profile]:
    """A build with the cache, profiled."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        report = build(content, output, cache=True)
    finally:
        profile.disable()
    return report, profile


def folders_made_by_the_website(site: Path, rendered: list[str]) -> int:
    """Folders of ``site`` that hold a file Pelican did not render in this build."""
    made_by_pelican = {os.path.dirname(name) for name in rendered}
    folders = set()
    for folder, _dirs, _files in os.walk(site):
        relative = os.path.relpath(folder, site)
        if relative != "." and relative.split(os.sep)[0] not in NOT_OURS:
            folders.add(relative)
    return len(folders - made_by_pelican)


def test_an_edit_build_links_unchanged_website_files_without_lstat(
    write_content: WriteContent, tmp_path: Path
) -> None:
    output = tmp_path / "build"
    report, profile = edit_build(write_content, output)
    assert report.reused and report.rendered  # pages were linked, the offer's rendered again
    # before: one ``lstat`` per linked page, three per deep-link landing, one per linked file
    assert calls_from_website_code(profile, "posix.lstat") == 0
    assert calls_from_website_code(profile, "posix.link") >= report.reused
    # before: each file written again (the offer's landings, feeds) went by a temporary name
    assert calls_from_website_code(profile, "posix.replace") == 0


def test_a_clean_build_asks_nothing_of_the_pages_it_wrote(
    write_content: WriteContent, tmp_path: Path
) -> None:
    profile = cProfile.Profile()
    profile.enable()
    try:
        build(write_content(), tmp_path / "build", cache=False)
    finally:
        profile.disable()
    # before: one ``lstat`` per deep-link landing (does its page exist?), one rename per file
    assert calls_from_website_code(profile, "posix.lstat") == 0
    assert calls_from_website_code(profile, "posix.replace") == 0


def test_an_edit_build_makes_each_website_folder_once(
    write_content: WriteContent, tmp_path: Path
) -> None:
    output = tmp_path / "build"
    report, profile = edit_build(write_content, output)
    mkdirs = calls_from_website_code(profile, "posix.mkdir")
    # before: the machine-facing files asked again for the folders the pages step had made
    # (an event's calendars beside its page): one failed ``mkdir`` each
    assert 0 < mkdirs <= folders_made_by_the_website(output / "site", report.rendered_pages)


def test_a_folder_known_to_exist_is_not_asked_for(tmp_path: Path) -> None:
    current, staging = tmp_path / "current", tmp_path / "staging"
    (current / "a").mkdir(parents=True)
    (current / "a" / "index.html").write_bytes(b"page")
    (current / "a" / "event.ics").write_bytes(b"calendar")
    (staging / "b").mkdir(parents=True)
    site = Staging(str(staging), str(current))
    site.made(str(staging / "b" / "index.html"))  # written there by Pelican's writer
    site.folder(str(staging / "b"))
    assert site.mkdirs == 0
    assert site.link("a/index.html") and site.link("a/event.ics")
    assert site.mkdirs == 1 and site.linked == {"a/index.html", "a/event.ics"}
    linked, original = staging / "a" / "event.ics", current / "a" / "event.ics"
    assert linked.stat().st_ino == original.stat().st_ino
    assert not site.link("a/missing.html")  # not in the current build: made again by the caller


def test_a_file_already_there_is_replaced_not_written_into(tmp_path: Path) -> None:
    current, staging = tmp_path / "current", tmp_path / "staging"
    current.mkdir()
    (current / "feed.xml").write_bytes(b"old")
    site = Staging(str(staging), str(current))
    assert site.link("feed.xml")
    site.write("feed.xml", b"new")  # shares its inode with the current build until replaced
    site.write("other.xml", b"other")
    assert (staging / "feed.xml").read_bytes() == b"new"
    assert (current / "feed.xml").read_bytes() == b"old"
    assert (staging / "other.xml").read_bytes() == b"other"
    assert sorted(p.name for p in staging.iterdir()) == ["feed.xml", "other.xml"]
