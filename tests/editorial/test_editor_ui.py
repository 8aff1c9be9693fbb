"""The web editor in Chromium, against decap-server over a copy of the test corpus.

A reporter creates a place, an event with its English translation and an alert through the
form; the files appear in the copy's content/, written in the house style, and the check
accepts them; an existing item opened and saved without a change keeps every byte.
With ``UPDATE_SCREENSHOTS=1`` the run also refreshes docs/screenshots/editor-*.png.
"""

from __future__ import annotations

import json
import os
import re
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from p2f_editorial.cli import open_editor
from playwright.sync_api import expect

from p2f_model.load import load_corpus
from tests.conftest import BASE_FILES, PNG, ROOT

SHOTS = ROOT / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def editor(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The editor over a COPY of the test corpus (never the repository's content/)."""
    root = tmp_path / "repo"
    for name, text in BASE_FILES.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "content" / "images").mkdir()
    (root / "content" / "images" / "veto.png").write_bytes(PNG)
    with open_editor(root, 0, _free_port(), node_modules=ROOT / "node_modules") as url:
        yield url, root


class Reporter:
    """What a reporter does in the editor, in Decap's own words (French interface)."""

    def __init__(self, page: Any, url: str) -> None:
        self.page, self.url = page, url

    def field(self, name: str, pane: int = 0) -> Any:
        # Decap ids each control "<field>-field-<n>"; the French pane comes first
        return self.page.locator(f'[id^="{name}-field-"]').nth(pane)

    def pick(self, name: str, text: str) -> None:
        """A select or relation: type, then take the first match."""
        self.field(name).click()
        self.page.keyboard.type(text)
        self.page.get_by_role("option").filter(has_text=text).first.click()

    def write_body(self, text: str, pane: int = 0) -> None:
        self.page.locator('[data-slate-editor="true"]').nth(pane).click()
        self.page.keyboard.type(text)

    def new(self, folder: str) -> None:
        self.page.goto(f"{self.url}/admin/#/collections/{folder}/new")
        # a fresh page: after a hash change the previous form lingers for a while
        self.page.reload()
        self.page.get_by_text(f"Écriture dans la collection {folder}").wait_for()
        self.field("title").wait_for()
        assert self.field("title").input_value() == ""

    def publish(self) -> dict[str, Any]:
        """Save; returns what the editor sent to the local backend."""
        with self.page.expect_response(_persist) as saved:
            self.page.get_by_role("button", name="Publier").first.click()
            self.page.get_by_text("Publier maintenant").click()
        assert saved.value.status == 200, saved.value.text()
        # Decap then shows the saved entry (a new one at its own address): wait for its form
        self.page.wait_for_url(re.compile(r".*/entries/[a-z0-9-]+$"))
        self.page.get_by_role("button", name="Supprimer l'entrée").wait_for()
        return json.loads(saved.value.request.post_data)

    def shot(self, name: str) -> None:
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            SHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SHOTS / f"editor-{name}.png"))


def _persist(response: Any) -> bool:
    data = response.request.post_data or ""
    return response.url.endswith("/api/v1") and '"persistEntry"' in data


def _watch(page: Any, url: str) -> list[str]:
    problems: list[str] = []
    page.on("dialog", lambda dialog: dialog.accept())  # "leave this page?" after a save
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # nothing leaves 127.0.0.1: the editor must work offline, and the test must not reach out
    page.route(lambda u: not u.startswith(url) and not u.startswith("blob:"), lambda r: r.abort())
    return problems


def test_a_reporter_creates_a_place_an_event_and_an_alert(
    editor: tuple[str, Path], page: Any
) -> None:
    url, root = editor
    content = root / "content"
    problems = _watch(page, url)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{url}/admin/")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("veto-pinede").or_(page.get_by_text("Clinique vétérinaire")).first.wait_for()
    me = Reporter(page, url)
    me.page.goto(f"{url}/admin/#/collections/lieux")
    me.page.get_by_text("Clinique vétérinaire de la Pinède").first.wait_for()
    me.shot("list")

    # a place
    me.new("lieux")
    me.field("title").fill("Boulangerie du Port")
    me.field("summary").fill("Pain au levain et fougasses, ouvert tôt.")
    me.field("source").fill("visite sur place")
    me.field("verified_by").fill("Léa Martin")
    me.field("verified_on").fill("2026-11-20")
    me.pick("category", "restauration")
    me.pick("subcategory", "boulangerie")
    me.field("lat").fill("43.2101")
    me.field("lon").fill("3.4455")
    me.field("address").fill("3 quai du Port, 34510 Pinède-sur-Mer")
    me.field("opening_hours").fill("Mo-Sa 06:30-13:00")
    me.write_body("Le fournil ouvre avant le premier bateau.")
    me.page.evaluate("window.scrollTo(0, 0)")
    me.shot("place")
    me.publish()
    place = content / "lieux" / "boulangerie-du-port.md"
    assert place.read_text(encoding="utf-8") == textwrap.dedent("""\
        ---
        title: Boulangerie du Port
        summary: Pain au levain et fougasses, ouvert tôt.
        provenance: {source: visite sur place, verified_by: Léa Martin, verified_on: 2026-11-20}
        category: restauration
        subcategory: boulangerie
        geo: {lat: 43.2101, lon: 3.4455}
        address: 3 quai du Port, 34510 Pinède-sur-Mer
        opening_hours: Mo-Sa 06:30-13:00
        ---

        Le fournil ouvre avant le premier bateau.
        """)
    assert not list((content / "lieux").glob("boulangerie-du-port.*.md"))  # no empty translation

    # an event, with its English translation in the right-hand pane
    me.new("agenda")
    me.field("title").fill("Concert sur le port")
    me.field("title", 1).fill("Concert on the harbour")
    me.field("source").fill("programme de la mairie")
    me.field("verified_by").fill("Yanis Benali")
    me.field("verified_on").fill("2026-11-21")
    me.field("starts").fill("2027-07-14T21:00")
    me.field("ends").fill("2027-07-14T23:00")
    me.pick("place", "Clinique")
    me.write_body("Un orchestre de cuivres sur le quai.")
    me.write_body("A brass band on the quay.", pane=1)
    me.shot("translation")
    me.publish()
    event = content / "agenda" / "concert-sur-le-port.md"
    assert "starts: 2027-07-14T21:00\nends: 2027-07-14T23:00\nplace: veto-pinede\n" in (
        event.read_text(encoding="utf-8")
    )
    assert (content / "agenda" / "concert-sur-le-port.en.md").read_text(encoding="utf-8") == (
        "---\ntitle: Concert on the harbour\n---\n\nA brass band on the quay.\n"
    )

    # an alert
    me.new("alertes")
    me.field("title").fill("Quai fermé")
    me.field("source").fill("capitainerie")
    me.field("verified_by").fill("Léa Martin")
    me.field("verified_on").fill("2026-11-22")
    me.pick("severity", "warning")
    me.field("valid_from").fill("2026-11-22T06:00")
    me.field("valid_until").fill("2026-11-23T20:00")
    me.publish()
    alert = (content / "alertes" / "quai-ferme.md").read_text(encoding="utf-8")
    assert "severity: warning\nvalid_from: 2026-11-22T06:00\nvalid_until: 2026-11-23T20:00\n" in (
        alert
    )

    corpus = load_corpus(content)
    assert [str(p) for p in corpus.problems] == []
    assert {"boulangerie-du-port", "concert-sur-le-port", "quai-ferme"} <= set(corpus.items)
    assert set(corpus.items["concert-sur-le-port"].texts) == {"fr", "en"}
    assert problems == []


def test_editing_an_item_changes_one_line_and_undoing_it_restores_every_byte(
    editor: tuple[str, Path], page: Any
) -> None:
    """Decap re-serialises the whole file on each save; what reaches the disk must not."""
    url, root = editor
    problems = _watch(page, url)
    before = _snapshot(root / "content")
    page.goto(f"{url}/admin/")
    page.get_by_role("button", name="Se connecter").click()
    me = Reporter(page, url)
    for folder, slug, title in [
        ("lieux", "veto-pinede", "Clinique vétérinaire de la Pinède"),
        ("agenda", "marche-nocturne", "Marché nocturne"),
        ("bons-plans", "velos-hiver", "−20 % sur la location de vélos"),
    ]:
        me.page.goto(f"{url}/admin/#/collections/{folder}/entries/{slug}")
        me.page.reload()
        me.field("title").wait_for()
        assert me.field("title").input_value() == title
        me.field("title").fill(f"{title} (fermé)")
        sent = me.publish()
        assert len(sent["params"]["dataFiles"]) >= 1  # Decap sends the whole file, rewritten
        name = f"{folder}/{slug}.md"
        after = _snapshot(root / "content")
        old_lines = before[name].decode().splitlines()
        new_lines = after[name].decode().splitlines()
        changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
        assert changed == [(f"title: {title}", f"title: {title} (fermé)")]
        assert {k: v for k, v in after.items() if k != name} == {
            k: v for k, v in before.items() if k != name
        }
        me.page.reload()  # as read back from the file
        expect(me.field("title")).to_have_value(f"{title} (fermé)")
        me.field("title").fill(title)
        me.publish()
    assert _snapshot(root / "content") == before
    assert problems == []


def _snapshot(content: Path) -> dict[str, bytes]:
    return {str(p.relative_to(content)): p.read_bytes() for p in sorted(content.rglob("*.*"))}
