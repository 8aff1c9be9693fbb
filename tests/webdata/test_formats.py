"""Dates, times, prices and language names in each page's language; typography per language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path

import pytest

from p2f_web import formats
from p2f_web.formats import day, discount, language_name, moment, money
from tests.webdata.conftest import read

PAGES = [
    "index.html",
    "lieux/chez-marius/index.html",
    "lieux/veto-pinede/index.html",
    "agenda/index.html",
    "agenda/nuit-heure-hiver/index.html",
    "bons-plans/index.html",
    "bons-plans/velos-hiver/index.html",
    "alertes/travaux-gare/index.html",
    "partenaires/velos-pinede/index.html",
    "contact/index.html",
    "ce-soir/index.html",
]


def visible(html: str) -> str:
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize("lang", ["en", "de", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_no_french_formats_leak_into_other_languages(web_site: Path, lang: str, path: str) -> None:
    html = read(web_site, f"{lang}/{path}")
    # French text kept on purpose (an untranslated item, a proper name) is marked lang="fr";
    # what is left must follow the page's language
    body = html.split("<body", 1)[1]
    own = re.sub(r'<([a-z]+)[^>]*\blang="fr"[^>]*>.*?</\1>', " ", body, flags=re.S)
    text = visible("<body>" + own)
    assert not re.search(r"\s:(\s|$)", text), re.findall(r".{30}\s:\s.{10}", text)[:3]
    assert not re.search(r"\b\d\d/\d\d/\d{4}\b", text), "dd/mm/yyyy date"
    assert not re.search(r"\d+\.\d\d\s?€", text), "10.00 € price"
    title = re.search(r"<title>(.*?)</title>", html)
    assert title is not None
    assert "pinède en feu" not in title[1] or path == "index.html", title[1]


def test_prices_dates_and_languages_read_as_each_language_writes_them(web_site: Path) -> None:
    offer = visible(read(web_site, "en/bons-plans/velos-hiver/index.html"))
    assert "€12" in offer and "€15" in offer
    assert "31 March 2027, 11:59 pm" in offer
    offer_de = visible(read(web_site, "de/bons-plans/velos-hiver/index.html"))
    assert "12 €" in offer_de and "31. März 2027, 23:59 Uhr" in offer_de
    marius = visible(read(web_site, "en/lieux/chez-marius/index.html"))
    assert "French, English, Spanish" in marius  # language names, not codes
    assert "français, anglais, espagnol" in visible(read(web_site, "lieux/chez-marius/index.html"))
    event = visible(read(web_site, "agenda/nuit-heure-hiver/index.html"))
    assert "30 octobre 2027, 22 h" in event and "8 €" in event


def test_formatting_helpers() -> None:
    from datetime import datetime

    from p2f_player.contract.rules import PARIS

    when = datetime(2026, 12, 12, 21, 30, tzinfo=PARIS)
    assert [moment(when, lang) for lang in ("fr", "en", "de", "es")] == [
        "12 décembre 2026, 21 h 30",
        "12 December 2026, 9:30 pm",
        "12. Dezember 2026, 21:30 Uhr",
        "12 de diciembre de 2026, 21:30",
    ]
    assert day(when, "es") == "12 de diciembre de 2026"
    assert [money(10.0, lang) for lang in ("fr", "en")] == ["10\u00a0€", "€10"]
    assert money(12.5, "de") == "12,50\u00a0€"
    assert discount(20, "en") == "−20%" and discount(20, "fr") == "−20\u00a0%"
    assert language_name("nl", "de") == "Niederländisch" and language_name("it", "en") == "Italian"
    assert formats.colon("fr") == "\u00a0:" and formats.colon("es") == ":"


def test_long_dates_are_formatted_once_per_day_and_language() -> None:
    """Every item page says when it was verified: Babel formats each date once per process."""
    day(date(2031, 5, 17), "de")
    hits = formats._long_date.cache_info().hits
    assert day(datetime(2031, 5, 17, 21, 0, tzinfo=UTC), "de") == "17. Mai 2031"
    assert formats._long_date.cache_info().hits == hits + 1
