"""Views of distributed arrays read where their root's block lies, for NumPy's calls in the
driver.

A view of a distributed array (``x[:10**6]`` of a 1e7-element ``x``, ``X[:1000].T``,
``sliding_window_view(x[:n], 256)[::128]``) often lies within one block of its root. On a
backend whose stores the driver maps (the embedded runtime), its value is then a NumPy view
of that block: a NumPy function that nums runs in the driver (``np.concatenate``,
``np.convolve``, ``np.interp``) reads it with no copy and no task, as NumPy reads a slice.
The view's stand-in (NumPy's own geometry of the view over its root's memory, see
:mod:`~nums.core.array.geometry`) gives its offset and strides; the root must be split
along its first axis only, so that each block is a contiguous range of the root's memory.

The value pins the block in the store while it lives (it is neither spilled nor handed to a
task to write in place): callers hold it for one call, and never keep it nor a result that
shares its memory (:func:`is_in_place` tells such values apart).
"""

from __future__ import annotations

import math
import weakref
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array import blockarray
from nums.core.array.blockarray import (
    BlockArray,
    backend,
    block_limit,
    local_limit,
    local_value,
)
from nums.core.array.geometry import extent, offset_of

# the values made here, by id (a NumPy array cannot be hashed; a weak value dictionary
# forgets each when it goes)
_MADE: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def in_place_limit() -> int:
    """Bytes up to which a view is read in place for NumPy's call in the driver: a quarter of
    the smaller of ``local_bytes`` and ``block_bytes`` (16 MiB by default). Larger views
    take the distributed path, where both cores compute."""
    return min(local_limit(), block_limit()) // 4


def _located(x: BlockArray, limit: int) -> tuple | None:
    """``(block ref, byte offset of x's first element in the block, x's stand-in, the
    block's shape and dtype)`` when view
    ``x`` of a distributed root lies within one block of it (see the module docstring) and
    is at most ``limit`` bytes; else None."""
    link = x._link
    if link is None:
        return None
    root = link.root  # (a driver-resident root first: the common case, and the cheapest)
    if root._local is not None or root._blocks is None or not root.ndim or not root.size:
        return None
    if (not x.size or x.nbytes > limit or x.dtype.hasobject
            or not backend().blocks_in_driver_memory):
        return None
    grid = root._grid
    hit = x.__dict__.get("_mapped_at")  # (per grid of the root: a write may give it another)
    if hit is None or hit[0] is not grid:
        hit = x._mapped_at = (grid, _where(x, root))
    if hit[1] is None:
        return None
    i, offset = hit[1]
    idx = (i,) + (0,) * (root.ndim - 1)
    return root._blocks[idx], offset, x._geometry(), grid.block_shape_at(idx), root.dtype


def _where(x: BlockArray, root: BlockArray) -> tuple[int, int] | None:
    """The block of ``root`` (its index along the first axis) that view ``x`` lies in, and
    the byte offset of x's first element in it; None if it spans blocks or its geometry is
    not NumPy's own (see ``ViewOp.exact_geometry``)."""
    grid = root._grid
    if any(n != 1 for n in grid.grid_shape[1:]):
        return None
    if not exact_geometry(x):
        return None
    g, rg = x._geometry(), root._geometry()
    if _buffer(g) is not _buffer(rg):
        return None  # (a stand-in the root replaced since: flags.writeable set again)
    start = offset_of(g, rg)
    lo, hi = (start + e for e in extent(g.shape, g.strides, g.itemsize))
    row = math.prod(root.shape[1:]) * root.dtype.itemsize
    if lo < 0 or hi > root.nbytes or not row:
        return None
    i = (lo // row) // grid.block_shape[0]
    first = grid.axis_start(0, i) * row
    if hi > grid.axis_stop(0, i) * row:
        return None  # (it spans blocks)
    return i, start - first


def exact_geometry(x: BlockArray) -> bool:
    """Whether the stand-in of ``x`` is NumPy's own geometry of it over its root's memory
    (every view on the way to the root has ``ViewOp.exact_geometry``)."""
    at = x._link
    while at is not None:
        if not at.op.exact_geometry:
            return False
        at = at.parent._link
    return True


def _buffer(g: Any) -> Any:
    """The one-element buffer a stand-in's pointers are made from (through NumPy's views and
    the ``as_strided`` wrappers of ``sliding_window_view`` and the like)."""
    while True:
        base = getattr(g, "base", None)
        if base is None:
            return g
        g = base


def readable(x: BlockArray, limit: int) -> bool:
    """Whether :func:`in_place` gives the value of ``x`` (without loading it)."""
    return _located(x, limit) is not None


def in_place(x: BlockArray, limit: int) -> np.ndarray | None:
    """The value of view ``x`` as a read-only NumPy view of its root's block, when it lies
    within one (see the module docstring) and is at most ``limit`` bytes; else None."""
    found = _located(x, limit)
    if found is None:
        return None
    ref, offset, g, shape, dtype = found
    block = progress.get([ref], "get")[0]
    if (type(block) is not np.ndarray or not block.flags.c_contiguous
            or block.shape != shape or block.dtype != dtype):
        return None  # (a block not laid out as the grid says: the general path)
    try:
        out = np.ndarray(g.shape, g.dtype, buffer=block, offset=offset, strides=g.strides)
    except (TypeError, ValueError):  # (a block that is not what the grid says)
        return None
    out.flags.writeable = False
    _MADE[id(out)] = out
    return out


def local_or_in_place(x: BlockArray, limit: int) -> np.ndarray | None:
    """The driver-resident value of ``x``; for a view of a distributed array, its value read
    in place (:func:`in_place`, up to ``limit`` bytes) before anything syncs the view
    (which would cut it out by tasks); else None."""
    link = x._link
    if link is not None and link.root._local is None:
        v = in_place(x, limit)
        if v is not None:
            return v
    return local_value(x)


def computed_here(x: BlockArray, limit: int) -> bool:
    """Whether ``x`` is a pending result of at most ``limit`` bytes (an expression of views,
    ``x[:n] ** 2``) whose value the driver computes from blocks read in place, as its
    ``get()`` does, running no task (see ``Pending.computes_here``)."""
    pending = x._pending
    return (pending is not None and x._link is None and x._blocks is None and x.size > 0
            and x.nbytes <= limit and pending.computes_here(x))


def is_in_place(v: Any) -> bool:
    """Whether ``v`` is a value made by :func:`in_place` (memory of a store block)."""
    return _MADE.get(id(v)) is v


def _view_value(x: BlockArray) -> np.ndarray | None:
    """``x.get()``'s source for a view read in place (up to :func:`in_place_limit`)."""
    return in_place(x, in_place_limit())


blockarray.VIEW_IN_PLACE = _view_value
