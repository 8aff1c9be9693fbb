"""What each key under the store's telemetry prefix is, judged from its name alone.

The layout comes from the sides that write it, never retyped here: the prefix from
``p2f_publish.layout.TELEMETRY_PREFIX``, a device's folder from the player's
``heartbeat_key`` (its parent folder), the screenshot from ``screenshot_key``. A batch is any
``.jsonl`` under ``<device folder>/events/`` named ``<first seq>-<last seq>.jsonl`` (the
player's ``Journal.next_batch``). Anything else under the prefix is an anomaly: it is shown,
never read as telemetry. Pure: names in, ``KeyInfo`` out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from p2f_player.heartbeat import heartbeat_key
from p2f_publish.layout import TELEMETRY_PREFIX

_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}"
_MARK_SITE, _MARK_DEVICE = "SITEMARK", "DEVICEMARK"


def _device_pattern() -> tuple[str, str]:
    """The regular expression of a device folder and the heartbeat's file name, derived from
    the player's own ``heartbeat_key`` (so a move of the layout flows through)."""
    sample = heartbeat_key(_MARK_SITE, _MARK_DEVICE)
    folder, _, name = sample.rpartition("/")
    pattern = re.escape(folder).replace(_MARK_SITE, f"(?P<site>{_NAME})")
    return pattern.replace(_MARK_DEVICE, f"(?P<device>{_NAME})"), name


_FOLDER, HEARTBEAT_NAME = _device_pattern()
SCREENSHOT_NAME = "screenshot.jpg"  # p2f_player.shell.veille.screenshot_key (window extra)
_KEY = re.compile(
    rf"^{_FOLDER}/(?:(?P<heartbeat>{re.escape(HEARTBEAT_NAME)})"
    rf"|(?P<screenshot>{re.escape(SCREENSHOT_NAME)})"
    r"|events/(?P<first>\d{1,12})-(?P<last>\d{1,12})\.jsonl)$"
)


@dataclass(frozen=True)
class KeyInfo:
    key: str
    kind: str  # batch | heartbeat | screenshot | unexpected
    site: str = ""
    device: str = ""
    first_seq: int = 0
    last_seq: int = 0


def classify(key: str) -> KeyInfo:
    """What ``key`` (relative to the store's root, e.g. ``telemetry/gare/gare/...``) holds."""
    match = _KEY.match(key)
    if match is None:
        return KeyInfo(key, "unexpected")
    site, device = match["site"], match["device"]
    if match["heartbeat"]:
        return KeyInfo(key, "heartbeat", site, device)
    if match["screenshot"]:
        return KeyInfo(key, "screenshot", site, device)
    first, last = int(match["first"]), int(match["last"])
    if last < first:
        return KeyInfo(key, "unexpected", site, device)
    return KeyInfo(key, "batch", site, device, first, last)


# -- the compacted telemetry (p2f_office.compaction): Parquet files per day, every site in them --

COMPACTED_PREFIX = "telemetry-compacted/"  # private, like telemetry/ (never under site/)
# a day's files: its events (``<day>.parquet``), the anomalies compaction found, and the
# tables the reports read, derived from the events (p2f_office.daytables)
DAY_TABLES = ("anomalies", "plays", "touches", "handoffs", "spans")
_COMPACTED = re.compile(
    rf"^{re.escape(COMPACTED_PREFIX)}(?P<day>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(?:\.(?P<table>{'|'.join(DAY_TABLES)}))?\.parquet$"
)


@dataclass(frozen=True)
class CompactedFile:
    key: str
    day: date
    table: str  # "events", or one of DAY_TABLES

    @property
    def anomalies(self) -> bool:  # the day's anomalies sidecar, not its events
        return self.table == "anomalies"


def parse_compacted(key: str) -> CompactedFile | None:
    """What a key under ``telemetry-compacted/`` is, or None for anything else."""
    match = _COMPACTED.match(key)
    if match is None:
        return None
    try:
        day = date.fromisoformat(match["day"])
    except ValueError:
        return None
    return CompactedFile(key, day, match["table"] or "events")


def file_key(day: date, anomalies: bool = False, table: str = "events") -> str:
    """``telemetry-compacted/<day>.parquet`` (``.anomalies.parquet``: the sidecar;
    ``.<table>.parquet``: a derived table). One file per day for every site: a year is 365
    files per table, and each scan of them pays per file."""
    table = "anomalies" if anomalies else table
    suffix = "" if table == "events" else f".{table}"
    return f"{COMPACTED_PREFIX}{day.isoformat()}{suffix}.parquet"


__all__ = [
    "COMPACTED_PREFIX",
    "DAY_TABLES",
    "HEARTBEAT_NAME",
    "TELEMETRY_PREFIX",
    "CompactedFile",
    "KeyInfo",
    "classify",
    "file_key",
    "parse_compacted",
]
