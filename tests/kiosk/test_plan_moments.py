"""The kiosk plan on the sample content: no place is eligible while closed (judged again by
opening-hours-py itself, independently of the build's intervals and of the scheduler), alert
levels, and language turns that never lie about the language of the text."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from typing import Any

import opening_hours
import pytest

from p2f_kiosk.plan import language_turns, plan_site, site_document, slide_document
from p2f_model.corpus import Corpus
from p2f_model.load import load_corpus
from p2f_player.contract.rules import PARIS
from p2f_player.contract.rules_moments import parse_settings
from p2f_player.scheduler import Decision, Plan, Play, is_eligible, select_slide
from tests.conftest import ROOT

WEEK = datetime(2026, 12, 21, 0, 0, tzinfo=PARIS)  # Monday; Friday the 25th is a holiday
SITES = ["gare", "bureau-cap-rousset", "bureau-valbrulee"]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    found = load_corpus(ROOT / "content")
    assert found.problems == []
    return found


def manifest(corpus: Corpus, site: str, now: datetime) -> dict[str, Any]:
    """The manifest the build writes, without rendering pages (the plan is what matters)."""
    slides = []
    for planned in plan_site(corpus, site, now):
        turns = {t: planned.text_language(t) for t in planned.languages}
        pages = {t: f"slides/{planned.item.slug}.{lang}.html" for t, lang in turns.items()}
        titles = {t: planned.item.text(lang).title for t, lang in turns.items()}
        links = {t: f"https://livep2f.com/l/{planned.item.slug}" for t in turns}
        slides.append(slide_document(planned, pages, titles, links))
    return {
        "site": site_document(corpus.items[site], corpus.settings),
        "release": {"id": "test"},
        "slides": slides,
        "sponsors": {},
    }


def useful_by_the_library(corpus: Corpus, slug: str, now: datetime, within: timedelta) -> bool:
    """Open now or opening within ``within``, in season: asked of opening-hours-py directly."""
    place = corpus.items[slug].data
    local = now.astimezone(PARIS).replace(tzinfo=None)
    for expression in (place.opening_hours, place.season):
        if not expression:
            continue
        rule = opening_hours.OpeningHours(expression, country="FR")
        if rule.state(local)[0] == opening_hours.State.OPEN:
            continue
        opens = rule.next_change(local)
        if opens is None or opens > local + within:
            return False
        if rule.state(opens)[0] != opening_hours.State.OPEN:
            return False
    return True


@pytest.mark.parametrize("site", SITES)
def test_no_place_is_eligible_while_closed_in_a_week(corpus: Corpus, site: str) -> None:
    plan = Plan.from_manifest(manifest(corpus, site, WEEK))
    within = timedelta(hours=plan.settings.moments.open_within_h)
    places = [s for s in plan.slides if s.kind == "place" and s.open_times is not None]
    assert len(places) > 20
    checked = 0
    for step in range(7 * 24 * 3):  # every 20 minutes of the week
        now = WEEK + timedelta(minutes=20 * step)
        for slide in places:
            if is_eligible(plan, slide, now):
                assert useful_by_the_library(corpus, slide.id, now, within), (slide.id, now)
                checked += 1
    assert checked > 1000  # places do play: the check is not vacuous


def play(plan: Plan, start: datetime, span: timedelta) -> list[tuple[Decision, datetime]]:
    now, recent, out = start.astimezone(UTC), [], []
    while now < start + span:
        decision = select_slide(plan, recent[-500:], now)
        out.append((decision, now))
        sponsor = decision.slide.sponsor if decision.slide else None
        recent.append(Play(decision.slide_id, sponsor, now, (decision.until - now).total_seconds()))
        now = decision.until
    return out


@pytest.mark.parametrize(
    ("site", "start"),
    [
        ("gare", datetime(2026, 12, 22, 21, 0, tzinfo=PARIS)),  # Tuesday night
        ("bureau-cap-rousset", datetime(2026, 12, 25, 11, 0, tzinfo=PARIS)),  # Christmas Day
        ("bureau-valbrulee", datetime(2026, 12, 26, 7, 0, tzinfo=PARIS)),  # Saturday morning
    ],
)
def test_every_place_played_is_open_at_its_start_or_opens_soon(
    corpus: Corpus, site: str, start: datetime
) -> None:
    plan = Plan.from_manifest(manifest(corpus, site, WEEK))
    within = timedelta(hours=plan.settings.moments.open_within_h)
    kinds = {s.id: s.kind for s in plan.slides}
    played = [(d, now) for d, now in play(plan, start, timedelta(hours=2)) if d.slide]
    places = [(d.slide_id, now) for d, now in played if kinds[d.slide_id] == "place"]
    assert places
    for slug, now in places:
        assert useful_by_the_library(corpus, slug, now, within), (slug, now)


def test_christmas_closes_what_closes_on_public_holidays(corpus: Corpus) -> None:
    plan = Plan.from_manifest(manifest(corpus, "gare", WEEK))
    pharmacy = next(s for s in plan.slides if s.id == "pharmacie-des-pins")  # "PH off"
    assert is_eligible(plan, pharmacy, datetime(2026, 12, 24, 11, 0, tzinfo=PARIS))
    assert not is_eligible(plan, pharmacy, datetime(2026, 12, 25, 11, 0, tzinfo=PARIS))


def test_out_of_season_places_are_left_out_of_a_winter_bundle(corpus: Corpus) -> None:
    left_out: dict[str, int] = {}
    ids = {p.item.slug for p in plan_site(corpus, "bureau-cap-rousset", WEEK, left_out)}
    assert "plage-de-la-roque-rousse" not in ids and "glacier-les-sorbets-du-cap" not in ids
    assert left_out["closed or out of season while this bundle lasts"] >= 5
    summer = {
        p.item.slug
        for p in plan_site(corpus, "bureau-cap-rousset", datetime(2027, 7, 10, tzinfo=PARIS))
    }
    assert "plage-de-la-roque-rousse" in summer


def test_alert_levels_in_the_manifest(corpus: Corpus) -> None:
    doc = manifest(corpus, "gare", datetime(2026, 12, 4, 20, 30, tzinfo=PARIS))
    alerts = {s["id"]: (s["level"], s["interrupt"]) for s in doc["slides"] if s["kind"] == "alert"}
    assert alerts["travaux-gare-parvis-sud"] == ("warning", False)
    assert alerts["navettes-marche-de-noel-2026"] == ("info", False)
    summer = manifest(corpus, "gare", datetime(2026, 8, 12, 12, 0, tzinfo=PARIS))
    fire = next(s for s in summer["slides"] if s["id"] == "risque-incendie-tres-severe-aout-2026")
    assert (fire["level"], fire["interrupt"]) == ("critical", True)
    assert doc["site"]["settings"]["alert_levels"]["warning"]["max_share"] == 0.15


@pytest.fixture(scope="module")
def partly_translated(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The sample with one place played at gare left in French and English only (the sample
    itself is translated into every language now)."""
    content = tmp_path_factory.mktemp("partly") / "content"
    shutil.copytree(ROOT / "content", content)
    for lang in ("de", "es"):
        (content / "lieux" / f"{UNTRANSLATED}.{lang}.md").unlink()
    found = load_corpus(content)
    assert found.problems == []
    return found


UNTRANSLATED = "veto-pinede"


def test_language_turns_never_label_french_as_another_language(partly_translated: Corpus) -> None:
    corpus = partly_translated
    untranslated = corpus.items[UNTRANSLATED]
    assert set(untranslated.texts) == {"fr", "en"}
    french = parse_settings({"untranslated": "french"})
    skip = parse_settings({"untranslated": "skip"})
    langs = ["fr", "en", "de", "es"]
    assert language_turns(untranslated, langs, french) == {
        "fr": "fr", "en": "en", "de": "fr", "es": "fr",
    }  # fmt: skip
    assert language_turns(untranslated, langs, skip) == {"fr": "fr", "en": "en"}
    # in the manifest: the de turn shows the French page, and says so
    doc = manifest(corpus, "gare", WEEK)
    for slide in doc["slides"]:
        item = corpus.items[slide["id"]]
        for turn, page in slide["pages"].items():
            lang = slide["text_langs"][turn]
            assert page.endswith(f".{lang}.html")
            assert lang in item.texts  # never a language the item is not written in
            assert slide["titles"][turn] == item.texts[lang].title
    vet = next(slide for slide in doc["slides"] if slide["id"] == UNTRANSLATED)
    assert vet["text_langs"] == {"fr": "fr", "en": "en", "de": "fr", "es": "fr"}
