"""Reductions as trees of partial results, and cumulative operations along an axis.

Every block is reduced where it lives (keepdims), then the partials of each output block
are combined in groups of ``SPLIT_EVERY`` until one is left; the last step casts and
reshapes. No task ever sees more than ``SPLIT_EVERY`` partials, so nothing is gathered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, node_of, submit
from nums.core.array.grid import ArrayGrid
from nums.core.array.layout import broadcast_region

SPLIT_EVERY = 4


def _out_grid(x: BlockArray, axes: tuple[int, ...], keepdims: bool, dtype: Any) -> ArrayGrid:
    if keepdims:
        shape = tuple(1 if a in axes else n for a, n in enumerate(x.shape))
        bs = tuple(1 if a in axes else b for a, b in enumerate(x.block_shape))
    else:
        shape = tuple(n for a, n in enumerate(x.shape) if a not in axes)
        bs = tuple(b for a, b in enumerate(x.block_shape) if a not in axes)
    return ArrayGrid(shape, bs, dtype)


def combine_partials(
    x: BlockArray,
    axes: tuple[int, ...],
    keepdims: bool,
    partials: dict[tuple[int, ...], tuple[Any, int]],
    combine: Callable,
    finalize: Callable | None,
    finalize_kwargs: dict,
    dtype: Any,
) -> BlockArray:
    """Tree-combine per-block partials (keyed by input grid index) into the result."""
    grid = _out_grid(x, axes, keepdims, dtype)
    groups: dict[tuple[int, ...], list[tuple[Any, int]]] = {}
    for idx in x.grid.indices():
        key = tuple(i for a, i in enumerate(idx) if a not in axes)
        groups.setdefault(key, []).append(partials[idx])
    blocks = np.empty(grid.grid_shape, dtype=object)
    nodes = np.zeros(grid.grid_shape, dtype=np.int64)
    for key, parts in groups.items():
        out_idx = (
            tuple(
                0 if a in axes else key[sum(1 for b in range(a) if b not in axes)]
                for a in range(x.ndim)
            )
            if keepdims
            else key
        )
        while len(parts) > SPLIT_EVERY:
            nxt = []
            for i in range(0, len(parts), SPLIT_EVERY):
                chunk = parts[i : i + SPLIT_EVERY]
                if len(chunk) == 1:
                    nxt.append(chunk[0])
                    continue
                node = chunk[0][1]
                ref = submit(kernels.reduce_combine, combine, *[r for r, _ in chunk], node=node)
                nxt.append((ref, node))
            parts = nxt
        node = node_of(out_idx) if len(parts) > 1 else parts[0][1]
        blocks[out_idx] = submit(
            kernels.reduce_finalize,
            combine,
            finalize,
            grid.block_shape_at(out_idx),
            grid.dtype,
            finalize_kwargs,
            *[r for r, _ in parts],
            node=node,
        )
        nodes[out_idx] = node
    return BlockArray(grid, blocks, nodes)


def tree_reduce(
    x: BlockArray,
    axes: tuple[int, ...],
    keepdims: bool,
    partial: Callable,
    partial_kwargs: dict,
    combine: Callable,
    dtype: Any,
    finalize: Callable | None = None,
    finalize_kwargs: dict | None = None,
    extras: Sequence[BlockArray] = (),
) -> BlockArray:
    """Reduce ``x`` over ``axes``.

    ``partial(block, *extra_pieces, axis=axes, keepdims=True, **partial_kwargs)`` reduces one
    block (``extras`` are broadcast against ``x`` block by block); ``combine(p, q)`` merges
    two partials; ``finalize(p, **finalize_kwargs)`` turns the last partial into the result.
    """
    from nums.core.graph.fusion import for_consumer, operand_pieces

    x = for_consumer(x)
    partials = {}
    for idx in x.grid.indices():
        node = int(x.nodes[idx])
        slices = x.grid.block_slices(idx)
        pieces = [broadcast_region(e, slices, x.shape, node) for e in extras]
        spec, refs = operand_pieces(x, idx, node)
        if spec is None:
            ref = submit(
                kernels.reduce_partial, partial, axes, partial_kwargs, *refs, *pieces, node=node
            )
        else:  # a pending elementwise expression is evaluated inside the partial reduction
            ref = submit(
                kernels.reduce_partial_expr,
                partial,
                axes,
                partial_kwargs,
                spec,
                len(refs),
                *refs,
                *pieces,
                node=node,
            )
        partials[idx] = (ref, node)
    return combine_partials(
        x, axes, keepdims, partials, combine, finalize, finalize_kwargs or {}, dtype
    )


def arg_reduce(x: BlockArray, mode: str, axis: int | None, keepdims: bool) -> BlockArray:
    """argmax / argmin: partials carry (values, global indices)."""
    import functools

    axes = tuple(range(x.ndim)) if axis is None else (axis,)
    partials = {}
    for idx in x.grid.indices():
        node = int(x.nodes[idx])
        ref = submit(
            kernels.arg_partial,
            x.blocks[idx],
            mode,
            axis,
            x.grid.block_starts(idx),
            x.shape,
            node=node,
        )
        partials[idx] = (ref, node)
    combine = functools.partial(kernels.arg_combine, mode)
    return combine_partials(x, axes, keepdims, partials, combine, kernels.arg_finalize, {}, np.intp)


def cumulate(x: BlockArray, axis: int, ufunc: np.ufunc, dtype: Any) -> BlockArray:
    """``ufunc.accumulate`` along ``axis``: each block continues from the previous one."""
    grid = ArrayGrid(x.shape, x.block_shape, dtype)
    blocks = np.empty(grid.grid_shape, dtype=object)
    for idx in grid.indices():
        node = int(x.nodes[idx])
        prev = None
        if idx[axis] > 0:
            p = list(idx)
            p[axis] -= 1
            prev = blocks[tuple(p)]
        args = (ufunc, axis, grid.dtype, x.blocks[idx]) + ((prev,) if prev is not None else ())
        blocks[idx] = submit(kernels.cumulative, *args, node=node)
    return BlockArray(grid, blocks, x.nodes.copy())
