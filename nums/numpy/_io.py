"""NumPy's own files: ``save`` and ``load`` of ``.npy`` files, one task per block; ``.npz``
archives (:mod:`._io_npz`: ``savez``, ``savez_compressed``, ``load``'s mapping); raw binary
files and buffers (:mod:`._io_binary`: ``fromfile``, ``frombuffer``, ``ndarray.tofile``); text
files (:mod:`._io_text`: ``loadtxt``, ``genfromtxt``, ``savetxt``).

``save`` writes the header on the driver, then every block is written into its place in
the file by a task on the node that holds it (through a memory map of the file); ``load``
reads the header on the driver and every block by a task (a memory map again), so the data
never passes through the driver. What these do not cover (``.npy`` file objects, pickled
object arrays) runs NumPy on the driver, as a fallback does.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, submit
from nums.numpy._convert import asarray
from nums.numpy._fallback import run_on_driver
from nums.numpy._io_binary import frombuffer, fromfile, read_raw
from nums.numpy._io_npz import open_npz, savez, savez_compressed
from nums.numpy._io_paths import task_path
from nums.numpy._io_text import genfromtxt, loadtxt, savetxt


def save(file: Any, arr: Any, allow_pickle: bool = True, fix_imports: Any = np._NoValue
         ) -> None:
    """To a path: the header, then each block written in place by a task on the node that
    holds it. File objects and arrays of Python objects: NumPy on the driver."""
    if not isinstance(file, str | os.PathLike) or not isinstance(arr, BlockArray) or (
            arr.dtype.hasobject):  # (a NumPy array or list: NumPy's own save, here)
        return run_on_driver(np.save, (file, arr, allow_pickle), {}, "numpy.save")
    x = asarray(arr)
    path = task_path(file)
    if not path.endswith(".npy"):
        path += ".npy"
    header = np.lib.format.open_memmap(path, mode="w+", dtype=x.dtype, shape=x.shape)
    offset = header.offset
    del header  # the file exists, with its header, at its full size
    refs = [submit(kernels.write_raw_region, path, offset, x.shape, x.dtype,
                   x.grid.block_slices(idx), x.blocks[idx], node=int(x.nodes[idx]))
            for idx in x.grid.indices()]
    progress.get(refs, "save")


def load(file: Any, mmap_mode: Any = None, allow_pickle: bool = False,
         fix_imports: bool = True, encoding: str = "ASCII", *,
         max_header_size: int = 10000) -> Any:
    """A ``.npy`` path: a BlockArray, each block read by a task from a memory map of the
    file. ``mmap_mode`` ``"r"``/``"c"`` give the same values (a BlockArray, not a view of
    the file; read-only for ``"r"``, as NumPy's map); ``"r+"``/``"w+"`` raise
    NotImplementedError (writes would not reach the file). An ``.npz`` archive (a path or a
    file object) gives an :class:`NpzFile` whose values are BlockArrays: members stored
    uncompressed in an archive given by path are read one task per block, others on the
    driver, then split into blocks (``mmap_mode`` is ignored, as NumPy does). Pickles and
    ``.npy`` file objects: NumPy on the driver."""
    kwargs = {"mmap_mode": mmap_mode, "allow_pickle": allow_pickle,
              "fix_imports": fix_imports, "encoding": encoding,
              "max_header_size": max_header_size}
    if encoding not in ("ASCII", "latin1", "bytes"):
        raise ValueError("encoding must be 'ASCII', 'latin1', or 'bytes'")
    if allow_pickle:  # as NumPy: a file trusted with pickles is trusted with a long header
        max_header_size = 2**64
    if mmap_mode == "readonly":  # (memmap's long name, which NumPy's load takes)
        mmap_mode = "r"
    npz = open_npz(file, allow_pickle, {"encoding": encoding, "fix_imports": fix_imports},
                   max_header_size)
    if npz is not None:
        return npz
    if not isinstance(file, str | os.PathLike):
        return run_on_driver(np.load, (file,), kwargs, "numpy.load")
    path = task_path(file)
    with open(path, "rb") as f:
        if f.read(6) != b"\x93NUMPY":
            return run_on_driver(np.load, (file,), kwargs, "numpy.load")
        f.seek(0)
        version = np.lib.format.read_magic(f)
        if version not in ((1, 0), (2, 0)):  # (3.0: a UTF-8 header, NumPy's to read)
            return BlockArray.from_numpy(np.load(path, **kwargs))
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0) else
                       np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = read_header(f, max_header_size=max_header_size)
        offset = f.tell()
    if dtype.hasobject:
        return run_on_driver(np.load, (file,), kwargs, "numpy.load")
    if mmap_mode in ("r+", "w+"):
        raise NotImplementedError(f"nums.numpy.load: mmap_mode={mmap_mode!r} would make writes "
                                  "reach the file, which a BlockArray cannot do; use "
                                  "mmap_mode=None or 'r' (and nums.numpy.save to write)")
    if mmap_mode not in (None, "r", "c"):
        raise ValueError(f"mode must be one of ['r', 'c', 'r+', 'w+'] (got {mmap_mode!r})")
    count = math.prod(shape)
    have = (os.path.getsize(path) - offset) // dtype.itemsize if dtype.itemsize else count
    if have < count:
        raise ValueError(f"Failed to read all data for array. Expected {shape} = {count} "
                         f"elements, could only read {have} elements. (file seems not fully "
                         "written?)")
    out = read_raw(path, offset, shape, dtype, fortran)  # (read now, as NumPy reads)
    if mmap_mode == "r":
        out.setflags(write=False)  # (NumPy's memory map in mode 'r' refuses writes)
    return out


__all__ = ["save", "load", "savez", "savez_compressed", "fromfile", "frombuffer", "loadtxt",
           "genfromtxt", "savetxt"]
