"""What goes to the phone comes from the signed release only (no window needed): a page names
what it shows, Python answers with the manifest's link; an outside link is handed off only if
the verified directory page on screen carries it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from p2f_player.app import ScaledClock
from p2f_player.shell.handoff import directory_page, link_for, outside_links
from p2f_player.shell.window import KioskWindow, ShellApi, ShellSettings

PAGE = "/bundle/r1/directory/fr/items/phare.html"
REAL = "https://phare.example/horaires?x=1&y=2"
DOCUMENT = {
    "site": {"id": "gare"},
    "slides": [{"id": "phare", "deep_links": {"fr": "https://livep2f.com/d/fr/phare/?k=gare"}}],
    "files": {"directory/fr/items/phare.html": {"size": 1, "sha256": "0" * 64}},
}


@pytest.fixture
def shell(tmp_path: Path) -> KioskWindow:
    page = tmp_path / "r1" / "directory" / "fr" / "items" / "phare.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        f'<main><a href="{REAL.replace("&", "&amp;")}">Horaires</a>'
        '<a href="../index.html">Accueil</a></main>'
    )
    return KioskWindow(
        "http://127.0.0.1:1",
        ShellSettings(),
        ScaledClock(datetime(2026, 12, 1, 9, tzinfo=UTC), 1.0),
        content_origin="http://127.0.0.1:2",
        releases=lambda: {"r1": tmp_path / "r1"},
    )


def test_links_come_from_the_manifest_for_listed_pages_only() -> None:
    assert link_for("/bundle/r1/slides/phare.fr.html", DOCUMENT) == (
        "https://livep2f.com/d/fr/phare/?k=gare"
    )
    assert link_for(PAGE, DOCUMENT) == "https://livep2f.com/d/fr/phare/?k=gare"
    # a made-up item (not in the release's files) gets no link at all
    assert link_for("/bundle/r1/directory/fr/items/evil.html", DOCUMENT) is None
    assert link_for("https://evil.example/slides/phare.fr.html", DOCUMENT) is None


def test_outside_links_and_directory_pages() -> None:
    html = '<a href="https://a.example/">a</a><a href="b.html">b</a><a href=" http://c.example ">'
    assert outside_links(html) == {"https://a.example/", "http://c.example"}
    assert outside_links(f'<a href="https://x.example/{"a" * 300}">') == frozenset()
    assert directory_page(PAGE) == ("r1", "directory/fr/items/phare.html")
    for bad in (
        "/bundle/r1/directory/fr/../../../etc/passwd.html",
        "/bundle/../directory/fr/index.html",
        "/bundle/r1/slides/phare.fr.html",
        "/bundle/r1/directory/fr/.hidden.html",
    ):
        assert directory_page(bad) is None, bad


def test_the_page_cannot_hand_off_a_url_of_its_own(shell: KioskWindow) -> None:
    told: list[str | None] = []
    shell.link_listeners.append(told.append)  # the NFC tag's listener
    api = ShellApi(shell)
    api.shown(PAGE, "touch")
    assert api.handoff("https://evil.example/") == {"link": None, "qr": None}
    assert shell.screen.link != "https://evil.example/"
    assert "https://evil.example/" not in told
    # a link the verified page carries does go to the phone
    assert api.handoff(REAL)["link"] == REAL
    assert shell.screen.link == REAL and told[-1] == REAL


def test_no_hand_off_outside_a_directory_page_or_touch_mode(shell: KioskWindow) -> None:
    api = ShellApi(shell)
    api.shown(PAGE, "loop")
    assert api.handoff(REAL)["link"] is None  # the loop shows slides: nothing to hand off
    api.shown("/bundle/r1/directory/fr/../../../../etc/passwd", "touch")
    assert api.handoff(REAL)["link"] is None
    api.shown("/bundle/r2/directory/fr/items/phare.html", "touch")  # not a release on disk
    assert api.handoff(REAL)["link"] is None


def test_the_releases_are_never_served_from_the_page_origin() -> None:
    with pytest.raises(ValueError, match="origin"):
        KioskWindow(
            "http://127.0.0.1:1",
            ShellSettings(),
            ScaledClock(datetime(2026, 12, 1, 9, tzinfo=UTC), 1.0),
            content_origin="http://127.0.0.1:1",
        )
