"""What each site's touch directory lists, by section, and how far each place is from the screen.

Both the pictures made ahead (``p2f_kiosk.pictures``) and the directory itself ask for a site's
sections, and a directory asks each place's distance from its screen for the places' list, the
item page and ``now.js`` of every language. With a ``SharedFiles`` (one per build) the sections
and the distances of a site are worked out once per build, and the part that does not depend on
the site (which items could ever show at ``now``, in slug order) once for all sites. Pure: ``now``
is an argument; no file is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from p2f_kiosk.now_data import distance_m
from p2f_kiosk.plan import window_of
from p2f_kiosk.shared import SharedFiles
from p2f_model.corpus import Corpus, Item, site_profile

KINDS = ("place", "event", "offer", "page")  # the directory's sections, in its order


@dataclass(frozen=True)
class Sections:
    """A site's directory items by section, and each listed place's distance in metres."""

    items: dict[str, list[Item]]
    metres: dict[str, int]  # place slug -> ``distance_m`` from the site


def site_sections(
    corpus: Corpus, site_slug: str, now: datetime, shared: SharedFiles | None = None
) -> Sections:
    """What the site's directory lists (items that can never show are left out), once per
    build with ``shared``."""
    if shared is None:
        return _sections(corpus, site_slug, _candidates(corpus, now))
    candidates = shared.value(("directory-candidates", now), lambda: _candidates(corpus, now))
    return shared.value(
        ("directory-sections", site_slug, now), lambda: _sections(corpus, site_slug, candidates)
    )


def _candidates(corpus: Corpus, now: datetime) -> list[Item]:
    """Items of the directory's kinds that can still show after ``now``, by slug (any site)."""
    found = []
    for item in sorted(corpus.items.values(), key=lambda i: i.slug):
        if item.kind not in KINDS:
            continue
        window = window_of(item)
        if (window is not None and window[1] <= now) or item.rules.expired_at(now):
            continue
        found.append(item)
    return found


def _sections(corpus: Corpus, site_slug: str, candidates: list[Item]) -> Sections:
    profile = site_profile(corpus.items[site_slug])
    items: dict[str, list[Item]] = {kind: [] for kind in KINDS}
    for item in candidates:
        if item.rules.applies_to_site(profile):
            items[item.kind].append(item)
    items["event"].sort(key=lambda i: (i.data.starts, i.slug))
    items["page"].sort(key=lambda i: (i.data.order, i.slug))
    geo = corpus.items[site_slug].data.geo
    here = (geo.lat, geo.lon)
    metres = {p.slug: distance_m(here, (p.data.geo.lat, p.data.geo.lon)) for p in items["place"]}
    items["place"].sort(key=lambda p: (metres[p.slug], p.slug))  # nearest first, as by_distance
    return Sections(items, metres)
