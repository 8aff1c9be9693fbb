"""status: draft is checked but built nowhere; the territory is one setting with an override."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from p2f_model import territory
from p2f_model.check import run
from p2f_site.build import build_all
from tests.conftest import ROOT, WriteContent
from tests.importers.conftest import check_text

DRAFT_PLACE = """\
---
title: Glacier des Pins
summary: Glaces artisanales au bord de la plage.
status: {status}
category: restauration
subcategory: glacier
geo: {{lat: 43.2160, lon: 3.4330}}
address: 1 quai des Pins, 34510 Pinède-sur-Mer
provenance: {{source: import, verified_by: import (not verified yet), verified_on: 2026-10-01}}
---
Glaces.
"""


def build(content: Path, output: Path) -> None:
    build_all(ROOT, ROOT / "pelicanconf.py", output, overrides={
        "PATH": str(content), "P2F_ROOT": str(content.parent),
        "P2F_NOW": "2026-11-26T12:00:00+00:00"})  # fmt: skip


def slides(output: Path) -> set[str]:
    manifest = json.loads((output / "kiosk" / "gare" / "manifest.json").read_text())
    return {slide["id"] for slide in manifest.get("signed", manifest)["slides"]}


def test_a_draft_builds_into_neither_site_nor_bundle_until_published(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content({"lieux/glacier-des-pins.md": DRAFT_PLACE.format(status="draft")})
    assert check_text(content)[0] == 0  # checked like any item
    build(content, tmp_path / "draft")
    site = tmp_path / "draft" / "site"
    assert not (site / "lieux" / "glacier-des-pins").exists()
    assert not (site / "en" / "lieux" / "glacier-des-pins").exists()
    assert "glacier-des-pins" not in (site / "lieux" / "index.html").read_text()
    assert not any(
        "glacier-des-pins" in p.read_text(errors="ignore")
        for p in site.rglob("*")
        if p.is_file() and p.suffix in (".json", ".xml")
    )
    assert "glacier-des-pins" not in slides(tmp_path / "draft")
    assert "veto-pinede" in slides(tmp_path / "draft")

    published = write_content({"lieux/glacier-des-pins.md": DRAFT_PLACE.format(status="published")})
    build(published, tmp_path / "published")
    assert (tmp_path / "published" / "site" / "lieux" / "glacier-des-pins" / "index.html").is_file()
    assert "glacier-des-pins" in slides(tmp_path / "published")


def test_a_published_item_naming_a_draft_place_is_a_problem(write_content: WriteContent) -> None:
    content = write_content({
        "lieux/veto-pinede.md": (ROOT / "tests/conftest.py").read_text().split('PLACE = """\\\n')[1]
        .split('"""')[0].replace("title: Clinique", "status: draft\ntitle: Clinique"),
    })  # fmt: skip
    code, printed = check_text(content)
    assert code == 1
    assert 'agenda/marche-nocturne.md:5: place: "veto-pinede" is still a draft' in printed


def test_territory_setting_parse_and_override() -> None:
    assert territory.from_environ({}) == territory.DEFAULT
    trial = territory.from_environ({"P2F_TERRITORY": "47.5,-0.2,47.0,0.9"})
    assert trial == territory.Territory(47.0, -0.2, 47.5, 0.9)  # corners in any order
    assert territory.from_environ({"P2F_TERRITORY": "1,1,2,2"}, given="3,3,4,4").south == 3
    with pytest.raises(territory.TerritoryError, match="four numbers"):
        territory.parse("43.1,3.2,43.4")
    with pytest.raises(territory.TerritoryError, match=r"latitude 95\.0"):
        territory.parse("95,3.2,43.4,3.7")


def test_check_reads_the_same_territory(
    write_content: WriteContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    tours = DRAFT_PLACE.format(status="draft").replace("lat: 43.2160, lon: 3.4330",
                                                       "lat: 47.3936, lon: 0.6819")  # fmt: skip
    content = write_content({"lieux/glacier-des-pins.md": tours})
    code, printed = check_text(content)
    assert code == 1 and "geo.lat: 47.3936 is outside the territory (lat 43.1..43.4)" in printed
    monkeypatch.setenv("P2F_TERRITORY", "41,-5.5,51.5,10")
    out = io.StringIO()
    assert run(content, out) == 0, out.getvalue()  # the environment, as `invoke check` reads it


def test_invoke_check_takes_a_territory_option(write_content: WriteContent) -> None:
    tours = DRAFT_PLACE.format(status="draft").replace("lat: 43.2160, lon: 3.4330",
                                                       "lat: 47.3936, lon: 0.6819")  # fmt: skip
    content = write_content({"lieux/glacier-des-pins.md": tours})
    environ = {k: v for k, v in os.environ.items() if k != territory.ENV}

    def invoke_check(*extra: str) -> subprocess.CompletedProcess[str]:
        command = [str(ROOT / ".venv/bin/invoke"), "check", "--content", str(content), *extra]
        return subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True,
                              check=False)  # fmt: skip

    refused = invoke_check()
    assert refused.returncode == 1 and "47.3936 is outside the territory" in refused.stdout
    trial = invoke_check("--territory", "41,-5.5,51.5,10")
    assert trial.returncode == 0, trial.stdout + trial.stderr
    assert "check: ok" in trial.stdout
    wrong = invoke_check("--territory", "41,-5.5,51.5")
    assert wrong.returncode == 2
    assert 'territory "41,-5.5,51.5": expected four numbers' in wrong.stdout
    assert "(in --territory)" in wrong.stdout
