"""The scheduler: which slide plays now, in which language, and when to look again.

Pure: the manifest document, the recent plays and ``now`` come in as arguments; nothing here
reads the clock, the disk or the network. The player loop calls ``select_slide`` at every slide
boundary and again at ``Decision.wake_at`` (an alert may start before the slide ends).

How a slide is chosen (local time is Europe/Paris):

1. *Eligible* slides: the place rules admit the site, the time rules admit ``now``, the item
   has not expired, its *moment weight* is not 0 (``rules_moments.moment_weight``: inside its
   window; an event from the settings' horizon before it starts; a place open now or opening
   soon), its audiences meet the audiences of the site at this hour (``audience_hours``, else
   the site's own list), it has a page in one of the site's languages, and it played fewer than
   ``max_per_hour`` times in the last 60 minutes.
2. *Alerts* whose level takes over (``interrupt``: ``critical`` by default) win over
   everything while eligible; several take turns. Alerts whose level has a ``strip`` are listed
   in ``Decision.strip`` on every slide while they run.
3. Otherwise screen time is shared by weighted fair queueing over the current clock hour: every
   partner campaign running today at the site (``site.campaigns``: its local days) with an
   eligible slide gets its booked ``share`` (or ``plays_per_hour`` times its next slide's
   length); a legacy manifest's ``sponsors`` still book a share per partner; every alert
   level with a ``max_share`` (``warning`` by default) gets that share for its eligible
   alerts; the house (every other slide of the highest priority present) gets the rest. The
   group whose time divided by its share is lowest, counting half of its next slide, plays
   next; inside a group, slides get time in proportion to their ``weight`` times their
   moment weight (events soon, offers ending soon count more). Each group stays within about
   half a slide of its share; time taken by takeover alerts is not counted against anyone.
4. Languages rotate: the n-th recent play of a slide uses the n-th site language it has. A turn
   may show a page written in another language (``Decision.text_language``; the build decides,
   from the site's ``untranslated`` setting): the shell labels what the text is in.
5. Nothing eligible: the *default* card (``Decision.slide is None``): the site's name and clock.

The "now" board (kind ``now``, one per site) is chosen like any other house slide, by its
rules and weight; only its page differs: ``pages`` names the data (``directory/<lang>/now.js``)
the shell draws it from at play time (``Slide.drawn_at_play_time``, ``p2f_player.nowboard``).

It deliberately does not render, sleep or journal anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from p2f_player.contract.manifest import ManifestError
from p2f_player.contract.rules import (
    DEFAULT_DURATION_S,
    PARIS,
    RuleError,
    Rules,
    SiteProfile,
    parse_rules,
    to_local,
)
from p2f_player.contract.rules_moments import (
    DEFAULTS,
    LEVELS,
    AudienceBlock,
    OpenTimes,
    ScreenSettings,
    moment_boundaries,
    moment_weight,
    parse_audience_hours,
    parse_open_times,
    parse_settings,
)
from p2f_player.contract.rules_moments import audiences_at as _audiences_at

HOUR = timedelta(hours=1)
HOUSE = ""  # the group of unsponsored slides
NOW_BOARD = "now"  # the kind of the slide drawn at play time (its page is its data)
LEVEL_GROUP = "level:"  # + level name: the group of the alerts of a level with a max_share
CAMPAIGN_GROUP = "campaign:"  # + campaign id: the group of the slides a running campaign covers


@dataclass(frozen=True)
class Slide:
    id: str
    kind: str
    rules: Rules
    pages: Mapping[str, str]
    window: tuple[datetime, datetime] | None
    sponsor: str | None
    interrupt: bool
    level: str | None = None  # alerts: critical | warning | info
    open_times: OpenTimes | None = None  # places: when open (computed by the build)
    text_langs: Mapping[str, str] | None = None  # language turn -> language of its page's text

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=self.rules.duration_s)

    @property
    def drawn_at_play_time(self) -> bool:
        """The page is drawn when the slide plays, from the bundle file ``pages`` names."""
        return self.kind == NOW_BOARD

    def text_language(self, turn: str) -> str:
        """The language the page shown in ``turn`` is written in."""
        return (self.text_langs or {}).get(turn, turn)


@dataclass(frozen=True)
class Booking:
    """A partner campaign as the site's manifest carries it (``p2f_model.campaigns``)."""

    id: str
    partner: str
    slides: frozenset[str]  # empty: every slide whose sponsor is the partner
    starts: date  # local days, inclusive
    ends: date
    share: float | None
    plays_per_hour: float | None

    def runs_on(self, day: date) -> bool:
        return self.starts <= day <= self.ends

    def covers(self, slide: Slide) -> bool:
        if self.slides:
            return slide.id in self.slides
        return slide.sponsor == self.partner

    def booked(self, slide: Slide) -> float:
        """Its share of the hour; plays per hour count at the length of ``slide``."""
        if self.share is not None:
            return self.share
        return (self.plays_per_hour or 0.0) * slide.rules.duration_s / 3600


def _booking(raw: Mapping[str, Any]) -> Booking:
    share, per_hour = raw.get("share"), raw.get("plays_per_hour")
    booking = Booking(
        id=raw["id"],
        partner=raw["partner"],
        slides=frozenset(raw.get("slides") or ()),
        starts=date.fromisoformat(raw["starts"]),
        ends=date.fromisoformat(raw["ends"]),
        share=None if share is None else float(share),
        plays_per_hour=None if per_hour is None else float(per_hour),
    )
    if (booking.share is None) == (booking.plays_per_hour is None):
        raise ValueError(f"campaign {booking.id}: give share or plays_per_hour")
    return booking


@dataclass(frozen=True)
class Plan:
    """A manifest prepared for scheduling: rules parsed once per release."""

    release_id: str
    site: SiteProfile
    languages: tuple[str, ...]
    audiences: frozenset[str]
    audience_hours: tuple[AudienceBlock, ...]
    slides: tuple[Slide, ...]
    sponsors: Mapping[str, float]
    settings: ScreenSettings = DEFAULTS
    campaigns: tuple[Booking, ...] = ()  # sorted by id

    def campaign_of(self, slide: Slide, now: datetime) -> Booking | None:
        """The campaign running at ``now`` (local day) that covers ``slide``: the first by id
        when several do."""
        day = to_local(now).date()
        for booking in self.campaigns:
            if booking.runs_on(day) and booking.covers(slide):
                return booking
        return None

    @classmethod
    def from_manifest(cls, document: Mapping[str, Any]) -> Plan:
        """Raises ``ManifestError`` naming the slide when a rule or window is malformed."""
        site = document["site"]
        geo = site.get("geo") or {}
        try:
            blocks = parse_audience_hours(site.get("audience_hours") or [], "site.audience_hours")
            # a manifest built before screen settings existed plays with the defaults
            settings = parse_settings(site.get("settings"), where="site.settings")
            slides = tuple(_slide(raw) for raw in document["slides"])
            campaigns = tuple(
                sorted((_booking(raw) for raw in site.get("campaigns") or ()), key=lambda b: b.id)
            )
        except (RuleError, KeyError, TypeError, ValueError) as error:
            raise ManifestError(f"manifest slides or site profile: {error}") from None
        return cls(
            release_id=str(document["release"]["id"]),
            site=SiteProfile(
                id=site["id"],
                tags=frozenset(site.get("tags", [])),
                lat=geo.get("lat"),
                lon=geo.get("lon"),
            ),
            languages=tuple(site.get("languages") or ["fr"]),
            audiences=frozenset(site.get("audiences", [])),
            audience_hours=blocks,
            slides=slides,
            sponsors={k: float(v) for k, v in (document.get("sponsors") or {}).items()},
            settings=settings,
            campaigns=campaigns,
        )


def _slide(raw: Mapping[str, Any]) -> Slide:
    window = raw.get("window")
    parsed: tuple[datetime, datetime] | None = None
    if window:
        parsed = (datetime.fromisoformat(window["from"]), datetime.fromisoformat(window["until"]))
        if parsed[0].tzinfo is None or parsed[1].tzinfo is None:
            raise ValueError(f"slide {raw['id']}: window times need a UTC offset")
    try:
        rules = parse_rules(raw.get("rules"))
        open_times = parse_open_times(raw.get("open"))
    except RuleError as error:
        raise RuleError(f"slide {raw['id']}: {error.field}", error.message) from None
    level = raw.get("level")
    if level is not None and level not in LEVELS:
        raise ValueError(f"slide {raw['id']}: level {level!r} is not one of {', '.join(LEVELS)}")
    pages = dict(raw["pages"])
    text_langs = raw.get("text_langs")
    if text_langs is not None and set(text_langs) != set(pages):
        raise ValueError(f"slide {raw['id']}: text_langs must name the languages of pages")
    return Slide(
        id=raw["id"],
        kind=raw.get("kind", "place"),
        rules=rules,
        pages=pages,
        window=parsed,
        sponsor=raw.get("sponsor"),
        interrupt=bool(raw.get("interrupt")),
        level=level,
        open_times=open_times,
        text_langs=dict(text_langs) if text_langs is not None else None,
    )


@dataclass(frozen=True)
class Play:
    """One slide shown: what the scheduler needs to remember (the last hour is enough)."""

    slide_id: str
    sponsor: str | None
    start: datetime
    seconds: float


@dataclass(frozen=True)
class Decision:
    slide: Slide | None  # None: the default card
    language: str
    until: datetime  # the slide ends here (its duration, cut at its own end of validity)
    wake_at: datetime  # look again here (<= until): something may start or stop
    reason: str
    strip: tuple[str, ...] = ()  # ids of the running alerts the strip over the slide lists

    @property
    def slide_id(self) -> str:
        return self.slide.id if self.slide else "default"

    @property
    def text_language(self) -> str:
        """The language the shown text is written in (may differ from the ``language`` turn:
        an untranslated item played in French is labelled ``fr``)."""
        return self.slide.text_language(self.language) if self.slide else self.language


# -- eligibility ---------------------------------------------------------------------------


def audiences_at(plan: Plan, now: datetime) -> frozenset[str]:
    """Audiences of the site at this moment: the matching ``audience_hours``, else its own."""
    return _audiences_at(plan.audience_hours, plan.audiences, now)


def weight_now(plan: Plan, slide: Slide, now: datetime) -> float:
    """The slide's moment weight at ``now`` (0: not now; see ``rules_moments``)."""
    return moment_weight(slide.kind, slide.window, slide.open_times, now, plan.settings.moments)


def languages_of(plan: Plan, slide: Slide) -> list[str]:
    allowed = slide.rules.languages
    return [
        lang for lang in plan.languages if lang in slide.pages and (not allowed or lang in allowed)
    ]


def is_eligible(
    plan: Plan,
    slide: Slide,
    now: datetime,
    recent: Sequence[Play] = (),
    audiences: frozenset[str] | None = None,
) -> bool:
    """Every rule of the slide admits ``now`` at this site (see the module docstring)."""
    rules = slide.rules
    if weight_now(plan, slide, now) <= 0:
        return False
    if not rules.applies_to_site(plan.site) or rules.expired_at(now) or not rules.active_at(now):
        return False
    if rules.audiences:
        current = audiences_at(plan, now) if audiences is None else audiences
        if current and not rules.audiences & current:
            return False
    if not languages_of(plan, slide):
        return False
    if rules.max_per_hour is not None:
        since = now.astimezone(UTC) - HOUR
        played = sum(1 for p in recent if p.slide_id == slide.id and p.start > since)
        if played >= rules.max_per_hour:
            return False
    return True


# -- choosing ------------------------------------------------------------------------------


def hour_start(now: datetime) -> datetime:
    """Start of the local clock hour (Paris offsets are whole hours, so UTC floors agree)."""
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _seconds_in_hour(play: Play, start: datetime, now: datetime) -> float:
    begin = max(play.start, start)
    end = min(play.start.astimezone(UTC) + timedelta(seconds=play.seconds), now)
    return max(0.0, (end - begin).total_seconds())


def select_slide(plan: Plan, recent: Sequence[Play], now: datetime) -> Decision:
    """Choose what plays at ``now`` given the plays of (at least) the last hour."""
    # Arithmetic in UTC: PARIS-aware datetimes add wall-clock time, so at the October change
    # 02:59:55+02:00 + 10 s would land an hour later.
    now = to_local(now).astimezone(UTC)
    audiences = audiences_at(plan, now)
    eligible = [s for s in plan.slides if is_eligible(plan, s, now, recent, audiences)]
    start = hour_start(now)
    this_hour = [
        p for p in recent if p.start.astimezone(UTC) + timedelta(seconds=p.seconds) > start
    ]
    played: dict[str, float] = {}
    for p in this_hour:
        played[p.slide_id] = played.get(p.slide_id, 0.0) + _seconds_in_hour(p, start, now)
    strip = _strip(plan, now, audiences)
    alerts = [s for s in eligible if s.interrupt]
    if alerts:
        chosen, reason = _least_recent(_top_priority(alerts), recent), "alert"
    elif eligible:
        chosen, reason = _by_share(plan, eligible, played, now)
    else:
        return _default(plan, now, recent, len(this_hour), strip)
    langs = languages_of(plan, chosen)
    # each slide cycles through its languages (a global counter would lock two alternating
    # slides to one language each)
    language = langs[sum(1 for p in recent if p.slide_id == chosen.id) % len(langs)]
    until = _slide_end(plan, chosen, now, recent)
    wake = next_change(plan, now, recent)
    return Decision(chosen, language, until, min(until, wake) if wake else until, reason, strip)


def _strip(plan: Plan, now: datetime, audiences: frozenset[str]) -> tuple[str, ...]:
    """The running alerts whose level puts them on the strip: most severe first, then by
    priority (max_per_hour does not hide an alert from the strip)."""
    running = [
        s
        for s in plan.slides
        if s.level is not None
        and plan.settings.level(s.level).strip
        and is_eligible(plan, s, now, (), audiences)
    ]
    running.sort(key=lambda s: (LEVELS.index(s.level or "info"), -s.rules.priority, s.id))
    return tuple(s.id for s in running)


def _top_priority(slides: list[Slide]) -> list[Slide]:
    top = max(s.rules.priority for s in slides)
    return [s for s in slides if s.rules.priority == top]


def _least_recent(slides: list[Slide], recent: Sequence[Play]) -> Slide:
    last = {p.slide_id: p.start for p in recent}
    epoch = datetime.min.replace(tzinfo=UTC)
    return min(slides, key=lambda s: (last.get(s.id, epoch), s.id))


def _group_of(plan: Plan, slide: Slide, now: datetime) -> str:
    booking = plan.campaign_of(slide, now)
    if booking is not None:
        return CAMPAIGN_GROUP + booking.id
    if slide.sponsor in plan.sponsors:
        return slide.sponsor or HOUSE
    if slide.level is not None and plan.settings.level(slide.level).max_share is not None:
        return LEVEL_GROUP + slide.level
    return HOUSE


def _booked(plan: Plan, group: str, slide: Slide) -> float:
    """The share of the hour ``group`` booked (``slide``: its next, for plays per hour)."""
    if group.startswith(LEVEL_GROUP):
        return plan.settings.level(group[len(LEVEL_GROUP) :]).max_share or 0.0
    if group.startswith(CAMPAIGN_GROUP):
        name = group[len(CAMPAIGN_GROUP) :]
        return next(b.booked(slide) for b in plan.campaigns if b.id == name)
    return plan.sponsors.get(group, 0.0)


def _by_share(
    plan: Plan, eligible: list[Slide], played: Mapping[str, float], now: datetime
) -> tuple[Slide, str]:
    groups: dict[str, list[Slide]] = {}
    for slide in eligible:
        groups.setdefault(_group_of(plan, slide, now), []).append(slide)
    if HOUSE in groups:
        groups[HOUSE] = _top_priority(groups[HOUSE])
    group_played = {g: sum(played.get(s.id, 0.0) for s in slides) for g, slides in groups.items()}
    weights = {s.id: s.rules.weight * weight_now(plan, s, now) for s in eligible}
    nexts = {
        g: _next_in_group(members, played, group_played[g], weights)
        for g, members in groups.items()
    }
    taken = sum(_booked(plan, g, nexts[g]) for g in groups if g != HOUSE)
    shares = {
        g: _booked(plan, g, nexts[g]) if g != HOUSE else max(0.0, 1.0 - taken) for g in groups
    }

    def midpoint(g: str) -> float:
        # Weighted fair queueing: every group's time, divided by its share, should advance
        # together. Playing the group whose next slide would be centred earliest keeps each
        # group within half a slide of its share (a "finish time" rule would always overshoot).
        if shares[g] <= 0:
            return float("inf")
        return (group_played[g] + nexts[g].rules.duration_s / 2) / shares[g]

    group = min(groups, key=lambda g: (midpoint(g), -shares[g], g))
    slide = nexts[group]
    if group.startswith(LEVEL_GROUP):
        return slide, f"alert {group[len(LEVEL_GROUP) :]}"
    if group.startswith(CAMPAIGN_GROUP):
        return slide, f"campaign {group[len(CAMPAIGN_GROUP) :]}"
    return slide, f"sponsor {group}" if group else "house"


def _next_in_group(
    members: list[Slide], played: Mapping[str, float], total: float, weights: Mapping[str, float]
) -> Slide:
    """Inside a group, the slide furthest behind its weight's part of the group's time."""
    whole = sum(weights[s.id] for s in members)
    return min(
        members,
        key=lambda s: (
            -(weights[s.id] / whole * total - played.get(s.id, 0.0)),
            -weights[s.id],
            s.id,
        ),
    )


def _default(
    plan: Plan, now: datetime, recent: Sequence[Play], count: int, strip: tuple[str, ...]
) -> Decision:
    until = now + timedelta(seconds=DEFAULT_DURATION_S)
    wake = next_change(plan, now, recent)
    return Decision(
        None,
        plan.languages[count % len(plan.languages)],
        until,
        min(until, wake) if wake else until,
        "nothing eligible: default card",
        strip,
    )


def _slide_end(plan: Plan, slide: Slide, now: datetime, recent: Sequence[Play]) -> datetime:
    """``now + duration``, cut where the slide stops being eligible (an alert ends, an offer
    expires, its hours close), so nothing is shown past its end."""
    end = now + slide.duration
    for moment in sorted(m for m in _boundaries_of(plan, slide, now) if now < m < end):
        if not is_eligible(plan, slide, moment, ()):
            return moment
    return end


# -- when to look again --------------------------------------------------------------------


def _local_moments(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=PARIS)


@lru_cache(maxsize=8192)
def _day_moments(rules: Rules, day: date) -> tuple[datetime, ...]:
    """Where the time rules of ``rules`` may change on ``day`` (memoised: a pure function of
    hashable inputs, and a kiosk asks the same question every few seconds)."""
    moments = [_local_moments(day, time(0, 0))]  # dates and weekdays turn at local midnight
    for window in rules.hours:
        moments += [_local_moments(day, window.start), _local_moments(day, window.end)]
    return tuple(m.astimezone(UTC) for m in moments)


def _window_moments(rules: Rules, now: datetime) -> Iterable[datetime]:
    today = to_local(now).date()
    for offset in (-1, 0, 1):
        yield from _day_moments(rules, today + timedelta(days=offset))


def _boundaries_of(
    plan: Plan, slide: Slide, now: datetime, audiences: bool = True
) -> Iterable[datetime]:
    yield from moment_boundaries(
        slide.kind, slide.window, slide.open_times, plan.settings.moments, now
    )
    yield from _window_moments(slide.rules, now)
    if audiences:
        for block in plan.audience_hours:
            yield from _window_moments(block.rules, now)


def next_change(plan: Plan, now: datetime, recent: Sequence[Play] = ()) -> datetime | None:
    """The first moment after ``now`` at which the set of eligible slides may change."""
    now = now.astimezone(UTC)
    candidates: list[datetime] = [hour_start(now) + HOUR]
    for block in plan.audience_hours:  # once for all slides
        candidates.extend(_window_moments(block.rules, now))
    for slide in plan.slides:
        candidates.extend(_boundaries_of(plan, slide, now, audiences=False))
    # a slide held back by max_per_hour comes back when its oldest play leaves the hour
    candidates.extend(p.start.astimezone(UTC) + HOUR for p in recent)
    future = [m for m in candidates if m > now]
    return min(future) if future else None


def group_of(plan: Plan, slide: Slide, now: datetime) -> str:
    """The share group ``slide`` plays in at ``now``: a running campaign, a legacy sponsor, an
    alert level with a capped share, or the house (``""``). Public so that estimates outside
    the player (the stale list, the review page) share the hour exactly as the loop does."""
    return _group_of(plan, slide, now)


def booked_share(plan: Plan, group: str, slide: Slide) -> float:
    """The share of the hour ``group`` booked (``slide``: its next one, for plays per hour)."""
    return _booked(plan, group, slide)
