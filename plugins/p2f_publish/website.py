"""The website half of a publish: ``site/<path>`` copies made from content-addressed objects.

Every website file is first stored as ``objects/<sha256>`` (by ``publish.upload_objects``).
Browsers fetch ``site/<path>``; this module makes those keys match a release by server-side
copies (no upload on S3), in an order chosen so that what visitors see stays coherent:

1. ``site/releases/<release>.json``: the release's index ``{"release", "files": {path: sha}}``;
2. changed non-HTML files (images, styles: new names mostly, so nobody sees them yet);
3. changed HTML pages, entry pages (``index.html``, ``<lang>/index.html``) last;
4. ``site/live.json`` (which release is live), then paths the release dropped are removed.

Limit (documented in docs/publishing.md): plain object storage has no pointer swap for a whole
folder, so a publish killed during step 3 leaves some pages new and some old, each page whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from p2f_publish import layout
from p2f_publish.errors import NotFound, PublishError
from p2f_publish.stores import Store

SHORT_SUFFIXES = (".html", ".xml", ".json", ".ics", ".webmanifest", ".txt")


@dataclass(frozen=True)
class SiteFiles:
    root: Path
    files: dict[str, str]  # path -> sha256


def read_site(site_dir: Path) -> SiteFiles:
    """Hash every file of the built website."""
    if not site_dir.is_dir():
        raise PublishError(f"{site_dir}: no website built: run `invoke build` first")
    files = {
        path.relative_to(site_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site_dir.rglob("*"))
        if path.is_file()
    }
    return SiteFiles(site_dir, files)


def live_index(store: Store) -> dict[str, str]:
    """The ``{path: sha}`` of the live website, empty before the first publish."""
    try:
        index = json.loads(store.get(layout.SITE_LIVE))
    except NotFound:
        return {}
    files: dict[str, str] = index["files"]
    return files


def cache_control(path: str) -> str:
    """HTML and feeds change under the same name: short cache; other files rarely do."""
    return layout.SHORT if path.endswith(SHORT_SUFFIXES) else "public, max-age=3600"


def publish_site(store: Store, site: SiteFiles, release: str, say: Callable[[str], None]) -> int:
    """Make ``site/`` serve ``site.files``; return the number of pages copied."""
    current = live_index(store)
    if current == site.files:
        say("website unchanged")
        return 0
    index = json.dumps({"release": release, "files": site.files}, sort_keys=True).encode()
    store.put(
        layout.site_release_key(release),
        index,
        content_type=layout.MANIFEST_TYPE,
        cache_control=layout.IMMUTABLE,
    )
    copied = apply_index(store, site.files, current)
    store.put(
        layout.SITE_LIVE, index, content_type=layout.MANIFEST_TYPE, cache_control=layout.SHORT
    )
    store.delete(layout.site_key(path) for path in sorted(set(current) - set(site.files)))
    say(f"website: release {release} live, {copied} files changed")
    return copied


def apply_index(store: Store, files: Mapping[str, str], current: Mapping[str, str]) -> int:
    """Copy each changed path from its object, in the safe order; return how many."""
    changed = [path for path, sha in files.items() if current.get(path) != sha]
    changed.sort(key=lambda p: (p.endswith(".html"), layout.is_entry_page(p), p))
    for path in changed:
        store.copy(
            layout.object_key(files[path]),
            layout.site_key(path),
            content_type=layout.content_type(path),
            cache_control=cache_control(path),
        )
    return len(changed)


def rollback_site(store: Store, release: str) -> int:
    """Make an earlier website release live again (no upload); return files copied."""
    try:
        index = json.loads(store.get(layout.site_release_key(release)))
    except NotFound:
        raise PublishError(f"website release {release} is not kept in {store.url}") from None
    current = live_index(store)
    copied = apply_index(store, index["files"], current)
    store.put(
        layout.SITE_LIVE,
        json.dumps(index, sort_keys=True).encode(),
        content_type=layout.MANIFEST_TYPE,
        cache_control=layout.SHORT,
    )
    store.delete(layout.site_key(path) for path in sorted(set(current) - set(index["files"])))
    return copied
