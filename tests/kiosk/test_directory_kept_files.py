"""After a one-item edit, a cached build links the touch directory's lists, home page, search
page, search index and now.js from the current build's bundle (same inode) when their inputs
did not change, and makes again those that show the edited item: the bundle stays a clean
build's, byte for byte (``rebuild_and_compare``)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import WriteContent
from tests.kiosk.test_incremental_bundles import inode, rebuild_and_compare
from tests.site.test_incremental import build

DIRECTORY = "kiosk/gare/directory/fr"
PLACE_PAGE = f"{DIRECTORY}/items/veto-pinede.html"


def directory_files(output: Path) -> dict[str, int]:
    """The files of the French directory outside ``items/`` (lists, scripts), by inode."""
    folder = output / DIRECTORY
    return {p.name: p.stat().st_ino for p in sorted(folder.iterdir()) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_lists_and_scripts_are_made_again_only_when_they_show_the_edited_item(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content, output = write_content(), tmp_path / "incremental"
    theme = Path(__file__).resolve().parents[2] / "theme"
    build(content, output, cache=True, theme=theme)
    first, place = directory_files(output), inode(output, PLACE_PAGE)
    lists = {"index.html", "search.html", "events.html", "offers.html", "practical.html"}
    assert lists | {"now.js", "search-index.js", "places-services.html"} <= first.keys()

    # a place's summary (no list shows it): its page is made again, every list is linked
    edit(content / "lieux" / "veto-pinede.md", "7 j/7.", "7 j/7, jour et nuit.")
    rebuild_and_compare(content, output, theme, "place summary")
    second = directory_files(output)
    assert second == first
    assert inode(output, PLACE_PAGE) != place

    # an event's title: the events list, now.js and the search index show it; nothing else
    edit(content / "agenda" / "marche-nocturne.md", "title: Marché", "title: Grand marché")
    rebuild_and_compare(content, output, theme, "event title")
    third = directory_files(output)
    assert third.keys() == second.keys()
    made = {name for name in third if third[name] != second[name]}
    assert made == {"events.html", "now.js", "search-index.js"}
    assert "Grand marché" in (output / DIRECTORY / "events.html").read_text(encoding="utf-8")
