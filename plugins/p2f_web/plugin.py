"""Signal receivers of the p2f_web plugin: the only place where it touches files."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals

from p2f_build.cache import build_inputs
from p2f_web.config import read_settings
from p2f_web.outputs import write_web_outputs
from p2f_web.search_job import SearchJob, SearchReport
from p2f_web.template_api import TemplateApi

log = logging.getLogger(__name__)
SEARCH_JOB = "P2F_SEARCH_JOB"  # settings key: the Pagefind job started after the pages


def add_template_globals(pelican: Any) -> None:
    """Check the settings and give templates the API of docs/website-data.md.

    Runs after p2f_site's ``initialized`` receiver (this plugin comes after it in PLUGINS).
    """
    web = read_settings(pelican.settings)
    pelican.settings["P2F_WEB"] = web
    jinja_globals = pelican.settings.setdefault("JINJA_GLOBALS", {})
    jinja_globals.update(TemplateApi(pelican.settings, web).globals())


def write_outputs(pelican: Any) -> None:
    """Write the machine-facing files, then wait for the search index (started after the pages,
    it ran beside the kiosk bundles)."""
    settings = pelican.settings
    log.info("web: %s", write_web_outputs(settings))
    log.info("web: %s", finish_search_index(settings).one_line())


class SearchIndexStarter:
    """Not a generator of pages: Pelican runs it after p2f_site's lists (the last pages
    written; this plugin comes after p2f_site in PLUGINS) and before the ``finalized`` steps,
    so Pagefind runs beside the kiosk bundles instead of after them."""

    def __init__(self, *args: Any, settings: dict[str, Any], **kwargs: Any) -> None:
        self.settings = settings

    def generate_output(self, writer: Any) -> None:
        start_search_index(self.settings)


def start_search_index(settings: dict[str, Any]) -> SearchJob:
    """Start Pagefind in the background over the pages written so far."""
    previous = settings.get("P2F_PREVIOUS_SITE")  # the current build (incremental builds)
    job = SearchJob(
        Path(settings["OUTPUT_PATH"]),
        settings["P2F_WEB"].pagefind_command,
        Path(previous) if previous else None,
        keep_digests=build_inputs(settings) is not None,  # builds with the cache
    )
    settings[SEARCH_JOB] = job.start()
    return job


def finish_search_index(settings: dict[str, Any]) -> SearchReport:
    """Wait for the job ``start_search_index`` started (start one if none was). Raises
    ``SearchIndexError`` with Pagefind's message."""
    job = settings.pop(SEARCH_JOB, None)
    if job is None:
        job = start_search_index(settings)
        settings.pop(SEARCH_JOB)
    report: SearchReport = job.wait()
    return report


def add_generators(pelican: Any) -> type:
    return SearchIndexStarter


def register() -> None:
    signals.initialized.connect(add_template_globals)
    signals.get_generators.connect(add_generators)
    signals.finalized.connect(write_outputs)
