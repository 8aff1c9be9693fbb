"""iCalendar feeds served by a real HTTP server on 127.0.0.1: recurrence, exceptions,
cancellation, all-day events, time zones; the feed URL's secret stays out of the files."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from p2f_import.model import CANCELLED, NO_PLACE
from p2f_import.report import markdown
from p2f_model import frontmatter
from tests.importers import handmade
from tests.importers.conftest import Import, Web, check_text, snapshot

NOW = "2026-03-10T08:00:00+00:00"


@pytest.fixture
def feed_url() -> Iterator[str]:
    class Feed(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = handmade.ICS.replace("\n", "\r\n").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/agenda.ics?token=s3cret"
    server.shutdown()
    server.server_close()


def events(content: Path) -> dict[str, dict]:
    return {p.name: frontmatter.parse(p.read_text()).fields for p in
            sorted((content / "agenda").glob("*.md")) if "imported:" in p.read_text()}  # fmt: skip


def test_feed_over_http_expands_recurrence_within_horizon(
    import_into: Import, content: Path, feed_url: str
) -> None:
    result = import_into("ical", [feed_url], now=NOW)
    found = events(content)
    workshops = sorted(f["starts"] for f in found.values() if f["title"] == "Atelier vannerie")
    # weekly x5 from 17 March: 24 March is an EXDATE, 7 April is cancelled
    assert workshops == ["2026-03-17T18:30", "2026-03-31T18:30", "2026-04-14T18:30"]
    cancelled = [s for s in result.skipped if s.reason == CANCELLED]
    assert [s.record_id for s in cancelled] == ["atelier@asso.example#2026-04-07T18:30+02:00"]
    fair = next(f for f in found.values() if f["title"] == "Vide-grenier")
    assert (fair["starts"], fair["ends"]) == ("2026-04-05T00:00", "2026-04-05T23:59")  # all day
    assert fair["place"] == "veto-pinede"  # GEO on the place
    workshop = next(f for f in found.values() if f["title"] == "Atelier vannerie")
    assert workshop["place"] == "veto-pinede"  # LOCATION is the place's title
    assert workshop["status"] == "draft"
    no_place = [s for s in result.skipped if s.reason == NO_PLACE]
    assert [s.record_id.split("#")[0] for s in no_place] == ["concert@asso.example"]
    assert check_text(content)[0] == 0
    for name, data in snapshot(content).items():
        assert b"s3cret" not in data, name  # the feed URL is kept without its query


def test_utc_time_becomes_paris_time_and_place_option(
    import_into: Import, content: Path, feed_url: str
) -> None:
    import_into("ical", [feed_url], now=NOW, place="veto-pinede")
    concert = next(f for f in events(content).values() if f["title"] == "Concert en plein air")
    assert (concert["starts"], concert["ends"]) == ("2026-06-20T21:00", "2026-06-20T23:00")
    assert concert["booking_url"] == "https://asso.example/concert"
    before = snapshot(content)
    import_into("ical", [feed_url], now="2026-03-11T08:00:00+00:00", place="veto-pinede")
    assert snapshot(content) == before


def test_cancellation_of_an_imported_occurrence_is_reported(
    import_into: Import, content: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.ics"
    feed.write_text(handmade.ICS.replace("STATUS:CANCELLED\n", ""), encoding="utf-8")
    import_into("ical", [feed], now=NOW)
    feed.write_text(handmade.ICS, encoding="utf-8")
    result = import_into("ical", [feed], now=NOW)
    assert result.cancelled == ["agenda/atelier-vannerie-2026-04-07.md"]


def test_unreadable_feed_is_reported_not_fatal(import_into: Import, tmp_path: Path) -> None:
    feed = tmp_path / "broken.ics"
    feed.write_text("BEGIN:VCALENDAR\nthis is not\n", encoding="utf-8")
    result = import_into("ical", [feed, tmp_path / "missing.ics"], now=NOW)
    assert len(result.notes) == 2 and all("not imported" in n for n in result.notes)


def test_occurrences_gone_from_the_feed_are_reported_never_deleted(
    import_into: Import, content: Path, web: Web
) -> None:
    def serve(ics: str) -> None:
        body = ics.replace("\n", "\r\n").encode()
        web.routes["/agenda.ics"] = (200, {"Content-Type": "text/calendar"}, body)

    feed = f"{web.base}/agenda.ics?token=s3cret"
    serve(handmade.ICS)
    import_into("ical", [feed], now=NOW, place="veto-pinede")
    before = snapshot(content)
    # upstream drops the vide-grenier and shortens the workshop series by one week
    without = re.sub(r"BEGIN:VEVENT\nUID:vide-grenier.*?END:VEVENT\n", "", handmade.ICS,
                     flags=re.DOTALL).replace("COUNT=5", "COUNT=4")  # fmt: skip
    serve(without)
    result = import_into("ical", [feed], now="2026-03-20T08:00:00+00:00", place="veto-pinede")
    gone = dict(result.gone)
    assert set(gone) == {
        "agenda/vide-grenier-2026-04-05.md",
        "agenda/atelier-vannerie-2026-04-14.md",
    }
    assert gone["agenda/vide-grenier-2026-04-05.md"].startswith("its UID is no longer in the feed")
    assert "the series still is" in gone["agenda/atelier-vannerie-2026-04-14.md"]
    # 17 March has passed: not reported; nothing was deleted or rewritten
    assert snapshot(content) == before
    report = markdown(result, NOW)
    assert "## Gone upstream — check whether it was cancelled" in report
    assert "content/agenda/vide-grenier-2026-04-05.md: its UID is no longer in the feed" in report
    assert "2 gone upstream" in report
    # a feed that cannot be read says nothing about what is gone
    web.routes.pop("/agenda.ics")
    assert import_into("ical", [feed], now="2026-03-20T08:00:00+00:00").gone == []


VENUE_FEED = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//hand-made test feed//FR
BEGIN:VEVENT
UID:bal@asso.example
DTSTAMP:20260301T100000Z
SUMMARY:Bal du 14 juillet
LOCATION:Place de la Mairie, Pinède-sur-Mer
GEO:43.3001;3.6002
DTSTART;VALUE=DATE:20260714
END:VEVENT
BEGIN:VEVENT
UID:loto@asso.example
DTSTAMP:20260301T100000Z
SUMMARY:Loto
LOCATION:Salle des fêtes
DTSTART;VALUE=DATE:20260801
END:VEVENT
END:VCALENDAR
"""


def test_a_located_event_gets_a_venue_place_and_one_without_coordinates_is_skipped(
    import_into: Import, content: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "fetes.ics"
    feed.write_text(VENUE_FEED, encoding="utf-8")
    result = import_into("ical", [feed], now=NOW)
    assert result.venues == ["lieux/place-de-la-mairie-pinede-sur-mer.md"]
    venue = frontmatter.parse((content / result.venues[0]).read_text()).fields
    assert venue["geo"] == {"lat": 43.3001, "lon": 3.6002}
    assert venue["address"] == "Place de la Mairie, Pinède-sur-Mer"
    assert any("LOCATION text is both title and address" in f for f in venue["imported"]["flags"])
    assert events(content)["bal-du-14-juillet-2026-07-14.md"]["place"] == (
        "place-de-la-mairie-pinede-sur-mer"
    )
    [skipped] = [s for s in result.skipped if s.reason == NO_PLACE]
    assert skipped.record_id.startswith("loto@asso.example#")
    assert skipped.detail == "Salle des fêtes: no coordinates to create the place"
    assert check_text(content)[0] == 0
    before = snapshot(content)
    again = import_into("ical", [feed], now="2026-03-11T08:00:00+00:00")
    assert snapshot(content) == before and again.venues == []
