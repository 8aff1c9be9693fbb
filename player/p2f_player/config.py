"""The player's settings: one frozen, validated object, from a TOML file plus environment.

Precedence: command-line options > environment (``P2F_<NAME>``, e.g. ``P2F_SITE``,
``P2F_POLL_INTERVAL_S``) > file (``/etc/p2f-player.toml`` or ``--config``) > defaults.
Everything is checked at start-up; an invalid value stops the player with the setting named.

``public_key`` is a *list* of pinned public key files (a manifest signed by any of them is
trusted; two during a key rotation): ``--public-key`` repeated, a TOML string or list of
strings, or ``P2F_PUBLIC_KEY`` with the files separated by ``:``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlsplit

from p2f_player.errors import ConfigError

ENV_PREFIX = "P2F_"
_SITE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class LoopTimings(TypedDict):
    poll_interval_s: float
    poll_jitter_s: float
    retry_base_s: float
    retry_cap_s: float
    upload_interval_s: float
    heartbeat_interval_s: float


@dataclass(frozen=True)
class PlayerConfig:
    site: str
    source: str
    public_key: tuple[Path, ...]  # the pinned public key files; any of them may sign
    cache: Path = Path("/var/lib/p2f-player")
    endpoint_url: str | None = None  # S3-compatible endpoint; else AWS_ENDPOINT_URL / AWS
    device: str = ""  # defaults to the site id: one screen per site
    poll_interval_s: float = 60.0
    poll_jitter_s: float = 10.0
    retry_base_s: float = 5.0
    retry_cap_s: float = 900.0
    heartbeat_interval_s: float = 300.0
    upload_interval_s: float = 300.0
    journal_max_rows: int = 200_000
    reserve_mb: int = 50  # free space kept on the disk; a release that needs it is refused

    @property
    def device_id(self) -> str:
        return self.device or self.site

    def loop_timings(self) -> LoopTimings:
        """The ``Player`` keyword arguments these settings give (headless or windowed)."""
        return LoopTimings(
            poll_interval_s=self.poll_interval_s,
            poll_jitter_s=self.poll_jitter_s,
            retry_base_s=self.retry_base_s,
            retry_cap_s=self.retry_cap_s,
            upload_interval_s=self.upload_interval_s,
            heartbeat_interval_s=self.heartbeat_interval_s,
        )


def _fields() -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(PlayerConfig)}


def load_config(
    file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> PlayerConfig:
    """Merge the three layers and validate. Raises ``ConfigError`` naming the setting."""
    values: dict[str, Any] = {}
    fields = _fields()
    if file is not None:
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{file}: {error}") from None
        raw = raw.get("player", raw)
        unknown = sorted(set(raw) - set(fields))
        if unknown:
            raise ConfigError(
                f"{file}: unknown setting {unknown[0]!r} (known: {', '.join(fields)})"
            )
        values.update(raw)
    for name in fields:
        key = ENV_PREFIX + name.upper()
        if env and env.get(key):
            values[name] = env[key]
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return _validate(values)


def _paths(value: object) -> tuple[Path, ...]:
    """A list of files: a list (TOML, repeated option) or one string, ``:``-separated (env)."""
    items = value.split(os.pathsep) if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str | Path) for i in items):
        raise ValueError("expected a file name or a list of file names")
    paths = tuple(Path(item).expanduser() for item in items if str(item).strip())
    if not paths:
        raise ValueError("expected at least one file")
    return paths


def _validate(values: dict[str, Any]) -> PlayerConfig:
    for required in ("site", "source", "public_key"):
        if not values.get(required):
            raise ConfigError(
                f"{required}: required (--{required.replace('_', '-')}, "
                f"{ENV_PREFIX}{required.upper()} or the config file)"
            )
    if not _SITE.match(str(values["site"])):
        raise ConfigError(f"site: {values['site']!r} is not a site id (e.g. gare)")
    scheme = urlsplit(str(values["source"])).scheme
    if scheme not in ("s3", "http", "https", "file", ""):
        raise ConfigError(f"source: {values['source']!r}: use s3://, https://, http:// or file://")
    typed: dict[str, Any] = {}
    for name, spec in _fields().items():
        if name not in values:
            continue
        value = values[name]
        kind = str(spec.type)
        try:
            if kind == "float":
                typed[name] = float(value)
                if typed[name] <= 0:
                    raise ValueError("must be greater than 0")
            elif kind == "int":
                typed[name] = int(value)
                if typed[name] < 0:
                    raise ValueError("must be 0 or more")
            elif kind == "Path":
                typed[name] = Path(value).expanduser()
            elif kind == "tuple[Path, ...]":
                typed[name] = _paths(value)
            else:
                typed[name] = None if value is None else str(value)
        except ValueError as error:
            raise ConfigError(f"{name}: {value!r}: {error}") from None
    config = PlayerConfig(**typed)
    if config.poll_jitter_s >= config.poll_interval_s:
        raise ConfigError("poll_jitter_s: must be smaller than poll_interval_s")
    if config.retry_cap_s < config.retry_base_s:
        raise ConfigError("retry_cap_s: must be at least retry_base_s")
    return config
