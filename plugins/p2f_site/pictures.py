"""Photos for the website in a modern format at the sizes the layout needs.

Each image an item shows gets WebP copies at ``WIDTHS`` (never wider than the original) next to
the original, which stays the fallback of ``<picture>``; the template writes ``srcset`` and
the original's width and height (no layout shift while it loads). Bytes in, bytes out; the
generator writes the files. Only raster images reach here (``invoke check`` refuses SVG and
anything Pillow cannot decode); should one slip through, ``PictureError`` names the file.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from PIL import Image, ImageOps

from p2f_model.images import decode_error

WIDTHS = (400, 800)  # a phone (1x/2x of ~390 CSS px) and the desktop column (62rem)
WEBP_QUALITY = 78


class PictureError(ValueError):
    """An image the website cannot show; the message starts with its path under content/."""


@dataclass(frozen=True)
class Variant:
    src: str  # path under the site root, e.g. images/plage-400.webp
    width: int
    data: bytes


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    variants: tuple[Variant, ...]

    @property
    def srcset(self) -> str:
        return ", ".join(f"/{v.src} {v.width}w" for v in self.variants)


def make_picture(src: str, data: bytes) -> Picture:
    """The WebP variants of ``src`` (``images/x.jpg``) from its bytes. Raises ``PictureError``."""
    if src.lower().endswith(".svg"):
        raise PictureError(f"content/{src}: SVG images are not accepted; convert it to PNG or WebP")
    try:
        return _convert(src, data)
    except Exception as error:
        # Pillow's decoders raise many types on malformed bytes (UnidentifiedImageError,
        # SyntaxError, ValueError...): whichever it is, the reader needs the file's name.
        raise PictureError(
            f"content/{src}: cannot read the image ({decode_error(error)}); "
            "run `invoke check`, then export the image again as JPEG, PNG or WebP"
        ) from error


def _convert(src: str, data: bytes) -> Picture:
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        width, height = image.size
        variants = []
        stem = src.rsplit(".", 1)[0]
        for target in sorted({min(w, width) for w in WIDTHS}):
            size = (target, max(1, round(height * target / width)))
            out = io.BytesIO()
            image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").resize(
                size, Image.Resampling.LANCZOS
            ).save(out, "WEBP", quality=WEBP_QUALITY, method=4)
            variants.append(Variant(f"{stem}-{target}.webp", target, out.getvalue()))
    return Picture(width, height, tuple(variants))


def picture_bytes(picture: Picture) -> bytes:
    """``picture`` as bytes, for the build cache: a JSON header line, then the variants' data."""
    header = {"width": picture.width, "height": picture.height,
              "variants": [[v.src, v.width, len(v.data)] for v in picture.variants]}  # fmt: skip
    return json.dumps(header).encode() + b"\n" + b"".join(v.data for v in picture.variants)


def picture_from_bytes(stored: bytes) -> Picture:
    """The ``Picture`` that ``picture_bytes`` wrote."""
    line, rest = stored.split(b"\n", 1)
    header = json.loads(line)
    variants, offset = [], 0
    for src, width, size in header["variants"]:
        variants.append(Variant(src, width, rest[offset : offset + size]))
        offset += size
    return Picture(header["width"], header["height"], tuple(variants))
