"""The screens' settings (content/reglages/ecrans.md), sites' ``kiosk`` overrides, alert
levels and seasons: what ``invoke check`` accepts and the message a reporter reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from p2f_model.load import load_corpus
from p2f_model.settings import audience_table, site_audience_hours, site_settings
from p2f_player.contract.rules_moments import DEFAULTS, LevelBehaviour
from tests.conftest import ALERT, PLACE, SITE, WriteContent

SETTINGS = """\
---
title: Réglages des écrans
provenance: {source: réunion éditoriale, verified_by: Léa Martin, verified_on: 2026-12-02}
alert_levels:
  warning: {strip: true, max_share: 0.2}
moments:
  open_within_h: 2
untranslated: skip
audiences: [familles, seniors]
audience_hours:
  - audiences: [affaires]
    weekdays: [mo, tu, we, th, fr]
    hours: [{from: '06:00', until: '09:30'}]
---
Les réglages.
"""


def problems_of(content: Path) -> list[str]:
    return [str(p) for p in sorted(load_corpus(content).problems)]


def test_settings_file_is_read_and_sites_inherit_it(write_content: WriteContent) -> None:
    corpus = load_corpus(write_content({"reglages/ecrans.md": SETTINGS}))
    assert corpus.problems == []
    screen = corpus.settings.screen
    assert screen.level("warning") == LevelBehaviour(strip=True, max_share=0.2)
    assert screen.level("critical") == DEFAULTS.level("critical")  # not named: kept
    assert screen.moments.open_within_h == 2
    assert screen.moments.event_horizon_h == DEFAULTS.moments.event_horizon_h
    assert screen.untranslated == "skip"
    gare = corpus.items["gare"]
    assert site_settings(corpus.settings, gare) == screen
    # the fixture site has no audience_hours of its own: it gets the shared ones
    assert site_audience_hours(corpus.settings, gare) == [
        {
            "audiences": ["affaires"],
            "weekdays": ["mo", "tu", "we", "th", "fr"],
            "hours": [{"from": "06:00", "until": "09:30"}],
        }
    ]
    assert audience_table(corpus.settings)["audiences"] == ["familles", "seniors"]


def test_a_site_overrides_one_level_and_keeps_the_rest(write_content: WriteContent) -> None:
    site = SITE.replace("nfc: true\n", "nfc: true\nkiosk: {alert_levels: {warning: {}}}\n")
    corpus = load_corpus(write_content({"reglages/ecrans.md": SETTINGS, "sites/gare.md": site}))
    assert corpus.problems == []
    mine = site_settings(corpus.settings, corpus.items["gare"])
    assert mine.level("warning") == LevelBehaviour()  # an ordinary slide at this site
    assert mine.moments.open_within_h == 2  # from the shared file


def test_no_settings_file_means_the_contract_defaults(write_content: WriteContent) -> None:
    corpus = load_corpus(write_content())
    assert corpus.settings.screen == DEFAULTS
    assert corpus.settings.path is None


BAD = [
    pytest.param(
        {"reglages/ecrans.md": SETTINGS.replace("max_share: 0.2", "max_share: 0.9")},
        "content/reglages/ecrans.md:4: alert_levels.warning.max_share: 0.9 is outside 0(excluded)..0.5",
        id="share-too-big",
    ),
    pytest.param(
        {"reglages/ecrans.md": SETTINGS.replace("warning: {strip", "warnings: {strip")},
        "content/reglages/ecrans.md:4: alert_levels.warnings: unknown setting (known: critical, warning, info)",
        id="unknown-level",
    ),
    pytest.param(
        {"reglages/ecrans.md": SETTINGS.replace("untranslated: skip", "untranslated: english")},
        "content/reglages/ecrans.md:8: untranslated: 'english' is not one of french, skip",
        id="untranslated-word",
    ),
    pytest.param(
        {"reglages/ecrans.md": SETTINGS.replace("until: '09:30'", "until: '9h30'")},
        "content/reglages/ecrans.md:10: audience_hours[0].hours[0].until: '9h30' is not a time of day",
        id="audience-hours-time",
    ),
    pytest.param(
        {"reglages/autres.md": SETTINGS},
        "content/reglages/autres.md:1: file: the settings folder holds one file, ecrans.md",
        id="second-settings-file",
    ),
    pytest.param(
        {
            "sites/gare.md": SITE.replace(
                "nfc: true\n", "nfc: true\nkiosk: {moments: {open_within_h: 30}}\n"
            )
        },
        "content/sites/gare.md:10: kiosk.moments.open_within_h: 30 is outside 0..24",
        id="site-override-out-of-range",
    ),
    pytest.param(
        {
            "sites/gare.md": SITE.replace(
                "nfc: true\n", "nfc: true\nkiosk: {alert_levels: {critical: {takeover: true, max_share: 0.1}}}\n"
            )
        },
        "content/sites/gare.md:10: kiosk.alert_levels.critical.max_share: a takeover level already has the whole screen",
        id="takeover-with-share",
    ),
    pytest.param(
        {"alertes/travaux-gare.md": ALERT.replace("severity: warning", "severity: danger")},
        'content/alertes/travaux-gare.md:3: severity: "danger" is now "critical"',
        id="old-severity-word",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE.replace("opening_hours:", "season: Juin-Sept\nopening_hours:")},
        'content/lieux/veto-pinede.md:9: season: "Juin-Sept" is not a season: months in OpenStreetMap form',
        id="season-form",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), BAD)
def test_bad_settings_name_file_line_and_field(
    write_content: WriteContent, changes: dict[str, str], expected: str
) -> None:
    found = problems_of(write_content(changes))
    assert any(line.startswith(expected) for line in found), found


def test_sample_content_settings_give_every_site_audience_hours() -> None:
    corpus = load_corpus(Path(__file__).resolve().parents[2] / "content")
    assert corpus.problems == []
    assert corpus.settings.path == "content/reglages/ecrans.md"
    levels = {a.data.severity for a in corpus.of_kind("alert")}
    assert levels == {"critical", "warning", "info"}  # every level has a sample
    for site in corpus.of_kind("site"):
        assert site_audience_hours(corpus.settings, site), site.slug
    seasonal = [p for p in corpus.of_kind("place") if p.data.season]
    assert len(seasonal) >= 3
