"""The shell's parts without a window: deep links of pages, the tag's memory, sd_notify, the
bundle server's limits, the inbox refusing a forged release, the ``[shell]`` settings."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import ndef
import pytest

from p2f_player.contract import trust
from p2f_player.errors import ConfigError
from p2f_player.shell.handoff import hot_strip, link_for
from p2f_player.shell.inbox import Inbox
from p2f_player.shell.nfc import blocks_of
from p2f_player.shell.run import file_options
from p2f_player.shell.sdnotify import Notifier
from p2f_player.shell.server import BundleServer
from p2f_player.shell.window import ShellSettings
from p2f_player.store import Store
from tests.shell.conftest import (
    ALERT,
    ALERT_AFTER,
    PLACES,
    START,
    Bundle,
    make_bundle,
    wait_for,
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    return make_bundle(tmp_path_factory.mktemp("parts"), "gare", PLACES, ALERT)


def test_deep_links_of_slides_and_items(bundle: Bundle) -> None:
    doc = bundle.document
    assert link_for("/bundle/r/slides/veto-pinede.en.html", doc) == (
        "https://livep2f.com/d/en/veto-pinede/?k=gare"
    )
    assert link_for("/bundle/r/directory/fr/items/veto-pinede.html", doc) == (
        "https://livep2f.com/d/fr/veto-pinede/?k=gare"
    )
    assert link_for("/bundle/r/directory/fr/places-services.html", doc) is None
    assert link_for("/bundle/r/slides/not-in-release.fr.html", doc) is None


def test_hot_strip_lists_the_alert_only_inside_its_window(bundle: Bundle) -> None:
    assert hot_strip(bundle.document, START, "fr") == []
    during = hot_strip(bundle.document, START + ALERT_AFTER + timedelta(minutes=1), "fr")
    assert [h["kind"] for h in during] == ["alert"]


def test_tag_memory_holds_the_uri_record() -> None:
    url = "https://livep2f.com/d/de/veto-pinede/?k=gare"
    blocks = blocks_of(url)
    attribute, data = blocks[0], b"".join(blocks[1:])
    length = int.from_bytes(attribute[11:14], "big")
    assert int.from_bytes(attribute[14:16], "big") == sum(attribute[:14])
    assert attribute[10] == 0  # read-only: a visitor cannot rewrite the kiosk's tag
    (record,) = list(ndef.message_decoder(data[:length]))
    assert record.iri == url


def test_sd_notify_reaches_the_socket(tmp_path: Path) -> None:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
        assert Notifier({"NOTIFY_SOCKET": str(path)}).notify("WATCHDOG=1")
        assert listener.recv(64) == b"WATCHDOG=1"
    assert not Notifier({}).notify("READY=1")  # outside systemd: nothing to do
    assert not Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone")}).notify("READY=1")


def test_sd_notify_drops_a_ping_rather_than_wait_for_a_reader(tmp_path: Path) -> None:
    """A reader that stopped reading: its queue fills, then pings are dropped, never waited on
    (a waiting ping holds a heartbeat thread for good: the bench saw them pile up)."""
    path = tmp_path / "notify"
    sent: list[bool] = []
    done = threading.Event()

    def ping_until_dropped() -> None:
        notifier = Notifier({"NOTIFY_SOCKET": str(path)})
        for _ in range(100_000):
            sent.append(notifier.notify("WATCHDOG=1"))
            if not sent[-1]:
                break
        done.set()

    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
        threading.Thread(target=ping_until_dropped, daemon=True).start()
        assert done.wait(60), "a ping waited for the reader"
        assert sent[0] and sent[-1] is False  # the queue took some, then one was dropped
        assert listener.recv(64) == b"WATCHDOG=1"  # what was queued is still there


def test_server_serves_only_known_releases_and_the_page(tmp_path: Path) -> None:
    release = tmp_path / "r1"
    (release / "slides").mkdir(parents=True)
    (release / "slides" / "a.fr.html").write_text("<h1>a</h1>")
    (tmp_path / "secret.txt").write_text("no")
    server = BundleServer(lambda: {"r1": release}).start()
    try:

        def status(path: str, origin: str = server.content_origin) -> int:
            try:
                with urllib.request.urlopen(origin + path) as answer:
                    return int(answer.status)
            except urllib.error.HTTPError as error:
                return error.code

        assert status("/bundle/r1/slides/a.fr.html") == 200
        assert status("/shell/index.html", server.origin) == 200
        # each origin serves its own tree only: no release file in the page's origin
        assert status("/bundle/r1/slides/a.fr.html", server.origin) == 404
        assert status("/shell/index.html") == 404
        assert status("/bundle/r2/slides/a.fr.html") == 404  # not current nor previous
        assert status("/bundle/r1/../secret.txt") == 404
        assert status("/bundle/r1/%2e%2e/secret.txt") == 404
        assert status("/etc/passwd") == 404
    finally:
        server.close()


def test_inbox_refuses_a_release_signed_with_another_key(bundle: Bundle, tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    key = trust.load_public_key(bundle.public_key)
    inbox = Inbox(tmp_path / "inbox", "gare", store, key, lambda: START, quiet_s=0.3).start()
    try:
        forged = dataclasses.replace(bundle, private_key=trust.generate_keypair()[0])
        forged.publish(5, into=tmp_path / "inbox")
        # generous: the store fsyncs each of the ~1000 files, on two shared cores
        result = wait_for(lambda: inbox.results and inbox.results[-1], 120, "the inbox sync")
        assert result.status == "refused" and store.release("current") is None
        bundle.publish(6, into=tmp_path / "inbox")  # the genuine one, newer: taken
        wait_for(lambda: (r := store.release("current")) and r.name.startswith("00000006"), 120)
    finally:
        inbox.close()


def test_shell_settings_from_the_file_and_their_checks(tmp_path: Path) -> None:
    file = tmp_path / "p2f-player.toml"
    file.write_text('[player]\nsite = "gare"\n[shell]\nnfc = "usb:054c:06c3"\nidle_s = 45\n')
    assert file_options(file) == {"nfc": "usb:054c:06c3", "idle_s": 45.0}
    file.write_text('[shell]\nnfc_path = "usb"\n')
    with pytest.raises(ConfigError, match="nfc_path"):
        file_options(file)
    with pytest.raises(ValueError, match="idle_s"):
        ShellSettings(idle_s=0)
    assert json.dumps(file_options(None)) == "{}"


def test_pywebview_callback_entries_without_a_callback_are_forgotten() -> None:
    from types import SimpleNamespace

    from p2f_player.shell.window import _forget_callbacks

    def kept(value: object) -> None:
        pass

    window = SimpleNamespace(_callbacks={"a": None, "b": kept, "c": None})
    _forget_callbacks(window)
    assert window._callbacks == {"b": kept}
    _forget_callbacks(SimpleNamespace())  # another pywebview: nothing to do
