"""Re-imports: unchanged data changes nothing; changed upstream updates only what the
importer owns and never a reporter's edit (the conflict is reported)."""

from __future__ import annotations

import json
from pathlib import Path

from p2f_import import report
from p2f_model import frontmatter
from tests.importers import handmade
from tests.importers.conftest import Import, check_text, snapshot

MUSEUM = "lieux/musee-de-la-resine.md"


def write_object(folder: Path, obj: dict) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "museum.json"
    path.write_text(json.dumps(obj), encoding="utf-8")
    return folder


def test_reporter_edit_survives_changed_upstream_and_conflict_is_reported(
    import_into: Import, content: Path, tmp_path: Path
) -> None:
    flux = write_object(tmp_path / "flux", handmade.PLACE_CURRENT)
    import_into("datatourisme", [flux], now="2026-03-10T08:00:00+00:00")
    path = content / MUSEUM
    # a reporter fixes the title, publishes, and adds a tag (fields the importer never owns)
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: Musée de la Résine", "title: Musée de la résine et du gemmage")
    text = text.replace("status: draft", "status: published\ntags: [familles]")
    path.write_text(text, encoding="utf-8")
    # upstream changes the title AND the phone number
    changed = json.loads(json.dumps(handmade.PLACE_CURRENT))
    changed["rdfs:label"]["fr"] = "Musée de la Résine (nouveau nom)"
    changed["hasContact"][0]["schema:telephone"] = ["04 67 00 99 11"]
    write_object(tmp_path / "flux", changed)
    result = import_into("datatourisme", [flux], now="2026-03-11T08:00:00+00:00")
    fields = frontmatter.parse(path.read_text(encoding="utf-8")).fields
    assert fields["title"] == "Musée de la résine et du gemmage"  # the reporter's edit kept
    assert fields["phone"] == "+33 4 67 00 99 11"  # an untouched owned field follows upstream
    assert fields["status"] == "published" and fields["tags"] == ["familles"]
    [outcome] = result.outcomes
    assert outcome.action == "updated" and outcome.changed == ["phone"]
    [conflict] = outcome.conflicts
    assert (conflict.field, conflict.upstream) == ("title", "Musée de la Résine (nouveau nom)")
    text = report.markdown(result, "now")
    assert "## Conflicts" in text and "content/lieux/musee-de-la-resine.md: `title`" in text
    assert check_text(content)[0] == 0
    # the next run reports the conflict again and changes no byte
    before = snapshot(content)
    again = import_into("datatourisme", [flux], now="2026-03-12T08:00:00+00:00")
    assert snapshot(content) == before
    assert [c.field for c in again.outcomes[0].conflicts] == ["title"]


def test_reporter_taking_the_upstream_value_ends_the_conflict(
    import_into: Import, content: Path, tmp_path: Path
) -> None:
    flux = write_object(tmp_path / "flux", handmade.PLACE_CURRENT)
    import_into("datatourisme", [flux], now="2026-03-10T08:00:00+00:00")
    path = content / MUSEUM
    path.write_text(path.read_text().replace("Musée de la Résine", "Musée X"), encoding="utf-8")
    changed = json.loads(json.dumps(handmade.PLACE_CURRENT))
    changed["rdfs:label"]["fr"] = "Musée Y"
    write_object(tmp_path / "flux", changed)
    assert import_into("datatourisme", [flux]).outcomes[0].conflicts
    path.write_text(path.read_text().replace("Musée X", "Musée Y"), encoding="utf-8")
    assert not import_into("datatourisme", [flux]).outcomes[0].conflicts


def test_translation_edit_is_kept(import_into: Import, content: Path, tmp_path: Path) -> None:
    flux = write_object(tmp_path / "flux", handmade.PLACE_CURRENT)
    import_into("datatourisme", [flux], now="2026-03-10T08:00:00+00:00")
    english = content / "lieux/musee-de-la-resine.en.md"
    english.write_text(
        english.read_text().replace("Resin tapping explained, from tools to pots.",
                                    "How resin was tapped, from tools to pots."),
        encoding="utf-8",
    )  # fmt: skip
    changed = json.loads(json.dumps(handmade.PLACE_CURRENT))
    changed["hasDescription"][0]["dc:description"]["en"] = "New machine text."
    write_object(tmp_path / "flux", changed)
    result = import_into("datatourisme", [flux])
    assert "How resin was tapped" in english.read_text()
    assert [(c.path, c.field) for c in result.outcomes[0].conflicts] == [
        ("lieux/musee-de-la-resine.en.md", "body")
    ]
