"""systemd's notification protocol (sd_notify), in the few lines it needs.

``READY=1`` once the first slide is on screen, ``WATCHDOG=1`` at every heartbeat of the page:
with ``WatchdogSec=`` in the unit, a web view that freezes stops the pings and systemd
restarts the player. Outside systemd (no ``NOTIFY_SOCKET``) every call does nothing.

The send never waits: a datagram socket whose reader has stopped reading fills up, and a blocking
send would then hold the page's heartbeat call (a thread of pywebview's) for good, one more
thread every heartbeat (seen in the bench: 380 threads in 35 minutes). A ping that cannot go is
dropped; systemd's watchdog decides what a missing ping means.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger("p2f_player.shell")


class Notifier:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        address = (env if env is not None else os.environ).get("NOTIFY_SOCKET", "")
        # "@name" is Linux's abstract namespace: a leading NUL byte
        self.address = "\0" + address[1:] if address.startswith("@") else address
        self._warned = False

    def notify(self, state: str) -> bool:
        """Send ``state`` (e.g. ``"WATCHDOG=1"``); return whether it was sent."""
        if not self.address:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.setblocking(False)
                sock.connect(self.address)
                sock.send(state.encode())
        except OSError as error:
            if not self._warned:  # once: the watchdog will say the rest
                log.warning("sd_notify %s: %s", self.address.lstrip("\0"), error)
                self._warned = True
            return False
        return True
