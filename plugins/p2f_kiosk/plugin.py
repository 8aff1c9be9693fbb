"""Signal receivers of the p2f_kiosk plugin."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import jinja2
from p2f_editorial.settings import from_dict as editorial_settings
from pelican import signals

from p2f_build import REPORT_NAME, build_time
from p2f_build.cache import build_cache, build_inputs, key, tree_digest
from p2f_kiosk.bundle import write_bundle
from p2f_kiosk.bundle_writer import BundleReport
from p2f_kiosk.pictures import prepare_pictures
from p2f_kiosk.previous import PreviousBundle, load_bundle, save_keys
from p2f_kiosk.recycle import TRASH_SETTING, discard_spare, recycled_bundles
from p2f_kiosk.shared import SharedFiles
from p2f_kiosk.workers import build_in_workers, can_fork, in_process
from p2f_site.reader import MARKDOWN_HTML

log = logging.getLogger(__name__)
WORKERS_SETTING = "P2F_KIOSK_WORKERS"


def write_bundles(pelican: Any) -> None:
    settings = pelican.settings
    corpus = settings["P2F_CORPUS"]
    kiosk_root = Path(settings["P2F_KIOSK_PATH"])
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(settings["THEME"]) / "kiosk")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    now = build_time(settings)
    editorial = editorial_settings(settings.get("P2F_EDITORIAL"))  # hide_past_hard_limit
    reports = {}
    written, linked, kept, records = 0, 0, 0, []
    shared = SharedFiles()  # pictures resized once per screen size, not per site
    inputs = build_inputs(settings)
    cache = build_cache(settings)
    sites = sorted(item.slug for item in corpus.of_kind("site"))
    previous: dict[str, PreviousBundle] = {}
    spares: dict[str, PreviousBundle] = {}
    if inputs is not None:  # a build with the cache: slides and item pages kept between builds
        templates = tree_digest(Path(settings["THEME"]) / "kiosk")
        shared.pages.keep_in(cache, key(inputs.globals, templates), inputs.item)
        previous = _previous_bundles(settings, sites, cache)
        shared.previous_keys = {
            k for bundle in previous.values() for k in bundle.keys.values() if k
        }
        spares = recycled_bundles(kiosk_root, sites, cache, settings.get(TRASH_SETTING))
    else:
        discard_spare(kiosk_root, settings.get(TRASH_SETTING))
    # pictures the current bundles hold under the same key are linked, not made ahead
    ahead = prepare_pictures(corpus, sites, Path(settings["PATH"]), now, editorial, shared)
    log.info("kiosk: %d pictures resized ahead in worker processes", ahead)

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
    signals.finalized.connect(write_bundles)
