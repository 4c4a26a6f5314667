"""Zarr v3 arrays (the ``zarr`` extra): ``read_zarr`` and ``write_zarr``, one task per block.

Reads: the driver reads the array's metadata; each block is read by a task (block shapes
rounded to whole chunks, so no chunk is decompressed twice). Writes: the driver creates the
array with one chunk per block under a temporary name beside the target; each block is then
written by a task on the node that holds it (chunk-aligned, so tasks never share a chunk and
may run at once); last the driver moves it into place (replacing an old one only with
``overwrite=True``). A failed write removes the temporary array. Local folders only.
"""

from __future__ import annotations

import os
import shutil
import uuid
from typing import Any

from nums.core.array.blockarray import BlockArray, backend, make_grid, submit
from nums.io import _kernels as k
from nums.io._layout import chunk_aligned
from nums.io._paths import local_path
from nums.numpy._convert import asarray


def _zarr() -> Any:
    try:
        import zarr
    except ImportError:
        raise ImportError("nums Zarr I/O needs zarr 3: pip install -e \".[zarr]\" (or "
                          "pip install 'zarr>=3')") from None
    return zarr


def read_zarr(url: str | os.PathLike, *, block_shape: Any = None) -> BlockArray:
    """Read the Zarr array at ``url`` (a local folder) into a BlockArray, one task per block.

    Parameters
    ----------
    url : str or path-like
        The array's folder (a path or ``file://`` URL).
    block_shape : tuple of int, optional
        The result's block shape. By default the session's, rounded to whole chunks.

    Raises
    ------
    FileNotFoundError
        No Zarr array at ``url`` (a group, or nothing).
    TypeError
        A dtype that is not a NumPy dtype (Zarr's variable-length strings).
    """
    zarr = _zarr()
    where = str(local_path(url, "nums.read_zarr"))
    try:
        z = zarr.open_array(where, mode="r")
    except (FileNotFoundError, ValueError) as exc:  # nothing there, or a group
        raise FileNotFoundError(f"{where}: no Zarr array there ({exc})") from None
    shape, dtype, chunks = tuple(z.shape), z.dtype, tuple(z.chunks)
    if getattr(dtype, "hasobject", False) or not hasattr(dtype, "itemsize"):
        raise TypeError(f"{where}: the Zarr array's dtype {dtype} is not a NumPy dtype nums "
                        "can hold")
    if block_shape is None:
        block_shape = chunk_aligned(make_grid(shape, dtype).block_shape, chunks, shape)
    grid = make_grid(shape, dtype, block_shape)
    return BlockArray.build(
        grid, lambda idx, node: submit(k.read_zarr_block, where, grid.block_slices(idx),
                                       node=node))


def write_zarr(url: str | os.PathLike, x: Any, *, overwrite: bool = False,
               compressors: Any = "auto") -> None:
    """Write ``x`` as a Zarr v3 array at ``url`` (a local folder), one chunk per block.

    Parameters
    ----------
    url : str or path-like
        The array's folder (a path or ``file://`` URL); its parent must exist.
    x : array_like
        The array (a BlockArray, or anything ``nums.numpy.asarray`` takes).
    overwrite : bool
        Replace what is at ``url``; otherwise an existing folder raises FileExistsError.
    compressors : optional
        Zarr's ``compressors`` argument (default: Zarr's default codec).

    Raises
    ------
    FileExistsError
        ``url`` exists and ``overwrite`` is false.
    TypeError
        An object dtype.
    """
    zarr = _zarr()
    x = asarray(x)
    if x.dtype.hasobject:
        raise TypeError("nums.write_zarr cannot write arrays of Python objects")
    target = local_path(url, "nums.write_zarr")
    if os.path.lexists(target) and not overwrite:
        raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    chunks = tuple(max(1, b) for b in x.grid.block_shape)
    try:
        zarr.create_array(store=str(tmp), shape=x.shape, chunks=chunks, dtype=x.dtype,
                          compressors=compressors, fill_value=0)
        refs = [submit(k.write_zarr_block, str(tmp), x.grid.block_slices(idx), x.blocks[idx],
                       x.grid.block_shape_at(idx), x.dtype, node=int(x.nodes[idx]))
                for idx in x.grid.indices()]
        backend().get(refs)  # raises a failed block's error
        if os.path.lexists(target):
            old = target.parent / f".{target.name}.{uuid.uuid4().hex}.old"
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
