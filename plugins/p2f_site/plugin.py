"""Signal receivers of the p2f_site plugin."""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date
from pelican import signals

from p2f_build import build_time
from p2f_build.cache import INPUTS, build_cache
from p2f_build.collector import freeze_held
from p2f_build.templates import use_bytecode_cache
from p2f_model.drafts import published
from p2f_model.images import MAX_IMAGE_BYTES, image_problem
from p2f_model.load import ContentFileError, load_corpus, read_content_file
from p2f_model.memo import CheckMemo
from p2f_model.problems import ContentError, Problem
from p2f_model.settings import banner_levels
from p2f_model.territory import from_environ
from p2f_model.vocabulary import CATEGORIES, KIND_FOLDERS, SITE_LANGUAGES
from p2f_player.contract.rules import PARIS
from p2f_site.hours import hours_coverage_end, open_windows, week_schedule
from p2f_site.hours_words import week_words
from p2f_site.i18n import load_catalogs, make_gettext
from p2f_site.incremental import CachingWriter, recording
from p2f_site.inputs import inputs_for
from p2f_site.lists import ListsGenerator
from p2f_site.reader import ContentModelReader
from p2f_site.ui import LANG_NAMES, ui
from p2f_site.urls import item_url, view_url

log = logging.getLogger(__name__)

# Browser libraries installed by npm (package.json), copied into the output at build time so
# the repository never holds their code: node_modules path -> path under theme/vendor/.
VENDOR_FILES = {
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",
    "opening_hours/build/opening_hours.js": "opening_hours.js",
    "suncalc/suncalc.cjs": "suncalc.js",  # UMD: sets window.SunCalc
}


def iso(moment: datetime) -> str:
    """An aware date-time as ISO 8601 in Paris time, for ``datetime`` attributes and scripts."""
    return moment.astimezone(PARIS).isoformat(timespec="minutes")


def month_name(month: str, lang: str) -> str:
    """``2026-12`` -> ``décembre 2026`` (``December 2026``...), by Babel's CLDR data."""
    year, number = (int(part) for part in month.split("-"))
    return str(format_date(date(year, number, 1), "LLLL y", locale=lang)).capitalize()


def day_name(day: date, lang: str) -> str:
    """``lundi``, ``Monday``, ``Montag``, ``lunes``."""
    return str(format_date(day, "EEEE", locale=lang))


def load_content(pelican: Any) -> None:
    """Load and validate the whole corpus once, before any file is read or written.

    A content problem stops the build here, with the same lines as ``invoke check``.
    """
    content = Path(pelican.settings["PATH"])
    base = Path(pelican.settings.get("P2F_ROOT", content.parent)).resolve()
    memo = _check_memo(pelican.settings)
    found = pelican.settings.get("P2F_SCAN")
    # the scan read and digested every content file: an unchanged one is not read again
    digests = found.files if found is not None else None
    corpus = load_corpus(content, base, from_environ(os.environ), memo, digests)
    if corpus.problems:
        raise ContentError(corpus.problems)
    corpus = published(corpus)  # drafts are checked above, built nowhere (p2f_model.drafts)
    if found is not None:  # an incremental build: note what each page reads, digest inputs
        corpus = recording(corpus)
        pelican.settings[INPUTS] = inputs_for(found, corpus, base)
    # ``base`` is resolved and ``load_corpus`` refuses links under the content folder, so
    # joining gives the resolved path (``Path.resolve`` of 5,000 files cost ~0.2 s a build)
    sources = {}
    root = str(base)
    for item in corpus.items.values():
        for lang, text in item.texts.items():
            sources[os.path.normpath(os.path.join(root, text.path))] = (item, lang)
    pelican.settings["P2F_CORPUS"] = corpus
    pelican.settings["P2F_SOURCES"] = sources
    now = build_time(pelican.settings)

    def hours(expression: str) -> str:
        return corpus.remember("open-windows", expression, lambda e: open_windows(e, now))

    weeks: dict[str, list[tuple[datetime, list[tuple[str, str]]]]] = {}

    def week(expression: str) -> list[tuple[datetime, list[tuple[str, str]]]]:
        if expression not in weeks:
            weeks[expression] = week_schedule(expression, now)
        return weeks[expression]

    jinja_globals = pelican.settings.setdefault("JINJA_GLOBALS", {})
    translations = Path(pelican.settings["THEME"]) / "translations"
    jinja_globals.update(
        _=make_gettext(load_catalogs(translations, SITE_LANGUAGES)),
        ui=ui,
        lang_names=LANG_NAMES,
        languages=SITE_LANGUAGES,
        place_categories=CATEGORIES,
        folders=KIND_FOLDERS,
        url_for=item_url,
        view_url=view_url,
        public_url=pelican.settings.get("P2F_PUBLIC_URL", "").rstrip("/"),
        hours=hours,
        week=week,
        banner_levels=banner_levels(corpus.settings),
        hours_words=lambda expression, lang: week_words(
            expression, lang, now.astimezone(PARIS).date()
        ),
        day_name=day_name,
        hours_until=iso(hours_coverage_end(now)),
        iso=iso,
        month_name=month_name,
        build_now=now,
        to_json=lambda value: json.dumps(value, ensure_ascii=False, default=str),
    )
    freeze_held(pelican.settings)  # the corpus lives until the build ends: no collection walks it


def _check_memo(settings: dict[str, Any]) -> CheckMemo | None:
    """The check's per-file answers kept in the build cache, keyed with the build's code digest
    (``p2f_site.inputs.Scan.code``: the plugins' code and the libraries' versions); None for a
    build without cache."""
    found = settings.get("P2F_SCAN")
    return None if found is None else CheckMemo(build_cache(settings), found.code)


def copy_vendor(pelican: Any) -> None:
    """Copy the npm-installed browser libraries into ``theme/vendor/`` of the output."""
    modules = Path(pelican.settings["P2F_NODE_MODULES"])
    target = Path(pelican.settings["OUTPUT_PATH"]) / "theme" / "vendor"
    for source, destination in VENDOR_FILES.items():
        origin, final = modules / source, target / destination
        if not origin.exists():
            log.error("%s is missing: run `npm ci` in the project folder", origin)
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, final, dirs_exist_ok=True)
        else:
            shutil.copyfile(origin, final)


def copy_images(pelican: Any) -> None:
    """Publish the original of each image an item shows, and nothing else from ``content/``.

    Pelican's ``STATIC_PATHS`` would copy a whole folder, links and stray files included
    (``credits.txt -> keys/kiosk.key``); here each file is read without following links and
    must decode as a raster image, even if ``invoke check`` was skipped. Raises
    ``ContentError`` naming each refused file: the build stops and publishes nothing.
    """
    corpus = pelican.settings["P2F_CORPUS"]
    content = Path(pelican.settings["PATH"])
    base = Path(pelican.settings.get("P2F_ROOT", content.parent)).resolve()
    shown = content.resolve()
    prefix = shown.relative_to(base).as_posix() if shown.is_relative_to(base) else shown.name
    output = Path(pelican.settings["OUTPUT_PATH"])
    sources = {image.src for item in corpus.items.values() for image in item.data.images}
    problems = []
    memo = _check_memo(pelican.settings)
    decode = memo.decode_problem if memo is not None else None
    for src in sorted(sources):
        try:
            data = read_content_file(content, src, MAX_IMAGE_BYTES)
        except ContentFileError as error:
            problems.append(Problem(f"{prefix}/{src}", 1, "file", error.message))
            continue
        problem = image_problem(src, data, decode)
        if problem is not None:
            problems.append(Problem(f"{prefix}/{src}", 1, "file", problem))
            continue
        target = output / src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if problems:
        raise ContentError(problems)


def add_reader(readers: Any) -> None:
    # Only items: Pelican's own readers would publish an .html (or .rst) file dropped into a
    # content folder as a page of the site.
    readers.reader_classes.clear()
    readers.reader_classes["md"] = ContentModelReader


def add_generators(pelican: Any) -> type:
    return ListsGenerator


def add_writer(pelican: Any) -> type:
    return CachingWriter  # renders every page unless the build runs with a cache


def register() -> None:
    signals.get_writer.connect(add_writer)
    signals.generator_init.connect(use_bytecode_cache)  # templates compiled once, kept
    signals.initialized.connect(load_content)
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(add_generators)
    signals.finalized.connect(copy_vendor)
    signals.finalized.connect(copy_images)
