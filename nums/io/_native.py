"""The native block format: a folder with one ``.npy`` file per block and a JSON manifest.

Layout of a dataset at ``url``::

    manifest.json          format, version, shape, dtype, block shape, grid, the data
                           folder and every block's file, shape and CRC-32
    data-<id>/block-i.j.npy

A write puts the blocks in a new ``data-<id>`` folder (each block written and flushed by a
task on the node that holds it), then writes the manifest to a temporary file and renames
it over ``manifest.json`` (atomic), and only then removes the previous data folder: a crash
at any point leaves the previous dataset readable (or none), never a mix. A read places its
tasks block-cyclically (they read no block) and checks each block's shape, dtype and
checksum, naming the block that fails.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, backend, make_grid, submit
from nums.io import _kernels as k
from nums.io._paths import local_path
from nums.numpy._convert import asarray

FORMAT = "nums-blocks"
VERSION = 1
MANIFEST = "manifest.json"


def _key(idx: tuple[int, ...]) -> str:
    return ".".join(str(i) for i in idx) or "0"


def _manifest(root) -> dict:
    path = root / MANIFEST
    try:
        with open(path) as f:
            meta = json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"no nums dataset at {str(root)!r} ({MANIFEST} is missing)"
                                ) from None
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path} is not a nums dataset manifest")
    if meta.get("version", 0) > VERSION:
        raise ValueError(f"{path} has format version {meta['version']}; this nums reads up "
                         f"to {VERSION}")
    return meta


def write(url: str | os.PathLike, x: Any) -> None:
    """Write ``x`` (a BlockArray, or anything ``nums.numpy.asarray`` takes) to ``url``, one
    file per block, replacing any dataset there atomically.

    Parameters
    ----------
    url : str or path-like
        A folder: a plain path or a ``file://`` URL (created if missing).
    x : array_like
        The array; its blocks are written as they are laid out.
    """
    x = asarray(x)
    if x.dtype.hasobject:
        raise TypeError("nums I/O cannot write arrays of Python objects")
    root = local_path(url)
    root.mkdir(parents=True, exist_ok=True)
    data = f"data-{uuid.uuid4().hex}"
    (root / data).mkdir()
    try:
        indices = list(x.grid.indices())
        refs = [submit(k.write_block, str(root / data / f"block-{_key(idx)}.npy"),
                       x.blocks[idx], x.grid.block_shape_at(idx), x.dtype, node=int(x.nodes[idx]))
                for idx in indices]
        crcs = backend().get(refs)
    except BaseException:
        shutil.rmtree(root / data, ignore_errors=True)
        raise
    old = None
    try:
        old = _manifest(root).get("data")
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
    tmp = root / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
    with open(tmp, "w") as f:
        json.dump(meta, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / MANIFEST)
    _fsync_dir(root)
    for entry in root.iterdir():  # the old data, and data of writes that crashed
        if entry.name.startswith("data-") and entry.name != data:
            if entry.name == old or not _recent(entry):
                shutil.rmtree(entry, ignore_errors=True)


def _recent(entry, seconds: float = 3600.0) -> bool:
    """Whether a data folder may belong to a write still running elsewhere."""
    try:
        return time.time() - entry.stat().st_mtime < seconds
    except FileNotFoundError:
        return False


def _fsync_dir(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read(url: str | os.PathLike) -> BlockArray:
    """Read the dataset at ``url`` (written by :func:`write`) as a BlockArray with the block
    shape it was written with; each block's checksum is checked as it is read.

    Raises
    ------
    FileNotFoundError
        No dataset at ``url``, or a block's file is missing (the error names the block).
    OSError
        A block's contents do not match the manifest (the error names the block).
    """
    root = local_path(url)
    meta = _manifest(root)
    dtype = np.lib.format.descr_to_dtype(_descr(meta["dtype"]))
    shape = tuple(meta["shape"])
    grid = make_grid(shape, dtype, tuple(meta["block_shape"]))
    if list(grid.grid_shape) != list(meta["grid_shape"]):
        raise ValueError(f"{root / MANIFEST}: grid {meta['grid_shape']} does not match "
                         f"shape {list(shape)} in blocks of {meta['block_shape']}")
    data = root / meta["data"]

    def task(idx, node):
        entry = meta["blocks"][_key(idx)]
        name = f"block {idx} of {str(root)!r}"
        return submit(k.read_block, str(data / entry["file"]), entry["crc32"],
                      tuple(entry["shape"]), dtype, name,
                      node=node)

    return BlockArray.build(grid, task)


def _descr(value: Any) -> Any:
    """JSON turns the tuples of a structured dtype's description into lists."""
    if isinstance(value, list):
        return [tuple(_descr(v) for v in field) for field in value]
    return value


def delete(url: str | os.PathLike) -> None:
    """Remove the dataset at ``url`` (the manifest first, so a reader never sees half)."""
    root = local_path(url)
    meta = _manifest(root)
    (root / MANIFEST).unlink()
    shutil.rmtree(root / meta["data"], ignore_errors=True)
    try:
        root.rmdir()  # only if nothing else is there
    except OSError:
        pass


def exists(url: str | os.PathLike) -> bool:
    """Whether a dataset is at ``url``."""
    return (local_path(url) / MANIFEST).is_file()
