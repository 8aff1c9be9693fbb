"""Signal receivers of the p2f_web plugin: the only place where it touches files."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from pelican import signals

from p2f_web.config import read_settings
from p2f_web.documents import website_documents
from p2f_web.search import build_search_index
from p2f_web.template_api import TemplateApi

log = logging.getLogger(__name__)


def add_template_globals(pelican: Any) -> None:
    """Check the settings and give templates the API of docs/website-data.md.

    Runs after p2f_site's ``initialized`` receiver (this plugin comes after it in PLUGINS).
    """
    web = read_settings(pelican.settings)
    pelican.settings["P2F_WEB"] = web
    jinja_globals = pelican.settings.setdefault("JINJA_GLOBALS", {})
    jinja_globals.update(TemplateApi(pelican.settings, web).globals())


def write_outputs(pelican: Any) -> None:
    """Write the machine-facing files, then index the finished site with Pagefind."""
    settings = pelican.settings
    web = settings["P2F_WEB"]
    site = Path(settings["OUTPUT_PATH"])
    files = website_documents(settings["P2F_CORPUS"], web, web.now)
    for name, data in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    log.info("web: %d machine-facing files written", len(files))
    log.info("web: %s", build_search_index(site, web.pagefind_command).strip().splitlines()[-1:])


def register() -> None:
    signals.initialized.connect(add_template_globals)
    signals.finalized.connect(write_outputs)
