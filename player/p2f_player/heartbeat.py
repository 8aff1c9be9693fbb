"""The heartbeat: a small status document the player writes next to its telemetry.

``telemetry/<site>/<device>/heartbeat.json`` is overwritten every few minutes (the fleet page
reads the newest), and each heartbeat is also journaled (``heartbeat`` event) so the history
survives. ``heartbeat_document`` is pure; writing it is the caller's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

SCHEMA = "livep2f-kiosk-heartbeat/1"


def heartbeat_key(site: str, device: str) -> str:
    return f"telemetry/{site}/{device}/heartbeat.json"


def heartbeat_document(
    *,
    site: str,
    device: str,
    now: datetime,
    started: datetime,
    release: str | None,
    last_sync: Mapping[str, Any] | None,
    slide: str | None,
    disk_free_bytes: int,
    journal: Mapping[str, int],
    errors: list[str],
    clock_offset_s: float | None = None,
) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "site": site,
        "device": device,
        "at": now.isoformat(timespec="seconds"),
        "uptime_s": round((now - started).total_seconds()),
        "release": release,
        "last_sync": dict(last_sync) if last_sync else None,
        "slide": slide,
        "disk_free_bytes": disk_free_bytes,
        "journal": dict(journal),
        "clock_offset_s": clock_offset_s,
        "errors": errors[-10:],
    }
