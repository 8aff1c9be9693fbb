"""``invoke translations``: per language, what is missing, most played on the screens first."""

from __future__ import annotations

import textwrap
from datetime import datetime

# isort: off
from p2f_kiosk.translations import missing_translations, table

# isort: on
from p2f_model.corpus import validate_corpus
from p2f_player.contract.rules import PARIS
from tests.conftest import BASE_FILES

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=PARIS)
HEAVY = """\
---
title: Bus de nuit
starts: 2026-12-01T21:00
ends: 2026-12-01T23:00
place: veto-pinede
rules: {weight: 3}
provenance: {source: mairie, verified_by: Léa Martin, verified_on: 2026-10-01}
---
Navette.
"""


def test_missing_translations_ranked_by_how_often_they_play() -> None:
    files = {**BASE_FILES, "agenda/bus-de-nuit.md": HEAVY}
    corpus = validate_corpus(
        [(f"content/{name}", textwrap.dedent(text)) for name, text in files.items()],
        {"images/veto.png"},
    )
    assert not corpus.problems
    rows = missing_translations(corpus, NOW)
    english = [r for r in rows if r.lang == "en"]
    assert "veto-pinede" not in {r.slug for r in english}  # translated
    assert english[0].slug == "bus-de-nuit" and english[0].sites == ["gare"]  # weight 3: first
    assert english[0].share > english[1].share > 0
    german = [r for r in rows if r.lang == "de"]
    assert {r.slug for r in german} >= {"veto-pinede", "bus-de-nuit"}
    assert all(r.share == 0 and not r.sites for r in german)  # gare shows fr and en only
    text = table(rows, limit=2)
    assert text.splitlines()[0].startswith("== de: ")
    assert "content/agenda/bus-de-nuit.md" in text.split("== en")[1].splitlines()[2]
