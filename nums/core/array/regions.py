"""Regions of BlockArrays: the values of ``x[slices]`` as one ref, and which blocks they read.

``region(x, slices, node)`` is the building block of every operation that realigns blocks:
when the slices are exactly one block, it is that block's ref and no task runs; otherwise one
task on ``node`` cuts or assembles the region from the blocks it overlaps.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, submit


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
    the pattern ``(0, None)``; see :func:`nums.core.array.expressions.view_shape`).
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
