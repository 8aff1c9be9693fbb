"""Removing replaced builds off the critical path: ``build/.trash/`` and its detached remover."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from p2f_site.build import BuildReport, build_all, current_build
from p2f_site.leftovers import retire_leftovers, start_removal
from p2f_site.spare import SPARE
from p2f_site.trash import SKELETON, SPARE_SITE, TRASH, empty_trash
from tests.conftest import ROOT, WriteContent

NOW = "2026-11-26T12:00:00+00:00"


def dead_pid() -> int:
    """The pid of a process that has exited."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def wait_for(*pids: int | None) -> None:
    """Wait for removers this process started (they are its children: ``posix_spawn``)."""
    assert pids and None not in pids, "no remover was started"
    for pid in pids:
        assert pid is not None
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder``: (inode, size)."""
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_size)
        for p in folder.rglob("*")
        if p.is_file()
    }


def build(content: Path, output: Path) -> BuildReport:
    overrides = {"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": NOW}
    return build_all(ROOT, ROOT / "pelicanconf.py", output, overrides, cache=True)


def test_the_replaced_build_goes_in_the_background_and_the_next_build_works(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output = write_content(), tmp_path / "build"
    build(content, output)
    first = current_build(output)
    killed = output / f".build-{dead_pid()}-1" / "site"  # what a killed build left: many files
    killed.mkdir(parents=True)
    for n in range(2000):
        (killed / f"{n}.html").write_text("old")
    page = content / "pratique" / "numeros-urgence.md"
    page.write_text(page.read_text().replace("112", "17"))
    second = build(content, output)  # its remover deletes the leftover while it builds
    assert first is not None and not (output / first).exists()  # renamed aside at once
    assert not killed.parent.exists()
    wait_for(*second.removers)
    assert not any((output / TRASH).iterdir())
    # the replaced build's kiosk folder, and its website's folders emptied of their files,
    # are kept for the next build (p2f_site.spare)
    assert {p.name for p in output.iterdir()} == {
        "site", "kiosk", ".current", ".cache", TRASH, str(current_build(output)), SPARE,
        SPARE_SITE,
    }  # fmt: skip
    assert not list((output / SPARE_SITE).glob("**/*.html"))
    assert second.rendered and current_build(output) != first
    assert "17" in (output / "site" / "pratique" / "numeros-urgence" / "index.html").read_text()


def test_the_current_build_is_never_touched_by_the_remover(tmp_path: Path) -> None:
    output = tmp_path / "build"
    current = output / f".build-{dead_pid()}-2"
    (current / "site").mkdir(parents=True)
    (current / "site" / "index.html").write_text("current")
    (output / ".current").symlink_to(current.name)
    replaced = output / f".build-{dead_pid()}-1"
    (replaced / "site" / "a").mkdir(parents=True)
    (replaced / "site" / "a" / "index.html").write_text("replaced")
    before = snapshot(current)
    wait_for(start_removal(output))
    assert not replaced.exists() and not any((output / TRASH).iterdir())
    assert snapshot(current) == before


def test_a_build_another_build_reads_is_not_renamed_aside(tmp_path: Path) -> None:
    output = tmp_path / "build"
    read = output / f".build-{dead_pid()}-1"  # a leftover, but a running build reads it
    (read / "site").mkdir(parents=True)
    handle = os.open(read, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
        retire_leftovers(output)
        assert read.is_dir()
    finally:
        os.close(handle)
    retire_leftovers(output)  # read no more: its website folder goes apart, to be kept
    names = sorted(p.name.lstrip("0123456789") for p in (output / TRASH).iterdir())
    assert not read.exists() and names == [read.name, SKELETON]


def test_a_remover_leaves_the_trash_to_the_one_at_work(tmp_path: Path) -> None:
    trash = tmp_path / TRASH
    (trash / "1.build-1-1" / "site").mkdir(parents=True)
    handle = os.open(trash, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # a remover at work
        assert empty_trash(trash) is False
        assert (trash / "1.build-1-1" / "site").is_dir()
    finally:
        os.close(handle)
    assert empty_trash(trash) is True
    assert not any(trash.iterdir())


def test_what_a_killed_remover_left_is_deleted_by_the_next_one(tmp_path: Path) -> None:
    output = tmp_path / "build"
    half = output / TRASH / "1.build-1-1" / "site" / "lieux"
    half.mkdir(parents=True)
    (half / "index.html").write_text("half deleted")
    pid = start_removal(output)
    assert pid is not None and os.getsid(pid) == pid  # its own session: outlives the build
    wait_for(pid)
    assert not any((output / TRASH).iterdir())
    assert start_removal(output) is None  # nothing left: no process started
