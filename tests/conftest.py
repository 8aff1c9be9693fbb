"""Shared fixtures: a tiny, valid content folder that tests break one field at a time, and the
sample content (content/) built once, for one fixed moment."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The moment the tests of the sample content live in, whatever the day the suite runs: the
# sample build is made for it (``P2F_NOW``) and the browsers' clocks are set to its day. A
# Tuesday morning of the sample content's winter: the station works alert (a banner alert,
# until 2027-01-15) is on, the winter offers are valid (the first ends on 2026-12-24), the
# Christmas market (Saturday 2026-12-12) is the next weekend event, the vet's clinic is open.
# Tests never read the real clock for a premise: they take their moments from this one.
SAMPLE_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def sample_day_at(hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` (Paris time) on the day of ``SAMPLE_NOW``."""
    return SAMPLE_NOW.replace(hour=hour, minute=minute)


SITE = """\
---
title: Gare de Pinède — hall des arrivées
geo: {lat: 43.2105, lon: 3.4402}
address: Place de la Gare, 34510 Pinède-sur-Mer
orientation: portrait
resolution: 1080x1920
languages: [fr, en]
audiences: [affaires, excursionnistes]
nfc: true
tags: [transport, littoral]
provenance: {source: installation, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Écran du hall des arrivées.
"""

PARTNER = """\
---
title: Vélos de la Pinède
kind: entreprise-locale
website: https://velos.example
provenance: {source: contrat, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Location de vélos.
"""

CAMPAIGN = """\
---
title: Vélos de la Pinède — hiver
partner: velos-pinede
sites: [gare]
starts: 2026-10-01
ends: 2027-09-30
share: 0.1
price_eur: 500
contact: {name: Marc Roux, email: marc@velos.example}
provenance: {source: contrat, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Campagne d'hiver.
"""

PLACE = """\
---
title: Clinique vétérinaire de la Pinède
summary: Urgences vétérinaires 7 j/7.
category: services
subcategory: veterinaire
geo: {lat: 43.2150, lon: 3.4321}
address: 12 avenue des Pins, 34510 Pinède-sur-Mer
phone: "+33 4 67 00 12 34"
opening_hours: "Mo-Fr 08:00-19:00; Sa 09:00-12:00"
images:
  - {src: images/veto.png, alt: Façade de la clinique}
provenance: {source: visite sur place, verified_by: Yanis Benali, verified_on: 2026-09-12}
---
La clinique reçoit **sans rendez-vous** le matin.
"""

PLACE_EN = """\
---
title: La Pinède veterinary clinic
summary: Veterinary emergencies 7 days a week.
alt: [Front of the clinic]
---
Walk-in consultations in the morning.
"""

EVENT = """\
---
title: Marché nocturne
starts: 2027-07-14T19:00
ends: 2027-07-14T23:30
place: veto-pinede
price: 0
provenance: {source: mairie, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Le marché nocturne du 14 juillet.
"""

OFFER = """\
---
title: −20 % sur la location de vélos
partner: velos-pinede
valid_from: 2026-11-01T00:00
valid_until: 2027-03-31T23:59
price: 12
original_price: 15
booking_url: https://velos.example/reserver
rules:
  sites: [gare]
  audiences: [excursionnistes]
  hours: [{from: "18:00", until: "02:00"}]
provenance: {source: contrat, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Sur présentation de l'écran.
"""

ALERT = """\
---
title: Travaux en gare
severity: warning
valid_from: 2026-11-20T06:00
valid_until: 2027-01-15T22:00
rules: {sites: [gare]}
provenance: {source: SNCF, verified_by: Léa Martin, verified_on: 2026-11-19}
---
Accès par le parvis sud.
"""

PAGE = """\
---
title: Numéros d'urgence
order: 1
provenance: {source: service-public.fr, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Appelez le 112.
"""


def _png(width: int = 8, height: int = 6) -> bytes:
    """A small valid PNG (RGB, one colour), written by hand to need no imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x2a\x6f\x97" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = _png()

BASE_FILES = {
    "sites/gare.md": SITE,
    "partenaires/velos-pinede.md": PARTNER,
    "campagnes/velos-pinede-hiver.md": CAMPAIGN,
    "lieux/veto-pinede.md": PLACE,
    "lieux/veto-pinede.en.md": PLACE_EN,
    "agenda/marche-nocturne.md": EVENT,
    "bons-plans/velos-hiver.md": OFFER,
    "alertes/travaux-gare.md": ALERT,
    "pratique/numeros-urgence.md": PAGE,
}

WriteContent = Callable[..., Path]


@pytest.fixture
def write_content(tmp_path: Path) -> WriteContent:
    """Write the base corpus into ``tmp_path/content``, with files replaced or added.

    ``write_content({"lieux/x.md": text})`` replaces or adds files; a value of ``None``
    removes a base file. Returns the content folder.
    """

    def write(changes: dict[str, str | None] | None = None) -> Path:
        content = tmp_path / "content"
        files: dict[str, str | None] = {**BASE_FILES, **(changes or {})}
        for name, text in files.items():
            if text is None:
                continue
            path = content / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        (content / "images").mkdir(parents=True, exist_ok=True)
        (content / "images" / "veto.png").write_bytes(PNG)
        return content

    return write


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample content (content/) built once per test session for ``SAMPLE_NOW``; returns
    the build folder holding ``site/`` and ``kiosk/<site>/`` (whose manifests are signed for
    14 days from ``SAMPLE_NOW``)."""
    from p2f_site.build import build_all

    output = tmp_path_factory.mktemp("sample") / "build"
    build_all(ROOT, ROOT / "pelicanconf.py", output, {"P2F_NOW": SAMPLE_NOW.isoformat()})
    return output


@pytest.fixture(autouse=True)
def _private_key_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """No test reads or writes the real signing keys (``~/.config/livep2f``): every test gets
    its own empty key folder through ``LIVEP2F_KEY_DIR``."""
    folder = tmp_path_factory.mktemp("key-folder") / "livep2f"
    monkeypatch.setenv("LIVEP2F_KEY_DIR", str(folder))
    monkeypatch.delenv("LIVEP2F_KEY_NAME", raising=False)
    return folder
