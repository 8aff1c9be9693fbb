"""Campaigns in content (issue 11, point 1): the sample campaigns check clean, every mistake
is one line ``file:line: field: what to do``, and the report takes its campaigns from there."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from p2f_model.campaigns import validate_campaigns
from p2f_model.load import load_corpus
from p2f_model.problems import Problem
from p2f_office import cli
from tests.conftest import PARTNER

ROOT = Path(__file__).resolve().parents[2]
PATH = "content/campagnes/essai.md"


@pytest.fixture(scope="module")
def items() -> dict[str, Any]:
    return load_corpus(ROOT / "content").items


def campaign(**fields: str) -> str:
    values = {
        "title": "Essai",
        "partner": "sncf",
        "sites": "[gare]",
        "starts": "2026-09-01",
        "ends": "2026-12-31",
        "share": "0.1",
        "price_eur": "100",
        "contact": "{name: Claire, email: claire@sncf.example}",
        "provenance": "{source: contrat, verified_by: Léa, verified_on: 2026-08-28}",
        **fields,
    }
    header = "\n".join(f"{k}: {v}" for k, v in values.items() if v != "-")
    return f"---\n{header}\n---\n\nNotes.\n"


def problems_of(items: dict[str, Any], *texts: tuple[str, str]) -> list[str]:
    problems: list[Problem] = []
    validate_campaigns(list(texts), items, problems)
    return [str(p) for p in sorted(problems)]


def test_the_sample_campaigns_check_clean_and_resolve_their_sites() -> None:
    corpus = load_corpus(ROOT / "content")
    assert [p for p in corpus.problems if "campagnes" in p.path] == []
    sncf = corpus.campaigns["sncf-2026-2027"]
    assert "gare" in sncf.sites and "bureau-valbrulee" in sncf.sites  # tag:bureau
    assert "coworking" not in sncf.sites
    assert len({c.partner for c in corpus.campaigns.values()}) == 10
    # screen time is bought by campaigns only: no partner file books it any more
    assert not any(i.data.screen_share or i.data.screen_sites for i in corpus.of_kind("partner"))


def test_a_partner_still_booking_screen_time_is_told_to_write_a_campaign(
    write_content: Any,
) -> None:
    old = PARTNER.replace("website:", "screen_share: 0.1\nwebsite:", 1)
    corpus = load_corpus(write_content({"partenaires/velos-pinede.md": old}))
    found = [str(p) for p in corpus.problems if p.path.endswith("velos-pinede.md")]
    assert len(found) == 1 and "partenaires/velos-pinede.md:4: screen_share: " in found[0]
    assert "write a campaign in content/campagnes/" in found[0]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"partner": "inconnu"},
            'content/campagnes/essai.md:3: partner: "inconnu" is not a partner of content/partenaires/',
        ),
        (
            {"ends": "2026-08-01"},
            "content/campagnes/essai.md:6: ends: 2026-08-01 is before starts (2026-09-01); swap them or fix the year",
        ),
        (
            {"sites": "[gare, 'tag:lune', nulle-part]"},
            'content/campagnes/essai.md:4: sites[1]: no site carries the tag "lune"',
        ),
        (
            {"plays_per_hour": "4"},
            "content/campagnes/essai.md:7: share: give either share (e.g. 0.05 for 5 %) or plays_per_hour, not both",
        ),
        (
            {"slides": "[hertz-week-end-gare]"},
            'content/campagnes/essai.md:11: slides[0]: "hertz-week-end-gare" is an offer of hertz, not of sncf',
        ),
        (
            {"share": "-", "plays_per_hour": "-"},
            "content/campagnes/essai.md:1: share: give either share (e.g. 0.05 for 5 %) or plays_per_hour, not both",
        ),
        (
            {"contact": "{name: Claire, email: nowhere}"},
            'content/campagnes/essai.md:9: contact.email: "nowhere" is not an e-mail address',
        ),
    ],
)
def test_each_mistake_is_one_line_naming_file_line_and_field(
    items: dict[str, Any], fields: dict[str, str], expected: str
) -> None:
    found = problems_of(items, (PATH, campaign(**fields)))
    assert expected in found, found


def test_campaigns_booking_more_than_a_whole_screen_are_refused(items: dict[str, Any]) -> None:
    found = problems_of(
        items,
        ("content/campagnes/a.md", campaign(share="0.6")),
        ("content/campagnes/b.md", campaign(share="0.5", starts="2026-10-01")),
        ("content/campagnes/c.md", campaign(share="0.5", starts="2027-01-01", ends="2027-02-01")),
    )
    assert found == [
        "content/campagnes/b.md:7: share: gare would be booked 110% of its screen time on "
        "2026-10-01 (a, b); lower a share or move a period"
    ]


def test_the_report_refuses_to_run_on_a_broken_campaign(tmp_path: Path) -> None:
    content = tmp_path / "content"
    for folder in ("sites", "partenaires", "bons-plans", "reglages"):
        source = ROOT / "content" / folder
        if source.is_dir():
            (content / folder).mkdir(parents=True)
            for path in source.glob("*.md"):
                (content / folder / path.name).write_bytes(path.read_bytes())
    (content / "campagnes").mkdir()
    (content / "campagnes" / "essai.md").write_text(campaign(partner="inconnu"))
    out = io.StringIO()
    options = cli.parse_options(
        ["report", "--content", str(content), "--store", (tmp_path / "store").as_uri(),
         "--out", str(tmp_path / "office"), "--until", "2026-12-31"],
        now=cli.datetime(2026, 12, 31, 12, tzinfo=cli.UTC),
    )  # fmt: skip
    assert cli.run(options, out) == 2
    assert 'campagnes/essai.md:3: partner: "inconnu" is not a partner' in out.getvalue()
    assert not (tmp_path / "office").exists()
