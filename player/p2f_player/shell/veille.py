"""The kiosk's player: the site's screen hours (veille) and a screenshot with the heartbeat.

``KioskPlayer`` is the core ``Player`` with three additions, decided between two slides:

* **Touch mode.** While a visitor browses the directory the loop is hidden: no slide is
  chosen or journaled until the loop is back, so proof of play counts only what was seen.

* **Screen hours.** Before each slide it asks ``p2f_player.screen`` whether the site profile of
  the release playing wants the screen on. Outside the hours the loop stops (no slide is chosen
  or journaled), the page shows a black "veille" state and the display is put to sleep with
  ``xset dpms force off`` where X has DPMS (best effort); at the next change (checked at least
  every minute, so a new release with new hours is seen) it journals ``screen`` again, wakes
  the display and plays the next slide. A touch during the veille wakes the display (X does it
  on any input) and opens the directory as usual; when touch mode ends, the display goes back
  to sleep. Sync, journal upload and heartbeats go on all night.
* **Screenshot.** With a heartbeat, at most every ``screenshot_s`` seconds, a small picture of
  what the window shows goes to ``telemetry/<site>/<device>/screenshot.jpg``, beside
  ``heartbeat.json``, so the office sees every screen.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections import deque
from datetime import datetime, timedelta
from typing import Any

from p2f_player.app import Player
from p2f_player.contract.rules import RuleError
from p2f_player.errors import TransportError
from p2f_player.scheduler import Plan, Play
from p2f_player.screen import next_screen_change, screen_on
from p2f_player.shell.window import KioskWindow
from p2f_player.store import LocalRelease

log = logging.getLogger("p2f_player.shell")

RECHECK_S = 60.0  # during the veille, look at the schedule (and a new release) this often
TOUCH_RECHECK_S = 1.0  # while a visitor browses, look this often whether the loop is back


def screenshot_key(site: str, device: str) -> str:
    return f"telemetry/{site}/{device}/screenshot.jpg"


class Display:
    """The monitor's power through X's DPMS (``xset``); silently nothing where it is missing."""

    def __init__(self) -> None:
        self.xset = shutil.which("xset")
        self._warned = False

    def power(self, on: bool) -> None:
        if self.xset is None:
            return
        command = ["dpms", "force", "on"] if on else ["dpms", "force", "off"]
        try:
            done = subprocess.run([self.xset, *command], capture_output=True, text=True, timeout=10)
            if on and done.returncode == 0:  # no blanking by day (the kiosk's X setup)
                subprocess.run([self.xset, "-dpms"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError) as error:
            done = subprocess.CompletedProcess([], 1, "", str(error))
        if done.returncode != 0 and not self._warned:
            self._warned = True
            log.info("display power not switched (xset: %s)", done.stderr.strip()[:200])


class KioskPlayer(Player):
    def __init__(
        self,
        *,
        shell: KioskWindow,
        screenshot_s: float = 900.0,
        display_power: Display | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.shell, self.screenshot_s = shell, screenshot_s
        self.power = display_power or Display()
        self.asleep = False
        self._bad_hours: str | None = None
        self._next_screenshot: datetime | None = None
        shell.on_touch = self._touched

    # -- screen hours ------------------------------------------------------------------------

    def _play_one(
        self, plan: Plan, release: LocalRelease | None, recent: deque[Play], now: datetime
    ) -> None:
        on, change = self._schedule(release, now)
        if on and self.shell.screen.mode == "touch":
            # A visitor is browsing: the loop is hidden, so no slide plays and none is
            # journaled (proof of play counts only what was on screen).
            self.clock.wait(self.stop, now + timedelta(seconds=TOUCH_RECHECK_S))
            return
        if on:
            if self.asleep:
                self._set_asleep(False, now, change)
            super()._play_one(plan, release, recent, now)
            return
        if not self.asleep:
            self._set_asleep(True, now, change)
        until = now + timedelta(seconds=RECHECK_S)
        self.clock.wait(self.stop, min(until, change) if change else until)

    def _schedule(
        self, release: LocalRelease | None, now: datetime
    ) -> tuple[bool, datetime | None]:
        profile = release.document.get("site") if release is not None else None
        try:
            return screen_on(profile, now), next_screen_change(profile, now)
        except (RuleError, AttributeError, TypeError) as error:  # checked at build: never here
            text = f"screen_hours ignored (always on): {error}"
            if text != self._bad_hours:
                self._bad_hours = text
                log.warning("%s", text)
            return True, None

    def _set_asleep(self, asleep: bool, now: datetime, change: datetime | None) -> None:
        self.asleep = asleep
        self.status.slide = None if asleep else self.status.slide
        log.info("screen %s until %s", "off" if asleep else "on", change or "always")
        self.journal.append(
            "screen",
            now,
            {"on": not asleep, "until": change.isoformat() if change else None},
        )
        if asleep:
            self.shell.veille(True)
        # waking: the next slide takes the screen first, then the black veille goes (display)
        self.power.power(not asleep)

    def _touched(self, event: str) -> None:
        """A touch during the veille: the display is on while the visitor browses."""
        if self.asleep and event == "end":
            self.power.power(False)

    # -- screenshot --------------------------------------------------------------------------

    def write_heartbeat(self, now: datetime) -> dict[str, object]:
        document = super().write_heartbeat(now)
        due = self._next_screenshot
        if due is None or now >= due:
            image = self.shell.screenshot()
            if image is not None:  # None: the page is not up yet; try at the next heartbeat
                self._next_screenshot = now + timedelta(seconds=self.screenshot_s)
                try:
                    self.telemetry.put(screenshot_key(self.site, self.device), image)
                except TransportError as error:
                    log.info("screenshot not sent: %s", error)
        return document
