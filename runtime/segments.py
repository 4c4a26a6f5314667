"""The store segments mapped in this process, by address: lets a task read several objects
of one store as one array.

Every node store is one shared-memory segment, and every process maps the segments it reads
(:func:`runtime.serialization.map_fd`). Objects read from a store are zero-copy numpy views
of that mapping, so a task handed many blocks of one store can address them all through a
single view of the segment: one vectorised gather instead of one per block
(:func:`shared_view`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

# (first address, end address, mmap) of each live mapping of this process
_mapped: list[tuple[int, int, Any]] = []
_lock = threading.Lock()


def register(mm: Any) -> None:
    """Remember the address range of mapping ``mm`` (an ``mmap.mmap``)."""
    import numpy as np

    view = np.frombuffer(mm, np.uint8)  # only to read the address: released at once
    start = view.__array_interface__["data"][0]
    del view
    with _lock:
        _mapped.append((start, start + len(mm), mm))


def forget(mm: Any) -> None:
    """Drop mapping ``mm`` (before it is closed)."""
    with _lock:
        _mapped[:] = [m for m in _mapped if m[2] is not mm]


def shared_view(arrays: Sequence[Any], dtype: Any) -> tuple[Any, list[int]] | None:
    """One read-only numpy array of ``dtype`` over the whole store segment that holds every
    array of ``arrays``, and each array's element offset in it.

    None unless all of them are C-contiguous arrays of ``dtype`` inside one segment mapped
    in this process, a whole number of items apart (the view starts where that puts an
    item at each array's start; the store aligns buffers to 64 bytes, so items whose size
    divides 64 always are). Elements of the view outside the arrays are other objects'
    memory or free space: read only the offsets of the arrays' own elements.
    """
    import numpy as np

    dtype = np.dtype(dtype)
    size = dtype.itemsize
    if not arrays or size == 0 or dtype.hasobject:
        return None
    spans = []
    for a in arrays:
        if not isinstance(a, np.ndarray) or a.dtype != dtype or not a.flags.c_contiguous:
            return None
        addr = a.__array_interface__["data"][0]
        spans.append((addr, addr + a.nbytes))
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    with _lock:
        found = [m for m in _mapped if m[0] <= lo and hi <= m[1]]
    if not found:
        return None
    start, end, mm = found[0]
    first = (spans[0][0] - start) % size  # where the view's first item starts
    if mm.closed or any((s[0] - start - first) % size for s in spans):
        return None
    whole = np.frombuffer(mm, dtype, count=(end - start - first) // size, offset=first)
    whole.flags.writeable = False
    return whole, [(s[0] - start - first) // size for s in spans]


def writable_alias(a: Any) -> Any:
    """A writable array over the same memory as ``a``, a read-only view of a store segment
    mapped in this process; ``a`` itself otherwise.

    For NumPy functions that copy a read-only input before reading it (``argmax``,
    ``argmin`` and ``bincount`` ask for a writeable array; the copy doubled their time on
    store blocks here). The caller must not write through the alias: store objects are
    immutable and shared by every reader.
    """
    import numpy as np

    if not isinstance(a, np.ndarray) or a.flags.writeable or a.dtype.hasobject or not a.size:
        return a
    addr = a.__array_interface__["data"][0]
    with _lock:
        found = [m for m in _mapped if m[0] <= addr < m[1]]
    if not found or found[0][2].closed:
        return a
    start, _, mm = found[0]
    try:
        return np.ndarray(a.shape, a.dtype, buffer=mm, offset=addr - start, strides=a.strides)
    except (TypeError, ValueError):  # strides reaching outside the mapping: not a store view
        return a
