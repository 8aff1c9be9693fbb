"""One publish at a time per store: a lock object created only if absent.

Two publishes (or a publish and a rollback) running at once on one store would both read the
same release counters, both sign counter N and overwrite ``kiosk/<site>/releases/N.json``: a
kiosk that saw the first would then refuse the second for good. One prune could also delete
objects the other has uploaded but not yet named. So every command that writes to the store
first creates ``locks/publish.json`` with ``Store.create`` (S3 ``If-None-Match: *``, a folder
``os.link``): exactly one creator wins. The lock says who holds it (user, host, pid, when) and
is removed in ``finally``.

Stale rule: a lock older than ``STALE_AFTER`` is taken to belong to a dead publish (a
``kill -9``, a laptop closed mid-publish) and is broken, with a line saying so. A lock younger
than that stops the publish with a message naming its holder and when it becomes stale.

After creating the lock we read it back and compare its token: a store that ignores
``If-None-Match`` (an old S3-compatible server) would otherwise let two publishers both think
they won. Release files are also written with ``create`` (``publish``, ``releases``), so even
then a counter is never written twice.

The time is an argument; the holder's identity is built by the caller (``cli``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from p2f_player.contract.manifest import iso
from p2f_publish import layout
from p2f_publish.errors import AlreadyExists, NotFound, PublishLocked
from p2f_publish.stores import Store

STALE_AFTER = timedelta(minutes=60)  # longer than any publish we measured (minutes at most)


@dataclass(frozen=True)
class Holder:
    """Who holds (or wants) the lock."""

    owner: str
    host: str
    pid: int
    created: str  # ISO time with offset
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def describe(self) -> str:
        return f"{self.owner}@{self.host} (pid {self.pid}) since {self.created}"

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True).encode()

    @classmethod
    def parse(cls, data: bytes) -> Holder | None:
        """The holder in a stored lock, or None if it is not a lock this module wrote."""
        try:
            fields = json.loads(data)
            holder = cls(
                owner=str(fields["owner"]),
                host=str(fields["host"]),
                pid=int(fields["pid"]),
                created=str(fields["created"]),
                token=str(fields["token"]),
            )
            holder.since()
        except (ValueError, KeyError, TypeError):
            return None
        return holder

    def since(self) -> datetime:
        moment = datetime.fromisoformat(self.created)
        if moment.tzinfo is None:
            raise ValueError("lock time without offset")
        return moment


def holder(owner: str, host: str, pid: int, now: datetime) -> Holder:
    return Holder(owner=owner, host=host, pid=pid, created=iso(now))


@contextmanager
def publish_lock(
    store: Store,
    me: Holder,
    now: datetime,
    say: Callable[[str], None] = print,
    stale_after: timedelta = STALE_AFTER,
) -> Iterator[None]:
    """Hold the store's publish lock for the ``with`` block. Raises ``PublishLocked``."""
    acquire(store, me, now, say, stale_after)
    try:
        yield
    finally:
        release(store, me, say)


def acquire(
    store: Store,
    me: Holder,
    now: datetime,
    say: Callable[[str], None] = print,
    stale_after: timedelta = STALE_AFTER,
) -> None:
    """Create the lock, breaking it first if it is stale. Raises ``PublishLocked``."""
    where = f"{store.url}/{layout.PUBLISH_LOCK}"
    for _attempt in range(3):  # taken, broken as stale, retaken: more means a fight
        try:
            store.create(
                layout.PUBLISH_LOCK,
                me.to_bytes(),
                content_type=layout.MANIFEST_TYPE,
                cache_control="no-store",
            )
        except AlreadyExists:
            # raises if a live publish holds it; else it was stale (broken) or just released
            _break_if_stale(store, where, now, say, stale_after)
            continue
        _check_still_mine(store, me, where)
        return
    raise PublishLocked(f"{where}: another publish keeps taking the lock: try again later")


def _break_if_stale(
    store: Store,
    where: str,
    now: datetime,
    say: Callable[[str], None],
    stale_after: timedelta,
) -> None:
    """Raise ``PublishLocked`` if a live holder has the lock; break a stale one."""
    try:
        data = store.get(layout.PUBLISH_LOCK)
    except NotFound:
        return
    current = Holder.parse(data)
    if current is None:
        raise PublishLocked(
            f"{where}: not a lock written by `invoke publish`: if no publish is running, "
            "delete it and try again"
        )
    age = now - current.since()
    if age < stale_after:
        stale_at = iso(current.since() + stale_after)
        raise PublishLocked(
            f"{where}: another publish is running: {current.describe()}; wait for it to "
            f"finish (if it died, its lock counts as stale from {stale_at} and is then broken)"
        )
    minutes = int(stale_after.total_seconds() // 60)
    say(
        f"warning: breaking a stale publish lock: {current.describe()} is older than "
        f"{minutes} minutes, so that publish is taken to be dead"
    )
    store.delete([layout.PUBLISH_LOCK])


def _check_still_mine(store: Store, me: Holder, where: str) -> None:
    try:
        current = Holder.parse(store.get(layout.PUBLISH_LOCK))
    except NotFound:
        current = None
    if current is None or current.token != me.token:
        holder_text = current.describe() if current else "nobody"
        raise PublishLocked(f"{where}: lost the lock to {holder_text}: try again later")


def release(store: Store, me: Holder, say: Callable[[str], None] = print) -> None:
    """Remove the lock if it is still ours (a lock broken as stale belongs to someone else)."""
    try:
        current = Holder.parse(store.get(layout.PUBLISH_LOCK))
    except NotFound:
        current = None
    if current is not None and current.token == me.token:
        store.delete([layout.PUBLISH_LOCK])
    else:
        say(f"warning: {store.url}/{layout.PUBLISH_LOCK} was no longer ours when we finished")
