"""Where a dataset or a file lives: a URL (a plain path, ``file://`` or ``s3://``)
resolved to a :mod:`store <nums.io._stores>` and, for a single file, its key."""

from __future__ import annotations

import os
from pathlib import Path

from nums.io._s3 import S3Store
from nums.io._stores import LocalStore, Store


def _split_s3(text: str) -> tuple[str, str]:
    bucket, _, key = text[len("s3://"):].partition("/")
    if not bucket:
        raise ValueError(f"nums I/O: no bucket in {text!r} (s3://bucket/key)")
    return bucket, key.strip("/")


def store_for(url: str | os.PathLike, storage_options: dict | None = None) -> Store:
    """The store rooted at ``url``: a path or ``file://`` URL (a folder), or
    ``s3://bucket/prefix``. ``storage_options`` apply to S3 only."""
    text = os.fspath(url)
    if text.startswith("s3://"):
        return S3Store(*_split_s3(text), storage_options)
    if storage_options:
        raise ValueError(f"nums I/O: storage_options apply to s3:// URLs, not {text!r}")
    if text.startswith("file://"):
        text = text[len("file://"):]
    elif "://" in text:
        raise ValueError(f"nums I/O: unsupported URL scheme in {text!r} (a path, file:// "
                         "or s3://)")
    # absolute in the user's process: tasks run in workers, whose current directory is theirs
    return LocalStore(Path(text).expanduser().absolute())


def file_for(url: str | os.PathLike, storage_options: dict | None = None
             ) -> tuple[Store, str]:
    """``(store of its folder, key)`` of the single file or object at ``url``."""
    text = os.fspath(url)
    if text.startswith("s3://"):
        bucket, key = _split_s3(text)
        folder, _, name = key.rpartition("/")
        if not name:
            raise ValueError(f"nums I/O: {text!r} names a bucket, not an object")
        return store_for(f"s3://{bucket}/{folder}", storage_options), name
    store = store_for(url, storage_options)
    assert isinstance(store, LocalStore)
    return LocalStore(store.root.parent), store.root.name


def local_path(url: str | os.PathLike, what: str = "this function") -> Path:
    """The local path of ``url`` (a path or ``file://`` URL), for formats that are local
    only (HDF5, ``write_csv``); an ``s3://`` URL raises NotImplementedError naming ``what``."""
    text = os.fspath(url)
    if text.startswith("s3://"):
        raise NotImplementedError(f"nums I/O: {what} works on local files only, not on S3 "
                                  f"URLs ({text!r}); write locally and upload, or use "
                                  "nums.write/nums.read")
    store = store_for(text)
    assert isinstance(store, LocalStore)
    return store.root
