"""The window's guard in Qt WebEngine: where the page and its frames may go, what they may open.

Layers, each enough alone for what it covers (``KioskWindow`` says what is allowed):

* **navigations**: the top page may only be the kiosk page (the shell origin's ``/shell/``), a
  frame only a release file (the content origin's ``/bundle/``), a page the window drew (its
  ``/generated/``) or ``about:blank``; Qt's
  ``acceptNavigationRequest`` refuses the rest before it starts, so the page never unloads;
* **requests**: a request interceptor blocks every other request (images, scripts, frames);
* **new windows**: ``createWindow`` opens none. pywebview's would hand the URL to the system
  browser (``webbrowser.open``): a second window over the kiosk, outside every guard;
* **frames**: ``ui/frame.js`` runs in a script world of its own in every frame (see there).

Release documents are also sandboxed by the server's CSP and the page's ``<iframe sandbox>``.
This module also runs calls in the GUI thread for other threads: a screenshot, and a script in
one frame (tests and diagnosis, through the control port).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from p2f_player.shell.window import KioskWindow

log = logging.getLogger("p2f_player.shell")
SCREENSHOT_WIDTH = 360


def guard_navigation(shell: KioskWindow) -> None:
    """Patch pywebview's Qt page class: navigation and new-window hooks (before the window).

    pywebview builds its Qt page from ``BrowserView.WebPage`` and offers no navigation hook for
    Qt WebEngine: the class gets Qt's overrides. (Set on the class, not a subclass: pywebview's
    ``__init__`` names its own class in super().)
    """
    from webview.platforms import qt

    def accept(page: Any, url: Any, kind: Any, main_frame: bool) -> bool:
        target = url.toString()
        if shell.allowed_page(target) if main_frame else shell.allowed_frame(target):
            return True
        shell.refuse(target)
        return False

    def create_window(page: Any, kind: Any) -> None:
        shell.refuse(f"new window ({getattr(kind, 'name', kind)})")
        return None  # Qt: no window; window.open() answers null

    qt.BrowserView.WebPage.acceptNavigationRequest = accept  # type: ignore[method-assign]
    qt.BrowserView.WebPage.createWindow = create_window  # type: ignore[method-assign,assignment]


def harden_page(shell: KioskWindow, native: Any, frame_js: str) -> Any:
    """The request interceptor, the page's settings and the frame script; returns the
    interceptor (Qt keeps no Python reference: the caller holds it)."""
    from qtpy.QtWebEngineCore import (
        QWebEngineScript,
        QWebEngineSettings,
        QWebEngineUrlRequestInterceptor,
    )

    class Guard(QWebEngineUrlRequestInterceptor):  # type: ignore[misc]
        def interceptRequest(self, info: Any) -> None:
            url = info.requestUrl().toString()
            if not shell.allowed_request(url):
                info.block(True)
                shell.refuse(url)

    guard = Guard()
    native.profile.setUrlRequestInterceptor(guard)
    page = native.webview.page()
    attribute = QWebEngineSettings.WebAttribute
    for name in ("JavascriptCanOpenWindows", "JavascriptCanAccessClipboard", "PluginsEnabled"):
        page.settings().setAttribute(getattr(attribute, name), False)
    script = QWebEngineScript()
    script.setName("p2f-frame")
    script.setWorldId(QWebEngineScript.ScriptWorldId.ApplicationWorld)  # not the page's world
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentReady)
    script.setRunsOnSubFrames(True)
    script.setSourceCode(frame_js % json.dumps(shell.origin))
    page.scripts().insert(script)
    return guard


def gui_calls(view: Any) -> Any:
    """A QObject in the GUI thread that grabs ``view`` or runs a script in one of its frames
    when any thread asks (a queued signal); the caller waits for the answer."""
    from qtpy.QtCore import QObject, Qt, Signal

    class GuiCalls(QObject):  # type: ignore[misc]
        asked = Signal(object)

        def __init__(self) -> None:
            super().__init__()
            self.asked.connect(self._run, Qt.ConnectionType.QueuedConnection)

        def grab(self, timeout: float) -> bytes | None:
            return self._ask({"call": "grab"}, timeout)  # type: ignore[no-any-return]

        def frame_js(self, match: str, script: str, world: int, timeout: float) -> Any:
            """Run ``script`` in the first frame named ``match`` or whose URL contains it, in
            the script world ``world`` (0: the page's own; a frame without scripts runs none)."""
            call = {"call": "frame", "match": match, "script": script, "world": world}
            return self._ask(call, timeout)

        def click(self, x: int, y: int, timeout: float) -> None:
            """A left click at ``(x, y)`` of the view, as from the mouse (a user gesture)."""
            self._ask({"call": "click", "x": x, "y": y}, timeout)

        def _ask(self, answer: dict[str, Any], timeout: float) -> Any:
            answer.update(done=threading.Event(), data=None)
            self.asked.emit(answer)
            if not answer["done"].wait(timeout):
                raise TimeoutError(f"the GUI thread did not answer {answer['call']}")
            return answer["data"]

        def _run(self, answer: dict[str, Any]) -> None:
            try:
                if answer["call"] == "grab":
                    answer["data"] = _grab(view)
                elif answer["call"] == "click":
                    _click(view, answer["x"], answer["y"])
                else:
                    self._in_frame(answer)
                    return  # answered by the frame's callback
            except Exception:  # a screenshot or a diagnosis must never take the window down
                log.exception("GUI call %s", answer["call"])
            answer["done"].set()

        def _in_frame(self, answer: dict[str, Any]) -> None:
            frames, found, match = list(view.page().mainFrame().children()), None, answer["match"]
            while frames and found is None:
                frame = frames.pop(0)
                if frame.name() == match or match in frame.url().toString():
                    found = frame
                frames.extend(frame.children())
            if found is None:
                answer["data"] = {"error": f"no frame matches {answer['match']!r}"}
                answer["done"].set()
                return

            def done(value: Any) -> None:
                answer["data"] = {"result": value}
                answer["done"].set()

            found.runJavaScript(answer["script"], answer["world"], done)

    return GuiCalls()


def _click(view: Any, x: int, y: int) -> None:
    from qtpy.QtCore import QPoint, Qt
    from qtpy.QtTest import QTest

    target = view.focusProxy() or view  # the widget Chromium takes its input from
    QTest.mouseClick(  # type: ignore[call-overload]
        target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, y)
    )


def _grab(view: Any) -> bytes:
    from qtpy.QtCore import QBuffer, QIODevice, Qt

    image = view.grab().toImage()
    if image.width() > SCREENSHOT_WIDTH:
        image = image.scaledToWidth(SCREENSHOT_WIDTH, Qt.TransformationMode.SmoothTransformation)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG", 75)
    return bytes(buffer.data().data())
