"""A small git repository holding the project's code (as committed) and the test corpus, with
a change on a branch: what ``invoke review`` compares."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASE_FILES, PNG, ROOT

CODE = ["plugins", "player/p2f_player", "theme", "pelicanconf.py"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def write_files(repo: Path, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = repo / "content" / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def make_repo(folder: Path) -> Path:
    """``folder/repo``: this project's code as the tests see it (the working tree, like every
    other test) and the test corpus, committed on ``main``."""
    repo = folder / "repo"
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z", *CODE],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    write_files(repo, dict(BASE_FILES))
    (repo / "content" / "images").mkdir(parents=True, exist_ok=True)
    (repo / "content" / "images" / "veto.png").write_bytes(PNG)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "base")
    return repo


@pytest.fixture
def review_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser; off the network."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def base_url() -> str:
    """Replaces pytest-base-url's fixture (a class-method fixture pytest now warns about);
    tests here open absolute 127.0.0.1 addresses."""
    return ""
