"""``load_corpus`` holds one item file's raw text at a time, not the whole content folder.

The build loads the corpus once and keeps it (issue 14: peak memory at 5,000 documents). Each
item keeps its parsed body; the raw texts of the files are needed only while each is parsed,
and reading a small file allocates its size, not the size limit of a content file or image
(``read(limit + 1)`` allocated 20 MB for each image). Measured in bytes allocated
(tracemalloc), never in time.
"""

from __future__ import annotations

import tracemalloc

from p2f_model.load import load_corpus
from tests.conftest import PLACE, WriteContent

ITEMS = 40
BODY_LINE = "La clinique reçoit sans rendez-vous le matin, et l'après-midi sur appel.\n"
BODY_LINES = 1_500  # ~110 kB of text per file: the raw texts dwarf everything else


def test_item_files_are_not_all_held_at_once(write_content: WriteContent) -> None:
    header, _ = PLACE.rsplit("---\n", 1)
    body = BODY_LINE * BODY_LINES
    files = {f"lieux/lieu-{n:02d}.md": f"{header}---\n{body}" for n in range(ITEMS)}
    content = write_content(files)
    raw = sum(len(text) for text in files.values())  # characters of the big files (Latin-1)

    tracemalloc.start()
    try:
        corpus = load_corpus(content)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert corpus.problems == []
    bodies = [corpus.items[f"lieu-{n:02d}"].original.body for n in range(ITEMS)]
    assert all(text == body for text in bodies)
    # Kept: the parsed bodies (one string each, about ``raw``). With every file read before
    # validation, the peak also held all the raw texts (and their bytes): ``2 * raw`` and more.
    assert kept >= raw * 0.9
    assert peak < raw * 1.4, (peak, raw)
