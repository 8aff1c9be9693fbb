"""Pictures: downloaded from a real server on 127.0.0.1 when reachable and a raster image,
referenced (imported.media) and reported otherwise; re-import idempotent; --no-images."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

from p2f_import import pictures
from p2f_import.cli import main
from p2f_import.report import markdown
from p2f_model import frontmatter
from tests.conftest import PNG
from tests.importers import handmade
from tests.importers.conftest import (
    FLUX_2020,
    FRANCE,
    Import,
    Web,
    check_text,
    closed_port,
    offline,
    snapshot,
)

UPSTREAM = "https://centre.media.tourinsoft.eu"
CUBRIK = "https://data.datatourisme.gouv.fr/15/898f92dd-f805-353d-a89b-3026f4ff2e6e"
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab), via DATAtourisme"
NOW = "2026-03-10T08:00:00+00:00"
PNG_HEADERS = {"Content-Type": "image/png"}


def header(path: Path) -> dict:
    return frontmatter.parse(path.read_text(encoding="utf-8")).fields


def served_flux(web: Web, tmp_path: Path) -> Path:
    """The real 2020 flux with its picture URLs moved to ``web``, which serves a PNG for
    each (with the .jpg names and the image/jpeg type upstream gave them)."""
    flux = tmp_path / "flux"
    shutil.copytree(FLUX_2020, flux)
    for path in flux.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        for url in re.findall(re.escape(UPSTREAM) + r'[^"]+', text):
            web.routes[url[len(UPSTREAM) :]] = (200, {"Content-Type": "image/jpeg"}, PNG)
        path.write_text(text.replace(UPSTREAM, web.base), encoding="utf-8")
    return flux


def write_object(folder: Path, obj: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "place.json"
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


def test_real_flux_pictures_are_stored_with_alt_and_credit_and_reimport_changes_no_byte(
    import_into: Import, content: Path, tmp_path: Path, web: Web
) -> None:
    flux = served_flux(web, tmp_path)
    result = import_into("datatourisme", [flux], territory=FRANCE, now="2020-09-01T08:00:00+00:00")
    [image] = header(content / "lieux/le-cubrik.md")["images"]
    stem = pictures.stable_name(CUBRIK, f"{web.base}/upload/cubrik.jpg")
    assert image["src"] == f"images/datatourisme/{stem}.png"  # the bytes say PNG, not the URL
    assert (content / image["src"]).read_bytes() == PNG
    # upstream's caption is "cubrik", the file's name: a placeholder, flagged and reported
    assert image["alt"] == pictures.PLACEHOLDER.format(title="Le Cubrik")
    assert image["credit"] == f"cubrik ({LICENCE})"
    flags = header(content / "lieux/le-cubrik.md")["imported"]["flags"]
    assert any("images[0].alt is a placeholder" in flag for flag in flags)
    assert "lieux/le-cubrik.md" in result.placeholders
    # a caption that reads as words is the alt
    walk = header(content / "agenda/randonnee-pedestre-des-virades-de-l-espoir-2020-09-27.md")
    assert walk["images"][0]["alt"] == "Randonnée en Vallée du Loir"
    # usage rights ended 2019-12-31: not requested, referenced, reported
    assert [(m.url.rsplit("/", 1)[1], m.reason) for m in result.missed] == [
        ("La-Maison-du-jardinier-6.jpg", "its usage rights ended on 2019-12-31")
    ]
    assert "/upload/La-Maison-du-jardinier-6.jpg" not in web.hits
    garden = header(content / "lieux/chateau-de-la-roche-berthault-la-maison-du-jardinier.md")
    assert "images" not in garden and garden["imported"]["media"][0]["url"].endswith("-6.jpg")
    assert "its usage rights ended on 2019-12-31" in markdown(result, NOW)
    # two occurrences of one event share one file; one request per picture
    assert len(web.hits) == len(set(web.hits)) == len(result.pictures) == 5
    assert check_text(content, FRANCE)[0] == 0

    before, requests = snapshot(content), len(web.hits)
    again = import_into("datatourisme", [flux], territory=FRANCE, now="2020-09-02T08:00:00+00:00")
    assert snapshot(content) == before
    assert len(web.hits) == requests and again.pictures == []  # stored files are reused


def test_caption_in_each_language_gives_the_translations_alt(
    import_into: Import, content: Path, tmp_path: Path, web: Web
) -> None:
    web.routes["/pots.png"] = web.routes["/gemmeur"] = (200, PNG_HEADERS, PNG)
    obj = handmade.with_pictures(
        (f"{web.base}/pots.png", {"fr": "Pots de résine sous les pins",
                                  "en": "Resin pots under the pines"}, "Musée"),
        (f"{web.base}/gemmeur", {"fr": "Un gemmeur au travail"}, "J. Pin"),
    )  # fmt: skip
    import_into("datatourisme", [write_object(tmp_path / "in", obj)], now=NOW)
    museum = header(content / "lieux/musee-de-la-resine.md")
    assert [i["alt"] for i in museum["images"]] == [
        "Pots de résine sous les pins",
        "Un gemmeur au travail",
    ]
    assert museum["images"][1]["credit"] == f"J. Pin ({LICENCE})"
    english = header(content / "lieux/musee-de-la-resine.en.md")
    assert english["alt"] == ["Resin pots under the pines", "Un gemmeur au travail"]
    assert any("en: image alt texts are in French" in f for f in museum["imported"]["flags"])
    assert check_text(content)[0] == 0  # one alt per image in the translation too


def test_html_or_svg_served_for_a_picture_is_not_stored_and_is_reported(
    import_into: Import, content: Path, tmp_path: Path, web: Web
) -> None:
    page = b"<!DOCTYPE html><html><body>Image not found</body></html>"
    drawing = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
    web.routes["/photo.jpg"] = (200, {"Content-Type": "image/jpeg"}, page)
    web.routes["/logo.svg"] = (200, {"Content-Type": "image/svg+xml"}, drawing)
    obj = handmade.with_pictures((f"{web.base}/photo.jpg", {"fr": "Une photo du musée"}, "X"),
                                 (f"{web.base}/logo.svg", {"fr": "Le logo du musée"}, "X"))  # fmt: skip
    result = import_into("datatourisme", [write_object(tmp_path / "in", obj)], now=NOW)
    assert not (content / "images" / "datatourisme").exists()
    museum = header(content / "lieux/musee-de-la-resine.md")
    assert "images" not in museum
    assert [m["url"] for m in museum["imported"]["media"]] == [
        f"{web.base}/photo.jpg",
        f"{web.base}/logo.svg",
    ]
    reasons = {m.url.rsplit("/", 1)[1]: m.reason for m in result.missed}
    assert reasons["photo.jpg"].startswith("an HTML page, not a JPEG, PNG, WebP or AVIF")
    assert reasons["logo.svg"].startswith("SVG images are not accepted")
    report = markdown(result, NOW)
    assert f"{web.base}/photo.jpg — an HTML page" in report
    assert check_text(content)[0] == 0


def test_unreachable_picture_is_reported_and_the_run_goes_on(
    import_into: Import, content: Path, tmp_path: Path, web: Web
) -> None:
    web.routes["/ok.png"] = (200, PNG_HEADERS, PNG)
    down = handmade.with_pictures((f"http://127.0.0.1:{closed_port()}/down.jpg",
                                   {"fr": "Une photo introuvable"}, "X"))  # fmt: skip
    fine = handmade.with_pictures((f"{web.base}/ok.png", {"fr": "Une photo qui arrive"}, "X"))
    fine["@id"] = fine["@id"].replace("aaaaaaaa", "dddddddd")
    fine["rdfs:label"] = {"fr": "Atelier du gemmeur"}
    write_object(tmp_path / "in" / "a", down)
    write_object(tmp_path / "in" / "b", fine)
    result = import_into("datatourisme", [tmp_path / "in"], now=NOW)
    assert {o.path for o in result.outcomes} == {
        "lieux/musee-de-la-resine.md",
        "lieux/atelier-du-gemmeur.md",
    }
    [missed] = result.missed
    assert missed.reason.startswith("unreachable") and missed.url.endswith("/down.jpg")
    assert "images" not in header(content / "lieux/musee-de-la-resine.md")
    assert header(content / "lieux/atelier-du-gemmeur.md")["images"][0]["alt"] == (
        "Une photo qui arrive"
    )
    assert "1 picture(s) not stored" in markdown(result, NOW)
    assert check_text(content)[0] == 0


def test_no_images_downloads_nothing_and_leaves_stored_pictures_alone(
    content: Path, tmp_path: Path, web: Web
) -> None:
    web.routes["/pots.png"] = (200, PNG_HEADERS, PNG)
    obj = handmade.with_pictures((f"{web.base}/pots.png", {"fr": "Pots de résine"}, "X"))
    source = write_object(tmp_path / "in", obj)
    args = ["datatourisme", str(source), "--content", str(content), "--now", NOW,
            "--report", str(tmp_path / "report.md")]  # fmt: skip
    assert main([*args, "--no-images"], io.StringIO(), fetch=offline) == 0
    assert web.hits == [] and not (content / "images" / "datatourisme").exists()
    assert "images" not in header(content / "lieux/musee-de-la-resine.md")
    assert main(args, io.StringIO(), fetch=offline) == 0  # a later run with pictures
    assert web.hits == ["/pots.png"]
    stored = snapshot(content)
    assert header(content / "lieux/musee-de-la-resine.md")["images"][0]["alt"] == "Pots de résine"
    assert main([*args, "--no-images"], io.StringIO(), fetch=offline) == 0
    assert snapshot(content) == stored  # --no-images does not take them away


def test_a_reporters_alt_text_survives_a_changed_picture_upstream(
    import_into: Import, content: Path, tmp_path: Path, web: Web
) -> None:
    web.routes["/a.png"] = web.routes["/b.png"] = (200, PNG_HEADERS, PNG)
    source = tmp_path / "in"
    write_object(source, handmade.with_pictures((f"{web.base}/a.png", {"fr": "a"}, "X")))
    import_into("datatourisme", [source], now=NOW)
    path = content / "lieux/musee-de-la-resine.md"
    [first] = header(path)["images"]
    assert first["alt"].startswith(pictures.PLACEHOLDER_MARK)
    edited = path.read_text(encoding="utf-8").replace(
        pictures.PLACEHOLDER.format(title="Musée de la Résine"), "Vitrine des pots de résine"
    )
    path.write_text(edited, encoding="utf-8")
    write_object(source, handmade.with_pictures((f"{web.base}/b.png", {"fr": "b"}, "X")))
    result = import_into("datatourisme", [source], now="2026-03-11T08:00:00+00:00")
    assert header(path)["images"] == [{**first, "alt": "Vitrine des pots de résine"}]
    [conflict] = [c for o in result.outcomes for c in o.conflicts]
    assert conflict.field == "images"
    assert check_text(content)[0] == 0
