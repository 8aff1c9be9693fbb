"""Slides as signage, in Debian's Chromium, every template in both orientations: the title is
big and visible, nothing overlaps the QR zone (where the shell draws its QR box), the top (or
left) of the screen is a photo or the designed fallback, never blank, and contrast holds.

``UPDATE_SCREENSHOTS=1`` writes ``docs/screenshots/slide-<template>-<orientation>.png`` (but for
the now board, whose docs screenshots are the shell's: tests/shell/test_screens.py);
otherwise the screenshots go to a temporary folder (a test run never rewrites tracked files).
"""

from __future__ import annotations

import io
import json
import os
import re
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import pytest
from PIL import Image, ImageDraw

from p2f_kiosk.signage import slide_context
from p2f_model.load import load_corpus
from p2f_player.contract.rules import PARIS
from p2f_player.nowboard import parse_now_script, render_now_board
from p2f_site.build import build_all
from tests.conftest import BASE_FILES, ROOT, SITE
from tests.kiosk.test_directory_search import CHROMIUM, CHROMIUM_ARGS

BUILD_NOW = "2026-11-26T12:00:00+00:00"
PLAY_AT = datetime(2026, 11, 28, 10, 0, tzinfo=PARIS)  # the now board's moment
SITES = {"portrait": ("gare", 1080, 1920), "landscape": ("coworking", 1920, 1080)}
SHELL_CSS = ROOT / "player" / "p2f_player" / "shell" / "ui" / "shell.css"
KIOSK_CSS = ROOT / "theme" / "kiosk" / "kiosk.css"
QR_BOX = ("--qr-right", "--qr-bottom", "--qr-w", "--qr-h")  # where the shell draws its QR box


def qr_declarations(css: Path) -> dict[str, str]:
    """The ``--qr-*`` custom properties a style sheet declares (each once)."""
    rules = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8"), flags=re.S)
    found = re.findall(r"(--qr-[a-z]+)\s*:\s*([^;]+);", rules)
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), f"{css}: a --qr-* property declared twice: {names}"
    return {name: value.strip() for name, value in found}


def shell_qr() -> dict[str, float]:
    """The shell's QR box as the shell declares it: right (vw), bottom (vh), width, height (px)."""
    values = qr_declarations(SHELL_CSS)
    number = {name: float(re.fullmatch(r"([\d.]+)(vw|vh|px)", values[name])[1]) for name in QR_BOX}  # type: ignore[index]
    assert values["--qr-right"].endswith("vw") and values["--qr-bottom"].endswith("vh")
    assert values["--qr-w"].endswith("px") and values["--qr-h"].endswith("px")
    return {
        "right_vw": number["--qr-right"], "bottom_vh": number["--qr-bottom"],
        "width": number["--qr-w"], "height": number["--qr-h"],
    }  # fmt: skip


EXTRA = {
    "sites/coworking.md": SITE.replace("orientation: portrait", "orientation: landscape")
    .replace("resolution: 1080x1920", "resolution: 1920x1080")
    .replace("Gare de Pinède — hall des arrivées", "Coworking de la Pépinière"),
    "partenaires/loueur.md": """\
        ---
        title: Location Cap Rousset
        kind: commerce
        provenance: {source: contrat, verified_by: Léa Martin, verified_on: 2026-10-01}
        ---
        Location.
        """,
    "bons-plans/location-hiver.md": """\
        ---
        title: Location de voiture le week-end
        partner: loueur
        valid_from: 2026-11-01T00:00
        valid_until: 2027-01-31T23:59
        discount_percent: 25
        code: P2FWEEKEND
        booking_url: https://loueur.example
        provenance: {source: contrat, verified_by: Léa Martin, verified_on: 2026-10-01}
        ---
        Du vendredi au lundi.
        """,
    "bons-plans/velos-location.md": """\
        ---
        title: Vélo à assistance électrique à la journée
        summary: Le vélo électrique pour la voie verte, casque et antivol compris.
        partner: velos-pinede
        valid_from: 2026-11-01T00:00
        valid_until: 2027-03-31T23:59
        price: 12
        original_price: 15
        booking_url: https://velos.example/reserver
        provenance: {source: contrat, verified_by: Léa Martin, verified_on: 2026-10-01}
        ---
        Sur présentation de l'écran.
        """,
    "alertes/tempete.md": """\
        ---
        title: Tempête sur le littoral
        summary: Vents violents attendus, sentiers du littoral fermés, restez à l'abri.
        severity: critical
        valid_from: 2026-11-20T06:00
        valid_until: 2027-01-15T22:00
        provenance: {source: préfecture, verified_by: Léa Martin, verified_on: 2026-11-19}
        ---
        Consignes de la préfecture.
        """,
    "lieux/pharmacie-parvis.md": """\
        ---
        title: Pharmacie du Parvis
        summary: Pharmacie au pied de la gare, conseils et parapharmacie.
        category: services
        subcategory: pharmacie
        geo: {lat: 43.2110, lon: 3.4405}
        address: 1 place de la Gare, 34510 Pinède-sur-Mer
        opening_hours: "Mo-Sa 09:00-12:00,14:00-19:00"
        provenance: {source: visite, verified_by: Léa Martin, verified_on: 2026-10-01}
        ---
        Au pied de la gare.
        """,
}
# template -> the slide that shows it (in the built bundle, or drawn here: practical, now)
SLIDES = {
    "place": "veto-pinede",
    "place-fallback": "pharmacie-parvis",
    "event": "marche-nocturne",
    "offer": "location-hiver",
    "offer-partner": "velos-location",
    "alert": "tempete",
    "practical": "numeros-urgence",
    "now": "now",
}
# the now board's docs screenshots come from the shell, where it is drawn at play time
# (tests/shell/test_screens.py): here it is checked, not photographed for docs/
DOCS_SHOTS = set(SLIDES) - {"now"}


def photo() -> bytes:
    """A deterministic 1200x800 'photo' (sky, sea, sand) for the vet."""
    image = Image.new("RGB", (1200, 800), (120, 180, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 430, 1200, 800), fill=(30, 110, 160))
    draw.rectangle((0, 640, 1200, 800), fill=(225, 200, 150))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("slides")
    content = root / "content"
    for name, text in {**BASE_FILES, **EXTRA}.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (content / "images").mkdir()
    (content / "images" / "veto.png").write_bytes(photo())
    output = root / "build"
    build_all(ROOT, ROOT / "pelicanconf.py", output,
              overrides={"PATH": str(content), "P2F_ROOT": str(root), "P2F_NOW": BUILD_NOW})  # fmt: skip
    corpus = load_corpus(content, relative_to=root)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "kiosk")),
        autoescape=True, undefined=jinja2.StrictUndefined,
    )  # fmt: skip
    now = datetime.fromisoformat(BUILD_NOW)
    for site, _, _ in SITES.values():
        bundle = output / "kiosk" / site
        # pages are not in the loop's plan today: the practical template drawn as the build would
        page = corpus.items["numeros-urgence"]
        values = slide_context(page, "fr", now, corpus, [], None, None)
        profile = json.loads((bundle / "manifest.json").read_text())["site"]
        html = env.get_template("slide-practical.html").render(
            site=profile, link="https://livep2f.com/d/numeros-urgence",
            template="practical", **values,
        )  # fmt: skip
        (bundle / "slides" / "numeros-urgence.fr.html").write_text(html)
        document = parse_now_script((bundle / "directory/fr/now.js").read_bytes())
        board = render_now_board(
            document, ["Tempête sur le littoral"], PLAY_AT, profile
        )  # fmt: skip
        (bundle / "slides" / "now.fr.html").write_text(board)
    return output


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS"):
        return ROOT / "docs" / "screenshots"
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def luminance(rgb: str) -> float:
    values = [int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])  # fmt: skip


TEXT_BOXES = """() => [...document.querySelectorAll('main *, .board *')]
  .filter(n => n.getClientRects().length && (n.matches('img') ||
     [...n.childNodes].some(c => c.nodeType === 3 && c.textContent.trim())))
  .map(n => { const r = n.getBoundingClientRect();
              return {tag: n.tagName, text: n.textContent.slice(0, 40),
                      x: r.x, y: r.y, width: r.width, height: r.height}; })"""
CUE_BOXES = """() => [...document.querySelectorAll('.cue span, .cue svg')]
  .map(n => { const r = n.getBoundingClientRect();
              return {tag: n.tagName, text: n.textContent.slice(0, 40),
                      x: r.x, y: r.y, width: r.width, height: r.height}; })"""


def test_the_qr_box_is_declared_once_for_shell_and_slides() -> None:
    """The slides keep free the box the shell draws: the same four declarations in both."""
    shell, kiosk = qr_declarations(SHELL_CSS), qr_declarations(KIOSK_CSS)
    assert set(QR_BOX) <= set(shell), f"{SHELL_CSS}: declare {', '.join(QR_BOX)} in :root"
    assert {name: kiosk.get(name) for name in QR_BOX} == {name: shell[name] for name in QR_BOX}
    # the shell places and sizes #handoff by them, the slides' zone by them
    shell_text, kiosk_text = SHELL_CSS.read_text(), KIOSK_CSS.read_text()
    for name in QR_BOX:
        assert f"var({name})" in shell_text and f"var({name})" in kiosk_text, name


@pytest.mark.parametrize("orientation", list(SITES))
@pytest.mark.parametrize("template", list(SLIDES))
def test_slide_template(
    browser: Any, built: Path, shots: Path, template: str, orientation: str
) -> None:
    site, width, height = SITES[orientation]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
    path = built / "kiosk" / site / "slides" / f"{SLIDES[template]}.fr.html"
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.scripts.length") == 0  # sandboxed: no script at all
    title = page.locator("h1")
    box = title.bounding_box()
    assert title.is_visible() and box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= height and box["x"] + box["width"] <= width
    assert float(title.evaluate("n => getComputedStyle(n).fontSize")[:-2]) >= 64
    colours = title.evaluate(
        "n => [getComputedStyle(n).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert contrast(*colours) >= 4.5, colours  # AA for any size, above AA large (3:1)
    # the zone the shell's QR box covers: no text of the slide under it, the NFC cue included
    qr = shell_qr()
    shell_box = {
        "x": width - width * qr["right_vw"] / 100 - qr["width"],
        "y": height - height * qr["bottom_vh"] / 100 - qr["height"],
        "width": qr["width"], "height": qr["height"],
    }  # fmt: skip
    boxes = page.evaluate(TEXT_BOXES)
    assert len(boxes) >= 2
    clashes = [b for b in boxes + page.evaluate(CUE_BOXES) if overlaps(b, shell_box)]
    assert clashes == [], clashes
    if template != "now":
        zone = page.locator(".qr-zone").bounding_box()
        assert zone is not None
        assert zone["x"] <= shell_box["x"] and zone["y"] <= shell_box["y"]
        assert zone["x"] + zone["width"] >= shell_box["x"] + shell_box["width"]
        assert zone["y"] + zone["height"] >= shell_box["y"] + shell_box["height"]
        assert page.locator(".cue").inner_text().strip()
        assert [b for b in boxes if overlaps(b, zone)] == []
        # no blank half: the picture (photo or designed fallback) fills the top / left part
        media = page.locator(".media").bounding_box()
        assert media is not None and media["x"] == 0 and media["y"] == 0
        if orientation == "portrait":
            assert media["width"] == width and media["height"] >= 0.4 * height
        else:
            assert media["height"] == height and media["width"] >= 0.45 * width
        has_photo = page.locator(".media img.photo").count() == 1
        assert has_photo == (template == "place")
        if has_photo:
            assert page.evaluate("() => document.querySelector('.photo').naturalWidth") > 0
        else:
            assert page.locator(".media .artwork svg").count() == 1
        if template != "practical":
            assert page.locator(".fact").inner_text().strip()
    if template in DOCS_SHOTS or not os.environ.get("UPDATE_SCREENSHOTS"):
        page.screenshot(path=str(shots / f"slide-{template}-{orientation}.png"))
    context.close()


def test_each_kind_says_the_fact_that_matters(built: Path) -> None:
    slides = built / "kiosk" / "gare" / "slides"

    def fact(slug: str, lang: str = "fr") -> str:
        text = (slides / f"{slug}.{lang}.html").read_text()
        return text.split('<p class="fact"', 1)[1].split(">", 1)[1].split("</p>", 1)[0]

    assert fact("veto-pinede") == "Lundi–vendredi 8 h–19 h, samedi 9 h–12 h"
    assert fact("veto-pinede", "en") == "Mon–Fri 8 am–7 pm, Sat 9 am–noon"
    assert fact("marche-nocturne") == "Mercredi 14 juillet, 19 h"
    assert fact("location-hiver") == "−25\u00a0% jusqu’au 31 janvier, code P2FWEEKEND"
    assert fact("tempete") == "Jusqu’au 15 janvier"
    partner = (slides / "velos-location.fr.html").read_text()
    assert "tpl-offer-partner" in partner and "Avec Vélos de la Pinède" in partner
    assert "12\u00a0€ <del>15\u00a0€</del>" in partner
    assert "Mo-Fr" not in (slides / "veto-pinede.fr.html").read_text()
