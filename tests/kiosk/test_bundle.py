"""The kiosk bundle: manifest against its JSON Schema, resized images, offline directory, report."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jsonschema
from PIL import Image

from p2f_player.contract.manifest import (
    check_file,
    expand_parts,
    json_schema,
    parse_manifest,
    split_into_parts,
)
from tests.conftest import SITE as GARE
from tests.kiosk.conftest import Build

SITE = "gare"
ENDED_EVENT = """\
---
title: Marché de Noël 2025
starts: 2025-12-20T10:00
ends: 2025-12-20T18:00
place: veto-pinede
provenance: {source: mairie, verified_by: Léa Martin, verified_on: 2025-10-01}
---
Fini.
"""
OTHER_SITE_EVENT = """\
---
title: Réservé à une autre borne
starts: 2027-02-01T10:00
ends: 2027-02-01T18:00
place: veto-pinede
rules: {sites: [coworking]}
provenance: {source: mairie, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Ailleurs.
"""
# Anything that would make a screen fetch from outside its bundle.
EXTERNAL = re.compile(
    rb"""(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""",
    re.IGNORECASE,
)
LINK = re.compile(rb"""(?:src|href)="([^"#]+)\"""")
# Outside links a visitor takes to the phone: the shell hands them off by QR, never loads them.
ACTION = re.compile(rb"""<a class="action" href="https://[^"\s]+">""")


def big_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def read_manifest(build: Path) -> dict[str, object]:
    return parse_manifest((build / "kiosk" / SITE / "manifest.json").read_bytes())


def test_manifest_matches_schema_and_files(build_fixture: Build) -> None:
    build = build_fixture()
    validator = jsonschema.Draft202012Validator(json_schema())
    manifests = sorted((build / "kiosk").glob("*/manifest.json"))
    assert manifests
    for path in manifests:
        document = json.loads(path.read_bytes())
        assert not list(validator.iter_errors(document)), path
        root = path.parent
        on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
        assert on_disk - {"manifest.json"} == set(document["files"])
        for name in document["files"]:
            check_file(name, (root / name).read_bytes(), document)
        # what is published: the same content in parts, each small, none listing one item twice
        published, parts = split_into_parts(document)
        assert not list(validator.iter_errors(published)), path
        full = expand_parts(published, parts.__getitem__)
        assert {key: full[key] for key in document} == document
        assert max(map(len, parts.values())) < 16_000


def test_images_are_resized_for_the_screen(build_fixture: Build) -> None:
    build = build_fixture(images={"veto.png": big_photo()})
    bundle = build / "kiosk" / SITE
    manifest = read_manifest(build)
    site = manifest["site"]
    assert isinstance(site, dict)
    with Image.open(bundle / "assets" / "images" / "veto.png") as hero:
        assert hero.width <= site["width"] and hero.height <= site["height"] * 0.45
        assert hero.width >= site["width"] // 2  # scaled down to the screen, not to a stamp
    with Image.open(bundle / "assets" / "thumbs" / "veto.png") as thumb:
        assert max(thumb.size) <= site["width"] // 3
    assert (bundle / "assets" / "images" / "veto.png").stat().st_size < len(big_photo())
    again = build_fixture(images={"veto.png": big_photo()})  # deterministic bytes, same hash
    assert read_manifest(again)["files"] == manifest["files"]


def test_directory_works_offline(build_fixture: Build) -> None:
    build = build_fixture()
    bundle = build / "kiosk" / SITE
    manifest = read_manifest(build)
    files = manifest["files"]
    assert isinstance(files, dict)
    for lang in ("fr", "en"):
        assert f"directory/{lang}/index.html" in files
        for page in ("events.html", "offers.html", "practical.html", "places-services.html"):
            assert f"directory/{lang}/{page}" in files
        for slug in ("veto-pinede", "marche-nocturne", "velos-hiver", "numeros-urgence"):
            assert f"directory/{lang}/items/{slug}.html" in files
    assert manifest["directory"] == {
        "fr": "directory/fr/index.html",
        "en": "directory/en/index.html",
    }
    for name in files:
        data = ACTION.sub(b"", (bundle / name).read_bytes())
        assert not EXTERNAL.search(data), f"{name} reaches outside the bundle"
        if name.endswith(".html"):
            for target in LINK.findall(data):
                resolved = (bundle / name).parent / target.decode()
                relative = resolved.resolve().relative_to(bundle.resolve()).as_posix()
                assert relative in files, f"{name}: broken link {target!r}"
    english = (bundle / "directory/en/items/veto-pinede.html").read_text()
    assert "La Pinède veterinary clinic" in english and 'lang="en"' in english
    # the same page on every site: the link without the site (the screen's script puts this
    # site's in, from now.js: tests/kiosk/test_directory_now.py), shown, not linked
    assert '<span data-link="veto-pinede">https://livep2f.com/d/en/veto-pinede/</span>' in english
    assert "gare" not in english


def test_report_counts_slides_bytes_and_what_was_left_out(build_fixture: Build) -> None:
    coworking = GARE.replace("orientation: portrait", "orientation: landscape").replace(
        "resolution: 1080x1920", "resolution: 1920x1080"
    )
    build = build_fixture(
        {
            "sites/coworking.md": coworking,
            "agenda/noel-2025.md": ENDED_EVENT,
            "agenda/ailleurs.md": OTHER_SITE_EVENT,
        }
    )
    report = json.loads((build / "kiosk" / "report.json").read_text())[SITE]
    manifest = read_manifest(build)
    slides = manifest["slides"]
    assert isinstance(slides, list)
    assert report["slides"] == len(slides)
    assert report["left_out"] == {"ended": 1, "not for this site": 1}
    files = manifest["files"]
    assert isinstance(files, dict)
    assert report["total_bytes"] == sum(entry["size"] for entry in files.values())
    ids = {slide["id"] for slide in slides}
    assert "noel-2025" not in ids and "ailleurs" not in ids
    assert not (build / "kiosk" / SITE / "directory/fr/items/noel-2025.html").exists()
    assert (build / "kiosk" / "coworking" / "directory/fr/items/ailleurs.html").exists()
    assert (build / "kiosk" / "coworking" / "directory/fr/items/ailleurs.html").exists()
