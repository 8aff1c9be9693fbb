"""An event's venue as a draft place, when no place of content/ is that venue.

Pure. The content model wants every event to name a place (``place:``). Most events of a
regional flux happen in a hall, a square or a church that content/ does not hold: rather
than skip them, the importer creates a draft place from the event's own location data
(name, address, coordinates), flagged for the reviewer, and links the event to it. The
draft's id upstream is the location's own id when the source has one (DATAtourisme's
``isLocatedAt`` node), else ``<event id>#lieu``; ``run`` finds it again by that id or by
the usual matching (same name, or within ``run.VENUE_METRES``), so a re-import creates
nothing twice. Without coordinates no place can be made (``geo`` is required): the event
stays skipped, with that reason.
"""

from __future__ import annotations

from p2f_import.model import Draft, clip

# No subcategory says "a hall, a square": the broadest one, flagged for the reviewer.
CATEGORY, SUBCATEGORY = "activites", "loisirs"
VENUE_SUFFIX = "#lieu"


def venue_id(event: Draft) -> str:
    """The upstream id the venue place carries in ``imported.id``."""
    return event.venue_id or event.record_id.split("#", 1)[0] + VENUE_SUFFIX


def why_not(event: Draft) -> str | None:
    """Why no place can be made from the event's location data; None when one can."""
    if event.venue_geo is None:
        return f"{event.venue or 'its location'}: no coordinates to create the place"
    if not (event.venue or event.venue_address):
        return "no name nor address for its location"
    return None


def venue_place(event: Draft) -> Draft | None:
    """A draft place for the venue of ``event``; None when ``why_not`` says why not."""
    if why_not(event) is not None or event.venue_geo is None:
        return None
    name = event.venue or event.venue_address or ""
    address = event.venue_address or name
    title, _ = clip(name, 140)
    lat, lon = event.venue_geo
    flags = [
        f"created as the venue of the event {event.fields['title']!r}: check its name and "
        f"address, and its category ({CATEGORY}/{SUBCATEGORY} is a guess)"
    ]
    if not event.venue or (event.venue == event.venue_address and event.source != "ical"):
        flags.append("upstream gave no name for the venue: the title is its address")
    if event.source == "ical":
        flags.append("the feed's LOCATION text is both title and address: split them")
    return Draft(
        source=event.source,
        record_id=venue_id(event),
        kind="place",
        fields={
            "title": title,
            "category": CATEGORY,
            "subcategory": SUBCATEGORY,
            "geo": {"lat": lat, "lon": lon},
            "address": address,
        },
        body="",
        licence=event.licence,
        url=event.url,
        updated_upstream=event.updated_upstream,
        flags=tuple(flags),
    )
