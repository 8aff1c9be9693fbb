"""Write the machine-facing files and the deep-link landings: the I/O edge of ``documents``.

With the build cache (``invoke build``, ``livereload``), the work is proportional to the change:

- an item's own files (its ``/d/<slug>/`` landing, an event's calendar per language) are keyed
  on the global inputs, the content that is not an item's, the item's files and, for an event,
  its place's files (what ``ical.vevent`` and ``landing.landing_page`` read); unchanged, they
  are hard-linked from the current build, as ``p2f_site.incremental`` does for pages;
- the ``/d/<lang>/<slug>/`` copies of item pages are linked from the current build when the
  page itself was (the same inode: the same bytes) and the code is the same;
- a file made from many items (sitemap, map data, a feed, the whole agenda) is keyed on the
  files of the items it reads (``documents.shared_plan``: a category's feed reads that
  category's places, the agenda the events and their places; the sitemap any item) and linked
  when they are unchanged; the agenda is joined from each event's VEVENT lines, kept in the
  cache under that event's key.

What each file of a build was made from is kept beside it, in ``<build>/web-outputs.json``
(outside ``site/``: never published). Without the cache everything is made and written; the
bytes are the same either way (``tests/site/test_incremental.py``). Files are written to a
temporary name and renamed: a linked file of the current build is never written into.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p2f_build.cache import Inputs, build_cache, build_inputs, key
from p2f_model.corpus import Corpus, Item
from p2f_model.vocabulary import SITE_LANGUAGES
from p2f_site.staging import Staging, staging_site
from p2f_site.urls import item_path
from p2f_web import documents, ical
from p2f_web.landing import landing_kinds, landing_path, language_landing, language_landing_path

RECORDS = "web-outputs.json"  # beside site/ in a build folder: output path -> key
VEVENTS = "web-vevent"  # cache namespace: key of an event in a language -> its VEVENT lines


@dataclass
class Outputs:
    """Where the files go, what the current build's were made from, what this one's are."""

    staging: Staging  # this build's site folder, shared with the page writer
    inputs: Inputs | None
    previous: dict[str, str] = field(default_factory=dict)
    records: dict[str, str] = field(default_factory=dict)
    written: int = 0
    linked: int = 0

    def reuse(self, path: str, made_from: str | None) -> bool:
        """Link ``path`` from the current build if it was made from ``made_from`` (the record
        proves the current build has it: ``p2f_site.staging``)."""
        if made_from is None or self.previous.get(path) != made_from:
            return False
        if not self.staging.link(path):
            return False
        self.records[path] = made_from
        self.linked += 1
        return True

    def write(self, path: str, data: bytes, made_from: str | None) -> None:
        self.staging.write(path, data)
        if made_from is not None:
            self.records[path] = made_from
        self.written += 1


def write_web_outputs(settings: dict[str, Any]) -> str:
    """Write every machine-facing file and landing of the build; a line for the log."""
    web, corpus = settings["P2F_WEB"], settings["P2F_CORPUS"]
    site = Path(settings["OUTPUT_PATH"])
    outputs = _outputs(staging_site(settings), build_inputs(settings))
    cache = build_cache(settings)
    keys = {slug: _item_key(outputs.inputs, corpus, item) for slug, item in corpus.items.items()}
    made: dict[tuple[str, str], bytes] = {}

    def events(item: Item, lang: str) -> bytes:
        found = made.get((item.slug, lang))
        if found is None:
            made_from = keys.get(item.slug)
            entry = key(made_from, lang) if made_from else None
            found = cache.get(VEVENTS, entry) if entry else None
            if found is None:
                found = ical.vevent(item, corpus, lang, web)
                if entry:
                    cache.put(VEVENTS, entry, found)
            made[(item.slug, lang)] = found
        return found

    for slug, item in corpus.items.items():
        own = _own_paths(item)
        if own and all(outputs.reuse(path, keys[slug]) for path in own):
            continue
        for path, data in documents.item_documents(item, corpus, web, web.now, events).items():
            outputs.write(path, data, keys[slug])
    for doc in documents.shared_plan(corpus, web, web.now, events):
        made_from = _shared_key(outputs.inputs, doc)
        if not outputs.reuse(doc.path, made_from):
            outputs.write(doc.path, doc.make(), made_from)
    landings = _write_language_landings(outputs, corpus)
    if outputs.inputs is not None:
        text = json.dumps(outputs.records, sort_keys=True)
        (site.parent / RECORDS).write_text(text, encoding="utf-8")
    return (
        f"{outputs.written + outputs.linked} machine-facing files and {landings} deep-link "
        f"landings: {outputs.written} written, {outputs.linked} linked from the current build"
    )


def _outputs(staging: Staging, inputs: Inputs | None) -> Outputs:
    if inputs is None or staging.previous is None:
        return Outputs(staging, inputs)
    try:
        records = json.loads((Path(staging.previous).parent / RECORDS).read_text("utf-8"))
    except (OSError, ValueError):
        records = {}
    return Outputs(staging, inputs, records if isinstance(records, dict) else {})


def _item_key(inputs: Inputs | None, corpus: Corpus, item: Item) -> str | None:
    """What an item's own files are made from (None without the cache)."""
    if inputs is None:
        return None
    place = getattr(item.data, "place", None) if item.kind == "event" else None
    read = [inputs.item(item.slug), inputs.item(place) if isinstance(place, str) else "-"]
    return key("web-item", inputs.globals, inputs.others, *read)


def _shared_key(inputs: Inputs | None, doc: documents.Shared) -> str | None:
    """What a file made from many items is made from (None without the cache)."""
    if inputs is None:
        return None
    if doc.reads is None:
        return key("web-shared", doc.path, inputs.globals, inputs.content)
    items = (f"{slug}={inputs.item(slug)}" for slug in sorted(set(doc.reads)))
    return key("web-shared", doc.path, inputs.globals, inputs.others, *items)


def _own_paths(item: Item) -> list[str]:
    """The paths ``documents.item_documents`` writes for ``item`` (without making them)."""
    paths = [ical.event_ics_path(item.slug, lang) for lang in SITE_LANGUAGES]
    own = paths if item.kind == "event" else []
    if item.kind in landing_kinds():
        own.append(landing_path(item.slug))
    return own


def _write_language_landings(outputs: Outputs, corpus: Corpus) -> int:
    """``/d/<lang>/<slug>/index.html``: each item page again at its deep link's address (not
    indexed: the copies carry no ``data-pagefind-body``, and Pagefind never reads ``d/``).

    The page writer noted in the build's ``Staging`` which pages it rendered and which it linked
    from the current build (those have the bytes the current landing was made from): no system
    call is needed to know either."""
    kinds, count = landing_kinds(), 0
    made_from = key("web-landing", outputs.inputs.globals) if outputs.inputs else None
    staging = outputs.staging
    for item in corpus.items.values():
        if item.kind not in kinds:
            continue
        for lang in SITE_LANGUAGES:
            name = item_path(item.kind, item.slug, lang)
            if not staging.has_page(name) and not _is_file(staging.path(name)):
                continue
            count += 1
            path = language_landing_path(lang, item.slug)
            if name in staging.linked and outputs.reuse(path, made_from):
                continue
            with open(staging.path(name), encoding="utf-8") as read:
                landing = language_landing(read.read())
            outputs.write(path, landing.encode(), made_from)
    return count


def _is_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False
