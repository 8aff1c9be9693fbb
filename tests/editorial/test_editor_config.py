"""The web editor's config.yml comes from the content model: one definition."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from p2f_editorial import cms_config
from pydantic import Field

from p2f_model import schema
from p2f_model import vocabulary as v


def _fields(cfg: dict[str, Any], folder: str) -> dict[str, dict[str, Any]]:
    collection = next(c for c in cfg["collections"] if c["name"] == folder)
    return {f["name"]: f for f in collection["fields"]}


def test_a_field_added_to_the_model_appears_in_the_editor() -> None:
    class PlaceWithParking(schema.Place):
        parking_spaces: Annotated[int, Field(ge=0)] | None = None
        dogs_welcome: bool = False

    before = _fields(cms_config.config(), "lieux")
    after = _fields(cms_config.config({"place": PlaceWithParking}), "lieux")
    assert "parking_spaces" not in before
    assert after["parking_spaces"] == {
        "label": "parking spaces", "name": "parking_spaces", "widget": "number",
        "value_type": "int", "min": 0, "required": False, "i18n": "none",
    }  # fmt: skip
    assert after["dogs_welcome"]["widget"] == "boolean"
    assert set(after) - set(before) == {"parking_spaces", "dogs_welcome"}


def test_every_kind_is_a_folder_collection_with_every_field_of_its_model() -> None:
    cfg = cms_config.config()
    assert {c["folder"] for c in cfg["collections"]} == {f"content/{f}" for f in v.FOLDERS}
    for kind, model in schema.MODELS.items():
        fields = _fields(cfg, v.KIND_FOLDERS[kind])
        kept_as_written = {"imported", "rules"} | {
            name
            for name, info in model.model_fields.items()
            if not cms_config._editable(info.annotation)
        }
        assert set(fields) == (set(model.model_fields) - kept_as_written) | {"body"}
        for name, field in fields.items():
            if name != "body":
                assert field["required"] == model.model_fields[name].is_required(), (kind, name)


def test_widgets_follow_the_types_and_vocabularies() -> None:
    cfg = cms_config.config(
        choices=cms_config.Choices(sites=["gare"], site_tags=["littoral"], subcategories=["x"])
    )
    place = _fields(cfg, "lieux")
    assert place["category"]["options"] == list(v.CATEGORIES)
    assert place["subcategory"]["options"][-1] == "x"  # in use in the corpus, kept choosable
    assert place["accessibility"] == {**place["accessibility"], "multiple": True,
                                      "options": list(v.ACCESSIBILITY)}  # fmt: skip
    assert place["price_range"]["options"] == list(v.PRICE_RANGES)
    assert [f["name"] for f in place["geo"]["fields"]] == ["lat", "lon"]
    assert place["summary"]["widget"] == "text" and place["title"]["widget"] == "string"
    image = {f["name"]: f for f in place["images"]["fields"]}
    assert image["src"]["widget"] == "image" and image["alt"]["required"] is True
    assert place["provenance"]["fields"][2]["time_format"] is False  # verified_on: a date
    assert _fields(cfg, "alertes")["severity"]["options"] == list(v.SEVERITIES)
    event = _fields(cfg, "agenda")
    assert (
        event["starts"]["date_format"] == "YYYY-MM-DD" and event["starts"]["time_format"] == "HH:mm"
    )
    assert event["place"]["widget"] == "relation" and event["place"]["collection"] == "lieux"
    assert _fields(cfg, "bons-plans")["partner"]["collection"] == "partenaires"
    site = _fields(cfg, "sites")
    assert site["audiences"]["options"] == list(v.AUDIENCES)
    assert site["languages"]["options"] == list(v.SITE_LANGUAGES)
    assert "kiosk" not in site and "audience_hours" not in site  # free-form: kept as written


def test_translations_media_and_backends() -> None:
    cfg = cms_config.config(backends=cms_config.Backends(local_url="http://127.0.0.1:9/api/v1"))
    assert cfg["i18n"] == {"structure": "multiple_files", "locales": ["fr", "en", "de", "es"],
                           "default_locale": "fr"}  # fmt: skip
    assert (cfg["media_folder"], cfg["public_folder"]) == ("content/images", "images")
    assert cfg["local_backend"] == {"url": "http://127.0.0.1:9/api/v1"}
    assert cfg["publish_mode"] == "editorial_workflow"
    for collection in cfg["collections"]:
        translated = {f["name"] for f in collection["fields"] if f.get("i18n") is True}
        assert translated == {"title", "summary", "body"}
    text = cms_config.config_yaml(cfg)
    assert yaml.safe_load(text) == cfg
