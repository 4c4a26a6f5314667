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
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import (
    BlockArray,
    Pending,
    block_limit,
    local_limit,
    local_value,
    make_grid,
    resident,
    submit,
)
from nums.core.array.capacity import check_fits
from nums.core.array.indexing import spec_key
from nums.core.array.regions import region
from nums.core.array.views import derived_view
from nums.core.graph.grid import ArrayGrid


def sliding_window(x: BlockArray, window_shape: tuple[int, ...], axis: tuple[int, ...]
                   ) -> BlockArray:
    """The read-only view of every window of ``window_shape`` over ``axis`` of ``x``
    (normalised: one axis per window length, repeats allowed, as numpy accepts them). A
    basic selection of whole windows from it (``[::hop]``, ``[10:50]``) computes only the
    windows selected (:func:`_part`)."""
    return derived_view(x, _values, _geometry, tuple(window_shape), tuple(axis), part=_part)


def _geometry(g: np.ndarray, window_shape: tuple, axis: tuple) -> np.ndarray:
    return np.lib.stride_tricks.sliding_window_view(g, window_shape, axis)


def _grid(x: BlockArray, shape: tuple[int, ...], window_shape: tuple,
          steps: tuple | None = None) -> ArrayGrid:
    """The parent's blocks along its axes (about a parent block's positions read per block,
    every ``steps``-th kept) and whole windows, unless such blocks would be much larger
    than the session's (large windows): then the default layout."""
    steps = steps or (1,) * x.ndim
    lead = tuple(max(1, min(-(-b // k), n)) for b, k, n in zip(x.block_shape, steps, shape))
    block_shape = lead + tuple(max(1, w) for w in window_shape)
    if math.prod(block_shape) * x.dtype.itemsize > 2 * block_limit():
        return make_grid(shape, x.dtype, check=False)
    return ArrayGrid(shape, block_shape, x.dtype)


class _Windows(Pending):
    """Every window, computed on first use (a selection of them, ``[::hop]``, is computed
    alone by :func:`_part` instead; the view itself, as NumPy's, costs nothing)."""

    kind = "windows"

    def __init__(self, build: Callable[[], BlockArray]):
        self.build = build

    def compute(self, x: BlockArray) -> np.ndarray:
        built = self.build()
        x.nodes = built.nodes
        return built.blocks


def _source(grid: ArrayGrid, idx: tuple, ndim: int, axis: tuple,
            lead: Sequence[tuple[int, int]]) -> tuple[list, tuple]:
    """The parent's region read by output block ``idx`` and the block's window lengths;
    ``lead``: the first position and the step along each parent axis (``(0, 1)`` for every
    window; ``[::hop]`` a step ``hop``)."""
    out = grid.block_slices(idx)
    lo = [first + step * o.start for (first, step), o in zip(lead, out[:ndim])]
    hi = [first + step * (o.stop - 1) + 1 for (first, step), o in zip(lead, out[:ndim])]
    for t, a in zip(out[ndim:], axis):
        lo[a] += t.start
        hi[a] += t.stop - 1
    return [slice(a, b) for a, b in zip(lo, hi)], tuple(t.stop - t.start for t in out[ndim:])


def _build(x: BlockArray, grid: ArrayGrid, axis: tuple, lead: Sequence[tuple[int, int]]
           ) -> BlockArray:
    """The windows of ``grid`` (positions by ``lead``, see :func:`_source`), one task per
    block next to its region of ``x``."""
    ndim = x.ndim
    steps = None if all(step == 1 for _, step in lead) else tuple(step for _, step in lead)

    def task(idx: tuple, node: int) -> Any:
        slices, windows = _source(grid, idx, ndim, axis, lead)
        ref, _ = region(x, slices, node)
        return submit(kernels.sliding_windows, ref, windows, axis, steps, node=node)

    return BlockArray.build(grid, task,
                            reads=lambda idx: [(x, _source(grid, idx, ndim, axis, lead)[0])],
                            name="sliding_window_view")


def _values(x: BlockArray, window_shape: tuple, axis: tuple) -> BlockArray:
    shape = _geometry(x._geometry(), window_shape, axis).shape
    if math.prod(shape) == 0:
        return BlockArray.full(shape, 0, x.dtype)
    grid = _grid(x, shape, window_shape)
    x = x.copy()  # (a snapshot: the windows are computed on first use)

    def build() -> BlockArray:
        check_fits(shape, x.dtype)
        return _build(x, grid, axis, [(0, 1)] * x.ndim)

    # (nodes decided when built: a grid of every window can be too large to place now)
    nodes = np.broadcast_to(np.zeros((), np.int64), grid.grid_shape)
    return BlockArray(grid, None, nodes, pending=_Windows(build), check=False)


def _part(x: BlockArray, spec: list, window_shape: tuple, axis: tuple) -> BlockArray | None:
    """The windows that basic ``spec`` selects from the windows of ``x``, computed alone:
    forward slices of the positions (the first ``x.ndim`` axes) and whole windows (a
    framing ``windows[::hop]`` reads ``x`` once, not ``prod(window_shape)`` times). None
    for other selections (the windows are computed, then selected)."""
    ndim = x.ndim
    if len(spec) != ndim + len(window_shape) or any(s is None or s[0] != "slice" for s in spec):
        return None
    lead = spec[:ndim]
    if any(s[2] < 1 for s in lead) or any(
            (s[1], s[2], s[3]) != (0, 1, w) for s, w in zip(spec[ndim:], window_shape)):
        return None
    shape = tuple(s[3] for s in lead) + tuple(window_shape)
    if math.prod(shape) == 0:
        return BlockArray.full(shape, 0, x.dtype)
    v = local_value(x)
    if v is not None and math.prod(shape) * x.dtype.itemsize <= local_limit():
        windows = np.lib.stride_tricks.sliding_window_view(v, window_shape, axis)
        return resident(windows[spec_key(spec)].copy())  # (NumPy's, in the driver)
    steps = tuple(s[2] for s in lead)
    grid = _grid(x, shape, window_shape, steps)
    check_fits(shape, x.dtype)
    return _build(x, grid, axis, [(s[1], s[2]) for s in lead])
