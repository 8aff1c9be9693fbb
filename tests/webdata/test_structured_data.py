"""schema.org JSON-LD and social cards: on the built pages and from the builders directly."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from p2f_model.corpus import Corpus
from p2f_web import jsonld, social
from p2f_web.config import WebSettings
from p2f_web.hours_spec import opening_hours_specification
from tests.webdata.conftest import read

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def ld_of(site: Path, path: str) -> dict[str, Any]:
    """The item node of an item page (the first of its ``@graph``; breadcrumbs follow)."""
    found = LD.findall(read(site, path))
    assert len(found) == 1, f"{path}: expected one JSON-LD script, found {len(found)}"
    document: dict[str, Any] = json.loads(found[0])
    assert document["@context"] == "https://schema.org"
    assert [node["@type"] for node in document["@graph"]][1:] == ["BreadcrumbList"]
    node: dict[str, Any] = document["@graph"][0]
    return node


@pytest.mark.parametrize(
    ("path", "kind_type"),
    [
        ("lieux/veto-pinede/index.html", "VeterinaryCare"),
        ("lieux/chez-marius/index.html", "FoodEstablishment"),
        ("agenda/marche-nocturne/index.html", "Event"),
        ("bons-plans/velos-hiver/index.html", "Offer"),
        ("alertes/travaux-gare/index.html", "SpecialAnnouncement"),
        ("pratique/numeros-urgence/index.html", "WebPage"),
        ("partenaires/velos-pinede/index.html", "Organization"),
        ("en/lieux/chez-marius/index.html", "FoodEstablishment"),
        ("de/agenda/nuit-heure-hiver/index.html", "Event"),
    ],
)
def test_every_item_page_has_json_ld_of_its_kind(web_site: Path, path: str, kind_type: str) -> None:
    document = ld_of(web_site, path)
    assert document["@type"] == kind_type
    assert document["url"] == "https://livep2f.com/" + path.removesuffix("index.html")


def test_place_has_address_geo_hours_and_languages(web_site: Path) -> None:
    marius = ld_of(web_site, "en/lieux/chez-marius/index.html")
    assert marius["name"] == "Marius's"
    assert marius["address"] == {
        "@type": "PostalAddress", "streetAddress": "3 quai du Port", "postalCode": "34510",
        "addressLocality": "Pinède-sur-Mer", "addressCountry": "FR",
    }  # fmt: skip
    assert marius["geo"] == {"@type": "GeoCoordinates", "latitude": 43.2101, "longitude": 3.4409}
    # split days as the library evaluates them; "PH off": each French holiday closed that day
    usual = [s for s in marius["openingHoursSpecification"] if "validFrom" not in s]
    assert [(s["opens"], s["closes"], len(s["dayOfWeek"])) for s in usual] == [
        ("12:00", "14:00", 6), ("19:00", "22:30", 6),
    ]  # fmt: skip
    assert "https://schema.org/Monday" not in usual[0]["dayOfWeek"]
    christmas = [
        s for s in marius["openingHoursSpecification"] if s.get("validFrom") == "2026-12-25"
    ]
    assert christmas == [{
        "@type": "OpeningHoursSpecification", "dayOfWeek": ["https://schema.org/Friday"],
        "opens": "00:00", "closes": "00:00", "validFrom": "2026-12-25", "validThrough": "2026-12-25",
    }]  # fmt: skip
    assert marius["priceRange"] == "€€"
    assert marius["knowsLanguage"] == ["fr", "en", "es"]
    assert marius["amenityFeature"][0]["name"] == "wheelchair accessible"


def test_event_has_location_and_offers(web_site: Path) -> None:
    night = ld_of(web_site, "agenda/nuit-heure-hiver/index.html")
    assert night["startDate"] == "2027-10-30T22:00+02:00"
    assert night["endDate"] == "2027-10-31T04:00+01:00"  # the clocks went back in between
    assert night["location"]["@type"] == "FoodEstablishment"
    assert night["location"]["url"] == "https://livep2f.com/lieux/chez-marius/"
    assert night["location"]["geo"]["latitude"] == 43.2101
    assert night["offers"] == {
        "@type": "Offer", "url": "https://marius.example/billets",
        "availability": "https://schema.org/InStock", "validFrom": "2026-10-02",
        "validThrough": "2027-10-31T04:00+01:00",
        "price": "8.00", "priceCurrency": "EUR",
    }  # fmt: skip


def test_offer_has_price_validity_and_seller(web_site: Path) -> None:
    offer = ld_of(web_site, "en/bons-plans/velos-hiver/index.html")
    assert (offer["price"], offer["priceCurrency"]) == ("12.00", "EUR")
    assert offer["priceSpecification"]["price"] == "15.00"
    assert offer["validFrom"] == "2026-11-01T00:00+01:00"
    assert offer["validThrough"] == "2027-03-31T23:59+02:00"
    assert offer["offeredBy"]["url"] == "https://livep2f.com/en/partenaires/velos-pinede/"


def test_script_cannot_be_closed_by_a_title() -> None:
    tag = jsonld.script_tag({"name": "</script><script>alert(1)</script> & <!--"})
    assert tag.count("</script>") == 1
    assert json.loads(LD.findall(tag)[0])["name"] == "</script><script>alert(1)</script> & <!--"


def test_social_cards_on_the_page(web_site: Path) -> None:
    head = read(web_site, "en/lieux/veto-pinede/index.html")
    for expected in (
        '<meta property="og:url" content="https://livep2f.com/en/lieux/veto-pinede/">',
        '<meta property="og:locale" content="en_GB">',
        '<meta property="og:locale:alternate" content="fr_FR">',
        '<meta property="og:title" content="La Pinède veterinary clinic">',
        '<meta property="og:image" content="https://livep2f.com/images/veto.png">',
        '<meta property="og:image:alt" content="Front of the clinic">',
        '<meta name="twitter:card" content="summary_large_image">',
        '<link rel="canonical" href="https://livep2f.com/en/lieux/veto-pinede/">',
    ):
        assert expected in head


def test_french_fallback_page_is_canonical_to_the_original(
    corpus: Corpus, web: WebSettings
) -> None:
    item = corpus.items["marche-nocturne"]
    assert social.canonical_url(item, "de", web) == "https://livep2f.com/agenda/marche-nocturne/"
    translated = corpus.items["veto-pinede"]
    assert (
        social.canonical_url(translated, "en", web) == "https://livep2f.com/en/lieux/veto-pinede/"
    )
    tags = social.social_tags(item, "de", web)
    assert '<link rel="canonical" href="https://livep2f.com/agenda/marche-nocturne/">' in tags
    assert (
        '<meta property="og:url" content="https://livep2f.com/de/agenda/marche-nocturne/">' in tags
    )
    assert '<meta name="twitter:card" content="summary">' in tags  # no image


def test_opening_hours_specification_from_the_library() -> None:
    def spec(osm: str) -> list[tuple[Any, ...]]:
        return [
            (tuple(d.rsplit("/", 1)[1][:2] for d in s["dayOfWeek"]), s["opens"], s["closes"],
             s.get("validFrom"), s.get("validThrough"))
            for s in opening_hours_specification(osm, date(2026, 11, 30))
        ]  # fmt: skip

    week = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    assert spec("24/7") == [(week, "00:00", "23:59", None, None)]
    assert spec("Mo-Fr 08:00-19:00; Sa 09:00-12:00") == [
        (week[:5], "08:00", "19:00", None, None), (("Sa",), "09:00", "12:00", None, None),
    ]  # fmt: skip
    # a night past midnight stays with the day it starts on
    assert spec("Fr 19:00-01:00") == [(("Fr",), "19:00", "01:00", None, None)]
    # seasons: each period with its dates; the closed months say nothing
    assert spec("Jul-Aug: Mo-Su 10:00-20:00") == [
        (week, "10:00", "20:00", "2027-07-01", "2027-08-31")
    ]
    assert spec("Nov-Mar: Mo-Su 09:00-18:00; Apr-Oct: Mo-Su 08:00-20:00") == [
        (week, "09:00", "18:00", "2026-11-30", "2027-03-31"),
        (week, "08:00", "20:00", "2027-04-01", "2027-10-31"),
        (week, "09:00", "18:00", "2027-11-01", "2027-11-30"),
    ]
    # public holidays the library knows (France): closed that day
    holidays = [s for s in spec("Mo-Sa 09:00-12:00; PH off") if s[3]]
    assert (("Fr",), "00:00", "00:00", "2026-12-25", "2026-12-25") in holidays
    assert (("We",), "00:00", "00:00", "2027-07-14", "2027-07-14") in holidays


def test_fallback_page_says_its_text_is_french(web_site: Path) -> None:
    night = ld_of(web_site, "de/agenda/nuit-heure-hiver/index.html")
    assert night["inLanguage"] == "fr"
    assert night["url"] == "https://livep2f.com/de/agenda/nuit-heure-hiver/"


def test_one_canonical_link_per_page(web_site: Path) -> None:
    for path in ("lieux/veto-pinede/index.html", "en/lieux/veto-pinede/index.html"):
        assert read(web_site, path).count('rel="canonical"') == 1, path
