"""What each page of a finished build was rendered from (``PageRecord``), kept in the build
cache for the next incremental build.

Apart from ``p2f_site.incremental`` (which makes the records) so that ``p2f_site.build`` can
load and save them without importing Pelican's writer, Pillow and the content model's schemas:
a rebuild with no change imports none of them (~0.25 s of every such start).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from p2f_build.cache import BuildCache

PAGES = "site-pages"  # cache namespace: per finished build, what each page was rendered from


@dataclass(frozen=True)
class PageRecord:
    template: str
    key: str
    items: tuple[str, ...]
    kinds: tuple[str, ...]
    everything: bool


def load_records(cache: BuildCache, build_name: str | None) -> dict[str, PageRecord]:
    """What each page of the build ``build_name`` was rendered from (empty if unknown)."""
    if build_name is None:
        return {}
    stored = cache.get(PAGES, build_name)
    if stored is None:
        return {}
    return {name: PageRecord(r[0], r[1], tuple(r[2]), tuple(r[3]), r[4])
            for name, r in json.loads(stored).items()}  # fmt: skip


def save_records(cache: BuildCache, build_name: str, records: dict[str, PageRecord]) -> None:
    """Keep the records of the build now current, only (older builds are gone)."""
    cache.drop(PAGES)
    data = {name: [r.template, r.key, list(r.items), list(r.kinds), r.everything]
            for name, r in sorted(records.items())}  # fmt: skip
    cache.put(PAGES, build_name, json.dumps(data).encode())
