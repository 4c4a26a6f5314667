"""A Zarr v3 store over nums' own stores (:mod:`nums.io._stores`): the same local folders and
S3 prefixes, credentials and errors as the native format, for Zarr arrays.

Zarr's store interface is asynchronous; these methods call the (blocking) nums store
directly, which is what one task reading or writing its own chunks needs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from zarr.abc.store import (
    ByteRequest,
    OffsetByteRequest,
    RangeByteRequest,
    Store,
    SuffixByteRequest,
)

from nums.io._stores import Store as NumsStore


class NumsZarrStore(Store):
    """The keys of a nums store (a local folder or an S3 prefix) as a Zarr store."""

    supports_writes = True
    supports_deletes = True
    supports_partial_writes = False
    supports_listing = True

    def __init__(self, store: NumsStore, *, read_only: bool = False,
                 overlay: dict[str, bytes] | None = None):
        super().__init__(read_only=read_only)
        self.store = store
        # keys served from memory instead of the store: a write's metadata, which reaches
        # the store only once every chunk is written
        self.overlay = dict(overlay or {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NumsZarrStore) and self.store.url() == other.store.url()

    def __repr__(self) -> str:
        return f"NumsZarrStore({self.store.url()!r})"

    def with_read_only(self, read_only: bool = False) -> NumsZarrStore:
        return NumsZarrStore(self.store, read_only=read_only, overlay=self.overlay)

    def _bytes(self, key: str, byte_range: ByteRequest | None) -> bytes:
        if key in self.overlay:
            data = self.overlay[key]
            if byte_range is not None:
                raise NotImplementedError("ranged reads of an overlaid key")
            return data
        if byte_range is None:
            return self.store.read(key)
        size = self.store.size(key)
        if isinstance(byte_range, RangeByteRequest):
            start, stop = byte_range.start, byte_range.end
        elif isinstance(byte_range, OffsetByteRequest):
            start, stop = byte_range.offset, size
        elif isinstance(byte_range, SuffixByteRequest):
            start, stop = max(0, size - byte_range.suffix), size
        else:
            raise TypeError(f"unexpected byte range {byte_range!r}")
        with self.store.open_ranges(key, size) as f:
            f.seek(start)
            return f.read(max(0, min(stop, size) - start))

    async def get(self, key: str, prototype: Any, byte_range: ByteRequest | None = None
                  ) -> Any:
        try:
            data = self._bytes(key, byte_range)
        except FileNotFoundError:
            return None
        return prototype.buffer.from_bytes(data)

    async def get_partial_values(self, prototype: Any,
                                 key_ranges: Iterable[tuple[str, ByteRequest | None]]
                                 ) -> list[Any]:
        return [await self.get(key, prototype, byte_range) for key, byte_range in key_ranges]

    async def exists(self, key: str) -> bool:
        return key in self.overlay or self.store.exists(key)

    async def set(self, key: str, value: Any) -> None:
        self._check_writable()
        self.store.put(key, value.to_bytes())

    async def delete(self, key: str) -> None:
        self._check_writable()
        self.store.delete([key])

    async def list(self) -> AsyncIterator[str]:
        for key in self.store.list():
            if not key.endswith("/"):
                yield key

    async def list_prefix(self, prefix: str) -> AsyncIterator[str]:
        for key in self.store.list():
            if key.startswith(prefix) and not key.endswith("/"):
                yield key

    async def list_dir(self, prefix: str) -> AsyncIterator[str]:
        prefix = prefix.rstrip("/") + "/" if prefix else ""
        seen = set()
        for key in self.store.list():
            if not key.startswith(prefix):
                continue
            head = key[len(prefix):].split("/", 1)[0]
            if head and head not in seen:
                seen.add(head)
                yield head
