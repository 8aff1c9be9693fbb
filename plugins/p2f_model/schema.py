"""The fields of each kind of item, their types and their single-field constraints.

Pydantic models with ``extra="forbid"`` so that a typo is an error, not a silently ignored
field. Checks that need two fields (end after start) or other files (references) live in
``checks.py``; this module only says what one field may hold.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

import opening_hours
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from p2f_model import territory
from p2f_model import vocabulary as v
from p2f_model.images import SVG_MESSAGE
from p2f_player.contract.rules import PARIS


def _local_datetime(value: Any) -> Any:
    """``2026-07-14T21:30`` is Europe/Paris local time; an explicit offset is kept."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f'"{value}" is not a date-time (expected YYYY-MM-DDTHH:MM, e.g. 2026-07-14T21:30)'
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=PARIS)
    raise ValueError(f"{value!r} is not a date-time (expected YYYY-MM-DDTHH:MM)")


def _check_opening_hours(value: str) -> str:
    try:
        opening_hours.OpeningHours(value)
    except Exception:  # the library raises its own ParserError with a multi-line report
        raise ValueError(
            f'"{value}" is not OpenStreetMap syntax (e.g. "Mo-Fr 08:00-19:00; Sa 09:00-12:00")'
        ) from None
    return value


def _check_season(value: str) -> str:
    month = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    span = rf"{month}(-{month})?"
    if not re.fullmatch(rf"{span}(,{span})*", value):
        raise ValueError(
            f'"{value}" is not a season: months in OpenStreetMap form, e.g. "Jun-Sep" '
            'or "Apr-Jun,Sep-Oct"'
        )
    return _check_opening_hours(value)


def _check_severity(value: Any) -> Any:
    if isinstance(value, str) and value in v.RENAMED_SEVERITIES:
        raise ValueError(
            f'"{value}" is now "{v.RENAMED_SEVERITIES[value]}" '
            f"(alert levels: {', '.join(v.SEVERITIES)}; see docs/content-model.md)"
        )
    return value


def _check_https(value: str) -> str:
    if not re.fullmatch(r"https://[^\s/$.?#][^\s]*", value):
        raise ValueError(f'"{value}" is not a web address starting with https://')
    return value


def _check_email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value):
        raise ValueError(f'"{value}" is not an e-mail address')
    return value


def _check_phone(value: str) -> str:
    if not re.fullmatch(r"\+\d[\d ]{7,18}\d", value):
        raise ValueError(
            f'"{value}" is not a phone number in international form (e.g. "+33 4 67 00 12 34")'
        )
    return value


# images/<folder>/<file>.<raster>: no "..", no hidden or empty part, no SVG (p2f_model.images)
_IMAGE_SRC = re.compile(
    r"images/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.(jpg|jpeg|png|webp|avif)"
)


def _check_image_src(value: str) -> str:
    if value.lower().endswith(".svg"):
        raise ValueError(f'"{value}": {SVG_MESSAGE}')
    if not _IMAGE_SRC.fullmatch(value):
        raise ValueError(
            f'"{value}" is not an image of content/images/ '
            "(expected images/<file>.jpg, .jpeg, .png, .webp or .avif)"
        )
    return value


def _inside_territory(value: float, info: ValidationInfo) -> float:
    """The territory comes from the validation context (``p2f_model.territory``): the check,
    the build and the importers pass the one in force, ``DEFAULT`` otherwise."""
    axis = str(info.field_name)
    low, high = territory.of_context(info.context).span(axis)
    if not low <= value <= high:
        raise ValueError(
            f"{value} is outside the territory ({axis} {low}..{high}); "
            "check for swapped lat/lon or a typo (a trial run on another region: "
            f"set {territory.ENV}, see docs/importing.md)"
        )
    return value


LocalDateTime = Annotated[datetime, BeforeValidator(_local_datetime)]
Https = Annotated[str, AfterValidator(_check_https)]
Text = Annotated[str, Field(min_length=1)]
Word = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
SiteTarget = Annotated[str, Field(pattern=r"^(tag:)?[a-z0-9][a-z0-9-]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Geo(Strict):
    lat: Annotated[float, AfterValidator(_inside_territory)]
    lon: Annotated[float, AfterValidator(_inside_territory)]


class Image(Strict):
    src: Annotated[str, AfterValidator(_check_image_src)]
    alt: str
    decorative: bool = False
    credit: Annotated[str, Field(max_length=200)] | None = None  # author, licence: who may reuse it


class Provenance(Strict):
    source: Annotated[str, Field(min_length=3)]
    verified_by: Text
    verified_on: date


class Imported(Strict):
    """What ``invoke import`` keeps in an item it wrote (``p2f_import``): the record it came
    from and a short hash of each field as last imported, so that a later import updates only
    what upstream changed and never what a reporter edited. Reporters leave it alone."""

    source: Word  # datatourisme, apidae, ical
    id: Text  # the record's identifier upstream (a URI, an Apidae id, an iCalendar UID)
    licence: str | None = None
    url: str | None = None
    retrieved_at: str  # ISO 8601: when the values written here were read upstream
    updated_upstream: str | None = None  # the record's own last update, as upstream says it
    hashes: dict[str, str] = {}
    flags: list[str] = []  # what the reviewer must look at (text kept where no field fits)
    # pictures upstream, referenced not copied: {url, credits, title}; a reviewer downloads
    # the ones worth showing into content/images/ and adds them to images:
    media: list[dict[str, str]] = []


class Common(Strict):
    # draft: checked by `invoke check` but built into neither the website nor a kiosk bundle
    # until a reviewer switches it to published (imports always arrive as drafts)
    status: Literal["draft", "published"] = "published"
    imported: Imported | None = None
    title: Annotated[str, Field(min_length=1, max_length=140)]
    summary: Annotated[str, Field(max_length=240)] | None = None
    images: list[Image] = []
    tags: list[Word] = []
    rules: dict[str, Any] | None = None  # parsed by p2f_player.contract.rules
    provenance: Provenance


class Booking(Strict):
    """How to book a place (lodgings above all): its page shows it first; with ``tonight``
    it is listed on the website's "Tonight" page as reachable late."""

    url: Https | None = None  # the place's own booking page
    phone: Annotated[str, AfterValidator(_check_phone)] | None = None  # reservations line
    platform: Word | None = None  # a partner platform that sells it (partenaires/<slug>.md)
    platform_url: Https | None = None  # the place's page on that platform
    # still reachable tonight: 24 h reception, late or self check-in
    tonight: bool = False

    @model_validator(mode="after")
    def _some_way(self) -> Booking:
        if not (self.url or self.phone or self.platform_url):
            raise ValueError("booking: give at least one of url, phone or platform_url")
        if self.platform_url and not self.platform:
            raise ValueError("booking: platform_url needs platform (the partner's slug)")
        return self


class Place(Common):
    category: Literal[v.CATEGORIES]  # type: ignore[valid-type]
    subcategory: Word
    geo: Geo
    address: Text
    phone: Annotated[str, AfterValidator(_check_phone)] | None = None
    email: Annotated[str, AfterValidator(_check_email)] | None = None
    website: Https | None = None
    opening_hours: Annotated[str, AfterValidator(_check_opening_hours)] | None = None
    # months when the place is worth proposing on screens (a beach: "Jun-Sep"); with
    # opening_hours, both must hold
    season: Annotated[str, AfterValidator(_check_season)] | None = None
    price_range: Literal[v.PRICE_RANGES] | None = None  # type: ignore[valid-type]
    accessibility: list[Literal[v.ACCESSIBILITY]] = []  # type: ignore[valid-type]
    languages_spoken: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = []
    booking: Booking | None = None  # how to book it now: the main action of its page


class Event(Common):
    starts: LocalDateTime
    ends: LocalDateTime
    place: Word
    price: Annotated[float, Field(ge=0)] | None = None
    booking_url: Https | None = None
    organizer: Annotated[str, Field(min_length=1, max_length=140)] | None = None  # who runs it


class Offer(Common):
    partner: Word
    valid_from: LocalDateTime
    valid_until: LocalDateTime
    price: Annotated[float, Field(ge=0)] | None = None
    original_price: Annotated[float, Field(gt=0)] | None = None
    discount_percent: Annotated[float, Field(gt=0, le=100)] | None = None
    code: Annotated[str, Field(max_length=40)] | None = None
    booking_url: Https
    place: Word | None = None


class Page(Common):
    order: int = 100


class Alert(Common):
    # critical | warning | info: what each level does is in content/reglages/ecrans.md
    severity: Annotated[Literal[v.SEVERITIES], BeforeValidator(_check_severity)]  # type: ignore[valid-type]
    valid_from: LocalDateTime
    valid_until: LocalDateTime


def _retired_screen_time(value: Any) -> None:
    raise ValueError(
        "a partner no longer books screen time itself: remove this line and write a campaign "
        "in content/campagnes/<partner>-<period>.md (partner, sites, starts, ends, share or "
        "plays_per_hour, price_eur, contact; docs/office.md)"
    )


class Partner(Common):
    kind: Literal[v.PARTNER_KINDS]  # type: ignore[valid-type]
    website: Https | None = None
    # retired (issue 11): screen time is bought by campaigns (p2f_model.campaigns); the names
    # stay known so that an old file gets a message saying what to write instead
    screen_share: Annotated[None, BeforeValidator(_retired_screen_time)] = None
    screen_sites: Annotated[None, BeforeValidator(_retired_screen_time)] = None


class AudienceHours(Strict):
    audiences: list[Literal[v.AUDIENCES]]  # type: ignore[valid-type]
    weekdays: list[Literal["mo", "tu", "we", "th", "fr", "sa", "su"]] = []
    hours: list[dict[str, Any]] = []


class ScreenHours(Strict):
    weekdays: list[Literal["mo", "tu", "we", "th", "fr", "sa", "su"]] = []
    hours: list[dict[str, Any]] = []


class Site(Common):
    geo: Geo
    address: Text
    orientation: Literal[v.ORIENTATIONS]  # type: ignore[valid-type]
    resolution: Annotated[str, Field(pattern=r"^[1-9][0-9]{2,4}x[1-9][0-9]{2,4}$")]
    languages: Annotated[list[Literal[v.SITE_LANGUAGES]], Field(min_length=1)]  # type: ignore[valid-type]
    audiences: Annotated[list[Literal[v.AUDIENCES]], Field(min_length=1)]  # type: ignore[valid-type]
    audience_hours: list[AudienceHours] = []
    screen_hours: list[ScreenHours] = []  # when the screen is on; empty: always
    nfc: bool
    # this screen's own settings over content/reglages/ecrans.md (alert_levels, moments,
    # untranslated); checked by p2f_model.settings with the rules contract
    kiosk: dict[str, Any] | None = None


class NowBoard(Strict):
    """The "now" board slide of every screen (``p2f_kiosk.plan.now_board_slide``): its share
    of the house's time, as an ordinary slide's ``weight`` (0: no board)."""

    weight: Annotated[float, Field(ge=0, le=100)] = 1.0


class Settings(Strict):
    """content/reglages/ecrans.md: what every screen does unless its site says otherwise.

    ``alert_levels``, ``moments`` and ``untranslated`` are read by the rules contract
    (``p2f_player.contract.rules_moments.parse_settings``), the one definition the player
    uses too. ``audience_hours`` are the shared default segments of every site without its
    own; ``audiences`` are who the website ranks for when no block matches.
    """

    title: Text
    provenance: Provenance
    alert_levels: dict[str, Any] | None = None
    moments: dict[str, Any] | None = None
    untranslated: str | None = None
    audiences: list[Literal[v.AUDIENCES]] = []  # type: ignore[valid-type]
    audience_hours: list[AudienceHours] = []
    now_board: NowBoard | None = None


class Translation(Strict):
    """What a translation file may hold: the translated words only."""

    title: Annotated[str, Field(min_length=1, max_length=140)]
    summary: Annotated[str, Field(max_length=240)] | None = None
    alt: list[str] = []
    machine_translated: bool = False


MODELS: dict[str, type[Common]] = {
    "place": Place,
    "event": Event,
    "offer": Offer,
    "page": Page,
    "alert": Alert,
    "partner": Partner,
    "site": Site,
}
