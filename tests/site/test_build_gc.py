"""A build runs with fewer full garbage collections and with what it holds frozen
(``p2f_build.collector``), and gives the caller back its thresholds and a collector that reaches
every object of the build, after a failed build too (``invoke livereload`` builds again and
again in one process)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from pelican import signals

from p2f_build.collector import GC_THRESHOLDS, frozen_while_forking
from p2f_kiosk.background import Background
from p2f_site.build import BuildError, build_all
from tests.conftest import ROOT, WriteContent
from tests.site.test_incremental import NOW

SEEN: list[tuple[int, ...]] = []
FROZEN: list[int] = []  # gc.get_freeze_count() when Pelican's generators are ready
WALKED: list[bool] = []  # whether the collector's generations held the corpus then
CYCLES: list[weakref.ref[Any]] = []  # objects in a reference cycle made during the build


class Cycle:
    def __init__(self) -> None:
        self.me = self  # only the collector frees it


def note_thresholds(pelican: Any) -> None:  # module level: blinker keeps weak references
    SEEN.append(gc.get_threshold())


def make_cycle(pelican: Any) -> None:
    CYCLES.append(weakref.ref(Cycle()))  # garbage at once, freed by a collection only


def note_frozen(pelican: Any) -> None:
    FROZEN.append(gc.get_freeze_count())
    corpus = id(pelican.settings["P2F_CORPUS"])
    WALKED.append(any(id(seen) == corpus for seen in gc.get_objects()))  # frozen: not there


def fail(pelican: Any) -> None:
    raise RuntimeError("a plugin failed after the corpus was frozen")


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


def test_the_build_freezes_what_it_holds_and_thaws_it_when_it_ends_failed_or_not(
    write_content: WriteContent, tmp_path: Path
) -> None:
    assert gc.get_freeze_count() == 0
    # a former build's cycles in a livereload process: unfrozen, in the oldest generation, not
    # collected yet (only a full collection reaches them): collected by the build, not frozen
    left = [Cycle()]
    gc.collect()  # the cycle survives it: it moves to the oldest generation
    former = weakref.ref(left.pop())
    FROZEN.clear()
    WALKED.clear()
    CYCLES.clear()
    signals.initialized.connect(make_cycle)  # before the corpus is frozen at its end
    signals.get_generators.connect(note_frozen)
    try:
        build(write_content(), tmp_path / "build")
        assert former() is None
        assert FROZEN[0] > 0 and WALKED == [False]  # the corpus was out of the collector's reach
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert CYCLES[0]() is None  # what the build froze is collectable again
        signals.finalized.connect(fail)
        try:
            with pytest.raises(BuildError, match="a plugin failed"):
                build(write_content(), tmp_path / "failed")
        finally:
            signals.finalized.disconnect(fail)
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert CYCLES[1]() is None
    finally:
        signals.initialized.disconnect(make_cycle)
        signals.get_generators.disconnect(note_frozen)


def test_a_caller_that_froze_objects_keeps_them_frozen_and_gets_no_freeze(
    write_content: WriteContent, tmp_path: Path
) -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        FROZEN.clear()
        signals.get_generators.connect(note_frozen)
        try:
            build(write_content(), tmp_path / "build")
        finally:
            signals.get_generators.disconnect(note_frozen)
        # the build froze nothing more of its own (frozen objects freed meanwhile leave the
        # count) nor thawed the caller's
        assert len(FROZEN) == 1 and 0 < FROZEN[0] <= frozen
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def _square(number: int) -> int:
    return number * number


def test_forking_the_background_process_keeps_the_builds_freeze_and_thaws_only_its_own() -> None:
    """The kiosk's background process (and its workers) are forked with what the build holds
    frozen: the build's own freeze still holds afterwards; with none, nothing stays frozen."""
    assert gc.get_freeze_count() == 0
    jobs = Background([1, 2, 3], _square)
    assert jobs.finish() == [1, 4, 9]
    assert gc.get_freeze_count() == 0
    gc.freeze()  # what a build holds at its kiosk step (``p2f_build.collector.freeze_held``)
    try:
        held = gc.get_freeze_count()
        jobs = Background([4, 5], _square)
        assert jobs.finish() == [16, 25]
        # still frozen (objects freed meanwhile leave the count: it may be a little lower)
        assert gc.get_freeze_count() > held - 1000 > 0
        with frozen_while_forking():
            pass
        assert gc.get_freeze_count() > held - 1000
    finally:
        gc.unfreeze()
