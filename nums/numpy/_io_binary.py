"""Raw binary files and buffers: ``fromfile``, ``frombuffer`` and ``ndarray.tofile``.

Binary files given by path are read and written in parallel, one task per block on its byte
range (a memory map of the file); text mode (``sep`` given), file objects and arrays of
Python objects run NumPy on the driver (a ``GatherWarning``, as every fallback).
"""

from __future__ import annotations

import operator
import os
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, make_grid, submit
from nums.numpy._fallback import run_on_driver
from nums.numpy._io_paths import task_path


def fromfile(file: Any, dtype: Any = float, count: int = -1, sep: str = "", offset: int = 0,
             *, like: Any = None, block_shape: Any = None) -> BlockArray:
    """Binary mode (``sep=""``) from a path: the size of the file fixes the shape on the
    driver, then each block is read by a task from its byte range. Text mode and file
    objects: NumPy on the driver. ``like`` is accepted and ignored (the result is a
    BlockArray); ``block_shape`` is nums' own."""
    dtype = np.dtype(dtype)
    count = operator.index(count)  # (NumPy's TypeError for a float)
    if sep != "" or not isinstance(file, str | os.PathLike) or dtype.hasobject or (
            dtype.itemsize == 0):
        return run_on_driver(np.fromfile, (file, dtype, count, sep, offset), {},
                            "numpy.fromfile")
    path = task_path(file)
    size = os.path.getsize(path)  # FileNotFoundError, as numpy's
    if offset < 0 or offset > size:  # numpy's own errors
        return run_on_driver(np.fromfile, (file, dtype, count, sep, offset), {},
                            "numpy.fromfile")
    n = (size - offset) // dtype.itemsize
    if count >= 0:
        n = min(n, count)
    # a subarray dtype (("f4", (3,))): its values as more axes, as NumPy gives them
    base, extra = dtype.subdtype if dtype.subdtype is not None else (dtype, ())
    shape = (n, *extra)
    if n == 0 or 0 in extra:
        return BlockArray.from_numpy(np.empty(shape, base), block_shape)
    return read_raw(path, offset, shape, base, False, block_shape)


def read_raw(path: str, offset: int, shape: tuple, dtype: np.dtype, fortran: bool,
             block_shape: Any = None) -> BlockArray:
    """The array of ``shape`` and ``dtype`` stored raw (C or ``fortran`` order) at byte
    ``offset`` of ``path`` (``.npy`` files, ``.npz`` members, ``fromfile``): one task per
    block reads its region, and all have read before this returns, as NumPy reads a file at
    the call (a later write to the file, ``np.save`` to the same path, must not reach the
    array)."""
    grid = make_grid(shape, dtype, block_shape)

    def task(idx: tuple, node: int) -> Any:
        return submit(kernels.read_raw_region, path, offset, shape, dtype, fortran,
                      grid.block_slices(idx), node=node)

    return BlockArray.build(grid, task).persist()


def frombuffer(buffer: Any, dtype: Any = float, count: int = -1, offset: int = 0, *,
               like: Any = None, block_shape: Any = None) -> BlockArray:
    """NumPy reads the buffer (its checks and errors), and the values are split into
    blocks: the result is a copy, so writes to it do not reach the buffer (in NumPy they
    do); it is read-only where NumPy's is. ``like`` is accepted and ignored."""
    if isinstance(buffer, BlockArray):  # (its values' bytes, as NumPy's array exports)
        buffer = buffer.get()
    a = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
    out = BlockArray.from_numpy(a, block_shape)
    if not a.flags.writeable:
        out.flags.writeable = False
    return out


def tofile(self: BlockArray, fid: Any, sep: str = "", format: str = "%s") -> None:
    """``ndarray.tofile``. Binary mode (``sep=""``) to a path: the file is made at its full
    size, then each block is written into its byte range by a task on the node that holds
    it (a 0-d array by the driver). Text mode, file objects and arrays of Python objects:
    NumPy on the driver."""
    if sep != "" or not isinstance(fid, str | os.PathLike) or self.dtype.hasobject:
        return run_on_driver(np.ndarray.tofile, (self, fid, sep, format), {},
                            "numpy.ndarray.tofile")
    path = task_path(fid)
    with open(path, "wb") as f:
        if self.ndim == 0:
            f.write(self.get().tobytes())
            return None
        f.truncate(self.nbytes)
    if self.size == 0:
        return None
    refs = [submit(kernels.write_raw_region, path, 0, self.shape, self.dtype,
                   self.grid.block_slices(idx), self.blocks[idx], node=int(self.nodes[idx]))
            for idx in self.grid.indices()]
    progress.get(refs, "tofile")
    return None
