"""The S3 adapter of ``Store``: any S3-compatible endpoint through boto3.

Credentials come from the standard AWS chain only (never from the repository). boto3 honours
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_S3`` itself; when one is set we also switch to
path-style addressing, which non-AWS servers (MinIO, Garage, moto...) expect. botocore errors
are translated here, at the edge, into one-line ``PublishError``s that say what to set.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from p2f_publish.errors import AlreadyExists, NotFound, PublishError, StoreAuthError, StoreError

CREDENTIALS_HINT = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE "
    "(and AWS_ENDPOINT_URL for a non-AWS endpoint)"
)
_AUTH_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "ExpiredToken",
    "InvalidToken",
    "AuthorizationHeaderMalformed",
    "403",
}
_MISSING_CODES = {"NoSuchKey", "404", "NotFound"}
# a conditional create that lost: the key exists (412), or another create was in flight (409)
_EXISTS_CODES = {"PreconditionFailed", "412", "ConditionalRequestConflict", "409"}


def translate(error: Exception, where: str) -> PublishError:
    """A botocore exception as one of our errors, with a one-line message."""
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return StoreAuthError(f"{where}: no AWS credentials found: {CREDENTIALS_HINT}")
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in _AUTH_CODES:
            return StoreAuthError(f"{where}: credentials refused ({code}): {CREDENTIALS_HINT}")
        if code == "NoSuchBucket":
            return PublishError(f"{where}: the bucket does not exist: create it or fix --to")
        if code in _MISSING_CODES:
            return NotFound(f"{where} does not exist")
        return StoreError(f"{where}: the store answered {code or 'an error'}: {error}")
    if isinstance(error, EndpointConnectionError):
        return StoreError(f"{where}: cannot reach the endpoint: {error} (check AWS_ENDPOINT_URL)")
    return StoreError(f"{where}: {error}")


def _client_config(environ: Mapping[str, str]) -> Config:
    custom_endpoint = environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL")
    return Config(
        retries={"mode": "standard", "max_attempts": 5},  # transport errors: capped backoff
        s3={"addressing_style": "path" if custom_endpoint else "auto"},
    )


class S3Store:
    """A bucket and a key prefix. ``client`` may be injected (tests pass one for moto)."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        client: Any = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.url = f"s3://{bucket}/{self.prefix}".rstrip("/")
        if client is None:
            environ = os.environ if environ is None else environ
            client = boto3.session.Session().client("s3", config=_client_config(environ))
        self.client = client

    def _call(self, where: str, operation: str, **arguments: Any) -> Any:
        try:
            return getattr(self.client, operation)(**arguments)
        except (BotoCoreError, ClientError) as error:
            raise translate(error, where) from None

    def list_keys(self, prefix: str) -> set[str]:
        keys: set[str] = set()
        token: dict[str, str] = {}
        while True:
            page = self._call(
                f"{self.url}/{prefix}",
                "list_objects_v2",
                Bucket=self.bucket,
                Prefix=self.prefix + prefix,
                **token,
            )
            keys.update(entry["Key"][len(self.prefix) :] for entry in page.get("Contents", []))
            if not page.get("IsTruncated"):
                return keys
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def get(self, key: str) -> bytes:
        answer = self._call(
            f"{self.url}/{key}", "get_object", Bucket=self.bucket, Key=self.prefix + key
        )
        body: bytes = answer["Body"].read()
        return body

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        self._call(
            f"{self.url}/{key}",
            "put_object",
            Bucket=self.bucket,
            Key=self.prefix + key,
            Body=data,
            ContentType=content_type,
            CacheControl=cache_control,
        )

    def create(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        """``PutObject`` with ``If-None-Match: *``: S3 (since 2024) and most compatible stores
        refuse it with 412 when the key exists. A store that ignores the header would
        overwrite: ``lock`` reads the lock back to catch that."""
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + key,
                Body=data,
                ContentType=content_type,
                CacheControl=cache_control,
                IfNoneMatch="*",
            )
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in _EXISTS_CODES:
                raise AlreadyExists(f"{self.url}/{key} already exists") from None
            raise translate(error, f"{self.url}/{key}") from None
        except BotoCoreError as error:
            raise translate(error, f"{self.url}/{key}") from None

    def copy(
        self,
        source: str,
        key: str,
        *,
        content_type: str,
        cache_control: str,
        gzip_source: str | None = None,
    ) -> None:
        """A server-side copy; with ``gzip_source``, of the gzip form, tagged
        ``Content-Encoding: gzip`` (browsers decompress it; S3 cannot negotiate)."""
        encoding = {"ContentEncoding": "gzip"} if gzip_source is not None else {}
        self._call(
            f"{self.url}/{key}",
            "copy_object",
            Bucket=self.bucket,
            Key=self.prefix + key,
            CopySource={"Bucket": self.bucket, "Key": self.prefix + (gzip_source or source)},
            MetadataDirective="REPLACE",
            ContentType=content_type,
            CacheControl=cache_control,
            **encoding,
        )

    def delete(self, keys: Iterable[str]) -> None:
        batch = [{"Key": self.prefix + key} for key in keys]
        for start in range(0, len(batch), 1000):  # the API takes at most 1000 keys a call
            self._call(
                f"{self.url}",
                "delete_objects",
                Bucket=self.bucket,
                Delete={"Objects": batch[start : start + 1000], "Quiet": True},
            )
