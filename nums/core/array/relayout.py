"""Moving values between block layouts: rechunking, transposing, reshaping."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from nums.core.array import fusion, kernels, resident
from nums.core.array.blockarray import (
    BlockArray,
    Pending,
    block_limit,
    local_value,
    make_grid,
    submit,
)
from nums.core.array.regions import region
from nums.core.graph.grid import ArrayGrid


def rechunk(x: BlockArray, block_shape: Any) -> BlockArray:
    grid = make_grid(x.shape, x.dtype, block_shape)
    if grid.block_shape == x.block_shape:
        return x
    value = local_value(x)
    if value is not None:  # in the driver: its blocks are put from here, no task cuts them
        return BlockArray.from_numpy(value, grid.block_shape)
    return BlockArray.build(grid, lambda idx, node: region(x, grid.block_slices(idx), node)[0],
                            reads=lambda idx: [(x, grid.block_slices(idx))], name="rechunk")


def whole_axis(x: BlockArray, axis: int, dtype: Any = None) -> BlockArray:
    """``x`` laid out so that ``axis`` lies whole inside every block (for work along an
    axis: per-line functions, folds; see :func:`whole_axis_blocks`)."""
    return rechunk(x, whole_axis_blocks(x, axis, dtype))


def whole_axis_blocks(x: BlockArray, axis: int, dtype: Any = None,
                      length: int | None = None) -> tuple[int, ...]:
    """The block shape of ``x`` with ``axis`` whole: the other axes keep their blocks, split
    further (largest first) while a block of the result would hold more than twice the
    session's block size of ``dtype`` (the result's; default ``x``'s), with ``length``
    along ``axis`` (the result's; default ``x``'s: ``rfft`` halves it)."""
    bs = list(x.block_shape)
    bs[axis] = max(1, x.shape[axis])
    itemsize = np.dtype(x.dtype if dtype is None else dtype).itemsize
    target = max(1, block_limit() // max(1, itemsize))  # (elements in a block of the session's)
    size = list(bs)
    if length is not None:
        size[axis] = max(1, length)
    while math.prod(size) > 2 * target:
        others = [a for a in range(x.ndim) if a != axis and bs[a] > 1]
        if not others:
            break
        a = max(others, key=lambda k: bs[k])
        bs[a] = size[a] = -(-bs[a] // 2)
    return tuple(bs)


def align_axis(x: BlockArray, axis: int, block: int) -> BlockArray:
    """``x`` rechunked so its blocks along ``axis`` have length ``block``."""
    if x.block_shape[axis] == block or x.shape[axis] <= min(block, x.block_shape[axis]):
        return x
    bs = list(x.block_shape)
    bs[axis] = block
    return rechunk(x, tuple(bs))


def transpose(x: BlockArray, axes: Sequence[int]) -> BlockArray:
    """``x`` with permuted axes; blocks are transposed lazily, on first use of ``.blocks``.

    Products read a pending transpose's source blocks directly, so ``X.T @ Y`` never
    materialises ``X.T``.
    """
    axes = tuple(axes)
    if axes == tuple(range(x.ndim)):
        return x.copy()
    local = resident.relayout(x, np.transpose, axes)
    if local is not None:
        return local
    pending = x.pending_transpose
    if pending is not None:  # compose with the pending permutation
        source, inner = pending
        axes = tuple(inner[a] for a in axes)
        x = source
        if axes == tuple(range(x.ndim)):
            return x.copy()
    grid = ArrayGrid(
        tuple(x.shape[a] for a in axes), tuple(x.block_shape[a] for a in axes), x.dtype
    )
    nodes = np.ascontiguousarray(np.transpose(x.nodes, axes))
    # the source is a snapshot: rebinding ``x`` later must not change this array
    return BlockArray(grid, None, nodes, pending=PendingTranspose(x.copy(), axes))


def reshape(x: BlockArray, shape: tuple[int, ...], block_shape: Any = None) -> BlockArray:
    """``x`` with a new shape (same size), moving values between blocks only when needed."""
    if shape == x.shape and block_shape is None:
        return x.copy()
    if block_shape is None:
        local = resident.relayout(x, np.reshape, shape)
        if local is not None:
            return local
    if x.size == 0:
        return BlockArray.full(shape, 0, x.dtype, block_shape)
    squeezed_in = [(n, b) for n, b in zip(x.shape, x.block_shape) if n != 1]
    squeezed_out = [n for n in shape if n != 1]
    if block_shape is None and [n for n, _ in squeezed_in] == squeezed_out:
        # only axes of length 1 are added or removed: reshape each block
        it = iter(b for _, b in squeezed_in)
        new_bs = tuple(1 if n == 1 else next(it) for n in shape)
        grid = ArrayGrid(shape, new_bs, x.dtype)
        src_blocks = x.blocks.reshape(grid.grid_shape)
        src_index = np.arange(x.grid.num_blocks).reshape(grid.grid_shape)

        def source(idx):
            flat = int(src_index[idx])
            return [(x, x.grid.block_slices(np.unravel_index(flat, x.grid_shape)))]

        return BlockArray.build(
            grid,
            lambda idx, node: submit(kernels.reshape, src_blocks[idx], grid.block_shape_at(idx),
                                     node=node),
            reads=source, name="reshape")
    if block_shape is None:
        pending = fusion.reshaped(x, tuple(shape))  # read where used: no copy of its own
        if pending is not None:
            return pending
    # general case: go through row blocks (each a contiguous flat range)
    src = _row_blocks(x)
    target = make_grid(shape, x.dtype, block_shape)
    rows = _row_grid(target)
    src_starts = [
        src.grid.axis_start(0, i) * _row_size(src.shape) for i in range(src.grid_shape[0])
    ]
    src_starts.append(src.size)
    row_size = _row_size(shape)

    def pieces(idx):
        """(start, stop, offset) in flat order of the source row blocks output ``idx`` reads."""
        lo = rows.axis_start(0, idx[0]) * row_size
        hi = rows.axis_stop(0, idx[0]) * row_size
        out = []
        for i in range(len(src_starts) - 1):
            a, b = max(lo, src_starts[i]), min(hi, src_starts[i + 1])
            if a < b:
                out.append((i, (a - src_starts[i], b - src_starts[i], a - lo)))
        return out

    def task(idx, node):
        parts = pieces(idx)
        refs = [src.blocks[(i,) + (0,) * (src.ndim - 1)] for i, _ in parts]
        return submit(kernels.flat_gather, rows.block_shape_at(idx), x.dtype,
                      [p for _, p in parts], *refs, node=node)

    def reads(idx):
        return [(src, src.grid.block_slices((i,) + (0,) * (src.ndim - 1)))
                for i, _ in pieces(idx)]

    out = BlockArray.build(rows, task, reads=reads, name="reshape")
    return rechunk(out, target.block_shape)


def _row_size(shape: Sequence[int]) -> int:
    return math.prod(shape[1:]) if len(shape) > 1 else 1


def _row_grid(grid: ArrayGrid) -> ArrayGrid:
    if grid.ndim == 0:
        return grid
    return ArrayGrid(grid.shape, (grid.block_shape[0],) + grid.shape[1:], grid.dtype)


def _row_blocks(x: BlockArray) -> BlockArray:
    if x.grid_shape[1:] == (1,) * (x.ndim - 1):
        return x
    return rechunk(x, (x.block_shape[0],) + x.shape[1:])


class PendingTranspose(Pending):
    """A transpose of ``source`` not computed yet: products read ``source``'s blocks."""

    kind = "transpose"

    def __init__(self, source: BlockArray, axes: tuple[int, ...]):
        self.source, self.axes = source, axes

    def compute(self, x: BlockArray) -> np.ndarray:
        source, axes = self.source, self.axes
        blocks = np.transpose(source.blocks, axes)
        inverse = tuple(int(a) for a in np.argsort(axes))

        def reads(idx):
            return [(source, source.grid.block_slices(tuple(idx[a] for a in inverse)))]

        out = BlockArray.build(
            x.grid, lambda idx, node: submit(kernels.transpose, blocks[idx], axes, node=node),
            reads=reads, name="transpose")
        x.nodes = out.nodes
        return out.blocks
