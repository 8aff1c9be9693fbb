"""The Pagefind search index over the built site (one index per ``<html lang>``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

INDEX_ENTRY = "pagefind/pagefind-entry.json"


class SearchIndexError(RuntimeError):
    """Pagefind failed or wrote no index: the site would have a search page that finds nothing."""


def build_search_index(
    site: Path, command: Sequence[str] = (sys.executable, "-m", "pagefind"), timeout_s: float = 600
) -> str:
    """Run ``<command> --site <site>`` (Pagefind); returns its report.

    Raises:
        SearchIndexError: Pagefind exited with an error, timed out, or wrote no index.
    """
    try:
        done = subprocess.run(
            [*command, "--site", str(site)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexError(f"pagefind could not run on {site}: {error}") from error
    if done.returncode != 0:
        raise SearchIndexError(
            f"pagefind failed on {site} (exit {done.returncode}):\n{done.stderr or done.stdout}"
        )
    if not (site / INDEX_ENTRY).is_file():
        raise SearchIndexError(f"pagefind wrote no index in {site / 'pagefind'}:\n{done.stdout}")
    return done.stdout
