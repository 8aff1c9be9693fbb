"""The whole content, validated as one: files, translations and references between items.

``validate_corpus`` takes the text of every file (no file access) and returns the items and
every problem found, so a reporter sees all of them in one run.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from p2f_model import campaigns as sales
from p2f_model import checks, drafts, frontmatter, memo, schema
from p2f_model import settings as screens
from p2f_model import vocabulary as v
from p2f_model.problems import Problem
from p2f_model.territory import DEFAULT as DEFAULT_TERRITORY
from p2f_model.territory import Territory
from p2f_player.contract.rules import RuleError, Rules, SiteProfile, parse_rules

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_FILE = re.compile(r"^(?P<slug>[^.]+?)(?:\.(?P<lang>[a-z]{2}))?\.md$")


@dataclass(frozen=True)
class Localized:
    """The words of an item in one language."""

    lang: str
    path: str
    title: str
    summary: str | None
    alt: tuple[str, ...]
    body: str
    body_line: int
    machine_translated: bool = False


@dataclass
class Item:
    kind: str
    slug: str
    path: str
    data: Any  # the kind's schema model (schema.Place, schema.Event, ...)
    rules: Rules
    texts: dict[str, Localized] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # header field -> file line

    @property
    def original(self) -> Localized:
        return self.texts[v.DEFAULT_LANGUAGE]

    def text(self, lang: str) -> Localized:
        """The words in ``lang``, falling back to French when there is no translation."""
        return self.texts.get(lang) or self.original


@dataclass
class Corpus:
    items: dict[str, Item]  # by slug
    problems: list[Problem]
    # Derived values computed once per build and shared by every writer (rendered Markdown:
    # the same body appears on the website, on 12 kiosks' slides and in their directories).
    memo: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    settings: screens.ContentSettings = field(default_factory=screens.ContentSettings)
    campaigns: dict[str, sales.Campaign] = field(default_factory=dict)  # content/campagnes/

    def remember(self, purpose: str, key: str, compute: Callable[[str], str]) -> str:
        value = self.memo.get((purpose, key))
        if value is None:
            value = self.memo[(purpose, key)] = compute(key)
        return value

    def forget(self, purpose: str) -> None:
        """Drop the values remembered for ``purpose`` (those no later step of the build reads:
        the website's HTML once its pages are written)."""
        for entry in [entry for entry in self.memo if entry[0] == purpose]:
            del self.memo[entry]

    def of_kind(self, kind: str) -> list[Item]:
        return [item for item in self.items.values() if item.kind == kind]

    def site_profiles(self) -> dict[str, SiteProfile]:
        return {item.slug: site_profile(item) for item in self.of_kind("site")}


def site_profile(item: Item) -> SiteProfile:
    site: schema.Site = item.data
    return SiteProfile(item.slug, frozenset(site.tags), site.geo.lat, site.geo.lon)


@dataclass
class _Source:
    path: str
    kind: str
    slug: str
    lang: str
    parsed: frontmatter.Parsed


def validate_corpus(
    files: Iterable[tuple[str, str | memo.Reading | None]],
    image_files: set[str],
    bad_images: Mapping[str, str] | None = None,
    territory: Territory | None = None,
    read: Callable[[str], memo.Reading] | None = None,
) -> Corpus:
    """Validate every ``(path, text)``; ``path`` is relative to the repository root.

    ``territory`` is the one coordinates must fall in (``p2f_model.territory``; default:
    ``DEFAULT``).

    ``text`` is None for a file that exists but was not read (a link, too large, not UTF-8:
    its problem is already reported); it still counts as the item its name says, so that
    files referring to it are not blamed too. For an item file (not a settings or campaign
    file), ``text`` may be its ``memo.Reading`` instead, when a build already knows it.

    ``image_files`` holds the usable images under ``content/`` (e.g. ``images/x.jpg``);
    ``bad_images`` the ones that exist but were refused, with the reason.

    ``read``: how a text is parsed and its body checked (default ``memo.read_text``; a build
    passes ``CheckMemo.read_text``, which keeps the answers by the text's bytes).
    """
    problems: list[Problem] = []
    originals: dict[str, list[_Source]] = defaultdict(list)
    unreadable: dict[str, str] = {}  # slug -> kind, of originals that could not be read
    translations: list[_Source] = []
    settings_files: list[tuple[str, str | None]] = []
    campaign_files: list[tuple[str, str | None]] = []
    for path, text in files:
        if screens.is_settings_path(path):  # not an item: p2f_model.settings reads it
            settings_files.append((path, _text(path, text)))
            continue
        if sales.is_campaign_path(path):  # not an item: p2f_model.campaigns reads it
            campaign_files.append((path, _text(path, text)))
            continue
        source = _identify(path, text, problems, unreadable, read or memo.read_text)
        if source is None:
            continue
        if source.lang == v.DEFAULT_LANGUAGE:
            originals[source.slug].append(source)
        else:
            translations.append(source)

    items: dict[str, Item] = {}
    for slug, sources in sorted(originals.items()):
        if len(sources) > 1:
            first = sources[0].path
            for dup in sources[1:]:
                problems.append(
                    Problem(
                        dup.path, 1, "slug", f'"{slug}" is already used by {first}; rename one file'
                    )
                )
        item = _validate_original(
            sources[0], image_files, bad_images or {}, problems, territory or DEFAULT_TERRITORY
        )
        if item is not None:
            items[slug] = item

    for source in translations:
        _attach_translation(source, items, originals.keys() | unreadable.keys(), problems)

    # Items that exist but failed validation still count as targets: their own problems are
    # reported; blaming every file that names them would bury the real error.
    existing = {slug: sources[0].kind for slug, sources in originals.items()}
    existing = {**unreadable, **existing}
    _check_references(items, existing, problems)
    problems.extend(drafts.reference_problems(items))
    found = screens.validate_settings(settings_files, items, problems)
    booked = sales.validate_campaigns(campaign_files, items, problems)
    return Corpus(items=items, problems=problems, settings=found, campaigns=booked)


def _text(path: str, text: str | memo.Reading | None) -> str | None:
    if isinstance(text, memo.Reading):
        raise TypeError(f"{path}: the settings and campaign files are given as text")
    return text


def _identify(
    path: str,
    text: str | memo.Reading | None,
    problems: list[Problem],
    unreadable: dict[str, str],
    read: Callable[[str], memo.Reading],
) -> _Source | None:
    parts = path.split("/")
    folder = parts[-2] if len(parts) >= 2 else ""
    kind = v.FOLDERS.get(folder)
    if kind is None:
        problems.append(
            Problem(
                path,
                1,
                "",
                f'"{folder}" is not a content folder (expected one of: {", ".join(v.FOLDERS)})',
            )
        )
        return None
    match = _FILE.match(parts[-1])
    if match is None or not SLUG.match(match["slug"]):
        problems.append(
            Problem(
                path,
                1,
                "slug",
                f'"{parts[-1]}" is not a valid file name: use lowercase letters, digits and '
                "hyphens, at most 60 characters, e.g. veto-pinede.md or veto-pinede.en.md",
            )
        )
        return None
    lang = match["lang"] or v.DEFAULT_LANGUAGE
    if lang not in v.SITE_LANGUAGES or match["lang"] == v.DEFAULT_LANGUAGE:
        problems.append(
            Problem(
                path,
                1,
                "lang",
                f'"{lang}" is not a translation language '
                f"(expected .{', .'.join(v.TRANSLATION_LANGUAGES)}; "
                "the French original has no suffix)",
            )
        )
        return None
    if text is None:
        if lang == v.DEFAULT_LANGUAGE:
            unreadable.setdefault(match["slug"], kind)
        return None
    reading = text if isinstance(text, memo.Reading) else read(text)
    if reading.parsed is None:  # then ``error`` says why (``memo.read_text``)
        line, message, name = reading.error or (1, "cannot be read", "")
        problems.append(Problem(path, line, name, message))
        if lang == v.DEFAULT_LANGUAGE:
            unreadable.setdefault(match["slug"], kind)
        return None
    parsed = reading.parsed
    for number, message in reading.body_problems:
        problems.append(Problem(path, parsed.body_line + number, "body", message))
    return _Source(path, kind, match["slug"], lang, parsed)


def _validate_original(
    source: _Source,
    images: set[str],
    bad_images: Mapping[str, str],
    problems: list[Problem],
    territory: Territory = DEFAULT_TERRITORY,
) -> Item | None:
    model = schema.MODELS[source.kind]
    try:
        data = model.model_validate(source.parsed.fields, context={"territory": territory})
    except ValidationError as error:
        problems.extend(_pydantic_problems(source, model, error))
        return None
    found = False
    for name, message in checks.item_problems(source.kind, data):
        problems.append(_at(source, name, message))
        found = True
    for index, image in enumerate(data.images):
        if image.src not in images:
            reason = bad_images.get(image.src)
            message = (
                f'"{image.src}" cannot be used: {reason}'
                if reason
                else f'"{image.src}" does not exist in content/images/'
            )
            problems.append(_at(source, f"images[{index}].src", message))
            found = True
    try:
        rules = parse_rules(data.rules)
    except RuleError as error:
        problems.append(_at(source, error.field, error.message))
        return None
    if found:
        return None
    parsed = source.parsed
    text = Localized(
        lang=v.DEFAULT_LANGUAGE,
        path=source.path,
        title=data.title,
        summary=data.summary,
        alt=tuple(image.alt for image in data.images),
        body=parsed.body,
        body_line=parsed.body_line,
    )
    return Item(
        source.kind, source.slug, source.path, data, rules, {v.DEFAULT_LANGUAGE: text}, parsed.lines
    )


def _attach_translation(
    source: _Source,
    items: dict[str, Item],
    originals: Container[str],
    problems: list[Problem],
) -> None:
    if source.slug not in originals:
        problems.append(
            Problem(
                source.path,
                1,
                "lang",
                "translation of a missing original: create "
                f"{source.path.rsplit('/', 1)[0]}/{source.slug}.md "
                "in French first",
            )
        )
        return
    try:
        data = schema.Translation.model_validate(source.parsed.fields)
    except ValidationError as error:
        problems.extend(_pydantic_problems(source, schema.Translation, error, translation=True))
        return
    item = items.get(source.slug)
    if item is None:
        return  # the original has its own problems, already reported
    if len(data.alt) != len(item.data.images):
        problems.append(
            _at(
                source,
                "alt",
                f"{len(data.alt)} alt text(s) for {len(item.data.images)} image(s) "
                "in the original; "
                "translate each image's alt, in the same order",
            )
        )
        return
    parsed = source.parsed
    item.texts[source.lang] = Localized(
        lang=source.lang,
        path=source.path,
        title=data.title,
        summary=data.summary,
        alt=tuple(data.alt),
        body=parsed.body,
        body_line=parsed.body_line,
        machine_translated=data.machine_translated,
    )


def _check_references(
    items: dict[str, Item], existing: Mapping[str, str], problems: list[Problem]
) -> None:
    sites = {slug: site_profile(item) for slug, item in items.items() if item.kind == "site"}

    def expect(item: Item, name: str, slug: str | None, kind: str) -> None:
        if slug is None:
            return
        if existing.get(slug) == kind:
            return
        known = sorted(s for s, k in existing.items() if k == kind)
        close = difflib.get_close_matches(slug, known, n=1)
        hint = f'; did you mean "{close[0]}"?' if close else ""
        problems.append(_at_item(item, name, f'no {kind} has the slug "{slug}"{hint}'))

    for item in items.values():
        data = item.data
        if isinstance(data, schema.Event):
            expect(item, "place", data.place, "place")
        if isinstance(data, schema.Offer):
            expect(item, "partner", data.partner, "partner")
            expect(item, "place", data.place, "place")
        if isinstance(data, schema.Site):
            blocks = [
                ("audience_hours", [block.hours for block in data.audience_hours]),
                ("screen_hours", [block.hours for block in data.screen_hours]),
            ]
            for name, entries in blocks:
                for index, hours in enumerate(entries):
                    try:
                        windows = parse_rules({"hours": hours})
                    except RuleError as error:
                        field = error.field.replace("rules.", f"{name}[{index}].")
                        problems.append(_at_item(item, field, error.message))
                        continue
                    for field, message in windows.never_matches({}):
                        field = field.replace("rules.", f"{name}[{index}].")
                        problems.append(_at_item(item, field, message))
        for name, message in item.rules.never_matches(sites):
            problems.append(_at_item(item, name, message))


def _at(source: _Source, name: str, message: str) -> Problem:
    return Problem(source.path, frontmatter.line_of(source.parsed.lines, name), name, message)


def _at_item(item: Item, name: str, message: str) -> Problem:
    return Problem(item.path, frontmatter.line_of(item.lines, name), name, message)


def _pydantic_problems(
    source: _Source, model: type[schema.Strict], error: ValidationError, translation: bool = False
) -> list[Problem]:
    out = []
    allowed = sorted(model.model_fields)
    for detail in error.errors():
        name = _dotted(detail["loc"])
        kind = detail["type"]
        if kind == "missing":
            message = "is required but missing; add it to the header (see docs/content-model.md)"
        elif kind == "extra_forbidden":
            leaf = str(detail["loc"][-1])
            close = difflib.get_close_matches(leaf, allowed, n=1)
            if translation and leaf in schema.Common.model_fields | schema.Place.model_fields:
                message = "belongs in the French original, not in a translation"
            elif close:
                message = f'unknown field; did you mean "{close[0]}"?'
            else:
                message = f"unknown field (known: {', '.join(allowed)})"
        elif kind == "literal_error":
            expected = detail.get("ctx", {}).get("expected", "")
            message = f"{detail['input']!r} is not allowed (expected one of {expected})"
        elif kind in ("value_error", "assertion_error"):
            message = str(detail["ctx"]["error"])
        elif kind == "string_pattern_mismatch":
            message = f"{detail['input']!r} has the wrong form (expected {_pattern_hint(name)})"
        else:
            message = f"{detail['input']!r}: {detail['msg'][0].lower()}{detail['msg'][1:]}"
        out.append(_at(source, name, message))
    return out


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _pattern_hint(name: str) -> str:
    if name.startswith("images") and name.endswith("src"):
        return "images/<file>.jpg|png|webp|avif"
    if name == "resolution":
        return "WIDTHxHEIGHT, e.g. 1080x1920"
    if name.startswith("languages_spoken"):
        return 'a two-letter language code, e.g. "en"'
    return "lowercase words with hyphens, e.g. veto-pinede"
