"""The field diff reads headers with the project's reader: form is not change."""

from __future__ import annotations

from datetime import date

from p2f_editorial.review.items import compare_folders, flatten
from p2f_editorial.settings import from_dict

from tests.conftest import PLACE

TODAY = date(2026, 12, 1)


def test_flatten_paths() -> None:
    assert flatten({"geo": {"lat": 1.5}, "tags": ["a", "b"], "images": [{"alt": "x"}]}) == {
        "geo.lat": "1.5",
        "tags": "a, b",
        "images[0].alt": "x",
    }


def test_yaml_form_is_not_a_change_but_a_value_is() -> None:
    path = "content/lieux/veto-pinede.md"
    flow = PLACE.replace(
        "geo: {lat: 43.2150, lon: 3.4321}", "geo:\n  lon: 3.4321\n  lat: 43.2150"
    ).replace('phone: "+33 4 67 00 12 34"', "phone: '+33 4 67 00 12 34'")
    settings = from_dict(None)
    assert compare_folders({path: PLACE}, {path: flow}, settings, TODAY) == []
    moved = flow.replace("lat: 43.2150", "lat: 43.2160")
    [change] = compare_folders({path: PLACE}, {path: moved}, settings, TODAY)
    assert [(c.path, c.before, c.after) for c in change.fields] == [("geo.lat", "43.215", "43.216")]


def test_an_unreadable_head_file_is_reported() -> None:
    path = "content/lieux/veto-pinede.md"
    broken = PLACE.replace("title: Clinique", "title: [Clinique")
    [change] = compare_folders({path: PLACE}, {path: broken}, from_dict(None), TODAY)
    assert change.error == "line 3: the header is not valid YAML: did not find expected ',' or ']'"
    assert change.fields == [] and change.warnings == []


def test_stale_and_future_verifications_are_flagged() -> None:
    path = "content/lieux/veto-pinede.md"
    old = PLACE.replace("verified_on: 2026-09-12", "verified_on: 2025-06-01")
    future = PLACE.replace("verified_on: 2026-09-12", "verified_on: 2027-01-01")
    [stale] = compare_folders({}, {path: old}, from_dict(None), TODAY)
    assert stale.warnings == [
        "stale: verified 548 days ago, past the hard limit of 365 days for a place"
    ]
    [ahead] = compare_folders({}, {path: future}, from_dict(None), TODAY)
    assert ahead.warnings == ["verified_on 2027-01-01 is in the future"]
