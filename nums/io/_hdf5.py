"""HDF5 datasets with h5py: ``read_hdf5`` (one task per block, each opening the file
read-only) and ``write_hdf5`` (the dataset created by the driver, the blocks written by tasks
one at a time, in a chain, then renamed into place).

HDF5 files cannot be written by several processes at once without MPI, so the writes of a
dataset are serialised: each block's task takes the previous block's result as an argument
and opens the file only when that write has closed it.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from nums.core import progress
from nums.core.array.blockarray import BlockArray, make_grid, submit
from nums.io import _kernels as k
from nums.io._layout import chunk_aligned
from nums.io._paths import local_path
from nums.numpy._convert import asarray

MODES = ("r+", "a", "w", "w-", "x")


def _h5py() -> Any:
    try:
        import h5py
    except ImportError:  # pragma: no cover - an install requirement
        raise ImportError("nums HDF5 I/O needs h5py: pip install h5py") from None
    return h5py


def read_hdf5(path: str | os.PathLike, dataset: str, *, block_shape: Any = None) -> BlockArray:
    """Read dataset ``dataset`` of the HDF5 file at ``path`` into a BlockArray, one task per
    block (each opens the file read-only and reads its slice).

    Parameters
    ----------
    path : str or path-like
        A local path or ``file://`` URL.
    dataset : str
        The dataset's name in the file (``"group/name"`` for one in a group).
    block_shape : tuple of int, optional
        The result's block shape. By default the session's, rounded to whole chunks of a
        chunked dataset (so that no chunk is decompressed by two tasks).

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    OSError
        The file is not an HDF5 file.
    KeyError
        The file has no dataset of that name (the error names the file and the dataset).
    TypeError
        The dataset holds variable-length or object values, which BlockArrays do not.
    """
    h5py = _h5py()
    where = str(local_path(path, "nums.read_hdf5"))
    if not os.path.exists(where):
        raise FileNotFoundError(f"{where}: no such file (reading HDF5 dataset {dataset!r})")
    try:
        f = h5py.File(where, "r")
    except OSError as exc:
        raise type(exc)(f"{where}: not a readable HDF5 file ({exc})") from None
    with f:
        node = f.get(dataset)
        if node is None:
            raise KeyError(f"{where}: no dataset {dataset!r}")
        if not isinstance(node, h5py.Dataset):
            raise KeyError(f"{where}: {dataset!r} is a {type(node).__name__}, not a dataset")
        shape, dtype, chunks = tuple(node.shape or ()), node.dtype, node.chunks
        if node.shape is None:
            raise TypeError(f"{where}: dataset {dataset!r} is empty (no dataspace)")
    if dtype.hasobject:
        raise TypeError(f"{where}: dataset {dataset!r} holds variable-length values "
                        f"({dtype}), which nums does not read")
    if block_shape is None:
        block_shape = chunk_aligned(make_grid(shape, dtype).block_shape, chunks, shape)
    grid = make_grid(shape, dtype, block_shape)

    def task(idx: tuple, node: int) -> Any:
        return submit(k.read_hdf5_block, where, dataset, grid.block_slices(idx), node=node)

    # read now, as NumPy reads a file at the call: a later write to it must not reach the
    # array
    return BlockArray.build(grid, task).persist()


def write_hdf5(path: str | os.PathLike, dataset: str, x: Any, *, mode: str = "a",
               overwrite: bool = False, chunks: Any = None, compression: Any = None) -> None:
    """Write ``x`` as dataset ``dataset`` of the HDF5 file at ``path``.

    The driver creates the dataset under a temporary name next to ``dataset``; then every
    block is written by a task on the node that holds it, one task at a time (each waits for
    the previous write, since HDF5 files take one writer at a time without MPI); finally the
    driver renames the dataset into place (removing an old one when ``overwrite``; HDF5 does
    not give the old one's space back to the file, ``h5repack`` does). A failed write
    removes the temporary dataset and leaves the file's other contents as they were.

    Parameters
    ----------
    path : str or path-like
        A local path or ``file://`` URL.
    dataset : str
        The dataset's name (``"group/name"`` creates the groups it needs).
    x : array_like
        The array (a BlockArray, or anything ``nums.numpy.asarray`` takes).
    mode : {"a", "r+", "w", "w-", "x"}
        h5py's file modes: ``"a"`` (default) opens or creates, ``"r+"`` opens an existing
        file, ``"w"`` creates or truncates, ``"w-"``/``"x"`` create a file that must not
        exist.
    overwrite : bool
        Replace a dataset of the same name; otherwise one raises ``ValueError``.
    chunks : tuple of int, bool or None
        HDF5 chunking: None (default) chunks by the array's block shape, ``False`` stores
        the dataset contiguously, a tuple or ``True`` as h5py takes them.
    compression : str, optional
        h5py's compression filter (``"gzip"``, ``"lzf"``, ...); needs chunks.

    Raises
    ------
    ValueError
        The dataset exists and ``overwrite`` is false, or an unknown ``mode``.
    TypeError
        A dtype HDF5 cannot store (h5py's error, naming the file and dataset).
    """
    h5py = _h5py()
    if mode not in MODES:
        raise ValueError(f"write_hdf5: mode must be one of {list(MODES)} (got {mode!r}); "
                         "'r' opens a file read-only")
    x = asarray(x)
    where = str(local_path(path, "nums.write_hdf5"))
    parent, _, leaf = dataset.strip("/").rpartition("/")
    if not leaf:
        raise ValueError(f"{where}: {dataset!r} is not a dataset name")
    tmp = f"{parent}/.{leaf}.nums-{uuid.uuid4().hex}" if parent else \
        f".{leaf}.nums-{uuid.uuid4().hex}"
    if chunks is None:
        chunks = tuple(x.block_shape) if x.ndim and x.size else None
    elif chunks is False:
        chunks = None
    try:
        f = h5py.File(where, mode)
    except OSError as exc:
        raise type(exc)(f"{where}: cannot open for writing with mode {mode!r} ({exc})"
                        ) from None
    with f:
        if dataset in f and not overwrite:
            raise ValueError(f"{where}: dataset {dataset!r} exists (pass overwrite=True to "
                             "replace it)")
        try:
            f.create_dataset(tmp, shape=x.shape, dtype=x.dtype, chunks=chunks,
                             compression=compression)
        except TypeError as exc:
            raise TypeError(f"{where}: cannot store dataset {dataset!r} of dtype {x.dtype} "
                            f"in HDF5 ({exc})") from None
    try:
        after, chain = None, []
        for idx in x.grid.indices():
            shape = x.grid.block_shape_at(idx)
            if 0 in shape:
                continue
            after = submit(k.write_hdf5_block, after, where, tmp, x.grid.block_slices(idx),
                           x.blocks[idx], shape, x.dtype, node=int(x.nodes[idx]))
            chain.append(after)
        progress.get(chain, "nums.write_hdf5")
        with h5py.File(where, "r+") as f:
            if dataset in f:
                del f[dataset]
            f.move(tmp, dataset)
    except BaseException:
        with h5py.File(where, "r+") as f:
            if tmp in f:
                del f[tmp]
        raise
