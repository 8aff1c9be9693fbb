"""The pages of the website that change between two builds, and which ones to photograph.

Both builds are made for the same moment (``P2F_NOW``), so a page differs only because the
change made it differ. Compared as bytes, page by page (``*.html``, without the deep-link
landing pages ``d/`` and the search index's files); a page whose only difference is the build
stamp of an asset URL would still count, which is why both sides are built by the same
commands. ``pick_screenshots`` chooses at most ``limit`` pages: the changed items' own pages
first (French, then translations; added and changed before removed), then the lists and
the home page that show them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SKIPPED = ("d/", "pagefind/", "theme/", "data/")


@dataclass(frozen=True)
class PageChange:
    url: str  # /lieux/x/ (the folder's index.html as the visitor's URL)
    status: str  # added | changed | removed


def page_hashes(site: Path) -> dict[str, str]:
    """``{url: sha256}`` of every HTML page of a built site."""
    out = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(SKIPPED):
            continue
        out[url_of(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def url_of(rel: str) -> str:
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel.removesuffix("index.html")
    return "/" + rel


def compare_pages(before: dict[str, str], after: dict[str, str]) -> list[PageChange]:
    changes = []
    for url in sorted(set(before) | set(after)):
        if url not in before:
            changes.append(PageChange(url, "added"))
        elif url not in after:
            changes.append(PageChange(url, "removed"))
        elif before[url] != after[url]:
            changes.append(PageChange(url, "changed"))
    return changes


def pick_screenshots(
    changes: list[PageChange], item_slugs: Iterable[str], limit: int
) -> list[PageChange]:
    """At most ``limit`` pages: the changed items' pages first, French before translations,
    then the shortest URLs (home, lists) that show them."""
    slugs = set(item_slugs)

    def rank(change: PageChange) -> tuple[int, int, int, int, str]:
        parts = [p for p in change.url.split("/") if p]
        translated = 1 if parts and parts[0] in ("en", "de", "es") else 0
        own = 0 if parts and parts[-1] in slugs else 1
        gone = 1 if change.status == "removed" else 0  # a removed page has nothing after
        return (own, translated, gone, len(parts), change.url)

    return sorted(changes, key=rank)[: max(0, limit)]
