"""The kiosk window: pywebview (Qt WebEngine), the page's bridge, and the navigation guard.

``KioskWindow.display`` is the ``display`` callback of ``Player``: the slide loop calls it with
each ``Decision``; it hands the page what to show next (the page preloads it and cross-fades).
The page answers through ``ShellApi`` (``window.pywebview.api``): what it really shows (the
deep link goes to the QR code and the NFC tag), touch sessions (journaled), and a heartbeat
every few seconds (systemd's watchdog: a frozen web view stops the pings and is restarted).

Release documents (slides, directory pages) come from another origin than the page (see
``server.py``), in sandboxed frames: no frame's script reaches the page, its DOM or the bridge.
What goes to the phone comes from the signed release only: the page names what it shows (a
path), Python looks its link up in the manifest; an outside link touched in the directory is
handed off only if the verified page carries it (``handoff.py``). The Qt side of the guard
(navigations, requests, new windows, the frame script) is in ``guard.py``.

For the player (``veille.py``) it also covers the page in black at night (``veille``) and grabs
a small screenshot of the window (``screenshot``, in the GUI thread); once the page is up it
starts the page's garbage-collector timer (``GC_JS``: the renderer's memory stays flat).

With each slide it also hands the page the warning strip (the running alerts whose level puts
them on a strip), the FR marker when the turn's text is French, and, for the "now" board, a
page drawn at that moment (``playtime.py``: written apart from the releases).

It does not choose slides (the scheduler does) nor read the clock (it is given one).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p2f_player.app import Clock
from p2f_player.journal import Journal
from p2f_player.scheduler import Decision
from p2f_player.shell import guard
from p2f_player.shell.handoff import (
    LANGUAGE_NAMES,
    directory_page,
    hot_strip,
    link_for,
    outside_links,
)
from p2f_player.shell.playtime import PlayTime
from p2f_player.shell.qr import qr_data_uri
from p2f_player.shell.server import GENERATED, ui_folder
from p2f_player.store import LocalRelease

log = logging.getLogger("p2f_player.shell")

LinkListener = Callable[[str | None], None]
READY_TIMEOUT_S = 120.0
# The web engine's renderer grows with every slide (each iframe navigation leaves a document for
# the garbage collector, which, on a page allocating so little, runs too seldom): collect it
# regularly. ``gc`` exists because run.py starts the engine with ``--js-flags=--expose-gc``.
GC_EVERY_MS = 2000
GC_JS = (
    "window.__p2fGc || (window.gc && (window.__p2fGc ="
    f" setInterval(function () {{ window.gc(); }}, {GC_EVERY_MS}))) || true"
)
GRAB_TIMEOUT_S = 20.0
FIRST_PRESSURE_S = 5.0  # the first memory-pressure signal, after the window shows (flags.py)
# The veille: a black cover over the loop (under touch mode, z-index 20, so a touch still opens
# the directory). Injected from here: the page itself (ui/) knows nothing of it.
VEILLE_JS = """(function (on) {
  var cover = document.getElementById("veille");
  if (!cover) {
    cover = document.createElement("div"); cover.id = "veille";
    cover.style.cssText = "position:fixed;inset:0;z-index:15;background:#000;display:none";
    document.body.appendChild(cover);
  }
  cover.style.display = on ? "block" : "none";
  return on;
})(%s)"""
ALLOWED_SCHEMES = ("data", "blob", "qrc")  # requests: the QR codes, pywebview's qwebchannel


@dataclass(frozen=True)
class ShellSettings:
    """What the window needs besides the release (checked by ``run`` at start-up)."""

    site_name: str = ""
    idle_s: float = 60.0  # touch mode returns to the loop after this long without a touch
    heartbeat_s: float = 5.0  # the page pings this often (systemd watchdog)
    fullscreen: bool = True
    width: int = 1080
    height: int = 1920
    single_frame: bool = True  # blank the hidden slide frame once a cross-fade is over
    http_cache: str = "none"  # the web profile's HTTP cache: "memory" or "none" (flags.py)
    pressure: str = ""  # signal this memory pressure ("moderate", "critical") to the engine...
    pressure_s: float = 0.0  # ...every pressure_s seconds (flags.py)

    def __post_init__(self) -> None:
        if not 1 <= self.idle_s <= 3600:
            raise ValueError(f"idle_s: {self.idle_s} must lie between 1 and 3600 seconds")
        if not 1 <= self.heartbeat_s <= 60:
            raise ValueError(f"heartbeat_s: {self.heartbeat_s} must lie between 1 and 60 seconds")
        if self.http_cache not in ("memory", "none"):
            raise ValueError(f"http_cache: {self.http_cache!r} must be 'memory' or 'none'")
        if self.pressure not in ("", "moderate", "critical"):
            raise ValueError(f"pressure: {self.pressure!r} must be 'moderate', 'critical' or ''")


@dataclass
class Screen:
    """What the page last reported as visible (read by the NFC tag, tests and the status)."""

    mode: str = "loop"
    path: str | None = None
    link: str | None = None
    slide: str | None = None
    touch_sessions: int = 0
    heartbeats: int = 0
    veille: bool = False
    refused: list[str] = field(default_factory=list)


class ShellApi:
    """Methods the page calls (``window.pywebview.api.<name>``); each returns JSON-able data.

    Attributes are private on purpose: pywebview exposes every public attribute to the page.
    """

    def __init__(self, shell: KioskWindow) -> None:
        self._shell = shell

    def ready(self) -> dict[str, Any]:
        return self._shell.page_ready()

    def shown(self, path: str | None, mode: str) -> dict[str, Any]:
        return self._shell.page_shown(path, mode)

    def handoff(self, url: str) -> dict[str, Any]:
        return self._shell.page_handoff(url)

    def touch(self, event: str, data: dict[str, Any]) -> None:
        self._shell.page_touch(event, data)

    def heartbeat(self) -> None:
        self._shell.page_heartbeat()


class KioskWindow:
    def __init__(
        self,
        origin: str,
        settings: ShellSettings,
        clock: Clock,
        journal: Journal | None = None,
        on_heartbeat: Callable[[], None] | None = None,
        *,
        content_origin: str,
        releases: Callable[[], Mapping[str, Path]] = dict,
        playtime: PlayTime | None = None,
    ) -> None:
        """``origin`` serves the page, ``content_origin`` the ``releases`` (name -> folder) and
        the pages ``playtime`` draws (the now board; without it, it shows the default card)."""
        if content_origin == origin:
            raise ValueError("the releases must not be served from the page's origin")
        self.origin, self.settings, self.clock, self.journal = origin, settings, clock, journal
        self.content_origin, self.releases = content_origin, releases
        self.playtime = playtime or PlayTime(None)
        self.on_heartbeat = on_heartbeat or (lambda: None)
        self.screen = Screen()
        self.link_listeners: list[LinkListener] = []
        self.window: Any = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._document: dict[str, Any] | None = None
        self._last_play: dict[str, Any] | None = None
        self._touch_started: float | None = None  # the clock's monotonic seconds
        self._guard: Any = None
        self._gui: Any = None
        self.engine: dict[str, str] = {}  # what Qt says of the engine once the window is up
        self.on_touch: Callable[[str], None] = lambda event: None

    @property
    def url(self) -> str:
        return f"{self.origin}/shell/index.html"

    # -- the window ----------------------------------------------------------------------------

    def create(self) -> Any:
        """Create the pywebview window (call before ``webview.start``)."""
        import webview  # optional dependency (extra "window"): imported where used

        guard.guard_navigation(self)
        self.window = webview.create_window(
            self.settings.site_name or "livep2f",
            url=self.url,
            js_api=ShellApi(self),
            width=self.settings.width,
            height=self.settings.height,
            fullscreen=self.settings.fullscreen,
            frameless=True,
            resizable=False,
            text_select=True,  # False injects a <style> the page's CSP refuses; shell.css has it
            zoomable=False,
            confirm_close=False,
            background_color="#12263A",  # the slides' own background: no white flash at start
        )
        self.window.events.before_show += self._harden
        return self.window

    def _harden(self, window: Any) -> None:
        """Runs in the GUI thread before the window shows: guard, no cursor, no zoom keys."""
        from qtpy.QtCore import Qt, QUrl
        from qtpy.QtGui import QCursor
        from qtpy.QtWidgets import QApplication

        native = window.native
        frame_js = (ui_folder() / "frame.js").read_text(encoding="utf-8")
        self._guard = guard.harden_page(self, native, frame_js)  # held: Qt keeps no reference
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
        view = native.webview
        self.engine = _tune_engine(view, self.settings.http_cache)
        if self.settings.pressure and self.settings.pressure_s > 0:
            self._pressure = _signal_pressure(
                view, self.settings.pressure, self.settings.pressure_s, self.engine
            )

        def back_home(url: QUrl) -> None:
            # a refused top-level navigation leaves an error page: go back to the kiosk page
            if not self.allowed_page(url.toString()):
                view.load(QUrl(self.url))

        view.urlChanged.connect(back_home)
        self._gui = guard.gui_calls(view)  # in the GUI thread: grabs and frame calls run there

    def allowed_page(self, url: str) -> bool:
        """The top of the window: only the kiosk page."""
        return url.startswith(f"{self.origin}/shell/")

    def allowed_frame(self, url: str) -> bool:
        """A frame: a release file or a drawn page (from the content origin), or blank."""
        return url == "about:blank" or url.startswith(
            (f"{self.content_origin}/bundle/", f"{self.content_origin}/{GENERATED}/")
        )

    def allowed_request(self, url: str) -> bool:
        scheme = url.split(":", 1)[0].lower()
        return scheme in ALLOWED_SCHEMES or self.allowed_page(url) or self.allowed_frame(url)

    def refuse(self, url: str) -> None:
        with self._lock:
            first = url not in self.screen.refused
            if first:
                self.screen.refused = [*self.screen.refused[-49:], url]
        if first:
            log.warning("refused a request outside the bundle: %s", url)

    def evaluate(self, script: str) -> Any:
        """Run ``script`` in the page (after it is ready) and return its JSON-able value."""
        if not self._ready.wait(READY_TIMEOUT_S):
            raise TimeoutError("the kiosk page did not become ready")
        return self.window.evaluate_js(script)

    def click(self, x: int, y: int) -> None:
        """A mouse click at ``(x, y)`` of the window, a user gesture (tests and diagnosis)."""
        if self._gui is None or not self._ready.wait(READY_TIMEOUT_S):
            raise TimeoutError("the kiosk page did not become ready")
        self._gui.click(x, y, READY_TIMEOUT_S)

    def evaluate_in_frame(self, match: str, script: str, world: int = 0) -> Any:
        """Run ``script`` in the frame named ``match`` or whose URL contains it (tests)."""
        if self._gui is None or not self._ready.wait(READY_TIMEOUT_S):
            raise TimeoutError("the kiosk page did not become ready")
        return self._gui.frame_js(match, script, world, READY_TIMEOUT_S)

    # -- the player side -----------------------------------------------------------------------

    def display(self, decision: Decision, release: LocalRelease | None) -> None:
        """``Player``'s display callback: hand the next slide to the page."""
        document = release.document if release else None
        path = link = None
        now = self.clock.now()
        if decision.slide is not None and release is not None:
            if decision.slide.drawn_at_play_time:
                path = self.playtime.board(decision, release, now)
            else:
                page = decision.slide.pages.get(decision.language)
                path = f"/bundle/{release.name}/{page}" if page else None
            link = link_for(path, document or {}) if path else None
        title = ""
        if document is not None and decision.slide is not None:
            for slide in document["slides"]:
                if slide["id"] == decision.slide.id:
                    title = (slide.get("titles") or {}).get(decision.language, "")
        play = {
            "id": decision.slide_id,
            "lang": decision.language,
            "path": path,
            "url": self.content_origin + path if path else None,
            "title": title,
            "interrupt": bool(decision.slide and decision.slide.interrupt),
            "link": link,
            "qr": qr_data_uri(link) if link else None,
            "hot": hot_strip(document, now, decision.language) if document else [],
            "strip": self.playtime.strip(decision, document) if document else [],
            "text_lang": decision.text_language,
            "in_french": self.playtime.in_french(decision, release) if release else None,
            "open_now": self.playtime.open_now(decision, release, now) if release else None,
            "release": release.name if release else None,
            "now_ms": int(now.timestamp() * 1000),  # the page's clock follows ours
        }
        with self._lock:
            self._document, self._last_play = document, play
            self.screen.slide = decision.slide_id
            waking, self.screen.veille = self.screen.veille, False
        self.evaluate(f"window.shell && window.shell.play({json.dumps(play)})")
        if waking:  # the slide is on its way under the cover: lift it once the fade is over
            self.evaluate("setTimeout(function () { %s; }, 900) && true" % (VEILLE_JS % "false"))

    def veille(self, on: bool) -> None:
        """Cover the screen in black (the loop has stopped) or uncover it."""
        with self._lock:
            self.screen.veille = on
        self.evaluate(VEILLE_JS % ("true" if on else "false"))

    def screenshot(self) -> bytes | None:
        """A small JPEG (``guard.SCREENSHOT_WIDTH`` wide) of the window; ``None`` if not up."""
        if self._gui is None or not self._ready.is_set():
            return None
        try:
            return self._gui.grab(GRAB_TIMEOUT_S)  # type: ignore[no-any-return]
        except TimeoutError:
            log.warning("no screenshot: the GUI thread did not answer")
            return None

    # -- the page side (ShellApi) --------------------------------------------------------------

    def page_ready(self) -> dict[str, Any]:
        with self._lock:
            document, play = self._document, self._last_play
        site = (document or {}).get("site", {})
        languages = site.get("languages") or ["fr"]
        self._ready.set()
        threading.Thread(target=self._after_load, name="p2f-page-setup", daemon=True).start()
        return {
            "site": self.settings.site_name or site.get("name", ""),
            "content": self.content_origin,
            "orientation": site.get("orientation", "portrait"),
            "languages": [{"code": c, "name": LANGUAGE_NAMES.get(c, c)} for c in languages],
            "directory": (document or {}).get("directory", {}),
            "idle_s": self.settings.idle_s,
            "heartbeat_s": self.settings.heartbeat_s,
            "single_frame": self.settings.single_frame,
            "nfc": bool(site.get("nfc")),
            "play": play,
        }

    def _after_load(self) -> None:
        """Once the page is up (again): the collector's timer, and the veille if it is night."""
        try:
            self.evaluate(GC_JS)
            if self.screen.veille:
                self.evaluate(VEILLE_JS % "true")
        except Exception:  # the page went away meanwhile: the next load does it again
            log.debug("page setup", exc_info=True)

    def page_shown(self, path: str | None, mode: str) -> dict[str, Any]:
        with self._lock:
            document = self._document or {}
        mode = mode if mode in ("loop", "touch") else "loop"
        path = path if isinstance(path, str) else None
        link = link_for(path, document) if path else None
        with self._lock:
            self.screen.mode, self.screen.path, self.screen.link = mode, path, link
        self._journal("qr_shown", {"link": link, "mode": mode}) if link else None
        self._tell(link)
        return {"link": link, "qr": qr_data_uri(link) if link else None}

    def page_handoff(self, url: str) -> dict[str, Any]:
        """An outside link touched in a directory page: it goes to the phone, never on screen.

        Only a link the verified page on screen carries: the page (or a frame posing as the
        directory) cannot put a URL of its own on the QR code or the NFC tag.
        """
        with self._lock:
            path, mode = self.screen.path, self.screen.mode
        if mode != "touch" or not isinstance(url, str) or url not in self._links_on(path):
            if isinstance(url, str):
                self.refuse(f"hand-off {url[:200]}")
            return {"link": None, "qr": None}
        with self._lock:
            self.screen.link = url
        self._journal("qr_shown", {"link": url, "mode": "handoff"})
        self._tell(url)
        return {"link": url, "qr": qr_data_uri(url)}

    def _links_on(self, path: str | None) -> frozenset[str]:
        """The outside links of the directory page at ``path`` of a release on disk."""
        found = directory_page(path) if path else None
        folder = self.releases().get(found[0]) if found else None
        if found is None or folder is None:
            return frozenset()
        try:
            return outside_links((folder / found[1]).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return frozenset()

    def page_touch(self, event: str, data: dict[str, Any]) -> None:
        now = self.clock.monotonic()  # a step of the wall clock must not skew the session
        if event == "start":
            with self._lock:
                self._touch_started, self.screen.mode = now, "touch"
                self.screen.touch_sessions += 1
            self.on_touch(event)
            return
        with self._lock:
            started, self._touch_started = self._touch_started, None
            self.screen.mode = "loop"
        seconds = round(now - started, 3) if started is not None else None
        self._journal(
            "touch_session",
            {
                "seconds": seconds,
                "pages": int(data.get("pages", 0)),
                "end": str(data.get("reason", ""))[:20],
                "lang": str(data.get("lang", ""))[:5],
                "last": str(data.get("last", ""))[:200],
            },
        )
        self.on_touch(event)

    def page_heartbeat(self) -> None:
        with self._lock:
            self.screen.heartbeats += 1
        _forget_callbacks(self.window)
        self.on_heartbeat()

    # -- helpers -------------------------------------------------------------------------------

    def _tell(self, link: str | None) -> None:
        for listener in self.link_listeners:
            listener(link)

    def _journal(self, kind: str, data: dict[str, Any]) -> None:
        if self.journal is not None:
            self.journal.append(kind, self.clock.now(), data)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            s = self.screen
            return {
                "mode": s.mode,
                "path": s.path,
                "link": s.link,
                "slide": s.slide,
                "touch_sessions": s.touch_sessions,
                "heartbeats": s.heartbeats,
                "veille": s.veille,
                "refused": list(s.refused),
                "origins": {"page": self.origin, "content": self.content_origin},
                "engine": dict(self.engine),
                "last_play": dict(self._last_play or {}, qr=None),
            }


def _tune_engine(view: Any, http_cache: str) -> dict[str, str]:
    """Set the web profile's HTTP cache (``none``: the slides come from 127.0.0.1, a copy in
    memory saves nothing) and read back what the engine runs with (status, tests): the cache and
    the scene graph's backend from Qt, the flags the engine read when it started (``flags.py``)."""
    import os

    from qtpy.QtQuick import QQuickWindow
    from qtpy.QtWebEngineCore import QWebEngineProfile

    profile = view.page().profile()
    if http_cache == "none":
        profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.NoCache)
    return {
        "http_cache": profile.httpCacheType().name,
        "scene_graph": QQuickWindow.sceneGraphBackend(),  # "software": QT_QUICK_BACKEND read
        "flags": os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", ""),
    }


def _signal_pressure(view: Any, level: str, every_s: float, engine: dict[str, str]) -> Any:
    """Tell the engine, every ``every_s`` (the first time ``FIRST_PRESSURE_S`` after the window
    shows: what starting up left behind), that memory is short (``level``): Chromium then drops
    what it keeps only to go faster (decoded images not on screen, raster tiles, caches, V8's
    spare heap), ~40 MB at each signal under ``lean`` (docs/player.md). The signal is Chromium's
    debug address ``chrome://memory-pressure-LEVEL/``, loaded in a page of its own that shows
    nothing (the address is handled, never navigated to); under ``--single-process`` it reaches
    the renderer too. Returns the timer (keep it)."""
    from qtpy.QtCore import QTimer, QUrl
    from qtpy.QtWebEngineCore import QWebEnginePage

    page = QWebEnginePage(view.page().profile(), view)
    url = QUrl(f"chrome://memory-pressure-{level}/")
    engine["pressure_signals"] = "0"

    def signal() -> None:
        page.load(url)
        engine["pressure_signals"] = str(int(engine["pressure_signals"]) + 1)

    timer = QTimer(view)
    timer.setInterval(int(every_s * 1000))
    timer.timeout.connect(signal)
    timer.start()
    QTimer.singleShot(int(min(every_s, FIRST_PRESSURE_S) * 1000), signal)
    return timer


def _forget_callbacks(window: Any) -> None:
    """Drop the empty entries pywebview (6.2) leaves behind each ``evaluate_js``.

    ``Window.evaluate_js`` files ``_callbacks[uuid] = callback`` for every call, but deletes the
    entry only when a callback was given and called: every call without one (each slide, each
    answer to the page's calls) left ~150 bytes for good, ~100 MB a day at one slide a second.
    An entry whose callback is ``None`` is never read, so it can go at any time.
    """
    callbacks = getattr(window, "_callbacks", None)
    if isinstance(callbacks, dict):
        for key in [k for k, v in list(callbacks.items()) if v is None]:
            callbacks.pop(key, None)
