"""Upload the built dashboard (``build/office``) to the store's private ``office/`` prefix.

The office's pages name partners, prices and screens: they go under ``office/`` only, never
under the public ``site/`` (docs/policies/bucket-public-read.json grants anonymous reads on
``site/``, ``kiosk/`` and ``objects/`` alone; the report reader may read ``office/``).
Files are put one by one, each with its content type and ``no-store`` (a dashboard is only
as good as its last run); stale files of an earlier run are left: every run rewrites the same
names. Raises ``ReportError`` when the store refuses.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from p2f_office.loader import ReportError
from p2f_publish.errors import PublishError
from p2f_publish.stores import Store

OFFICE_PREFIX = "office/"
CACHE_CONTROL = "private, no-store"


def office_keys(folder: Path) -> dict[str, Path]:
    """Each file of ``folder`` under its key in the store (``office/<relative path>``)."""
    return {
        OFFICE_PREFIX + path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def publish_office(store: Store, folder: Path) -> list[str]:
    """Put every file of ``folder`` under ``office/``; return the keys written."""
    keys = office_keys(folder)
    if not keys:
        raise ReportError(f"{folder}: nothing to publish (run the report first)")
    for key, path in keys.items():
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            store.put(key, path.read_bytes(), content_type=kind, cache_control=CACHE_CONTROL)
        except PublishError as error:
            raise ReportError(f"publishing the dashboard: {error}") from None
    return list(keys)
