"""The territory: the one bounding box that coordinates must fall in.

Read by the content check (``schema.Geo``: "coordinates outside the territory") and by the
importers (``p2f_import``: records outside are listed in the import report, not imported), so
both always agree.

``DEFAULT`` is the office's own stretch of coast. An office trying the importers on another
region's public data (a trial run) sets ``P2F_TERRITORY=lat1,lon1,lat2,lon2`` in the
environment or passes ``--territory lat1,lon1,lat2,lon2`` to ``invoke import`` / ``invoke
check``; the edges (``tasks.py``, ``p2f_model.check``, the site build) read it with
``from_environ`` and hand it down. Nothing here reads the environment by itself: validation
gets the territory through pydantic's validation context (``context={"territory": ...}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ENV = "P2F_TERRITORY"


class TerritoryError(ValueError):
    """A territory setting that cannot be used; the message says what to write instead."""


@dataclass(frozen=True)
class Territory:
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def span(self, axis: str) -> tuple[float, float]:
        """``(low, high)`` of ``"lat"`` or ``"lon"``."""
        return (self.south, self.north) if axis == "lat" else (self.west, self.east)

    def as_text(self) -> str:
        return f"{self.south},{self.west},{self.north},{self.east}"


# A fictional stretch of coast. Coordinates outside are typos (a swapped lat/lon, a missing
# minus, a point copied from another town).
DEFAULT = Territory(south=43.10, west=3.20, north=43.40, east=3.70)


def parse(text: str) -> Territory:
    """``"lat1,lon1,lat2,lon2"`` (two opposite corners, in any order) to a territory.

    Raises:
        TerritoryError: not four numbers, or not a possible latitude/longitude.
    """
    parts = [part.strip() for part in text.split(",")]
    try:
        lat1, lon1, lat2, lon2 = (float(part) for part in parts)
    except ValueError:
        raise TerritoryError(
            f'territory "{text}": expected four numbers lat1,lon1,lat2,lon2 '
            "(two opposite corners, e.g. 43.10,3.20,43.40,3.70)"
        ) from None
    for lat in (lat1, lat2):
        if not -90 <= lat <= 90:
            raise TerritoryError(f'territory "{text}": latitude {lat} is not within -90..90')
    for lon in (lon1, lon2):
        if not -180 <= lon <= 180:
            raise TerritoryError(f'territory "{text}": longitude {lon} is not within -180..180')
    if lat1 == lat2 or lon1 == lon2:
        raise TerritoryError(f'territory "{text}": the two corners must differ in lat and lon')
    return Territory(min(lat1, lat2), min(lon1, lon2), max(lat1, lat2), max(lon1, lon2))


def from_environ(environ: Mapping[str, str], given: str = "") -> Territory:
    """The territory in force: ``given`` (a command-line option), else ``P2F_TERRITORY``,
    else ``DEFAULT``. Raises ``TerritoryError`` for a value that cannot be used."""
    text = given or environ.get(ENV, "")
    return parse(text) if text.strip() else DEFAULT


def of_context(context: Any) -> Territory:
    """The territory passed in a pydantic validation context, else ``DEFAULT``."""
    if isinstance(context, Mapping):
        found = context.get("territory")
        if isinstance(found, Territory):
            return found
    return DEFAULT
