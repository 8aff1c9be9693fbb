"""Fixtures for the kiosk shell: an X server, a built + signed + synced bundle, a running window.

The bundles are built here, from a copy of content/ (plus ``TONIGHT``, an untranslated concert
on the evening of ``START``: the sample content has none) and theme/kiosk/, with the kiosk
plugin's own ``write_bundle`` at ``BUILD_AT``, once per site and test session, in the session's
temporary folder: the tests see today's code and content, never a stale build/ nor the
website's build.

The window is the real one (pywebview, Qt WebEngine) in a child process, because pywebview must
own its process's main thread; the tests drive it through the shell's control port (the page's
JS bridge via ``evaluate_js``, the player's clock) and look at the X screen (``import``,
``zbarimg``). One window per module: starting a web engine costs seconds on two shared cores.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import jinja2
import pytest

# isort: off
from p2f_kiosk.bundle import write_bundle

# isort: on
from p2f_model.corpus import Corpus
from p2f_model.load import load_corpus
from p2f_player.contract import trust
from p2f_player.contract.manifest import build_manifest, file_entry
from p2f_player.sources import FolderSource
from p2f_player.store import Store
from p2f_player.sync import Syncer
from tests.conftest import SAMPLE_NOW
from tests.player.conftest import folder_put

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
START = SAMPLE_NOW  # the player's clock: a Tuesday morning, 2026-12-01 10:00 Paris time
BUILD_AT = START - timedelta(days=1)
SLIDE_S = 20  # long enough that a check finishes inside one slide; the tests move the clock
ALERT = "travaux-gare-parvis-sud"
ALERT_AFTER = timedelta(hours=1)
PLACES = ("veto-pinede", "belvedere-des-garrigues", "chateau-de-valbrulee")  # open on START


def wait_for(condition: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll ``condition`` until it returns a true value; fail after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < end:
        try:
            last = condition()
        except (OSError, ValueError, KeyError, TypeError) as error:  # not up yet
            last = error
        else:
            if last:
                return last
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; last: {last!r}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the bundle -------------------------------------------------------------------------------


TONIGHT = "concert-ce-soir-test"
TONIGHT_TEXT = f"""\
---
title: Concert du soir sur le quai
summary: Un concert de jazz au bord de l'eau, le soir même.
provenance: {{source: test, verified_by: Léa Martin, verified_on: 2026-11-20}}
starts: {START:%Y-%m-%d}T21:00
ends: {START:%Y-%m-%d}T23:00
place: eglise-saint-aubin
---
Jazz.
"""


@functools.cache
def sample_content(builds: Path) -> tuple[Path, Corpus]:
    """content/ copied into ``builds`` with ``TONIGHT`` added, and its corpus."""
    content = builds / "content"
    if not content.is_dir():
        shutil.copytree(ROOT / "content", content)
        (content / "agenda" / f"{TONIGHT}.md").write_text(TONIGHT_TEXT, encoding="utf-8")
    corpus = load_corpus(content)
    assert not corpus.problems, corpus.problems[:5]
    return content, corpus


def builds_folder(tmp: Path) -> Path:
    """The session's folder of built bundles, next to ``tmp`` (a ``mktemp`` folder)."""
    return tmp.parent / "kiosk-builds"


def built_site(site: str, builds: Path) -> Path:
    """``site``'s bundle built into ``builds/<site>`` at ``BUILD_AT`` (if not built already)."""
    folder = builds / site
    if not (folder / "manifest.json").is_file():
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "kiosk")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        content, corpus = sample_content(builds)
        write_bundle(corpus, site, folder, content, env, BUILD_AT, "https://livep2f.com")
    return folder


def chosen_slides(built: dict[str, Any], ids: tuple[str, ...], alert: str | None) -> list[Any]:
    """The built slides ``ids`` (and the alert, made a ``critical`` one that takes the screen),
    with simple rules the tests can predict."""
    chosen = []
    for raw in built["slides"]:
        if raw["id"] in ids or raw["id"] == alert:
            slide = dict(raw, rules={"duration_s": SLIDE_S, "priority": 50, "weight": 1.0})
            if raw["id"] == alert:
                start, end = START + ALERT_AFTER, START + ALERT_AFTER + timedelta(hours=2)
                slide["window"] = {"from": start.isoformat(), "until": end.isoformat()}
                slide.update(level="critical", interrupt=True)
            else:
                slide["window"] = None
            chosen.append(slide)
    assert len(chosen) == len(ids) + (1 if alert else 0), "the sample content changed"
    return chosen


@dataclass
class Bundle:
    site: str
    folder: Path  # the storage layout (the "bucket")
    public_key: Path
    private_key: bytes
    built: Path
    document: dict[str, Any]
    planted: dict[str, bytes] = field(default_factory=dict)  # files of the test's own making

    def publish(self, counter: int, into: Path | None = None) -> dict[str, Any]:
        """Sign the release ``counter`` into ``into`` (default: the bucket); return its document."""
        put = folder_put(into or self.folder)
        files = {
            path: self.planted[path] if path in self.planted else (self.built / path).read_bytes()
            for path in self.document["files"]
        }
        for data in files.values():
            put(f"objects/{file_entry(data).sha256}", data)
        release = dict(self.document["release"], id=f"test-{counter}", counter=counter)
        document = build_manifest(
            self.document["site"],
            release,
            self.document["slides"],
            self.document["sponsors"],
            {path: file_entry(data) for path, data in files.items()},
            self.document["directory"],
        )
        put(f"kiosk/{self.site}/manifest.json", trust.sign_manifest(document, self.private_key))
        return document


def make_bundle(
    tmp: Path,
    site: str,
    ids: tuple[str, ...],
    alert: str | None,
    planted: dict[str, bytes] | None = None,
    slides: list[dict[str, Any]] | None = None,
) -> Bundle:
    """A signed release of the built ``site``: the slides ``ids`` (and ``alert``), or the given
    ``slides``; ``planted`` files are added to (or replace) the built ones."""
    built_folder = built_site(site, builds_folder(tmp))
    built = json.loads((built_folder / "manifest.json").read_bytes())
    private, public = trust.generate_keypair()
    key_path = tmp / "kiosk.pub"
    trust.write_key(key_path, public, private=False)
    planted = planted or {}
    document = dict(
        built,
        files=dict(built["files"], **{path: {} for path in planted}),
        slides=slides if slides is not None else chosen_slides(built, ids, alert),
        sponsors={},
        release={
            "id": "test-1",
            "counter": 1,
            "created": (START - timedelta(days=1)).isoformat(),
            "expires": (START + timedelta(days=14)).isoformat(),
        },
    )
    bundle = Bundle(site, tmp / "bucket", key_path, private, built_folder, document, planted)
    bundle.document = bundle.publish(1)
    return bundle


def synced_cache(bundle: Bundle, cache: Path) -> Path:
    """Sync the bucket into ``cache`` the way the player does, before the window starts."""
    store = Store(cache)
    key = trust.load_public_key(bundle.public_key)
    result = Syncer(bundle.site, FolderSource(bundle.folder), store, key).sync_once(START)
    assert result.status == "updated", result
    return cache


# -- the X server and the window --------------------------------------------------------------


@dataclass
class Display:
    name: str
    width: int
    height: int

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["import", "-display", self.name, "-window", "root", str(path)],
            check=True,
            capture_output=True,
        )
        return path


def start_xvfb(width: int, height: int) -> tuple[subprocess.Popen[bytes], Display]:
    assert shutil.which("Xvfb"), "Xvfb is missing: run ./setup.sh (it installs xvfb)"
    read, write = os.pipe()
    proc = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
        ],
        pass_fds=[write],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as out:
        number = out.readline().strip()
    return proc, Display(f":{number}", width, height)


def zbar(path: Path) -> list[str]:
    found = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if line]


@dataclass
class Kiosk:
    """A running kiosk window, driven through its control port."""

    proc: subprocess.Popen[bytes]
    control: str
    display: Display
    cache: Path
    log: Path
    bundle: Bundle
    nfc: str | None
    inbox: Path
    notify: socket.socket

    def _call(self, path: str, body: str | None = None) -> Any:
        request = urllib.request.Request(
            self.control + path, data=body.encode() if body is not None else None
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def state(self) -> dict[str, Any]:
        return self._call("/state")  # type: ignore[no-any-return]

    def page(self) -> dict[str, Any]:
        return self.state()["page"]  # type: ignore[no-any-return]

    def js(self, script: str) -> Any:
        return self._call("/eval", script)["result"]

    def click(self, x: int, y: int) -> None:
        """A mouse click on the window (through Qt's input: a user gesture, unlike a script)."""
        self._call(f"/click?x={x}&y={y}", "")

    def frame_js(self, match: str, script: str, world: int = 0) -> Any:
        """Run ``script`` in the frame named ``match`` (or whose URL contains it): frames are in
        another origin, so the page itself cannot reach into them (a visitor's finger can).
        ``world`` 0 is the frame's own scripts' world; 1 is a world of the window's own."""
        answer = self._call(f"/eval-frame?match={match}&world={world}", script)
        assert "result" in answer, answer
        return answer["result"]

    def url(self) -> str:
        return str(self._call("/url")["url"])

    def advance(self, seconds: float) -> None:
        self._call(f"/advance?seconds={seconds}", "")

    def settled(self) -> dict[str, Any]:
        """The page once the slide it was given is on screen and the cross-fade is over."""
        return wait_for(
            lambda: (
                (p := self.page())["visibleFrames"] == 1
                and p["shown"]
                and p["shownId"] == p["current"]
                and p["settledMs"] > 900  # the cross-fade takes 0.6 s
                and p
            ),
            what="the slide to settle",
        )


def start_kiosk(
    tmp: Path,
    bundle: Bundle,
    display: Display,
    nfc: str | None = None,
    idle_s: float = 2.0,
    speed: float = 1.0,
    env: dict[str, str] | None = None,
) -> Kiosk:
    """Start the window; ``nfc`` is the reader path (default: nfcpy's UDP driver, a free port)."""
    cache = synced_cache(bundle, tmp / "cache")
    port = free_port()
    nfc_path = nfc or f"udp:127.0.0.1:{free_port()}"
    inbox = tmp / "inbox"
    notify_path = tmp / "notify.sock"
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(notify_path))
    notify.settimeout(0.2)
    log = tmp / "kiosk.log"
    env = dict(
        os.environ,
        DISPLAY=display.name,
        QTWEBENGINE_DISABLE_SANDBOX="1",  # the tests run as root
        NOTIFY_SOCKET=str(notify_path),
        **(env or {}),
    )
    command = [
        PYTHON,
        "-m",
        "p2f_player.shell",
        "--site",
        bundle.site,
        "--source",
        bundle.folder.as_uri(),
        "--public-key",
        str(bundle.public_key),
        "--cache",
        str(cache),
        "--from",
        START.isoformat(),
        "--speed",
        str(speed),
        "--idle",
        str(idle_s),
        "--inbox",
        str(inbox),
        "--control-port",
        str(port),
        "--nfc",
        nfc_path,
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp,
        )
    kiosk = Kiosk(
        proc, f"http://127.0.0.1:{port}", display, cache, log, bundle, nfc_path, inbox, notify
    )
    try:
        wait_for(lambda: kiosk.page()["shown"], timeout=90, what="the first slide")
    except BaseException:
        stop_kiosk(kiosk)
        print(log.read_text(errors="replace")[-4000:])
        raise
    return kiosk


def stop_kiosk(kiosk: Kiosk) -> None:
    kiosk.proc.terminate()
    try:
        kiosk.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kiosk.proc.kill()
        kiosk.proc.wait()
    kiosk.notify.close()


def read_nfc(path: str, timeout: float = 15.0) -> str:
    """Tap a phone: a second process in reader mode reads the tag's URI."""
    out = subprocess.run(
        [PYTHON, str(Path(__file__).with_name("nfc_reader.py")), path, str(timeout)],
        capture_output=True,
        text=True,
        timeout=timeout + 15,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


@pytest.fixture(scope="module")
def portrait_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    tmp = tmp_path_factory.mktemp("kiosk-portrait")
    xvfb, display = start_xvfb(1080, 1920)
    bundle = make_bundle(tmp, "gare", PLACES, ALERT)
    try:
        kiosk = start_kiosk(tmp, bundle, display)
        yield kiosk
        stop_kiosk(kiosk)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
