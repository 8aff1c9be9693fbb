"""One import run: read a source, merge each record into content/, write, report.

The I/O edge around the pure parts (mappings, ``merge``, ``venues``, ``pictures``): reads
content/ once (``existing``), stores pictures (``gallery``), writes each changed file
atomically, never writes a file that would not change, and returns everything the report
needs. It never deletes anything: what is gone upstream is reported for a reviewer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from p2f_import import merge, sources, venues
from p2f_import.existing import Content, read, read_content, write
from p2f_import.fetch import Fetch, HttpFetcher
from p2f_import.gallery import Gallery, Missed
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
from p2f_player.contract.rules import PARIS

SOURCES = ("datatourisme", "apidae", "ical")
VENUE_METRES = 150  # an event's location this close to a place is taken to be that place
GONE = "gone upstream — check whether it was cancelled"


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
    images: bool = True  # download the records' pictures (--no-images: leave images alone)


@dataclass
class Result:
    source: str
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)  # files of occurrences cancelled
    venues: list[str] = field(default_factory=list)  # places created as events' venues
    gone: list[tuple[str, str]] = field(default_factory=list)  # (file, why) not in the feed
    pictures: list[str] = field(default_factory=list)  # files written in content/images
    missed: list[Missed] = field(default_factory=list)  # pictures not stored, and why
    placeholders: list[str] = field(default_factory=list)  # items whose alt must be written

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)


def collect(options: Options, fetch: Fetch) -> Collected:
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


def run(options: Options, fetch: Fetch | None = None) -> Result:
    """Import ``options.inputs``; ``fetch`` is the only way out to the network (feeds,
    pictures): ``HttpFetcher()`` unless given."""
    fetch = fetch or HttpFetcher()
    collected = collect(options, fetch)
    result = Result(options.source, skipped=list(collected.skipped), notes=collected.notes)
    content = read_content(options.content)
    gallery = Gallery(options.content, fetch, options.now.astimezone(PARIS).date(),
                      options.dry_run) if options.images else None  # fmt: skip
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
            place = _place_of(draft, content, options, result)
            if place is None:
                why = venues.why_not(draft) or "its venue place could not be written"
                result.skipped.append(Skipped(draft.source, draft.record_id, NO_PLACE, why))
                continue
            draft = replace(draft, fields={**draft.fields, "place": place})
        if gallery is not None and draft.media:
            draft = gallery.attach(draft)
        _apply(draft, content, options, result)
    for skipped in result.skipped:
        known = content.by_record.get((skipped.source, skipped.record_id))
        if known and skipped.reason == CANCELLED:
            result.cancelled.append(known)
    result.gone = _gone(collected, content, options)
    if gallery is not None:
        result.pictures, result.missed = gallery.stored, gallery.missed
    return result


def _apply(draft: Draft, content: Content, options: Options, result: Result) -> Outcome | None:
    """Merge one draft, write what changed; None (and a skipped record) if its file cannot
    be read."""
    try:
        outcome = _merge_one(draft, content, options)
    except frontmatter.FrontMatterError as error:
        result.skipped.append(Skipped(draft.source, draft.record_id, BAD_RECORD,
                                      f"its file cannot be read: {error.message}"))  # fmt: skip
        return None
    result.outcomes.append(outcome)
    if "images" in outcome.changed and any("alt is a placeholder" in f for f in draft.flags):
        result.placeholders.append(outcome.path)
    if not options.dry_run:
        for path, text in outcome.writes.items():
            write(options.content / path, text)
    return outcome


def _place_of(draft: Draft, content: Content, options: Options, result: Result) -> str | None:
    """The place of an event: the venue place an earlier run created, else a place of the
    same name or within ``VENUE_METRES``, else a new draft place made from the event's own
    location data, else ``--place``; None when none of these can be had."""
    known = content.by_record.get((draft.source, venues.venue_id(draft)))
    if known is not None and known.startswith(f"{KIND_FOLDERS['place']}/"):
        return known.split("/", 1)[1][: -len(".md")]
    found = _resolve_place(draft, content)
    if found is not None:
        return found
    venue = venues.venue_place(draft)
    if venue is not None:
        outcome = _apply(venue, content, options, result)
        if outcome is not None:
            result.venues.append(outcome.path)
            return outcome.path.split("/", 1)[1][: -len(".md")]
    return options.place


def _gone(collected: Collected, content: Content, options: Options) -> list[tuple[str, str]]:
    """Imported iCalendar occurrences, still to come, that the feed no longer has (never
    deleted: the reviewer checks whether they were cancelled)."""
    seen = {d.record_id for d in collected.drafts} | {s.record_id for s in collected.skipped}
    now = options.now.astimezone(PARIS).replace(tzinfo=None)
    out = []
    for event in content.events:
        if event.feed not in collected.feeds or event.record_id in seen:
            continue
        try:
            starts = datetime.fromisoformat(event.starts.replace(" ", "T")[:16])
        except ValueError:
            continue
        if not now < starts <= now + options.horizon:
            continue
        uid = event.record_id.split("#", 1)[0]
        why = ("its UID is no longer in the feed" if uid not in collected.feeds[event.feed]
               else "this occurrence is no longer in the feed (the series still is)")  # fmt: skip
        out.append((event.path, f"{why} ({event.feed}, {event.starts})"))
    return out


def _merge_one(draft: Draft, content: Content, options: Options) -> Outcome:
    folder = KIND_FOLDERS[draft.kind]
    known = content.by_record.get((draft.source, draft.record_id))
    if known is not None:
        existing = {known: read(options.content / known)}
        # the translation files there are, from the names read once (not a folder scan per
        # record: 5,000 records in a folder of 7,000 files made that quadratic)
        there = {
            lang for lang in TRANSLATION_LANGUAGES if f"{known[:-3]}.{lang}.md" in content.names
        }
        langs = {t.lang for t in draft.translations} | there
        for lang in sorted(langs):
            sibling = f"{known[:-3]}.{lang}.md"
            existing[sibling] = read(options.content / sibling)
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


def _new_name(draft: Draft, folder: str, content: Content) -> str:
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


def _resolve_place(draft: Draft, content: Content) -> str | None:
    venue = (draft.venue or "").casefold().strip()
    best: tuple[float, str] | None = None
    for slug, title, lat, lon in content.places:
        if venue and title.casefold().strip() == venue:
            return slug
        if draft.venue_geo and lat is not None and lon is not None:
            metres = _distance(draft.venue_geo, (lat, lon))
            if metres <= VENUE_METRES and (best is None or metres < best[0]):
                best = (metres, slug)
    return best[1] if best else None
