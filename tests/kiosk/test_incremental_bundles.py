"""Cached builds reuse the current build's bundle files whose inputs did not change (hard links,
digests from its manifest) and make the others: the bundles stay byte for byte a clean build's,
whatever changed (a site's position or name, a picture, a kiosk template, one item)."""

from __future__ import annotations

import shutil
from pathlib import Path

from p2f_build.cache import BuildCache
from p2f_kiosk.previous import NAMESPACE, load_previous, stored_keys
from tests.conftest import SITE, WriteContent, _png
from tests.site.test_incremental import assert_same, build

PLACE_PAGE = "kiosk/gare/directory/fr/items/veto-pinede.html"
EVENT_PAGE = "kiosk/gare/directory/fr/items/marche-nocturne.html"
NOW_JS = "kiosk/gare/directory/fr/now.js"
THUMB = "kiosk/gare/assets/thumbs"


def inode(output: Path, name: str) -> int:
    return (output / name).stat().st_ino


def thumbs(output: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in sorted((output / THUMB).iterdir())}


def rebuild_and_compare(content: Path, output: Path, theme: Path, step: str) -> None:
    build(content, output, cache=True, theme=theme)
    clean = output.parent / "clean"
    build(content, clean, cache=False, theme=theme)
    assert_same(output, clean, step)
    shutil.rmtree(clean)


def test_unchanged_files_are_linked_and_changed_ones_made(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output, theme = write_content(), tmp_path / "incremental", tmp_path / "theme"
    shutil.copytree(Path(__file__).resolve().parents[2] / "theme", theme)
    build(content, output, cache=True, theme=theme)
    place, event, pictures = inode(output, PLACE_PAGE), inode(output, EVENT_PAGE), thumbs(output)

    # one event's summary: its own pages are made again, the place's page and pictures linked
    event_file = content / "agenda" / "marche-nocturne.md"
    text = event_file.read_text(encoding="utf-8").replace("juillet.", "juillet, en musique.")
    event_file.write_text(text, encoding="utf-8")
    rebuild_and_compare(content, output, theme, "event summary")
    assert inode(output, PLACE_PAGE) == place
    assert inode(output, EVENT_PAGE) != event
    assert thumbs(output) == pictures

    # the site moves and is renamed: every file printing its name or a distance is made again;
    # an item page prints neither (the same file on every site: now.js has the distances)
    now_js = inode(output, NOW_JS)
    site = SITE.replace("{lat: 43.2105, lon: 3.4402}", "{lat: 43.3105, lon: 3.5402}")
    site = site.replace("hall des arrivées", "hall du départ")
    (content / "sites" / "gare.md").write_text(site, encoding="utf-8")
    rebuild_and_compare(content, output, theme, "site moved and renamed")
    assert inode(output, NOW_JS) != now_js
    assert inode(output, PLACE_PAGE) == place

    # a new picture under the same name, and a kiosk template edited
    (content / "images" / "veto.png").write_bytes(_png(12, 9))
    slide = theme / "kiosk" / "slide.html"
    slide.write_text(slide.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    rebuild_and_compare(content, output, theme, "picture and kiosk template")
    assert thumbs(output).keys() == pictures.keys()
    assert thumbs(output) != pictures


def test_keys_recorded_for_other_manifest_bytes_are_never_trusted(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output = write_content(), tmp_path / "incremental"
    build(content, output, cache=True)
    bundle = output / "kiosk" / "gare"
    cache = BuildCache(output / ".cache")
    try:
        stored = stored_keys(cache, bundle)
        assert stored is not None and b"directory/fr/items/veto-pinede.html" in stored
        assert load_previous(bundle, stored) is not None
        manifest = bundle / "manifest.json"
        text = manifest.read_bytes()
        manifest.write_bytes(text.replace(b'"release"', b'"release" ', 1))
        assert stored_keys(cache, bundle) is None
        assert load_previous(bundle, stored) is None  # the keys name the other bytes
        cache.drop(NAMESPACE)
    finally:
        cache.close()
    # with no keys the next build makes every file, still a clean build's bytes
    (content / "lieux" / "veto-pinede.md").write_text(
        (content / "lieux" / "veto-pinede.md").read_text(encoding="utf-8").replace("7 j/7", "7/7"),
        encoding="utf-8",
    )
    build(content, output, cache=True)
    clean = tmp_path / "clean"
    build(content, clean, cache=False)
    assert_same(output, clean, "keys dropped")
