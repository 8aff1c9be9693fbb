"""Where releases come from and telemetry goes: one seam, three adapters.

Every adapter maps the same layout (``kiosk/<site>/manifest.json``, ``objects/<sha256>``,
``telemetry/<site>/...``) under a base: a local folder (``file:///srv/p2f``), an HTTP(S) base
URL (``https://cdn.example/p2f``) or an S3-compatible bucket and prefix (``s3://bucket/p2f``).

``fetch`` takes the ETag of the previous answer and returns ``None`` when nothing changed, so a
poll of an unchanged manifest costs one small request. Errors are translated here into the
player's two roots: ``NotFound`` / ``TransportError`` (retry later). Nothing here checks hashes
or signatures: that is ``sync``'s job.
"""

from __future__ import annotations

import email.utils
import http.client
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from p2f_player.errors import ConfigError, NotFound, TransportError

TIMEOUT_S = 20.0


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
    def fetch(self, key: str, etag: str | None = None) -> Fetched | None:
        """The bytes at ``key``; ``None`` when ``etag`` still matches. Raises ``TransportError``."""
        ...

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` at ``key`` (telemetry). Raises ``TransportError``."""
        ...

    def describe(self) -> str: ...


class FolderSource:
    """A local or mounted folder (USB stick, NFS share, the publisher's own output)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return f"file://{self.root}"

    def fetch(self, key: str, etag: str | None = None) -> Fetched | None:
        path = self.root / key
        try:
            stat = path.stat()
            tag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
            if etag == tag:
                return None
            return Fetched(path.read_bytes(), tag)
        except FileNotFoundError:
            raise NotFound(f"{path}: not found") from None
        except OSError as error:
            raise TransportError(f"{path}: {error}") from None

    def put(self, key: str, data: bytes) -> None:
        path = self.root / key
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError as error:
            raise TransportError(f"{path}: {error}") from None


class HttpSource:
    """An HTTP(S) base URL (a CDN in front of the bucket). Conditional GET with If-None-Match;
    ``put`` uses HTTP PUT, for servers that accept telemetry that way."""

    def __init__(self, base_url: str, timeout: float = TIMEOUT_S) -> None:
        self.base = base_url.rstrip("/")
        self.timeout = timeout

    def describe(self) -> str:
        return self.base

    def fetch(self, key: str, etag: str | None = None) -> Fetched | None:
        url = f"{self.base}/{key}"
        request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = response.read()
                return Fetched(
                    data, response.headers.get("ETag"), _http_date(response.headers.get("Date"))
                )
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return None
            if error.code == 404:
                raise NotFound(f"{url}: 404 not found") from None
            raise TransportError(f"{url}: HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            # IncompleteRead (a cut download) is an HTTPException: never use the partial body
            raise TransportError(f"{url}: {error}") from None

    def put(self, key: str, data: bytes) -> None:
        url = f"{self.base}/{key}"
        request = urllib.request.Request(url, data=data, method="PUT")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):
                pass
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            raise TransportError(f"PUT {url}: {error}") from None


class S3Source:
    """An S3-compatible bucket through boto3. Without credentials in the environment the
    requests are unsigned (public-read bucket): a stolen kiosk holds no key that can write
    content. The endpoint comes from the configuration or ``AWS_ENDPOINT_URL``."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None) -> None:
        import boto3  # imported here: folder and HTTP players never load botocore
        from botocore import UNSIGNED
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        session = boto3.session.Session()
        signed = session.get_credentials() is not None
        config = Config(
            signature_version=None if signed else UNSIGNED,
            s3={"addressing_style": "path"},
            retries={"max_attempts": 2, "mode": "standard"},  # our own backoff does the rest
            connect_timeout=TIMEOUT_S,
            read_timeout=TIMEOUT_S,
        )
        self.client: Any = session.client(
            "s3",
            endpoint_url=endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None,
            config=config,
            region_name=session.region_name or "us-east-1",
        )

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def fetch(self, key: str, etag: str | None = None) -> Fetched | None:
        from botocore.exceptions import BotoCoreError, ClientError

        args: dict[str, Any] = {"Bucket": self.bucket, "Key": self._key(key)}
        if etag:
            args["IfNoneMatch"] = etag
        try:
            response = self.client.get_object(**args)
            data = response["Body"].read()
            if len(data) != response.get("ContentLength", len(data)):
                raise TransportError(f"{self.describe()}/{key}: transfer cut")
            headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
            return Fetched(data, response.get("ETag"), _http_date(headers.get("date")))
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code"))
            if code in ("304", "NotModified"):
                return None
            if code in ("404", "NoSuchKey"):
                raise NotFound(f"{self.describe()}/{key}: not found") from None
            raise TransportError(f"{self.describe()}/{key}: {code}") from None
        except (BotoCoreError, OSError, http.client.HTTPException) as error:
            raise TransportError(f"{self.describe()}/{key}: {error}") from None

    def put(self, key: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)
        except (ClientError, BotoCoreError, OSError) as error:
            raise TransportError(f"PUT {self.describe()}/{key}: {error}") from None


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
