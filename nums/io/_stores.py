"""Where datasets and files live: a *store* is a folder on a local disk or a prefix in an S3
bucket, with the handful of operations the readers and writers need.

A store is a small picklable value (a path, or a bucket, a prefix and the storage options),
so block tasks receive it as an argument and act on it in the worker that runs them. Keys
are paths relative to the store, with ``/`` separators (``data-1/block-0.0.npy``).

Every write of an object is atomic: a reader sees the previous object or the new one, never
a part (a local file is written to a temporary name, flushed and renamed; an S3 PUT, single
or multipart, appears when complete). Errors name the object: a missing one raises
FileNotFoundError, a forbidden one PermissionError. :mod:`nums.io._paths` turns URLs into
stores; the S3 store is :class:`nums.io._s3.S3Store`.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


class Store:
    """The operations of a store (see the module docstring); :class:`LocalStore` and
    :class:`nums.io._s3.S3Store` implement them."""

    def url(self, key: str = "") -> str:
        """How errors and messages name ``key`` (or the store itself)."""
        raise NotImplementedError

    def write(self, key: str, writer: Callable[[IO[bytes]], Any]) -> None:
        """Create or replace ``key`` atomically with what ``writer(file)`` writes."""
        raise NotImplementedError

    def put(self, key: str, data: bytes) -> None:
        """Create or replace ``key`` atomically with ``data``."""
        self.write(key, lambda f: f.write(data))

    def open(self, key: str) -> IO[bytes]:
        """``key`` as a binary file to read whole (S3: fetched in one request)."""
        raise NotImplementedError

    def open_ranges(self, key: str, size: int | None = None) -> IO[bytes]:
        """``key`` (of ``size`` bytes, when the caller knows) as a seekable binary file
        whose reads fetch only the bytes they need (S3: ranged GETs)."""
        raise NotImplementedError

    def read(self, key: str) -> bytes:
        """The whole of ``key``."""
        with self.open(key) as f:
            return f.read()

    def size(self, key: str) -> int:
        """The size of ``key`` in bytes."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        """Whether ``key`` exists."""
        raise NotImplementedError

    def list(self, under: str = "") -> dict[str, float]:
        """Every key in the store (that starts with ``under``, a folder ending with ``/``),
        with its modification time in seconds since the epoch. A local store lists its
        folders too, with a trailing ``/``."""
        raise NotImplementedError

    def delete(self, keys: list[str]) -> None:
        """Remove ``keys`` (those missing are ignored)."""
        raise NotImplementedError

    def delete_prefix(self, prefix: str) -> None:
        """Remove every key under ``prefix`` (a folder: ends with ``/``)."""
        raise NotImplementedError

    def remove_if_empty(self) -> None:
        """Remove the store's own folder if nothing is left in it (S3 has no folders)."""


class LocalStore(Store):
    """A folder on a local (or shared) file system."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root / key if key else self.root

    def url(self, key: str = "") -> str:
        return str(self._path(key))

    def write(self, key: str, writer: Callable[[IO[bytes]], Any]) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
        try:
            with open(tmp, "wb") as f:
                writer(f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fd = os.open(path.parent, os.O_RDONLY)  # make the rename durable
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def open(self, key: str) -> IO[bytes]:
        return open(self._path(key), "rb")

    def open_ranges(self, key: str, size: int | None = None) -> IO[bytes]:
        return open(self._path(key), "rb")

    def size(self, key: str) -> int:
        return os.path.getsize(self._path(key))

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, under: str = "") -> dict[str, float]:
        out = {}
        for folder, dirs, files in os.walk(self._path(under.rstrip("/"))):
            rel = Path(folder).relative_to(self.root)
            for name, slash in [(d, "/") for d in dirs] + [(f, "") for f in files]:
                try:
                    out[(rel / name).as_posix() + slash] = os.stat(Path(folder) / name).st_mtime
                except FileNotFoundError:  # removed meanwhile
                    pass
        return out

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self._path(prefix.rstrip("/")), ignore_errors=True)

    def remove_if_empty(self) -> None:
        try:
            self.root.rmdir()
        except OSError:
            pass
