"""What content/ already holds, read once per run; and how the run writes a file.

The I/O edge beside ``run``: reads the places and the imported events once (a folder scan
per record made 5,000 records quadratic), and writes each changed file atomically
(temporary file, then ``os.replace``).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p2f_model import frontmatter
from p2f_model.vocabulary import KIND_FOLDERS


@dataclass(frozen=True)
class ImportedEvent:
    """An event a previous run imported (to see an iCalendar occurrence gone upstream)."""

    path: str  # agenda/x.md
    record_id: str  # "<UID>#<start>" for a feed
    feed: str  # imported.url: the feed as shown (without its query)
    starts: str  # "2026-03-17T18:30", Paris time


@dataclass
class Content:
    """What the run needs to know of content/: imported items and places."""

    by_record: dict[tuple[str, str], str] = field(default_factory=dict)  # -> lieux/x.md
    names: set[str] = field(default_factory=set)  # every file name, e.g. lieux/x.md
    places: list[tuple[str, str, float | None, float | None]] = field(default_factory=list)
    events: list[ImportedEvent] = field(default_factory=list)


def read_content(root: Path) -> Content:
    found = Content()
    for kind in ("place", "event"):
        folder = KIND_FOLDERS[kind]
        for path in sorted((root / folder).glob("*.md")) if (root / folder).is_dir() else []:
            rel = f"{folder}/{path.name}"
            found.names.add(rel)
            if path.name.count(".") > 1:  # a translation
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if kind == "event" and "imported:" not in text:
                continue
            try:
                fields = frontmatter.parse(text).fields
            except frontmatter.FrontMatterError:
                continue  # the check reports it; the run leaves it alone
            meta = fields.get("imported")
            if isinstance(meta, dict) and meta.get("source") and meta.get("id"):
                found.by_record[(str(meta["source"]), str(meta["id"]))] = rel
                if kind == "event":
                    found.events.append(ImportedEvent(rel, str(meta["id"]),
                                                      str(meta.get("url") or ""),
                                                      str(fields.get("starts", ""))))  # fmt: skip
            if kind == "place":
                given = fields.get("geo")
                geo: dict[str, Any] = given if isinstance(given, dict) else {}
                lat, lon = geo.get("lat"), geo.get("lon")
                found.places.append((
                    path.name[:-3], str(fields.get("title", "")),
                    lat if isinstance(lat, float) else None,
                    lon if isinstance(lon, float) else None,
                ))  # fmt: skip
    return found


def read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def write(path: Path, data: str | bytes) -> None:
    """Atomically: a temporary file next to it, then ``os.replace`` (text as UTF-8, LF)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
