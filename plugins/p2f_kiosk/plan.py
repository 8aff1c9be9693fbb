"""What goes into a site's bundle: pure selection, no files.

An item is left out of a site's bundle when its rules can never admit that site, or when it
has already ended at build time. Linear in the number of items per site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from p2f_model import schema
from p2f_model.corpus import Corpus, Item, site_profile
from p2f_player.contract.manifest import iso
from p2f_player.contract.rules import Rules, SiteProfile

SLIDE_KINDS = ("alert", "offer", "event", "place")


@dataclass(frozen=True)
class PlannedSlide:
    item: Item
    languages: tuple[str, ...]
    window: tuple[datetime, datetime] | None
    sponsor: str | None
    interrupt: bool


def window_of(item: Item) -> tuple[datetime, datetime] | None:
    data = item.data
    if isinstance(data, schema.Event):
        return (data.starts, data.ends)
    if isinstance(data, schema.Offer | schema.Alert):
        return (data.valid_from, data.valid_until)
    return None


def is_slide(item: Item) -> bool:
    """Places make slides when they have something to say on a screen: a summary."""
    if item.kind == "place":
        return bool(item.data.summary)
    return item.kind in SLIDE_KINDS


def plan_site(
    corpus: Corpus, site_slug: str, now: datetime, left_out: dict[str, int] | None = None
) -> list[PlannedSlide]:
    """The slides of a site's bundle, in a stable order; ``left_out`` counts the rest by reason."""
    dropped: dict[str, int] = {} if left_out is None else left_out

    def drop(reason: str) -> None:
        dropped[reason] = dropped.get(reason, 0) + 1

    site_item = corpus.items[site_slug]
    site: schema.Site = site_item.data
    profile = site_profile(site_item)
    sponsors = sponsor_shares(corpus, profile)
    slides = []
    for item in sorted(
        corpus.items.values(),
        key=lambda i: (SLIDE_KINDS.index(i.kind) if i.kind in SLIDE_KINDS else 9, i.slug),
    ):
        if not is_slide(item):
            continue
        if not item.rules.applies_to_site(profile):
            drop("not for this site")
            continue
        window = window_of(item)
        if (window is not None and window[1] <= now) or item.rules.expired_at(now):
            drop("ended")
            continue
        languages = tuple(
            lang
            for lang in site.languages
            if not item.rules.languages or lang in item.rules.languages
        )
        if not languages:
            drop("no language of this site")
            continue
        partner = getattr(item.data, "partner", None)
        slides.append(
            PlannedSlide(
                item=item,
                languages=languages,
                window=window,
                sponsor=partner if partner in sponsors else None,
                interrupt=item.kind == "alert",
            )
        )
    return slides


def sponsor_shares(corpus: Corpus, profile: SiteProfile) -> dict[str, float]:
    """Partners that bought screen time at this site, and their share of each hour."""
    shares = {}
    for item in corpus.of_kind("partner"):
        partner: schema.Partner = item.data
        if partner.screen_share <= 0:
            continue
        if partner.screen_sites and not Rules(
            sites=frozenset(partner.screen_sites)
        ).applies_to_site(profile):
            continue
        shares[item.slug] = partner.screen_share
    return shares


def site_document(item: Item) -> dict[str, Any]:
    """The site profile as written in the manifest."""
    site: schema.Site = item.data
    width, height = (int(x) for x in site.resolution.split("x"))
    return {
        "id": item.slug,
        "name": site.title,
        "geo": {"lat": site.geo.lat, "lon": site.geo.lon},
        "orientation": site.orientation,
        "width": width,
        "height": height,
        "languages": list(site.languages),
        "audiences": list(site.audiences),
        "audience_hours": [
            {
                "audiences": list(block.audiences),
                "weekdays": list(block.weekdays),
                "hours": block.hours,
            }
            for block in site.audience_hours
        ],
        "screen_hours": [
            {"weekdays": list(block.weekdays), "hours": block.hours} for block in site.screen_hours
        ],
        "nfc": site.nfc,
        "tags": sorted(site.tags),
    }


def window_document(window: tuple[datetime, datetime] | None) -> dict[str, str] | None:
    return None if window is None else {"from": iso(window[0]), "until": iso(window[1])}
