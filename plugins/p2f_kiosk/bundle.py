"""Write one site's bundle: slide pages, the images they use, then the manifest (last)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
import markdown

from p2f_kiosk.plan import PlannedSlide, plan_site, site_document, sponsor_shares, window_document
from p2f_model.corpus import Corpus, site_profile
from p2f_player.contract.deeplinks import deep_link
from p2f_player.contract.manifest import (
    MANIFEST_NAME,
    FileEntry,
    build_manifest,
    file_entry,
    iso,
)
from p2f_site.reader import render_markdown

MANIFEST_LIFETIME = timedelta(days=14)  # a screen cut off longer than this stops trusting it


def write_bundle(
    corpus: Corpus,
    site_slug: str,
    out: Path,
    content_dir: Path,
    env: jinja2.Environment,
    now: datetime,
    public_url: str,
) -> dict[str, Any]:
    """Write ``out/`` for one site and return the manifest document."""
    out.mkdir(parents=True, exist_ok=True)
    site_item = corpus.items[site_slug]
    site = site_document(site_item)
    files: dict[str, FileEntry] = {}
    md = markdown.Markdown(extensions=["markdown.extensions.extra"], output_format="html5")
    template = env.get_template("slide.html")

    def put(path: str, data: bytes) -> None:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files[path] = file_entry(data)

    css = (Path(env.loader.searchpath[0]) / "kiosk.css").read_bytes()  # type: ignore[union-attr]
    put("assets/kiosk.css", css)
    slides = []
    for planned in plan_site(corpus, site_slug, now):
        slides.append(_write_slide(planned, site, put, files, content_dir, template, md, public_url))
    release = {
        "id": "unreleased",
        "counter": 0,
        "created": iso(now),
        "expires": iso(now + MANIFEST_LIFETIME),
    }
    manifest = build_manifest(
        site, release, slides, sponsor_shares(corpus, site_profile(site_item)), files
    )
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return manifest


def _write_slide(
    planned: PlannedSlide,
    site: dict[str, Any],
    put: Any,
    files: dict[str, FileEntry],
    content_dir: Path,
    template: jinja2.Template,
    md: markdown.Markdown,
    public_url: str,
) -> dict[str, Any]:
    item = planned.item
    pages, titles, links = {}, {}, {}
    images = []
    for image in item.data.images:
        path = f"assets/{image.src}"
        if path not in files:
            put(path, (content_dir / image.src).read_bytes())
        images.append(path)
    for lang in planned.languages:
        text = item.text(lang)
        link = deep_link(item.slug, site["id"], lang, public_url)
        html = template.render(
            item=item, data=item.data, text=text, lang=lang, site=site, link=link,
            images=list(zip(images, text.alt, strict=True)), body=render_markdown(md, text.body),
        )  # fmt: skip
        path = f"slides/{item.slug}.{lang}.html"
        put(path, html.encode())
        pages[lang], titles[lang], links[lang] = path, text.title, link
    return {
        "id": item.slug,
        "kind": item.kind,
        "titles": titles,
        "pages": pages,
        "rules": item.rules.to_json(),
        "window": window_document(planned.window),
        "sponsor": planned.sponsor,
        "interrupt": planned.interrupt,
        "deep_links": links,
    }


