"""The iCalendar files, joined from bytes (``p2f_web.ical._ics``), are what icalendar's own
``add_component`` then ``to_ical`` write, byte for byte (a VTIMEZONE parsed once per process
instead of once per event file)."""

from __future__ import annotations

import icalendar

from p2f_model.load import load_corpus
from p2f_web import ical
from p2f_web.config import read_settings
from p2f_web.items import is_over, sort_key
from tests.conftest import ROOT

WEB = read_settings({"P2F_NOW": "2026-11-26T12:00:00+00:00", "SITENAME": "livep2f"})


def _reference(name: str, lang: str, events: list[icalendar.Event]) -> bytes:
    calendar = ical._calendar(name, lang)
    calendar.add_component(icalendar.Timezone.from_ical(ical.PARIS_VTIMEZONE))
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def test_event_and_agenda_files_are_what_icalendar_writes() -> None:
    corpus = load_corpus(ROOT / "content")
    events = sorted(corpus.of_kind("event"), key=sort_key)
    assert len(events) > 3
    for lang in ("fr", "en"):
        for item in events:
            expected = _reference(
                item.text(lang).title, lang, [ical._event(item, corpus, lang, WEB)]
            )
            assert ical.event_ics(item, corpus, lang, WEB) == expected
        name = f"{ical.word(lang, 'agenda')} — {WEB.site_name}"
        running = [ical._event(i, corpus, lang, WEB) for i in events if not is_over(i, WEB.now)]
        assert running
        assert ical.agenda_ics(corpus, lang, WEB, WEB.now) == _reference(name, lang, running)
        assert ical.agenda_ics(corpus, lang, WEB, WEB.now).count(b"BEGIN:VTIMEZONE") == 1
    # parsed and written once for every file of the process
    assert ical._timezone_ical.cache_info().misses == 1
