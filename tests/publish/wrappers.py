"""Wrappers around a real store: one records writes, one dies after N writes (a killed publish)."""

from __future__ import annotations

from collections.abc import Iterable

from p2f_publish.stores import Store


class Killed(Exception):
    """The publish process died here."""


class RecordingStore:
    """Passes everything to ``inner`` and records the keys written, in order."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.url = inner.url
        self.written: list[str] = []
        self.uploaded_bytes = 0

    def list_keys(self, prefix: str) -> set[str]:
        return self.inner.list_keys(prefix)

    def get(self, key: str) -> bytes:
        return self.inner.get(key)

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        self.inner.put(key, data, content_type=content_type, cache_control=cache_control)
        self.written.append(key)
        self.uploaded_bytes += len(data)

    def create(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        self.inner.create(key, data, content_type=content_type, cache_control=cache_control)
        self.written.append(key)
        self.uploaded_bytes += len(data)

    def copy(
        self,
        source: str,
        key: str,
        *,
        content_type: str,
        cache_control: str,
        gzip_source: str | None = None,
    ) -> None:
        self.inner.copy(
            source,
            key,
            content_type=content_type,
            cache_control=cache_control,
            gzip_source=gzip_source,
        )
        self.written.append(key)

    def delete(self, keys: Iterable[str]) -> None:
        self.inner.delete(keys)


class DyingStore(RecordingStore):
    """Like ``RecordingStore`` but raises ``Killed`` instead of its ``after``-th write."""

    def __init__(self, inner: Store, after: int) -> None:
        super().__init__(inner)
        self.after = after

    def _tick(self) -> None:
        if len(self.written) >= self.after:
            raise Killed(f"killed before write {self.after + 1}")

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        self._tick()
        super().put(key, data, content_type=content_type, cache_control=cache_control)

    def create(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        self._tick()
        super().create(key, data, content_type=content_type, cache_control=cache_control)

    def copy(
        self,
        source: str,
        key: str,
        *,
        content_type: str,
        cache_control: str,
        gzip_source: str | None = None,
    ) -> None:
        self._tick()
        super().copy(
            source,
            key,
            content_type=content_type,
            cache_control=cache_control,
            gzip_source=gzip_source,
        )
