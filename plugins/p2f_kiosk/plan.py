"""What goes into a site's bundle: pure selection, no files.

An item is left out of a site's bundle when its rules can never admit that site, when it has
already ended at build time, or (a place) when it is closed or out of season for the whole
life of the bundle, or when its verification is past its kind's hard limit and the
editorial setting ``hide_past_hard_limit`` is on (``p2f_editorial.settings``: a place last
checked two years ago must not send visitors to a closed door). Linear in the number of items
per site.

The build also settles what the player must not have to compute: each place slide carries its
open intervals for the bundle's life (``open``, from OSM ``opening_hours`` and ``season`` with
French public holidays, by the website's own ``p2f_site.hours``), each language turn the
language its text is really in (``text_langs``: an untranslated item plays in French labelled
``fr``, or sits that turn out, as the site's ``untranslated`` setting says), and each alert its
level (``level``) and whether that level takes the screen (``interrupt``).

One slide is no item: the "now" board (``now_board_slide``, kind ``now``), drawn by the player
at play time from the bundle's ``directory/<lang>/now.js`` (its ``pages``), with ordinary rules
and the weight of the settings' ``now_board``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from p2f_editorial.settings import EditorialSettings
from p2f_editorial.stale import freshness

from p2f_kiosk.screen_words import screen_words
from p2f_model import schema
from p2f_model import vocabulary as v
from p2f_model.campaigns import Campaign
from p2f_model.corpus import Corpus, Item, site_profile
from p2f_model.drafts import is_draft
from p2f_model.settings import ContentSettings, site_audience_hours, site_settings
from p2f_player.contract.manifest import iso
from p2f_player.contract.rules import Rules, SiteProfile, to_local
from p2f_player.contract.rules_moments import ScreenSettings, settings_to_json
from p2f_site.hours import open_intervals

SLIDE_KINDS = ("alert", "offer", "event", "place")
NOW_KIND = "now"  # the board the player draws at play time (p2f_player.nowboard)
Intervals = Callable[[str | None, str | None, datetime, datetime], list[tuple[datetime, datetime]]]
OPEN_HORIZON = timedelta(days=14)  # as long as a bundle is trusted (bundle.MANIFEST_LIFETIME)


@dataclass(frozen=True)
class PlannedSlide:
    item: Item
    languages: tuple[str, ...]  # the site's language turns the slide plays in
    window: tuple[datetime, datetime] | None
    sponsor: str | None
    interrupt: bool
    text_langs: Mapping[str, str] | None = None  # turn -> language of the text (default: same)
    level: str | None = None  # alerts only
    open_times: tuple[datetime, list[tuple[datetime, datetime]]] | None = None  # (until, spans)

    def text_language(self, turn: str) -> str:
        return (self.text_langs or {}).get(turn, turn)


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
    corpus: Corpus,
    site_slug: str,
    now: datetime,
    left_out: dict[str, int] | None = None,
    editorial: EditorialSettings | None = None,
    intervals: Intervals = open_intervals,
) -> list[PlannedSlide]:
    """The slides of a site's bundle, in a stable order; ``left_out`` counts the rest by reason.

    With ``editorial.hide_past_hard_limit``, an item verified longer ago than its kind's hard
    limit is left out, under a reason naming it (the reviewer sees which ones in the report).
    ``intervals``: ``p2f_site.hours.open_intervals``, or the same remembered once per build
    (a place is planned for each site that shows it; its open intervals are the same).
    """
    hide_unverified = editorial is not None and editorial.hide_past_hard_limit
    today = to_local(now).date()
    dropped: dict[str, int] = {} if left_out is None else left_out

    def drop(reason: str) -> None:
        dropped[reason] = dropped.get(reason, 0) + 1

    site_item = corpus.items[site_slug]
    site: schema.Site = site_item.data
    profile = site_profile(site_item)
    settings = site_settings(corpus.settings, site_item)
    slides = []
    for item in sorted(
        corpus.items.values(),
        key=lambda i: (SLIDE_KINDS.index(i.kind) if i.kind in SLIDE_KINDS else 9, i.slug),
    ):
        if not is_slide(item) or is_draft(item):  # a draft shows on no screen
            continue
        if not item.rules.applies_to_site(profile):
            drop("not for this site")
            continue
        window = window_of(item)
        if (window is not None and window[1] <= now) or item.rules.expired_at(now):
            drop("ended")
            continue
        if hide_unverified and editorial is not None and freshness(item, editorial, today)[2]:
            drop(f"verification past the hard limit: {item.path}")
            continue
        text_langs = language_turns(item, site.languages, settings)
        if not text_langs:
            drop("no language of this site")
            continue
        open_times = None
        if isinstance(item.data, schema.Place) and (item.data.opening_hours or item.data.season):
            # from the build day's local midnight: builds of one day give the same intervals,
            # so the slide parts of an unchanged place stay the same objects in storage
            start = to_local(now).replace(hour=0, minute=0, second=0, microsecond=0)
            until = start + OPEN_HORIZON + timedelta(days=1)
            spans = intervals(item.data.opening_hours, item.data.season, start, until)
            if not spans:
                drop("closed or out of season while this bundle lasts")
                continue
            open_times = (until, spans)
        level = item.data.severity if isinstance(item.data, schema.Alert) else None
        partner = getattr(item.data, "partner", None)
        slides.append(
            PlannedSlide(
                item=item,
                languages=tuple(text_langs),
                window=window,
                # every partner's slide names it: the scheduler delivers the campaigns that
                # cover it (site.campaigns), the reports count its plays
                sponsor=partner,
                interrupt=level is not None and settings.level(level).takeover,
                text_langs=text_langs,
                level=level,
                open_times=open_times,
            )
        )
    return slides


def language_turns(
    item: Item, site_languages: list[str], settings: ScreenSettings
) -> dict[str, str]:
    """Each of the site's language turns the item plays in, with the language of the text it
    shows then: its own translation, else French (``untranslated: french``) or nothing
    (``untranslated: skip``). A slide is never labelled with a language it is not written in."""
    turns = {}
    for lang in site_languages:
        if item.rules.languages and lang not in item.rules.languages:
            continue
        if lang in item.texts:
            turns[lang] = lang
        elif settings.untranslated == "french":
            turns[lang] = v.DEFAULT_LANGUAGE
    return turns


def sponsor_shares(corpus: Corpus, profile: SiteProfile) -> dict[str, float]:
    """The manifest's legacy ``sponsors`` map: always empty now. Partners buy screen time
    with campaigns (content/campagnes/), which the manifest carries in ``site.campaigns``
    (``campaign_documents``); a player still honours ``sponsors`` of an older release."""
    return {}


def campaign_documents(
    campaigns: Iterable[Campaign], site: str, now: datetime
) -> list[dict[str, Any]]:
    """The campaigns ``site`` runs that have not ended by ``now``'s local day, as the manifest
    carries them (period, slides, booking; no price or contact: the screen needs none)."""
    today = to_local(now).date()
    out = []
    for campaign in sorted(campaigns, key=lambda c: c.slug):
        if site not in campaign.sites or campaign.ends < today:
            continue
        booking: dict[str, Any] = (
            {"share": campaign.share}
            if campaign.share is not None
            else {"plays_per_hour": campaign.plays_per_hour}
        )
        out.append(
            {
                "id": campaign.slug,
                "partner": campaign.partner,
                "slides": list(campaign.slides),
                "starts": campaign.starts.isoformat(),
                "ends": campaign.ends.isoformat(),
                **booking,
            }
        )
    return out


def site_document(
    item: Item,
    settings: ContentSettings | None = None,
    campaigns: Iterable[Campaign] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """The site profile as written in the manifest, with its resolved screen settings and
    audience segments (its own, else the shared ones of content/reglages/ecrans.md), and the
    partner campaigns it runs from ``now`` on (``campaign_documents``)."""
    site: schema.Site = item.data
    shared = settings or ContentSettings()
    width, height = (int(x) for x in site.resolution.split("x"))
    out: dict[str, Any] = {
        "id": item.slug,
        "name": site.title,
        "geo": {"lat": site.geo.lat, "lon": site.geo.lon},
        "orientation": site.orientation,
        "width": width,
        "height": height,
        "languages": list(site.languages),
        "audiences": list(site.audiences),
        "audience_hours": site_audience_hours(shared, item),
        "settings": settings_to_json(site_settings(shared, item)),
        "screen_hours": [
            {"weekdays": list(block.weekdays), "hours": block.hours} for block in site.screen_hours
        ],
        "nfc": site.nfc,
        "tags": sorted(site.tags),
    }
    running = campaign_documents(campaigns, item.slug, now) if now is not None else []
    if running:
        out["campaigns"] = running
    return out


def window_document(window: tuple[datetime, datetime] | None) -> dict[str, str] | None:
    return None if window is None else {"from": iso(window[0]), "until": iso(window[1])}


def slide_document(
    planned: PlannedSlide,
    pages: Mapping[str, str],
    titles: Mapping[str, str],
    links: Mapping[str, str],
    opened: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A slide as written in the manifest; ``pages``, ``titles`` and ``links`` by turn
    (``opened``: ``open_document(planned.open_times)`` when already made)."""
    item = planned.item
    out: dict[str, Any] = {
        "id": item.slug,
        "kind": item.kind,
        "titles": dict(titles),
        "pages": dict(pages),
        "text_langs": {turn: planned.text_language(turn) for turn in pages},
        "rules": item.rules.to_json(),
        "window": window_document(planned.window),
        "sponsor": planned.sponsor,
        "interrupt": planned.interrupt,
        "deep_links": dict(links),
    }
    if planned.level is not None:
        out["level"] = planned.level
    if planned.open_times is not None:
        out["open"] = opened if opened is not None else open_document(planned.open_times)
    return out


def open_document(open_times: tuple[datetime, list[tuple[datetime, datetime]]]) -> dict[str, Any]:
    """A place slide's open intervals as written in the manifest."""
    until, spans = open_times
    return {"until": iso(until), "intervals": [[iso(a), iso(b)] for a, b in spans]}


def now_board_slide(site: Mapping[str, Any], settings: ContentSettings) -> dict[str, Any] | None:
    """The "now" board of ``site`` (its manifest profile) as written in the manifest, or
    ``None`` when the settings give it no weight. Its page in each language is the bundle's
    ``directory/<lang>/now.js``: the data the player draws the board from at play time.
    No deep link: it is about no one item."""
    if settings.now_board_weight <= 0:
        return None
    languages = list(site["languages"])
    return {
        "id": f"{NOW_KIND}-{site['id']}",
        "kind": NOW_KIND,
        "titles": {lang: screen_words(lang)["now_title"] for lang in languages},
        "pages": {lang: f"directory/{lang}/now.js" for lang in languages},
        "text_langs": {lang: lang for lang in languages},
        "rules": Rules(weight=settings.now_board_weight).to_json(),
        "window": None,
        "sponsor": None,
        "interrupt": False,
        "deep_links": {},
    }
