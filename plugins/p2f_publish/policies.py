"""The example access policies in ``docs/policies/``, filled in for one bucket (and kiosk).

Who may do what on the store (docs/publishing.md, "Who may read and write what"):

- ``bucket-public-read``: anyone may GET ``site/``, ``kiosk/`` and ``objects/`` — nothing else
  (``telemetry/`` and ``locks/`` stay private);
- ``publisher``: list, read, write and delete ``objects/``, ``kiosk/``, ``site/``, ``locks/``;
  no access to ``telemetry/``;
- ``kiosk``: read its own site's ``kiosk/<site>/`` and ``objects/``; write only
  ``telemetry/<site>/<device>/`` (a stolen kiosk's key can neither change content nor overwrite
  another screen's telemetry);
- ``report-reader``: list and read ``telemetry/``.

The files hold ``<bucket>``, ``<prefix>``, ``<site>`` and ``<device>`` placeholders; ``render``
fills them in. Pure: the caller reads the file.
"""

from __future__ import annotations

import json
import re
from typing import Any

from p2f_publish.errors import PublishError

NAMES = ("bucket-public-read", "publisher", "kiosk", "report-reader")
_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")


def render(
    text: str, *, bucket: str, prefix: str = "", site: str = "", device: str = ""
) -> dict[str, Any]:
    """The policy ``text`` with its placeholders filled in. Raises ``PublishError`` for a
    value that is not a plain name or a placeholder left without a value."""
    prefix = prefix.strip("/")
    values = {"bucket": bucket, "site": site, "device": device}
    for name, value in values.items():
        if value and not _SAFE.match(value):
            raise PublishError(f"policy: {name} {value!r}: use letters, digits, '.', '_', '-'")
    if prefix and not all(_SAFE.match(part) for part in prefix.split("/")):
        raise PublishError(f"policy: prefix {prefix!r}: use letters, digits, '.', '_', '-', '/'")
    text = text.replace("<prefix>/", f"{prefix}/" if prefix else "")
    for name, value in values.items():
        if value:
            text = text.replace(f"<{name}>", value)
    left = sorted(set(re.findall(r"<(bucket|site|device|prefix)>", text)))
    if left:
        raise PublishError(f"policy: give a value for {', '.join(left)}")
    document: dict[str, Any] = json.loads(text)
    return document
