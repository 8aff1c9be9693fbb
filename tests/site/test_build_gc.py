"""A build runs with fewer full garbage collections (``p2f_site.build.GC_THRESHOLDS``) and
gives the caller its own thresholds back, after a failed build too (``invoke livereload``
builds again and again in one process)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from pelican import signals

from p2f_site.build import GC_THRESHOLDS, BuildError, build_all
from tests.conftest import ROOT, WriteContent
from tests.site.test_incremental import NOW

SEEN: list[tuple[int, ...]] = []


def note_thresholds(pelican: Any) -> None:  # module level: blinker keeps weak references
    SEEN.append(gc.get_threshold())


def build(content: Path, output: Path) -> None:
    overrides = {"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": NOW}
    build_all(ROOT, ROOT / "pelicanconf.py", output, overrides=overrides)


def test_the_build_runs_with_its_thresholds_and_gives_the_callers_back(
    write_content: WriteContent, tmp_path: Path
) -> None:
    before = gc.get_threshold()
    assert before != GC_THRESHOLDS
    SEEN.clear()
    signals.initialized.connect(note_thresholds)
    try:
        build(write_content(), tmp_path / "build")
        assert SEEN == [GC_THRESHOLDS]
        assert gc.get_threshold() == before
        broken = write_content({"lieux/veto-pinede.md": "---\ntitle: [\n---\n"})
        with pytest.raises(BuildError):
            build(broken, tmp_path / "broken")
        assert gc.get_threshold() == before
    finally:
        signals.initialized.disconnect(note_thresholds)
