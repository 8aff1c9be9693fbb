"""Partner campaigns: content/campagnes/<slug>.md, what a partner bought and what it covers.

A campaign is a purchase of screen time: the partner, the slides it covers (slide ids, i.e.
item slugs; none listed: every slide the partner sponsors), the sites (ids or ``tag:...``),
the period (whole local days, Europe/Paris), the booked share of screen time *or* a number of
plays per hour, the price and who to send the proof of play to.

``validate_campaigns`` checks each file and the campaigns together (unknown partner, slide or
site, a period that ends before it starts, campaigns that would book more than 100 % of a
screen on some day) and appends every problem, ``file:line: field: what to do``. Pure: texts
in, campaigns and problems out. The reports (``p2f_office``) read the result; the scheduler
does not yet (it still delivers the partner's ``screen_share``; docs/office.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, Field, ValidationError, model_validator

from p2f_model import frontmatter
from p2f_model.problems import Problem
from p2f_model.schema import Provenance, SiteTarget, Strict, Text, Word, _check_email
from p2f_player.contract.rules import Rules, SiteProfile
from p2f_player.contract.rules_eval import DEFAULT_DURATION_S

if TYPE_CHECKING:
    from p2f_model.corpus import Item

FOLDER = "campagnes"
MAX_TOTAL_SHARE = 1.0


class Contact(Strict):
    name: Text
    email: Annotated[str, AfterValidator(_check_email)]


class CampaignModel(Strict):
    title: Annotated[str, Field(min_length=1, max_length=140)]
    partner: Word
    slides: tuple[Word, ...] = ()
    sites: Annotated[list[SiteTarget], Field(min_length=1)]
    starts: date
    ends: date
    share: Annotated[float, Field(gt=0, le=1)] | None = None
    plays_per_hour: Annotated[float, Field(gt=0, le=360)] | None = None
    price_eur: Annotated[float, Field(ge=0)]
    contact: Contact
    provenance: Provenance

    @model_validator(mode="after")
    def _one_booking(self) -> CampaignModel:
        if (self.share is None) == (self.plays_per_hour is None):
            raise ValueError("give either share (e.g. 0.05 for 5 %) or plays_per_hour, not both")
        return self


@dataclass(frozen=True)
class Campaign:
    """A checked campaign, its sites resolved to site ids."""

    slug: str
    path: str
    title: str
    partner: str
    slides: tuple[str, ...]  # empty: every slide whose sponsor is the partner
    sites: tuple[str, ...]  # site ids
    starts: date
    ends: date  # inclusive
    share: float | None
    plays_per_hour: float | None
    price_eur: float
    contact_name: str
    contact_email: str

    def booked_share(self, duration_s: float = DEFAULT_DURATION_S) -> float:
        """The share of screen time booked (plays per hour turned into time at ``duration_s``)."""
        if self.share is not None:
            return self.share
        return (self.plays_per_hour or 0.0) * duration_s / 3600

    def covers(self, day: date) -> bool:
        return self.starts <= day <= self.ends


def is_campaign_path(path: str) -> bool:
    """True for a file of the campaigns folder (``content/campagnes/...``)."""
    parts = path.split("/")
    return len(parts) >= 2 and parts[-2] == FOLDER


def validate_campaigns(
    sources: Iterable[tuple[str, str | None]],
    items: Mapping[str, Item],
    problems: list[Problem],
) -> dict[str, Campaign]:
    """The campaigns of ``sources`` (path, text) checked against ``items``; each problem is
    appended to ``problems``. A campaign with a problem is left out (reports never run on it)."""
    sites = {
        slug: SiteProfile(slug, frozenset(item.data.tags), item.data.geo.lat, item.data.geo.lon)
        for slug, item in items.items()
        if item.kind == "site"
    }
    found: dict[str, Campaign] = {}
    lines: dict[str, dict[str, int]] = {}
    for path, text in sorted(sources, key=lambda s: s[0]):
        if text is None:
            continue  # refused before reading: its problem is reported already
        slug = path.rsplit("/", 1)[-1].removesuffix(".md")
        if "." in slug:
            problems.append(
                Problem(path, 1, "file", "campaigns are not translated: remove this file")
            )
            continue
        campaign = _read(path, slug, text, items, sites, problems, lines)
        if campaign is not None:
            found[slug] = campaign
    _check_overlaps(found, lines, problems)
    return found


def _read(
    path: str,
    slug: str,
    text: str,
    items: Mapping[str, Item],
    sites: Mapping[str, SiteProfile],
    problems: list[Problem],
    lines: dict[str, dict[str, int]],
) -> Campaign | None:
    try:
        parsed = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        problems.append(Problem(path, error.line, error.field, error.message))
        return None
    lines[slug] = parsed.lines
    before = len(problems)

    def at(name: str, message: str) -> None:
        line = frontmatter.line_of(parsed.lines, name.split(".")[0].split("[")[0])
        problems.append(Problem(path, line, name, message))

    try:
        data = CampaignModel.model_validate(parsed.fields)
    except ValidationError as error:
        for detail in error.errors():
            # the one check on the whole model is the booking: share or plays_per_hour
            name = ".".join(str(part) for part in detail["loc"]) or "share"
            at(name, str(detail["msg"]).removeprefix("Value error, "))
        return None
    if data.ends < data.starts:
        at("ends", f"{data.ends} is before starts ({data.starts}); swap them or fix the year")
    partner = items.get(data.partner)
    if partner is None or partner.kind != "partner":
        at("partner", f'"{data.partner}" is not a partner of content/partenaires/')
    for index, slide in enumerate(data.slides):
        item = items.get(slide)
        if item is None:
            at(f"slides[{index}]", f'"{slide}" is not an item (a slide id is the file name)')
        elif getattr(item.data, "partner", data.partner) != data.partner:
            at(
                f"slides[{index}]",
                f'"{slide}" is an offer of {item.data.partner}, not of {data.partner}',
            )
    covered = _resolve_sites(data.sites, sites, at)
    if len(problems) > before:
        return None
    return Campaign(
        slug=slug,
        path=path,
        title=data.title,
        partner=data.partner,
        slides=tuple(data.slides),
        sites=covered,
        starts=data.starts,
        ends=data.ends,
        share=data.share,
        plays_per_hour=data.plays_per_hour,
        price_eur=data.price_eur,
        contact_name=data.contact.name,
        contact_email=data.contact.email,
    )


def _resolve_sites(
    targets: list[str], sites: Mapping[str, SiteProfile], at: Any
) -> tuple[str, ...]:
    for index, target in enumerate(targets):
        if target.startswith("tag:"):
            tag = target.removeprefix("tag:")
            if not any(tag in profile.tags for profile in sites.values()):
                at(f"sites[{index}]", f'no site carries the tag "{tag}"')
        elif target not in sites:
            at(f"sites[{index}]", f'"{target}" is not a site of content/sites/')
    rules = Rules(sites=frozenset(targets))
    return tuple(sorted(slug for slug, profile in sites.items() if rules.applies_to_site(profile)))


def _check_overlaps(
    campaigns: Mapping[str, Campaign],
    lines: Mapping[str, Mapping[str, int]],
    problems: list[Problem],
) -> None:
    """No site may be booked over 100 % on any day: the sum is checked where it can change
    (each campaign's first day), once per site and campaign group."""
    reported: set[tuple[str, frozenset[str]]] = set()
    for campaign in sorted(campaigns.values(), key=lambda c: (c.starts, c.slug)):
        day = campaign.starts
        for site in campaign.sites:
            running = [c for c in campaigns.values() if site in c.sites and c.covers(day)]
            total = sum(c.booked_share() for c in running)
            group = frozenset(c.slug for c in running)
            if total > MAX_TOTAL_SHARE + 1e-9 and (site, group) not in reported:
                reported.add((site, group))
                names = ", ".join(sorted(group))
                line = frontmatter.line_of(lines.get(campaign.slug, {}), "share")
                problems.append(
                    Problem(
                        campaign.path,
                        line,
                        "share",
                        f"{site} would be booked {total:.0%} of its screen time on {day} "
                        f"({names}); lower a share or move a period",
                    )
                )


def days(campaign: Campaign) -> list[date]:
    """Every day of the campaign's period."""
    count = (campaign.ends - campaign.starts).days + 1
    return [campaign.starts + timedelta(days=n) for n in range(max(count, 0))]
