"""Images resized for a screen: bytes in, bytes out (Pillow), deterministic.

A kiosk never needs more pixels than its screen shows: a hero image is at most the screen's
width and ``HERO_HEIGHT`` of its height; a directory thumbnail a third of the width. Photos are
re-encoded as progressive JPEG without metadata (so the same input always gives the same bytes,
and the same hash in storage); images with transparency stay PNG. Every image is decoded and
encoded again, so no source byte reaches a bundle as it was: SVG (refused by ``invoke check``)
or a file that is not an image raises ``ImageProblem`` naming the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from p2f_model.images import decode_error

HERO_HEIGHT = 0.45  # share of the screen height (kiosk.css: .hero max-height 45vh)
THUMB_WIDTH = 1 / 3
JPEG_QUALITY = 80


class ImageProblem(ValueError):
    """An image file that cannot be decoded."""


@dataclass(frozen=True)
class Box:
    width: int
    height: int


def hero_box(screen_width: int, screen_height: int) -> Box:
    return Box(screen_width, max(1, int(screen_height * HERO_HEIGHT)))


def thumb_box(screen_width: int) -> Box:
    size = max(1, int(screen_width * THUMB_WIDTH))
    return Box(size, size)


def resized_name(src: str) -> str:
    """The name in the bundle: PNG keeps its extension, others become ``.jpg``."""
    stem, _, extension = src.rpartition(".")
    return src if extension.lower() == "png" else f"{stem}.jpg"


def fit(data: bytes, src: str, box: Box) -> bytes:
    """``data`` scaled down (never up) to fit ``box``, re-encoded. Raises ``ImageProblem``."""
    if src.lower().endswith(".svg"):
        raise ImageProblem(f"content/{src}: SVG images are not accepted; convert it to PNG or WebP")
    try:
        with Image.open(io.BytesIO(data)) as original:
            image = ImageOps.exif_transpose(original)
            image.thumbnail((box.width, box.height), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            if resized_name(src).endswith(".png"):
                image.save(out, format="PNG", optimize=True)
            else:
                image.convert("RGB").save(
                    out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
                )
            return out.getvalue()
    except Exception as error:
        # Pillow's decoders raise many types on malformed bytes (OSError, SyntaxError,
        # ValueError, EOFError...): whichever it is, the reader needs the file's name.
        raise ImageProblem(
            f"content/{src}: cannot read the image ({decode_error(error)}); "
            "run `invoke check`, then export it again as JPEG, PNG or WebP"
        ) from None
