"""A partner's proof of play as a one-page PDF (WeasyPrint), from the campaign's HTML page.

The page is the dashboard's campaign page without the day-by-day table (that goes in the CSV
sent with it), so the PDF and the page never disagree. WeasyPrint needs pango (setup.sh).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PIL import ImageFile
from weasyprint import HTML

# WeasyPrint turns Pillow's process-wide LOAD_TRUNCATED_IMAGES on when imported; the content
# check must keep refusing cut images in the same process (invoke report check): put it back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# WeasyPrint and fontTools log every font subset they write at INFO/WARNING
for name in ("weasyprint", "fontTools"):
    logging.getLogger(name).setLevel(logging.ERROR)


def write_pdf(html: str, base: Path, path: Path) -> None:
    """Render ``html`` (relative links resolved from ``base``) into ``path``, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    HTML(string=html, base_url=str(base) + "/").write_pdf(temporary)
    temporary.replace(path)
