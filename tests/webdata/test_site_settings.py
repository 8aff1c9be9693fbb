"""P2F_OFFICE and P2F_MAP_TILES: checked at start-up, and the tiles' origin in the policy."""

from __future__ import annotations

from typing import Any

import pytest

from p2f_web import csp
from p2f_web.config import DEFAULT_TILES, WebSettingsError, read_office, read_settings, read_tiles
from p2f_web.template_api import TemplateApi

OFFICE = {
    "name": "Office",
    "address": "2 place de la Fontaine, 34510 Pinède-sur-Mer",
    "geo": {"lat": 43.21, "lon": 3.44},
    "phone": "+33 4 67 00 00 10",
    "email": "bonjour@livep2f.com",
    "opening_hours": "Mo-Sa 09:00-18:00; PH off",
}
TILES = {
    "url": "https://tiles.example.org/{z}/{x}/{y}.png",
    "attribution": "© Example tiles",
    "terms_url": "https://tiles.example.org/terms",
    "max_zoom": 18,
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "04 67 00 00 10"}, "phone '04 67 00 00 10' is not international"),
        ({"email": "bonjour"}, "email 'bonjour' is not an e-mail address"),
        ({"opening_hours": "lundi 9h"}, "opening_hours 'lundi 9h' is not OpenStreetMap syntax"),
        ({"geo": {"lat": "43"}}, "geo must be"),
        ({"name": ""}, "'name' is missing or empty"),
        ({"fax": "+33 1"}, "unknown keys ['fax']"),
    ],
)
def test_a_bad_office_is_refused_with_the_field_named(change: dict[str, Any], message: str) -> None:
    with pytest.raises(WebSettingsError, match=r"^P2F_OFFICE: ") as error:
        read_office({**OFFICE, **change})
    assert message in str(error.value)


def test_office_and_tiles_read() -> None:
    office = read_office(OFFICE)
    assert office is not None and office.tel == "tel:+33467000010"
    assert read_office(None) is None
    assert read_tiles(None) == DEFAULT_TILES
    assert read_tiles(TILES).max_zoom == 18
    assert read_tiles(TILES).high_density == "none"
    assert read_tiles({**TILES, "high_density": "next_zoom"}).high_density == "next_zoom"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"url": "http://tiles.example.org/{z}/{x}/{y}.png"}, "must be an https template"),
        ({"url": "https://tiles.example.org/tile.png"}, "must be an https template"),
        ({"attribution": ""}, "'attribution' is missing"),
        ({"max_zoom": 40}, "max_zoom 40 must be a whole number"),
        ({"high_density": "retina"}, "high_density 'retina' must be one of"),
        (
            {"url": "https://tiles.example.org/{z}/{x}/{y}{r}.png", "high_density": "next_zoom"},
            "keep one of the two",
        ),
    ],
)
def test_bad_tiles_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(WebSettingsError, match=r"^P2F_MAP_TILES: ") as error:
        read_tiles({**TILES, **change})
    assert message in str(error.value)


def test_another_tile_server_is_the_one_outside_origin_of_the_policy() -> None:
    web = read_settings({"P2F_MAP_TILES": TILES, "P2F_NOW": "2026-11-26T12:00:00+00:00"})
    api = TemplateApi({}, web)
    assert api.map_tiles() == TILES["url"]
    assert "img-src 'self' data: https://tiles.example.org;" in api.security_meta()
    assert "tile.openstreetmap.org" not in csp.headers_file(web.tiles.url)
    assert "https://tile.openstreetmap.org" in csp.policy()  # the default stays OpenStreetMap
