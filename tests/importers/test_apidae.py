"""Apidae: real Sitra-era and current responses; the request's API key goes nowhere."""

from __future__ import annotations

import io
from pathlib import Path

from p2f_import.cli import main
from p2f_model import frontmatter
from tests.importers.conftest import (
    APIDAE,
    FAKE_KEY,
    FRANCE,
    Import,
    check_text,
    offline,
    snapshot,
)


def test_sitra_and_current_responses_import_as_drafts(import_into: Import, content: Path) -> None:
    files = sorted(APIDAE.glob("*.json"))
    result = import_into("apidae", files, territory=FRANCE, now="2014-06-10T08:00:00+00:00")
    paths = {o.path for o in result.outcomes}
    raft = frontmatter.parse((content / "lieux/quey-raft.md").read_text()).fields
    # GeoJSON order is [lon, lat]: 6.794103, 44.756403 upstream
    assert raft["geo"] == {"lat": 44.756403, "lon": 6.794103}
    assert raft["address"] == "Château Queyras, 05350 Château-Ville-Vieille"
    assert raft["phone"] == "+33 6 10 15 13 28" and raft["email"] == "info@queyraft.com"
    assert raft["imported"]["updated_upstream"] == "2017-11-24T15:52:27.974+0000"
    assert len(raft["imported"]["media"]) == 3
    # a period with hours becomes opening_hours; one without is kept as text and flagged
    team = frontmatter.parse((content / "lieux/serre-che-team-adventure.md").read_text()).fields
    assert team["opening_hours"] == "Jul 06-Aug 30 09:00-17:00"
    parsed = frontmatter.parse((content / "lieux/le-gioberney.md").read_text())
    assert "opening_hours" not in parsed.fields
    assert "Ouverture : Accessible du printemps à l'automne." in parsed.body
    flags = parsed.fields["imported"]["flags"]
    assert any("kept in the text" in flag for flag in flags)
    assert any(flag.startswith("Sitra identifier sitra") for flag in flags)
    assert "lieux/le-refuge-de-venosc.md" in paths
    assert (content / "lieux/le-refuge-de-venosc.en.md").is_file()  # libelleEn
    notes = " ".join(result.notes)
    assert "records 1-5 of 180" in notes  # numFound larger than the page
    bad = [s for s in result.skipped if s.reason == "bad record"]
    assert [s.record_id for s in bad] == ["392132"]  # no coordinates
    assert "no coordinates" in bad[0].detail
    assert check_text(content, FRANCE)[0] == 0


def test_api_key_never_reaches_content_report_or_terminal(
    content: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("P2F_TERRITORY", "41,-5.5,51.5,10")
    printed = io.StringIO()
    report = tmp_path / "report.md"
    args = ["apidae", *map(str, sorted(APIDAE.glob("*.json"))), "--content", str(content),
            "--report", str(report), "--now", "2014-06-10T08:00:00+00:00"]  # fmt: skip
    assert main(args, printed, fetch=offline) == 0
    assert FAKE_KEY in (APIDAE / "sitra-2014-page.json").read_text()  # it was in the input
    assert FAKE_KEY not in printed.getvalue()
    assert "created" in printed.getvalue()
    for name, data in snapshot(tmp_path).items():
        assert FAKE_KEY.encode() not in data, name
        assert b"apiKey" not in data, name


def test_reimport_changes_no_byte(import_into: Import, content: Path) -> None:
    files = sorted(APIDAE.glob("*.json"))
    import_into("apidae", files, territory=FRANCE, now="2014-06-10T08:00:00+00:00")
    before = snapshot(content)
    import_into("apidae", files, territory=FRANCE, now="2014-07-10T08:00:00+00:00")
    assert snapshot(content) == before
