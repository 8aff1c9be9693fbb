"""The pictures of every site's bundle resized ahead (Pillow's decode, resize and encode: the
most expensive step of a kiosk build whatever the content's size).

``picture_jobs`` lists what the bundles will ask ``SharedFiles`` for (each slide item's
pictures in the site's slide box, the first picture of each directory item and of each slide's
partner in the thumbnail box), each distinct (source bytes, box, format) once. ``PicturesAhead``
resizes them in one background process from the start of the build (``start_pictures``: the
website is rendered meanwhile on the other core); at the kiosk step, ``finish`` makes the ones
not started yet in the build's process, beside it, and leaves every picture's bytes in
``SharedFiles.ready``; the bundles then write and link them as before. ``prepare_pictures`` does
both at once. The bytes are those ``images.fit`` gives in the build's own process: the same
function, the same input. Whatever the list misses is still made on demand; with one CPU, or
where processes cannot fork, nothing is made ahead.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from datetime import datetime
from pathlib import Path

from p2f_editorial.settings import EditorialSettings

from p2f_kiosk import images
from p2f_kiosk.background import Background
from p2f_kiosk.bundle import media_box, picture_key, planned_slides, source_digest
from p2f_kiosk.directory import directory_items
from p2f_kiosk.plan import site_document
from p2f_kiosk.shared import SharedFiles
from p2f_kiosk.workers import can_fork
from p2f_model.corpus import Corpus
from p2f_model.images import MAX_IMAGE_BYTES
from p2f_model.load import read_content_file

Job = tuple[bytes, str, images.Box]
# Fewer pictures to make than this (an edit: the current build holds the others): made where
# the bundles need them; a background process would cost the build's process more (its fork).
AHEAD_FROM = 8


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def picture_jobs(
    corpus: Corpus,
    sites: list[str],
    content_dir: Path,
    now: datetime,
    editorial: EditorialSettings | None,
    shared: SharedFiles,
) -> dict[Hashable, Job]:
    """Each distinct picture the bundles of ``sites`` will hold, not yet made."""
    wanted: list[tuple[str, images.Box]] = []
    for slug in sites:
        site = site_document(corpus.items[slug], corpus.settings)
        hero, thumb = media_box(site), images.thumb_box(site["width"])
        for planned in planned_slides(corpus, slug, now, editorial, shared)[0]:
            wanted += [(picture.src, hero) for picture in planned.item.data.images]
            partner = corpus.items.get(getattr(planned.item.data, "partner", None) or "")
            if partner is not None and partner.data.images:
                wanted.append((partner.data.images[0].src, thumb))
        for items in directory_items(corpus, slug, now, shared).values():
            wanted += [(i.data.images[0].src, thumb) for i in items if i.data.images]
    sources: dict[str, bytes] = {}
    jobs: dict[Hashable, Job] = {}
    for src, box in dict.fromkeys(wanted):
        if src not in sources:  # read and hashed once per build (the bundles ask the digest)
            sources[src] = read_content_file(content_dir, src, MAX_IMAGE_BYTES)
        key = picture_key(source_digest(shared, content_dir, src, sources[src]), src, box)
        if key not in jobs and key not in shared.made and not shared.in_previous_build(key):
            jobs[key] = (sources[src], src, box)
    return jobs


class PicturesAhead:
    """The pictures of ``jobs`` being resized in one background process (``Background``)."""

    def __init__(self, jobs: dict[Hashable, Job], watch: str | None = None) -> None:
        self.keys = list(jobs)
        self.background = Background(list(jobs.values()), _fit, watch)

    def finish(self, shared: SharedFiles) -> int:
        """Every picture's bytes in ``shared.ready`` (those not started yet made here); return
        how many. Raises ``images.ImageProblem`` for a picture that cannot be read."""
        made = self.background.finish()
        shared.ready.update(zip(self.keys, made, strict=True))
        return len(self.keys)

    def stop(self) -> None:
        """Nothing more made in the background (a build that fails); returns once it ended."""
        self.background.stop()


def start_pictures(
    corpus: Corpus,
    sites: list[str],
    content_dir: Path,
    now: datetime,
    editorial: EditorialSettings | None,
    shared: SharedFiles,
    watch: str | None = None,
    least: int = AHEAD_FROM,
    workers: int | None = None,
) -> PicturesAhead | None:
    """The bundles' pictures being resized in a background process that stops once ``watch``
    (a folder of the build) is gone; None when fewer than ``least`` are to be made, with
    fewer than 2 ``workers`` (default: the CPUs, at most 2), or without fork (then the bundles
    make them where they need them)."""
    workers = default_workers() if workers is None else workers
    if workers < 2 or not can_fork():
        return None
    jobs = picture_jobs(corpus, sites, content_dir, now, editorial, shared)
    return PicturesAhead(jobs, watch) if len(jobs) >= least else None


def prepare_pictures(
    corpus: Corpus,
    sites: list[str],
    content_dir: Path,
    now: datetime,
    editorial: EditorialSettings | None,
    shared: SharedFiles,
    workers: int | None = None,
) -> int:
    """Resize the bundles' pictures ahead, in a background process and in this one, and wait
    for them; return how many. Raises ``images.ImageProblem`` for a picture that cannot be
    read, as the bundle would."""
    ahead = start_pictures(
        corpus, sites, content_dir, now, editorial, shared, least=2, workers=workers
    )
    return 0 if ahead is None else ahead.finish(shared)


def _fit(job: Job) -> bytes:
    """``images.fit`` looked up when called (in the background process too: sent by name)."""
    return images.fit(*job)
