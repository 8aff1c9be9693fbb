"""``invoke build``: check, run Pelican into a staging folder, then swap the result in.

A content problem or any error Pelican logs aborts the build and leaves ``build/`` as it was:
nothing half-done is ever visible.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings

from p2f_kiosk.plugin import REPORT_NAME
from p2f_model.problems import ContentError

OUTPUTS = ("site", "kiosk")
NOT_PAGES = ("d", "pagefind")  # deep-link landing pages and the search index's own files


class BuildError(Exception):
    """The build failed; ``build/`` was left untouched."""


@dataclass
class BuildReport:
    seconds: float
    pages_by_lang: dict[str, int]
    kiosks: dict[str, dict[str, int]] = field(default_factory=dict)
    peak_mb: float | None = None

    @property
    def pages(self) -> int:
        return sum(self.pages_by_lang.values())

    def __str__(self) -> str:
        langs = ", ".join(f"{lang}: {n}" for lang, n in sorted(self.pages_by_lang.items()))
        lines = [f"site: {self.pages} pages ({langs})"]
        for site, figures in sorted(self.kiosks.items()):
            lines.append(
                f"kiosk {site}: {figures['slides']} slides, {figures['files']} files, "
                f"{figures['bytes']} bytes"
            )
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
) -> BuildReport:
    """Build site and kiosks into ``output/site`` and ``output/kiosk``. Raises ``BuildError``."""
    started = time.perf_counter()
    output.mkdir(parents=True, exist_ok=True)
    staging = output / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    settings = read_settings(
        str(settings_file),
        override={
            "OUTPUT_PATH": str(staging / "site"),
            "P2F_KIOSK_PATH": str(staging / "kiosk"),
            "P2F_ROOT": str(root),
            **(overrides or {}),
        },
    )
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
    report = BuildReport(
        seconds=0.0,
        pages_by_lang=_count_pages(staging / "site"),
        kiosks=_kiosk_figures(staging / "kiosk"),
        peak_mb=peak,
    )
    _swap_in(staging, output)
    report.seconds = time.perf_counter() - started
    return report


def _swap_in(staging: Path, output: Path) -> None:
    # Each output folder is replaced by two renames; the old copy is removed only after.
    for name in OUTPUTS:
        new, live, old = staging / name, output / name, output / f".old-{name}"
        if not new.exists():
            new.mkdir(parents=True)
        shutil.rmtree(old, ignore_errors=True)
        if live.exists():
            live.rename(old)
        new.rename(live)
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _count_pages(site: Path) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for page in site.rglob("*.html"):
        first = page.relative_to(site).parts[0]
        if first in NOT_PAGES:
            continue
        counts[first if first in ("en", "de", "es") else "fr"] += 1
    return dict(counts)


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
