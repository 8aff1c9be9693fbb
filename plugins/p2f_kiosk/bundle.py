"""Write one site's bundle: slides, resized images, the touch directory, then the manifest.

The manifest written here is unsigned, with release ``unreleased`` and counter 0: a release
id, counter and signature are given by ``invoke publish`` (p2f_publish), not by the build. It
is the full form (every file and slide listed), for local tools; ``invoke publish`` signs its
parts form (``manifest.split_into_parts``).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from p2f_editorial.settings import EditorialSettings

from p2f_kiosk import images
from p2f_kiosk.directory import write_directory
from p2f_kiosk.plan import (
    PlannedSlide,
    now_board_slide,
    open_document,
    plan_site,
    site_document,
    slide_document,
    sponsor_shares,
)
from p2f_kiosk.previous import PreviousBundle, keys_record
from p2f_kiosk.shared import SharedFiles, digest
from p2f_kiosk.signage import slide_context, template_for
from p2f_model.corpus import Corpus, Item, site_profile
from p2f_model.images import MAX_IMAGE_BYTES
from p2f_model.load import read_content_file
from p2f_player.contract.deeplinks import deep_link
from p2f_player.contract.manifest import (
    MANIFEST_NAME,
    FileEntry,
    build_manifest,
    file_entry,
    iso,
)
from p2f_site.hours import open_intervals

SLIDE_SCALARS = ("width", "height", "orientation")  # of the site, printed by slide.html
MANIFEST_LIFETIME = timedelta(days=14)  # a screen cut off longer than this stops trusting it


@dataclass
class BundleReport:
    """What a site's bundle holds, for the build's summary."""

    site: str
    slides: int = 0
    pages: int = 0
    directory_pages: int = 0
    files: int = 0  # in the manifest's list (the manifest itself is not one of them)
    left_out: dict[str, int] = field(default_factory=dict)
    bytes_by_part: dict[str, int] = field(default_factory=dict)
    # not in the report file (a clean build and an incremental one write the same bytes):
    written: int = 0  # files made in this build
    linked: int = 0  # files linked from the current build's bundle
    kept: int = 0  # files left in place in the recycled bundle of the build before
    file_keys: tuple[str, bytes] | None = None  # what ``previous.save_keys`` keeps

    def as_dict(self) -> dict[str, Any]:
        return {
            "slides": self.slides,
            "slide_pages": self.pages,
            "directory_pages": self.directory_pages,
            "files": self.files,
            "left_out": dict(sorted(self.left_out.items())),
            "bytes": dict(sorted(self.bytes_by_part.items())),
            "total_bytes": sum(self.bytes_by_part.values()),
        }


class _Writer:
    """Writes files of the bundle and remembers each one's size and hash (and, with the build
    cache, the key of its inputs: a file made from the same key in the current build's bundle,
    ``previous``, is linked from there instead: see ``p2f_kiosk.previous``).

    Paths are str and folders are made once per bundle: this runs for each of ~80,000 files of
    a 5,000-document build, where pathlib and a ``mkdir`` per file cost seconds."""

    def __init__(
        self, out: Path, report: BundleReport, shared: SharedFiles,
        previous: PreviousBundle | None = None, spare: PreviousBundle | None = None,
    ) -> None:  # fmt: skip
        self.out, self.report, self.shared, self.previous = out, report, shared, previous
        self.spare = spare  # ``out`` itself holds the build before's bundle: recycled in place
        self.root = os.fspath(out)
        # a new folder holds nothing to unlink before a write (staging bundles are new unless
        # recycled from a spare)
        self.fresh = not os.path.isdir(self.root) or not os.listdir(self.root)
        os.makedirs(self.root, exist_ok=True)
        self.folders: set[str] = {""}  # made in this bundle, relative to ``root``
        if spare is not None:
            self.folders |= {path.rpartition("/")[0] for path in spare.entries}
        self.files: dict[str, FileEntry] = {}
        self.keys: dict[str, str] = {}  # path -> the key of its inputs, where known
        self.templates: dict[str, jinja2.Template] = {}
        self.written = 0  # files whose bytes were made in this build (for the logs, the bench)

    def _target(self, path: str) -> str:
        """Where ``path`` goes, its folder made (once per bundle)."""
        folder = path.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(f"{self.root}/{folder}", exist_ok=True)
            self.folders.add(folder)
        return f"{self.root}/{path}"

    def _unlink(self, path: str, target: str) -> None:
        """Never write through a hard link (to another site's file, or the current build's)."""
        if path in self.files or not self.fresh:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)

    def write_last(self, path: str, data: bytes) -> None:
        """Write a file that is not listed (the manifest), never through a link."""
        target = self._target(path)
        self._unlink(path, target)
        with open(target, "wb") as handle:
            handle.write(data)

    def put(self, path: str, data: bytes) -> None:
        target = self._target(path)
        self._unlink(path, target)
        with open(target, "wb") as handle:
            handle.write(data)
        self.keys.pop(path, None)
        self.written += 1
        self._count(path, file_entry(data))

    def put_made(self, path: str, file_key: str | None, make: Callable[[], bytes]) -> None:
        """``path`` holds ``make()``, whose inputs are all in ``file_key`` (None: unknown)."""
        previous = self.previous
        if file_key is not None and self._kept(path, file_key):
            return
        if file_key is not None and previous is not None and path not in self.files:
            target = self._target(path)
            if not self.fresh:
                self._unlink(path, target)
            entry = previous.reuse(path, file_key, target)
            if entry is not None:
                self.keys[path] = file_key
                self._count(path, entry)
                return
        self.put(path, make())
        if file_key is not None:
            self.keys[path] = file_key

    def put_shared(self, path: str, key: tuple[object, ...], make: Callable[[], bytes]) -> None:
        """``path`` holds bytes that depend only on ``key``: made once per build (or taken
        from the current build), then linked."""
        file_key, previous = self.shared.file_key(key), self.previous
        if file_key is not None and self._kept(path, file_key):
            # other sites made after this one link to it rather than to the current build
            self.shared.made.setdefault(key, (f"{self.root}/{path}", self.files[path]))
            return
        target, reuse = self._target(path), None
        if file_key is not None and previous is not None and path not in self.files:
            reuse = lambda: previous.reuse(path, file_key, target)  # noqa: E731
        before = (self.shared.reused, previous.linked if previous is not None else 0)
        fresh = self.fresh and path not in self.files
        self._count(path, self.shared.place_in(key, target, make, reuse, fresh))
        if before == (self.shared.reused, previous.linked if previous is not None else 0):
            self.written += 1  # neither linked to this build's file nor to the current one
        self.keys.pop(path, None)
        if file_key is not None:
            self.keys[path] = file_key

    def _kept(self, path: str, file_key: str) -> bool:
        """Whether ``path``, made from ``file_key``, is already in place (a recycled spare's
        file: no system call) and now counted."""
        spare = self.spare
        if spare is None or path in self.files:
            return False
        entry = spare.keep(path, file_key)
        if entry is None:
            return False
        self.keys[path] = file_key
        self._count(path, entry)
        return True

    def remove_stale(self) -> None:
        """Remove the recycled spare's files this bundle does not list, then the folders
        left empty (deepest first: a clean build has no empty folder)."""
        if self.spare is None:
            return
        folders = set()
        for path in self.spare.stale_paths(self.files):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.root}/{path}")
            folder = path.rpartition("/")[0]
            while folder:
                folders.add(folder)
                folder = folder.rpartition("/")[0]
        for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
            with contextlib.suppress(OSError):  # not empty: it holds listed files
                os.rmdir(f"{self.root}/{folder}")

    def template(self, env: jinja2.Environment, name: str) -> jinja2.Template:
        """``env``'s template, looked up once per bundle (``get_template`` stats the file)."""
        if name not in self.templates:
            self.templates[name] = env.get_template(name)
        return self.templates[name]

    def _count(self, path: str, entry: FileEntry) -> None:
        self.files[path] = entry
        part = path.split("/", 1)[0]
        self.report.bytes_by_part[part] = self.report.bytes_by_part.get(part, 0) + entry.size


def write_bundle(
    corpus: Corpus,
    site_slug: str,
    out: Path,
    content_dir: Path,
    env: jinja2.Environment,
    now: datetime,
    public_url: str,
    editorial: EditorialSettings | None = None,
    shared: SharedFiles | None = None,
    previous: PreviousBundle | None = None,
    spare: PreviousBundle | None = None,
) -> tuple[dict[str, Any], BundleReport]:
    """Write ``out/`` for one site; return the manifest document and the site's report
    (``editorial``: the P2F_EDITORIAL settings, for ``hide_past_hard_limit``; ``shared``: the
    files already made for other sites of this build, see ``p2f_kiosk.shared``; ``previous``:
    the site's bundle in the current build; ``spare``: the bundle already in ``out``, from
    the build before, recycled: see ``p2f_kiosk.previous``)."""
    site_item = corpus.items[site_slug]
    site = site_document(site_item, corpus.settings, corpus.campaigns.values(), now)
    report = BundleReport(site_slug)
    writer = _Writer(out, report, SharedFiles() if shared is None else shared, previous, spare)
    css = (Path(env.loader.searchpath[0]) / "kiosk.css").read_bytes()  # type: ignore[union-attr]
    writer.put("assets/kiosk.css", css)
    image = _ImageMaker(writer, content_dir, site)
    slides = []
    planned_all, left_out = planned_slides(corpus, site_slug, now, editorial, writer.shared)
    report.left_out.update(left_out)
    for planned in planned_all:
        slides.append(_write_slide(planned, site, writer, image, env, corpus, now, public_url))
    board = now_board_slide(site, corpus.settings)
    if board is not None:  # drawn by the player at play time, from directory/<lang>/now.js
        slides.append(board)
    report.slides = len(slides)
    report.pages = sum(len(s["pages"]) for s in slides)
    report.directory_pages = write_directory(
        corpus, site, now, writer.put, image.thumb, public_url, writer.shared, writer.put_made
    )
    writer.remove_stale()
    release = {
        "id": "unreleased",
        "counter": 0,
        "created": iso(now),
        "expires": iso(now + MANIFEST_LIFETIME),
    }
    manifest = build_manifest(
        site,
        release,
        slides,
        sponsor_shares(corpus, site_profile(site_item)),
        writer.files,
        directory={lang: f"directory/{lang}/index.html" for lang in site["languages"]},
    )
    # compact: the indented encoder is pure Python (0.9 s CPU for the 12 manifests at 5,000
    # documents, 0.26 s compact), paid again after every edit; tools parse it, nobody reads it
    compact = (",", ":")
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=compact).encode()
    writer.write_last(MANIFEST_NAME, text)  # not one of its own files: not counted
    report.files = len(writer.files)
    report.written, report.linked = writer.written, previous.linked if previous else 0
    report.kept = spare.kept if spare else 0
    if writer.keys:
        report.file_keys = keys_record(text, writer.keys, writer.files)
    return manifest, report


class _ImageMaker:
    """Each source image resized once per use: a hero for slides, a thumbnail for the directory."""

    def __init__(self, writer: _Writer, content_dir: Path, site: dict[str, Any]) -> None:
        self.writer, self.content_dir = writer, content_dir
        self.hero_box = media_box(site)
        self.thumb_box = images.thumb_box(site["width"])

    def _make(self, src: str, folder: str, box: images.Box) -> str:
        path = f"assets/{folder}/{images.resized_name(src).removeprefix('images/')}"
        if path not in self.writer.files:
            content_dir, shared = self.content_dir, self.writer.shared
            source = source_digest(shared, content_dir, src)

            def make() -> bytes:
                # never through a link, even one planted after the check ran
                data = read_content_file(content_dir, src, MAX_IMAGE_BYTES)
                if digest(data) != source:  # the key names the bytes read first
                    raise images.ImageProblem(
                        f"content/{src}: changed while the build ran; build again"
                    )
                return images.fit(data, src, box)

            self.writer.put_shared(path, picture_key(source, src, box), make)
        return path

    def hero(self, src: str) -> str:
        return self._make(src, "images", self.hero_box)

    def thumb(self, item: Item) -> tuple[str, str] | None:
        if not item.data.images:
            return None
        first = item.data.images[0]
        return self._make(first.src, "thumbs", self.thumb_box), first.alt


def source_digest(
    shared: SharedFiles, content_dir: Path, src: str, data: bytes | None = None
) -> str:
    """The SHA-256 of the picture ``src`` (its bytes ``data`` when already read), read and
    hashed once per build, not once per site and use. Raises ``ImageProblem`` if ``data`` is
    not what was read before (the file changed while the build ran)."""
    memo = ("picture-source", os.fspath(content_dir), src)
    if data is None:
        read = partial(read_content_file, content_dir, src, MAX_IMAGE_BYTES)
        return shared.value(memo, lambda: digest(read()))
    found = digest(data)
    if shared.value(memo, lambda: found) != found:
        raise images.ImageProblem(f"content/{src}: changed while the build ran; build again")
    return found


def picture_key(source: str, src: str, box: images.Box) -> tuple[object, ...]:
    """What the resized bytes depend on: the source bytes (``source``: their SHA-256), the box
    and the format only."""
    return ("image", source, box, images.resized_name(src).endswith(".png"))


def planned_slides(
    corpus: Corpus,
    site_slug: str,
    now: datetime,
    editorial: EditorialSettings | None,
    shared: SharedFiles,
) -> tuple[list[PlannedSlide], dict[str, int]]:
    """``plan_site`` and what it left out, once per build and site (the pictures made ahead
    and the bundle plan the same slides)."""

    def intervals(
        hours: str | None, season: str | None, start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:  # the same for every site: read, never changed
        key = ("open-intervals", hours, season, start, end)
        return shared.value(key, lambda: open_intervals(hours, season, start, end))

    def plan() -> tuple[list[PlannedSlide], dict[str, int]]:
        left_out: dict[str, int] = {}
        return plan_site(corpus, site_slug, now, left_out, editorial, intervals), left_out

    return shared.value(("plan", site_slug, now, repr(editorial)), plan)


def media_box(site: dict[str, Any]) -> images.Box:
    """The slide's picture area (kiosk.css: 42vh high in portrait, 48vw wide in landscape)."""
    width, height = site["width"], site["height"]
    if site["orientation"] == "landscape":
        return images.Box(max(1, int(width * 0.48)), height)
    return images.Box(width, max(1, int(height * 0.42)))


def _write_slide(
    planned: PlannedSlide,
    site: dict[str, Any],
    writer: _Writer,
    image: _ImageMaker,
    env: jinja2.Environment,
    corpus: Corpus,
    now: datetime,
    public_url: str,
) -> dict[str, Any]:
    item = planned.item
    pages, titles, links = {}, {}, {}
    heroes = [image.hero(source.src) for source in item.data.images]
    partner = corpus.items.get(getattr(item.data, "partner", None) or "")
    logo = image.thumb(partner) if partner is not None else None
    name = template_for(item, planned.sponsor)
    template = writer.template(env, f"slide-{name}.html")
    shape = (name, tuple(heroes), logo, partner.slug if partner else None, planned.level)
    # the items the slide reads: its own, its partner's name, an event's place's name
    reads = (item.slug, *(slug for slug in (shape[3], getattr(item.data, "place", None)) if slug))
    # one page per language the text is written in; a turn without a translation shows the
    # French page, labelled fr (plan.language_turns)
    for lang in dict.fromkeys(planned.text_language(turn) for turn in planned.languages):
        text = item.text(lang)
        link = deep_link(item.slug, site["id"], lang, public_url)
        fill = {f"site_{key}": site[key] for key in SLIDE_SCALARS} | {"link": link}

        def make(value: Callable[[str], object], lang: str = lang) -> str:
            values = slide_context(item, lang, now, corpus, heroes, partner, logo, planned.level)
            values["template"] = name
            view = site | {key: value(f"site_{key}") for key in SLIDE_SCALARS}
            return template.render(site=view, link=value("link"), **values)

        # the same on every site but for the screen's size and the deep link: made once
        key, shared = ("slide", item.slug, lang, *shape), writer.shared.pages
        path = f"slides/{item.slug}.{lang}.html"
        render = partial(shared.render, key, fill, make, reads)
        writer.put_made(path, shared.file_key(key, fill, reads), render)
        pages[lang], titles[lang], links[lang] = path, text.title, link
    turns = {turn: planned.text_language(turn) for turn in planned.languages}
    return slide_document(
        planned,
        {turn: pages[lang] for turn, lang in turns.items()},
        {turn: titles[lang] for turn, lang in turns.items()},
        {turn: links[lang] for turn, lang in turns.items()},
        _opened(planned, writer.shared),
    )


def _opened(planned: PlannedSlide, shared: SharedFiles) -> dict[str, Any] | None:
    """A place's open intervals as the manifest says them, once per build (the intervals of
    a place are one list for every site: ``planned_slides``; the document is only read)."""
    if planned.open_times is None:
        return None
    spans, made = planned.open_times[1], partial(open_document, planned.open_times)
    # the entry holds ``spans``, so its id names no other list while the build lasts
    key = ("open-document", id(spans), planned.open_times[0])
    held, document = shared.value(key, lambda: (spans, made()))
    return document if held is spans else made()
