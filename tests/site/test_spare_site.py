"""The replaced build's website folder, emptied of its files by the detached remover, gives
the next build its folders (``p2f_site.spare``, ``trash.keep_skeleton``): no ``mkdir`` for the
folders that exist, the folders left empty removed, the same files and folders as a clean
build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from p2f_site.build import BuildReport
from p2f_site.trash import FOLDERS, SPARE_SITE
from tests.conftest import WriteContent
from tests.site.test_incremental import assert_same, build
from tests.site.test_staging import calls_from_website_code, edit_build, profiled_build

PAGE = "pratique/numeros-urgence.md"


def wait_for(report: BuildReport) -> None:
    for pid in report.removers:  # the detached processes emptying what was renamed aside
        os.waitpid(pid, 0)


def folders(site: Path) -> set[str]:
    return {os.path.relpath(top, site) for top, _dirs, _files in os.walk(site) if top != str(site)}


def files(site: Path) -> list[str]:
    return [name for _top, _dirs, names in os.walk(site) for name in names]


def same_as_clean(content: Path, output: Path, step: str) -> None:
    clean = output.parent / "clean"
    build(content, clean, cache=False)
    assert_same(output, clean, step)
    assert folders(output / "site") == folders(clean / "site"), step
    shutil.rmtree(clean)


def test_the_replaced_website_folders_are_kept_empty_and_made_no_more(
    write_content: WriteContent, tmp_path: Path
) -> None:
    output = tmp_path / "build"
    second, _ = edit_build(write_content, output)  # two builds: the first one is replaced
    wait_for(second)
    spare = output / SPARE_SITE
    assert files(spare) == [FOLDERS]  # folders only, and their list
    listed = set((spare / FOLDERS).read_text(encoding="utf-8").split("\n"))
    assert listed == folders(spare) and "lieux" in listed
    assert not [name for name in listed if name.startswith("pagefind")]  # its step makes it

    # the third build takes the folders: the website's code makes none it already has
    content = output.parent / "content"
    (content / PAGE).unlink()  # a page deleted: its folders must go
    _, profile = profiled_build(content, output)
    assert calls_from_website_code(profile, "posix.mkdir") == 0
    assert not spare.exists() or FOLDERS in files(spare)  # taken (a new one may be ready)
    same_as_clean(content, output, "website folders recycled, a page deleted")


def test_a_spare_the_remover_did_not_finish_is_not_used(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output = write_content(), tmp_path / "build"
    wait_for(build(content, output, cache=True))
    unfinished = output / SPARE_SITE / "lieux" / "ancienne-page"
    unfinished.mkdir(parents=True)
    (unfinished / "index.html").write_text("old", encoding="utf-8")  # no list of folders
    page = content / PAGE
    page.write_text(page.read_text(encoding="utf-8").replace("112", "17"), encoding="utf-8")
    build(content, output, cache=True)
    same_as_clean(content, output, "unfinished spare")
