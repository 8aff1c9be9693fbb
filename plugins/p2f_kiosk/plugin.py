"""Signal receivers of the p2f_kiosk plugin.

The kiosk step starts with the build (``start_kiosk``, on ``get_generators``: the corpus is
loaded, the website not read yet): what it settles then (the build's moment, the files of the
current build, the pictures' job list) goes to ``write_bundles`` (``finalized``, once the
website is written) through the settings, with the pictures being resized meanwhile in one
background process on the core the website's rendering leaves idle.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from p2f_editorial.settings import EditorialSettings
from p2f_editorial.settings import from_dict as editorial_settings
from pelican import signals

from p2f_build import REPORT_NAME, build_time
from p2f_build.cache import Inputs, build_cache, build_inputs, key, tree_digest
from p2f_build.collector import freeze_held
from p2f_build.templates import bytecode_cache
from p2f_kiosk.bundle import write_bundle
from p2f_kiosk.bundle_writer import BundleReport
from p2f_kiosk.directory import use_bytecode_cache
from p2f_kiosk.pictures import PicturesAhead, start_pictures
from p2f_kiosk.previous import PreviousBundle, load_bundle, save_keys
from p2f_kiosk.recycle import TRASH_SETTING, discard_spare, recycled_bundles
from p2f_kiosk.shared import SharedFiles
from p2f_kiosk.workers import build_in_workers, can_fork, in_process
from p2f_model.corpus import Corpus
from p2f_site.reader import MARKDOWN_HTML

log = logging.getLogger(__name__)
WORKERS_SETTING = "P2F_KIOSK_WORKERS"
START_SETTING = "P2F_KIOSK_START"  # this build's ``KioskStart``, from ``start_kiosk``


@dataclass
class KioskStart:
    """What the kiosk step settles at the start of a build (one per build, never reused)."""

    corpus: Corpus
    now: datetime  # the moment the bundles are planned for
    editorial: EditorialSettings | None
    shared: SharedFiles  # pictures resized once per screen size, not per site
    inputs: Inputs | None  # None: a build without the cache
    cache: Any
    sites: list[str]
    previous: dict[str, PreviousBundle]  # the current build's bundles, whose keys are known
    pictures: PicturesAhead | None  # being resized in the background


def start_kiosk(pelican: Any) -> None:
    """``get_generators``: settle the kiosk step's start and start resizing its pictures."""
    settings = pelican.settings
    _stop(settings.pop(START_SETTING, None))  # a run of these settings that never finished
    if "P2F_CORPUS" in settings:  # else loaded later: ``write_bundles`` starts it there
        settings[START_SETTING] = kiosk_start(settings)


def kiosk_start(settings: Any) -> KioskStart:
    """The kiosk step's start; the pictures the bundles will need and the current build does
    not hold are being resized in a background process, which stops if the staging kiosk
    folder is removed (the build failed: ``p2f_site.build`` removes its staging folder)."""
    corpus = settings["P2F_CORPUS"]
    now = build_time(settings)
    editorial = editorial_settings(settings.get("P2F_EDITORIAL"))  # hide_past_hard_limit
    shared = SharedFiles()
    inputs = build_inputs(settings)
    cache = build_cache(settings)
    sites = sorted(item.slug for item in corpus.of_kind("site"))
    previous: dict[str, PreviousBundle] = {}
    if inputs is not None:  # a build with the cache: slides and item pages kept between builds
        templates = tree_digest(Path(settings["THEME"]) / "kiosk")
        shared.pages.keep_in(cache, key(inputs.globals, templates), inputs.item)
        previous = _previous_bundles(settings, sites, cache)
        shared.previous_keys = {
            k for bundle in previous.values() for k in bundle.keys.values() if k
        }
    kiosk_root = Path(settings["P2F_KIOSK_PATH"])
    kiosk_root.mkdir(parents=True, exist_ok=True)  # watched by the background process
    # pictures the current bundles hold under the same key are linked, not made ahead
    content = Path(settings["PATH"])
    pictures = start_pictures(corpus, sites, content, now, editorial, shared, str(kiosk_root))
    if pictures is not None:
        log.info("kiosk: %d pictures being resized in a background process", len(pictures.keys))
    return KioskStart(corpus, now, editorial, shared, inputs, cache, sites, previous, pictures)


def write_bundles(pelican: Any) -> None:
    settings = pelican.settings
    # the website's pages, cards and records live until the build ends: no collection of the
    # kiosk step walks them (``p2f_build.collector``)
    freeze_held(settings)
    start = settings.pop(START_SETTING, None)
    if start is None or start.corpus is not settings["P2F_CORPUS"]:  # not from this run
        _stop(start)
        start = kiosk_start(settings)
    try:
        _write_bundles(settings, start)
    finally:
        _stop(start)  # a failed step leaves nothing running


def _stop(start: KioskStart | None) -> None:
    if start is not None and start.pictures is not None:
        start.pictures.stop()


def _write_bundles(settings: Any, start: KioskStart) -> None:
    corpus, now, editorial, shared = start.corpus, start.now, start.editorial, start.shared
    inputs, cache, sites, previous = start.inputs, start.cache, start.sites, start.previous
    kiosk_root = Path(settings["P2F_KIOSK_PATH"])
    compiled = bytecode_cache(settings)  # None for a build without the cache
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(settings["THEME"]) / "kiosk")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=compiled,
    )
    use_bytecode_cache(shared, compiled)
    reports = {}
    written, linked, kept, records = 0, 0, 0, []
    spares: dict[str, PreviousBundle] = {}
    if inputs is not None:
        spares = recycled_bundles(kiosk_root, sites, cache, settings.get(TRASH_SETTING))
    else:
        discard_spare(kiosk_root, settings.get(TRASH_SETTING))
    _take_pictures(start.pictures, shared)

    def build_one(site: str) -> BundleReport:
        _, report = write_bundle(
            corpus,
            site,
            kiosk_root / site,
            Path(settings["PATH"]),
            env,
            now,
            settings.get("P2F_PUBLIC_URL", "https://livep2f.com"),
            editorial,
            shared,
            previous.get(site),
            spares.get(site),
        )
        return report

    workers = kiosk_workers(settings)
    # With the cache, the work is proportional to the change and the pieces go to the build's
    # cache (one SQLite connection, not shared with children): built in this process.
    if inputs is None and workers > 1 and len(sites) > 2 and can_fork():
        # one site per set of languages first, here: its pages are rendered once, and the
        # workers inherit the pieces (each would render them again otherwise)
        first = list({tuple(corpus.items[s].data.languages): s for s in reversed(sites)}.values())
        built = in_process(sorted(first), build_one)
        rest = [site for site in sites if site not in built]
        built |= build_in_workers(rest, build_one, workers)
    else:
        built = in_process(sites, build_one)
    for site in sites:
        report = built[site]
        reports[site] = report.as_dict()
        written += report.written
        linked += report.linked
        kept += report.kept
        if report.file_keys is not None:
            records.append(report.file_keys)
        left_out = ", ".join(f"{n} {why}" for why, n in sorted(report.left_out.items()))
        log.info(
            "kiosk %s: %d slides (%d pages), %d directory pages, %d bytes; left out: %s",
            site, report.slides, report.pages, report.directory_pages,
            sum(report.bytes_by_part.values()), left_out or "none",
        )  # fmt: skip
    log.info(
        "kiosk: %d files written, %d linked from the current build, %d kept in place from "
        "the build before", written, linked, kept,
    )  # fmt: skip
    save_keys(cache, records, list(previous.values()))
    corpus.forget(MARKDOWN_HTML)  # no later step reads the bodies' Markdown output
    # Next to the bundles, not inside one: it is not part of what a screen downloads.
    (kiosk_root / REPORT_NAME).unlink(missing_ok=True)  # a spare's: never write through it
    (kiosk_root / REPORT_NAME).write_text(json.dumps(reports, indent=1, sort_keys=True))


def _take_pictures(pictures: PicturesAhead | None, shared: SharedFiles) -> None:
    if pictures is None:  # few or none to make: made where the bundles need them
        log.info("kiosk: no picture resized ahead")
        return
    made = pictures.finish(shared)
    background = pictures.background
    log.info(
        "kiosk: %d pictures resized ahead, %d of them in a background process from the start "
        "of the build, %d at the kiosk step (waited %.1f s for the background process)",
        made, made - background.done_here, background.done_here, background.waited_s,
    )  # fmt: skip


def kiosk_workers(settings: Any) -> int:
    """``P2F_KIOSK_WORKERS``: processes building the bundles of a build without cache (default
    1 = in the build's process: at 5,000 documents on 2 cores, 2 workers cost 128 s of CPU and
    88 s of wall against 81 s and 68 s in one process, since each worker renders the shared
    pages again while Pagefind runs beside them; docs/build-speed.md)."""
    value = settings.get(WORKERS_SETTING, 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{WORKERS_SETTING}: {value!r}: give a whole number from 1 (e.g. 2)")
    return value


def _previous_bundles(settings: Any, sites: list[str], cache: Any) -> dict[str, PreviousBundle]:
    """The current build's bundles whose files' keys are known (``p2f_kiosk.previous``)."""
    site = settings.get("P2F_PREVIOUS_SITE")
    if not site:
        return {}
    found = {}
    for slug in sites:
        folder = Path(site).parent / "kiosk" / slug
        bundle = load_bundle(cache, folder)
        if bundle is not None:
            found[slug] = bundle
    return found


def register() -> None:
    signals.get_generators.connect(start_kiosk)
    signals.finalized.connect(write_bundles)
