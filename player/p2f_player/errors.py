"""The player's errors, in two roots (STYLE.md): bad data is never retried, transport is.

``ManifestError`` (from the contract) and its ``TrustError`` subclasses are the data root for
releases: the release is refused and the screen keeps the last good one. ``TransportError``
is the network root: the same step is tried again later with capped backoff.
"""

from __future__ import annotations

from p2f_player.contract.manifest import ManifestError

__all__ = ["ConfigError", "ManifestError", "NotFound", "PlayerError", "StoreFull", "TransportError"]


class PlayerError(Exception):
    """Base of the player's own errors."""


class TransportError(PlayerError):
    """The source could not be reached or cut the transfer: retry later with backoff."""


class NotFound(TransportError):
    """The source answered but has no such key (not yet published, or a CDN lagging)."""


class StoreFull(PlayerError):
    """The local disk cannot hold the new release: refuse it, keep the old one, report it."""


class ConfigError(PlayerError):
    """The configuration is invalid: the player refuses to start and says which setting."""
