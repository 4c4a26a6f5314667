"""Block tasks of the native format's reader and writer (they run in the workers, on the
store they are given: a local folder or an S3 prefix)."""

from __future__ import annotations

import os
import zlib

import numpy as np

from nums.io._stores import Store


def checksum(a: np.ndarray) -> int:
    """CRC-32 of a block's bytes in C order."""
    raw = np.ascontiguousarray(a).reshape(-1).view(np.uint8)  # any dtype (dates, records)
    return zlib.crc32(memoryview(raw))


def write_block(store: Store, key: str, block: np.ndarray, shape: tuple, dtype: np.dtype
                ) -> int:
    """Write ``block`` (of ``shape``, as ``dtype``: the array's, which a block's may narrow)
    as a .npy object ``key`` of ``store`` (atomically, flushed to disk); its checksum."""
    a = np.ascontiguousarray(block, dtype=dtype).reshape(shape)
    if a.dtype.hasobject:
        raise TypeError("nums I/O cannot write arrays of Python objects")
    store.write(key, lambda f: np.lib.format.write_array(f, a, allow_pickle=False))
    return checksum(a)


def read_block(store: Store, key: str, crc: int, shape: tuple, dtype: str, name: str
               ) -> np.ndarray:
    """Read one block, checking its shape, dtype and checksum; errors name the block."""
    where = store.url(key)
    try:
        with store.open(key) as f:
            a = np.load(f, allow_pickle=False)
    except FileNotFoundError as exc:  # an S3 store's error names the bucket or the key
        raise FileNotFoundError(f"{name}: its file {where} is missing" if exc.errno else
                                f"{name}: {exc}") from None
    except PermissionError as exc:
        raise PermissionError(f"{name}: {exc}") from None
    except (ValueError, EOFError) as exc:
        raise OSError(f"{name}: {where} is not a readable block ({exc})") from None
    if a.shape != tuple(shape) or a.dtype != np.dtype(dtype):
        raise OSError(f"{name}: {where} holds {a.dtype}{list(a.shape)}, the manifest says "
                      f"{np.dtype(dtype)}{list(shape)}")
    if checksum(a) != crc:
        raise OSError(f"{name}: checksum mismatch in {where} (the file is corrupted)")
    return a


def read_hdf5_block(path: str, dataset: str, slices: tuple) -> np.ndarray:
    """``slices`` of dataset ``dataset`` of the HDF5 file at ``path`` (opened read-only)."""
    import h5py

    with h5py.File(path, "r") as f:
        ds = f[dataset]
        return np.array(ds[tuple(slices)], dtype=ds.dtype, order="C")  # 0-d: not a scalar


def write_hdf5_block(after: object, path: str, dataset: str, slices: tuple,
                     block: np.ndarray, shape: tuple, dtype: np.dtype) -> None:
    """Write ``block`` (of ``shape``, as ``dtype``) into ``slices`` of dataset ``dataset``
    of the HDF5 file at ``path``, then close the file. ``after`` is the previous write's
    result: the writes of one dataset run one at a time, in a chain."""
    import h5py

    a = np.ascontiguousarray(block, dtype=dtype).reshape(shape)
    with h5py.File(path, "r+") as f:
        f[dataset][tuple(slices)] = a


def write_csv_part(path: str, header: str, fmt: str, delimiter: str, dtype: np.dtype,
                   shapes: list, *blocks: np.ndarray) -> int:
    """Format one block-row (its blocks, of ``shapes``, side by side, as ``dtype``) as CSV
    lines after ``header`` into the file ``path`` (flushed to disk); the number of rows."""
    rows = np.hstack([np.asarray(b, dtype=dtype).reshape(s) for b, s in zip(blocks, shapes)])
    if rows.dtype.kind == "b":
        rows = rows.astype(np.uint8)
    with open(path, "w") as f:
        f.write(header)
        np.savetxt(f, rows, fmt=fmt, delimiter=delimiter)
        f.flush()
        os.fsync(f.fileno())
    return rows.shape[0]


def read_zarr_block(store: Store, slices: tuple) -> np.ndarray:
    """The block ``slices`` of the Zarr array in ``store``."""
    import zarr

    from nums.io._zarr_store import NumsZarrStore

    z = zarr.open_array(store=NumsZarrStore(store, read_only=True), mode="r")
    return np.asarray(z[tuple(slices)])


def write_zarr_block(store: Store, meta: bytes, slices: tuple, block: np.ndarray, shape: tuple,
                     dtype: np.dtype) -> None:
    """Write ``block`` into ``slices`` (whole chunks) of the Zarr array being written to
    ``store``, whose metadata ``meta`` is not in the store yet."""
    import zarr

    from nums.io._zarr_store import NumsZarrStore

    a = np.ascontiguousarray(block, dtype=dtype).reshape(shape)
    z = zarr.open_array(store=NumsZarrStore(store, overlay={"zarr.json": meta}), mode="r+")
    z[tuple(slices)] = a
