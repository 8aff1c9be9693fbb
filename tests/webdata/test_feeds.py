"""sitemap.xml, robots.txt, Atom feeds, iCalendar files and GeoJSON of the built site."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest

from p2f_model.vocabulary import BOUNDS, CATEGORIES, SITE_LANGUAGES
from p2f_player.contract.rules import PARIS

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_sitemap_lists_pages_with_hreflang_alternates(web_site: Path) -> None:
    root = ET.parse(web_site / "sitemap.xml").getroot()
    urls = {u.findtext(f"{SM}loc", ""): u for u in root.iter(f"{SM}url")}
    vet = urls["https://livep2f.com/en/lieux/veto-pinede/"]
    alternates = {a.get("hreflang"): a.get("href") for a in vet.iter(f"{XHTML}link")}
    assert alternates == {
        "fr": "https://livep2f.com/lieux/veto-pinede/",
        "en": "https://livep2f.com/en/lieux/veto-pinede/",
        "x-default": "https://livep2f.com/lieux/veto-pinede/",
    }
    assert vet.findtext(f"{SM}lastmod") == "2026-09-12"
    # Lists exist in every language; items only where written (no French fallbacks).
    for lang in SITE_LANGUAGES:
        prefix = "" if lang == "fr" else f"{lang}/"
        assert f"https://livep2f.com/{prefix}agenda/" in urls
        assert f"https://livep2f.com/{prefix}recherche/" in urls
    assert "https://livep2f.com/de/lieux/veto-pinede/" not in urls
    # An offer that ended before the build is not offered to search engines.
    assert not any("glaces-ete" in loc for loc in urls)
    assert all(loc.startswith("https://livep2f.com/") for loc in urls)


def test_robots_points_to_the_sitemap(web_site: Path) -> None:
    robots = (web_site / "robots.txt").read_text()
    assert "Sitemap: https://livep2f.com/sitemap.xml" in robots
    assert "User-agent: *" in robots


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
@pytest.mark.parametrize("name", ["agenda", "offers", *CATEGORIES])
def test_atom_feeds_are_valid(web_site: Path, lang: str, name: str) -> None:
    prefix = "" if lang == "fr" else f"{lang}/"
    feed = ET.parse(web_site / f"{prefix}feeds/{name}.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id", "").startswith("tag:livep2f.com,2026:")
    datetime.fromisoformat(feed.findtext(f"{ATOM}updated", ""))
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    self_link = next(x for x in feed.iter(f"{ATOM}link") if x.get("rel") == "self")
    assert self_link.get("href") == f"https://livep2f.com/{prefix}feeds/{name}.xml"
    ids = []
    for entry in feed.iter(f"{ATOM}entry"):
        ids.append(entry.findtext(f"{ATOM}id"))
        assert entry.findtext(f"{ATOM}title")
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated", ""))
        link = entry.find(f"{ATOM}link")
        assert link is not None
        assert link.get("href", "").startswith(f"https://livep2f.com/{prefix}")
    assert len(ids) == len(set(ids))


def _entries(site: Path, path: str) -> list[str]:
    feed = ET.parse(site / path).getroot()
    return [e.findtext(f"{ATOM}title", "") for e in feed.iter(f"{ATOM}entry")]


def test_feed_entries(web_site: Path) -> None:
    assert _entries(web_site, "feeds/agenda.xml") == ["Marché nocturne", "La nuit la plus longue"]
    assert _entries(web_site, "feeds/offers.xml") == [
        "−20 % sur la location de vélos"
    ]  # not the expired one
    assert _entries(web_site, "en/feeds/restauration.xml") == ["Marius's"]
    assert _entries(web_site, "feeds/services.xml") == ["Clinique vétérinaire de la Pinède"]


def calendar_of(path: Path) -> Any:
    """The parsed calendar, as ``Any``: icalendar's property types are a wide union."""
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_event_ics_in_paris_time_with_vtimezone(web_site: Path) -> None:
    calendar = calendar_of(web_site / "agenda/nuit-heure-hiver/event.ics")
    zones = calendar.walk("VTIMEZONE")
    assert [z["TZID"] for z in zones] == ["Europe/Paris"]
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == "nuit-heure-hiver@livep2f.com"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["DTSTART"].dt == datetime(2027, 10, 30, 22, 0, tzinfo=PARIS)
    assert event["DTEND"].dt.utcoffset().total_seconds() == 3600  # after the change to winter time
    assert event["DTEND"].dt.replace(tzinfo=None) == datetime(2027, 10, 31, 4, 0)
    assert event["SUMMARY"] == "La nuit la plus longue"
    assert "Chez Marius" in event["LOCATION"]
    raw = (web_site / "agenda/nuit-heure-hiver/event.ics").read_text()
    assert "DTSTART;TZID=Europe/Paris:20271030T220000" in raw


def test_uid_is_the_same_in_every_language(web_site: Path) -> None:
    uids = set()
    for lang in SITE_LANGUAGES:
        prefix = "" if lang == "fr" else f"{lang}/"
        calendar = calendar_of(web_site / f"{prefix}agenda/marche-nocturne/event.ics")
        uids |= {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert uids == {"marche-nocturne@livep2f.com"}


def test_whole_agenda_ics(web_site: Path) -> None:
    calendar = calendar_of(web_site / "en/agenda.ics")
    starts = [e["DTSTART"].dt for e in calendar.walk("VEVENT")]
    assert starts == sorted(starts) and len(starts) == 2
    assert len(calendar.walk("VTIMEZONE")) == 1


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_geojson_per_language(web_site: Path, lang: str) -> None:
    collection = json.loads((web_site / f"data/places.{lang}.geojson").read_text())
    assert collection["type"] == "FeatureCollection"
    by_slug = {f["properties"]["slug"]: f for f in collection["features"]}
    assert set(by_slug) == {"veto-pinede", "chez-marius"}
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert BOUNDS["lat"][0] <= lat <= BOUNDS["lat"][1]
        assert BOUNDS["lon"][0] <= lon <= BOUNDS["lon"][1]
        assert {"slug", "title", "category", "subcategory", "url", "opening_hours",
                "accessibility", "languages_spoken"} <= set(feature["properties"])  # fmt: skip
    marius = by_slug["chez-marius"]["properties"]
    prefix = "" if lang == "fr" else f"/{lang}"
    assert marius["url"] == f"{prefix}/lieux/chez-marius/"
    assert marius["title"] == ("Marius's" if lang == "en" else "Chez Marius")
    assert marius["languages_spoken"] == ["fr", "en", "es"]
    assert marius["accessibility"] == ["fauteuil"]
    assert (web_site / marius["url"].lstrip("/") / "index.html").is_file()
