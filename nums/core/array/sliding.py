"""Sliding windows of a BlockArray: numpy's ``sliding_window_view`` as a read-only view.

The view (a :class:`~nums.core.array.views.DerivedOp`: numpy's own function gives its
geometry from the parent's stand-in, writes through it raise as numpy's) computes its blocks
from the parent's current ones, so a later write to the parent is seen. Output block ``idx``
covers, along each windowed axis ``a``, window positions ``s_a`` and, along the window's own
axes, offsets ``t_j``; it reads the parent's region ``s_a.start + sum t_j.start`` up to
``s_a.stop + sum (t_j.stop - 1)`` (its block plus a halo from the next blocks), and numpy's
``sliding_window_view`` of that region with windows ``len(t_j)`` is exactly the block. One
task per output block, placed by the optimizer; the array is never gathered.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, block_limit, make_grid, submit
from nums.core.array.regions import region
from nums.core.array.views import derived_view
from nums.core.graph.grid import ArrayGrid


def sliding_window(x: BlockArray, window_shape: tuple[int, ...], axis: tuple[int, ...]
                   ) -> BlockArray:
    """The read-only view of every window of ``window_shape`` over ``axis`` of ``x``
    (normalised: one axis per window length, repeats allowed, as numpy accepts them)."""
    return derived_view(x, _values, _geometry, tuple(window_shape), tuple(axis))


def _geometry(g: np.ndarray, window_shape: tuple, axis: tuple) -> np.ndarray:
    return np.lib.stride_tricks.sliding_window_view(g, window_shape, axis)


def _grid(x: BlockArray, shape: tuple[int, ...], window_shape: tuple) -> ArrayGrid:
    """The parent's blocks along its axes and whole windows, unless such blocks would be
    much larger than the session's (large windows): then the default layout."""
    lead = tuple(max(1, min(b, n)) for b, n in zip(x.block_shape, shape))
    block_shape = lead + tuple(max(1, w) for w in window_shape)
    if math.prod(block_shape) * x.dtype.itemsize > 2 * block_limit():
        return make_grid(shape, x.dtype)
    return ArrayGrid(shape, block_shape, x.dtype)


def _source(grid: ArrayGrid, idx: tuple, ndim: int, axis: tuple) -> tuple[list, tuple]:
    """The parent's region read by output block ``idx`` and the block's window lengths."""
    out = grid.block_slices(idx)
    lo = [s.start for s in out[:ndim]]
    hi = [s.stop for s in out[:ndim]]
    for t, a in zip(out[ndim:], axis):
        lo[a] += t.start
        hi[a] += t.stop - 1
    return [slice(a, b) for a, b in zip(lo, hi)], tuple(t.stop - t.start for t in out[ndim:])


def _values(x: BlockArray, window_shape: tuple, axis: tuple) -> BlockArray:
    shape = _geometry(x._geometry(), window_shape, axis).shape
    if math.prod(shape) == 0:
        return BlockArray.full(shape, 0, x.dtype)
    grid = _grid(x, shape, window_shape)
    ndim = x.ndim

    def task(idx: tuple, node: int) -> Any:
        slices, windows = _source(grid, idx, ndim, axis)
        ref, _ = region(x, slices, node)
        return submit(kernels.sliding_windows, ref, windows, axis, node=node)

    return BlockArray.build(grid, task, reads=lambda idx: [(x, _source(grid, idx, ndim,
                                                                       axis)[0])],
                            name="sliding_window_view")
