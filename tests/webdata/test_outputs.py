"""Machine-facing files with the build cache: only those whose inputs changed are made again.

Byte equality with a clean build is ``tests/site/test_incremental.py``'s job; here: what is
linked from the current build (the same inode) and what is written again.
"""

from __future__ import annotations

import json
from pathlib import Path

from p2f_site.build import BuildReport, build_all, current_build
from p2f_web.outputs import RECORDS
from tests.conftest import PLACE, ROOT, WriteContent

NOW = "2026-11-26T12:00:00+00:00"
EVENT_ICS = "en/agenda/marche-nocturne/event.ics"  # its place is veto-pinede
OFFER_LANDING = "d/velos-hiver/index.html"
PLACE_LANDING = "d/veto-pinede/index.html"
OFFER_LANGUAGE_LANDING = "d/fr/velos-hiver/index.html"
OFFERS_FEED = "en/feeds/offers.xml"  # reads the offers only
PLACE_FEED = "en/feeds/services.xml"  # reads the places of veto-pinede's category
MAP_DATA = "data/places.en.geojson"


def build(content: Path, output: Path) -> BuildReport:
    overrides = {"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": NOW}
    return build_all(ROOT, ROOT / "pelicanconf.py", output, overrides, cache=True)


def inode(output: Path, path: str) -> int:
    return (output / "site" / path).stat().st_ino


def test_an_item_edit_makes_its_files_again_and_links_the_others(
    write_content: WriteContent, tmp_path: Path
) -> None:
    output = tmp_path / "build"
    build(write_content(), output)
    paths = (EVENT_ICS, OFFER_LANDING, PLACE_LANDING, OFFER_LANGUAGE_LANDING, OFFERS_FEED,
             PLACE_FEED, MAP_DATA, "agenda.ics")  # fmt: skip
    before = {path: inode(output, path) for path in paths}
    records = json.loads((output / str(current_build(output)) / RECORDS).read_text())
    assert set(paths) <= set(records)
    renamed = PLACE.replace("Clinique vétérinaire de la Pinède", "Clinique des Pins")
    build(write_content({"lieux/veto-pinede.md": renamed}), output)
    after = {path: inode(output, path) for path in paths}
    # untouched: the offer's landing and the copy of its page, linked from the previous build
    assert after[OFFER_LANDING] == before[OFFER_LANDING]
    assert after[OFFER_LANGUAGE_LANDING] == before[OFFER_LANGUAGE_LANDING]
    assert after[OFFERS_FEED] == before[OFFERS_FEED]
    # the files that read the place: its category's feed, the map, the agenda (its event)
    assert after[PLACE_FEED] != before[PLACE_FEED]
    assert after[MAP_DATA] != before[MAP_DATA]
    assert after["agenda.ics"] != before["agenda.ics"]
    # the place's own landing, and the event at that place (its LOCATION names the place)
    assert after[PLACE_LANDING] != before[PLACE_LANDING]
    assert after[EVENT_ICS] != before[EVENT_ICS]
    site = output / "site"
    assert "LOCATION:Clinique des Pins" in (site / "agenda/marche-nocturne/event.ics").read_text()
    assert "LOCATION:Clinique des Pins" in (site / "agenda.ics").read_text()
