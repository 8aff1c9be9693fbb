"""Release planning, without any I/O: what a publish, a rollback or a prune must do.

Inputs are documents and key sets read by the caller; outputs are new documents and lists of
keys. The time is an argument.

Rules:
- a site gets a new release when its content (the manifest without its ``release`` block)
  differs from the live one, or when the live one has used half its lifetime (so that a screen
  never freezes for lack of a publish);
- its counter is one more than every counter the site ever used (kept releases and live), so a
  rollback, which re-signs old content under a new counter, never reuses one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from p2f_player.contract.manifest import canonical_bytes, iso, part_objects

LIFETIME = timedelta(days=14)  # a screen cut off from the store longer than this stops trusting


def release_id(now: datetime) -> str:
    """The id of a publish (shared by every site it touches): its UTC time, to the second."""
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def content_digest(document: Mapping[str, Any]) -> str:
    """What a release shows, independent of when it was signed."""
    content = {key: value for key, value in document.items() if key != "release"}
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def needs_release(
    document: Mapping[str, Any], live: Mapping[str, Any] | None, now: datetime
) -> bool:
    """True when the built ``document`` must be published over the ``live`` one."""
    if live is None or content_digest(document) != content_digest(live):
        return True
    created = datetime.fromisoformat(live["release"]["created"])
    expires = datetime.fromisoformat(live["release"]["expires"])
    return now >= created + (expires - created) / 2


def next_counter(used: Iterable[int]) -> int:
    return max(used, default=0) + 1


def with_release(
    document: Mapping[str, Any],
    *,
    release: str,
    counter: int,
    now: datetime,
    rollback_of: str | None = None,
) -> dict[str, Any]:
    """``document`` with its release block set: ready to sign."""
    block: dict[str, Any] = {
        "id": release,
        "counter": counter,
        "created": iso(now),
        "expires": iso(now + LIFETIME),
    }
    if rollback_of:
        block["rollback_of"] = rollback_of
    return {**document, "release": block}


def objects_of(document: Mapping[str, Any]) -> dict[str, int]:
    """Every object a manifest needs, sha256 -> size: its files and the parts that list them.

    ``document`` is in full form or expanded (``manifest.expand_parts``): it has ``files``.
    """
    files = {entry["sha256"]: entry["size"] for entry in document["files"].values()}
    return {**files, **part_objects(document)}


def counters_in(keys: Iterable[str]) -> list[int]:
    """The counters of the ``kiosk/<site>/releases/<counter>.json`` keys."""
    counters = []
    for key in keys:
        name = key.rsplit("/", 1)[-1]
        if name.endswith(".json") and name[:-5].isdigit():
            counters.append(int(name[:-5]))
    return sorted(counters)


def releases_to_prune(counters: Iterable[int], live_counter: int | None, keep: int) -> list[int]:
    """The release counters beyond the ``keep`` newest; the live one is always kept."""
    if keep < 1:
        raise ValueError("keep at least one release")
    ordered = sorted(counters, reverse=True)
    return sorted(c for c in ordered[keep:] if c != live_counter)


def unreferenced(present: Iterable[str], kept: Iterable[Iterable[str]]) -> set[str]:
    """Objects (by sha256) that no kept release (the sha256s it uses, each) refers to."""
    used: set[str] = set()
    for objects in kept:
        used.update(objects)
    return set(present) - used
