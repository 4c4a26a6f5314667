"""Zarr v3 arrays (the ``zarr`` extra): ``read_zarr`` and ``write_zarr``, one task per block,
on local folders and S3 prefixes (through nums' own stores: :mod:`nums.io._zarr_store`).

Reads: the driver reads the array's metadata; each block is read by a task (block shapes
rounded to whole chunks, so no chunk is decompressed twice). Writes: the driver makes the
array's metadata (one chunk per block) in memory; an array already there is first made
unreadable (its ``zarr.json`` removed: readers see no array, never a mix of two); each block
is written by a task on the node that holds it (whole chunks, so tasks run at once); then the
driver writes ``zarr.json`` and removes the chunks of the old array that the new one does not
have. A write that fails leaves no ``zarr.json``: no array, rather than a partial one.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from nums.core.array.blockarray import BlockArray, backend, make_grid, submit
from nums.io import _kernels as k
from nums.io._layout import chunk_aligned
from nums.io._paths import store_for
from nums.numpy._convert import asarray

META = "zarr.json"


def _zarr() -> Any:
    try:
        import zarr
    except ImportError:
        raise ImportError("nums Zarr I/O needs zarr 3: pip install -e \".[zarr]\" (or "
                          "pip install 'zarr>=3')") from None
    return zarr


def read_zarr(url: str | os.PathLike, *, block_shape: Any = None,
              storage_options: dict | None = None) -> BlockArray:
    """Read the Zarr v3 array at ``url`` into a BlockArray, one task per block.

    Parameters
    ----------
    url : str or path-like
        The array's folder (a path or ``file://`` URL) or S3 prefix (``s3://bucket/x.zarr``).
    block_shape : tuple of int, optional
        The result's block shape. By default the session's, rounded to whole chunks.
    storage_options : dict, optional
        S3 only: credentials, endpoint and region (see :func:`nums.write`).

    Raises
    ------
    FileNotFoundError
        No Zarr array at ``url`` (a group, or nothing).
    TypeError
        A dtype that is not a NumPy dtype nums can hold.
    """
    zarr = _zarr()
    from nums.io._zarr_store import NumsZarrStore

    store = store_for(url, storage_options)
    try:
        z = zarr.open_array(store=NumsZarrStore(store, read_only=True), mode="r")
    except (FileNotFoundError, ValueError, KeyError) as exc:  # nothing there, or a group
        raise FileNotFoundError(f"{store.url()}: no Zarr array there ({exc})") from None
    shape, dtype, chunks = tuple(z.shape), z.dtype, tuple(z.chunks)
    if not hasattr(dtype, "itemsize") or getattr(dtype, "hasobject", False):
        raise TypeError(f"{store.url()}: the Zarr array's dtype {dtype} is not a NumPy dtype "
                        "nums can hold")
    if block_shape is None:
        block_shape = chunk_aligned(make_grid(shape, dtype).block_shape, chunks, shape)
    grid = make_grid(shape, dtype, block_shape)
    # read now: a later write to the same place must not reach the array
    return BlockArray.build(
        grid, lambda idx, node: submit(k.read_zarr_block, store, grid.block_slices(idx),
                                       node=node)).persist()


def write_zarr(url: str | os.PathLike, x: Any, *, overwrite: bool = False,
               compressors: Any = "auto", storage_options: dict | None = None) -> None:
    """Write ``x`` as a Zarr v3 array at ``url``, one chunk per block, in parallel.

    Parameters
    ----------
    url : str or path-like
        The array's folder (a path or ``file://`` URL) or S3 prefix.
    x : array_like
        The array (a BlockArray, or anything ``nums.numpy.asarray`` takes).
    overwrite : bool
        Replace an array (or anything) at ``url``; otherwise that raises FileExistsError.
    compressors : optional
        Zarr's ``compressors`` argument (default: Zarr's default codec).
    storage_options : dict, optional
        S3 only: credentials, endpoint and region (see :func:`nums.write`).

    Raises
    ------
    FileExistsError
        Something is at ``url`` and ``overwrite`` is false.
    TypeError
        An object dtype.
    """
    zarr = _zarr()
    x = asarray(x)
    if x.dtype.hasobject:
        raise TypeError("nums.write_zarr cannot write arrays of Python objects")
    store = store_for(url, storage_options)
    before = [key for key in store.list() if not key.endswith("/")]
    if before and not overwrite:
        raise FileExistsError(f"{store.url()} is not empty; pass overwrite=True to replace it")
    chunks = tuple(max(1, b) for b in x.grid.block_shape)
    memory = zarr.storage.MemoryStore()
    zarr.create_array(store=memory, shape=x.shape, chunks=chunks, dtype=x.dtype,
                      compressors=compressors, fill_value=0)
    meta = _memory_bytes(memory, META)
    if META in before:
        store.delete([META])  # from here on readers see no array, never a mix of two
    refs = [submit(k.write_zarr_block, store, meta, x.grid.block_slices(idx), x.blocks[idx],
                   x.grid.block_shape_at(idx), x.dtype, node=int(x.nodes[idx]))
            for idx in x.grid.indices()]
    backend().get(refs)  # raises a failed block's error (then no zarr.json: no array)
    store.put(META, meta)
    ours = {_chunk_key(idx) for idx in itertools.product(*map(range, x.grid.grid_shape))}
    stale = [key for key in before if key != META and key not in ours]
    if stale:
        store.delete(stale)


def _chunk_key(idx: tuple) -> str:
    """Zarr v3's default key of chunk ``idx``."""
    return "/".join(["c", *map(str, idx)]) if idx else "c"


def _memory_bytes(memory: Any, key: str) -> bytes:
    import asyncio

    from zarr.core.buffer import default_buffer_prototype

    buf = asyncio.run(memory.get(key, prototype=default_buffer_prototype()))
    return buf.to_bytes()
