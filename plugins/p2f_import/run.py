"""One import run: read a source, merge each record into content/, write, report.

The I/O edge around the pure parts (mappings, ``merge``): reads the content folder once,
writes each changed file atomically (temporary file, then ``os.replace``), never writes a
file that would not change, and returns everything the report needs.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from p2f_import import merge, sources
from p2f_import.merge import Outcome
from p2f_import.model import (
    BAD_RECORD,
    CANCELLED,
    NO_PLACE,
    OUTSIDE,
    Collected,
    Draft,
    Skipped,
    slugify,
)
from p2f_model import frontmatter
from p2f_model.territory import Territory
from p2f_model.vocabulary import KIND_FOLDERS, TRANSLATION_LANGUAGES

SOURCES = ("datatourisme", "apidae", "ical")
VENUE_METRES = 150  # an event's location this close to a place is taken to be that place


@dataclass(frozen=True)
class Options:
    source: str
    inputs: list[str]
    content: Path
    now: datetime
    territory: Territory
    horizon: timedelta = timedelta(days=365)
    place: str | None = None  # the place of every event whose venue is not found
    dry_run: bool = False


@dataclass
class Result:
    source: str
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)  # files of occurrences cancelled

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)


@dataclass
class _Content:
    """What the run needs to know of content/: imported items and places."""

    by_record: dict[tuple[str, str], str] = field(default_factory=dict)  # -> lieux/x.md
    names: set[str] = field(default_factory=set)  # every file name, e.g. lieux/x.md
    places: list[tuple[str, str, float | None, float | None]] = field(default_factory=list)


def collect(options: Options, fetch: sources.Fetch = sources.fetch_url) -> Collected:
    if options.source == "datatourisme":
        return sources.read_datatourisme(
            options.inputs, options.territory, options.now, options.horizon
        )
    if options.source == "apidae":
        return sources.read_apidae(options.inputs, options.territory, options.now,
                                   options.horizon)  # fmt: skip
    if options.source == "ical":
        return sources.read_ical(options.inputs, options.now, options.horizon, fetch)
    raise ValueError(f'unknown source "{options.source}" (expected one of {", ".join(SOURCES)})')


def run(options: Options, fetch: sources.Fetch = sources.fetch_url) -> Result:
    collected = collect(options, fetch)
    result = Result(options.source, skipped=list(collected.skipped), notes=collected.notes)
    content = _read_content(options.content)
    if options.place and not any(slug == options.place for slug, *_ in content.places):
        result.notes.append(f'--place "{options.place}": no such place in content/lieux/')
    drafts = sorted(collected.drafts, key=lambda d: d.kind != "place")  # places first
    for draft in drafts:
        if draft.kind == "event":
            if draft.venue_geo and not options.territory.contains(*draft.venue_geo):
                lat, lon = draft.venue_geo
                result.skipped.append(Skipped(draft.source, draft.record_id, OUTSIDE,
                                              f"{lat}, {lon} ({draft.venue})"))  # fmt: skip
                continue
            place = _resolve_place(draft, content, options.place)
            if place is None:
                result.skipped.append(Skipped(draft.source, draft.record_id, NO_PLACE,
                                              draft.venue or "no location given"))  # fmt: skip
                continue
            draft = Draft(**{**draft.__dict__, "fields": {**draft.fields, "place": place}})
        try:
            outcome = _merge_one(draft, content, options)
        except frontmatter.FrontMatterError as error:
            result.skipped.append(Skipped(draft.source, draft.record_id, BAD_RECORD,
                                          f"its file cannot be read: {error.message}"))  # fmt: skip
            continue
        result.outcomes.append(outcome)
        if not options.dry_run:
            for path, text in outcome.writes.items():
                _write(options.content / path, text)
    for skipped in result.skipped:
        known = content.by_record.get((skipped.source, skipped.record_id))
        if known and skipped.reason == CANCELLED:
            result.cancelled.append(known)
    return result


def _merge_one(draft: Draft, content: _Content, options: Options) -> Outcome:
    folder = KIND_FOLDERS[draft.kind]
    known = content.by_record.get((draft.source, draft.record_id))
    if known is not None:
        existing = {known: _read(options.content / known)}
        # the translation files there are, from the names read once (not a folder scan per
        # record: 5,000 records in a folder of 7,000 files made that quadratic)
        there = {
            lang for lang in TRANSLATION_LANGUAGES if f"{known[:-3]}.{lang}.md" in content.names
        }
        langs = {t.lang for t in draft.translations} | there
        for lang in sorted(langs):
            sibling = f"{known[:-3]}.{lang}.md"
            existing[sibling] = _read(options.content / sibling)
        return merge.update(draft, known, existing, options.now)
    path = _new_name(draft, folder, content)
    content.by_record[(draft.source, draft.record_id)] = path
    outcome = merge.create(draft, path, options.now)
    content.names.update(outcome.writes)
    if draft.kind == "place":
        geo = draft.fields["geo"]
        content.places.append((path[len(folder) + 1 : -3], draft.fields["title"],
                               geo["lat"], geo["lon"]))  # fmt: skip
    return outcome


def _new_name(draft: Draft, folder: str, content: _Content) -> str:
    base = slugify(draft.fields["title"], 49 if draft.kind == "event" else 56)
    if draft.kind == "event":
        base = f"{base}-{draft.fields['starts'][:10]}"
    slug, number = base, 2
    while f"{folder}/{slug}.md" in content.names:
        slug, number = f"{base}-{number}", number + 1
    return f"{folder}/{slug}.md"


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two points (equirectangular: exact enough within a town)."""
    lat = math.radians((a[0] + b[0]) / 2)
    dx = math.radians(b[1] - a[1]) * math.cos(lat)
    dy = math.radians(b[0] - a[0])
    return 6_371_000 * math.hypot(dx, dy)


def _resolve_place(draft: Draft, content: _Content, default: str | None) -> str | None:
    venue = (draft.venue or "").casefold().strip()
    best: tuple[float, str] | None = None
    for slug, title, lat, lon in content.places:
        if venue and title.casefold().strip() == venue:
            return slug
        if draft.venue_geo and lat is not None and lon is not None:
            metres = _distance(draft.venue_geo, (lat, lon))
            if metres <= VENUE_METRES and (best is None or metres < best[0]):
                best = (metres, slug)
    return best[1] if best else default


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_content(root: Path) -> _Content:
    found = _Content()
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
