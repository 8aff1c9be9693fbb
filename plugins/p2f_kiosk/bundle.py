"""Write one site's bundle: slides, resized images, the touch directory, then the manifest.

The manifest written here is unsigned, with release ``unreleased`` and counter 0: a release
id, counter and signature are given by ``invoke publish`` (p2f_publish), not by the build. It
is the full form (every file and slide listed), for local tools; ``invoke publish`` signs its
parts form (``manifest.split_into_parts``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from p2f_editorial.settings import EditorialSettings

from p2f_kiosk import images
from p2f_kiosk.bundle_writer import BundleReport, BundleWriter
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
    build_manifest,
    iso,
    manifest_bytes,
)
from p2f_site.hours import open_intervals

SLIDE_SCALARS = ("width", "height", "orientation")  # all a slide prints of the site
MANIFEST_LIFETIME = timedelta(days=14)  # a screen cut off longer than this stops trusting it


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
    with BundleWriter(
        out, report, SharedFiles() if shared is None else shared, previous, spare
    ) as writer:  # its thread ends with the bundle
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
            corpus, site, now, writer.put, image.thumb, public_url, writer.shared,
            put_made=writer.put_made, put_shared=writer.put_page,
        )  # fmt: skip
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
        # compact canonical JSON (tools parse it, nobody reads it; the indented encoder is pure
        # Python), its file list printed without the encoder: paid for each site after every edit
        text = manifest_bytes(manifest)
        writer.write_last(MANIFEST_NAME, text)  # not one of its own files: not counted
        report.files = len(writer.files)
        report.written, report.linked = writer.written, previous.linked if previous else 0
        report.kept = spare.kept if spare else 0
        if writer.keys:
            report.file_keys = keys_record(text, writer.keys, writer.files)
    return manifest, report


class _ImageMaker:
    """Each source image resized once per use: a hero for slides, a thumbnail for the directory."""

    def __init__(self, writer: BundleWriter, content_dir: Path, site: dict[str, Any]) -> None:
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
    writer: BundleWriter,
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
        fill = {f"site_{key}": site[key] for key in SLIDE_SCALARS}

        def make(value: Callable[[str], object], lang: str = lang) -> str:
            values = slide_context(item, lang, now, corpus, heroes, partner, logo, planned.level)
            values["template"] = name
            view = {key: value(f"site_{key}") for key in SLIDE_SCALARS}
            # the link without the site: the kiosk page's QR box shows this screen's, from the
            # manifest (the slide's own footer is hidden there), so the file is every site's
            plain = deep_link(item.slug, None, lang, public_url)
            return template.render(site=view, link=plain, **values)

        # the same on every site of the same screen size: rendered once, filled in with the
        # size, made once per size and linked into the other bundles
        key, shared = ("slide", item.slug, lang, *shape), writer.shared.pages
        path = f"slides/{item.slug}.{lang}.html"
        render = partial(shared.render, key, fill, make, reads)
        inputs = ("slide-file", key, tuple(fill.values()), reads)
        writer.put_page(path, inputs, shared.file_key(key, fill, reads), render)
        pages[lang], titles[lang] = path, text.title
        links[lang] = deep_link(item.slug, site["id"], lang, public_url)
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
