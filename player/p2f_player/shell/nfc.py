"""The NFC hand-off: the reader emulates an NFC Forum Type 3 tag holding the on-screen deep link.

nfcpy emulates a Type 3 (FeliCa) tag with a Sony RC-S380 or a PN532/PN533 reader (an ACR122U
cannot). The tag holds one NDEF URI record: the deep link of what is on screen now, read from
``link`` at each tap, so a change of slide needs no restart. The tag carries the link marked
as an NFC hand-off (``with_channel(url, NFC)``: ``&v=n``, so the website's access log tells a
tap from a QR scan). Every tap (a reader that reads the NDEF data) is reported to ``on_tap``
(the journal) with the link as given, unmarked.

The reader is named by an nfcpy path (``usb:054c:06c3``, ``tty:USB0:pn532``, or
``udp:127.0.0.1:PORT`` for tests). No reader, or one unplugged at run time: logged once, the
player goes on, and the reader is tried again every ``retry_s`` until it comes back.

The radio runs in a child process (``python -m p2f_player.shell.nfc PATH``): importing nfcpy
in the window's process stops pywebview's JS bridge from answering (seen with Qt WebEngine 6.11),
and a driver that hangs or crashes must not take the screen with it. The parent writes the
current link to the child's stdin, one line per change; the child prints ``tap <url>`` lines.
If the child dies, it is started again after ``retry_s``.

This module owns the radio only; it does not decide what is on screen.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import IO, Any

from p2f_player.contract.deeplinks import NFC, with_channel

log = logging.getLogger("p2f_player.shell")

# Type 3 tag identity: IDm (manufacturer 02FE = NFC Forum, as nfcpy's tagtool emulates),
# PMm (timing parameters), system code 12FC = NDEF.
IDM = bytes.fromhex("02FE010203040506")
PMM = bytes.fromhex("FFFFFFFFFFFFFFFF")
SYSTEM_CODE = bytes.fromhex("12FC")
NDEF_SERVICE_RO = 0x000B  # read without encryption
NDEF_SERVICE_RW = 0x0009
BLOCK = 16
MAX_BLOCKS = 16  # 256 bytes: a marked deep link (<= 104 bytes) fits with room


def ndef_message(url: str) -> bytes:
    import ndef

    return b"".join(ndef.message_encoder([ndef.UriRecord(url)]))


def attribute_block(length: int) -> bytes:
    """Block 0 of a Type 3 tag's NDEF area: version, limits, read-only, NDEF length, checksum."""
    head = bytes([0x10, 4, 0]) + MAX_BLOCKS.to_bytes(2, "big") + bytes(4)
    head += bytes([0x00, 0x00]) + length.to_bytes(3, "big")  # WriteF done, RWFlag read-only
    return head + (sum(head) & 0xFFFF).to_bytes(2, "big")


def blocks_of(url: str | None) -> list[bytes]:
    """The tag's memory for ``url``: attribute block, then the NDEF message in 16-byte blocks."""
    data = ndef_message(url) if url else b""
    if len(data) > MAX_BLOCKS * BLOCK:
        raise ValueError(f"NDEF message of {len(data)} bytes does not fit the emulated tag")
    padded = data + bytes(-len(data) % BLOCK)
    return [attribute_block(len(data))] + [
        padded[i : i + BLOCK] for i in range(0, len(padded), BLOCK)
    ]


class TagEmulator:
    """The emulated tag, in the child process: ``link`` is read at every tap."""

    def __init__(
        self,
        path: str,
        link: Callable[[], str | None],
        on_tap: Callable[[str | None], object] | None = None,
        retry_s: float = 5.0,
    ) -> None:
        self.path, self.link, self.retry_s = path, link, retry_s
        self.on_tap: Callable[[str | None], object] = on_tap or (lambda url: None)
        self.stop = threading.Event()
        self.attached = threading.Event()
        self.taps = 0
        self._thread = threading.Thread(target=self._run, name="p2f-nfc", daemon=True)

    def start(self) -> TagEmulator:
        self._thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        import nfc

        missing_logged = False
        while not self.stop.is_set():
            try:
                clf = nfc.ContactlessFrontend(self.path)
            except (OSError, ValueError) as error:
                if not missing_logged:  # once: a kiosk without a reader is a normal case
                    log.warning(
                        "NFC reader %s not available (%s): retrying quietly", self.path, error
                    )
                    missing_logged = True
                self.stop.wait(self.retry_s)
                continue
            if missing_logged:
                log.info("NFC reader %s attached", self.path)
            missing_logged = False
            self.attached.set()
            try:
                self._serve(clf)
            finally:
                self.attached.clear()
                clf.close()
            if not self.stop.is_set():
                log.warning("NFC reader %s gone: retrying quietly", self.path)
                missing_logged = True
                self.stop.wait(self.retry_s)

    def _serve(self, clf: Any) -> None:
        """Emulate until stopped or until the reader fails (``connect`` returns False)."""
        while not self.stop.is_set():
            url = self.link()
            if url is None:  # nothing on screen to hand off: stay silent for a moment
                self.stop.wait(0.2)
                continue
            options = {"on-startup": self._on_startup, "on-connect": self._on_connect}
            result = clf.connect(card=options, terminate=self.stop.is_set)
            if result is False:
                return

    def _on_startup(self, target: Any) -> Any:
        target.brty = "212F"
        target.sensf_res = bytearray(b"\x01" + IDM + PMM + SYSTEM_CODE)
        return target

    def _on_connect(self, tag: Any) -> bool:
        url = self.link()  # at the tap, not before: the slide may have changed meanwhile
        memory = blocks_of(with_channel(url, NFC) if url else None)
        tapped = threading.Event()

        def read(block: int, rb: int, re: int) -> bytes | None:
            if block > 0 and not tapped.is_set():
                tapped.set()  # a reader that reads past the attribute block reads the link
                self.taps += 1
                self.on_tap(url)
            return memory[block] if block < len(memory) else None

        for service in (NDEF_SERVICE_RW, NDEF_SERVICE_RO):
            tag.add_service(service, read, lambda *args: False)
        return True


class NfcTag:
    """The parent side: start the child, feed it the link, hear its taps, restart it if it dies."""

    def __init__(
        self,
        path: str,
        link: Callable[[], str | None],
        on_tap: Callable[[str | None], object] | None = None,
        retry_s: float = 5.0,
    ) -> None:
        self.path, self.link, self.retry_s = path, link, retry_s
        self.on_tap: Callable[[str | None], object] = on_tap or (lambda url: None)
        self.stop = threading.Event()
        self.taps = 0
        self._child: subprocess.Popen[str] | None = None
        self._thread = threading.Thread(target=self._run, name="p2f-nfc", daemon=True)

    def start(self) -> NfcTag:
        self._thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        command = [sys.executable, "-m", "p2f_player.shell.nfc", self.path, str(self.retry_s)]
        while not self.stop.is_set():
            self._child = child = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
            )
            assert child.stdin is not None and child.stdout is not None
            listener = threading.Thread(target=self._hear, args=(child.stdout,), daemon=True)
            listener.start()
            self._feed(child, child.stdin)
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            listener.join(timeout=5)
            if not self.stop.is_set():
                log.warning("NFC process ended (%s): starting it again", child.returncode)
                self.stop.wait(self.retry_s)

    def _feed(self, child: subprocess.Popen[str], stdin: IO[str]) -> None:
        sent: str | None = "\0"  # nothing sent yet
        while not self.stop.is_set() and child.poll() is None:
            link = self.link()
            if link != sent:
                try:
                    stdin.write((link or "") + "\n")
                    stdin.flush()
                except OSError:
                    return
                sent = link
            self.stop.wait(0.05)

    def _hear(self, stdout: IO[str]) -> None:
        for line in stdout:
            kind, _, url = line.rstrip("\n").partition(" ")
            if kind == "tap":
                self.taps += 1
                self.on_tap(url or None)


def child_main(argv: Sequence[str]) -> int:
    """The child process: emulate the tag with the link read from stdin; print each tap."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    path, retry_s = argv[0], float(argv[1]) if len(argv) > 1 else 5.0
    current: list[str | None] = [None]
    lock = threading.Lock()

    def tapped(url: str | None) -> None:
        with lock:
            print(f"tap {url or ''}", flush=True)

    emulator = TagEmulator(path, lambda: current[0], tapped, retry_s).start()
    for line in sys.stdin:  # the parent's link, one line per change; EOF: the parent is gone
        current[0] = line.strip() or None
    emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
