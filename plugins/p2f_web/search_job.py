"""Pagefind in the background of a build: started once the pages are written, waited for last.

``SearchJob.start()`` returns at once; a thread reads the indexed pages, plans the shards
(``p2f_web.search``), hard-links the shards the current build already has, and runs Pagefind
(a subprocess: the thread only waits) for the others, one after the other, while the build
goes on with the kiosk bundles. ``wait()`` returns the figures or raises the error Pagefind
gave (the build then fails and ``build/`` stays as it was).

A build that fails elsewhere never waits: its staging folder is removed, and the job stops at
the next shard or within a poll of the running Pagefind (which it kills), rather than write
into a folder nobody will use.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from p2f_web.search import (
    ENTRY,
    MANIFEST,
    PAGE_DIGESTS,
    SEARCH_FOLDER,
    SearchIndexError,
    link_pages,
    link_tree,
    manifest,
    plan_shards,
    scan_pages,
    tidy_bundle,
    tool_of,
)

INPUT_FOLDER = ".input"  # pagefind/.input/: the pages of the shard being indexed (hard links)


@dataclass
class SearchReport:
    """What the search index cost: shards made by Pagefind or taken from the current build."""

    shards: int
    indexed: int  # shards Pagefind ran for
    pages: int  # pages in the index
    pages_indexed: int  # pages Pagefind read in this build
    cpu_s: float  # Pagefind's CPU (user + system) in this build
    background_s: float  # from start to the manifest written, beside the rest of the build
    waited_s: float = 0.0  # how long the build waited for it at the end

    @property
    def reused(self) -> int:
        return self.shards - self.indexed

    def one_line(self) -> str:
        return (
            f"search index: {self.shards} shards ({self.indexed} indexed, {self.reused} reused), "
            f"{self.pages} pages ({self.pages_indexed} read by Pagefind, {self.cpu_s:.1f} s CPU), "
            f"{self.background_s:.1f} s in the background, waited {self.waited_s:.1f} s"
        )


class _Abandoned(Exception):
    """The build went away (its site folder was removed) or cancelled the job."""


class SearchJob:
    """Index ``site`` with Pagefind in a thread; ``previous_site`` lends unchanged shards."""

    def __init__(
        self,
        site: Path,
        command: Sequence[str],
        previous_site: Path | None = None,
        timeout_s: float = 600,
        poll_s: float = 0.05,
        keep_digests: bool = False,
    ) -> None:
        self.site = site
        self.keep_digests = keep_digests  # write ``PAGE_DIGESTS`` beside ``site`` for the next
        self.command = tuple(command)
        self.previous_site = previous_site
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pagefind", daemon=True)
        self._report: SearchReport | None = None
        self._error: SearchIndexError | None = None

    def start(self) -> SearchJob:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop at the next poll (kills a running Pagefind); ``wait`` then raises."""
        self._cancelled.set()

    def wait(self) -> SearchReport:
        """Block until the index is written; returns its figures.

        Raises:
            SearchIndexError: Pagefind could not run, failed, timed out or wrote no index.
        """
        started = time.perf_counter()
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._report is not None  # the thread ends with one or the other
        self._report.waited_s = time.perf_counter() - started
        return self._report

    def _run(self) -> None:
        try:
            self._report = self._index()
        except _Abandoned:
            self._error = SearchIndexError(f"pagefind: indexing {self.site} was abandoned")
        except SearchIndexError as error:
            self._error = error
        except Exception as error:  # a thread's error must reach the build that waits for it
            self._error = SearchIndexError(f"pagefind: {type(error).__name__}: {error}")
            self._error.__cause__ = error
        finally:
            shutil.rmtree(self.site / SEARCH_FOLDER / INPUT_FOLDER, ignore_errors=True)

    def _index(self) -> SearchReport:
        started = time.perf_counter()
        pages, digests = scan_pages(self.site, self._known())
        if self.keep_digests:
            (self.site.parent / PAGE_DIGESTS).write_text(json.dumps(digests), encoding="utf-8")
        command, tool = tool_of(self.command)
        shards = plan_shards(pages, tool)
        entries: dict[str, dict[str, Any]] = {}
        indexed = pages_indexed = 0
        cpu = 0.0
        for shard in shards:
            self._check_alive()
            bundle = self.site / shard.folder
            previous = None if self.previous_site is None else self.previous_site / shard.folder
            if previous is not None and (previous / ENTRY).is_file():
                link_tree(previous, bundle)  # same name, same inputs: the same bytes
                entries[shard.name] = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
                continue
            work = self.site / SEARCH_FOLDER / INPUT_FOLDER
            link_pages(self.site, shard.pages, work)
            cpu += self._pagefind([*command, "--site", str(work), "--output-path", str(bundle)])
            entries[shard.name] = tidy_bundle(bundle)
            indexed += 1
            pages_indexed += len(shard.pages)
        self._check_alive()
        (self.site / SEARCH_FOLDER / MANIFEST).write_bytes(manifest(entries))
        return SearchReport(
            shards=len(shards),
            indexed=indexed,
            pages=len(pages),
            pages_indexed=pages_indexed,
            cpu_s=cpu,
            background_s=time.perf_counter() - started,
        )

    def _known(self) -> dict[str, Any] | None:
        """The current build's ``PAGE_DIGESTS`` (None when it has none or it is unreadable)."""
        if self.previous_site is None:
            return None
        try:
            known = json.loads((self.previous_site.parent / PAGE_DIGESTS).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return known if isinstance(known, dict) else None

    def _check_alive(self) -> None:
        if self._cancelled.is_set() or not self.site.is_dir():
            raise _Abandoned

    def _pagefind(self, argv: list[str]) -> float:
        """Run one Pagefind; returns its CPU seconds. Its output goes to a file (a pipe could
        fill up while nobody reads it)."""
        with tempfile.TemporaryFile() as output:
            try:
                process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
            except OSError as error:
                raise SearchIndexError(f"pagefind could not run on {self.site}: {error}") from error
            deadline = time.monotonic() + self.timeout_s
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                late = time.monotonic() > deadline
                if late or self._cancelled.is_set() or not self.site.is_dir():
                    os.kill(process.pid, signal.SIGKILL)
                    os.wait4(process.pid, 0)
                    process.returncode = -9
                    if late:
                        raise SearchIndexError(
                            f"pagefind could not run on {self.site}: "
                            f"no answer after {self.timeout_s:.0f} s"
                        )
                    raise _Abandoned
                time.sleep(self.poll_s)
            process.returncode = code = os.waitstatus_to_exitcode(status)
            output.seek(0)
            said = output.read().decode("utf-8", errors="replace")
        if code != 0:
            raise SearchIndexError(f"pagefind failed on {self.site} (exit {code}):\n{said}")
        return float(usage.ru_utime + usage.ru_stime)


def build_search_index(
    site: Path, command: Sequence[str], previous_site: Path | None = None
) -> SearchReport:
    """Index ``site`` now (start and wait).

    Raises:
        SearchIndexError: as ``SearchJob.wait``.
    """
    return SearchJob(site, command, previous_site).start().wait()
