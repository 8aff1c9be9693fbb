"""The build publishes only the images items show, never a link's target, never a stray file.

Defence in depth behind ``invoke check`` (tests/model/test_content_files.py): even when the
check is skipped, the build refuses a symbolic link or a file that is not a raster image,
names it, and leaves nothing of it in the output.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from p2f_model.load import load_corpus
from p2f_model.problems import ContentError
from p2f_site.build import BuildError, build_all
from p2f_site.pictures import PictureError, make_picture
from p2f_site.plugin import add_reader, copy_images
from p2f_site.reader import ContentModelReader
from tests.conftest import PLACE_EN, PNG, ROOT, WriteContent

NOW = "2026-11-26T12:00:00+00:00"
SECRET = b"-----BEGIN PRIVATE KEY----- kiosk signing key 5f3c9a -----END PRIVATE KEY-----\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'


def build(content: Path, output: Path) -> object:
    return build_all(
        ROOT,
        ROOT / "pelicanconf.py",
        output,
        overrides={"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": NOW},
    )


def secret_file(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.key").write_bytes(SECRET)
    return outside / "secret.key"


def leaks(output: Path) -> list[str]:
    """Every file under ``output`` that holds the secret, and every link that leaves it
    (the build's own links between its folders are fine)."""
    found = []
    for folder, folders, names in os.walk(output):  # links to folders are not entered
        for name in [*folders, *names]:
            path = Path(folder) / name
            if path.is_symlink():
                if not path.resolve().is_relative_to(output.resolve()):
                    found.append(f"link {path}")
            elif path.is_file() and b"kiosk signing key 5f3c9a" in path.read_bytes():
                found.append(str(path))
    return found


def test_build_refuses_symlinks_and_publishes_nothing_of_their_targets(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content()
    output = tmp_path / "build"
    build(content, output)
    assert (output / "site" / "images" / "veto.png").read_bytes() == PNG
    secret = secret_file(tmp_path)
    (content / "images" / "credits.txt").symlink_to(secret)
    (tmp_path / "outside" / "notes.md").write_text(PLACE_EN, encoding="utf-8")
    (content / "lieux" / "veto-pinede.de.md").symlink_to(tmp_path / "outside" / "notes.md")
    with pytest.raises(BuildError) as error:
        build(content, output)
    message = str(error.value)
    assert "content/images/credits.txt:1: file: is a symbolic link" in message
    assert "content/lieux/veto-pinede.de.md:1: file: is a symbolic link" in message
    assert "5f3c9a" not in message
    assert leaks(output) == []
    assert not list(output.rglob("credits.txt"))
    assert (
        not (output / "site" / "de" / "lieux" / "veto-pinede" / "index.html")
        .read_text(encoding="utf-8")
        .count("veterinary")
    )  # the linked translation was not published either


def test_build_publishes_only_the_images_items_show(
    write_content: WriteContent, tmp_path: Path
) -> None:
    content = write_content()
    (content / "images" / "unused.png").write_bytes(PNG)
    output = tmp_path / "build"
    build(content, output)
    published = sorted(p.name for p in (output / "site" / "images").iterdir())
    assert published == ["veto-8.webp", "veto.png"]


@pytest.fixture
def checked_then_swapped(write_content: WriteContent, tmp_path: Path) -> SimpleNamespace:
    """A corpus that passed the check, whose image is then replaced (the check bypassed)."""
    content = write_content()
    corpus = load_corpus(content)
    assert corpus.problems == []
    (content / "images" / "veto.png").unlink()
    output = tmp_path / "out"
    settings = {
        "P2F_CORPUS": corpus,
        "PATH": str(content),
        "P2F_ROOT": str(content.parent),
        "OUTPUT_PATH": str(output),
    }
    return SimpleNamespace(settings=settings, content=content, output=output)


def test_copy_refuses_a_link_even_when_the_check_was_skipped(
    checked_then_swapped: SimpleNamespace, tmp_path: Path
) -> None:
    (checked_then_swapped.content / "images" / "veto.png").symlink_to(secret_file(tmp_path))
    with pytest.raises(ContentError) as error:
        copy_images(checked_then_swapped)
    assert str(error.value.problems[0]).startswith(
        "content/images/veto.png:1: file: is a symbolic link"
    )
    assert not (checked_then_swapped.output / "images" / "veto.png").exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (SECRET, "is not a JPEG, PNG, WebP or AVIF image"),
        (SVG, "is not a JPEG, PNG, WebP or AVIF image"),
        (PNG[:50], "cannot be read as an image"),
    ],
)
def test_copy_refuses_a_file_that_is_not_a_raster_image(
    checked_then_swapped: SimpleNamespace, data: bytes, reason: str
) -> None:
    (checked_then_swapped.content / "images" / "veto.png").write_bytes(data)
    with pytest.raises(ContentError) as error:
        copy_images(checked_then_swapped)
    assert str(error.value.problems[0]).startswith(f"content/images/veto.png:1: file: {reason}")
    assert not (checked_then_swapped.output / "images" / "veto.png").exists()


def test_pelican_reads_items_only() -> None:
    """Pelican's own readers would publish an .html dropped into a content folder."""
    readers = SimpleNamespace(reader_classes={"html": object, "htm": object, "rst": object})
    add_reader(readers)
    assert readers.reader_classes == {"md": ContentModelReader}


@pytest.mark.parametrize(
    ("src", "data", "reason"),
    [
        ("images/logo.svg", SVG, "SVG images are not accepted; convert it to PNG or WebP"),
        ("images/cut.png", PNG[:50], "cannot read the image (image file is truncated)"),
        ("images/photo.jpg", b"text", "cannot read the image (its content is not an image"),
    ],
)
def test_image_errors_in_the_build_name_the_file(src: str, data: bytes, reason: str) -> None:
    # imported here: p2f_kiosk and p2f_site still import each other (STYLE.md "Mend")
    from p2f_kiosk.images import Box, ImageProblem, fit

    with pytest.raises(PictureError) as site_error:
        make_picture(src, data)
    assert str(site_error.value).startswith(f"content/{src}: {reason}")
    with pytest.raises(ImageProblem) as kiosk_error:
        fit(data, src, Box(100, 100))
    assert str(kiosk_error.value).startswith(f"content/{src}: {reason}")
