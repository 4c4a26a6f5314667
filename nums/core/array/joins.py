"""Arrays joined along an axis (``concatenate``, ``stack``, ``hstack``, ...) whose blocks are
made on first use.

The blocks of a join are made by one task per block that copies (or computes) its parts
into place (:func:`nums.core.array.kernels.join_parts`). ``get()`` of a join needs no
blocks of its own: on a backend whose stores the driver maps, each input's values are
written straight into its place in the returned array by the driver's threads, from the
inputs' blocks read in place (a pending expression among them is evaluated there), so
``np.stack([x, y], axis=1).get()`` writes its result once rather than into the store and
then out of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array import fperrors, fusion
from nums.core.array.blockarray import (
    BlockArray,
    Pending,
    backend,
    copy_blocks,
    local_value,
)
from nums.core.array.expressions import has_row_product
from runtime.errors import warnings_at_caller

MAX_DEPTH = 16


class Joined(Pending):
    """``arrays`` (snapshots) joined along ``axis``; ``build()`` makes the blocks."""

    kind = "joined"

    def __init__(self, arrays: Sequence[BlockArray], axis: int,
                 build: Callable[[], BlockArray]):
        self.arrays, self.axis, self.build = tuple(arrays), axis, build
        # joins of joins not computed yet (an array grown in a loop, ``traj =
        # np.vstack([traj, y])``): computing the last would recurse through all of them, so
        # every MAX_DEPTH-th join computes the blocks of the joins it reads first
        self.depth = 1 + max((a._pending.depth for a in arrays
                              if type(a._pending) is Joined), default=0)
        if self.depth > MAX_DEPTH:
            for a in arrays:
                if type(a._pending) is Joined:
                    a.blocks  # noqa: B018
            self.depth = 1

    def compute(self, x: BlockArray) -> np.ndarray:
        built = self.build()
        x.nodes = built.nodes
        return built.blocks

    def value_here(self, x: BlockArray) -> np.ndarray | None:
        if x.dtype.hasobject or not backend().blocks_in_driver_memory:
            return None
        out = np.empty(x.shape, x.dtype)
        lead = (slice(None),) * self.axis
        blocks = sum(a.grid.num_blocks for a in self.arrays)
        parts: list[Callable[[], Any]] = []
        at = 0
        for a in self.arrays:
            n = a.shape[self.axis]
            parts += _value_parts(a, out[lead + (slice(at, at + n),)], blocks)
            at += n
        with warnings_at_caller():
            fperrors.in_threads(parts)
        return out


def _value_parts(a: BlockArray, dst: np.ndarray, blocks: int) -> list[Callable[[], Any]]:
    """Calls writing the values of ``a`` into ``dst`` (see :func:`fusion.value_parts`)."""
    local = local_value(a)
    if local is not None:
        return [functools.partial(np.copyto, dst, local)]
    root = _reshaped_root(a)
    if root is not None:  # ``x[:, None]`` of ``stack([x, y], axis=1)``: x's values, in place
        flat = dst.view()
        try:
            flat.shape = root.shape  # (raises where a copy would be needed)
        except AttributeError:
            pass
        else:
            return _value_parts(root, flat, blocks)
    fused = a.pending("fused")
    if fused is not None and not has_row_product(fused.expr):
        return fusion.value_parts(a, dst, blocks)
    indices = list(a.grid.indices())
    values = progress.get([a.blocks[idx] for idx in indices], "get")
    return [functools.partial(copy_blocks, dst, a.grid, [pair])
            for pair in zip(indices, values)]


def _reshaped_root(a: BlockArray) -> BlockArray | None:
    """The root of view ``a`` when ``a`` holds all of the root's elements in their order (a
    reshape, ``expand_dims``), else None."""
    if a._link is None:
        return None
    root = a._link.root
    if a.size != root.size or a.dtype != root.dtype or not a._geometry().flags.c_contiguous:
        return None
    return root
