"""Where releases come from and telemetry goes: one seam, three adapters.

Every adapter maps the same layout (``kiosk/<site>/manifest.json``, ``objects/<sha256>``,
``telemetry/<site>/...``) under a base: a local folder (``file:///srv/p2f``), an HTTP(S) base
URL (``https://cdn.example/p2f``) or an S3-compatible bucket and prefix (``s3://bucket/p2f``).

``fetch`` takes the ETag of the previous answer and returns ``None`` when nothing changed, so a
poll of an unchanged manifest costs one small request. Errors are translated here into the
player's two roots: ``NotFound`` / ``TransportError`` (retry later). Nothing here checks hashes
or signatures: that is ``sync``'s job.

The store, the network and a USB stick are untrusted, so every read is bounded here, before
anything else sees the bytes (issue 9):

* **size**: ``fetch`` reads at most ``max_bytes + 1`` bytes (the caller passes an object's
  signed size; a manifest is capped at ``MANIFEST_MAX_BYTES``). More is ``TooLarge``, a
  transport error: nothing of it is kept and the step is retried later.
* **time**: one HTTP(S) or S3 exchange, redirects included, has an overall deadline
  (``DEADLINE_S``), enforced by shutting its sockets down. A socket timeout alone bounds one
  read, and a server that drips one byte before each timeout would hold a sync forever.
* **redirects**: followed only to the same scheme, host and port (``ForeignRedirect``).
* **folders and the inbox**: only regular files, opened without following symlinks at any level
  below the root (``NotRegularFile``): no ``/dev/zero``, FIFO or file outside the folder.

HTTP and S3 requests go through one bounded exchange (``exchange.py``): for S3, botocore only
presigns the URL (with or without credentials), so the limits above hold for every source.
"""

from __future__ import annotations

import email.utils
import errno
import os
import stat
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from p2f_player.errors import ConfigError, NotFound, TransportError
from p2f_player.exchange import (
    DEADLINE_S,
    TIMEOUT_S,
    DeadlineExceeded,
    ForeignRedirect,
    TooLarge,
    exchange,
    read_capped,
)

__all__ = [
    "MANIFEST_MAX_BYTES",
    "DeadlineExceeded",
    "Fetched",
    "FolderSource",
    "ForeignRedirect",
    "HttpSource",
    "NotRegularFile",
    "S3Source",
    "Source",
    "TooLarge",
    "open_source",
]

MANIFEST_MAX_BYTES = 8 * 1024 * 1024  # a signed manifest or part is kilobytes; 8 MB is absurd


class NotRegularFile(TransportError):
    """A folder source holds a symlink, FIFO, device or folder where a file should be."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    etag: str | None
    server_time: datetime | None = None  # the server's Date header: tells the clock offset


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


class Source(Protocol):
    def fetch(
        self, key: str, etag: str | None = None, *, max_bytes: int = MANIFEST_MAX_BYTES
    ) -> Fetched | None:
        """The bytes at ``key``; ``None`` when ``etag`` still matches. Raises ``TransportError``
        (``TooLarge`` when there are more than ``max_bytes``)."""
        ...

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` at ``key`` (telemetry). Raises ``TransportError``."""
        ...

    def describe(self) -> str: ...


# -- folders -------------------------------------------------------------------------------------


def _plain_parts(key: str) -> list[str]:
    parts = key.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise TransportError(f"{key!r}: not a plain relative key")
    return parts


def open_regular(root: Path, key: str) -> int:
    """A read-only descriptor of ``root/key``, which must be a regular file reached without any
    symlink below ``root`` (``root`` itself may be one: it comes from the configuration).

    Raises:
        FileNotFoundError: nothing there.
        NotRegularFile: a symlink, FIFO, device or folder on the way or at the end.
        OSError: anything else the filesystem says.
    """
    parts = _plain_parts(key)
    where = root / key
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = os.open(
                part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder
            )
            os.close(folder)
            folder = inner
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below)
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        fd = os.open(parts[-1], flags, dir_fd=folder)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise NotRegularFile(
                f"{where}: a symlink or a file where a folder should be; "
                "copy the release itself (files and folders), not links"
            ) from None
        raise
    finally:
        os.close(folder)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotRegularFile(f"{where}: not a regular file (FIFO, device or folder); refused")
    return fd


class FolderSource:
    """A local or mounted folder (USB stick, NFS share, the publisher's own output)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return f"file://{self.root}"

    def fetch(
        self, key: str, etag: str | None = None, *, max_bytes: int = MANIFEST_MAX_BYTES
    ) -> Fetched | None:
        path = self.root / key
        try:
            fd = open_regular(self.root, key)
        except FileNotFoundError:
            raise NotFound(f"{path}: not found") from None
        except OSError as error:
            raise TransportError(f"{path}: {error}") from None
        try:
            with os.fdopen(fd, "rb", buffering=0) as file:
                info = os.fstat(file.fileno())
                tag = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
                if etag == tag:
                    return None
                if info.st_size > max_bytes:
                    raise TooLarge(
                        f"{path}: {info.st_size} bytes, more than the {max_bytes} expected"
                    )
                return Fetched(read_capped(file.read, max_bytes, str(path)), tag)
        except OSError as error:
            raise TransportError(f"{path}: {error}") from None

    def put(self, key: str, data: bytes) -> None:
        path = self.root / "/".join(_plain_parts(key))
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.unlink(missing_ok=True)
            # O_EXCL|O_NOFOLLOW: never write through a link planted at the temporary name
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            with os.fdopen(os.open(tmp, flags, 0o644), "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except OSError as error:
            tmp.unlink(missing_ok=True)
            raise TransportError(f"{path}: {error}") from None


# -- HTTP(S): one bounded exchange ---------------------------------------------------------------


def _fetch_url(
    url: str, etag: str | None, max_bytes: int, timeout: float, deadline_s: float
) -> Fetched | None:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        data, headers = exchange(
            request, max_bytes=max_bytes, timeout=timeout, deadline_s=deadline_s
        )
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 304:
            return None
        if error.code == 404:
            raise NotFound(f"{url}: 404 not found") from None
        raise TransportError(f"{url}: HTTP {error.code} {error.reason}") from None
    return Fetched(data, headers.get("ETag"), _http_date(headers.get("Date")))


def _put_url(url: str, data: bytes, timeout: float, deadline_s: float) -> None:
    # an explicit type: urllib's default (a form) makes some servers parse and drop the body
    headers = {"Content-Type": "application/octet-stream"}
    request = urllib.request.Request(url, data=data, headers=headers, method="PUT")
    try:
        exchange(request, max_bytes=MANIFEST_MAX_BYTES, timeout=timeout, deadline_s=deadline_s)
    except urllib.error.HTTPError as error:
        error.close()
        raise TransportError(f"PUT {url}: HTTP {error.code} {error.reason}") from None


class HttpSource:
    """An HTTP(S) base URL (a CDN in front of the bucket). Conditional GET with If-None-Match;
    ``put`` uses HTTP PUT, for servers that accept telemetry that way."""

    def __init__(
        self, base_url: str, timeout: float = TIMEOUT_S, deadline_s: float = DEADLINE_S
    ) -> None:
        self.base = base_url.rstrip("/")
        self.timeout, self.deadline_s = timeout, deadline_s

    def describe(self) -> str:
        return self.base

    def fetch(
        self, key: str, etag: str | None = None, *, max_bytes: int = MANIFEST_MAX_BYTES
    ) -> Fetched | None:
        url = f"{self.base}/{key}"
        return _fetch_url(url, etag, max_bytes, self.timeout, self.deadline_s)

    def put(self, key: str, data: bytes) -> None:
        _put_url(f"{self.base}/{key}", data, self.timeout, self.deadline_s)


class S3Source:
    """An S3-compatible bucket. Without credentials in the environment the requests are
    unsigned (public-read bucket): a stolen kiosk holds no key that can write content. The
    endpoint comes from the configuration or ``AWS_ENDPOINT_URL``. botocore only presigns each
    URL (no I/O); the exchange itself is the bounded one above."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        timeout: float = TIMEOUT_S,
        deadline_s: float = DEADLINE_S,
    ) -> None:
        import boto3  # imported here: folder and HTTP players never load botocore
        from botocore import UNSIGNED
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.timeout, self.deadline_s = timeout, deadline_s
        session = boto3.session.Session()
        signed = session.get_credentials() is not None
        config = Config(
            signature_version="s3v4" if signed else UNSIGNED,
            s3={"addressing_style": "path"},
        )
        self.client: Any = session.client(
            "s3",
            endpoint_url=endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None,
            config=config,
            region_name=session.region_name or "us-east-1",
        )

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _url(self, operation: str, key: str) -> str:
        from botocore.exceptions import BotoCoreError

        full = f"{self.prefix}/{key}" if self.prefix else key
        try:
            url: str = self.client.generate_presigned_url(
                operation, Params={"Bucket": self.bucket, "Key": full}, ExpiresIn=900
            )
        except BotoCoreError as error:
            raise TransportError(f"{self.describe()}/{key}: {error}") from None
        return url

    def fetch(
        self, key: str, etag: str | None = None, *, max_bytes: int = MANIFEST_MAX_BYTES
    ) -> Fetched | None:
        url = self._url("get_object", key)
        try:
            return _fetch_url(url, etag, max_bytes, self.timeout, self.deadline_s)
        except NotFound:
            raise NotFound(f"{self.describe()}/{key}: not found") from None

    def put(self, key: str, data: bytes) -> None:
        _put_url(self._url("put_object", key), data, self.timeout, self.deadline_s)


def open_source(url: str, endpoint_url: str | None = None) -> Source:
    """``s3://bucket/prefix``, ``http(s)://...``, ``file:///path`` or a plain path."""
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ConfigError(f"source {url!r}: s3:// needs a bucket (s3://bucket/prefix)")
        return S3Source(parts.netloc, parts.path, endpoint_url)
    if parts.scheme in ("http", "https"):
        return HttpSource(url)
    if parts.scheme == "file":
        return FolderSource(Path(unquote(parts.path)))
    if parts.scheme == "":
        return FolderSource(Path(url))
    raise ConfigError(f"source {url!r}: use s3://, https://, http:// or file://")
