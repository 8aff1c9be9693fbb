"""The content check's per-file steps, kept by the bytes they read (for builds with a cache).

Two steps of the check are pure functions of one file's bytes and of the code that runs them:
reading an item file (its YAML header with each field's line, the checks of its body) and
decoding an image (a full decode by Pillow). At 5,000 documents they are most of the check's
time (~1 s to parse 5,006 files, ~0.3 s to decode 73 images), and a rebuild after one edit
would do them again for every file that did not change.

``CheckMemo`` keeps their results in a store (the build cache, ``p2f_build.cache``) under a
key holding every input: the SHA-256 of the file's bytes, the version of the code and of the
libraries (``version``: the build's code digest, which covers ``p2f_model`` and the versions of
PyYAML and Pillow), and the limits the step applies. ``invoke check`` and clean builds run
without one (``load_corpus(..., memo=None)``): the same functions run on every file, and the
problems are the same either way (the key holds every input of the value).

A build also knows each file's digest before the check runs (``p2f_site.inputs.Scan.files``:
the build's keys are made from them). ``CheckMemo.known`` looks the readings of those digests up
in one batch, so an unchanged file is neither read again nor hashed again: only the files
whose digest has no reading are read (``p2f_model.load``). The reading then is the one of the
bytes the build's keys were made from, even if the file changed since the scan (the next
build sees the change).

Not kept: the validation of items (it reads other files: translations, references, images;
and unpickling a validated item costs about what validating it costs).
Values are pickled: the store is the build's own cache folder, written only by the build.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from p2f_model import checks, frontmatter, images

READINGS = "check-reading"  # store namespaces
IMAGES = "check-image"
FORMAT = "1"  # bump when the meaning of a stored value changes


class Store(Protocol):
    """Where values are kept (``p2f_build.cache.BuildCache`` or ``NullCache``)."""

    def get(self, namespace: str, entry: str) -> bytes | None: ...

    def get_batch(self, namespace: str, entries: Iterable[str]) -> dict[str, bytes]: ...

    def put(self, namespace: str, entry: str, value: bytes) -> None: ...


@dataclass(frozen=True)
class Reading:
    """What one item file's text says before validation: its header and the problems of its
    body, or why its header cannot be read (``error``: line, message, field)."""

    parsed: frontmatter.Parsed | None
    error: tuple[int, str, str] | None
    body_problems: tuple[tuple[int, str], ...]


def read_text(text: str) -> Reading:
    """Parse an item file's text and check its body (pure)."""
    try:
        parsed = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        return Reading(None, (error.line, error.message, error.field), ())
    return Reading(parsed, None, tuple(checks.body_problems(parsed.body)))


def _key(*parts: str) -> str:
    return _hasher(*parts).hexdigest()


def _hasher(*parts: str) -> hashlib._Hash:
    """SHA-256 of FORMAT then ``parts``, each length-prefixed (``copy()`` it to add more)."""
    digest = hashlib.sha256(FORMAT.encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest


def _limits() -> str:
    """The header limits ``frontmatter.parse`` applies (read when a key is made)."""
    f = frontmatter
    limits = (f.MAX_FILE_BYTES, f.MAX_HEADER_CHARS, f.MAX_NODES, f.MAX_ALIASES, f.MAX_DEPTH,
              f.MAX_VALUE_CHARS)  # fmt: skip
    return ",".join(str(limit) for limit in limits)


@dataclass(frozen=True)
class CheckMemo:
    """``read_text`` and an image decode, kept in ``store`` by bytes, code and limits."""

    store: Store
    version: str  # the code and libraries the steps run with (the build's code digest)

    def known(self, digests: Iterable[str]) -> dict[str, Reading]:
        """The kept readings of the files whose bytes have these SHA-256 digests (hex), by
        digest; a digest without one is left out (its file must be read)."""
        prefix = _hasher(self.version, _limits())  # then the digest, as ``_key`` would
        entries = {}
        for digest in digests:
            entry = prefix.copy()
            entry.update(len(digest).to_bytes(8, "big"))
            entry.update(digest.encode())
            entries[entry.hexdigest()] = digest
        found = self.store.get_batch(READINGS, entries)
        return {entries[entry]: pickle.loads(value) for entry, value in found.items()}

    def read_text(self, text: str) -> Reading:
        data = text.encode("utf-8", "surrogatepass")
        entry = _key(self.version, _limits(), hashlib.sha256(data).hexdigest())
        found = self.store.get(READINGS, entry)
        if found is not None:
            reading: Reading = pickle.loads(found)
            return reading
        reading = read_text(text)
        self.store.put(READINGS, entry, pickle.dumps(reading, protocol=pickle.HIGHEST_PROTOCOL))
        return reading

    def decode_problem(self, data: bytes, format_name: str) -> str | None:
        """``images.decode_problem``, kept by the image's bytes, format, limits and code."""
        limits = f"{images.MAX_IMAGE_BYTES},{images.MAX_PIXELS}"
        entry = _key(self.version, limits, format_name, hashlib.sha256(data).hexdigest())
        found = self.store.get(IMAGES, entry)
        if found is not None:
            return found.decode("utf-8") or None
        problem = images.decode_problem(data, format_name)
        self.store.put(IMAGES, entry, (problem or "").encode("utf-8"))
        return problem
