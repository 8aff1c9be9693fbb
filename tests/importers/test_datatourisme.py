"""DATAtourisme: a real 2020 flux folder, real current object files, hand-made edge cases."""

from __future__ import annotations

import json
from pathlib import Path

from p2f_import.model import BAD_RECORD, NO_PLACE, OUTSIDE, UNKNOWN_TYPE
from p2f_import.venues import CATEGORY, SUBCATEGORY
from p2f_model import frontmatter
from tests.importers import handmade
from tests.importers.conftest import CURRENT, FLUX_2020, FRANCE, Import, check_text, snapshot


def header(path: Path) -> dict:
    return frontmatter.parse(path.read_text(encoding="utf-8")).fields


def test_real_flux_folder_imports_as_drafts_that_pass_check(
    import_into: Import, content: Path
) -> None:
    result = import_into("datatourisme", [FLUX_2020], territory=FRANCE)
    created = {o.path for o in result.outcomes if o.action == "created"}
    assert "lieux/le-cubrik.md" in created and len(created) == 12
    cubrik = header(content / "lieux/le-cubrik.md")
    assert cubrik["status"] == "draft"
    assert cubrik["category"] == "restauration" and cubrik["subcategory"] == "restaurant"
    assert cubrik["geo"] == {"lat": 47.3936211, "lon": 0.6819209}  # strings upstream
    assert cubrik["phone"] == "+33 2 47 64 26 79"
    assert "Tu 16:00-01:00" in cubrik["opening_hours"]
    assert cubrik["accessibility"] == ["fauteuil"]
    assert cubrik["imported"]["id"].startswith("https://data.datatourisme.gouv.fr/15/898f92dd")
    assert "Etalab" in cubrik["imported"]["licence"]
    assert cubrik["imported"]["updated_upstream"] == "2020-07-07T10:30:44.236Z"
    assert cubrik["imported"]["media"][0]["url"].endswith("cubrik.jpg")
    reasons = {s.reason for s in result.skipped}
    assert UNKNOWN_TYPE in reasons  # the walking tour (olo:OrderedList)
    assert reasons == {UNKNOWN_TYPE}
    tour = next(s for s in result.skipped if s.reason == UNKNOWN_TYPE)
    assert tour.record_id.endswith("93e40cbc-7eb5-3b11-9223-9b19af519de3") and "Tour" in tour.detail
    code, printed = check_text(content, FRANCE)
    assert code == 0, printed


def test_reimport_of_unchanged_flux_changes_no_byte(import_into: Import, content: Path) -> None:
    import_into("datatourisme", [FLUX_2020], territory=FRANCE)
    before = snapshot(content)
    again = import_into("datatourisme", [FLUX_2020], territory=FRANCE,
                        now="2020-09-02T08:00:00+00:00")  # fmt: skip
    assert snapshot(content) == before
    # 5 places and 4 events; the 3 venue places are found again, not merged nor duplicated
    assert again.count("unchanged") == 9 and again.count("created") == 0
    assert again.venues == []


def test_out_of_territory_records_are_listed_not_imported(
    import_into: Import, content: Path
) -> None:
    result = import_into("datatourisme", [FLUX_2020])  # the office's own territory
    assert result.outcomes == []
    outside = [s for s in result.skipped if s.reason == OUTSIDE]
    assert len(outside) == 8 and any("Tours" in s.detail for s in outside)


def test_current_object_files_with_machine_translation_marks(
    import_into: Import, content: Path
) -> None:
    files = sorted(CURRENT.glob("*.json"))
    result = import_into("datatourisme", files, territory=FRANCE, now="2023-11-10T08:00:00+00:00",
                         place="veto-pinede")  # fmt: skip
    restaurant = next(o for o in result.outcomes if o.path.startswith("lieux/"))
    fields = header(content / restaurant.path)
    assert fields["imported"]["id"].startswith("https://data.datatourisme.fr/30/")
    translation = header(content / restaurant.path.replace(".md", ".en.md"))
    assert translation["machine_translated"] is True  # hasTranslatedProperty: DeepL
    # 537 daily periods of the exhibition: one event per run of consecutive days
    events = [o for o in result.outcomes if o.path.startswith("agenda/")]
    assert 0 < len(events) < 20
    assert check_text(content, FRANCE)[0] == 0


def test_handmade_edge_cases(import_into: Import, content: Path, tmp_path: Path) -> None:
    folder = tmp_path / "objects"
    folder.mkdir()
    for name, obj in {
        "place.json": handmade.PLACE_CURRENT,
        "event.json": handmade.EVENT_OLD,
        "no-geo.json": handmade.without_geo(),
    }.items():
        (folder / name).write_text(json.dumps(obj), encoding="utf-8")
    (folder / "broken.json").write_text("{ not json", encoding="utf-8")
    result = import_into("datatourisme", [folder], now="2026-03-10T08:00:00+00:00")
    museum = header(content / "lieux/musee-de-la-resine.md")
    assert museum["opening_hours"] == "Apr 01-Sep 30 Tu-Th 10:00-18:00"
    assert museum["address"] == "3 chemin des Gemmeurs, 34510 Pinède-sur-Mer"
    assert museum["website"] == "https://musee-resine.example"
    assert header(content / "lieux/musee-de-la-resine.en.md")["machine_translated"] is True
    # the event 5 m from the museum is placed there; its dates were a plain string
    event = header(content / "agenda/fete-de-la-resine-2026-07-18.md")
    assert event["place"] == "musee-de-la-resine"
    assert (event["starts"], event["ends"]) == ("2026-07-18T00:00", "2026-07-19T23:59")
    bad = {s.record_id: s.detail for s in result.skipped if s.reason == BAD_RECORD}
    assert (
        "no coordinates"
        in bad["https://data.datatourisme.fr/34/cccccccc-0000-4000-8000-000000000003"]
    )
    assert any("broken.json" in detail for detail in bad.values())
    assert check_text(content)[0] == 0


def test_remote_contexts_are_never_fetched(
    import_into: Import, content: Path, tmp_path: Path
) -> None:
    obj = dict(handmade.PLACE_CURRENT, **{"@context": "https://example.invalid/context.jsonld"})
    obj["schema:sameAs"] = {"@context": "https://example.invalid/other.jsonld", "@id": "x"}
    (tmp_path / "remote.json").write_text(json.dumps(obj), encoding="utf-8")
    result = import_into("datatourisme", [tmp_path / "remote.json"])
    assert result.outcomes == []
    assert "remote JSON-LD documents are not loaded" in result.skipped[0].detail


def test_events_whose_venue_matches_no_place_get_a_draft_venue_place(
    import_into: Import, content: Path
) -> None:
    # before: the 4 events of the real flux (Loches, Monts, Villiers-sur-Loir) were all
    # skipped "no place for the event"; now each gets a draft place made from its location
    result = import_into("datatourisme", [FLUX_2020], territory=FRANCE)
    events = sorted(o.path for o in result.outcomes if o.path.startswith("agenda/"))
    assert len(events) == 4 and not [s for s in result.skipped if s.reason == NO_PLACE]
    assert result.venues == [
        "lieux/rue-du-docteur-lefort-37600-loches.md",
        "lieux/place-de-l-eglise-37260-monts.md",
        "lieux/41100-villiers-sur-loir.md",
    ]
    venue = header(content / "lieux/rue-du-docteur-lefort-37600-loches.md")
    assert venue["status"] == "draft"
    assert (venue["category"], venue["subcategory"]) == (CATEGORY, SUBCATEGORY)
    assert venue["address"] == "Rue du Docteur Lefort, 37600 Loches"
    assert FRANCE.contains(venue["geo"]["lat"], venue["geo"]["lon"])
    assert venue["imported"]["id"].startswith("https://data.datatourisme.gouv.fr/")  # location
    assert any("created as the venue of the event" in f for f in venue["imported"]["flags"])
    # both occurrences of the Loches visit name the one venue
    places = {header(content / path)["place"] for path in events if "chapelle" in path}
    assert places == {"rue-du-docteur-lefort-37600-loches"}
    assert check_text(content, FRANCE)[0] == 0

    # a reviewer renames the venue: the next run still finds it, by its id
    places_before = sorted(p.name for p in (content / "lieux").glob("*.md"))
    path = content / "lieux/rue-du-docteur-lefort-37600-loches.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Rue du Docteur Lefort, 37600 Loches",
                                 "title: Chapelle Sainte-Jeanne-d'Arc"), encoding="utf-8")  # fmt: skip
    again = import_into("datatourisme", [FLUX_2020], territory=FRANCE,
                        now="2020-09-02T08:00:00+00:00")  # fmt: skip
    assert again.venues == [] and again.count("created") == 0
    assert sorted(p.name for p in (content / "lieux").glob("*.md")) == places_before
    assert {header(content / p)["place"] for p in events if "chapelle" in p} == places


def test_a_created_venue_is_found_again_by_its_id_not_duplicated(
    import_into: Import, content: Path, tmp_path: Path
) -> None:
    (tmp_path / "event.json").write_text(json.dumps(handmade.EVENT_OLD), encoding="utf-8")
    result = import_into("datatourisme", [tmp_path / "event.json"], now="2026-03-10T08:00:00+00:00")
    # 43.22015, 3.44125 is 1.2 km from veto-pinede: a venue place is created
    [venue] = result.venues
    event = header(content / "agenda/fete-de-la-resine-2026-07-18.md")
    assert event["place"] == venue.removeprefix("lieux/").removesuffix(".md")
    (tmp_path / "place.json").write_text(json.dumps(handmade.PLACE_CURRENT), encoding="utf-8")
    import_into("datatourisme", [tmp_path / "place.json"], now="2026-03-10T08:00:00+00:00")
    # the museum, 5 m from the venue, is now in content/ too: the event keeps the venue
    # found by its id, and no third place appears
    again = import_into("datatourisme", [tmp_path / "event.json"], now="2026-03-11T08:00:00+00:00")
    assert again.venues == [] and again.count("created") == 0
    assert header(content / "agenda/fete-de-la-resine-2026-07-18.md")["place"] == event["place"]
    assert check_text(content)[0] == 0
