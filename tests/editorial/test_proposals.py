"""Proposals from outside: the form's submission becomes an unverified draft that no screen
plays; the receiver's abuse limits."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from p2f_editorial.proposals import Limits, ProposalError, RateLimit, draft_from_form
from p2f_editorial.proposals_server import ENDPOINT, Receiver, serve

from p2f_model import frontmatter
from p2f_model.load import load_corpus
from p2f_site.build import build_all
from tests.conftest import ROOT, WriteContent

TODAY = date(2026, 12, 3)
EVENT_FORM = {
    "kind": "event",
    "org": "Comité des fêtes",
    "email": "comite@example.org",
    "title": "Vide-grenier des Pins",
    "summary": "Cent exposants sur le parking.",
    "text": "Buvette et crêpes.\r\nEntrée libre.",
    "starts": "2027-05-01T08:00",
    "ends": "2027-05-01T18:00",
    "place": "veto-pinede",
    "url_bis": "",
}
PLACES, PARTNERS = {"veto-pinede"}, {"velos-pinede"}


def test_an_event_becomes_an_unverified_draft(write_content: WriteContent) -> None:
    draft = draft_from_form(EVENT_FORM, PLACES, PARTNERS, TODAY)
    assert draft is not None
    assert (draft.folder, draft.slug) == ("agenda", "vide-grenier-des-pins-2026-12-03")
    parsed = frontmatter.parse(draft.text)
    assert parsed.fields["status"] == "draft"
    assert parsed.fields["provenance"]["source"] == "proposed by Comité des fêtes, not verified"
    assert "comite@example.org" not in json.dumps(parsed.fields)  # a comment, not a field
    assert "contact: comite@example.org" in draft.text
    assert parsed.body.strip() == "Buvette et crêpes.\nEntrée libre."
    content = write_content({f"agenda/{draft.slug}.md": draft.text})
    assert load_corpus(content).problems == []


def test_an_offer_comes_from_a_partner(write_content: WriteContent) -> None:
    form = {
        "kind": "offer",
        "org": "velos-pinede",
        "email": "a@b.fr",
        "title": "Deux heures offertes",
        "valid_from": "2027-04-01T00:00",
        "valid_until": "2027-04-30T23:59",
        "booking_url": "https://velos.example/printemps",
    }
    draft = draft_from_form(form, PLACES, PARTNERS, TODAY)
    assert draft is not None and draft.folder == "bons-plans"
    content = write_content({f"bons-plans/{draft.slug}.md": draft.text})
    assert load_corpus(content).problems == []
    with pytest.raises(ProposalError, match="org: offers are proposed by partners"):
        draft_from_form({**form, "org": "inconnu"}, PLACES, PARTNERS, TODAY)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "<script>x</script>"}, "title"),
        ({"text": "a\x1bb"}, "text"),
        ({"email": "nobody"}, "email"),
        ({"place": "ailleurs"}, "place"),
        ({"ends": "2027-05-01T07:00"}, "ends"),
        ({"starts": "2027-02-30T08:00"}, "starts"),
        ({"kind": "place"}, "kind"),
        ({"summary": "x" * 241}, "summary"),
    ],
)
def test_bad_fields_are_named(change: dict[str, str], field: str) -> None:
    with pytest.raises(ProposalError) as caught:
        draft_from_form({**EVENT_FORM, **change}, PLACES, PARTNERS, TODAY)
    assert caught.value.field == field


def test_a_filled_honeypot_is_dropped_silently() -> None:
    assert (
        draft_from_form({**EVENT_FORM, "url_bis": "http://spam"}, PLACES, PARTNERS, TODAY) is None
    )


def test_rate_limit_per_client_and_overall() -> None:
    rate = RateLimit(Limits(per_client=2, overall=3))
    assert [rate.allow("a", t) for t in (0, 1, 2)] == [True, True, False]
    assert rate.allow("b", 3) is True
    assert rate.allow("c", 4) is False  # 3 in the hour overall
    assert rate.allow("a", 3601) is True  # the first two left the window


def _post(url: str, body: bytes, content_type: str = "application/x-www-form-urlencoded"):
    request = urllib.request.Request(
        url + ENDPOINT, data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_receiver_limits(tmp_path: Path) -> None:
    from urllib.parse import urlencode

    site = tmp_path / "site"
    site.mkdir()
    content = tmp_path / "content"
    limits = Limits(max_body=2000, per_client=3, max_pending=2)
    receiver = Receiver(content, PLACES, PARTNERS, limits, today=lambda: TODAY)
    good = urlencode(EVENT_FORM).encode()
    with serve(site, receiver) as url:
        assert _post(url, b"x" * 2001) == 413
        assert _post(url, b"--b\r\n", "multipart/form-data; boundary=b") == 415
        assert _post(url, urlencode({**EVENT_FORM, "email": "x"}).encode()) == 400
        assert _post(url, good) == 200
        assert _post(url, good) == 200  # same title: a second file, never overwritten
        assert _post(url, good) == 429  # three per client per hour
        receiver.rate = RateLimit(limits)
        assert _post(url, good) == 503  # two drafts already wait for review
    names = sorted(p.name for p in (content / "agenda").iterdir())
    assert names == ["vide-grenier-des-pins-2026-12-03-2.md", "vide-grenier-des-pins-2026-12-03.md"]


def test_form_in_chromium_makes_a_draft_no_screen_plays(
    write_content: WriteContent, tmp_path: Path, page: Any
) -> None:
    content = write_content()
    overrides = {"PATH": str(content), "P2F_ROOT": str(tmp_path), "P2F_NOW": "2026-12-03T10:00"}
    build_all(ROOT, ROOT / "pelicanconf.py", tmp_path / "build", overrides=overrides)
    # the website says when and by whom each item was verified, in each language
    site = tmp_path / "build" / "site"
    vet = (site / "lieux" / "veto-pinede" / "index.html").read_text(encoding="utf-8")
    assert '12 septembre 2026</time> par <span lang="fr">Yanis Benali</span>' in vet
    vet_en = (site / "en" / "lieux" / "veto-pinede" / "index.html").read_text(encoding="utf-8")
    assert '12 September 2026</time> by <span lang="fr">Yanis Benali</span>' in vet_en
    receiver = Receiver(content, PLACES, PARTNERS, today=lambda: TODAY)
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    with serve(tmp_path / "build" / "site", receiver) as url:
        page.route(lambda u: not u.startswith(url), lambda route: route.abort())
        page.goto(url + "/proposer/")
        form = page.locator("form.proposal").first
        form.get_by_label("Votre organisation").fill("Comité des fêtes")
        form.get_by_label("Début").fill("2027-05-01T08:00")
        form.get_by_label("Fin").fill("2027-05-01T18:00")
        form.get_by_label("Lieu").select_option("veto-pinede")
        form.get_by_label("Titre").fill("Vide-grenier des Pins")
        form.get_by_label("Votre adresse e-mail").fill("comite@example.org")
        form.get_by_role("button").click()
        page.wait_for_selector("h1:text('Merci !')")
    assert violations == []
    draft = content / "agenda" / "vide-grenier-des-pins-2026-12-03.md"
    assert "status: draft" in draft.read_text(encoding="utf-8")
    assert load_corpus(content).problems == []  # `invoke check` accepts it
    build_all(ROOT, ROOT / "pelicanconf.py", tmp_path / "build", overrides=overrides)
    manifest = json.loads((tmp_path / "build" / "kiosk" / "gare" / "manifest.json").read_text())
    assert "vide-grenier-des-pins-2026-12-03" not in [s["id"] for s in manifest["slides"]]
    assert "marche-nocturne" in [s["id"] for s in manifest["slides"]]  # the build did run
    assert not (
        tmp_path / "build" / "site" / "agenda" / "vide-grenier-des-pins-2026-12-03"
    ).exists()
