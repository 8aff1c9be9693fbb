"""Release documents cannot reach the kiosk page, its bridge to Python or the phone hand-off.

The real window under Xvfb plays a signed release of the test's own making: a slide whose
scripts try to call the Python bridge, rewrite the QR code and the hand-off link, and open
``https://evil.example/``; a directory page whose script (directory pages may run their own
files) tries the same and forges the page's messages. Nothing of it works: the QR code on the
screen and the NFC tag carry the manifest's deep link, the page stays, no window opens (an
outside browser would run ``$BROWSER``, which leaves a mark), and the local servers send a CSP.
"""

from __future__ import annotations

import json
import stat
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from p2f_player.contract.deeplinks import NFC, QR, deep_link, with_channel
from tests.shell.conftest import (
    SLIDE_S,
    Kiosk,
    builds_folder,
    built_site,
    make_bundle,
    read_nfc,
    start_kiosk,
    start_xvfb,
    stop_kiosk,
    wait_for,
    zbar,
)

SITE = "gare"
OUTSIDE = "https://phare.example/horaires"  # a link the evil directory page really carries
EVIL_JS = """(function () {
  var tried = {};
  function attempt(name, fn) { try { fn(); tried[name] = "done"; } catch (e) { tried[name] = e.name; } }
  attempt("bridge", function () { window.parent.pywebview.api.handoff("https://evil.example/b"); });
  attempt("top-bridge", function () { window.top.pywebview.api.shown("https://evil.example/", "loop"); });
  attempt("qt", function () { new QWebChannel(qt.webChannelTransport, function () {}); });
  attempt("dom", function () { window.parent.document.getElementById("qr").src = "data:,"; });
  attempt("message", function () {
    window.parent.postMessage({ p2f: "handoff", href: "https://evil.example/message" }, "*");
  });
  attempt("open", function () { if (!window.open("https://evil.example/open")) { throw new TypeError("null"); } });
  window.__evil = tried;
  document.title = "evil ran";
  setTimeout(function () {
    attempt("top", function () { window.top.location.href = "https://evil.example/top"; });
    window.__evilDone = true;
  }, 0);
})();
"""
SLIDE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>evil slide</title>
<link rel="stylesheet" href="../assets/kiosk.css"></head>
<body class="slide"><main><h1>Une diapositive</h1></main>
<script>window.__inline = true; document.title = "inline ran";</script>
<script src="../directory/evil.js"></script></body></html>
"""
PAGE = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>evil page</title>
</head><body><header></header><main><h1>Une page</h1><p><a href="{OUTSIDE}">Horaires</a></p>
</main><script src="../../evil.js"></script></body></html>
"""


def evil_slide(built: dict[str, Any]) -> dict[str, Any]:
    template = next(s for s in built["slides"] if s["kind"] == "place" and "open" not in s)
    return dict(
        template,
        id="evil",
        titles={"fr": "Evil"},
        pages={"fr": "slides/evil.fr.html"},
        text_langs={"fr": "fr"},
        deep_links={"fr": deep_link("evil", SITE, "fr")},
        rules={"duration_s": SLIDE_S, "priority": 50, "weight": 1.0},
        window=None,
        interrupt=False,
        sponsor=None,
    )


@pytest.fixture(scope="module")
def evil_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Kiosk, Path]]:
    tmp = tmp_path_factory.mktemp("kiosk-isolation")
    built = json.loads((built_site(SITE, builds_folder(tmp)) / "manifest.json").read_bytes())
    bundle = make_bundle(
        tmp,
        SITE,
        (),
        None,
        planted={
            "slides/evil.fr.html": SLIDE.encode(),
            "directory/evil.js": EVIL_JS.encode(),
            "directory/fr/items/evil.html": PAGE.encode(),
        },
        slides=[evil_slide(built)],
    )
    # an outside browser launched by the kiosk would run $BROWSER: it leaves a mark
    mark = tmp / "browser-launched"
    browser = tmp / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {mark}\n')
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    xvfb, display = start_xvfb(1080, 1920)
    try:
        kiosk = start_kiosk(tmp, bundle, display, idle_s=120, env={"BROWSER": str(browser)})
        yield kiosk, mark
        stop_kiosk(kiosk)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def qr_on_screen(kiosk: Kiosk, shot: Path) -> list[str]:
    return wait_for(lambda: zbar(kiosk.display.screenshot(shot)), what=f"a QR code in {shot}")


def assert_untouched(kiosk: Kiosk, mark: Path, link: str, shot: Path) -> None:
    """The hand-off is the manifest's, on the screen and on the tag; the page is the kiosk's."""
    state = kiosk.state()
    assert state["python"]["link"] == link
    assert qr_on_screen(kiosk, shot) == [with_channel(link, QR)]  # marked: &v=q
    assert read_nfc(kiosk.nfc or "") == with_channel(link, NFC)  # marked: &v=n
    assert kiosk.url() == state["python"]["origins"]["page"] + "/shell/index.html"
    assert not mark.exists(), f"an outside browser was launched: {mark.read_text()}"


def test_a_slide_runs_no_script_and_the_hand_off_is_the_manifests(
    evil_kiosk: tuple[Kiosk, Path], tmp_path: Path
) -> None:
    kiosk, mark = evil_kiosk
    page = kiosk.settled()
    assert page["current"] == "evil"
    # the slide's frame runs no script of its own: look at it from a world of the window's
    assert kiosk.frame_js("slides/evil", "document.title", world=1) == "evil slide"
    assert kiosk.frame_js("slides/evil", "1 + 1") is None  # its own world runs nothing
    link = deep_link("evil", SITE, "fr")
    assert page["link"] == link
    assert_untouched(kiosk, mark, link, tmp_path / "slide.png")


def test_a_directory_script_reaches_neither_the_page_nor_the_bridge(
    evil_kiosk: tuple[Kiosk, Path], tmp_path: Path
) -> None:
    kiosk, mark = evil_kiosk
    kiosk.settled()
    kiosk.js("document.body.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true})) && 1")
    wait_for(lambda: kiosk.page()["touchPath"], what="the directory")
    kiosk.frame_js("dir", "location.href = 'items/evil.html'")  # a visitor reaches the page
    wait_for(lambda: kiosk.page()["touchPath"].endswith("/items/evil.html"), what="evil page")
    wait_for(lambda: kiosk.frame_js("dir", "window.__evilDone === true"), what="the script")
    tried = kiosk.frame_js("dir", "window.__evil")
    for attempt in ("bridge", "top-bridge", "qt", "dom", "open"):
        assert tried[attempt] != "done", (attempt, tried)
    # the forged hand-off message reached Python, which refused it
    wait_for(
        lambda: "hand-off https://evil.example/message" in kiosk.state()["python"]["refused"],
        what="the forged hand-off refused",
    )
    link = deep_link("evil", SITE, "fr")  # the item's deep link, from the signed release
    assert kiosk.page()["touchLink"] == link
    assert_untouched(kiosk, mark, link, tmp_path / "page.png")
    # a link the verified page carries is handed off when touched
    kiosk.frame_js("dir", f"document.querySelector('a[href=\"{OUTSIDE}\"]').click()")
    wait_for(lambda: kiosk.page()["touchLink"] == OUTSIDE, what="the outside link")
    shot = tmp_path / "outside.png"
    # an outside link is handed off as the page carries it: no channel mark on its server
    wait_for(lambda: zbar(kiosk.display.screenshot(shot)) == [OUTSIDE], what="its QR code")
    assert read_nfc(kiosk.nfc or "") == OUTSIDE
    assert kiosk.state()["python"]["link"] == OUTSIDE
    kiosk.js("document.getElementById('close').click() || true")
    wait_for(lambda: kiosk.page()["mode"] == "loop", what="the loop")


def test_new_windows_are_refused_by_the_window_itself(evil_kiosk: tuple[Kiosk, Path]) -> None:
    kiosk, mark = evil_kiosk
    kiosk.settled()
    # even the kiosk page's own world (were it ever compromised) gets no window: a script...
    assert kiosk.js("window.open('https://evil.example/') === null") is True
    # ... nor a touch on a link to a new window (a user gesture: Chromium asks the window)
    kiosk.js(
        "(function () { var a = document.createElement('a'); a.id = 'evil-link';"
        " a.href = 'https://evil.example/blank'; a.target = '_blank'; a.textContent = 'x';"
        " a.style.cssText = 'position:fixed;left:0;top:0;width:300px;height:300px;z-index:99';"
        " document.body.appendChild(a); return true; })()"
    )
    try:
        kiosk.click(150, 150)
    finally:
        kiosk.js("document.getElementById('evil-link').remove() || true")
    wait_for(
        lambda: any(r.startswith("new window") for r in kiosk.state()["python"]["refused"]),
        what="the refusal",
    )
    assert not mark.exists(), "pywebview handed the URL to an outside browser"
    assert kiosk.url().endswith("/shell/index.html")
    kiosk.js("document.getElementById('close').click() || true")  # the touch opened the directory
    assert wait_for(lambda: kiosk.settled()["mode"] == "loop", what="the loop")


def test_the_local_servers_send_a_content_security_policy(
    evil_kiosk: tuple[Kiosk, Path],
) -> None:
    kiosk, _ = evil_kiosk
    origins = kiosk.state()["python"]["origins"]
    release = kiosk.state()["python"]["last_play"]["release"]
    with urllib.request.urlopen(origins["page"] + "/shell/index.html") as answer:
        page = answer.headers
    with urllib.request.urlopen(f"{origins['content']}/bundle/{release}/slides/evil.fr.html") as a:
        slide = a.headers
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert "script-src 'none'" in slide["Content-Security-Policy"]
    assert f"frame-ancestors {origins['page']}" in slide["Content-Security-Policy"]
    assert page["X-Content-Type-Options"] == slide["X-Content-Type-Options"] == "nosniff"
