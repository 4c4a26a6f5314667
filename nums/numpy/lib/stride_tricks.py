"""``nums.numpy.lib.stride_tricks``: NumPy's ``numpy.lib.stride_tricks`` on BlockArrays.

``sliding_window_view`` is a distributed read-only view (:mod:`nums.core.array.sliding`):
each block of windows is computed from its region of the array plus a halo from the next
blocks, and a later write to the array is seen through it, as in NumPy. ``broadcast_to``,
``broadcast_arrays`` and ``broadcast_shapes`` are those of ``nums.numpy``. ``as_strided``
takes strides in bytes of NumPy's memory layout, which blocks do not have: on a BlockArray
it runs NumPy's ``as_strided`` through the fallback (one worker, a ``GatherWarning``) and
returns a view of the array (writes through a writeable one reach it, as in NumPy).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from nums.core.array.blockarray import BlockArray, scalar_values
from nums.core.array.geometry import offset_of
from nums.core.array.sliding import sliding_window
from nums.numpy._convert import asarray
from nums.numpy._fallback import run_fallback
from nums.numpy._manipulation import broadcast_arrays, broadcast_shapes, broadcast_to


def sliding_window_view(x: Any, window_shape: Any, axis: Any = None, *, subok: bool = False,
                        writeable: bool = False) -> BlockArray:
    """nums implementation of ``numpy.lib.stride_tricks.sliding_window_view``: a read-only
    view computed block by block (each block reads its region plus a halo from the
    neighbouring blocks, never the whole array); later writes to ``x`` are seen through it.
    ``writeable=True`` (NumPy's writeable view of overlapping memory, where one write changes
    many windows) raises NotImplementedError. ``subok`` has no effect (BlockArrays have no
    subclasses). Unlike NumPy's view, which costs no memory, its blocks hold the windows
    once computed: ``prod(window_shape)`` times the memory of ``x`` (reduce the windows, as
    in ``sliding_window_view(x, w).mean(axis=-1)``, rather than keeping the view). A
    selection of whole windows, ``sliding_window_view(x, L)[::hop]`` (the frames of a
    short-time Fourier transform), computes only the windows it keeps; the view itself
    costs nothing until used."""
    if writeable:
        raise NotImplementedError(
            "nums.numpy.lib.stride_tricks.sliding_window_view(writeable=True): windows of a "
            "BlockArray are a read-only view; write into x itself (the view sees it)")
    x = asarray(x)
    window_shape = scalar_values(window_shape)  # (``x.min() + 2``: a number)
    window_shape = (tuple(window_shape) if np.iterable(window_shape) else (window_shape,))
    # NumPy's own checks (negative, too long, wrong number of axes), on x's stand-in
    np.lib.stride_tricks.sliding_window_view(x._geometry(), window_shape, axis)
    window_shape = tuple(operator.index(w) for w in window_shape)
    axes = (tuple(range(x.ndim)) if axis is None
            else normalize_axis_tuple(axis, x.ndim, allow_duplicate=True))
    return sliding_window(x, window_shape, axes)


def as_strided(x: Any, shape: Any = None, strides: Any = None, subok: bool = False,
               writeable: bool = True) -> Any:
    """nums implementation of ``numpy.lib.stride_tricks.as_strided``. Strides are byte
    steps through NumPy's memory, which blocks do not have: on a BlockArray, NumPy's
    ``as_strided`` runs through the fallback on one worker (a ``GatherWarning``), on a copy
    of the rows of ``x``'s base that the strides reach, from ``x``'s first element (a view
    ``a[:, 1:]``, ``a.T``, ``v[::2]`` steps through its base's memory, as NumPy's strides
    mean); the result is a view (read through, and written through when ``writeable``, as
    in NumPy). Any other ``x`` is NumPy's: the view of its memory."""
    if not isinstance(x, BlockArray):
        return np.lib.stride_tricks.as_strided(x, shape, strides, subok, writeable)
    g = x._geometry()
    root = x if x._link is None else x._link.root
    shape = g.shape if shape is None else tuple(shape)
    strides = g.strides if strides is None else tuple(strides)
    rows, start = _rows_reached(root, offset_of(g, root._geometry()), shape, strides)
    return run_fallback(_strided_at, (rows, start, shape, strides, subok, writeable), {},
                        "numpy.lib.stride_tricks.as_strided")


def _rows_reached(root: BlockArray, offset: int, shape: tuple, strides: tuple
                  ) -> tuple[BlockArray, int]:
    """The rows of C-ordered ``root`` holding every byte that ``shape`` and ``strides`` reach
    from byte ``offset``, and that offset within them (only those rows are gathered)."""
    if root.ndim == 0 or not root.size or 0 in shape or len(shape) != len(strides):
        return root, offset  # (NumPy's own errors, or nothing to read)
    lo = offset + sum(min(0, (n - 1) * k) for n, k in zip(shape, strides))
    hi = offset + sum(max(0, (n - 1) * k) for n, k in zip(shape, strides)) + root.itemsize
    row = root.nbytes // root.shape[0]
    first = min(max(lo // row, 0), root.shape[0] - 1)
    last = max(min(-(-hi // row), root.shape[0]), first + 1)
    if first == 0 and last == root.shape[0]:
        return root, offset
    return root[first:last], offset - first * row


def _strided_at(base: np.ndarray, offset: int, shape: Any, strides: Any, subok: bool,
                writeable: bool) -> np.ndarray:
    """NumPy's ``as_strided`` of C-contiguous ``base``'s memory from byte ``offset``."""
    start = base.reshape(-1)[offset // base.itemsize:] if base.size else base.reshape(-1)
    return np.lib.stride_tricks.as_strided(start, shape, strides, subok, writeable)


__all__ = ["as_strided", "sliding_window_view", "broadcast_to", "broadcast_arrays",
           "broadcast_shapes"]


def __dir__() -> list[str]:
    return list(__all__)
