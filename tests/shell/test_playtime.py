"""What the window adds at play time, without a window: the strip's entries, the FR marker's
words, the now board drawn into the window's own folder and served from there with the slides'
CSP (never from, nor into, a release), and the drawn pages that are kept."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from p2f_player.scheduler import Plan, select_slide
from p2f_player.shell.playtime import KEEP, GeneratedPages, PlayTime
from p2f_player.shell.server import BundleServer
from p2f_player.store import LocalRelease
from tests.shell.conftest import ALERT, PLACES, SLIDE_S, START, TONIGHT, builds_folder, built_site
from tests.shell.test_server import headers, policy

SITE = "gare"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> LocalRelease:
    """The built gare release (files as the store lays them out) with a running warning, a
    place, the untranslated concert and the now board; unsigned: nothing here verifies."""
    tmp = tmp_path_factory.mktemp("playtime")
    folder = built_site(SITE, builds_folder(tmp))
    built = json.loads((folder / "manifest.json").read_bytes())
    by_id = {slide["id"]: slide for slide in built["slides"]}
    rules = {"duration_s": SLIDE_S, "priority": 50, "weight": 1.0}
    window = {
        "from": (START - timedelta(hours=1)).isoformat(),
        "until": (START + timedelta(hours=1)).isoformat(),
    }
    slides = [
        dict(by_id[PLACES[0]], rules=rules, window=None),
        dict(by_id[ALERT], rules=rules, window=window, level="warning", interrupt=False),
        dict(by_id[TONIGHT], rules=dict(rules, languages=["de"])),
        dict(by_id[f"now-{SITE}"], rules=rules),
    ]
    document = dict(built, slides=slides)
    envelope = json.dumps({"signed": document, "signatures": []}).encode()
    local = LocalRelease("r1", folder, envelope)
    local.__dict__["document"] = document  # the parsed document, as the store hands it over
    return local


def decide(release: LocalRelease, slide_id: str, lang: str) -> Any:
    """The scheduler's decision at START, with ``slide_id`` the only candidate but alerts."""
    document = dict(
        release.document,
        slides=[s for s in release.document["slides"] if s["id"] in (slide_id, ALERT)],
    )
    plan = replace(Plan.from_manifest(document), languages=(lang,))
    for _ in range(8):
        decision = select_slide(plan, [], START)
        if decision.slide_id == slide_id:
            return decision
    raise AssertionError(f"{slide_id} not chosen: {decision}")


def test_the_strip_lists_the_running_warning_in_the_turns_language(release: LocalRelease) -> None:
    decision = decide(release, PLACES[0], "en")
    assert decision.strip == (ALERT,)
    title = next(s for s in release.document["slides"] if s["id"] == ALERT)["titles"]["en"]
    entries = PlayTime(None).strip(decision, release.document)
    until_ms = int((START + timedelta(hours=1)).timestamp() * 1000)  # the page drops it then
    assert entries == [{"title": title, "level": "warning", "lang": "en", "until_ms": until_ms}]


def test_the_fr_marker_says_text_in_french_in_the_turns_language(release: LocalRelease) -> None:
    decision = decide(release, TONIGHT, "de")
    assert decision.language == "de" and decision.text_language == "fr"
    marker = PlayTime(None).in_french(decision, release)
    assert marker == {"label": "Text auf Französisch", "lang": "de"}  # labels.py, in_french
    assert PlayTime(None).in_french(decide(release, PLACES[0], "de"), release) is None


def test_the_board_is_drawn_into_the_windows_folder_and_served_without_script(
    release: LocalRelease, tmp_path: Path
) -> None:
    generated = tmp_path / "generated"
    generated.mkdir()
    before = sorted(p.relative_to(release.path) for p in release.path.rglob("*"))
    playtime = PlayTime(GeneratedPages(generated))
    decision = decide(release, f"now-{SITE}", "fr")
    path = playtime.board(decision, release, START)
    assert path == "/generated/now-1.html"
    html = (generated / "now-1.html").read_text()
    assert "Concert du soir sur le quai" in html and "Ce soir 21 h" in html  # tonight
    assert "<script" not in html
    assert 'href="/bundle/r1/assets/kiosk.css"' in html  # the release's CSS, same origin
    assert sorted(p.relative_to(release.path) for p in release.path.rglob("*")) == before
    server = BundleServer(lambda: {"r1": release.path}, generated=generated).start()
    try:
        answer = headers(server.content_origin + path)
        csp = policy(answer)
        assert csp["script-src"] == "'none'" and csp["sandbox"] == ""
        assert csp["frame-ancestors"] == server.origin
        assert answer["Cache-Control"] == "no-store"
        for refused in (
            server.origin + path,  # not from the page's origin
            server.content_origin + "/generated/..%2Fgenerated%2Fnow-1.html",
            server.content_origin + "/generated/sub/now-1.html",
        ):
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(refused, timeout=10)
            assert error.value.code == 404
            error.value.close()
    finally:
        server.close()


def test_only_the_last_drawn_pages_are_kept(tmp_path: Path) -> None:
    pages = GeneratedPages(tmp_path)
    paths = [pages.write(f"<p>{n}</p>") for n in range(KEEP + 3)]
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == sorted(p.rsplit("/", 1)[1] for p in paths[-KEEP:])
    assert (tmp_path / paths[-1].rsplit("/", 1)[1]).read_text() == f"<p>{KEEP + 2}</p>"


def test_without_a_folder_the_board_falls_back_to_the_default_card(release: LocalRelease) -> None:
    decision = decide(release, f"now-{SITE}", "fr")
    assert PlayTime(None).board(decision, release, START) is None
