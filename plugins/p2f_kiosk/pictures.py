"""The pictures of every site's bundle resized ahead, in worker processes (Pillow's decode,
resize and encode: the most expensive step of a kiosk build whatever the content's size).

``prepare_pictures`` lists what the bundles will ask ``SharedFiles`` for (each slide item's
pictures in the site's slide box, the first picture of each directory item and of each slide's
partner in the thumbnail box), resizes each distinct (source bytes, box, format) once, over
``workers`` processes (fork: they inherit the loaded modules, not a copy of work to do), and
leaves the bytes in ``SharedFiles.ready``; the bundles then write and link them as before. The
bytes are those ``images.fit`` gives in the build's own process: the same function, the same
input. Whatever the list misses is still made on demand; with one worker, or where processes
cannot fork, nothing is made ahead.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Hashable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from p2f_editorial.settings import EditorialSettings

from p2f_kiosk import images
from p2f_kiosk.bundle import media_box, picture_key, planned_slides, source_digest
from p2f_kiosk.directory import directory_items
from p2f_kiosk.plan import site_document
from p2f_kiosk.shared import SharedFiles
from p2f_model.corpus import Corpus
from p2f_model.images import MAX_IMAGE_BYTES
from p2f_model.load import read_content_file

Job = tuple[bytes, str, images.Box]


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


def prepare_pictures(
    corpus: Corpus,
    sites: list[str],
    content_dir: Path,
    now: datetime,
    editorial: EditorialSettings | None,
    shared: SharedFiles,
    workers: int | None = None,
) -> int:
    """Resize the bundles' pictures ahead over ``workers`` processes; return how many.
    Raises ``images.ImageProblem`` for a picture that cannot be read, as the bundle would."""
    workers = default_workers() if workers is None else workers
    if workers < 2:
        return 0
    jobs = picture_jobs(corpus, sites, content_dir, now, editorial, shared)
    if len(jobs) < 2:
        return 0
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this system: made one by one, on demand
        return 0
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        made = pool.map(_fit, jobs.values(), chunksize=4)
        shared.ready.update(zip(jobs, made, strict=True))
    return len(jobs)


def _fit(job: Job) -> bytes:
    """In a worker: ``images.fit`` looked up there (sent by name, not pickled)."""
    return images.fit(*job)
