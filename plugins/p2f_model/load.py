"""Read the content folder from disk and validate it (the I/O edge of the content model)."""

from __future__ import annotations

from pathlib import Path

from p2f_model.corpus import Corpus, validate_corpus
from p2f_model.problems import Problem

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".svg"}


def load_corpus(content_dir: Path, relative_to: Path | None = None) -> Corpus:
    """Validate every ``*.md`` under ``content_dir``; paths in problems are relative to
    ``relative_to`` (default: the parent of ``content_dir``, i.e. the repository root)."""
    content_dir = content_dir.resolve()
    base = (relative_to or content_dir.parent).resolve()
    files = []
    unreadable = []
    for path in sorted(content_dir.rglob("*.md")):
        rel = path.relative_to(base).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            unreadable.append(
                Problem(rel, 1, "", f"not UTF-8 text ({error.reason}); save the file as UTF-8")
            )
            continue
        files.append((rel, text))
    images = {
        path.relative_to(content_dir).as_posix()
        for path in content_dir.rglob("*")
        if path.suffix.lower() in IMAGE_SUFFIXES
    }
    corpus = validate_corpus(files, images)
    corpus.problems.extend(unreadable)
    return corpus
