"""Screens v2 in the real window under Xvfb, both orientations: the warning strip over ordinary
slides, the FR marker of a slide played in French in another language's turn, and the "now"
board drawn at play time (served from the window's own folder, never the release's).

The release holds two places, a running ``warning`` alert (a strip level), ``TONIGHT`` (an
untranslated concert, restricted to the German turn) and the site's now board. The player's
clock starts at ``START`` (Tuesday 10:00) and moves one slide at a time (``advance``).

``UPDATE_SCREENSHOTS=1`` writes ``docs/screenshots/slide-now-<orientation>.png`` and
``slide-strip-<orientation>.png``; otherwise the screenshots go to a temporary folder.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from p2f_player.nowboard import parse_now_script, pick, place_phrase
from tests.shell.conftest import (
    ALERT,
    PLACES,
    ROOT,
    SLIDE_S,
    START,
    TONIGHT,
    Kiosk,
    builds_folder,
    built_site,
    make_bundle,
    start_kiosk,
    start_xvfb,
    stop_kiosk,
    wait_for,
)

SITES = {"portrait": ("gare", 1080, 1920), "landscape": ("bureau-pinede-sur-mer", 1920, 1080)}
BOARD_WORDS = {"fr": "Maintenant près d’ici", "de": "Jetzt in der Nähe"}
IN_FRENCH_DE = "Text auf Französisch"  # plugins/p2f_kiosk/labels.py, in_french, German


def screenshot_path(name: str, tmp: Path) -> Path:
    folder = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else tmp
    return folder / name


def screens_slides(built: dict[str, Any], site: str) -> list[dict[str, Any]]:
    """Two places, the warning alert running from before ``START``, the concert in the German
    turn only (its page is the French one: it has no translation), and the now board."""
    rules = {"duration_s": SLIDE_S, "priority": 50, "weight": 1.0}
    by_id = {slide["id"]: slide for slide in built["slides"]}
    chosen = [dict(by_id[i], rules=rules, window=None) for i in PLACES[:2]]
    window = {
        "from": (START - timedelta(hours=1)).isoformat(),
        "until": (START + timedelta(hours=3)).isoformat(),
    }
    chosen.append(dict(by_id[ALERT], rules=rules, window=window, level="warning", interrupt=False))
    chosen.append(dict(by_id[TONIGHT], rules=dict(rules, languages=["de"])))
    chosen.append(dict(by_id[f"now-{site}"], rules=rules))
    return chosen


@pytest.fixture(scope="module", params=["portrait", "landscape"])
def screens(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Kiosk]:
    orientation = request.param
    site, width, height = SITES[orientation]
    tmp = tmp_path_factory.mktemp(f"screens-{orientation}")
    built = json.loads((built_site(site, builds_folder(tmp)) / "manifest.json").read_bytes())
    bundle = make_bundle(tmp, site, (), None, slides=screens_slides(built, site))
    xvfb, display = start_xvfb(width, height)
    try:
        kiosk = start_kiosk(tmp, bundle, display, idle_s=30)
        yield kiosk
        stop_kiosk(kiosk)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def orientation_of(kiosk: Kiosk) -> str:
    return str(kiosk.bundle.document["site"]["orientation"])


def last_play(kiosk: Kiosk) -> dict[str, Any]:
    return kiosk.state()["python"]["last_play"]  # type: ignore[no-any-return]


def play_until(kiosk: Kiosk, wanted: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
    """Move the clock one slide at a time until the settled slide is ``wanted``; the page's
    state, with ``lang`` the language turn of that slide."""
    for _ in range(24):
        page = kiosk.settled()
        play = last_play(kiosk)
        if play["id"] == page["current"] and wanted(play):
            return dict(page, lang=play["lang"])  # the slide's turn (the page's is touch mode's)
        kiosk.advance(SLIDE_S)
        before = play["now_ms"]
        wait_for(lambda: last_play(kiosk)["now_ms"] != before, what="the next slide")  # noqa: B023
    pytest.fail(f"no {what} in 24 slides")


def frame_text(kiosk: Kiosk, script: str) -> Any:
    """``script`` in the frame on top (world 1: slides run no script of their own)."""
    return kiosk.frame_js(last_play(kiosk)["path"], script, world=1)


def steady_shot(kiosk: Kiosk, path: Path) -> Path:
    """A screenshot once the screen stops changing (the software renderer paints a new frame's
    document late: the first shots may still show the slide before)."""
    previous: list[bytes] = []

    def same_twice() -> bool:
        time.sleep(1.0)
        with Image.open(kiosk.display.screenshot(path)) as image:
            pixels = image.convert("RGB").tobytes()
        steady = previous == [pixels]
        previous[:] = [pixels]
        return steady

    wait_for(same_twice, what="a steady screen")
    return path


def not_blank(shot: Path, box: tuple[float, float, float, float]) -> bool:
    """The screenshot's ``box`` (CSS px: left, top, width, height) has more than one colour."""
    left, top, width, height = box
    with Image.open(shot) as image:
        part = image.convert("RGB").crop(
            (int(left), int(top), int(left + width), int(top + height))
        )
        return len(part.getcolors(1 << 16) or [0, 0]) > 1


def test_ordinary_slides_play_under_the_warning_strip(screens: Kiosk, tmp_path: Path) -> None:
    kiosk = screens
    alert_title = kiosk.bundle.document["slides"][2]["titles"]
    page = play_until(kiosk, lambda p: p["id"] in PLACES, "place slide")
    lang = page["lang"]
    assert page["shownId"] in PLACES  # an ordinary slide plays while the warning runs
    assert page["strip"] == [alert_title[lang]] and page["stripShown"]
    assert page["stripLevel"] == "level-warning"
    _, top, width, height = page["stripBox"]
    screen_h = kiosk.display.height
    assert height > 0 and width == kiosk.display.width
    assert top >= screen_h * 0.9 - 1 and top + height <= screen_h + 1  # the slides' strip area
    size = kiosk.js("getComputedStyle(document.querySelector('#strip-list')).fontSize")
    assert float(size.removesuffix("px")) >= 36  # readable at 3 m
    shot = steady_shot(kiosk, screenshot_path(f"slide-strip-{orientation_of(kiosk)}.png", tmp_path))
    assert not_blank(shot, page["stripBox"])

    # the next slide keeps the strip: it stays until the alert ends
    kiosk.advance(SLIDE_S)
    again = play_until(kiosk, lambda p: p["id"] != page["current"], "another slide")
    assert again["strip"] == [alert_title[again["lang"]]] and again["stripShown"]


def test_a_french_text_in_the_german_turn_carries_the_fr_marker(screens: Kiosk) -> None:
    kiosk = screens
    page = play_until(kiosk, lambda p: p["id"] == TONIGHT, "the concert")
    play = last_play(kiosk)
    assert page["lang"] == "de" and play["text_lang"] == "fr"
    assert page["french"] == {"text": "FR", "label": IN_FRENCH_DE}
    assert play["path"].endswith(f"/slides/{TONIGHT}.fr.html")  # the French page, not a fake de
    assert frame_text(kiosk, "document.documentElement.lang") == "fr"
    # a slide in its own language has no marker
    other = play_until(kiosk, lambda p: p["id"] in PLACES, "a place")
    assert other["french"] is None


SLIDE_TEXT_BOXES = (
    "Array.prototype.map.call(document.querySelectorAll('main *, .board *, .cue span, .cue svg'),"
    " function (n) { var r = n.getBoundingClientRect(); return [n.tagName,"
    " (n.textContent || '').slice(0, 40), r.x, r.y, r.width, r.height,"
    " Array.prototype.some.call(n.childNodes, function (c) {"
    " return c.nodeType === 3 && c.textContent.trim(); }) || /^(svg|img)$/i.test(n.tagName)]; })"
)
QR_BOX = (
    "(function () { var b = document.querySelector('#handoff'); var r = b.getBoundingClientRect();"
    " return [!b.hidden, r.x, r.y, r.width, r.height]; })()"
)


def settled_frame_eval(kiosk: Kiosk, script: str) -> Any:
    """``script`` in the frame of the slide last played, once it is on screen (world 1)."""

    def attempt() -> list[Any]:
        path = last_play(kiosk)["path"]
        answer = kiosk._call(f"/eval-frame?match={path}&world=1", script)
        if "result" not in answer:
            raise ValueError(answer)  # the frame of a slide just played: not loaded yet
        return [answer["result"]]

    return wait_for(attempt, what="the slide's frame")[0]


def test_the_qr_box_covers_no_text_of_the_slide(screens: Kiosk) -> None:
    """The shell's QR box (shell page) and the slide's text and NFC cue (in the frame) never
    overlap, on every slide with a hand-off link, in both orientations."""
    kiosk = screens
    seen = set()
    for _ in range(len(kiosk.bundle.document["slides"]) + 2):
        page = play_until(kiosk, lambda p: p["link"] is not None, "a slide with a QR code")
        shown, x, y, width, height = kiosk.js(QR_BOX)
        assert shown and width > 0 and height > 0
        boxes = settled_frame_eval(kiosk, SLIDE_TEXT_BOXES)
        texts = [t for t in boxes if t[6] and t[4] and t[5]]
        assert any(t[1].strip() for t in texts if t[0] == "SPAN" and t[3] > y - 120)  # the cue
        clashes = [
            t[:2]
            for t in texts
            if t[2] < x + width and x < t[2] + t[4] and t[3] < y + height and y < t[3] + t[5]
        ]
        assert clashes == [], (page["current"], (x, y, width, height), clashes)
        seen.add(page["current"])
        before = last_play(kiosk)["now_ms"]
        kiosk.advance(SLIDE_S)
        wait_for(lambda: last_play(kiosk)["now_ms"] != before, what="the next slide")  # noqa: B023
    assert len(seen) >= 2


def test_the_now_board_is_drawn_at_play_time(screens: Kiosk, tmp_path: Path) -> None:
    kiosk = screens
    site = kiosk.bundle.document["site"]["id"]
    # the player's clock was pinned at START and moved on slide by slide: the board must list
    # what holds at the moment it was drawn (the play's now_ms), tonight's concert included
    page = play_until(kiosk, lambda p: p["id"] == f"now-{site}", "the now board")
    play = last_play(kiosk)
    assert play["path"].startswith("/generated/now-") and play["link"] is None
    drawn_at = datetime.fromtimestamp(play["now_ms"] / 1000, START.tzinfo)
    lang = page["lang"]
    heading = frame_text(kiosk, "document.querySelector('h1').textContent")
    assert heading == kiosk.bundle.document["slides"][-1]["titles"][lang]
    lists = frame_text(
        kiosk,
        "Array.prototype.map.call(document.querySelectorAll('section'), function (s) {"
        " return [s.className, Array.prototype.map.call(s.querySelectorAll('li'),"
        " function (li) { return li.textContent; })]; })",
    )
    release = kiosk.cache / "current"
    document = parse_now_script((release / f"directory/{lang}/now.js").read_bytes())
    chosen = pick(document, drawn_at, orientation_of(kiosk))
    sections = dict(lists)
    assert sections["open"] == [p.title + p.meta for p in chosen["places"]] and sections["open"]
    assert sections["events"] == [e.title + e.meta for e in chosen["events"]]
    assert any("Concert du soir sur le quai" in e for e in sections["events"])  # tonight, 21:00
    alert = kiosk.bundle.document["slides"][2]["titles"][lang]
    assert sections["alerts"] == [alert]  # the running warning, also on the strip below
    assert page["strip"] == [alert]
    # drawn into the window's own folder, served with the slides' CSP: no script
    url = kiosk.state()["python"]["origins"]["content"] + play["path"]
    with urllib.request.urlopen(url, timeout=10) as answer:
        policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "sandbox" in policy
    assert not list(release.resolve().rglob("now-*.html"))  # nothing written in the release
    shot = steady_shot(kiosk, screenshot_path(f"slide-now-{orientation_of(kiosk)}.png", tmp_path))
    assert not_blank(shot, (0.0, 0.0, float(kiosk.display.width), kiosk.display.height * 0.5))


def test_the_strip_goes_when_the_alert_ends(screens: Kiosk) -> None:
    kiosk = screens
    page = kiosk.settled()
    assert page["strip"] and page["stripShown"]
    now = datetime.fromisoformat(kiosk._call("/advance?seconds=0", "")["now"])
    end = START + timedelta(hours=3)
    kiosk.advance((end - now).total_seconds() + 1)
    page = wait_for(lambda: (p := kiosk.page())["strip"] == [] and p, what="the strip gone")
    assert not page["stripShown"]
    assert kiosk.js("document.body.classList.contains('strip')") is False
    later = play_until(kiosk, lambda p: p["id"] != page["current"], "the next slide")
    assert later["strip"] == [] and not later["stripShown"]


def test_a_path_out_of_the_generated_folder_is_refused(screens: Kiosk) -> None:
    origin = screens.state()["python"]["origins"]["content"]
    for path in ("/generated/../current/manifest.json", "/generated/.now-1.html.partial"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(origin + path, timeout=10)
        assert refused.value.code == 404
        refused.value.close()


def test_a_place_shows_its_phrase_of_the_moment_over_no_text(screens: Kiosk) -> None:
    """A place's slide is static; the window shows the phrase holding at the play's moment
    (``Ouvert · ferme à …``, in the turn's language) in the top bar, over none of its text."""
    kiosk = screens
    page = play_until(kiosk, lambda p: p["id"] == PLACES[0], "the vet's clinic")
    play = last_play(kiosk)
    drawn_at = datetime.fromtimestamp(play["now_ms"] / 1000, START.tzinfo)
    lang = page["lang"]
    document = parse_now_script((kiosk.cache / "current" / f"directory/{lang}/now.js").read_bytes())
    expected = place_phrase(document, play["id"], drawn_at)
    assert expected is not None and expected[1]  # open on START, closes at 19:00
    chip = page["openNow"]
    assert chip is not None and (chip["text"], chip["open"]) == expected
    assert chip["lang"] == lang and play["open_now"]["text"] == expected[0]
    x, y, width, height = chip["box"]
    assert width > 0 and height > 0
    boxes = settled_frame_eval(kiosk, SLIDE_TEXT_BOXES)
    texts = [t for t in boxes if t[6] and t[4] and t[5]]
    assert texts  # the slide's text was read
    clashes = [
        t[:2]
        for t in texts
        if t[2] < x + width and x < t[2] + t[4] and t[3] < y + height and y < t[3] + t[5]
    ]
    assert clashes == [], (page["current"], chip["box"], clashes)
    # a place without opening hours in the data claims nothing, nor does a slide not a place
    for wanted, what in (
        (lambda i: i == PLACES[1], "a place"),
        (lambda i: i not in PLACES, "no place"),
    ):
        other = play_until(kiosk, lambda p: wanted(p["id"]), what)  # noqa: B023
        assert other["openNow"] is None and last_play(kiosk)["open_now"] is None
