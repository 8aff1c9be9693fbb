"""Browser tests: the sample site built once, served on 127.0.0.1, opened in Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (it never downloads a browser here). The flags keep
Chromium off the network: this machine only reaches 127.0.0.1 and the package registries.
Every page runs on a clock set to the moment the sample site was built for (``SAMPLE_NOW``), never
on the real one: what a page shows (alerts, offers, "open now", tonight) depends on its clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE_NOW
from tests.web.site_server import serve_site

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def built_site(sample_build: Path) -> Path:
    """The sample content built once per test session for ``SAMPLE_NOW``; returns the ``site``
    folder."""
    return sample_build / "site"


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """A static HTTP server on 127.0.0.1 serving the built site, like the CDN would: with the
    security headers of its ``_headers`` (Content Security Policy and others)."""
    with serve_site(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A visitor's phone in France: Paris time, French locale (tests pick other languages)."""
    return {**browser_context_args, "timezone_id": "Europe/Paris", "locale": "fr-FR"}


@pytest.fixture
def visitor(page: Any, site_url: str) -> Any:
    """A page that reaches only the local site: map tiles and anything else fail at once.

    Its clock starts at ``SAMPLE_NOW`` (tests move it with ``clock.install`` or
    ``clock.set_system_time``). Browser errors (uncaught exceptions) fail the test.
    """
    page.clock.install(time=SAMPLE_NOW)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(lambda url: not url.startswith(site_url), lambda route: route.abort())
    yield page
    assert errors == [], errors


@pytest.fixture(scope="session")
def base_url(site_url: str) -> str:
    """Replaces pytest-base-url's fixture (a class-method fixture pytest now warns about)."""
    return site_url
