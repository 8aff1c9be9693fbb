"""The NFC hand-off: the reader emulates an NFC Forum Type 3 tag holding the on-screen deep link.

nfcpy emulates a Type 3 (FeliCa) tag with a Sony RC-S380 or a PN532/PN533 reader (an ACR122U
cannot). The tag holds one NDEF URI record: the deep link of what is on screen now, read from
``link`` at each tap, so a change of slide needs no restart. Every tap (a reader that reads
the NDEF data) is reported to ``on_tap`` (the journal).

The reader is named by an nfcpy path (``usb:054c:06c3``, ``tty:USB0:pn532``, or
``udp:127.0.0.1:PORT`` for tests). No reader, or one unplugged at run time: logged once, the
player goes on, and the reader is tried again every ``retry_s`` until it comes back.

This module owns the radio only; it does not decide what is on screen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("p2f_player.shell")

# Type 3 tag identity: IDm (manufacturer 02FE = NFC Forum, as nfcpy's tagtool emulates),
# PMm (timing parameters), system code 12FC = NDEF.
IDM = bytes.fromhex("02FE010203040506")
PMM = bytes.fromhex("FFFFFFFFFFFFFFFF")
SYSTEM_CODE = bytes.fromhex("12FC")
NDEF_SERVICE_RO = 0x000B  # read without encryption
NDEF_SERVICE_RW = 0x0009
BLOCK = 16
MAX_BLOCKS = 16  # 256 bytes: a deep link (< 100 bytes) fits with room


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


class NfcTag:
    """Run the emulated tag in a thread; ``link`` is read at every tap."""

    def __init__(
        self,
        path: str,
        link: Callable[[], str | None],
        on_tap: Callable[[str | None], None] | None = None,
        retry_s: float = 5.0,
    ) -> None:
        self.path, self.link, self.retry_s = path, link, retry_s
        self.on_tap = on_tap or (lambda url: None)
        self.stop = threading.Event()
        self.attached = threading.Event()
        self.taps = 0
        self._thread = threading.Thread(target=self._run, name="p2f-nfc", daemon=True)

    def start(self) -> NfcTag:
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
                    log.warning("NFC reader %s not available (%s): retrying quietly", self.path, error)
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
        memory = blocks_of(url)
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
