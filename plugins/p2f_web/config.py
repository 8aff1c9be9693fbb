"""The p2f_web settings, read once from Pelican's settings dict and checked at start-up."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import opening_hours


class WebSettingsError(ValueError):
    """A p2f_web setting is missing or malformed."""


@dataclass(frozen=True)
class Office:
    """The tourist office: ``P2F_OFFICE`` (footer contact block, /contact/, structured data)."""

    name: str
    address: str  # "street, postcode town"
    lat: float
    lon: float
    phone: str  # international form, "+33 4 67 00 00 10"
    email: str
    opening_hours: str  # OpenStreetMap syntax

    @property
    def tel(self) -> str:
        return "tel:" + self.phone.replace(" ", "")


@dataclass(frozen=True)
class MapTiles:
    """``P2F_MAP_TILES``: the map's tile server, its credit line and terms. The Content
    Security Policy (``p2f_web.csp``) allows images from this URL's origin and no other."""

    url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    attribution: str = "© OpenStreetMap contributors"
    terms_url: str = "https://www.openstreetmap.org/copyright"
    max_zoom: int = 19
    # What a high-density screen (a phone: 2-3 device pixels per CSS pixel) gets:
    # "none": the same 256 px tiles, enlarged (readable labels, a little blurred);
    # "next_zoom": the next zoom level's tiles at half size (Leaflet's detectRetina: sharp,
    # four times as many tiles, labels half as big). A provider with its own high-density
    # tiles is configured with "{r}" in the url instead (Leaflet fills in "@2x").
    high_density: str = "none"


DEFAULT_TILES = MapTiles()
HIGH_DENSITY = ("none", "next_zoom")


@dataclass(frozen=True)
class WebSettings:
    public_url: str  # e.g. https://livep2f.com, no trailing slash
    now: datetime  # the moment the build is made for (aware)
    site_name: str
    # How to run Pagefind; a list so that tests and other machines can point elsewhere.
    pagefind_command: tuple[str, ...] = (sys.executable, "-m", "pagefind")
    office: Office | None = None
    tiles: MapTiles = field(default_factory=MapTiles)

    @property
    def host(self) -> str:
        return urlsplit(self.public_url).netloc

    def absolute(self, path: str) -> str:
        """``/en/lieux/x/`` -> ``https://livep2f.com/en/lieux/x/``."""
        return self.public_url + (path if path.startswith("/") else "/" + path)


def read_settings(settings: Mapping[str, Any], clock: datetime | None = None) -> WebSettings:
    """Build ``WebSettings``; ``P2F_NOW`` (ISO) fixes the build moment, else ``clock``.

    Raises:
        WebSettingsError: ``P2F_PUBLIC_URL`` is not a site root, ``P2F_NOW`` is not ISO, or
            ``P2F_PAGEFIND_COMMAND`` is not a list of words.
    """
    public_url = str(settings.get("P2F_PUBLIC_URL", "https://livep2f.com")).rstrip("/")
    parts = urlsplit(public_url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.path:
        raise WebSettingsError(
            f"P2F_PUBLIC_URL: {public_url!r} is not a site root such as https://livep2f.com"
        )
    raw_now = settings.get("P2F_NOW")
    if raw_now:
        try:
            now = datetime.fromisoformat(str(raw_now))
        except ValueError:
            raise WebSettingsError(
                f"P2F_NOW: {raw_now!r} is not an ISO date-time (e.g. 2026-11-26T12:00:00+00:00)"
            ) from None
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    else:
        now = clock or datetime.now(UTC)
    command = settings.get("P2F_PAGEFIND_COMMAND", [sys.executable, "-m", "pagefind"])
    if (
        not isinstance(command, list | tuple)
        or not command
        or not all(isinstance(part, str) and part for part in command)
    ):
        raise WebSettingsError(
            f'P2F_PAGEFIND_COMMAND: {command!r} is not a command as a list, e.g. ["pagefind"]'
        )
    return WebSettings(
        public_url=public_url,
        now=now.replace(microsecond=0),
        site_name=str(settings.get("SITENAME", "livep2f")),
        pagefind_command=tuple(command),
        office=read_office(settings.get("P2F_OFFICE")),
        tiles=read_tiles(settings.get("P2F_MAP_TILES")),
    )


_PHONE = re.compile(r"\+\d[\d ]{7,18}\d")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


def _text(raw: Mapping[str, Any], name: str, key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise WebSettingsError(f"{name}: {key!r} is missing or empty (a text is expected)")
    return value.strip()


def read_office(raw: Any) -> Office | None:
    """``P2F_OFFICE`` checked; None when the setting is absent (no contact block then).

    Raises:
        WebSettingsError: a field is missing or malformed (named, with the expected form).
    """
    if raw is None:
        return None
    name = "P2F_OFFICE"
    if not isinstance(raw, Mapping):
        raise WebSettingsError(f"{name}: a dict is expected (name, address, geo, phone, ...)")
    unknown = set(raw) - {"name", "address", "geo", "phone", "email", "opening_hours"}
    if unknown:
        raise WebSettingsError(f"{name}: unknown keys {sorted(unknown)}")
    phone, email = _text(raw, name, "phone"), _text(raw, name, "email")
    if not _PHONE.fullmatch(phone):
        raise WebSettingsError(f"{name}: phone {phone!r} is not international (+33 4 67 ...)")
    if not _EMAIL.fullmatch(email):
        raise WebSettingsError(f"{name}: email {email!r} is not an e-mail address")
    hours = _text(raw, name, "opening_hours")
    try:
        opening_hours.OpeningHours(hours)
    except Exception:  # the library raises its own ParserError with a long report
        raise WebSettingsError(
            f"{name}: opening_hours {hours!r} is not OpenStreetMap syntax "
            '(e.g. "Mo-Sa 09:00-12:30,14:00-18:00; PH off")'
        ) from None
    geo = raw.get("geo")
    if not (
        isinstance(geo, Mapping)
        and all(isinstance(geo.get(k), int | float) for k in ("lat", "lon"))
    ):
        raise WebSettingsError(f"{name}: geo must be {{lat: 43.21, lon: 3.44}}")
    return Office(
        name=_text(raw, name, "name"),
        address=_text(raw, name, "address"),
        lat=float(geo["lat"]),
        lon=float(geo["lon"]),
        phone=phone,
        email=email,
        opening_hours=hours,
    )


def read_tiles(raw: Any) -> MapTiles:
    """``P2F_MAP_TILES`` checked; OpenStreetMap's tiles when absent.

    Raises:
        WebSettingsError: not an https URL template with {z}/{x}/{y}, no credit, bad zoom.
    """
    if raw is None:
        return DEFAULT_TILES
    name = "P2F_MAP_TILES"
    if not isinstance(raw, Mapping):
        raise WebSettingsError(f"{name}: a dict is expected (url, attribution, terms_url)")
    unknown = set(raw) - {"url", "attribution", "terms_url", "max_zoom", "high_density"}
    if unknown:
        raise WebSettingsError(f"{name}: unknown keys {sorted(unknown)}")
    url, attribution = _text(raw, name, "url"), _text(raw, name, "attribution")
    terms = _text(raw, name, "terms_url")
    if not url.startswith("https://") or not all(p in url for p in ("{z}", "{x}", "{y}")):
        raise WebSettingsError(
            f"{name}: url {url!r} must be an https template with {{z}}, {{x}} and {{y}}"
        )
    if not terms.startswith("https://"):
        raise WebSettingsError(f"{name}: terms_url {terms!r} must start with https://")
    zoom = raw.get("max_zoom", DEFAULT_TILES.max_zoom)
    if not isinstance(zoom, int) or not 1 <= zoom <= 22:
        raise WebSettingsError(f"{name}: max_zoom {zoom!r} must be a whole number 1..22")
    density = raw.get("high_density", DEFAULT_TILES.high_density)
    if density not in HIGH_DENSITY:
        raise WebSettingsError(f"{name}: high_density {density!r} must be one of {HIGH_DENSITY}")
    if density == "next_zoom" and "{r}" in url:
        raise WebSettingsError(
            f"{name}: high_density 'next_zoom' with {{r}} in the url would ask a high-density"
            " tile of the next zoom level; keep one of the two"
        )
    return MapTiles(
        url=url, attribution=attribution, terms_url=terms, max_zoom=zoom, high_density=density
    )
