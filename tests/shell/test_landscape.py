"""A landscape site (``bureau-pinede-sur-mer``, 1920x1080) in the real window, and a kiosk
whose NFC reader is missing: it plays anyway and says so once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from p2f_player.contract.deeplinks import QR, with_channel
from tests.shell.conftest import (
    PLACES,
    ROOT,
    Kiosk,
    make_bundle,
    start_kiosk,
    start_xvfb,
    stop_kiosk,
    wait_for,
    zbar,
)

NO_READER = "tty:P2FNOREADER:pn532"  # a serial reader that is not plugged in


def screenshot_path(name: str, tmp: Path) -> Path:
    """Where a screenshot goes: ``docs/screenshots/`` (the README's pictures) only when
    ``UPDATE_SCREENSHOTS=1``, else ``tmp``: a test run never rewrites tracked files."""
    folder = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else tmp
    return folder / name


@pytest.fixture(scope="module")
def landscape_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    tmp = tmp_path_factory.mktemp("kiosk-landscape")
    xvfb, display = start_xvfb(1920, 1080)
    bundle = make_bundle(tmp, "bureau-pinede-sur-mer", PLACES, None)
    try:
        kiosk = start_kiosk(tmp, bundle, display, nfc=NO_READER, idle_s=30)
        yield kiosk
        stop_kiosk(kiosk)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def qr_on_screen(kiosk: Kiosk, shot: Path) -> list[str]:
    return wait_for(lambda: zbar(kiosk.display.screenshot(shot)), what=f"a QR code in {shot}")


def test_landscape_loop_and_touch_mode(landscape_kiosk: Kiosk, tmp_path: Path) -> None:
    kiosk = landscape_kiosk
    page = kiosk.settled()
    assert qr_on_screen(kiosk, screenshot_path("kiosk-loop-landscape.png", tmp_path)) == [
        with_channel(page["link"], QR)
    ]
    kiosk.js("document.body.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true})) && 1")
    wait_for(lambda: kiosk.page()["touchPath"], what="the directory")
    kiosk.frame_js("dir", "document.querySelector('a[href=\"places-services.html\"]').click()")
    wait_for(lambda: kiosk.page()["touchPath"].endswith("places-services.html"), what="services")
    kiosk.frame_js("dir", "document.querySelector('a[href=\"items/veto-pinede.html\"]').click()")
    vet = wait_for(lambda: kiosk.page()["touchLink"], what="the vet's deep link")
    assert qr_on_screen(kiosk, screenshot_path("kiosk-touch-landscape.png", tmp_path)) == [
        with_channel(vet, QR)
    ]


def test_a_missing_nfc_reader_is_logged_once_and_the_screen_plays_on(
    landscape_kiosk: Kiosk,
) -> None:
    log = landscape_kiosk.log.read_text(errors="replace")
    assert log.count(f"NFC reader {NO_READER} not available") == 1
    assert landscape_kiosk.page()["shown"]
