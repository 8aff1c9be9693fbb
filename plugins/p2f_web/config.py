"""The p2f_web settings, read once from Pelican's settings dict and checked at start-up."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit


class WebSettingsError(ValueError):
    """A p2f_web setting is missing or malformed."""


@dataclass(frozen=True)
class WebSettings:
    public_url: str  # e.g. https://livep2f.com, no trailing slash
    now: datetime  # the moment the build is made for (aware)
    site_name: str
    # How to run Pagefind; a list so that tests and other machines can point elsewhere.
    pagefind_command: tuple[str, ...] = (sys.executable, "-m", "pagefind")

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
    )
