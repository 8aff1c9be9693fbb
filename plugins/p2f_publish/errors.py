"""The errors of publishing: bad data (never retry) versus an unreachable store (retry)."""

from __future__ import annotations


class PublishError(Exception):
    """Publishing cannot go on: the message says what happened and what to do."""


class StoreError(PublishError):
    """The store could not be reached or answered badly; trying again later may work."""


class StoreAuthError(PublishError):
    """The store refused our credentials, or we have none: fix the configuration, don't retry."""


class NotFound(PublishError):
    """The key does not exist in the store."""


class AlreadyExists(PublishError):
    """A create-if-absent write found the key already there: someone else wrote it first."""


class PublishLocked(PublishError):
    """Another publish holds the store's lock: wait for it (the message says until when)."""
