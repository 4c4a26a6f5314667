"""The native block format: one ``.npy`` object per block and a JSON manifest, in a local
folder or under an S3 prefix (a :mod:`store <nums.io._stores>`; the logic is the same).

Layout of a dataset at ``url``::

    manifest.json          format, version, shape, dtype, block shape, grid, the data
                           folder and every block's file, shape and CRC-32
    data-<id>/block-i.j.npy

A write puts the blocks under a new ``data-<id>/`` (each block written by a task on the
node that holds it), then writes the manifest in one atomic step (a local file is renamed
over ``manifest.json``; an S3 PUT replaces the object whole), and only then removes the
previous data: a crash at any point leaves the previous dataset readable (or none), never
a mix. A read places its tasks block-cyclically (they read no block) and checks each
block's shape, dtype and checksum, naming the block that fails.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array.blockarray import BlockArray, make_grid, submit
from nums.io import _kernels as k
from nums.io._paths import store_for
from nums.io._stores import Store
from nums.numpy._convert import asarray

FORMAT = "nums-blocks"
VERSION = 1
MANIFEST = "manifest.json"
STALE_SECONDS = 3600.0  # a data folder no manifest names is a crashed write's after this


def _key(idx: tuple[int, ...]) -> str:
    return ".".join(str(i) for i in idx) or "0"


def _manifest(store: Store) -> dict:
    try:
        meta = json.loads(store.read(MANIFEST))
    except FileNotFoundError as exc:
        detail = "" if exc.errno else f": {exc}"  # the store's reason (S3: bucket or key)
        raise FileNotFoundError(f"no nums dataset at {store.url()!r} ({MANIFEST} is "
                                f"missing{detail})") from None
    except ValueError:
        meta = None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"{store.url(MANIFEST)} is not a nums dataset manifest")
    if meta.get("version", 0) > VERSION:
        raise ValueError(f"{store.url(MANIFEST)} has format version {meta['version']}; this "
                         f"nums reads up to {VERSION}")
    return meta


def write(url: str | os.PathLike, x: Any, *, storage_options: dict | None = None) -> None:
    """Write ``x`` (a BlockArray, or anything ``nums.numpy.asarray`` takes) to ``url``, one
    object per block, replacing any dataset there atomically.

    Parameters
    ----------
    url : str or path-like
        A folder (a plain path or a ``file://`` URL; created if missing) or an S3 prefix
        ``s3://bucket/prefix``.
    x : array_like
        The array; its blocks are written as they are laid out.
    storage_options : dict, optional
        S3 only: ``endpoint_url``, ``aws_access_key_id``, ``aws_secret_access_key``,
        ``aws_session_token``, ``region_name``, ``profile``, ``multipart_threshold``,
        ``multipart_chunksize`` (default: boto3's environment and configuration).
    """
    x = asarray(x)
    if x.dtype.hasobject:
        raise TypeError("nums I/O cannot write arrays of Python objects")
    store = store_for(url, storage_options)
    data = f"data-{uuid.uuid4().hex}"
    indices = list(x.grid.indices())
    try:
        refs = [submit(k.write_block, store, f"{data}/block-{_key(idx)}.npy", x.blocks[idx],
                       x.grid.block_shape_at(idx), x.dtype, node=int(x.nodes[idx]))
                for idx in indices]
        crcs = progress.get(refs, "nums.write")
    except BaseException:
        try:
            store.delete_prefix(f"{data}/")
        except Exception:  # the write's own error matters more; a later write cleans up
            pass
        raise
    old = None
    try:
        old = _manifest(store).get("data")
    except (FileNotFoundError, ValueError):
        pass
    meta = {
        "format": FORMAT, "version": VERSION, "shape": list(x.shape),
        "dtype": np.lib.format.dtype_to_descr(x.dtype), "block_shape": list(x.block_shape),
        "grid_shape": list(x.grid_shape), "data": data,
        "blocks": {_key(idx): {"file": f"block-{_key(idx)}.npy", "crc32": int(crc),
                               "shape": list(x.grid.block_shape_at(idx))}
                   for idx, crc in zip(indices, crcs)},
    }
    store.put(MANIFEST, json.dumps(meta).encode())
    _remove_old_data(store, data, old)


def _remove_old_data(store: Store, current: str, old: str | None) -> None:
    """Remove the data the previous manifest named, and that of writes that crashed: data
    folders no manifest names whose newest object is older than :data:`STALE_SECONDS`
    (younger ones may belong to a write still running elsewhere)."""
    listing = store.list()
    now = listing.get(MANIFEST, time.time())  # the store's clock (S3: the server's)
    newest: dict[str, float] = {}
    for key, mtime in listing.items():
        top = key.split("/", 1)[0]
        if top.startswith("data-") and top != current:
            newest[top] = max(newest.get(top, mtime), mtime)
    for name, mtime in newest.items():
        if name == old or now - mtime > STALE_SECONDS:
            store.delete_prefix(f"{name}/")


def read(url: str | os.PathLike, *, storage_options: dict | None = None) -> BlockArray:
    """Read the dataset at ``url`` (written by :func:`write`) as a BlockArray with the block
    shape it was written with; each block's checksum is checked as it is read.

    Parameters
    ----------
    url : str or path-like
        A folder (a plain path or ``file://`` URL) or an S3 prefix ``s3://bucket/prefix``.
    storage_options : dict, optional
        S3 only: credentials, endpoint and region (see :func:`write`).

    Raises
    ------
    FileNotFoundError
        No dataset at ``url`` (for S3: the bucket or the manifest is missing, named), or a
        block's file is missing (the error names the block).
    PermissionError
        S3 denied access (the error names the bucket and key).
    OSError
        A block's contents do not match the manifest (the error names the block).
    """
    store = store_for(url, storage_options)
    meta = _manifest(store)
    dtype = np.lib.format.descr_to_dtype(_descr(meta["dtype"]))
    shape = tuple(meta["shape"])
    grid = make_grid(shape, dtype, tuple(meta["block_shape"]))
    if list(grid.grid_shape) != list(meta["grid_shape"]):
        raise ValueError(f"{store.url(MANIFEST)}: grid {meta['grid_shape']} does not match "
                         f"shape {list(shape)} in blocks of {meta['block_shape']}")

    def task(idx, node):
        entry = meta["blocks"][_key(idx)]
        name = f"block {idx} of {store.url()!r}"
        return submit(k.read_block, store, f"{meta['data']}/{entry['file']}", entry["crc32"],
                      tuple(entry["shape"]), dtype, name, node=node)

    # read now: a later write to the same place (``nums.write`` of new values) must not
    # reach the array
    return BlockArray.build(grid, task).persist()


def _descr(value: Any) -> Any:
    """JSON turns the tuples of a structured dtype's description into lists."""
    if isinstance(value, list):
        return [tuple(_descr(v) for v in field) for field in value]
    return value


def delete(url: str | os.PathLike, *, storage_options: dict | None = None) -> None:
    """Remove the dataset at ``url`` (the manifest first, so a reader never sees half).

    ``storage_options``: S3 only (see :func:`write`)."""
    store = store_for(url, storage_options)
    meta = _manifest(store)
    store.delete([MANIFEST])
    store.delete_prefix(f"{meta['data']}/")
    store.remove_if_empty()  # a local folder, only if nothing else is there


def exists(url: str | os.PathLike, *, storage_options: dict | None = None) -> bool:
    """Whether a dataset is at ``url`` (``storage_options``: S3 only, see :func:`write`)."""
    return store_for(url, storage_options).exists(MANIFEST)
