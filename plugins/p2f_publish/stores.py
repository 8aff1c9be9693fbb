"""The one seam between publishing and storage: the ``Store`` protocol and the local folder.

Keys are relative ``/``-separated names (see ``layout``). A store only moves bytes; it knows
nothing of releases. ``LocalStore`` is the embedded default: the same layout on disk, so a USB
stick or any static HTTP server can serve it. ``S3Store`` lives in ``p2f_publish.s3``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

from p2f_publish.errors import AlreadyExists, NotFound, PublishError

GZIP_SIBLING = ".gz"  # the compressed form of a folder file, as nginx ``gzip_static`` finds it


class Store(Protocol):
    """What publishing needs from object storage."""

    url: str

    def list_keys(self, prefix: str) -> set[str]:
        """Every key that starts with ``prefix``."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes under ``key``. Raises ``NotFound``."""
        ...

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        """Store ``data`` under ``key``; readers see the old or the new bytes, never a mix."""
        ...

    def create(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        """Store ``data`` under ``key`` only if no such key exists, as one atomic step.

        Raises ``AlreadyExists`` when it does (used for the publish lock and the release
        files, so two publishes can never both believe they wrote the same counter).
        """
        ...

    def copy(
        self,
        source: str,
        key: str,
        *,
        content_type: str,
        cache_control: str,
        gzip_source: str | None = None,
    ) -> None:
        """Copy an existing key to another inside the store (no upload).

        ``gzip_source``, when given, is an existing key holding the same bytes gzip-compressed:
        ``key`` is then served compressed, as the store can (``Content-Encoding: gzip`` on S3,
        a ``<key>.gz`` sibling next to the plain file in a folder).
        """
        ...

    def delete(self, keys: Iterable[str]) -> None:
        """Remove keys; missing ones are ignored."""
        ...


class LocalStore:
    """A folder. Writes go to a temporary file then ``os.replace``: atomic on one file system.

    Headers are not kept: a static server derives the type from the name, and the player does
    not need it (it knows each file's path from the manifest). A key served compressed gets a
    ``<key>.gz`` sibling (see ``copy``); the plain file is always there too.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = root.resolve().as_uri()

    def _path(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/"):
            raise PublishError(f"refusing key outside the store: {key!r}")
        return self.root / key

    def list_keys(self, prefix: str) -> set[str]:
        base = self.root / prefix if prefix.endswith("/") else self.root
        if not base.exists():
            return set()
        keys = set()
        for path in base.rglob("*"):
            if path.is_file() and not path.name.startswith(".tmp-"):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    keys.add(key)
        return keys

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"{self.url}/{key} does not exist") from None

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def create(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        """Written in full to a temporary file, then ``os.link``-ed to its name: the link
        fails if the name exists (atomic, like ``O_EXCL``) and readers never see half a file."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o644)
            os.link(temporary, target)
        except FileExistsError:
            raise AlreadyExists(f"{self.url}/{key} already exists") from None
        finally:
            Path(temporary).unlink(missing_ok=True)

    def copy(
        self,
        source: str,
        key: str,
        *,
        content_type: str,
        cache_control: str,
        gzip_source: str | None = None,
    ) -> None:
        """The plain copy, then with ``gzip_source`` a ``<key>.gz`` sibling: what nginx
        ``gzip_static on`` serves to browsers that accept gzip (others get the plain file)."""
        for name in (source, gzip_source):
            if name is not None and not self._path(name).exists():
                raise NotFound(f"{self.url}/{name} does not exist")
        self._copy_file(source, key)
        if gzip_source is not None:
            self._copy_file(gzip_source, key + GZIP_SIBLING)

    def _copy_file(self, source: str, key: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        os.close(handle)
        try:
            shutil.copyfile(self._path(source), temporary)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._path(key).unlink(missing_ok=True)


def store_from_url(url: str, default: Path) -> Store:
    """``file:///PATH``, ``s3://BUCKET/PREFIX`` or empty (the embedded ``default`` folder).

    For S3, credentials and the endpoint come from the standard AWS chain (environment,
    ``AWS_PROFILE``, config files); ``AWS_ENDPOINT_URL`` selects a non-AWS endpoint.
    """
    if not url:
        return LocalStore(default)
    parsed = urlparse(url)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise PublishError(f"{url}: use file:///ABSOLUTE/PATH (three slashes)")
        return LocalStore(Path(unquote(parsed.path)))
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise PublishError(f"{url}: use s3://BUCKET/PREFIX")
        from p2f_publish.s3 import S3Store  # boto3 is only imported when S3 is used

        return S3Store(parsed.netloc, parsed.path.strip("/"))
    raise PublishError(f"{url}: the target must be s3://BUCKET/PREFIX or file:///PATH")
