"""The screens' settings: content/reglages/ecrans.md, and each site's ``kiosk`` overrides.

One file says what every screen does unless its site says otherwise: what each alert level
does (``alert_levels``), the moment rules' horizons and weights (``moments``), what plays in a
language's turn when an item has no translation (``untranslated``), and the shared audience
segments (``audience_hours``, with ``audiences`` for the website when no block matches).

The values are read by the rules contract (``rules_moments.parse_settings``), so the content
check, the kiosk build and the player agree on one meaning. Pure: texts in, settings and
problems out. Without the file, the contract's ``DEFAULTS`` apply (a small fixture content).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from p2f_model import frontmatter, schema
from p2f_model import vocabulary as v
from p2f_model.problems import Problem
from p2f_player.contract.rules_moments import (
    DEFAULTS,
    LEVELS,
    ScreenSettings,
    parse_audience_hours,
    parse_settings,
)
from p2f_player.contract.rules_parse import RuleError

if TYPE_CHECKING:
    from p2f_model.corpus import Item


AUDIENCES_PATH = "data/audiences.json"  # on the website, read by theme/static/js/site.js


@dataclass(frozen=True)
class ContentSettings:
    """The settings file, validated (``DEFAULTS`` and no segments when there is none)."""

    path: str | None = None
    screen: ScreenSettings = DEFAULTS
    audiences: tuple[str, ...] = ()
    audience_hours: tuple[schema.AudienceHours, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict)
    now_board_weight: float = 1.0  # the now board's weight (0: no board)


def is_settings_path(path: str) -> bool:
    """True for a file of the settings folder (``content/reglages/...``)."""
    parts = path.split("/")
    return len(parts) >= 2 and parts[-2] == v.SETTINGS_FOLDER


def validate_settings(
    sources: Iterable[tuple[str, str | None]],
    items: Mapping[str, Item],
    problems: list[Problem],
) -> ContentSettings:
    """The settings from the settings folder's files, and every site's overrides checked
    against them; each problem is appended to ``problems``."""
    found = ContentSettings()
    for path, text in sources:
        if path.rsplit("/", 1)[-1] != v.SETTINGS_FILE:
            problems.append(
                Problem(
                    path,
                    1,
                    "file",
                    f"the settings folder holds one file, {v.SETTINGS_FILE}; "
                    "move these settings into it (a site's own values go in its kiosk: field)",
                )
            )
            continue
        if text is not None:
            found = _read(path, text, problems) or found
    for item in sorted(items.values(), key=lambda i: i.slug):
        if item.kind != "site":
            continue
        try:
            parse_settings(item.data.kiosk, found.screen, where="kiosk")
        except RuleError as error:
            line = frontmatter.line_of(item.lines, "kiosk")
            problems.append(Problem(item.path, line, error.field, error.message))
    return found


def _read(path: str, text: str, problems: list[Problem]) -> ContentSettings | None:
    try:
        parsed = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        problems.append(Problem(path, error.line, "", error.message))
        return None

    def at(name: str, message: str) -> None:
        line = frontmatter.line_of(parsed.lines, name.split(".")[0].split("[")[0])
        problems.append(Problem(path, line, name, message))

    try:
        data = schema.Settings.model_validate(parsed.fields)
    except ValidationError as error:
        for detail in error.errors():
            name = ".".join(str(part) for part in detail["loc"])
            at(name, detail["msg"])
        return None
    raw = {
        key: value
        for key in ("alert_levels", "moments", "untranslated")
        if (value := getattr(data, key)) is not None
    }
    try:
        screen = parse_settings(raw, where="settings")
        parse_audience_hours(
            [block.model_dump() for block in data.audience_hours], "audience_hours"
        )
    except RuleError as error:
        at(error.field.removeprefix("settings."), error.message)
        return None
    return ContentSettings(
        path,
        screen,
        tuple(data.audiences),
        tuple(data.audience_hours),
        parsed.lines,
        data.now_board.weight if data.now_board is not None else 1.0,
    )


def site_settings(settings: ContentSettings, site: Item) -> ScreenSettings:
    """A site's settings: its ``kiosk`` overrides over the shared file (checked already)."""
    return parse_settings(site.data.kiosk, settings.screen, where="kiosk")


def site_audience_hours(settings: ContentSettings, site: Item) -> list[dict[str, Any]]:
    """The site's own ``audience_hours``, else the shared ones, in the manifest's form."""
    blocks = site.data.audience_hours or settings.audience_hours
    return [
        {"audiences": list(b.audiences), "weekdays": list(b.weekdays), "hours": b.hours}
        for b in blocks
    ]


def banner_levels(settings: ContentSettings) -> list[str]:
    """Alert levels the website shows as a banner on every page, as the screens do (a takeover
    or a strip); the others are only listed on the alerts page."""
    screen = settings.screen
    return [n for n in LEVELS if screen.level(n).takeover or screen.level(n).strip]


def audience_table(settings: ContentSettings) -> dict[str, Any]:
    """What the website's "for you now" ranking reads (theme/static/js/site.js)."""
    return {
        "audiences": list(settings.audiences),
        "audience_hours": [
            {"audiences": list(b.audiences), "weekdays": list(b.weekdays), "hours": b.hours}
            for b in settings.audience_hours
        ],
    }
