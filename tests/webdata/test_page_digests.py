"""The search job's page digests (``p2f_web.search.scan_pages``): a page that is the very file
the current build had (hard-linked) is not read again; anything else is. Reads are counted with
cProfile (counts, never times); the index's bytes against a clean build are
``tests/site/test_incremental.py``'s job."""

from __future__ import annotations

import cProfile
import json
import os
import pstats
from pathlib import Path

from p2f_site.build import build_all, current_build
from p2f_web.search import PAGE_DIGESTS, indexed_pages, scan_pages
from tests.conftest import OFFER, ROOT, WriteContent

INDEXED = b"<main data-pagefind-body><h1>%s</h1></main>"


def pages_read(site: Path, known: dict[str, object] | None) -> tuple[dict[str, str], int]:
    """``scan_pages``' digests, and how many files it opened."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        found, _ = scan_pages(site, known)
    finally:
        profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    opened = sum(
        calls
        for (file, _line, name), (_cc, _nc, _tt, _ct, callers) in stats.items()
        if file == "~" and name == "<built-in method io.open>"
        for (caller, _, _), (_, calls, _, _) in callers.items()
        if caller.endswith(os.path.join("p2f_web", "search.py"))
    )
    return found, opened


def test_a_linked_page_is_not_read_again(tmp_path: Path) -> None:
    current, staging = tmp_path / "current", tmp_path / "staging"
    for name, data in {"a/index.html": INDEXED % b"a", "b/index.html": INDEXED % b"b",
                       "plain.html": b"<p>not indexed</p>"}.items():  # fmt: skip
        (current / name).parent.mkdir(parents=True, exist_ok=True)
        (current / name).write_bytes(data)
    _, known = scan_pages(current)
    (staging / "a").mkdir(parents=True)
    (staging / "b").mkdir()
    os.link(current / "a" / "index.html", staging / "a" / "index.html")
    os.link(current / "plain.html", staging / "plain.html")
    (staging / "b" / "index.html").write_bytes(INDEXED % b"b again")  # rendered again
    found, opened = pages_read(staging, json.loads(json.dumps(known)))
    assert opened == 1  # only the page rendered again
    assert found == indexed_pages(staging)
    assert set(found) == {"a/index.html", "b/index.html"}


def test_digests_from_another_device_are_not_trusted(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_bytes(INDEXED % b"home")
    found, known = scan_pages(tmp_path)
    known["device"] = -1  # a copy of the build on another file system: inodes mean nothing
    assert pages_read(tmp_path, known) == (found, 1)


def test_an_edit_build_keeps_digests_that_match_its_pages(
    write_content: WriteContent, tmp_path: Path
) -> None:
    output = tmp_path / "build"
    overrides = {"P2F_ROOT": str(tmp_path), "P2F_NOW": "2026-11-26T12:00:00+00:00"}
    build_all(ROOT, ROOT / "pelicanconf.py", output, {"PATH": str(write_content()),
              **overrides}, cache=True)  # fmt: skip
    edited = write_content({"bons-plans/velos-hiver.md": OFFER.replace("−20 %", "−25 %", 1)})
    build_all(ROOT, ROOT / "pelicanconf.py", output, {"PATH": str(edited), **overrides},
              cache=True)  # fmt: skip
    build = output / str(current_build(output))
    kept = json.loads((build / PAGE_DIGESTS).read_text(encoding="utf-8"))
    digests = {page: digest for page, (_inode, digest) in kept["pages"].items() if digest}
    assert digests == indexed_pages(build / "site")
