"""Regions of BlockArrays: the values of ``x[slices]`` as one ref, and which blocks they read.

``region(x, slices, node)`` is the building block of every operation that realigns blocks:
when the slices are exactly one block, it is that block's ref and no task runs; otherwise one
task on ``node`` cuts or assembles the region from the blocks it overlaps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, submit
from nums.core.graph.grid import broadcast_slices as grid_broadcast_slices


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
    parts = grid.overlaps(slices)
    shape = tuple(s.stop - s.start for s in slices)
    placements = [(dst, src) for _, src, dst in parts]
    refs = [x.blocks[idx] for idx, _, _ in parts]
    if node is None:
        node = int(x.nodes[parts[0][0]])
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
    if all(s.start == b.start and s.stop == b.stop and s.step in (None, 1)
           for s, b in zip(slices, bslices)):
        return covered[0], None
    return covered[0], tuple(slice(s.start - b.start, s.stop - b.start, s.step)
                             for s, b in zip(slices, bslices))


def region_blocks(x: BlockArray, slices: Sequence[slice]) -> list[tuple[int, ...]]:
    """Grid indices of the blocks of ``x`` that ``x[slices]`` reads (what :func:`region` reads)."""
    return [idx for idx, _, _ in x.grid.overlaps(slices)]


def broadcast_slices(
    x: BlockArray, out_slices: Sequence[slice], out_shape: Sequence[int],
    pattern: Sequence[int | None] | None = None,
) -> list[slice]:
    """The slices of ``x`` (a BlockArray or numpy array) that broadcast onto ``out_slices`` of
    an ``out_shape`` array; see :func:`nums.core.graph.grid.broadcast_slices`."""
    return grid_broadcast_slices(x.shape, out_slices, out_shape, pattern)


def broadcast_region(
    x: BlockArray, out_slices: Sequence[slice], out_shape: Sequence[int], node: int
) -> Any:
    """Ref to the part of ``x`` that broadcasts onto ``out_slices`` of an ``out_shape`` array.

    Axes where ``x`` has length 1 against a longer output axis are taken whole (the kernel
    broadcasts them); missing leading axes are left to numpy's broadcasting.
    """
    return region(x, broadcast_slices(x, out_slices, out_shape), node)[0]
