"""The ``booking`` block of places and the ``organizer`` of events (issue 15, point 5)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from p2f_model.schema import Booking, Event

PROVENANCE = {"source": "visite sur place", "verified_by": "Léa", "verified_on": "2026-10-01"}


def test_a_booking_needs_a_way_to_book() -> None:
    with pytest.raises(ValidationError, match="at least one of url, phone or platform_url"):
        Booking(tonight=True)
    with pytest.raises(ValidationError, match="platform_url needs platform"):
        Booking(platform_url="https://booking.example/hotel")
    with pytest.raises(ValidationError, match="international form"):
        Booking(phone="04 67 00 12 40")
    booking = Booking(phone="+33 4 67 00 12 40", tonight=True)
    assert booking.tonight and booking.url is None


def test_an_event_may_name_its_organizer() -> None:
    event = Event.model_validate(
        {"title": "Fête", "starts": "2027-07-14T19:00", "ends": "2027-07-14T23:00",
         "place": "port", "organizer": "Comité des fêtes", "provenance": PROVENANCE}
    )  # fmt: skip
    assert event.organizer == "Comité des fêtes"
