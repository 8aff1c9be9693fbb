"""Where everything lives in a store, and the HTTP headers each kind of key gets.

One layout for every store (an S3 bucket and prefix, or a local folder)::

    objects/<sha256>                        every kiosk and website file, by content hash
    objects/<sha256>.gz                     the gzip form of a website text file (never a kiosk's)
    kiosk/<site>/releases/<counter>.json    every signed manifest envelope of a site, kept
    kiosk/<site>/manifest.json              the live signed envelope, written last
    site/<path>                             the website as browsers fetch it
    site/releases/<release>.json            each website release: {path: sha256}
    site/live.json                          the live website release, written last
    locks/publish.json                      who is publishing now (``lock``); never public
    telemetry/<site>/<device>/...           what the players upload; never public, never
                                            listed or touched by publishing

Only ``objects/``, ``kiosk/`` and ``site/`` are public (docs/policies/).

Pure: names and header values only.
"""

from __future__ import annotations

import mimetypes
import posixpath

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=60"
MANIFEST_TYPE = "application/json"
GZIP_TYPE = "application/gzip"  # an ``objects/<sha256>.gz`` itself: a gzip file, not encoded
GZIP_SUFFIX = ".gz"  # as nginx ``gzip_static`` expects next to a plain file

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".ics": "text/calendar; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}


def object_key(sha256: str) -> str:
    return f"objects/{sha256}"


def gzip_object_key(sha256: str) -> str:
    """The gzip form of ``objects/<sha256>`` (named by the hash of the plain bytes)."""
    return object_key(sha256 + GZIP_SUFFIX)


def release_key(site: str, counter: int) -> str:
    return f"kiosk/{site}/releases/{counter}.json"


def live_key(site: str) -> str:
    return f"kiosk/{site}/manifest.json"


def kiosk_prefix() -> str:
    return "kiosk/"


def site_key(path: str) -> str:
    return f"site/{path}"


def site_release_key(release_id: str) -> str:
    return f"site/releases/{release_id}.json"


SITE_LIVE = "site/live.json"
PUBLISH_LOCK = "locks/publish.json"
PUBLIC_PREFIXES = ("objects/", "kiosk/", "site/")  # what a bucket policy may make public
TELEMETRY_PREFIX = "telemetry/"


def content_type(path: str) -> str:
    """The Content-Type for a file, from its name (its object gets the same one)."""
    extension = posixpath.splitext(path)[1].lower()
    return _TYPES.get(extension) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def is_entry_page(path: str) -> bool:
    """Pages people land on first: written after every other page of the website."""
    return path == "index.html" or (path.count("/") == 1 and path.endswith("/index.html"))
