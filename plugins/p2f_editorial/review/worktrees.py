"""Check out the two sides of a change with ``git worktree`` and build each with its own code.

``checkout(repo, rev, folder)`` adds a detached worktree (removed by ``remove``, always: the
caller uses ``sides``, a context manager). ``build_side`` runs the check and the build of one
tree in a subprocess with that tree's plugins and player first on ``PYTHONPATH``, so the base
is built by the base's code and the head by the head's; both for the same moment
(``P2F_NOW``) so that only the change makes them differ. Browser libraries come from the
repository's ``node_modules`` (a worktree has none). The only module of the review that runs
git or the build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

MARK = "--- build ---"  # what the check printed comes before this line
BUILD_SCRIPT = """
import json, sys
from pathlib import Path
import p2f_site  # noqa: F401  (p2f_site and p2f_kiosk import each other)
from p2f_model.check import run
from p2f_site.build import BuildError, build_all
MARK = sys.argv[5]
tree, output, now, node_modules = (Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4])
code = run(tree / "content")
print(MARK, flush=True)
if code:
    sys.exit(10)
try:
    build_all(tree, tree / "pelicanconf.py", output,
              overrides={"P2F_NOW": now, "P2F_NODE_MODULES": node_modules})
except BuildError as error:
    print(error, file=sys.stderr)
    sys.exit(11)
"""


class ReviewError(Exception):
    """The review cannot be made (git refuses a revision, a side does not build)."""


@dataclass(frozen=True)
class Side:
    name: str  # base | head
    rev: str  # the commit id
    tree: Path  # the worktree
    build: Path  # its build folder (site/, kiosk/)
    check_output: str
    check_ok: bool
    built: bool
    build_error: str = ""


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise ReviewError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout.strip()


def resolve(repo: Path, base: str, head: str) -> tuple[str, str]:
    """The commit ids: the merge base of ``base`` and ``head`` (what the change started
    from, as a pull request shows it), and ``head``."""
    head_id = git(repo, "rev-parse", "--verify", f"{head}^{{commit}}")
    base_id = git(repo, "merge-base", git(repo, "rev-parse", "--verify", base), head_id)
    return base_id, head_id


@contextmanager
def worktree(repo: Path, rev: str, folder: Path) -> Iterator[Path]:
    git(repo, "worktree", "add", "--detach", "--quiet", str(folder), rev)
    try:
        yield folder
    finally:
        subprocess.run(
            ["git", "-C", str(repo), "worktree", "remove", "--force", str(folder)],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["git", "-C", str(repo), "worktree", "prune"], check=False)


def build_side(
    name: str, rev: str, tree: Path, output: Path, now: datetime, node_modules: Path
) -> Side:
    """Check and build ``tree`` into ``output`` with the tree's own code."""
    env = dict(os.environ)
    paths = [str(tree / "plugins"), str(tree / "player")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            BUILD_SCRIPT,
            str(tree),
            str(output),
            now.isoformat(),
            str(node_modules),
            MARK,
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    check_output = result.stdout.split(MARK, 1)[0].strip()
    return Side(
        name=name,
        rev=rev,
        tree=tree,
        build=output,
        check_output=check_output,
        check_ok=result.returncode != 10,
        built=result.returncode == 0,
        build_error=result.stderr.strip()[-4000:] if result.returncode not in (0, 10) else "",
    )


@contextmanager
def sides(
    repo: Path, base: str, head: str, now: datetime, node_modules: Path | None = None
) -> Iterator[tuple[Side, Side]]:
    """Both sides checked out and built in a temporary folder, removed afterwards;
    ``node_modules``: the browser libraries (default: the repository's)."""
    modules = node_modules or repo / "node_modules"
    base_id, head_id = resolve(repo, base, head)
    with tempfile.TemporaryDirectory(prefix="p2f-review-") as scratch:
        folder = Path(scratch)
        with (
            worktree(repo, base_id, folder / "base") as base_tree,
            worktree(repo, head_id, folder / "head") as head_tree,
        ):
            yield (
                build_side("base", base_id, base_tree, folder / "build-base", now, modules),
                build_side("head", head_id, head_tree, folder / "build-head", now, modules),
            )
