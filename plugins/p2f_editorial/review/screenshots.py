"""Before/after screenshots of changed pages, in Debian's Chromium driven by Playwright.

Each side's built site is served by a static server on 127.0.0.1 (port chosen by the OS);
every request that leaves it (map tiles) is refused, so the page shows what the build holds
and nothing else. Viewport-sized images (1280x900), not full pages: a reviewer compares the
top of a page at a glance, and the artifact stays small. At most as many pages as the caller
picked (``pages.pick_screenshots``).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
WIDTH, HEIGHT = 1280, 900


@dataclass(frozen=True)
class Shot:
    url: str
    before: str | None  # file name under the shots folder; None: no page on that side
    after: str | None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1; yields the base URL (no trailing slash)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def take(
    before_site: Path, after_site: Path, urls: list[tuple[str, str]], shots: Path
) -> list[Shot]:
    """Photograph each ``(url, status)`` on both sides into ``shots``; returns what was taken.

    Runs in a thread of its own: Playwright's sync API refuses to start in a thread that
    already has an asyncio loop (a caller's, or a test runner's)."""
    result: list[list[Shot]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            result.append(_take(before_site, after_site, urls, shots))
        except BaseException as error:  # handed to the caller's thread below
            errors.append(error)

    thread = threading.Thread(target=work, name="review-screenshots")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def _take(
    before_site: Path, after_site: Path, urls: list[tuple[str, str]], shots: Path
) -> list[Shot]:
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    taken = []
    with serve(before_site) as old, serve(after_site) as new, sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT}, timezone_id="Europe/Paris"
            )
            page = context.new_page()
            page.route(lambda url: not url.startswith((old, new)), lambda route: route.abort())
            for number, (url, status) in enumerate(urls, start=1):
                names: dict[str, str | None] = {"before": None, "after": None}
                for side, base in (("before", old), ("after", new)):
                    if (side == "before" and status == "added") or (
                        side == "after" and status == "removed"
                    ):
                        continue
                    name = f"{number:02d}-{side}.png"
                    page.goto(base + url, wait_until="load")
                    page.screenshot(path=str(shots / name))
                    names[side] = name
                taken.append(Shot(url, names["before"], names["after"]))
        finally:
            browser.close()
    return taken
