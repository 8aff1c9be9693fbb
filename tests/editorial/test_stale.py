"""invoke stale: per-kind limits as a setting, ranked by estimated plays per week."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from p2f_editorial import cli
from p2f_editorial.settings import DEFAULT_STALE_DAYS, SettingsError, from_dict
from p2f_editorial.stale import stale_items

from p2f_model.load import load_corpus
from tests.conftest import PAGE, PLACE, WriteContent

TODAY = date(2026, 12, 1)


def _aged(text: str, verified_on: str) -> str:
    """``text`` with its verification date replaced (every fixture item uses one line)."""
    head, _, rest = text.partition("verified_on: ")
    return head + "verified_on: " + verified_on + rest[10:]


def test_settings_defaults_and_overrides() -> None:
    settings = from_dict({"stale_days": {"place": [30, 60]}, "hide_past_hard_limit": True})
    assert (settings.limit("place"), settings.hard_limit("place")) == (30, 60)
    assert settings.limit("page") == DEFAULT_STALE_DAYS["page"][0]
    assert settings.hide_past_hard_limit is True
    assert from_dict(None).stale_days == DEFAULT_STALE_DAYS


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"stale_days": {"lieu": [1, 2]}}, "stale_days.lieu: not a kind"),
        ({"stale_days": {"place": [60, 30]}}, "stale_days.place: [60, 30] is not [limit"),
        ({"stale_days": {"place": [0, 30]}}, "0 < limit"),
        ({"stale_days": {"place": 183}}, "e.g. [183, 365]"),
        ({"stale_days": {"place": [True, 30]}}, "stale_days.place"),
        ({"hide_past_hard_limit": "yes"}, "expected True or False"),
        ({"stale": {}}, "unknown key 'stale'"),
    ],
)
def test_bad_settings_name_the_key(raw: dict[str, Any], words: str) -> None:
    with pytest.raises(SettingsError, match=None) as caught:
        from_dict(raw)
    assert words in str(caught.value)


def test_stale_items_ranked_by_plays_then_age(write_content: WriteContent) -> None:
    content = write_content(
        {
            "lieux/veto-pinede.md": _aged(PLACE, "2026-03-01"),  # 275 days: past 183
            "lieux/vieux-port.md": _aged(PLACE, "2025-01-01"),
            "pratique/numeros-urgence.md": _aged(PAGE, "2026-01-01"),  # 334 days: < 365
        }
    )
    corpus = load_corpus(content)
    assert corpus.problems == []
    settings = from_dict(None)
    plays = {"veto-pinede": 120.0, "vieux-port": 3.0}
    places = [i for i in corpus.items.values() if i.kind == "place"]
    rows = stale_items(places, settings, TODAY, plays)
    assert [(r.slug, r.hard, r.age_days) for r in rows] == [
        ("veto-pinede", False, 275),
        ("vieux-port", True, 699),
    ]
    # without plays, the oldest first
    rows = stale_items(places, settings, TODAY, {})
    assert [r.slug for r in rows] == ["vieux-port", "veto-pinede"]
    # the fixture's alert (verified 12 days ago, 7 allowed), event and offer (61 days, 60)
    every = [r.slug for r in stale_items(corpus.items.values(), settings, TODAY)]
    assert set(every) == {
        "vieux-port",
        "veto-pinede",
        "travaux-gare",
        "marche-nocturne",
        "velos-hiver",
    }
    # a per-kind limit from the setting puts the practical page on the list
    tight = from_dict({"stale_days": {"page": [300, 400]}})
    assert "numeros-urgence" in [r.slug for r in stale_items(corpus.items.values(), tight, TODAY)]


def test_drafts_and_ended_items_are_not_listed(write_content: WriteContent) -> None:
    content = write_content(
        {
            "pratique/numeros-urgence.md": _aged(PAGE, "2024-01-01").replace(
                "title:", "status: draft\ntitle:", 1
            ),
        }
    )
    corpus = load_corpus(content)
    assert corpus.problems == []
    # the alert of the fixture (verified 2026-11-19) ended 2027-01-15: stale in June 2027?
    # no: ended; the event (2027-07-14) is still to come and 60 days is its limit
    rows = stale_items(corpus.items.values(), from_dict(None), date(2027, 6, 1))
    slugs = [r.slug for r in rows]
    assert "numeros-urgence" not in slugs  # a draft, however old
    assert "travaux-gare" not in slugs  # ended
    assert "marche-nocturne" in slugs


def _manifest(site: str, created: str, slides: list[dict[str, Any]], **site_extra: Any) -> dict:
    return {
        "schema": 1,
        "site": {"id": site, "languages": ["fr"], "audiences": [], **site_extra},
        "release": {"id": "unreleased", "counter": 0, "created": created},
        "slides": slides,
        "sponsors": {},
    }


def _slide(slide_id: str, weight: float = 1.0, duration: int = 10, **extra: Any) -> dict:
    return {
        "id": slide_id,
        "kind": "page",
        "pages": {"fr": f"slides/{slide_id}.fr.html"},
        "rules": {"weight": weight, "duration_s": duration},
        "window": None,
        "sponsor": None,
        "interrupt": False,
        **extra,
    }


def test_cli_ranks_by_plays_estimated_from_the_manifests(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content(
        {
            "lieux/veto-pinede.md": _aged(PLACE, "2026-03-01"),
            "pratique/numeros-urgence.md": _aged(PAGE, "2020-01-01"),
        }
    )
    root = content.parent
    (root / "pelicanconf.py").write_text("P2F_EDITORIAL = {'stale_days': {'page': [300, 600]}}\n")
    # the page plays 3x as often as the place on one screen: it comes first though younger
    # is not the question here; the place is older than its limit too
    manifest = _manifest(
        "gare",
        "2026-12-01T10:00:00+00:00",
        [_slide("numeros-urgence", weight=3.0), _slide("veto-pinede", weight=1.0)],
    )
    kiosk = root / "build" / "kiosk" / "gare"
    kiosk.mkdir(parents=True)
    (kiosk / "manifest.json").write_text(json.dumps(manifest))
    out = io.StringIO()
    assert cli.stale(root, TODAY, out=out) == 0
    text = out.getvalue()
    lines = [line for line in text.splitlines() if "content/" in line]
    assert "numeros-urgence" in lines[0] and lines[0].startswith("!")  # past 600 days
    assert "veto-pinede" in lines[1]
    # 168 h x 3600 s / 10 s = 60,480 plays, split 3:1
    assert lines[0].split()[1] == "45360" and lines[1].split()[0] == "15120"


def test_cli_without_build_says_how_to_rank(write_content: WriteContent) -> None:
    content = write_content({"lieux/veto-pinede.md": _aged(PLACE, "2026-03-01")})
    (content.parent / "pelicanconf.py").write_text("")
    out = io.StringIO()
    assert cli.stale(content.parent, TODAY, out=out) == 0
    assert "run `invoke build` first" in out.getvalue()
    assert "content/lieux/veto-pinede.md (Yanis Benali)" in out.getvalue()


def test_cli_refuses_a_bad_setting(write_content: WriteContent) -> None:
    content = write_content()
    (content.parent / "pelicanconf.py").write_text("P2F_EDITORIAL = {'stale_days': 3}\n")
    out = io.StringIO()
    assert cli.stale(content.parent, TODAY, out=out) == 2
    assert out.getvalue().startswith("pelicanconf.py: P2F_EDITORIAL.stale_days")
