"""``invoke publish``: upload what is missing, then switch each site to its new release.

Order (so that a publish killed at any point changes nothing anyone sees):

1. every missing object (``objects/<sha256>``), kiosk and website alike — invisible until named
   (a kiosk's objects are its files and the parts of its signed manifest; a website text file
   worth compressing also gets ``objects/<sha256>.gz``, its gzip form);
2. the website (``website.publish_site``), its entry pages and ``site/live.json`` last;
3. each kiosk's signed envelope under ``kiosk/<site>/releases/<counter>.json``, created only
   if that counter is unused (``write_release``);
4. each kiosk's live ``kiosk/<site>/manifest.json``, last of all.

What exists is learnt from one listing of ``objects/`` (no HEAD per object), so a publish with
no change uploads nothing. Signing happens here with the key given by the caller. The caller
holds the store's publish lock (``lock``) around the publish and the prune that follows.

The bundle on disk holds the full manifest (every file listed); what is signed and published is
its parts form (``manifest.split_into_parts``), so a kiosk re-downloads only the parts that
changed (docs/publishing.md, "Manifest parts").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from p2f_player.contract import trust
from p2f_player.contract.manifest import (
    MANIFEST_NAME,
    ManifestError,
    check_file,
    parse_manifest,
    split_into_parts,
)
from p2f_publish import layout, plan
from p2f_publish.errors import AlreadyExists, NotFound, PublishError
from p2f_publish.stores import Store
from p2f_publish.website import SiteFiles, publish_site, read_site, stored_index


@dataclass
class Summary:
    """What a publish did; ``line()`` is the last thing printed."""

    release: str
    uploaded: int = 0
    uploaded_bytes: int = 0
    skipped: int = 0
    released: dict[str, int] = field(default_factory=dict)  # site -> new counter
    unchanged: list[str] = field(default_factory=list)
    site_pages_copied: int = 0

    def line(self) -> str:
        return (
            f"release {self.release}: uploaded {self.uploaded} objects "
            f"({self.uploaded_bytes} bytes), skipped {self.skipped}"
        )


@dataclass(frozen=True)
class Bundle:
    """One site's built bundle: its unsigned manifest and the folder holding its files.

    ``document`` is the full form, as built; ``published`` its parts form, the one signed, and
    ``parts`` the part objects it names (sha256 -> canonical JSON bytes).
    """

    site: str
    document: dict[str, Any]
    root: Path
    published: dict[str, Any]
    parts: dict[str, bytes]

    def data(self, path: str) -> bytes:
        return (self.root / path).read_bytes()


# The full form as built (indented, every file and slide): ~12 MB for a site of a 20,000-
# document territory, over the cap players apply to what they fetch (MAX_MANIFEST_BYTES, 8 MB);
# what is signed and published from it is ~10 KB plus parts, each under that cap.
BUILT_MANIFEST_MAX_BYTES = 256 * 1024 * 1024


def read_bundles(kiosk_dir: Path) -> list[Bundle]:
    """Every ``<site>/manifest.json`` under ``kiosk_dir``, each file checked against it."""
    bundles = []
    for manifest in sorted(kiosk_dir.glob(f"*/{MANIFEST_NAME}")):
        root = manifest.parent
        try:
            document = parse_manifest(manifest.read_bytes(), max_bytes=BUILT_MANIFEST_MAX_BYTES)
            for path in document["files"]:
                _refuse_symlink(root, root / path)
                check_file(path, (root / path).read_bytes(), document)
        except (ManifestError, FileNotFoundError) as error:
            raise PublishError(f"{manifest}: {error}: run `invoke build` again") from None
        bundles.append(Bundle(root.name, document, root, *split_into_parts(document)))
    if not bundles:
        raise PublishError(f"{kiosk_dir}: no kiosk bundle: run `invoke build` first")
    return bundles


def _refuse_symlink(root: Path, path: Path) -> None:
    """A bundle file reached through a symlink (the file or a folder below ``root``) would
    publish whatever it points to: a build never makes one."""
    for step in [path, *path.parents]:
        if step == root:
            return
        if step.is_symlink():
            raise PublishError(
                f"{step}: a symlink in the kiosk bundle: refusing to publish what it points "
                "to; run `invoke check` and `invoke build` again"
            )


def live_document(store: Store, site: str) -> dict[str, Any] | None:
    """The live manifest of ``site`` as stored (not verified: this is our own store)."""
    try:
        return trust.open_envelope(store.get(layout.live_key(site)))[0]
    except NotFound:
        return None


def publish(
    store: Store,
    kiosk_dir: Path,
    site_dir: Path | None,
    private_key: bytes,
    now: datetime,
    say: Callable[[str], None] = print,
) -> Summary:
    """Publish the built bundles (and the website when ``site_dir`` is given) to ``store``."""
    summary = Summary(plan.release_id(now))
    bundles = read_bundles(kiosk_dir)
    present = {key.rsplit("/", 1)[-1] for key in store.list_keys("objects/")}
    website = read_site(site_dir, present) if site_dir is not None else None
    pending: list[tuple[str, dict[str, Any]]] = []
    for bundle in bundles:
        live = live_document(store, bundle.site)
        if not plan.needs_release(bundle.published, live, now):
            summary.unchanged.append(bundle.site)
            continue
        used = plan.counters_in(store.list_keys(f"kiosk/{bundle.site}/releases/"))
        if live is not None:
            used.append(int(live["release"]["counter"]))
        document = plan.with_release(
            bundle.published, release=summary.release, counter=plan.next_counter(used), now=now
        )
        pending.append((bundle.site, document))
    upload_objects(store, _sources(bundles, pending, website), summary, present)
    if website is not None:
        summary.site_pages_copied = publish_site(store, website, summary.release, say)
    envelopes = {site: trust.sign_manifest(doc, private_key) for site, doc in pending}
    for site, document in pending:
        write_release(store, site, document["release"]["counter"], envelopes[site])
    for site, document in pending:  # the switch: last, one small write per site
        store.put(
            layout.live_key(site),
            envelopes[site],
            content_type=layout.MANIFEST_TYPE,
            cache_control=layout.SHORT,
        )
        summary.released[site] = document["release"]["counter"]
        say(f"kiosk {site}: release {summary.release} live as counter {summary.released[site]}")
    if summary.unchanged:
        say(f"kiosk unchanged: {', '.join(summary.unchanged)}")
    return summary


def write_release(store: Store, site: str, counter: int, envelope: bytes) -> None:
    """Write ``kiosk/<site>/releases/<counter>.json`` only if that counter is unused.

    A counter written twice with two contents is what makes a kiosk refuse a release for
    good; another publish (despite the lock) is the only way it can already exist.
    """
    try:
        store.create(
            layout.release_key(site, counter),
            envelope,
            content_type=layout.MANIFEST_TYPE,
            cache_control=layout.IMMUTABLE,
        )
    except AlreadyExists:
        raise PublishError(
            f"kiosk {site}: release counter {counter} is already used in {store.url} (another "
            "publish ran at the same time?): no kiosk was switched; run the publish again"
        ) from None


class Source(NamedTuple):
    """An object to upload: its name under ``objects/`` (a sha256, or ``<sha256>.gz`` for the
    gzip form of a website file), its Content-Type and a way to read it."""

    name: str
    content_type: str
    read: Callable[[], bytes]


def _sources(
    bundles: list[Bundle], pending: list[tuple[str, dict[str, Any]]], website: SiteFiles | None
) -> list[Source]:
    by_site = {bundle.site: bundle for bundle in bundles}
    sources: dict[str, Source] = {}
    for site, _document in pending:
        bundle = by_site[site]
        for path, entry in bundle.document["files"].items():
            sha = entry["sha256"]
            sources.setdefault(
                sha, Source(sha, layout.content_type(path), _reader(bundle.root, path))
            )
        for sha, data in bundle.parts.items():
            sources.setdefault(sha, Source(sha, layout.MANIFEST_TYPE, _constant(data)))
    if website is not None:
        for path, sha in website.files.items():
            sources.setdefault(
                sha, Source(sha, layout.content_type(path), _reader(website.root, path))
            )
        for sha, packed in website.packed.items():
            name = sha + layout.GZIP_SUFFIX
            sources.setdefault(name, Source(name, layout.GZIP_TYPE, _constant(packed)))
        for sha, data in stored_index(website)[1].items():  # before the index naming them
            sources.setdefault(sha, Source(sha, layout.MANIFEST_TYPE, _constant(data)))
    return list(sources.values())


def _reader(root: Path, path: str) -> Callable[[], bytes]:
    return lambda: (root / path).read_bytes()


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def upload_objects(
    store: Store, sources: list[Source], summary: Summary, present: set[str]
) -> None:
    """Upload the objects the store lacks (``present``: the names ``objects/`` held at the
    start, from its one listing; updated here); count the others as skipped."""
    for source in sources:
        if source.name in present:
            summary.skipped += 1
            continue
        data = source.read()
        store.put(
            layout.object_key(source.name),
            data,
            content_type=source.content_type,
            cache_control=layout.IMMUTABLE,
        )
        present.add(source.name)
        summary.uploaded += 1
        summary.uploaded_bytes += len(data)


def dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()
