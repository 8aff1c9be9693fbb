"""``invoke releases``, ``invoke rollback`` and pruning: working on what is already stored.

A rollback never rebuilds and never uploads an object: it takes an earlier signed release of
a site, checks its signature and that every object it needs is still there, and signs the same
content again under a **new** counter (with ``release.rollback_of`` naming the original). The
re-signing is required: players refuse any counter lower than the one they hold, which is what
stops an attacker replaying an old manifest; the operator's rollback must pass the same check.

Pruning keeps the newest ``keep`` releases of each site (and of the website), plus the live
ones, and removes only objects that no kept release uses: its files and its manifest parts (and,
for the website, the ``<sha256>.gz`` forms its index serves compressed).
Both need each kept release's parts read back from the store (``manifest.expand_parts``); a
part that cannot be read stops the prune before anything is deleted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from p2f_player.contract import trust
from p2f_player.contract.manifest import PART_INDEX, SLIDE_ORDER, ManifestError, expand_parts
from p2f_publish import layout, plan, website
from p2f_publish.errors import NotFound, PublishError
from p2f_publish.publish import live_document, write_release
from p2f_publish.stores import Store


@dataclass(frozen=True)
class Release:
    site: str
    counter: int
    document: dict[str, Any]
    live: bool

    @property
    def id(self) -> str:
        return str(self.document["release"]["id"])

    def describe(self) -> str:
        release = self.document["release"]
        note = f" (rollback of {release['rollback_of']})" if release.get("rollback_of") else ""
        if PART_INDEX in self.document:  # the signed document only: its parts are not read
            count = f"{len(self.document[PART_INDEX])} index parts"
        else:
            slides = self.document.get("slides") or self.document.get(SLIDE_ORDER) or []
            files = self.document.get("files") or self.document.get("file_parts") or {}
            unit = "files" if "files" in self.document else "file parts"
            count = f"{len(slides)} slides, {len(files)} {unit}"
        return (
            f"{'*' if self.live else ' '} {self.site:28} {self.counter:>5}  {self.id}  "
            f"expires {release['expires']}  {count}{note}"
        )


def sites_in(store: Store) -> list[str]:
    return sorted({key.split("/")[1] for key in store.list_keys(layout.kiosk_prefix())})


def site_releases(store: Store, site: str) -> list[Release]:
    """Every kept release of ``site``, oldest first."""
    live = live_document(store, site)
    live_counter = live["release"]["counter"] if live else None
    releases = []
    for counter in plan.counters_in(store.list_keys(f"kiosk/{site}/releases/")):
        document, _ = trust.open_envelope(store.get(layout.release_key(site, counter)))
        releases.append(Release(site, counter, document, counter == live_counter))
    return releases


def list_releases(store: Store) -> list[str]:
    """One line per kept release, the live ones marked ``*``."""
    lines: list[str] = []
    for site in sites_in(store):
        lines.extend(release.describe() for release in site_releases(store, site))
    live_site = website.live_document(store)
    if live_site:
        live_id = json.loads(store.get(layout.SITE_LIVE))["release"]
        for release_id in _site_release_ids(store):
            mark = "*" if release_id == live_id else " "
            lines.append(f"{mark} {'(website)':28}        {release_id}")
    return lines


def _pick(releases: list[Release], to: str | None) -> Release | None:
    live = next((r for r in releases if r.live), None)
    if to is None:  # the newest earlier release that shows something else
        if live is None:
            return None
        digest = plan.content_digest(live.document)
        earlier = [
            r
            for r in releases
            if r.counter < live.counter and plan.content_digest(r.document) != digest
        ]
        return earlier[-1] if earlier else None
    if to.isdigit():
        return next((r for r in releases if r.counter == int(to)), None)
    same = [r for r in releases if r.id == to and not r.document["release"].get("rollback_of")]
    older = [r for r in releases if r.id < to and not r.document["release"].get("rollback_of")]
    choices = same or older
    return choices[-1] if choices else None


def rollback(
    store: Store,
    private_key: bytes,
    now: datetime,
    to: str | None = None,
    site: str | None = None,
    say: Callable[[str], None] = print,
) -> str:
    """Make an earlier release live again at every site (or one); return the new release id."""
    new_id = plan.release_id(now)
    public_key = trust.public_key_of(private_key)
    present = {key.rsplit("/", 1)[-1] for key in store.list_keys("objects/")}
    switches = []
    for name in [site] if site else sites_in(store):
        releases = site_releases(store, name)
        target = _pick(releases, to)
        if target is None:
            wanted = f"no release {to}" if to else "no earlier release"
            if site:
                raise PublishError(f"kiosk {name}: {wanted} is kept: see `invoke releases`")
            say(f"kiosk {name}: {wanted} to go back to")
            continue
        envelope = store.get(layout.release_key(name, target.counter))
        document = trust.verify_signature(envelope, public_key)  # never re-sign tampered data
        lacking = _lacking(store, document, present)
        if lacking:
            raise PublishError(
                f"kiosk {name}: release {target.counter} lacks {lacking}: publish again instead"
            )
        counter = plan.next_counter([r.counter for r in releases])
        new = plan.with_release(
            document, release=new_id, counter=counter, now=now, rollback_of=target.id
        )
        switches.append((name, counter, trust.sign_manifest(new, private_key), target))
    if not switches:
        raise PublishError(f"nothing to roll back to in {store.url}: see `invoke releases`")
    for name, counter, envelope, _ in switches:
        write_release(store, name, counter, envelope)
    for name, counter, envelope, target in switches:
        store.put(
            layout.live_key(name),
            envelope,
            content_type=layout.MANIFEST_TYPE,
            cache_control=layout.SHORT,
        )
        say(f"kiosk {name}: content of {target.id} (counter {target.counter}) live as {counter}")
    if site is None:  # one kiosk's rollback leaves the website alone
        _rollback_website(store, to, say)
    return new_id


def _site_release_ids(store: Store) -> list[str]:
    keys = store.list_keys("site/releases/")
    return sorted(key.rsplit("/", 1)[-1].removesuffix(".json") for key in keys)


def _rollback_website(store: Store, to: str | None, say: Callable[[str], None]) -> None:
    try:
        live_id = json.loads(store.get(layout.SITE_LIVE))["release"]
    except NotFound:
        return
    ids = _site_release_ids(store)
    if to is None or to.isdigit():
        candidates = [i for i in ids if i < live_id]
    else:
        candidates = [i for i in ids if i <= to]
    if not candidates or candidates[-1] == live_id:
        return
    copied = website.rollback_site(store, candidates[-1])
    say(f"website: release {candidates[-1]} live again, {copied} files changed")


def expanded(
    store: Store, document: dict[str, Any], cache: dict[str, bytes] | None = None
) -> dict[str, Any]:
    """``document`` with its parts read from ``store`` (``cache`` shares them between calls).

    Raises:
        NotFound: a part is not in the store.
        ManifestError: a part differs from its hash.
    """
    cache = {} if cache is None else cache

    def load(sha: str) -> bytes:
        if sha not in cache:
            cache[sha] = store.get(layout.object_key(sha))
        return cache[sha]

    return expand_parts(document, load)


def prune(store: Store, keep: int, say: Callable[[str], None] = print) -> int:
    """Delete releases beyond the newest ``keep`` and the objects only they used."""
    kept_files: list[Iterable[str]] = []
    doomed: list[str] = []
    parts: dict[str, bytes] = {}
    for name in sites_in(store):
        releases = site_releases(store, name)
        live = live_document(store, name)
        old = set(plan.releases_to_prune([r.counter for r in releases], _counter(live), keep))
        doomed.extend(layout.release_key(name, c) for c in sorted(old))
        kept = [(r.counter, r.document) for r in releases if r.counter not in old]
        for what, document in [*kept, *([("live", live)] if live is not None else [])]:
            try:
                kept_files.append(plan.objects_of(expanded(store, document, parts)))
            except (NotFound, ManifestError) as error:
                raise PublishError(
                    f"kiosk {name} release {what}: {error}: prune stopped, nothing deleted"
                ) from None
    ids = _site_release_ids(store)
    live_site = website.live_document(store)
    if live_site is not None:
        kept_files.append(website.objects_used(store, live_site))
    for release_id in ids[-keep:]:
        index = json.loads(store.get(layout.site_release_key(release_id)))
        kept_files.append(website.objects_used(store, index))  # parts, files, gzip forms
    live_site_id = live_site["release"] if live_site is not None else None
    doomed.extend(layout.site_release_key(i) for i in ids[:-keep] if i != live_site_id)
    present = {key.rsplit("/", 1)[-1] for key in store.list_keys("objects/")}
    orphans = plan.unreferenced(present, kept_files)
    store.delete(doomed)  # releases first: a crash then leaves extra objects, never missing ones
    store.delete(layout.object_key(name) for name in sorted(orphans))
    say(f"pruned {len(doomed)} releases and {len(orphans)} objects (kept {keep} per site)")
    return len(orphans)


def _lacking(store: Store, document: dict[str, Any], present: set[str]) -> str:
    """What a release needs that the store no longer holds, in words; empty if nothing."""
    try:
        missing = set(plan.objects_of(expanded(store, document))) - present
    except NotFound:
        return "a manifest part"
    return f"{len(missing)} objects" if missing else ""


def _counter(document: dict[str, Any] | None) -> int | None:
    return None if document is None else int(document["release"]["counter"])
