"""The kiosk's pictures resized in a background process from the start of the build
(p2f_kiosk.pictures, p2f_kiosk.background): the bytes ``images.fit`` gives in the build's
process, whichever process made them; a failure names the picture; nothing keeps running once
the build is over, whether it failed or not; nothing starts when nothing is to be made.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from p2f_build.cache import BuildCache
from p2f_kiosk import images
from p2f_kiosk.background import Background
from p2f_kiosk.images import ImageProblem
from p2f_kiosk.pictures import AHEAD_FROM, PicturesAhead, picture_jobs, start_pictures
from p2f_kiosk.shared import SharedFiles
from p2f_model.corpus import Corpus
from p2f_model.load import load_corpus
from p2f_site.build import BuildError, build_all
from tests.conftest import ROOT

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CONTENT = ROOT / "content"
SITE = "bureau-figuerolles"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus = load_corpus(CONTENT)
    assert not corpus.problems, corpus.problems[:3]
    return corpus


def _no_process_left() -> None:
    """Waits for the draining threads (each ends once its process ended and was reaped)."""
    for thread in threading.enumerate():
        if thread.name == "p2f-background":
            thread.join()
    assert multiprocessing.active_children() == []


def test_pictures_made_in_the_background_are_the_bytes_fit_makes_here(corpus: Corpus) -> None:
    shared = SharedFiles()
    jobs = picture_jobs(corpus, [SITE], CONTENT, NOW, None, shared)
    assert len(jobs) >= AHEAD_FROM
    ahead = PicturesAhead(jobs)
    ahead.background.wait()  # every picture made in the background process
    assert ahead.finish(shared) == len(jobs)
    assert ahead.background.done_here == 0
    assert shared.ready == {key: images.fit(*job) for key, job in jobs.items()}
    _no_process_left()


def test_pictures_not_started_in_the_background_are_made_at_the_kiosk_step(
    corpus: Corpus,
) -> None:
    jobs = picture_jobs(corpus, [SITE], CONTENT, NOW, None, SharedFiles())
    ahead = PicturesAhead(jobs)
    ahead.stop()  # as if the build reached the kiosk step at once: the rest is made here
    in_background = len(ahead.background.results)
    shared = SharedFiles()
    ahead.finish(shared)
    assert ahead.background.done_here == len(jobs) - in_background
    assert shared.ready == {key: images.fit(*job) for key, job in jobs.items()}
    _no_process_left()


def test_the_background_process_stops_once_the_build_folder_is_gone(
    corpus: Corpus, tmp_path: Path
) -> None:
    jobs = picture_jobs(corpus, [SITE], CONTENT, NOW, None, SharedFiles())
    staging = tmp_path / "staging" / "kiosk"  # a failed build removed its staging folder
    ahead = PicturesAhead(jobs, watch=str(staging))
    ahead.background.wait()
    assert ahead.background.results == {}  # it made nothing for a build nobody will use
    _no_process_left()


def test_a_picture_that_fails_in_the_background_is_named_and_no_process_is_left(
    corpus: Corpus, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    jobs = picture_jobs(corpus, [SITE], content, NOW, None, SharedFiles())
    first = next(iter(jobs))
    _, broken, box = jobs[first]
    jobs[first] = (b"not a picture", broken, box)  # the first one the background process takes
    ahead = PicturesAhead(jobs)
    ahead.background.wait()
    assert ahead.background.failed == 0  # it stopped there, made nothing more
    assert ahead.background.results == {}
    with pytest.raises(ImageProblem, match=f"content/{broken}: cannot read the image"):
        ahead.finish(SharedFiles())
    _no_process_left()


def test_nothing_starts_when_the_current_build_holds_the_pictures(
    corpus: Corpus, tmp_path: Path
) -> None:
    def shared_with_cache() -> SharedFiles:
        shared = SharedFiles()
        shared.pages.keep_in(BuildCache(tmp_path / "cache"), "prefix", lambda slug: slug)
        return shared

    wanted = picture_jobs(corpus, [SITE], CONTENT, NOW, None, shared_with_cache())
    assert len(wanted) >= AHEAD_FROM
    shared = shared_with_cache()  # the next build: the current bundles hold every picture
    held = {str(shared.file_key(key)): key for key in wanted}
    shared.previous_keys = set(held)
    assert start_pictures(corpus, [SITE], CONTENT, NOW, None, shared) is None
    assert picture_jobs(corpus, [SITE], CONTENT, NOW, None, shared) == {}
    # a few new ones: made where the bundle needs them, not worth a process
    shared.previous_keys = set(list(held)[AHEAD_FROM - 1 :])
    assert len(picture_jobs(corpus, [SITE], CONTENT, NOW, None, shared)) == AHEAD_FROM - 1
    assert start_pictures(corpus, [SITE], CONTENT, NOW, None, shared) is None
    shared.previous_keys = set(list(held)[AHEAD_FROM:])  # one more: started
    started = start_pictures(corpus, [SITE], CONTENT, NOW, None, shared)
    assert started is not None and len(started.keys) == AHEAD_FROM
    started.stop()
    _no_process_left()


def test_a_build_that_fails_meanwhile_leaves_no_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "page.html").write_text("{% if %}", encoding="utf-8")
    overrides = {"THEME": str(theme), "P2F_NOW": NOW.isoformat()}
    with caplog.at_level(logging.INFO, logger="p2f_kiosk"), pytest.raises(BuildError):
        build_all(ROOT, ROOT / "pelicanconf.py", tmp_path / "build", overrides=overrides)
    assert "pictures being resized in a background process" in caplog.text
    _no_process_left()
    assert not list((tmp_path / "build").glob(".staging-*"))


BUILD_PROCESS = os.getpid()


def _dies_in_the_background(job: int) -> int:
    if os.getpid() != BUILD_PROCESS:
        os._exit(3)  # as a process killed by the system would vanish, saying nothing
    return job * 2


def test_jobs_a_background_process_that_died_left_are_done_here() -> None:
    background = Background(list(range(5)), _dies_in_the_background)
    assert background.finish() == [0, 2, 4, 6, 8]
    assert background.done_here == 5
    _no_process_left()
