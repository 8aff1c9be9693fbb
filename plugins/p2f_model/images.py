"""Which image files the content may hold: raster photos that decode, nothing else.

Every file under ``content/images/`` is published on the site's own origin, so a file that a
browser would run (HTML, SVG with ``<script>``) is stored XSS. Only JPEG, PNG, WebP and AVIF
are accepted, judged by their bytes (magic number, then a full decode by Pillow), not by
their name. SVG is refused outright: sanitising SVG is hard to get right, and a photo or a
logo converts to PNG or WebP without loss that matters on a screen.

Pure: bytes in, a problem message (or None) out. The ``load`` module reads the files.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Pillow is imported when an image is decoded, not with this module: a build whose images are
# all known (their check kept in the build cache, ``p2f_model.memo``) never loads it.

MAX_IMAGE_BYTES = 20_000_000  # a 24-megapixel camera JPEG is ~10 MB
MAX_PIXELS = 40_000_000  # Pillow's own alarm is at 89 M; a screen shows at most 8 M
RASTER_SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".avif": "AVIF"}
SVG_MESSAGE = (
    "SVG images are not accepted (a drawing can carry scripts that would run on livep2f.com); "
    "convert it to PNG or WebP"
)
OTHER_MESSAGE = (
    "only JPEG, PNG, WebP and AVIF images may be in content/images/; "
    "convert it to PNG or WebP, or remove it"
)
_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "AVIF": "AVIF"}
_SUFFIX_OF = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "AVIF": ".avif"}


def suffix_problem(name: str) -> str | None:
    """Why a file called ``name`` cannot be an image of the content, judged by its name."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == ".svg":
        return SVG_MESSAGE
    if suffix not in RASTER_SUFFIXES:
        return OTHER_MESSAGE
    return None


def sniff(data: bytes) -> str | None:
    """The raster format the first bytes announce: ``JPEG``, ``PNG``, ``WEBP``, ``AVIF``."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "AVIF"
    return None


def image_problem(
    name: str, data: bytes, decode: Callable[[bytes, str], str | None] | None = None
) -> str | None:
    """Why ``data`` is not a usable image called ``name``; None when it is one.

    ``decode``: how the pixels are checked (default ``decode_problem``; ``CheckMemo`` keeps
    its answers by the image's bytes)."""
    problem = suffix_problem(name)
    if problem is not None:
        return problem
    if len(data) > MAX_IMAGE_BYTES:
        return (
            f"the image weighs {len(data) / 1e6:.1f} MB, more than {MAX_IMAGE_BYTES / 1e6:.0f} MB; "
            "export it again at most 4000 pixels wide"
        )
    expected = RASTER_SUFFIXES["." + name.rsplit(".", 1)[-1].lower()]
    actual = sniff(data)
    if actual is None:
        return (
            "is not a JPEG, PNG, WebP or AVIF image (its content says otherwise, whatever "
            "its name); export it again as JPEG, PNG or WebP"
        )
    if actual != expected:
        return (
            f"is a {_NAMES[actual]} image named like a {_NAMES[expected]}; "
            f"rename it with {_SUFFIX_OF[actual]}"
        )
    return (decode or decode_problem)(data, actual)


def decode_problem(data: bytes, format_name: str) -> str | None:
    """Decode every pixel once: a truncated or corrupt file fails here, not in the build."""
    import io
    import warnings

    from PIL import Image, ImageFile

    # Strict whatever another library did to Pillow's process-wide switch (WeasyPrint, used by
    # the office reports, turns LOAD_TRUNCATED_IMAGES on at import: a cut PNG would then pass).
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            # Pillow warns (not raises) between 89 and 179 megapixels: make that an error too
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[format_name]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return (
                        f"the image is {width}x{height} pixels, more than "
                        f"{MAX_PIXELS // 1_000_000} megapixels; resize it to at most "
                        "4000 pixels wide"
                    )
                image.load()
    except Exception as error:
        # Pillow's decoders are C code fed untrusted bytes; the type of what they raise
        # (OSError, SyntaxError, ValueError, EOFError, struct.error, DecompressionBomb...)
        # is not a contract. Any of them means: this file cannot be shown.
        return (
            f"cannot be read as an image ({decode_error(error)}); open it in an image editor and "
            "export it again as JPEG, PNG or WebP"
        )
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return None


def decode_error(error: Exception) -> str:
    """Pillow's complaint in a few words, without the address of an in-memory file."""
    from PIL import UnidentifiedImageError

    if isinstance(error, UnidentifiedImageError):
        return "its content is not an image Pillow can identify"
    text = re.sub(r"\s*<_io\.BytesIO object at 0x[0-9a-fA-F]+>", "", str(error))
    return text.split("\n")[0][:120] or type(error).__name__
