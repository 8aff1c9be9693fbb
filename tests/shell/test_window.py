"""The real kiosk window under Xvfb (portrait site ``gare``), driven like a visitor would.

One window for the module; the tests run in file order and each leaves the kiosk in the loop.
The player's clock starts at ``START`` and only moves forward (``advance``) when a test needs the
next slide or the alert's window.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from p2f_player.contract.deeplinks import NFC, QR, deep_link, with_channel
from p2f_player.contract.rules import PARIS
from p2f_player.scheduler import Plan, Play, select_slide
from p2f_player.screen import next_screen_change, screen_on
from tests.shell.conftest import (
    ALERT,
    ALERT_AFTER,
    ROOT,
    SLIDE_S,
    START,
    Kiosk,
    read_nfc,
    wait_for,
    zbar,
)


def screenshot_path(name: str, tmp: Path) -> Path:
    """Where a screenshot goes: ``docs/screenshots/`` (the README's pictures) only when
    ``UPDATE_SCREENSHOTS=1``, else ``tmp``: a test run never rewrites tracked files."""
    folder = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else tmp
    return folder / name


COVER = "(document.getElementById('veille') || {style: {display: 'none'}}).style.display"


def expected_first(kiosk: Kiosk) -> tuple[Any, Plan]:
    plan = Plan.from_manifest(kiosk.bundle.document)
    return select_slide(plan, [], START), plan


def slide_link(kiosk: Kiosk, slide_id: str, lang: str) -> str:
    for slide in kiosk.bundle.document["slides"]:
        if slide["id"] == slide_id:
            return str(slide["deep_links"][lang])
    raise AssertionError(slide_id)


def journal(kiosk: Kiosk, kind: str) -> list[str]:
    with sqlite3.connect(kiosk.cache / "journal.sqlite") as db:
        return [row[0] for row in db.execute("SELECT data FROM events WHERE kind = ?", (kind,))]


@contextmanager
def finger_resting(kiosk: Kiosk) -> Iterator[None]:
    """A visitor touching blank space on the page (no link): touch mode stays open meanwhile."""
    done = threading.Event()

    def touch() -> None:
        while not done.wait(0.4):
            kiosk.frame_js(
                "dir",
                "document.body.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}))",
            )

    thread = threading.Thread(target=touch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def qr_on_screen(kiosk: Kiosk, shot: Path) -> list[str]:
    """Screenshots until the QR code on screen decodes (the software renderer paints late)."""
    return wait_for(lambda: zbar(kiosk.display.screenshot(shot)), what=f"a QR code in {shot}")


def touch_link(kiosk: Kiosk, href: str) -> None:
    """One touch on the link ``href`` of the directory page (pointer down, then the click)."""
    found = kiosk.frame_js(
        "dir",
        "(function () { var d = document;"
        f" var a = d.querySelector('a[href=\"{href}\"]'); if (!a) return false;"
        " a.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}));"
        " a.click(); return true; })()",
    )
    assert found, f"no link {href} on the page"


def test_loop_shows_the_slide_the_scheduler_chose(portrait_kiosk: Kiosk, tmp_path: Path) -> None:
    kiosk = portrait_kiosk
    first, plan = expected_first(kiosk)
    page = kiosk.settled()
    release = kiosk.state()["python"]["last_play"]["release"]
    assert page["mode"] == "loop"
    assert page["current"] == first.slide_id
    assert page["shown"] == f"/bundle/{release}/{first.slide.pages[first.language]}"
    link = slide_link(kiosk, first.slide_id, first.language)
    assert page["link"] == link and page["qr"]
    # the screen itself: the QR code drawn on it decodes to the deep link of that slide, marked
    # as a QR hand-off (&v=q) so the website's access log tells a scan from a tap
    shot = screenshot_path("kiosk-loop-portrait.png", tmp_path)
    assert qr_on_screen(kiosk, shot) == [with_channel(link, QR)] == [link + "&v=q"]

    # the loop advances: at the end of the slide, the scheduler's next choice is on screen
    after = START + timedelta(seconds=SLIDE_S)
    second = select_slide(plan, [Play(first.slide_id, None, START, SLIDE_S)], after)
    assert second.slide_id != first.slide_id
    kiosk.advance(SLIDE_S)
    page = wait_for(
        lambda: (p := kiosk.settled())["current"] == second.slide_id and p, what="next slide"
    )
    link = slide_link(kiosk, second.slide_id, second.language)
    assert page["link"] == link
    assert qr_on_screen(kiosk, tmp_path / "second.png") == [with_channel(link, QR)]


def test_nfc_tag_carries_the_slide_on_screen_then_the_next(portrait_kiosk: Kiosk) -> None:
    kiosk = portrait_kiosk
    assert kiosk.nfc is not None
    page = kiosk.settled()
    assert read_nfc(kiosk.nfc) == with_channel(page["link"], NFC) == page["link"] + "&v=n"
    kiosk.advance(SLIDE_S)
    changed = wait_for(
        lambda: (p := kiosk.settled())["current"] != page["current"] and p, what="slide change"
    )
    assert changed["link"] != page["link"]
    assert read_nfc(kiosk.nfc) == with_channel(changed["link"], NFC)
    taps = [json.loads(t)["link"] for t in journal(kiosk, "nfc_tap")]
    assert page["link"] in taps and changed["link"] in taps  # journaled as the manifest's link


def test_touch_opens_the_directory_and_the_vet_in_three_touches(
    portrait_kiosk: Kiosk, tmp_path: Path
) -> None:
    kiosk = portrait_kiosk
    lang = kiosk.settled()["lang"]
    release = kiosk.state()["python"]["last_play"]["release"]
    # touch 1, anywhere on the loop: the directory of the site, in the slide's language
    kiosk.js(
        "document.elementFromPoint(540, 900).dispatchEvent(new PointerEvent('pointerdown',"
        " {bubbles: true, clientX: 540, clientY: 900})) || true"
    )
    page = wait_for(
        lambda: (
            (p := kiosk.page())["touchPath"] == f"/bundle/{release}/directory/{lang}/index.html"
            and p
        ),
        what="the directory",
    )
    assert page["mode"] == "touch"
    names = kiosk.js(
        "Array.prototype.map.call(document.querySelectorAll('#langs button'),"
        " function (b) { return b.textContent; })"
    )
    assert names == ["Français", "English", "Deutsch", "Español"]  # names, not flags or codes
    touch_link(kiosk, "places-services.html")  # touch 2: the category
    wait_for(lambda: kiosk.page()["touchPath"].endswith("/places-services.html"), what="services")
    touch_link(kiosk, "items/veto-pinede.html")  # touch 3: the vet
    page = wait_for(
        lambda: (
            (p := kiosk.page())["touchPath"].endswith("/items/veto-pinede.html")
            and p["touchLink"]
            and p
        ),
        what="the vet's page",
    )
    vet = deep_link("veto-pinede", "gare", lang)
    assert page["touchLink"] == vet
    assert any(c.isdigit() for c in page["countdown"])  # the visible countdown to the loop
    with finger_resting(kiosk):
        shot = screenshot_path("kiosk-touch-portrait.png", tmp_path)
        assert qr_on_screen(kiosk, shot) == [with_channel(vet, QR)]
        # the phone gets the vet, not the slide behind
        assert read_nfc(kiosk.nfc or "") == with_channel(vet, NFC)
        assert kiosk.page()["mode"] == "touch"


def test_idle_time_returns_to_the_loop(portrait_kiosk: Kiosk) -> None:
    kiosk = portrait_kiosk
    # the previous test left the vet's page open; nobody touches it now
    page = wait_for(lambda: (p := kiosk.page())["mode"] == "loop" and p, what="idle return")
    assert page["shown"].startswith("/bundle/") and page["link"]
    sessions = wait_for(lambda: journal(kiosk, "touch_session"), what="the touch session")
    last = json.loads(sessions[-1])
    assert last["end"] == "idle" and last["pages"] == 3


def test_a_wall_clock_step_does_not_hold_touch_mode_open(portrait_kiosk: Kiosk) -> None:
    kiosk = portrait_kiosk
    kiosk.settled()
    kiosk.js("document.body.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true})) && 1")
    wait_for(lambda: kiosk.page()["touchPath"], what="the directory")
    # the page's wall clock steps back an hour (NTP): the idle countdown runs on, unmoved
    kiosk.js(
        "(function (real) { window.__realNow = real;"
        " Date.now = function () { return real() - 3600000; }; return true; })(Date.now)"
    )
    try:
        wait_for(lambda: kiosk.page()["mode"] == "loop", what="idle return despite the step")
    finally:
        kiosk.js("(Date.now = window.__realNow) && true")
    assert json.loads(journal(kiosk, "touch_session")[-1])["seconds"] >= 0


def test_navigation_outside_the_bundle_is_refused(portrait_kiosk: Kiosk) -> None:
    kiosk = portrait_kiosk
    origin = kiosk.url().split("/shell/")[0]
    kiosk.js("setTimeout(function () { location.href = 'https://example.org/'; }, 0) && true")
    wait_for(lambda: "https://example.org/" in kiosk.state()["python"]["refused"], what="refusal")
    # the kiosk page is still (or again) the one on screen, playing
    wait_for(lambda: kiosk.url().startswith(origin + "/shell/"), what="the kiosk page")
    assert kiosk.settled()["mode"] == "loop"


def test_an_alert_takes_the_screen_at_once(portrait_kiosk: Kiosk, tmp_path: Path) -> None:
    kiosk = portrait_kiosk
    before = kiosk.settled()["current"]
    assert before != ALERT
    # move the player's clock into the alert's window: it must not wait for the slide's end
    kiosk.advance(ALERT_AFTER.total_seconds())
    page = wait_for(lambda: (p := kiosk.settled())["current"] == ALERT and p, what="the alert")
    assert page["alert"]
    # the alert's own turn (the page's "lang" is touch mode's); the screen may still show the
    # slide before for a moment (the renderer paints late): wait for the alert's QR code
    link = slide_link(kiosk, ALERT, kiosk.state()["python"]["last_play"]["lang"])
    shot = tmp_path / "alert.png"
    marked = [with_channel(link, QR)]
    wait_for(lambda: zbar(kiosk.display.screenshot(shot)) == marked, what="the alert's QR code")


def test_a_release_dropped_in_the_inbox_is_verified_and_taken(portrait_kiosk: Kiosk) -> None:
    kiosk = portrait_kiosk
    kiosk.bundle.publish(2, into=kiosk.inbox)
    wait_for(lambda: (kiosk.cache / "current").resolve().name.startswith("00000002"), 120, "swap")
    kiosk.advance(SLIDE_S)  # the player takes a new release between two slides
    wait_for(
        lambda: kiosk.state()["python"]["last_play"]["release"].startswith("00000002"),
        what="the new release on screen",
    )


def test_systemd_hears_ready_and_watchdog_pings(portrait_kiosk: Kiosk) -> None:
    heard: set[str] = set()

    def listen() -> bool:
        with suppress(TimeoutError):
            heard.add(portrait_kiosk.notify.recv(256).decode())
        return {"READY=1", "WATCHDOG=1"} <= heard

    wait_for(listen, what="sd_notify messages")


def test_a_screenshot_goes_with_the_heartbeat(portrait_kiosk: Kiosk) -> None:
    kiosk = portrait_kiosk
    telemetry = kiosk.bundle.folder / "telemetry" / kiosk.bundle.site
    for old in telemetry.glob("*/screenshot.jpg"):
        old.unlink()
    kiosk.settled()
    kiosk.advance(16 * 60)  # the next heartbeat, 15 minutes after the last screenshot
    shot = wait_for(lambda: next(telemetry.glob("*/screenshot.jpg"), None), what="a screenshot")
    assert (shot.parent / "heartbeat.json").is_file()  # next to the heartbeat
    with Image.open(shot) as image:
        assert image.format == "JPEG" and image.size == (360, 640)
        _darkest, brightest = zip(*image.convert("RGB").getextrema(), strict=True)
        assert max(brightest) > 128, "an all-black screenshot"


def clock_now(kiosk: Kiosk) -> datetime:
    return datetime.fromisoformat(kiosk._call("/advance?seconds=0", "")["now"])


def test_the_screen_sleeps_outside_its_hours_and_wakes(portrait_kiosk: Kiosk) -> None:
    kiosk = portrait_kiosk
    site = kiosk.bundle.document["site"]
    assert site["screen_hours"], "the gare's screen hours changed"
    kiosk.settled()
    now = clock_now(kiosk)
    off = next_screen_change(site, now)
    assert off is not None and screen_on(site, now)
    kiosk.advance((off - now).total_seconds() + 1)  # 01:30: the gare's screen goes off
    wait_for(lambda: kiosk.state()["python"]["veille"], what="the veille")
    wait_for(lambda: kiosk.js(COVER) == "block", what="the black cover")
    slides = len(journal(kiosk, "slide"))
    kiosk.advance(30 * 60)  # half an hour later, still night: nothing played, nothing journaled
    wait_for(lambda: clock_now(kiosk) > off + timedelta(minutes=30), what="the clock")
    assert kiosk.state()["python"]["veille"] and kiosk.js(COVER) == "block"
    assert len(journal(kiosk, "slide")) == slides
    screens = [json.loads(e) for e in journal(kiosk, "screen")]
    assert screens[-1]["on"] is False and screens[-1]["until"]

    now = clock_now(kiosk)
    on = next_screen_change(site, now)
    assert on is not None and on.astimezone(PARIS).hour == 5
    kiosk.advance((on - now).total_seconds() + 1)  # 05:00: on again, the loop plays
    page = wait_for(
        lambda: (p := kiosk.settled()) and not kiosk.state()["python"]["veille"] and p,
        what="the screen back on",
    )
    wait_for(lambda: kiosk.js(COVER) == "none", what="the cover lifted")
    assert page["mode"] == "loop" and page["shown"]
    assert json.loads(journal(kiosk, "screen")[-1])["on"] is True
    wait_for(lambda: len(journal(kiosk, "slide")) > slides, what="slides journaled again")


def test_the_page_collects_its_garbage(portrait_kiosk: Kiosk) -> None:
    kiosk = portrait_kiosk
    assert kiosk.js("typeof window.gc") == "function"  # --js-flags=--expose-gc (run.py)
    assert kiosk.js("!!window.__p2fGc")  # the timer GC_JS set up once the page was ready


def engine_processes(pid: int) -> list[str]:
    """The command lines of the web engine's own processes under the player ``pid``."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        todo.extend(children.get(child, []))
        with suppress(OSError):
            command = (Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0") or [b""])[0]
            if b"QtWebEngineProcess" in command:
                found.append(command.decode())
    return found


def test_the_window_runs_the_lean_engine_profile(portrait_kiosk: Kiosk) -> None:
    """The default profile (shell/flags.py) reaches the engine the player opens."""
    kiosk = portrait_kiosk
    engine = kiosk.state()["python"]["engine"]
    assert {"--single-process", "--disable-gpu", "--enable-low-end-device-mode"} <= set(
        engine["flags"].split()
    )
    # --single-process: the renderer is a thread of the player, no engine process of its own
    assert engine_processes(kiosk.proc.pid) == []
    # QT_QUICK_BACKEND=software and QT_XCB_GL_INTEGRATION=none: Qt draws without OpenGL and
    # loads no Mesa driver (llvmpipe: ~50 MB); --disable-gpu: the page gets no WebGL either
    assert engine["scene_graph"] == "software"
    maps = Path(f"/proc/{kiosk.proc.pid}/maps").read_text()
    assert "_dri.so" not in maps and "libLLVM" not in maps
    assert kiosk.js("document.createElement('canvas').getContext('webgl') === null") is True
    assert engine["http_cache"] == "NoCache"  # read back from the web profile


def test_the_hidden_slide_frame_lets_its_slide_go(portrait_kiosk: Kiosk) -> None:
    """Once a cross-fade is over, the frame behind holds no document (one slide in memory)."""
    kiosk = portrait_kiosk
    before = kiosk.settled()["shownId"]
    kiosk.advance(SLIDE_S)  # a fade: the old slide stays visible until the new one is loaded
    wait_for(lambda: kiosk.settled()["shownId"] != before, what="the next slide")
    on = kiosk.js("document.getElementById('frame-a').classList.contains('on')")
    front, back = ("frame-a", "frame-b") if on else ("frame-b", "frame-a")
    assert "/bundle/" in kiosk.frame_js(front, "location.href", world=1)
    wait_for(
        lambda: kiosk.frame_js(back, "location.href", world=1) == "about:blank",
        what="the hidden frame blanked",
    )


def test_the_engine_hears_memory_is_short_and_the_slide_stays_drawn(
    portrait_kiosk: Kiosk, tmp_path: Path
) -> None:
    """``lean`` tells Chromium every 30 s that memory is critically short (it then drops the
    decoded images and raster tiles it keeps to go faster): the slide on screen stays drawn in
    every screenshot taken across a signal, and the page does not move."""
    kiosk = portrait_kiosk
    kiosk.settled()
    page_url = kiosk.url()
    before = int(kiosk.state()["python"]["engine"]["pressure_signals"])
    width, height = kiosk.display.width, kiosk.display.height
    slide_area = (0.0, height * 0.1, float(width), height * 0.5)
    shots: list[bool] = []

    def drawn_across_a_signal() -> bool:
        shot = kiosk.display.screenshot(tmp_path / f"pressure-{len(shots)}.png")
        shots.append(not_blank(shot, slide_area))
        signals = int(kiosk.state()["python"]["engine"]["pressure_signals"])
        return signals > before and len(shots) >= 3

    wait_for(drawn_across_a_signal, timeout=60, what="a memory-pressure signal")
    after = kiosk.display.screenshot(tmp_path / "pressure-after.png")
    assert all(shots) and not_blank(after, slide_area)
    assert kiosk.url() == page_url


def not_blank(shot: Path, box: tuple[float, float, float, float]) -> bool:
    """The screenshot's ``box`` (left, top, width, height) has more than one colour."""
    left, top, width, height = box
    with Image.open(shot) as image:
        part = image.convert("RGB").crop(
            (int(left), int(top), int(left + width), int(top + height))
        )
        return len(part.getcolors(1 << 16) or [0, 0]) > 1
