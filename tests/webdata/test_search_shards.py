"""The search index in shards: made again only where pages changed, the same bytes as a clean
run, Pagefind in the background of the build (and stopped when the build goes away)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest

from p2f_build import REPORT_NAME
from p2f_site.build import build_all
from p2f_web.search import (
    MANIFEST,
    SEARCH_FOLDER,
    SearchIndexError,
    default_command,
    indexed_pages,
    plan_shards,
    shard_key,
    tool_of,
)
from p2f_web.search_job import SearchJob, build_search_index
from tests.conftest import ROOT, WriteContent
from tests.webdata.conftest import BUILD_NOW

LIMIT_S = 120  # how long a fake Pagefind waits for its signal before it gives up (not a test)


def copy_pages(site: Path, target: Path) -> Path:
    """The built site's pages, without its search index."""
    shutil.copytree(site, target, ignore=shutil.ignore_patterns(SEARCH_FOLDER))
    return target


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_every_language_of_an_item_is_in_one_shard_and_an_edit_changes_one() -> None:
    pages = {
        f"{lang}{kind}/{slug}/index.html": sha256(f"<main data-pagefind-body>{slug} {lang}</main>")
        for lang in ("", "en/", "de/", "es/")
        for kind in ("lieux", "agenda")
        for slug in ("a", "b", "c", "d", "e", "f", "g", "h")
    }
    shards = plan_shards(pages, "pagefind 1")
    assert sorted(p for s in shards for p in s.pages) == sorted(pages)  # each page once
    for shard in shards:
        assert len({shard_key(p) for p in shard.pages}) * 4 == len(shard.pages)
    assert len(shards) > 1
    edited = {**pages, "de/lieux/c/index.html": sha256("<main data-pagefind-body>neu</main>")}
    changed = {s.name for s in plan_shards(edited, "pagefind 1")} - {s.name for s in shards}
    assert len(changed) == 1
    assert {s.name for s in plan_shards(pages, "pagefind 2")}.isdisjoint(s.name for s in shards)


def test_unchanged_shards_are_reused_and_equal_a_clean_run(web_site: Path, tmp_path: Path) -> None:
    first = copy_pages(web_site, tmp_path / "first")
    report = build_search_index(first, default_command())
    assert report.shards >= 2 and report.indexed == report.shards
    assert report.pages == len(indexed_pages(first)) == report.pages_indexed
    edited = copy_pages(web_site, tmp_path / "edited")
    page = edited / "lieux" / "veto-pinede" / "index.html"
    page.write_text(page.read_text().replace("</main>", "<p>Zébulon</p></main>"), "utf-8")

    again = build_search_index(edited, default_command(), previous_site=first)

    assert (again.shards, again.indexed, again.reused) == (report.shards, 1, report.shards - 1)
    assert again.pages_indexed < again.pages
    clean = copy_pages(edited, tmp_path / "clean")
    build_search_index(clean, default_command())
    assert files(edited / SEARCH_FOLDER) == files(clean / SEARCH_FOLDER)
    shared = [
        name
        for name in files(edited / SEARCH_FOLDER)
        if (first / SEARCH_FOLDER / name).exists()
        and os.stat(first / SEARCH_FOLDER / name).st_ino
        == os.stat(edited / SEARCH_FOLDER / name).st_ino
    ]
    assert shared, "the unchanged shards should be hard links to the previous build's"
    assert not (edited / SEARCH_FOLDER / ".input").exists()
    assert (edited / SEARCH_FOLDER / MANIFEST).is_file()


def fake_pagefind(tmp_path: Path, wait_for: Path) -> list[str]:
    """A Pagefind that writes its pid, waits for ``wait_for`` to exist, then runs the real one."""
    real = tool_of(default_command())[0]
    script = tmp_path / "fake-pagefind"
    script.write_text(
        "#!/bin/sh\n"
        f'echo $$ > "{tmp_path}/started"\n'
        f"n=0; while [ ! -e '{wait_for}' ]; do sleep 0.05; n=$((n+1)); "
        f"[ $n -gt {LIMIT_S * 20} ] && echo 'never told to go' >&2 && exit 7; done\n"
        f'exec {" ".join(real)} "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return [str(script)]


def wait_until(path: Path) -> None:
    import time

    for _ in range(LIMIT_S * 20):
        if path.exists():
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


def test_the_job_runs_beside_the_caller(web_site: Path, tmp_path: Path) -> None:
    site = copy_pages(web_site, tmp_path / "site")
    go = tmp_path / "go"
    job = SearchJob(site, fake_pagefind(tmp_path, go)).start()
    wait_until(tmp_path / "started")  # Pagefind runs, and start() has returned long ago
    assert not (site / SEARCH_FOLDER / MANIFEST).exists()
    go.touch()
    report = job.wait()
    assert report.indexed == report.shards and (site / SEARCH_FOLDER / MANIFEST).is_file()


def test_a_build_that_went_away_stops_pagefind(web_site: Path, tmp_path: Path) -> None:
    site = copy_pages(web_site, tmp_path / "site")
    job = SearchJob(site, fake_pagefind(tmp_path, tmp_path / "never")).start()
    wait_until(tmp_path / "started")
    pid = int((tmp_path / "started").read_text())
    shutil.rmtree(site)  # what a failed build does with its staging folder
    with pytest.raises(SearchIndexError, match="abandoned"):
        job.wait()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped


def test_pagefind_starts_before_the_kiosk_bundles_are_done(
    write_content: WriteContent, tmp_path: Path
) -> None:
    """The fake Pagefind notes whether the kiosk step had finished (its report written) when
    Pagefind started, then waits for it: run after the kiosk step, it would note "after"."""
    real = " ".join(tool_of(default_command())[0])
    script = tmp_path / "fake-pagefind"
    output = tmp_path / "build"
    script.write_text(
        "#!/bin/sh\n"
        f'report=$(ls -d "{output}"/.staging-*/kiosk/{REPORT_NAME} 2>/dev/null)\n'
        f'[ -n "$report" ] && echo after >> "{tmp_path}/when" || echo before >> "{tmp_path}/when"\n'
        f'exec {real} "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    build_all(
        ROOT,
        ROOT / "pelicanconf.py",
        output,
        overrides={
            "PATH": str(write_content()),
            "P2F_ROOT": str(tmp_path),
            "P2F_NOW": BUILD_NOW,
            "P2F_PAGEFIND_COMMAND": [str(script)],
        },
    )
    assert (tmp_path / "when").read_text().splitlines()[0] == "before"
    assert (output / "site" / SEARCH_FOLDER / MANIFEST).is_file()
