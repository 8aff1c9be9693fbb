"""Every rule of ``invoke check``, each with a fixture that breaks exactly one thing.

Each case states the file, the line, the field and a phrase of the message the reporter reads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from p2f_model.load import load_corpus
from tests.conftest import EVENT, OFFER, PLACE, PLACE_EN, SITE, WriteContent


def problems_of(content: Path) -> list[str]:
    return [str(p) for p in sorted(load_corpus(content).problems)]


def test_base_fixture_is_clean(write_content: WriteContent) -> None:
    corpus = load_corpus(write_content())
    assert corpus.problems == []
    assert sorted(corpus.items) == [
        "gare", "marche-nocturne", "numeros-urgence", "travaux-gare", "velos-hiver",
        "velos-pinede", "veto-pinede",
    ]  # fmt: skip
    assert set(corpus.items["veto-pinede"].texts) == {"fr", "en"}


CASES = [
    pytest.param(
        {
            "lieux/veto-pinede.md": PLACE.replace(
                "address: 12 avenue des Pins, 34510 Pinède-sur-Mer\n", ""
            )
        },
        "content/lieux/veto-pinede.md:1: address: is required but missing",
        id="missing-required-field",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE.replace("opening_hours:", "openning_hours:")},
        'content/lieux/veto-pinede.md:9: openning_hours: unknown field; did you mean "opening_hours"?',
        id="unknown-field-typo",
    ),
    pytest.param(
        {"agenda/marche-nocturne.md": EVENT.replace("price: 0", "price: gratuit")},
        "content/agenda/marche-nocturne.md:6: price: 'gratuit': input should be a valid number",
        id="wrong-type",
    ),
    pytest.param(
        {
            "agenda/marche-nocturne.md": EVENT.replace(
                "ends: 2027-07-14T23:30", "ends: 2027-07-14T18:00"
            )
        },
        "content/agenda/marche-nocturne.md:4: ends: 2027-07-14T18:00 is not after starts (2027-07-14T19:00)",
        id="event-ends-before-start",
    ),
    pytest.param(
        {
            "bons-plans/velos-hiver.md": OFFER.replace(
                "valid_until: 2027-03-31T23:59", "valid_until: 2026-10-01T00:00"
            )
        },
        "content/bons-plans/velos-hiver.md:5: valid_until: 2026-10-01T00:00 is not after valid_from",
        id="offer-ends-before-start",
    ),
    pytest.param(
        {
            "bons-plans/velos-hiver.md": OFFER.replace(
                "valid_from: 2026-11-01T00:00", "valid_from: 2026-13-01T00:00"
            )
        },
        'content/bons-plans/velos-hiver.md:4: valid_from: "2026-13-01T00:00" is not a date-time',
        id="impossible-date",
    ),
    pytest.param(
        {
            "lieux/veto-pinede.md": PLACE.replace(
                "lat: 43.2150, lon: 3.4321", "lat: 3.4321, lon: 43.2150"
            )
        },
        "content/lieux/veto-pinede.md:6: geo.lat: 3.4321 is outside the territory",
        id="coordinates-outside-territory",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE.replace("category: services", "category: sante")},
        "content/lieux/veto-pinede.md:4: category: 'sante' is not allowed (expected one of 'hebergement'",
        id="unknown-category",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE.replace("subcategory: veterinaire", "subcategory: camping")},
        'content/lieux/veto-pinede.md:5: subcategory: "camping" is not a subcategory of services',
        id="subcategory-outside-category",
    ),
    pytest.param(
        {
            "lieux/veto-pinede.md": PLACE.replace(
                '"Mo-Fr 08:00-19:00; Sa 09:00-12:00"', '"lun-ven 8h-19h"'
            )
        },
        'content/lieux/veto-pinede.md:9: opening_hours: "lun-ven 8h-19h" is not OpenStreetMap syntax (e.g. "Mo-Fr 08:00-19:00',
        id="opening-hours-not-osm",
    ),
    pytest.param(
        {"bons-plans/velos-hiver.md": OFFER.replace("sites: [gare]", "sites: [gare-nord]")},
        'content/bons-plans/velos-hiver.md:10: rules.sites: unknown site "gare-nord"',
        id="unknown-site",
    ),
    pytest.param(
        {"bons-plans/velos-hiver.md": OFFER.replace("sites: [gare]", 'sites: ["tag:montagne"]')},
        'content/bons-plans/velos-hiver.md:10: rules.sites: no site has the tag "montagne"',
        id="unknown-site-tag",
    ),
    pytest.param(
        {
            "bons-plans/velos-hiver.md": OFFER.replace(
                "partner: velos-pinede", "partner: velo-pinede"
            )
        },
        'content/bons-plans/velos-hiver.md:3: partner: no partner has the slug "velo-pinede"; did you mean "velos-pinede"?',
        id="unknown-partner",
    ),
    pytest.param(
        {
            "agenda/marche-nocturne.md": EVENT.replace(
                "place: veto-pinede", "place: halle-aux-poissons"
            )
        },
        'content/agenda/marche-nocturne.md:5: place: no place has the slug "halle-aux-poissons"',
        id="unknown-place",
    ),
    pytest.param(
        {"pratique/veto-pinede.md": PLACE},
        'content/pratique/veto-pinede.md:1: slug: "veto-pinede" is already used by content/lieux/veto-pinede.md',
        id="duplicate-slug",
    ),
    pytest.param(
        {"lieux/veto-pinde.en.md": PLACE_EN},
        "content/lieux/veto-pinde.en.md:1: lang: translation of a missing original: create content/lieux/veto-pinde.md",
        id="translation-without-original",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE.replace("images/veto.png", "images/veto.jpg")},
        'content/lieux/veto-pinede.md:11: images[0].src: "images/veto.jpg" does not exist in content/images/',
        id="image-missing",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE.replace("alt: Façade de la clinique", 'alt: ""')},
        'content/lieux/veto-pinede.md:11: images[0].alt: image "images/veto.png" has no alt text',
        id="image-without-alt",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE + "<script>alert(1)</script>\n"},
        'content/lieux/veto-pinede.md:15: body: raw HTML "<script>" is not allowed in the text',
        id="raw-html-script",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE + '\n<div class="x">Bonjour</div>\n'},
        'content/lieux/veto-pinede.md:16: body: raw HTML "<div class="x">" is not allowed',
        id="raw-html-div",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE + "[clic](javascript:alert(1))\n"},
        "content/lieux/veto-pinede.md:15: body: a javascript:/data: link is not allowed",
        id="javascript-link",
    ),
    pytest.param(
        {
            "bons-plans/velos-hiver.md": OFFER.replace(
                '{from: "18:00", until: "02:00"}', '{from: "18:00", until: "18:00"}'
            )
        },
        "content/bons-plans/velos-hiver.md:12: rules.hours[0]: starts and ends at 18:00: an empty window",
        id="rule-empty-hour-window",
    ),
    pytest.param(
        {
            "bons-plans/velos-hiver.md": OFFER.replace(
                "  sites: [gare]\n",
                "  sites: [gare]\n  dates: [{from: 2026-12-20, until: 2026-12-01}]\n",
            )
        },
        "content/bons-plans/velos-hiver.md:11: rules.dates[0]: ends (2026-12-01) before it starts (2026-12-20)",
        id="rule-dates-reversed",
    ),
    pytest.param(
        {
            "bons-plans/velos-hiver.md": OFFER.replace(
                "  sites: [gare]\n",
                "  sites: [gare]\n  dates: [{from: 2026-12-07, until: 2026-12-11}]\n  weekdays: [sa, su]\n",
            )
        },
        "content/bons-plans/velos-hiver.md:12: rules.weekdays: none of ['sa', 'su'] falls inside the dates",
        id="rule-weekdays-outside-dates",
    ),
    pytest.param(
        {
            "bons-plans/velos-hiver.md": OFFER.replace(
                "  sites: [gare]\n", "  near: {lat: 43.39, lon: 3.21, radius_km: 1}\n"
            )
        },
        "content/bons-plans/velos-hiver.md:10: rules.near: no site lies inside this circle",
        id="rule-near-no-site",
    ),
    pytest.param(
        {
            "bons-plans/velos-hiver.md": OFFER.replace(
                "audiences: [excursionnistes]", "audiences: [touristes]"
            )
        },
        'content/bons-plans/velos-hiver.md:11: rules.audiences: "touristes" is not one of affaires',
        id="rule-unknown-audience",
    ),
    pytest.param(
        {"bons-plans/velos-hiver.md": OFFER.replace("  sites: [gare]\n", "  site: [gare]\n")},
        "content/bons-plans/velos-hiver.md:10: rules.site: unknown rule (known: dates",
        id="rule-unknown-key",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE.replace("title: Clinique", "title: [Clinique")},
        "content/lieux/veto-pinede.md:3: the header is not valid YAML",
        id="yaml-syntax-error",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE[4:]},
        'content/lieux/veto-pinede.md:1: the file must start with a "---" line',
        id="no-header",
    ),
    pytest.param(
        {"lieux/Veto Pinede.md": PLACE},
        'content/lieux/Veto Pinede.md:1: slug: "Veto Pinede.md" is not a valid file name',
        id="bad-file-name",
    ),
    pytest.param(
        {"lieux/veto-pinede.it.md": PLACE_EN},
        'content/lieux/veto-pinede.it.md:1: lang: "it" is not a translation language',
        id="unsupported-language",
    ),
    pytest.param(
        {"restaurants/chez-jo.md": PLACE},
        'content/restaurants/chez-jo.md:1: "restaurants" is not a content folder',
        id="unknown-folder",
    ),
    pytest.param(
        {
            "lieux/veto-pinede.en.md": PLACE_EN.replace(
                "alt: [Front of the clinic]",
                'alt: [Front of the clinic]\nphone: "+44 20 0000 0000"',
            )
        },
        "content/lieux/veto-pinede.en.md:5: phone: belongs in the French original, not in a translation",
        id="translation-with-original-field",
    ),
    pytest.param(
        {"lieux/veto-pinede.en.md": PLACE_EN.replace("alt: [Front of the clinic]\n", "")},
        "content/lieux/veto-pinede.en.md:1: alt: 0 alt text(s) for 1 image(s) in the original",
        id="translation-alt-count",
    ),
    pytest.param(
        {"sites/gare.md": SITE.replace("resolution: 1080x1920", "resolution: 1920x1080")},
        "content/sites/gare.md:6: resolution: 1920x1080 does not fit orientation portrait",
        id="site-resolution-orientation",
    ),
    pytest.param(
        {"lieux/veto-pinede.md": PLACE.replace('"+33 4 67 00 12 34"', '"04 67 00 12 34"')},
        'content/lieux/veto-pinede.md:8: phone: "04 67 00 12 34" is not a phone number in international form',
        id="phone-not-international",
    ),
    pytest.param(
        {
            "bons-plans/velos-hiver.md": OFFER.replace(
                "https://velos.example/reserver", "http://velos.example/reserver"
            )
        },
        'content/bons-plans/velos-hiver.md:8: booking_url: "http://velos.example/reserver" is not a web address starting with https://',
        id="url-not-https",
    ),
    pytest.param(
        {"bons-plans/velos-hiver.md": OFFER.replace("original_price: 15", "original_price: 10")},
        "content/bons-plans/velos-hiver.md:7: original_price: 10.0 is not higher than price (12.0)",
        id="original-price-not-higher",
    ),
    pytest.param(
        {
            "sites/gare.md": SITE.replace(
                "nfc: true\n",
                'nfc: true\naudience_hours:\n  - {audiences: [affaires], hours: [{from: "6h", until: "9h"}]}\n',
            )
        },
        "content/sites/gare.md:11: audience_hours[0].hours[0].from: '6h' is not a time of day",
        id="site-audience-hours",
    ),
    pytest.param(
        {
            "sites/gare.md": SITE.replace(
                "nfc: true\n",
                'nfc: true\nscreen_hours:\n  - {hours: [{from: "06:00", until: "06:00"}]}\n',
            )
        },
        "content/sites/gare.md:11: screen_hours[0].hours[0]: starts and ends at 06:00: an empty window",
        id="site-screen-hours-never-on",
    ),
    pytest.param(
        {
            "partenaires/velos-pinede.md": "---\ntitle: Vélos\nkind: entreprise-locale\nscreen_sites: [mairie]\nprovenance: {source: contrat, verified_by: L, verified_on: 2026-10-01}\n---\nx\n"
        },
        "content/partenaires/velos-pinede.md:4: screen_sites: a partner no longer books screen time itself: remove this line and write a campaign in content/campagnes/<partner>-<period>.md (partner, sites, starts, ends, share or plays_per_hour, price_eur, contact; docs/office.md)",
        id="partner-screen-time-retired",
    ),
    pytest.param(
        {
            "lieux/veto-pinede.md": PLACE.replace(
                "provenance: {source: visite sur place, verified_by: Yanis Benali, verified_on: 2026-09-12}\n",
                "",
            )
        },
        "content/lieux/veto-pinede.md:1: provenance: is required but missing",
        id="provenance-required",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_check_rule(write_content: WriteContent, changes: dict[str, str], expected: str) -> None:
    problems = problems_of(write_content(changes))
    assert any(p.startswith(expected) for p in problems), "\n".join(problems)


def test_not_utf8_file_is_reported(write_content: WriteContent) -> None:
    content = write_content()
    (content / "lieux" / "latin1.md").write_bytes("---\ntitle: Café\n---\n".encode("latin-1"))
    assert any(
        p.startswith("content/lieux/latin1.md:1: not UTF-8 text") for p in problems_of(content)
    )


def test_every_problem_is_reported_in_one_run(write_content: WriteContent) -> None:
    content = write_content(
        {
            "lieux/veto-pinede.md": PLACE.replace("category: services", "category: sante"),
            "agenda/marche-nocturne.md": EVENT.replace("place: veto-pinede", "place: nulle-part"),
            "lieux/veto-pinde.en.md": PLACE_EN,
        }
    )
    problems = problems_of(content)
    assert len(problems) >= 3
    assert {p.split(":")[0] for p in problems} >= {
        "content/lieux/veto-pinede.md",
        "content/agenda/marche-nocturne.md",
        "content/lieux/veto-pinde.en.md",
    }


def test_code_blocks_may_show_html(write_content: WriteContent) -> None:
    body = "Exemple : `<b>gras</b>`\n\n```\n<div>ok</div>\n```\n\nLien : <https://example.org>\n"
    content = write_content({"lieux/veto-pinede.md": PLACE + body})
    assert problems_of(content) == []


def test_check_command_exit_code_and_lines(
    write_content: WriteContent, capsys: pytest.CaptureFixture[str]
) -> None:
    from p2f_model.check import run

    assert run(write_content()) == 0
    assert "check: ok" in capsys.readouterr().out
    broken = write_content(
        {"lieux/veto-pinede.md": PLACE.replace("category: services", "category: sante")}
    )
    assert run(broken) == 1
    out = capsys.readouterr().out.splitlines()
    # one problem only: the event that names the broken place is not blamed for it
    assert out[0].startswith("content/lieux/veto-pinede.md:4: category:")
    assert out[-1].startswith("check: 1 problem(s)")
