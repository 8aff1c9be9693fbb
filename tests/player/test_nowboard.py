"""The "now" board: what is open now nearby, the next events, the alerts, from the bundle's
``now.js`` at a pinned moment; a static page (no script) with the bundle's CSS."""

from __future__ import annotations

import textwrap
from datetime import datetime
from html import escape

import pytest

# isort: off
from p2f_kiosk.now_data import now_data, now_script

# isort: on
from p2f_model.corpus import Corpus, validate_corpus
from p2f_player.contract.rules import PARIS
from p2f_player.nowboard import (
    NowDataError,
    parse_now_script,
    pick,
    place_phrase,
    render_now_board,
)
from tests.conftest import BASE_FILES

BUILT = datetime(2026, 11, 26, 12, 0, tzinfo=PARIS)
BAKERY = """\
---
title: Boulangerie <Le Four>
category: restauration
subcategory: boulangerie
geo: {lat: 43.2107, lon: 3.4403}
address: 2 place de la Gare, 34510 Pinède-sur-Mer
opening_hours: "Mo-Sa 06:30-13:00"
provenance: {source: visite, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Pain.
"""
CONCERT = """\
---
title: Concert du vendredi
starts: 2026-11-27T21:00
ends: 2026-11-27T23:00
place: veto-pinede
provenance: {source: mairie, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Jazz.
"""


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    files = {**BASE_FILES, "lieux/boulangerie.md": BAKERY, "agenda/concert.md": CONCERT}
    result = validate_corpus(
        [(f"content/{name}", textwrap.dedent(text)) for name, text in files.items()],
        {"images/veto.png"},
    )
    assert not result.problems, result.problems
    return result


def document(corpus: Corpus, lang: str) -> dict[str, object]:
    places = [i for i in corpus.items.values() if i.kind == "place"]
    events = sorted(
        (i for i in corpus.items.values() if i.kind == "event"), key=lambda i: i.data.starts
    )
    data = now_data(places, events, (43.2105, 3.4402), BUILT, lang)
    return parse_now_script(now_script(data))  # through the bytes the bundle carries


def test_friday_evening_lists_the_vet_open_and_tonights_concert(corpus: Corpus) -> None:
    friday_6pm = datetime(2026, 11, 27, 18, 0, tzinfo=PARIS)
    chosen = pick(document(corpus, "fr"), friday_6pm)
    assert [(p.title, p.meta) for p in chosen["places"]] == [
        ("Clinique vétérinaire de la Pinède", "Ouvert · ferme à 19 h")
    ]  # the bakery, nearer, is closed: not listed
    assert [(e.title, e.meta) for e in chosen["events"]] == [
        ("Concert du vendredi", "Ce soir 21 h")
    ]
    morning = pick(document(corpus, "fr"), datetime(2026, 11, 28, 10, 0, tzinfo=PARIS))
    assert [p.title for p in morning["places"]] == [
        "Boulangerie <Le Four>",  # nearest first
        "Clinique vétérinaire de la Pinède",
    ]
    assert morning["events"] == []  # the concert is over; the July market is far off


def test_board_html_is_static_escaped_and_in_the_language(corpus: Corpus) -> None:
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=PARIS)
    site = {"orientation": "landscape", "width": 1920, "height": 1080}
    page = render_now_board(document(corpus, "en"), ["Works <at> the station"], saturday, site)
    assert '<html lang="en">' in page and 'class="slide nowboard landscape"' in page
    assert '<link rel="stylesheet" href="../assets/kiosk.css">' in page
    assert "<script" not in page and "style=" not in page
    assert "Boulangerie &lt;Le Four&gt;" in page and "Works &lt;at&gt; the station" in page
    assert "Open · closes at 1 pm" in page and "Open · closes at noon" in page
    assert page.index("Alerts") < page.index("Open now") < page.index("Tonight and soon")
    assert "Nothing for now." in page  # no event soon


def test_after_the_covered_days_nothing_is_claimed_open(corpus: Corpus) -> None:
    later = datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)  # past the 14 days the build covered
    assert pick(document(corpus, "fr"), later)["places"] == []


@pytest.mark.parametrize("data", [b"", b"P2F_SEARCH=[];", b"P2F_NOW={};", b"P2F_NOW={x;"])
def test_a_bad_now_script_is_refused_with_what_to_do(data: bytes) -> None:
    with pytest.raises(NowDataError, match="rebuild the bundle"):
        parse_now_script(data)


def test_an_untranslated_title_on_a_board_in_another_language_says_lang_fr(
    corpus: Corpus,
) -> None:
    friday_6pm = datetime(2026, 11, 27, 18, 0, tzinfo=PARIS)
    site = {"orientation": "portrait"}
    english = document(corpus, "en")
    translated = {p["slug"]: "tl" not in p for p in english["places"]}  # type: ignore[attr-defined]
    assert translated["boulangerie"] is False  # the bakery has no English text
    alerts: list[str | tuple[str, str]] = [
        ("Travaux parvis sud", "fr"),
        ("Works at the station", "en"),
        "Storm",
    ]
    page = render_now_board(english, alerts, friday_6pm, site)
    assert '<html lang="en">' in page
    assert '<li><span lang="fr">Concert du vendredi</span><span class="meta">Tonight 9 pm' in page
    assert '<li><span lang="fr">Travaux parvis sud</span></li>' in page
    assert "<li>Works at the station</li>" in page and "<li>Storm</li>" in page
    morning = render_now_board(english, [], datetime(2026, 11, 28, 10, 0, tzinfo=PARIS), site)
    assert '<li><span lang="fr">Boulangerie &lt;Le Four&gt;</span><span class="meta">' in morning
    for place in corpus.items.values():
        if place.kind == "place" and translated.get(place.slug):
            title = escape(place.text("en").title)
            assert f"<li>{title}<span" in morning and f'lang="fr">{title}' not in morning
    # in French, nothing is marked: every title is in the board's language
    french = render_now_board(document(corpus, "fr"), alerts[:1], friday_6pm, site)
    assert "<span lang=" not in french


def test_the_phrase_of_a_place_is_the_one_holding_at_now_in_the_language(
    corpus: Corpus,
) -> None:
    friday_6pm = datetime(2026, 11, 27, 18, 0, tzinfo=PARIS)
    french, english = document(corpus, "fr"), document(corpus, "en")
    assert place_phrase(french, "veto-pinede", friday_6pm) == ("Ouvert · ferme à 19 h", True)
    assert place_phrase(english, "veto-pinede", friday_6pm) == ("Open · closes at 7 pm", True)
    closed = place_phrase(french, "boulangerie", friday_6pm)
    assert closed is not None and closed[1] is False and closed[0].startswith("Fermé")
    assert place_phrase(french, "no-such-place", friday_6pm) is None
    later = datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)  # past the covered days
    assert place_phrase(french, "veto-pinede", later) is None
