"""The check's per-file answers kept by the bytes they read (``p2f_model.memo``).

A build with a cache parses an unchanged item file and decodes an unchanged image once; the
problems it reports must be exactly those of ``invoke check`` (file, line, field, message),
whatever was kept, and a changed byte, limit or code version must be checked again.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

import pytest

from p2f_build.cache import file_digests
from p2f_model import frontmatter, images
from p2f_model.load import load_corpus
from p2f_model.memo import IMAGES, READINGS, CheckMemo, read_text
from tests.conftest import PLACE, PNG, ROOT, WriteContent

BROKEN = PLACE.replace("title: Clinique", "title: [Clinique")  # YAML error on line 2
NOT_ITEMS = ("campagnes", "reglages")
RAW_HTML = PLACE + "\nUn <b>mot</b> en gras.\n"  # a body problem


class CountingStore:
    """A dict with the counts of what was found and stored (a fake of the build cache)."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], bytes] = {}
        self.hits: dict[str, int] = {}
        self.puts: dict[str, int] = {}
        self.batches: dict[str, int] = {}  # calls of get_batch

    def get(self, namespace: str, entry: str) -> bytes | None:
        found = self.values.get((namespace, entry))
        if found is not None:
            self.hits[namespace] = self.hits.get(namespace, 0) + 1
        return found

    def get_batch(self, namespace: str, entries: Iterable[str]) -> dict[str, bytes]:
        self.batches[namespace] = self.batches.get(namespace, 0) + 1
        found = {}
        for entry in entries:
            value = self.get(namespace, entry)
            if value is not None:
                found[entry] = value
        return found

    def put(self, namespace: str, entry: str, value: bytes) -> None:
        self.puts[namespace] = self.puts.get(namespace, 0) + 1
        self.values[(namespace, entry)] = value


def problems(
    content: Path, memo: CheckMemo | None = None, digests: dict[str, str] | None = None
) -> list[str]:
    return [str(p) for p in sorted(load_corpus(content, memo=memo, digests=digests).problems)]


def with_problems(write_content: WriteContent) -> Path:
    content = write_content(
        {"lieux/casse.md": BROKEN, "lieux/html.md": RAW_HTML.replace("veto.png", "cut.png")}
    )
    (content / "images" / "cut.png").write_bytes(PNG[:40])  # cannot be decoded
    return content


def test_kept_answers_give_the_problems_of_the_check(write_content: WriteContent) -> None:
    content = with_problems(write_content)
    expected = problems(content)
    assert any("casse.md:" in line and "not valid YAML" in line for line in expected), expected
    assert any("raw HTML" in line for line in expected), expected
    assert any("cut.png:1: file: cannot be read as an image" in line for line in expected)
    store = CountingStore()
    memo = CheckMemo(store, "code-1")
    assert problems(content, memo) == expected  # filling the store
    assert problems(content, memo) == expected  # every answer from the store
    # campaigns and settings files are read by their own modules, not kept
    items = len([p for p in content.rglob("*.md") if p.parent.name not in NOT_ITEMS])
    assert store.hits == {READINGS: items, IMAGES: 2}
    assert store.puts == {READINGS: items, IMAGES: 2}


def test_a_changed_image_under_the_same_name_is_decoded_again(
    write_content: WriteContent,
) -> None:
    content = write_content()
    memo = CheckMemo(CountingStore(), "code-1")
    assert problems(content, memo) == []
    (content / "images" / "veto.png").write_bytes(PNG[:40])
    assert problems(content, memo) == problems(content)
    assert "content/images/veto.png:1: file: cannot be read" in problems(content, memo)[0]


def test_a_changed_file_is_parsed_again(write_content: WriteContent) -> None:
    content = write_content()
    memo = CheckMemo(CountingStore(), "code-1")
    assert problems(content, memo) == []
    (content / "lieux" / "veto-pinede.md").write_text(textwrap.dedent(BROKEN), encoding="utf-8")
    assert problems(content, memo) == problems(content) != []


def test_another_code_version_uses_nothing_kept() -> None:
    store = CountingStore()
    text = textwrap.dedent(PLACE)
    CheckMemo(store, "code-1").read_text(text)
    CheckMemo(store, "code-1").decode_problem(PNG, "PNG")
    CheckMemo(store, "code-2").read_text(text)
    CheckMemo(store, "code-2").decode_problem(PNG, "PNG")
    assert store.hits == {}


def test_other_limits_use_nothing_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    store = CountingStore()
    text = textwrap.dedent(PLACE)
    memo = CheckMemo(store, "code-1")
    assert memo.read_text(text) == read_text(text) and memo.read_text(text).error is None
    assert memo.decode_problem(PNG, "PNG") is None
    monkeypatch.setattr(frontmatter, "MAX_VALUE_CHARS", 5)
    monkeypatch.setattr(images, "MAX_PIXELS", 10)  # the PNG has 8 x 6 pixels
    error = memo.read_text(text).error
    assert error is not None and "more than 5" in error[1]
    assert "8x6 pixels" in str(memo.decode_problem(PNG, "PNG"))
    assert store.hits == {READINGS: 1}  # the second ask before the change, only


def test_checking_without_images_to_decode_does_not_load_pillow(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from p2f_model.load import load_corpus; "
        f"load_corpus(Path({str(tmp_path)!r})); print('PIL' in sys.modules)"
    )
    (tmp_path / "lieux").mkdir()
    (tmp_path / "lieux" / "veto-pinede.md").write_text(textwrap.dedent(PLACE), encoding="utf-8")
    env = {"PYTHONPATH": f"{ROOT / 'plugins'}:{ROOT}"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "False"


def test_files_of_known_digests_are_not_read_again(write_content: WriteContent) -> None:
    content = with_problems(write_content)
    expected = problems(content)
    store = CountingStore()
    memo = CheckMemo(store, "code-1")
    scanned = file_digests(content.resolve())  # what a build's scan read (p2f_site.inputs)
    assert problems(content, memo, scanned) == expected  # filling the store
    assert problems(content, memo, scanned) == expected  # the readings in one batch
    items = len([p for p in content.rglob("*.md") if p.parent.name not in NOT_ITEMS])
    assert store.hits[READINGS] == items and store.batches[READINGS] == 2
    place = content / "lieux" / "veto-pinede.md"
    place.write_text(place.read_text().replace("Clinique", "Cabinet"), encoding="utf-8")
    # changed after the scan: checked as the scan read it, the bytes the build's keys hold
    title = load_corpus(content, memo=memo, digests=scanned).items["veto-pinede"].data.title
    assert title == "Clinique vétérinaire de la Pinède"
    rescanned = file_digests(content.resolve())
    title = load_corpus(content, memo=memo, digests=rescanned).items["veto-pinede"].data.title
    assert title == "Cabinet vétérinaire de la Pinède"
    assert problems(content, memo, rescanned) == problems(content)
