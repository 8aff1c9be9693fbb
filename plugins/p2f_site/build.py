"""``invoke build``: check, run Pelican into a staging folder, then swap the result in.

A content problem or any error Pelican logs aborts the build and leaves ``build/`` as it was:
nothing half-done is ever visible. The layout of ``build/``::

    site  -> .current/site         fixed links: every tool keeps using build/site, build/kiosk
    kiosk -> .current/kiosk
    .current -> .build-<pid>-<ns>  the one link a build replaces (``os.replace``: atomic)
    .build-<pid>-<ns>/             a finished build: site/, kiosk/ and build.json (its id)
    .staging-<pid>/                a build in progress (Pelican writes here)
    .trash/                        replaced builds and leftovers, emptied by a detached process

So the website and the kiosk bundles change together, in one rename: a build killed at any
moment (``kill -9`` included) leaves ``site`` and ``kiosk`` from the same earlier build, and a
publish never sends a new website with old bundles. Whatever a dead build left behind (a
staging folder or a finished build never made current, named with the pid of a process that
no longer runs) is removed by the next build, as are the ``.old-*`` folders of the former
two-step swap. The first build after that former layout moves the old folders aside once.

Deleting a replaced build (~60,000 files at 5,000 documents) is not part of the build: it is
renamed into ``.trash/`` and a detached process deletes it (``p2f_site.trash``). A build that
reads the current build (the incremental build hard-links unchanged pages from it) holds a
shared ``flock`` on it; a build is renamed aside only under an exclusive one, so a concurrent
build never loses the folder it reads.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings

from p2f_build import REPORT_NAME
from p2f_build.cache import CACHE_FOLDER, OPENED, BuildCache
from p2f_build.collector import FREEZE_SETTING, collector_for_build
from p2f_model.problems import ContentError
from p2f_site.inputs import STATS, Scan, scan
from p2f_site.leftovers import CURRENT, FINISHED, OLD, STAGING, current_build, start_removal
from p2f_site.records import load_records, save_records
from p2f_site.spare import TRASH_SETTING, take_site_skeleton, take_spare
from p2f_site.staging import SETTING as STAGING_SETTING
from p2f_site.staging import Staging
from p2f_site.trash import TRASH

OUTPUTS = ("site", "kiosk")
BUILD_ID = "build.json"
NOT_PAGES = ("d", "pagefind")  # deep-link landing pages and the search index's own files


class BuildError(Exception):
    """The build failed; ``build/`` was left untouched."""


@dataclass
class BuildReport:
    seconds: float
    pages_by_lang: dict[str, int]
    kiosks: dict[str, dict[str, int]] = field(default_factory=dict)
    peak_mb: float | None = None
    rendered: int | None = None  # pages rendered by Pelican's writer (None: not counted)
    reused: int | None = None  # pages carried over from the current build (incremental)
    unchanged: bool = False  # no input changed: the current build was kept as it is
    rendered_pages: list[str] = field(default_factory=list)  # their names, in render order
    removers: list[int] = field(default_factory=list)  # pids of the detached processes
    # deleting the replaced build and leftovers (``p2f_site.trash``): tests wait for them

    @property
    def pages(self) -> int:
        return sum(self.pages_by_lang.values())

    def one_line(self) -> str:
        """What a rebuild did and how long it took (``invoke livereload`` prints it per save)."""
        if self.unchanged:
            return f"rebuilt in {self.seconds:.1f} s: no input changed"
        if self.reused is not None:
            done = f"{self.rendered} pages rendered, {self.reused} reused"
        else:
            done = f"{self.pages} pages"
        return f"rebuilt in {self.seconds:.1f} s: {done}"

    def __str__(self) -> str:
        langs = ", ".join(f"{lang}: {n}" for lang, n in sorted(self.pages_by_lang.items()))
        lines = [f"site: {self.pages} pages ({langs})"]
        for site, figures in sorted(self.kiosks.items()):
            lines.append(
                f"kiosk {site}: {figures['slides']} slides, {figures['files']} files, "
                f"{figures['bytes']} bytes"
            )
        if self.unchanged:
            lines.append("incremental: no input changed, the current build is kept")
        elif self.reused is not None:
            lines.append(f"incremental: {self.rendered} pages rendered, {self.reused} reused")
        lines.append(f"build: done in {self.seconds:.1f} s")
        return "\n".join(lines)


class _ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_all(
    root: Path,
    settings_file: Path,
    output: Path,
    overrides: dict[str, Any] | None = None,
    measure_memory: bool = False,
    cache: bool = False,
    keep_previous: bool = False,
) -> BuildReport:
    """Build site and kiosks into ``output/site`` and ``output/kiosk``. Raises ``BuildError``.

    With ``cache``, the build is incremental (``p2f_site.incremental``): it keeps its cache in
    ``output/.cache/``, does nothing when no input changed since the current build, and
    otherwise renders only the pages whose inputs changed. Its output is byte for byte the
    output of a build without cache.

    The build it replaced and what dead builds left are renamed into ``output/.trash/`` and
    deleted by a detached process (``report.removers``), so the build returns without waiting
    for tens of thousands of files to go. With ``keep_previous``, the replaced build is left
    for the caller to remove with ``p2f_site.leftovers.remove_leftovers(output)`` once it has
    answered.
    """
    # fewer full collections, what the build holds frozen (``p2f_build.collector``)
    with collector_for_build() as may_freeze:
        overrides = {FREEZE_SETTING: may_freeze, **(overrides or {})}
        return _build_all(root, settings_file, output, overrides, measure_memory, cache,
                          keep_previous)  # fmt: skip


def _build_all(
    root: Path,
    settings_file: Path,
    output: Path,
    overrides: dict[str, Any] | None,
    measure_memory: bool,
    cache: bool,
    keep_previous: bool,
) -> BuildReport:
    started = time.perf_counter()
    output.mkdir(parents=True, exist_ok=True)
    removers = [pid for pid in [start_removal(output)] if pid is not None]
    staging = output / f"{STAGING}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    settings = read_settings(
        str(settings_file),
        override={
            "OUTPUT_PATH": str(staging / "site"),
            "P2F_KIOSK_PATH": str(staging / "kiosk"),
            "P2F_ROOT": str(root),
            TRASH_SETTING: str(output / TRASH),
            **(overrides or {}),
        },
    )
    reading = _hold_current(output) if cache else None  # the build it hard-links pages from
    try:
        opened = _open_cache(settings, output) if cache else None
        if opened is not None:
            unchanged = _unchanged_report(output, settings["P2F_SCAN"].fingerprint)
            if unchanged is not None:
                opened.close()
                unchanged.seconds = time.perf_counter() - started
                unchanged.removers = removers
                return unchanged
            _load_current(settings, output, reading, opened)
        try:
            if opened is not None:  # the kiosk bundles and folders of the build before
                take_spare(output, staging / "kiosk")
                _take_site_skeleton(settings, output, staging / "site")
            report = _run(settings, staging, measure_memory)
            site = settings.get(STAGING_SETTING)
            if isinstance(site, Staging):  # folders of a recycled website left empty
                site.remove_unused_folders()
            finished = _swap_in(staging, output, report, settings.get("P2F_SCAN"))
            if opened is not None:
                save_records(opened, finished.name, settings.get("P2F_NEW_PAGE_RECORDS", {}))
        finally:
            if opened is not None:
                opened.close()
    finally:
        if reading is not None:
            os.close(reading[1])  # lets go of the shared lock
    remover = None if keep_previous else start_removal(output)
    report.removers = removers + ([remover] if remover is not None else [])
    report.seconds = time.perf_counter() - started
    return report


def _take_site_skeleton(settings: dict[str, Any], output: Path, site: Path) -> None:
    """Start the website from the replaced build's folders (``p2f_site.spare``), if ready."""
    folders = take_site_skeleton(output, site)
    if folders is not None:
        previous = settings.get("P2F_PREVIOUS_SITE")
        staging = Staging(str(site), str(previous) if previous else None, folders)
        settings[STAGING_SETTING] = staging


def _hold_current(output: Path) -> tuple[str, int] | None:
    """The current build's name and an open descriptor holding a shared ``flock`` on it: no
    other build renames it aside while this one reads it. None before the first build."""
    while True:
        name = current_build(output)
        if name is None:
            return None
        try:
            handle = os.open(output / name, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            continue  # replaced and renamed aside meanwhile: read the link again
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            still = os.stat(output / name).st_ino == os.fstat(handle).st_ino
        except FileNotFoundError:
            still = False
        if still:
            return name, handle
        os.close(handle)  # renamed aside before the lock was ours


def _open_cache(settings: dict[str, Any], output: Path) -> BuildCache:
    """Open ``output/.cache`` and digest the inputs."""
    opened = BuildCache(output / CACHE_FOLDER)
    settings[OPENED] = opened
    settings["P2F_SCAN"] = scan(settings, output / CACHE_FOLDER / STATS)
    return opened


def _load_current(
    settings: dict[str, Any], output: Path, reading: tuple[str, int] | None, opened: BuildCache
) -> None:
    """What the current build was made from (once the build has something to do: the page
    records are ~1.4 MB of JSON at 5,000 documents)."""
    current = reading[0] if reading is not None else None
    settings["P2F_PAGE_RECORDS"] = load_records(opened, current)
    if current is not None:
        settings["P2F_PREVIOUS_SITE"] = str(output / current / "site")


def _unchanged_report(output: Path, fingerprint: str) -> BuildReport | None:
    """The current build's report when it was made from exactly these inputs, else None."""
    current = current_build(output)
    if current is None:
        return None
    try:
        recorded = json.loads((output / current / BUILD_ID).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if recorded.get("inputs") != fingerprint or "pages_by_lang" not in recorded:
        return None
    return BuildReport(
        seconds=0.0,
        pages_by_lang=recorded["pages_by_lang"],
        kiosks=recorded.get("kiosks", {}),
        unchanged=True,
    )


def _run(settings: dict[str, Any], staging: Path, measure_memory: bool) -> BuildReport:
    """Run Pelican into ``staging``; any error removes it and raises ``BuildError``."""
    errors = _ErrorCounter()
    logging.getLogger().addHandler(errors)
    if measure_memory:
        tracemalloc.start()
    try:
        Pelican(settings).run()
    except ContentError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(str(error)) from None
    except Exception as error:  # a template or plugin bug: report it, keep build/ as it was
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(
            f"build failed, build/ left unchanged: {type(error).__name__}: {error}"
        ) from error
    finally:
        logging.getLogger().removeHandler(errors)
        peak = tracemalloc.get_traced_memory()[1] / 1e6 if measure_memory else None
        if measure_memory:
            tracemalloc.stop()
    if errors.messages:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError("build failed, build/ left unchanged:\n" + "\n".join(errors.messages))
    return BuildReport(
        seconds=0.0,
        pages_by_lang=_pages_by_lang(settings, staging / "site"),
        kiosks=_kiosk_figures(staging / "kiosk"),
        peak_mb=peak,
        rendered=settings.get("P2F_RENDERED"),
        reused=settings.get("P2F_REUSED") if "P2F_SCAN" in settings else None,
        rendered_pages=settings.get("P2F_RENDERED_NAMES", []),
    )


def _swap_in(staging: Path, output: Path, report: BuildReport, found: Scan | None) -> Path:
    """Make the staging build current with one atomic rename of the ``.current`` link."""
    for name in OUTPUTS:
        (staging / name).mkdir(parents=True, exist_ok=True)
    finished = output / f"{FINISHED}{os.getpid()}-{time.time_ns()}"
    facts: dict[str, Any] = {"id": finished.name}
    if found is not None:  # what it was built from, for the next incremental build
        facts |= {"inputs": found.fingerprint, "pages_by_lang": report.pages_by_lang,
                  "kiosks": report.kiosks}  # fmt: skip
    (staging / BUILD_ID).write_text(json.dumps(facts) + "\n", encoding="utf-8")
    staging.rename(finished)
    _replace_link(output / CURRENT, Path(finished.name))  # the switch
    for name in OUTPUTS:
        _fixed_link(output, name)
    return finished


def _replace_link(link: Path, target: Path) -> None:
    temporary = link.with_name(f"{link.name}.new-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, link)


def _fixed_link(output: Path, name: str) -> None:
    """``build/<name> -> .current/<name>``; a folder of the former layout goes aside once."""
    path, target = output / name, Path(CURRENT) / name
    if path.is_symlink() and Path(os.readlink(path)) == target:
        return
    if path.exists() and not path.is_symlink():
        old = output / f"{OLD}{name}"
        shutil.rmtree(old, ignore_errors=True)
        path.rename(old)
    _replace_link(path, target)


def _pages_by_lang(settings: dict[str, Any], site: Path) -> dict[str, int]:
    """HTML pages per language, from the names the page writer rendered or linked and the
    website's other outputs linked (``Staging``: ~7,500 names at 5,000 documents, where walking
    the site's ~7,500 folders cost ~0.1 s of CPU per build); the walk without one."""
    made = settings.get(STAGING_SETTING)
    if isinstance(made, Staging) and made.root == os.path.abspath(site):
        return count_page_names(made.pages | made.linked)
    return _count_pages(site)


def count_page_names(names: Iterable[str]) -> dict[str, int]:
    """``_count_pages`` for a website's file names (relative, normalised)."""
    counts: Counter[str] = Counter()
    for name in names:
        if not name.endswith(".html"):
            continue
        top, folder, _ = name.partition("/")
        if folder and top in NOT_PAGES:
            continue
        counts[top if folder and top in ("en", "de", "es") else "fr"] += 1
    return {lang: n for lang, n in counts.items() if n}


def _count_pages(site: Path) -> dict[str, int]:
    """HTML pages per language: ``en/``, ``de/``, ``es/``, the rest French. The deep-link
    landings and the search index's folders are not walked (at 5,000 documents, walking them
    with ``Path.rglob`` cost ~1 s of CPU per build)."""
    counts: Counter[str] = Counter()
    with os.scandir(site) as entries:
        for top in entries:
            lang = top.name if top.name in ("en", "de", "es") else "fr"
            if top.is_dir(follow_symlinks=False):
                if top.name not in NOT_PAGES:
                    counts[lang] += sum(_html_files(top.path))
            elif top.name.endswith(".html"):
                counts[lang] += 1
    return {lang: n for lang, n in counts.items() if n}


def _html_files(folder: str) -> Iterator[bool]:
    for _, _, names in os.walk(folder):
        for name in names:
            yield name.endswith(".html")


def _kiosk_figures(kiosk: Path) -> dict[str, dict[str, int]]:
    """Per site: slide pages, files and bytes, from the report the kiosk plugin wrote (the
    plugin counted them while writing; walking ~1,000 files per site again costs seconds)."""
    report = kiosk / REPORT_NAME
    if not report.exists():
        return {}
    sites = json.loads(report.read_text(encoding="utf-8"))
    return {
        site: {"slides": r["slide_pages"], "files": r["files"], "bytes": r["total_bytes"]}
        for site, r in sorted(sites.items())
    }
