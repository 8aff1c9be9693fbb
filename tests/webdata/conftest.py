"""Fixtures of the machine-facing website tests: a small site built once, Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (it never downloads a browser here); the flags keep
Chromium off the network.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from p2f_model.corpus import Corpus
from p2f_model.load import load_corpus
from p2f_site.build import build_all
from p2f_web.config import WebSettings, read_settings
from tests.conftest import BASE_FILES, PNG, ROOT
from tests.web.site_server import serve_site

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILD_NOW = "2026-11-26T12:00:00+00:00"

# Besides the base corpus: an offer already over at BUILD_NOW, an event on the night the
# clocks go back (2027-10-31), and a restaurant with a schema.org-friendly opening_hours.
EXTRA_FILES = {
    "bons-plans/glaces-ete.md": """\
        ---
        title: Une glace offerte
        partner: velos-pinede
        valid_from: 2026-07-01T00:00
        valid_until: 2026-08-31T23:59
        booking_url: https://velos.example/glaces
        provenance: {source: contrat, verified_by: Léa Martin, verified_on: 2026-06-20}
        ---
        Une glace offerte pour une location.
        """,
    "agenda/nuit-heure-hiver.md": """\
        ---
        title: La nuit la plus longue
        starts: 2027-10-30T22:00
        ends: 2027-10-31T04:00
        place: chez-marius
        price: 8
        booking_url: https://marius.example/billets
        provenance: {source: organisateur, verified_by: Yanis Benali, verified_on: 2026-10-02}
        ---
        Une heure de plus pour danser.
        """,
    "lieux/chez-marius.md": """\
        ---
        title: Chez Marius
        summary: Poissons grillés face au port.
        category: restauration
        subcategory: restaurant
        geo: {lat: 43.2101, lon: 3.4409}
        address: 3 quai du Port, 34510 Pinède-sur-Mer
        opening_hours: "Tu-Su 12:00-14:00,19:00-22:30; PH off"
        price_range: "€€"
        accessibility: [fauteuil]
        languages_spoken: [fr, en, es]
        provenance: {source: visite sur place, verified_by: Yanis Benali, verified_on: 2026-09-30}
        ---
        Réservation conseillée le week-end.
        """,
    "lieux/chez-marius.en.md": """\
        ---
        title: Marius's
        summary: Grilled fish by the harbour.
        ---
        Booking advised at weekends.
        """,
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def web_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small corpus built once (with Pagefind); returns the ``site`` folder."""
    base = tmp_path_factory.mktemp("webdata")
    content = base / "content"
    for name, text in {**BASE_FILES, **EXTRA_FILES}.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (content / "images").mkdir()
    (content / "images" / "veto.png").write_bytes(PNG)
    build_all(
        ROOT,
        ROOT / "pelicanconf.py",
        base / "build",
        overrides={"PATH": str(content), "P2F_ROOT": str(base), "P2F_NOW": BUILD_NOW},
    )
    return base / "build" / "site"


@pytest.fixture(scope="session")
def web_url(web_site: Path) -> Iterator[str]:
    """The small site served on 127.0.0.1, as the CDN would serve it (with its ``_headers``)."""
    with serve_site(web_site) as url:
        yield url


@pytest.fixture(scope="session")
def corpus(web_site: Path) -> Corpus:
    """The same corpus the build used (loaded again: the build keeps it inside Pelican)."""
    content = web_site.parent.parent / "content"
    return load_corpus(content, relative_to=content.parent)


@pytest.fixture(scope="session")
def web() -> WebSettings:
    return read_settings({"P2F_PUBLIC_URL": "https://livep2f.com", "P2F_NOW": BUILD_NOW})


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


@pytest.fixture
def web_page(browser: Any) -> Iterator[Any]:
    """A fresh page in its own context (pytest-playwright's ``page`` pulls in ``base_url``,
    whose fixture pytest now deprecates: warnings are errors here), its clock at ``BUILD_NOW``
    (never the real one)."""
    context = browser.new_context()
    page = context.new_page()
    page.clock.install(time=datetime.fromisoformat(BUILD_NOW))
    yield page
    context.close()
