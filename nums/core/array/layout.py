"""Moving values between block layouts: regions, rechunking, reshaping, transposing.

``region(x, slices, node)`` is the building block: a ref to the values of ``x[slices]``.
When the slices are exactly one block, it is that block's ref and no task runs; otherwise
one task on ``node`` cuts or assembles the region from the blocks it overlaps.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, make_grid, submit
from nums.core.array.grid import ArrayGrid


def region(x: BlockArray, slices: Sequence[slice], node: int | None = None) -> tuple[Any, int]:
    """A ref to ``x[slices]`` (step-1 slices with explicit bounds) and the node that has it."""
    grid = x.grid
    inside = block_view(x, slices)
    if inside is not None:
        idx, local = inside
        bnode = int(x.nodes[idx])
        if local is None:
            return x.blocks[idx], bnode
        node = bnode if node is None else node
        return submit(kernels.take_slices, x.blocks[idx], local, node=node), node
    covered = region_blocks(x, slices)
    shape = tuple(s.stop - s.start for s in slices)
    placements = []
    refs = []
    for idx in covered:
        bslices = grid.block_slices(idx)
        lo = [max(s.start, b.start) for s, b in zip(slices, bslices)]
        hi = [min(s.stop, b.stop) for s, b in zip(slices, bslices)]
        if any(h < l for l, h in zip(lo, hi)):
            continue
        dst = tuple(slice(l - s.start, h - s.start) for l, h, s in zip(lo, hi, slices))
        src = tuple(slice(l - b.start, h - b.start) for l, h, b in zip(lo, hi, bslices))
        placements.append((dst, src))
        refs.append(x.blocks[idx])
    if node is None:
        node = int(x.nodes[covered[0]])
    return submit(kernels.assemble, shape, x.dtype, placements, *refs, node=node), node


def block_view(
    x: BlockArray, slices: Sequence[slice]
) -> tuple[tuple[int, ...], tuple[slice, ...] | None] | None:
    """``(block index, local slices)`` when ``x[slices]`` lies inside one block (local slices
    None: the whole block), else None."""
    covered = region_blocks(x, slices)
    if len(covered) != 1:
        return None
    bslices = x.grid.block_slices(covered[0])
    if all(s.start == b.start and s.stop == b.stop for s, b in zip(slices, bslices)):
        return covered[0], None
    return covered[0], tuple(slice(s.start - b.start, s.stop - b.start)
                             for s, b in zip(slices, bslices))


def region_blocks(x: BlockArray, slices: Sequence[slice]) -> list[tuple[int, ...]]:
    """Grid indices of the blocks of ``x`` that ``x[slices]`` reads (what :func:`region` reads)."""
    ranges = [x.grid.blocks_overlapping(axis, s.start, s.stop) for axis, s in enumerate(slices)]
    return list(itertools.product(*ranges))


def broadcast_slices(
    x: BlockArray, out_slices: Sequence[slice], out_shape: Sequence[int],
    pattern: Sequence[int | None] | None = None,
) -> list[slice]:
    """The slices of ``x`` that broadcast onto ``out_slices`` of an ``out_shape`` array.

    ``pattern``, when given, is how ``x`` enters the broadcast: axis ``p`` of its view is axis
    ``pattern[p]`` of ``x``, or a new axis of length 1 where that is None (``x[:, None]`` has
    the pattern ``(0, None)``; see :func:`nums.core.array.chunked.view_shape`).
    """
    if pattern is None:
        pattern = range(x.ndim)
    offset = len(out_shape) - len(pattern)
    slices = [slice(0, n) for n in x.shape]
    for p, axis in enumerate(pattern):
        if axis is None:
            continue
        s = out_slices[p + offset]
        if x.shape[axis] == 1 and out_shape[p + offset] != 1:
            slices[axis] = slice(0, 1)
        else:
            slices[axis] = slice(s.start, s.stop)
    return slices


def broadcast_region(
    x: BlockArray, out_slices: Sequence[slice], out_shape: Sequence[int], node: int
) -> Any:
    """Ref to the part of ``x`` that broadcasts onto ``out_slices`` of an ``out_shape`` array.

    Axes where ``x`` has length 1 against a longer output axis are taken whole (the kernel
    broadcasts them); missing leading axes are left to numpy's broadcasting.
    """
    return region(x, broadcast_slices(x, out_slices, out_shape), node)[0]


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
    return BlockArray(grid, None, nodes, pending=("transpose", x.copy(), axes))


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


def _edge_indices(n: int, summarise: bool, edge: int = 3) -> list[int]:
    if not summarise or n <= 2 * edge:
        return list(range(n))
    return list(range(edge)) + [n // 2] + list(range(n - edge, n))


def printable(x: BlockArray) -> tuple[np.ndarray, bool]:
    """Values to print: the whole array, or only its edges when numpy would summarise."""
    threshold = np.get_printoptions()["threshold"]
    summarise = x.size > threshold
    if not summarise:
        return x.get(), False
    wanted = [_edge_indices(n, True) for n in x.shape]
    out = np.empty(tuple(len(w) for w in wanted), dtype=x.dtype)
    refs, targets = [], []
    for idx in x.grid.indices():
        slices = x.grid.block_slices(idx)
        local, pos = [], []
        for w, s in zip(wanted, slices):
            sel = [(j, i - s.start) for j, i in enumerate(w) if s.start <= i < s.stop]
            local.append([loc for _, loc in sel])
            pos.append([j for j, _ in sel])
        if all(local):
            refs.append(submit(kernels.take_ix, x.blocks[idx], local, node=int(x.nodes[idx])))
            targets.append(pos)
    from nums.core.array.blockarray import backend

    for pos, value in zip(targets, backend().get(refs)):
        out[np.ix_(*pos)] = value
    return out, True
