"""Read the content folder from disk and validate it (the I/O edge of the content model).

A pull request is untrusted until reviewed, and a reviewer can miss a file, so the folder
itself is checked here and not only the items in it:

- a symbolic link anywhere under ``content/`` (file or folder) is refused and never followed:
  ``credits.txt -> ../../keys/kiosk.key`` would otherwise be read, or published;
- only items (``.md``) and images (JPEG, PNG, WebP, AVIF, judged by their bytes) may be there:
  an ``.html`` or ``.svg`` served from the site's origin runs as the site;
- anything that is not a regular file (a FIFO would hang the check) is refused;
- sizes are capped before reading (``frontmatter.MAX_FILE_BYTES``, ``images.MAX_IMAGE_BYTES``).

``read_content_file`` is the one way the build reads a content file: it refuses the same
things again, so a build never publishes a link's target even when the check was skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from p2f_model import images
from p2f_model.campaigns import is_campaign_path
from p2f_model.corpus import Corpus, validate_corpus
from p2f_model.frontmatter import MAX_FILE_BYTES
from p2f_model.memo import CheckMemo, Reading
from p2f_model.problems import Problem
from p2f_model.settings import is_settings_path
from p2f_model.territory import Territory

IMAGES_FOLDER = "images"
SYMLINK_MESSAGE = (
    "is a symbolic link, which could publish a file from outside the content "
    "(a key, a password); replace it with the real file"
)
NOT_CONTENT_MESSAGE = (
    "is not a content file: content/ holds only items (.md files in lieux/, agenda/, ...) "
    "and images in images/; remove it or move it out of content/"
)


class ContentFileError(ValueError):
    """A content file that must not be read; ``path`` is relative to the content folder."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass
class _Found:
    images: set[str] = field(default_factory=set)  # usable, e.g. images/x.jpg
    bad_images: dict[str, str] = field(default_factory=dict)  # images/x.svg -> why not
    # (position in the walk, problem): reported in the walk's order, whatever the reading order
    problems: list[tuple[int, Problem]] = field(default_factory=list)


def load_corpus(
    content_dir: Path,
    relative_to: Path | None = None,
    territory: Territory | None = None,
    memo: CheckMemo | None = None,
    digests: Mapping[str, str] | None = None,
) -> Corpus:
    """Validate every file under ``content_dir``; paths in problems are relative to
    ``relative_to`` (default: the parent of ``content_dir``, i.e. the repository root);
    coordinates must fall in ``territory`` (default: ``p2f_model.territory.DEFAULT``).

    ``memo``: a build's cache of each file's parse and each image's decode (same problems as
    without it; ``p2f_model.memo``). ``digests``: the SHA-256 (hex) of each file's bytes as the
    build already read them, by absolute path under the resolved ``content_dir``
    (``p2f_site.inputs.Scan.files``): with ``memo``, an item file whose digest has a kept
    reading is not read again."""
    given = Path(content_dir)
    base = (relative_to or given.absolute().parent).resolve()
    if given.is_symlink():
        label = given.name
        return Corpus(items={}, problems=[Problem(label, 1, "file", SYMLINK_MESSAGE)])
    content_dir = given.resolve()
    prefix = content_dir.relative_to(base).as_posix() if content_dir.is_relative_to(base) else ""
    found = _Found()
    items: list[tuple[int, str, str]] = []  # (position, path from content_dir, path shown)
    for position, (rel, kind) in enumerate(_walk(content_dir)):
        shown = f"{prefix}/{rel}" if prefix else rel
        if kind == "symlink":
            found.problems.append((position, Problem(shown, 1, "file", SYMLINK_MESSAGE)))
            if rel.endswith(".md"):
                items.append((position, "", shown))  # counts as its item, never read
        elif kind == "special":
            problem = Problem(shown, 1, "file", "is not a regular file (a device, pipe or socket)")
            found.problems.append((position, problem))
        elif rel.endswith(".md"):
            items.append((position, rel, shown))
        else:
            _check_other(content_dir, rel, shown, position, found, memo)
    # Images are known before any item is validated; item files are read one at a time as the
    # validation asks for them, so only one file's raw text is held at once (with every text
    # read first, the build's peak held the whole content folder twice: raw and parsed).
    known = _known_readings(content_dir, items, memo, digests)
    texts = _read_items(content_dir, items, found, known)
    read = memo.read_text if memo is not None else None
    corpus = validate_corpus(texts, found.images, found.bad_images, territory, read)
    corpus.problems.extend(problem for _, problem in sorted(found.problems, key=_position))
    return corpus


def _position(entry: tuple[int, Problem]) -> int:
    return entry[0]


def _known_readings(
    content_dir: Path,
    items: list[tuple[int, str, str]],
    memo: CheckMemo | None,
    digests: Mapping[str, str] | None,
) -> dict[str, Reading]:
    """Path relative to ``content_dir`` -> the kept reading of its bytes, for the item files
    whose digest the build already knows (not the settings' and campaigns' files: their own
    modules read their text)."""
    if memo is None or not digests:
        return {}
    root = os.fspath(content_dir)
    wanted: dict[str, str] = {}
    for _, rel, shown in items:
        if rel and not is_settings_path(shown) and not is_campaign_path(shown):
            digest = digests.get(os.path.join(root, rel))
            if digest is not None:
                wanted[rel] = digest
    readings = memo.known(wanted.values())
    return {rel: readings[digest] for rel, digest in wanted.items() if digest in readings}


def _read_items(
    content_dir: Path,
    items: list[tuple[int, str, str]],
    found: _Found,
    known: Mapping[str, Reading],
) -> Iterator[tuple[str, str | Reading | None]]:
    """``(path shown, text)`` of each item file, read when asked for; its reading instead of
    its text when ``known`` has it; None for a file that could not be read (its problem is
    noted in ``found``)."""
    for position, rel, shown in items:
        if not rel:
            yield shown, None
            continue
        reading = known.get(rel)
        if reading is not None:
            yield shown, reading
            continue
        try:
            data = read_content_file(content_dir, rel, MAX_FILE_BYTES)
            text = data.decode("utf-8")
        except ContentFileError as error:
            found.problems.append((position, Problem(shown, 1, "file", error.message)))
            yield shown, None
        except UnicodeDecodeError as error:
            message = f"not UTF-8 text ({error.reason}); save the file as UTF-8"
            found.problems.append((position, Problem(shown, 1, "", message)))
            yield shown, None
        else:
            del data  # the text is what validation needs; do not hold the bytes too
            yield shown, text


def _check_other(
    content_dir: Path, rel: str, shown: str, position: int, found: _Found, memo: CheckMemo | None
) -> None:
    """A file that is not an item: an image under ``images/`` (checked by its bytes) or a
    problem."""
    if not rel.startswith(IMAGES_FOLDER + "/"):
        found.problems.append((position, Problem(shown, 1, "file", NOT_CONTENT_MESSAGE)))
        return
    problem = images.suffix_problem(rel)
    if problem is None:
        try:
            data = read_content_file(content_dir, rel, images.MAX_IMAGE_BYTES)
            decode = memo.decode_problem if memo is not None else None
            problem = images.image_problem(rel, data, decode)
        except ContentFileError as error:
            problem = error.message
    if problem is None:
        found.images.add(rel)
        return
    found.bad_images[rel] = problem
    found.problems.append((position, Problem(shown, 1, "file", problem)))


def _walk(content_dir: Path) -> list[tuple[str, str]]:
    """Every entry under ``content_dir`` as ``(relative path, "file"|"symlink"|"special")``,
    sorted, never following a link (a linked folder is reported, not entered)."""
    out: list[tuple[str, str]] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(content_dir / folder if folder else content_dir) as entries:
            for entry in entries:
                rel = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_symlink():
                    out.append((rel, "symlink"))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append(rel)
                elif entry.is_file(follow_symlinks=False):
                    out.append((rel, "file"))
                else:
                    out.append((rel, "special"))
    return sorted(out)


def read_content_file(content_dir: Path, rel: str, limit: int) -> bytes:
    """The bytes of ``content_dir/rel``, refusing what must never be read or published.

    Refuses a path that leaves the folder (``..``, absolute), a symbolic link at any level,
    anything but a regular file, and a file over ``limit`` bytes. Raises ``ContentFileError``.
    """
    parts = rel.split("/")
    if rel.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ContentFileError(rel, "is not a plain path inside content/")
    # plain strings and one lstat per folder: called for every content file of every build
    path = os.fspath(content_dir)
    for part in parts[:-1]:
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            mode = 0
        if stat.S_ISLNK(mode):
            raise ContentFileError(rel, f"its folder {part}/ " + SYMLINK_MESSAGE)
        if not stat.S_ISDIR(mode):
            raise ContentFileError(rel, f"cannot be read ({part}/ is not a folder)")
    path = os.path.join(path, parts[-1])
    try:
        # O_NOFOLLOW: the last part cannot be a link; O_NONBLOCK: a FIFO does not hang us
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if os.path.islink(path):
            raise ContentFileError(rel, SYMLINK_MESSAGE) from None
        raise ContentFileError(rel, f"cannot be read ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise ContentFileError(rel, "is not a regular file (a device, pipe or socket)")
        if status.st_size > limit:
            raise ContentFileError(
                rel,
                f"weighs {status.st_size:,} bytes, more than the {limit:,} a content file may; "
                "shorten it or split it",
            )
        # as many bytes as the file holds, plus one to see it grew (``read(limit + 1)`` would
        # allocate ``limit`` bytes for each small file), then the rest if it did grow
        data = handle.read(status.st_size + 1)
        if len(data) > status.st_size:
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:  # grew while we read it
        raise ContentFileError(rel, f"weighs more than the {limit:,} bytes a content file may")
    return data
