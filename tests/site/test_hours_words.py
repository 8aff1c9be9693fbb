"""Opening hours, event times and offers in the visitor's words: table-driven, per language."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import opening_hours
import pytest

from p2f_player.contract.rules import PARIS
from p2f_site.hours import open_intervals
from p2f_site.hours_words import (
    LANGS,
    event_phases,
    event_when,
    long_date,
    money,
    offer_fact,
    state_at,
    state_phases,
    week_words,
)

TUESDAY = date(2026, 12, 1)
VET = "Mo-Fr 08:30-19:00; Sa 09:00-12:30"

WEEKS = [
    (VET, {
        "fr": "Lundi–vendredi 8 h 30–19 h, samedi 9 h–12 h 30",
        "en": "Mon–Fri 8:30 am–7 pm, Sat 9 am–12:30 pm",
        "de": "Mo.–Fr. 8:30–19:00 Uhr, Sa. 9:00–12:30 Uhr",
        "es": "Lunes–viernes 8:30–19:00, sábado 9:00–12:30",
    }),
    ("24/7", {
        "fr": "Ouvert 24 h/24, 7 j/7", "en": "Open 24/7", "de": "Rund um die Uhr geöffnet",
        "es": "Abierto 24 horas, todos los días",
    }),
    ("Mo-Su 00:00-24:00", {"fr": "Ouvert 24 h/24, 7 j/7", "en": "Open 24/7"}),
    # a later rule overrides an earlier one for its days, as the library evaluates it
    ("Mo-Sa 09:00-12:30; Tu,Th,Fr 15:00-18:30; PH off", {
        "fr": "Lundi, mercredi, samedi 9 h–12 h 30; mardi, jeudi, vendredi 15 h–18 h 30; "
              "fermé les jours fériés",
        "en": "Mon, Wed, Sat 9 am–12:30 pm; Tue, Thu, Fri 3 pm–6:30 pm; "
              "closed on public holidays",
    }),
    # a night that runs past midnight stays with the day it starts on
    ("Mo-Th 07:00-23:00; Fr,Sa 07:00-01:00; Su 08:00-20:00", {
        "fr": "Lundi–jeudi 7 h–23 h, vendredi 7 h–1 h, samedi 7 h–minuit, dimanche 8 h–20 h",
        "en": "Mon–Thu 7 am–11 pm, Fri 7 am–1 am, Sat 7 am–midnight, Sun 8 am–8 pm",
        "es": "Lunes–jueves 7:00–23:00, viernes 7:00–1:00, sábado 7:00–medianoche, "
              "domingo 8:00–20:00",
    }),
    ("Tu-Sa 10:00-12:30,14:00-18:00; Su 14:00-18:00; Jan off", {
        "fr": "Mardi–samedi 10 h–12 h 30 et 14 h–18 h, dimanche 14 h–18 h",
        "de": "Di.–Sa. 10:00–12:30 Uhr und 14:00–18:00 Uhr, So. 14:00–18:00 Uhr",
        "es": "Martes–sábado 10:00–12:30 y 14:00–18:00, domingo 14:00–18:00",
    }),
    # out of season in December: closed, and when it opens again
    ("Jul-Aug: Su 15:00-18:00", {
        "fr": "Fermé en ce moment · ouvre le 4 juillet",
        "en": "Closed at the moment · opens on 4 July",
        "de": "Derzeit geschlossen · öffnet am 4. Juli",
        "es": "Cerrado por ahora · abre el 4 de julio",
    }),
    ("Apr-Oct: Mo-Su 09:30-19:00; Nov-Mar: Sa 09:00-12:00", {"fr": "Samedi 9 h–12 h"}),
]  # fmt: skip
CASES = [(rule, lang, text) for rule, texts in WEEKS for lang, text in texts.items()]


@pytest.mark.parametrize(("rule", "lang", "text"), CASES)
def test_week_in_words(rule: str, lang: str, text: str) -> None:
    said = week_words(rule, lang, TUESDAY)
    assert said.exact
    assert said.text == text


@pytest.mark.parametrize(
    "rule",
    ['Mo-Fr 08:00-12:00 "sur rendez-vous"', "Mo-Fr sunrise-sunset", "Mo 10:00+",
     "week 1-53/2 Fr 09:00-12:00", "Mo-Fr 09:00-18:00 || unknown"],
)  # fmt: skip
@pytest.mark.parametrize("lang", LANGS)
def test_what_words_cannot_say_is_shown_raw_and_flagged(rule: str, lang: str) -> None:
    said = week_words(rule, lang, TUESDAY)
    assert (said.text, said.exact) == (rule, False)


def test_every_sample_rule_is_said_or_flagged_never_a_crash() -> None:
    from tests.conftest import ROOT

    rules = set()
    for path in (ROOT / "content" / "lieux").glob("*.md"):
        for line in path.read_text().splitlines():
            if line.startswith("opening_hours:"):
                rules.add(line.split(":", 1)[1].strip().strip("'\""))
    assert len(rules) > 30
    for rule in rules:
        for lang in LANGS:
            said = week_words(rule, lang, TUESDAY)
            assert said.exact, rule  # the sample keeps to the plain subset
            assert "-" not in said.text.replace("−", ""), (rule, said.text)  # no OSM left


FRIDAY_EVENING = datetime(2026, 12, 4, 20, 30, tzinfo=PARIS)
STATES = {  # the vet, from Friday 20:30: (moment, fr, en, de, es)
    "friday night": (FRIDAY_EVENING, "Fermé · ouvre demain à 9 h", "Closed · opens tomorrow at 9 am",
                     "Geschlossen · öffnet morgen um 9 Uhr", "Cerrado · abre mañana a las 9:00"),
    "saturday dawn": (datetime(2026, 12, 5, 7, 0, tzinfo=PARIS), "Fermé · ouvre à 9 h",
                      "Closed · opens at 9 am", "Geschlossen · öffnet um 9 Uhr",
                      "Cerrado · abre a las 9:00"),
    "saturday morning": (datetime(2026, 12, 5, 10, 0, tzinfo=PARIS), "Ouvert · ferme à 12 h 30",
                         "Open · closes at 12:30 pm", "Geöffnet · schließt um 12:30 Uhr",
                         "Abierto · cierra a las 12:30"),
    "saturday afternoon": (datetime(2026, 12, 5, 15, 0, tzinfo=PARIS),
                           "Fermé · ouvre lundi à 8 h 30", "Closed · opens Monday at 8:30 am",
                           "Geschlossen · öffnet Montag um 8:30 Uhr",
                           "Cerrado · abre el lunes a las 8:30"),
    "monday": (datetime(2026, 12, 7, 18, 59, tzinfo=PARIS), "Ouvert · ferme à 19 h",
               "Open · closes at 7 pm", "Geöffnet · schließt um 19 Uhr",
               "Abierto · cierra a las 19:00"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(STATES))
def test_state_now_in_words(case: str) -> None:
    moment, *texts = STATES[case]
    intervals = open_intervals(VET, None, FRIDAY_EVENING, FRIDAY_EVENING + timedelta(days=14))
    for lang, text in zip(LANGS, texts, strict=True):
        phases = state_phases(intervals, FRIDAY_EVENING, FRIDAY_EVENING + timedelta(days=5), lang)
        phase = state_at(phases, moment)
        assert phase is not None and phase.text == text, (lang, phase)
        assert phase.open == text.startswith(("Ouvert", "Open", "Geöffnet", "Abierto"))


def test_phases_cover_the_span_without_gap_and_agree_with_the_library() -> None:
    start = datetime(2026, 12, 20, 0, 0, tzinfo=PARIS)  # Christmas inside: PH off holds
    rule = "Mo-Sa 09:00-12:30,14:00-19:00; PH off"
    phases = state_phases(open_intervals(rule, None, start, start + timedelta(days=20)), start,
                          start + timedelta(days=10), "fr")  # fmt: skip
    assert phases[0].start == start and phases[-1].end == start + timedelta(days=10)
    for before, after in itertools.pairwise(phases):
        assert before.end == after.start
    library = opening_hours.OpeningHours(rule, timezone=PARIS, country="FR")
    moment = start
    while moment < start + timedelta(days=10):
        phase = state_at(phases, moment)
        assert phase is not None and phase.open == library.is_open(moment), moment
        moment += timedelta(minutes=30)
    christmas = state_at(phases, datetime(2026, 12, 25, 10, 0, tzinfo=PARIS))
    assert christmas is not None and christmas.text == "Fermé · ouvre demain à 9 h"


def test_always_open_says_so() -> None:
    start = FRIDAY_EVENING
    phases = state_phases(open_intervals("24/7", None, start, start + timedelta(days=20)), start,
                          start + timedelta(days=7), "en")  # fmt: skip
    assert [p.text for p in phases] == ["Open 24/7"]


EVENT_START = datetime(2026, 12, 6, 21, 0, tzinfo=PARIS)
EVENT_END = datetime(2026, 12, 6, 23, 30, tzinfo=PARIS)
EVENTS = {
    "fr": ["Dimanche 6 décembre, 21 h", "Demain 21 h", "Ce soir 21 h",
           "En ce moment · jusqu’à 23 h 30"],
    "en": ["Sunday 6 December, 9 pm", "Tomorrow 9 pm", "Tonight 9 pm", "On now · until 11:30 pm"],
    "de": ["Sonntag 6. Dezember, 21 Uhr", "Morgen 21 Uhr", "Heute Abend 21 Uhr",
           "Jetzt · bis 23:30 Uhr"],
    "es": ["Domingo 6 de diciembre, a las 21:00", "Mañana a las 21:00", "Esta noche a las 21:00",
           "Ahora · hasta las 23:30"],
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_event_reads_from_a_date_to_tonight_to_on_now(lang: str) -> None:
    phases = event_phases(EVENT_START, EVENT_END, FRIDAY_EVENING, lang)
    assert [p.text for p in phases] == EVENTS[lang]
    assert phases[0].start == FRIDAY_EVENING and phases[-1].end == EVENT_END
    assert event_when(EVENT_START, EVENT_END, lang) == EVENTS[lang][0]
    afternoon = event_phases(EVENT_START.replace(hour=15), EVENT_END, FRIDAY_EVENING, "fr")
    assert afternoon[2].text == "Aujourd’hui 15 h"


MARKET_START = datetime(2026, 12, 5, 18, 0, tzinfo=PARIS)  # Saturday 18:00
SATURDAY_9PM = datetime(2026, 12, 5, 21, 0, tzinfo=PARIS)
SUNDAY_10AM = datetime(2026, 12, 6, 10, 0, tzinfo=PARIS)
# (ends, language) -> what an event running since Saturday 18:00 says at Saturday 21:00
ON_NOW_UNTIL = {
    (datetime(2026, 12, 6, 19, 0, tzinfo=PARIS), "fr"): "En ce moment · jusqu’à demain 19 h",
    (datetime(2026, 12, 6, 19, 0, tzinfo=PARIS), "en"): "On now · until tomorrow 7 pm",
    (datetime(2026, 12, 6, 19, 0, tzinfo=PARIS), "de"): "Jetzt · bis morgen 19:00 Uhr",
    (datetime(2026, 12, 6, 19, 0, tzinfo=PARIS), "es"): "Ahora · hasta mañana a las 19:00",
    (datetime(2026, 12, 8, 19, 0, tzinfo=PARIS), "fr"): "En ce moment · jusqu’à mardi 19 h",
    (datetime(2026, 12, 8, 19, 0, tzinfo=PARIS), "en"): "On now · until Tuesday 7 pm",
    (datetime(2026, 12, 8, 19, 0, tzinfo=PARIS), "de"): "Jetzt · bis Dienstag 19:00 Uhr",
    (datetime(2026, 12, 8, 19, 0, tzinfo=PARIS), "es"): "Ahora · hasta el martes a las 19:00",
    (datetime(2026, 12, 20, 19, 0, tzinfo=PARIS), "fr"): "En ce moment · jusqu’au 20 décembre, 19 h",
    (datetime(2026, 12, 20, 19, 0, tzinfo=PARIS), "en"): "On now · until 20 December, 7 pm",
    (datetime(2026, 12, 20, 19, 0, tzinfo=PARIS), "de"): "Jetzt · bis 20. Dezember, 19:00 Uhr",
    (datetime(2026, 12, 20, 19, 0, tzinfo=PARIS), "es"): "Ahora · hasta el 20 de diciembre, a las 19:00",
    (datetime(2026, 12, 6, 0, 0, tzinfo=PARIS), "fr"): "En ce moment · jusqu’à minuit",
    (datetime(2026, 12, 6, 1, 0, tzinfo=PARIS), "fr"): "En ce moment · jusqu’à 1 h",  # short night
    (datetime(2026, 12, 6, 1, 0, tzinfo=PARIS), "en"): "On now · until 1 am",
}  # fmt: skip
SUNDAY_SAYS = {  # the two-day market on its last day, at 10:00: the end is today
    "fr": "En ce moment · jusqu’à 19 h",
    "en": "On now · until 7 pm",
    "de": "Jetzt · bis 19:00 Uhr",
    "es": "Ahora · hasta las 19:00",
}


@pytest.mark.parametrize(("ends", "lang"), list(ON_NOW_UNTIL))
def test_an_event_on_now_says_the_day_it_ends_when_not_today(ends: datetime, lang: str) -> None:
    phases = event_phases(MARKET_START, ends, FRIDAY_EVENING, lang)
    now = state_at(phases, SATURDAY_9PM)
    assert now is not None and now.text == ON_NOW_UNTIL[(ends, lang)]
    assert phases[-1].end == ends
    assert all(a.end == b.start for a, b in itertools.pairwise(phases))  # no gap, no overlap
    if ends.date() > SUNDAY_10AM.date() or ends.time() >= SUNDAY_10AM.time():
        sunday = state_at(phases, SUNDAY_10AM)
        assert sunday is not None and sunday.text.startswith(ON_NOW_UNTIL[(ends, lang)][:6])
        if ends == datetime(2026, 12, 6, 19, 0, tzinfo=PARIS):
            assert sunday.text == SUNDAY_SAYS[lang]  # "demain" became today at midnight


@pytest.mark.parametrize(
    ("interval", "at", "text"),
    [
        ((MARKET_START, datetime(2026, 12, 6, 19, 0, tzinfo=PARIS)), SATURDAY_9PM,
         "Ouvert · ferme demain à 19 h"),
        ((MARKET_START, datetime(2026, 12, 6, 19, 0, tzinfo=PARIS)), SUNDAY_10AM,
         "Ouvert · ferme à 19 h"),
        ((MARKET_START, datetime(2026, 12, 6, 1, 0, tzinfo=PARIS)), SATURDAY_9PM,
         "Ouvert · ferme à 1 h"),  # a short night: tonight's closing
    ],
)  # fmt: skip
def test_a_place_open_past_midnight_says_tomorrow_unless_a_short_night(
    interval: tuple[datetime, datetime], at: datetime, text: str
) -> None:
    start = datetime(2026, 12, 5, 12, 0, tzinfo=PARIS)
    phases = state_phases([interval], start, start + timedelta(days=3), "fr")
    state = state_at(phases, at)
    assert state is not None and state.text == text


@pytest.mark.parametrize(
    ("lang", "fact", "whole", "cents"),
    [("fr", "−25 % jusqu’au 31 janvier, code P2FWEEKEND", "12\u00a0€", "12,50\u00a0€"),
     ("en", "−25% until 31 January, code P2FWEEKEND", "€12", "€12.50"),
     ("de", "−25 % bis 31. Januar, Code P2FWEEKEND", "12\u00a0€", "12,50\u00a0€"),
     ("es", "−25 % hasta el 31 de enero, código P2FWEEKEND", "12\u00a0€", "12,50\u00a0€")],
)  # fmt: skip
def test_offer_and_prices(lang: str, fact: str, whole: str, cents: str) -> None:
    until = datetime(2027, 1, 31, 23, 59, tzinfo=PARIS)
    assert offer_fact(25, until, "P2FWEEKEND", lang).replace("\u00a0", " ") == fact.replace(
        "\u00a0", " "
    )
    assert money(12, lang) == whole
    assert money(12.5, lang).replace("\u202f", "\u00a0") == cents


def test_week_words_is_computed_once_per_rule_language_and_day() -> None:
    """The office's hours are in every page's footer: the sentence is made once, not per page."""
    today = date(2026, 11, 26)
    first = week_words("Mo-Fr 09:00-12:30,14:00-18:00", "fr", today)
    assert week_words("Mo-Fr 09:00-12:30,14:00-18:00", "fr", today) is first
    assert week_words("Mo-Fr 09:00-12:30,14:00-18:00", "en", today) is not first


def test_long_dates_are_formatted_once_per_day_and_language() -> None:
    """The kiosk directory says ~1,700 event dates per build: Babel formats each date once."""
    first = long_date(date(2031, 7, 5), "de")
    assert first == "5. Juli"
    hits = long_date.cache_info().hits
    assert long_date(date(2031, 7, 5), "de") is first
    assert long_date.cache_info().hits == hits + 1
    assert long_date(date(2031, 7, 1), "fr") == "1er juillet"
