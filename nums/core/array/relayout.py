"""Moving values between block layouts: rechunking, transposing, reshaping."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, Pending, make_grid, submit
from nums.core.array.regions import region
from nums.core.graph.grid import ArrayGrid


def rechunk(x: BlockArray, block_shape: Any) -> BlockArray:
    grid = make_grid(x.shape, x.dtype, block_shape)
    if grid.block_shape == x.block_shape:
        return x
    return BlockArray.build(grid, lambda idx, node: region(x, grid.block_slices(idx), node)[0])


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
        src_nodes = x.nodes.reshape(grid.grid_shape)
        out = np.empty(grid.grid_shape, dtype=object)
        for idx in grid.indices():
            out[idx] = submit(
                kernels.reshape,
                src_blocks[idx],
                grid.block_shape_at(idx),
                node=int(src_nodes[idx]),
            )
        return BlockArray(grid, out, src_nodes.copy())
    # general case: go through row blocks (each a contiguous flat range)
    src = _row_blocks(x)
    target = make_grid(shape, x.dtype, block_shape)
    rows = _row_grid(target)
    src_starts = [
        src.grid.axis_start(0, i) * _row_size(src.shape) for i in range(src.grid_shape[0])
    ]
    src_starts.append(src.size)
    row_size = _row_size(shape)

    def task(idx, node):
        lo = rows.axis_start(0, idx[0]) * row_size
        hi = rows.axis_stop(0, idx[0]) * row_size
        pieces, refs = [], []
        for i in range(len(src_starts) - 1):
            a, b = max(lo, src_starts[i]), min(hi, src_starts[i + 1])
            if a < b:
                pieces.append((a - src_starts[i], b - src_starts[i], a - lo))
                refs.append(src.blocks[(i,) + (0,) * (src.ndim - 1)])
        return submit(
            kernels.flat_gather, rows.block_shape_at(idx), x.dtype, pieces, *refs, node=node
        )

    out = BlockArray.build(rows, task)
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
        blocks = np.transpose(self.source.blocks, self.axes)
        out = np.empty(x.grid.grid_shape, dtype=object)
        for idx in x.grid.indices():
            out[idx] = submit(kernels.transpose, blocks[idx], self.axes, node=int(x.nodes[idx]))
        return out
