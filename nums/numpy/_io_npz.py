"""``.npz`` archives: ``savez``, ``savez_compressed`` and the lazy mapping ``load`` returns.

A zip archive is one sequential file, so ``savez`` writes it from the driver: each array's
``.npy`` member gets its header, then its values block-row by block-row (the blocks of one
grid row along the first axis are fetched, written and dropped before the next row is
fetched), so the driver holds one block-row at a time, never the whole array.

``load`` of an archive returns :class:`NpzFile`, NumPy's mapping with BlockArray values: a
member stored uncompressed (``ZIP_STORED``, what ``savez`` writes) in an archive given by
path is read in parallel, one task per block from a memory map at the member's offset in
the file (the local file header's offset and length, then the ``.npy`` header); a
compressed member, or any member of an archive given as a file object, is read once on the
driver and split into blocks.
"""

from __future__ import annotations

import math
import struct
import weakref
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, node_of, one_local_block, submit
from nums.numpy._io_binary import read_raw
from nums.numpy._io_paths import task_path

ZIP_PREFIXES = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, an empty archive
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the zip local file header: 30 bytes
CRC_BYTES = 32 * 2**20  # bytes checksummed per task


def _header(dtype: np.dtype, shape: tuple) -> dict:
    return {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False,
            "shape": tuple(shape)}


try:  # NumPy's writer of a header in the version it needs (private; else 1.0 or 2.0)
    from numpy.lib._format_impl import _write_array_header as _NUMPY_WRITE_HEADER
except ImportError:  # pragma: no cover - another NumPy
    _NUMPY_WRITE_HEADER = None


def _write_header(f: Any, header: dict) -> None:
    """The ``.npy`` header in the oldest format version that holds it, as NumPy writes it
    (2.0 for a long header, 3.0 for field names beyond latin-1, with NumPy's warnings)."""
    if _NUMPY_WRITE_HEADER is not None:
        _NUMPY_WRITE_HEADER(f, header)  # (NumPy's own choice of version)
        return
    try:
        np.lib.format.write_array_header_1_0(f, header)
    except ValueError:  # longer than 1.0 allows
        np.lib.format.write_array_header_2_0(f, header)


def _write_blockarray(f: Any, x: BlockArray) -> None:
    """``x`` as a ``.npy`` stream into ``f``: the header, then the values in C order,
    block-row by block-row."""
    _write_header(f, _header(x.dtype, x.shape))
    if x.ndim == 0 or x.size == 0:
        f.write(np.ascontiguousarray(x.get(), dtype=x.dtype).tobytes())
        return
    bounds = x.grid.boundaries(0)
    for start, stop in zip(bounds[:-1], bounds[1:]):
        rows = np.ascontiguousarray(x[start:stop].get(), dtype=x.dtype)
        f.write(memoryview(rows.reshape(-1).view(np.uint8)))
        del rows


def _savez(file: Any, args: tuple, kwds: dict, compress: bool, allow_pickle: bool) -> None:
    if not hasattr(file, "write"):
        file = task_path(file)
        if not file.endswith(".npz"):
            file = file + ".npz"
    named = dict(kwds)
    for i, value in enumerate(args):
        key = f"arr_{i}"
        if key in named:
            raise ValueError(f"Cannot use un-named variables and keyword {key}")
        named[key] = value
    compression = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(file, mode="w", compression=compression, allowZip64=True) as zf:
        for key, value in named.items():
            with zf.open(key + ".npy", "w", force_zip64=True) as member:
                if isinstance(value, BlockArray) and not value.dtype.hasobject:
                    _write_blockarray(member, value)
                else:  # numpy values, and object arrays (pickled, so gathered)
                    value = value.get() if isinstance(value, BlockArray) else value
                    np.lib.format.write_array(member, np.asanyarray(value),
                                              allow_pickle=allow_pickle,
                                              pickle_kwargs={"fix_imports": False})


def savez(file: Any, *args: Any, allow_pickle: bool = True, **kwds: Any) -> None:
    """Written from the driver (a zip archive is one sequential file), each BlockArray
    block-row by block-row: the driver holds one block-row at a time. Arrays of Python
    objects are gathered and pickled as NumPy does. Members are always written in C order
    (NumPy writes a Fortran-ordered numpy array in Fortran order; the values are the same).
    """
    _savez(file, args, kwds, False, allow_pickle)


DRIVER = "through the driver (block-row by block-row)"
savez._nums_status = DRIVER  # type: ignore[attr-defined]


def savez_compressed(file: Any, *args: Any, allow_pickle: bool = True, **kwds: Any) -> None:
    """As :func:`savez`, each member compressed (``ZIP_DEFLATED``) as it is written."""
    _savez(file, args, kwds, True, allow_pickle)


savez_compressed._nums_status = DRIVER  # type: ignore[attr-defined]


class NpzFile(Mapping):
    """NumPy's ``NpzFile`` with BlockArray values: a lazy mapping from the names of an
    ``.npz`` archive's members (without ``.npy``) to their arrays, read on access.

    Members stored uncompressed in an archive given by path are read one task per block,
    after tasks have checked their CRC-32 in parallel (``BadZipFile`` as zipfile raises);
    other members are read on the driver and split into blocks. Members that are not
    ``.npy`` files give their bytes. Attributes ``files``, ``zip``, ``fid`` and ``f``
    (attribute access) are NumPy's.
    """

    zip = None
    fid = None
    _MAX_REPR_ARRAY_COUNT = 5

    def __init__(self, fid: Any, own_fid: bool = False, allow_pickle: bool = False,
                 pickle_kwargs: dict | None = None, *, path: str | None = None,
                 max_header_size: int = 10000) -> None:
        self.zip = zipfile.ZipFile(fid)
        names = self.zip.namelist()
        self.files = [name.removesuffix(".npy") for name in names]
        self._files = dict(zip(self.files, names))
        self._files.update(zip(names, names))
        self.allow_pickle = allow_pickle
        self.pickle_kwargs = pickle_kwargs
        self.max_header_size = max_header_size
        self._path = path
        self.f = _Attributes(self)
        if own_fid:
            self.fid = fid

    def __enter__(self) -> NpzFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the archive (and the file, when ``load`` opened it)."""
        if self.zip is not None:
            self.zip.close()
            self.zip = None
        if self.fid is not None:
            self.fid.close()
            self.fid = None
        self.f = None

    def __del__(self) -> None:
        self.close()

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def __contains__(self, key: object) -> bool:
        return key in self._files

    def __repr__(self) -> str:
        name = self._path if self._path is not None else getattr(self.fid, "name", "object")
        names = ", ".join(self.files[:self._MAX_REPR_ARRAY_COUNT])
        if len(self.files) > self._MAX_REPR_ARRAY_COUNT:
            names += "..."
        return f"NpzFile {name!r} with keys: {names}"

    def __getitem__(self, key: str) -> Any:
        try:
            member = self._files[key]
        except (KeyError, TypeError):
            raise KeyError(f"{key} is not a file in the archive") from None
        info = self.zip.getinfo(member)
        with self.zip.open(member) as f:
            if f.read(6) != b"\x93NUMPY":
                f.seek(0)
                return f.read()
            f.seek(0)
            version = np.lib.format.read_magic(f)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            shape, fortran, dtype = ((), False, np.dtype(object)) if read_header is None else (
                read_header(f, max_header_size=self.max_header_size))
            if dtype.hasobject or info.compress_type != zipfile.ZIP_STORED or (
                    self._path is None) or info.flag_bits & 1 or 0 in shape or not shape or (
                    one_local_block(dtype.itemsize * math.prod(shape))):  # (NumPy's read,
                # here, costs least)
                f.seek(0)
                value = np.lib.format.read_array(f, allow_pickle=self.allow_pickle,
                                                 pickle_kwargs=self.pickle_kwargs,
                                                 max_header_size=self.max_header_size)
                return BlockArray.from_numpy(value)
            data_in_member = f.tell()
        start = self._data_offset(info)
        _check_crc(self._path, start, info)
        return read_raw(self._path, start + data_in_member, shape, dtype, fortran)

    def _data_offset(self, info: zipfile.ZipInfo) -> int:
        """Where a stored member's bytes begin in the file: after its local header."""
        with open(self._path, "rb") as f:
            f.seek(info.header_offset)
            fields = LOCAL_HEADER.unpack(f.read(LOCAL_HEADER.size))
        if fields[0] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"{self._path}: bad local header of {info.filename}")
        name_length, extra_length = fields[-2], fields[-1]
        return info.header_offset + LOCAL_HEADER.size + name_length + extra_length


def _check_crc(path: str, start: int, info: zipfile.ZipInfo) -> None:
    """The CRC-32 of a stored member, from tasks over ``CRC_BYTES`` ranges of its bytes
    (combined here), against the archive's; ``BadZipFile`` as zipfile raises."""
    size = info.compress_size
    cuts = list(range(start, start + size, CRC_BYTES)) + [start + size]
    refs = [submit(kernels.crc32_range, path, a, b, node=node_of((i,)))
            for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:]))]
    crc = 0
    parts = progress.get(refs, "load: CRC-32") if refs else []
    for (a, b), part in zip(zip(cuts[:-1], cuts[1:]), parts):
        crc = crc32_combine(crc, part, b - a)
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")


def _gf2_times(matrix: list[int], vector: int) -> int:
    out, i = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[i]
        vector >>= 1
        i += 1
    return out


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of ``a + b`` from ``crc32(a)``, ``crc32(b)`` and ``len(b)``: ``crc1``
    advanced over ``length2`` zero bytes (the linear operator of one zero bit, squared up
    to the bits of the length), then combined with ``crc2``."""
    if length2 <= 0:
        return crc1
    if crc1 == 0:  # (the CRC of nothing: zero bytes leave it zero)
        return crc2
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:  # the first square gives one zero byte
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


class _Attributes:
    """``npz.f.name``: NumPy's attribute access to an archive's members."""

    def __init__(self, npz: NpzFile) -> None:
        # a weak reference: no cycle, so an archive nobody holds is closed at once (its
        # __del__), not at a garbage collection that finds its file unclosed
        object.__setattr__(self, "_npz", weakref.proxy(npz))

    def __getattribute__(self, key: str) -> Any:
        try:
            return object.__getattribute__(self, "_npz")[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self) -> list[str]:
        return list(object.__getattribute__(self, "_npz").keys())


def open_npz(file: Any, allow_pickle: bool, pickle_kwargs: dict, max_header_size: int
             ) -> NpzFile | None:
    """An :class:`NpzFile` when ``file`` (a path or a file object) is a zip archive, else
    None (with a file object's position unchanged)."""
    if hasattr(file, "read"):
        magic = file.read(4)
        file.seek(-len(magic), 1)
        if magic not in ZIP_PREFIXES:
            return None
        return NpzFile(file, own_fid=False, allow_pickle=allow_pickle,
                       pickle_kwargs=pickle_kwargs, max_header_size=max_header_size)
    path = task_path(file)
    fid = open(path, "rb")
    try:
        if fid.read(4) not in ZIP_PREFIXES:
            fid.close()
            return None
        fid.seek(0)
        return NpzFile(fid, own_fid=True, allow_pickle=allow_pickle,
                       pickle_kwargs=pickle_kwargs, path=path,
                       max_header_size=max_header_size)
    except BaseException:
        fid.close()
        raise
