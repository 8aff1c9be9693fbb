"""The importers' only network seam: GET one URL, within limits, or a ``FetchError``.

``Fetch`` is any callable ``url -> bytes`` that raises ``FetchError`` when the URL cannot be
read; ``run.run`` takes one as an argument (iCalendar feeds and pictures both go through
it), so tests hand in the real ``HttpFetcher`` pointed at a server on 127.0.0.1.

``HttpFetcher`` is the default. Upstream records are written by many hands, so it trusts
nothing a URL says: only ``http``/``https``; a redirect is followed only to the same host
(and never from https down to http), so a record cannot bounce the importer to another
machine; one deadline for the whole transfer (not per socket read: a server dripping one
byte a second must not hold the run for hours; it is cut at the first read after the
deadline, and no single read waits longer than that); at most ``max_bytes`` read. It does
not judge the bytes: a picture is checked by ``pictures.verify``, a feed by ``ical.parse``.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

Fetch = Callable[[str], bytes]

MAX_BYTES = 20_000_000  # p2f_model.images.MAX_IMAGE_BYTES; a year of a busy agenda is ~2 MB
DEADLINE_S = 30.0
_CHUNK = 65_536


class FetchError(Exception):
    """A URL that could not be read: refused before asking, unreachable, an HTTP error, a
    refused redirect, too slow or too large. A transport problem: the same URL may work on
    the next run."""


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(  # type: ignore[override]
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
        headers: Any, newurl: str,
    ) -> urllib.request.Request | None:  # fmt: skip
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if new.scheme not in ("http", "https") or (old.scheme, new.scheme) == ("https", "http"):
            raise FetchError(f"redirected to {new.scheme}:// (not followed)")
        if (new.hostname or "").lower() != (old.hostname or "").lower():
            raise FetchError(f"redirected to another host, {new.hostname} (not followed)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass(frozen=True)
class HttpFetcher:
    """GET over http(s) with a same-host redirect policy, a deadline and a size cap."""

    max_bytes: int = MAX_BYTES
    deadline_s: float = DEADLINE_S
    user_agent: str = "livep2f-import"

    def __call__(self, url: str) -> bytes:
        """The body of ``url``. Raises ``FetchError``."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{parts.scheme or 'no'} scheme: only http:// and https:// are read")
        deadline = time.monotonic() + self.deadline_s
        opener = urllib.request.build_opener(_SameHostRedirects())
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with opener.open(request, timeout=self.deadline_s) as response:
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"{int(declared):,} bytes announced, more than "
                                     f"{self.max_bytes:,}")  # fmt: skip
                return self._read(response, deadline)
        except urllib.error.HTTPError as error:
            raise FetchError(f"HTTP {error.code} {error.reason}") from None
        except urllib.error.URLError as error:
            raise FetchError(f"unreachable ({_reason(error.reason)})") from None
        except TimeoutError:
            raise FetchError(f"no answer within {self.deadline_s:g} s") from None
        except (http.client.HTTPException, OSError) as error:
            raise FetchError(f"transfer failed ({_reason(error)})") from None

    def _read(self, response: Any, deadline: float) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError(f"not received within {self.deadline_s:g} s")
            chunk = response.read1(_CHUNK)  # returns as soon as some bytes came
            if not chunk:
                return b"".join(parts)
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"larger than {self.max_bytes:,} bytes")
            parts.append(chunk)


def _reason(error: object) -> str:
    text = str(error).strip()
    return text[:160] or type(error).__name__
