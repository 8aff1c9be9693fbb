"""The garbage collector while a build runs: fewer full collections, and what the build holds
kept out of the collector's reach.

A build keeps millions of objects alive until it ends (the corpus, Pelican's pages, the page
records, the kiosk's plans), and every full collection walks them all. Two measures, both
undone when the build ends, whatever happens (``invoke livereload`` builds again and again in
one process, and the tests build hundreds of times in one):

- ``GC_THRESHOLDS`` while the build runs: young garbage is still collected, full collections
  are rare (9 of them took 0.9 s of the 7 s of CPU of a one-edit rebuild at 5,000 documents).
- ``gc.freeze()`` at the points where what the build holds is settled (``freeze_held``: the
  corpus checked; the website written, at the start of the kiosk step): every object tracked
  so far leaves the collector's lists (in constant time), so no later collection walks the
  corpus again. Objects made afterwards are collected as before, and reference counting frees
  frozen objects as ever: only cyclic garbage made before a freeze waits for the build's end.
  ``gc.unfreeze()`` when the build ends hands everything back to the collector.

A caller that froze objects itself (``gc.get_freeze_count()`` not 0) gets no freeze from the
build: the build's ``gc.unfreeze()`` would thaw the caller's objects too. A build that may
freeze first collects what the process left before it (a ``livereload`` process's last build,
unfrozen but not collected yet: it is garbage, and freezing it would keep it for a build more).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

GC_THRESHOLDS = (10_000, 50, 100)
FREEZE_SETTING = "P2F_GC_FREEZE"  # settings key: True when the build may ``gc.freeze()``


@contextmanager
def collector_for_build() -> Iterator[bool]:
    """``GC_THRESHOLDS`` while the build runs; yields whether the build may freeze what it
    holds (``FREEZE_SETTING``). Afterwards, failed or not: the caller's thresholds, and the
    objects the build froze handed back to the collector."""
    before = gc.get_threshold()
    may_freeze = gc.get_freeze_count() == 0
    if may_freeze:
        gc.collect()  # what the process left before the build (~15-30 ms at its start)
        gc.freeze()  # the modules and whatever the caller keeps: they outlive the build
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield may_freeze
    finally:
        gc.set_threshold(*before)
        if may_freeze:
            gc.unfreeze()


def freeze_held(settings: Mapping[str, Any]) -> None:
    """``gc.freeze()`` what the build holds so far, if the build allows it (``FREEZE_SETTING``,
    set by ``p2f_site.build.build_all``; Pelican run any other way never freezes)."""
    if settings.get(FREEZE_SETTING) is True:
        gc.freeze()


@contextmanager
def frozen_while_forking() -> Iterator[None]:
    """``gc.freeze()`` while children are forked (objects made so far are never collected in
    them: fewer memory pages copied), thawed afterwards only if nothing was frozen before: a
    build's own freeze (``freeze_held``) holds until the build ends."""
    held = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not held:
            gc.unfreeze()
