"""Elementwise operations over broadcast operands with any block shapes.

The output takes its block layout from an operand of the output's shape, else, axis by axis,
from the operands spanning an axis (cut so that a broadcast does not make blocks larger
than the session's ``block_bytes`` allows) or the session default; every other operand is
realigned per output block with :func:`nums.core.array.regions.broadcast_region`, which is
free when blocks already match.
Each output block is one task, placed by the session's optimizer
(:mod:`nums.core.array.planning`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.array import kernels, resident
from nums.core.array.blockarray import BlockArray, block_limit, make_grid, submit
from nums.core.array.planning import OpGraph
from nums.core.array.regions import broadcast_region
from nums.core.graph.grid import ArrayGrid


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """numpy's broadcast of ``shapes``; the ValueError names every shape."""
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        listed = " ".join(
            "(" + ",".join(str(n) for n in s) + ("," if len(s) == 1 else "") + ")" for s in shapes
        )
        raise ValueError(
            f"operands could not be broadcast together with shapes {listed} "
        ) from None


def broadcasts_to(shape: Sequence[int], target: tuple[int, ...]) -> bool:
    """Whether ``shape`` broadcasts to ``target`` (a value written into an array of it)."""
    try:
        return np.broadcast_shapes(tuple(shape), target) == target
    except ValueError:
        return False


# a block of a broadcast result may hold this many times ``block_bytes`` before its borrowed
# axes are cut: the reductions that usually consume such products (k-means distances) run
# them in chunks inside each block and gain from fewer, larger tasks (8x more tasks made a
# k-means iteration 10% slower here, and the labels' blocks no longer matched the data's),
# while a stored result of 4 GB blocks (``x[:, None] * y[None]`` of a 1e7-vector and
# 100 values) is cut to blocks of about half the bound
BROADCAST_BLOCKS = 8


def output_grid(
    operands: Sequence[Any], shape: tuple[int, ...], dtype: Any, block_shape: Any = None
) -> ArrayGrid:
    """Grid of an elementwise result: explicit, else borrowed from the distributed operands.

    When every distributed operand has the result's shape, the first lends its grid as it
    is (aligned blocks, whatever the result's dtype). Otherwise each axis takes the block
    size of a distributed operand spanning it (of the result's shape, the first whose blocks
    fit, see below, if any), and the other axes (broadcast from length 1, or spanned by
    driver-resident operands only, whose one block is no layout: ``x[:, None] - x[None, :]``
    of a small ``x`` is split as any large array, and so is ``0 + g`` of a driver-resident
    boolean ``g`` whose integer result is too large for the driver) the default block size.
    Borrowed sizes are then cut so that a block holds at most ``BROADCAST_BLOCKS`` times
    the session's ``block_bytes`` (or the largest operand block, if more), see
    :func:`_fitted`: a broadcast ``x[:, None] * y[None]`` would otherwise get blocks
    ``len(y)`` times ``x``'s, and ``where(x[:, None] > y, x[:, None], y)`` the boolean
    mask's blocks of float64.
    """
    if block_shape is not None:
        return make_grid(shape, dtype, block_shape)
    arrays = [x for x in operands if isinstance(x, BlockArray)
              and resident.local_value(x) is None]
    same = [x for x in arrays if x.shape == shape]
    if same and len(same) == len(arrays):
        return ArrayGrid(shape, same[0].block_shape, dtype)
    itemsize = max(1, np.dtype(dtype).itemsize)
    limit = max([BROADCAST_BLOCKS * block_limit()] + [
        math.prod(x.block_shape) * x.dtype.itemsize for x in arrays]) // itemsize
    if same:
        lender = next((x for x in same if math.prod(x.block_shape) <= limit), same[0])
        bs = list(lender.block_shape)
        borrowed = list(range(len(shape)))
    else:
        bs = list(make_grid(shape, dtype).block_shape)
        borrowed = []
        ndim = len(shape)
        for axis in range(ndim):
            for x in arrays:
                a = axis - (ndim - x.ndim)
                if a >= 0 and x.shape[a] == shape[axis] and shape[axis] > 1:
                    bs[axis] = x.block_shape[a]
                    borrowed.append(axis)
                    break
    return ArrayGrid(shape, tuple(_fitted(bs, borrowed, limit)), dtype)


def _fitted(bs: list[int], borrowed: list[int], limit: int) -> list[int]:
    """``bs`` with its ``borrowed`` axes shrunk until a block has at most ``limit`` elements
    (unchanged when it has). The axis of the longest extent shrinks first, to the divisor of
    its borrowed size nearest to a block of half the limit, so each result block reads a
    part of one operand block along it (a region inside a block costs no task); when no
    divisor lies within a factor of two of that, to that extent itself."""
    bs = list(bs)
    while math.prod(bs) > limit:
        axes = [a for a in borrowed if bs[a] > 1]
        if not axes:
            break
        axis = max(axes, key=lambda a: (bs[a], -a))
        rest = math.prod(bs) // bs[axis]
        cap, want = max(1, limit // rest), max(1, limit // 2 // rest)
        near = min((d for d in _divisors(bs[axis]) if d <= cap),
                   key=lambda d: max(d / want, want / d))
        bs[axis] = near if 2 * near >= want else min(want, cap)
    return bs


def _divisors(n: int) -> list[int]:
    """The divisors of ``n`` (a positive int)."""
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    return small + [n // d for d in small if d * d != n]


def operand_pieces(
    operands: Sequence[Any], grid: ArrayGrid, idx: tuple[int, ...], node: int
) -> list[Any]:
    """Per operand, the ref (or constant) that broadcasts onto output block ``idx``."""
    slices = grid.block_slices(idx)
    return [
        broadcast_region(x, slices, grid.shape, node) if isinstance(x, BlockArray) else x
        for x in operands
    ]


def map_broadcast(
    fn: Callable,
    operands: Sequence[Any],
    dtype: Any,
    shape: tuple[int, ...] | None = None,
    kwargs: dict | None = None,
    block_shape: Any = None,
    block_kwargs: Callable[[ArrayGrid, tuple[int, ...]], dict] | None = None,
) -> BlockArray:
    """``fn(*operand_blocks, **kwargs)`` per output block, broadcast and cast to ``dtype``.

    Non-BlockArray operands are passed to every task unchanged (scalars, small constants).
    ``block_kwargs(grid, idx)``, when given, adds keyword arguments of block ``idx`` (a
    random stream, the block's shape).
    """
    kwargs = kwargs or {}
    if shape is None:
        shape = broadcast_shapes(*[x.shape for x in operands if isinstance(x, BlockArray)])
    if block_shape is None:
        local = resident.blockwise(fn, operands, dtype, shape, kwargs, block_kwargs)
        if local is not None:
            return local
    grid = output_grid(operands, shape, dtype, block_shape)
    operands = snapshot(operands)
    g = OpGraph(getattr(fn, "__name__", "map"))
    for idx in grid.indices():
        with g.tree(idx):
            own = kwargs if block_kwargs is None else {**kwargs, **block_kwargs(grid, idx)}
            emit = functools.partial(_blockwise_task, fn, operands, grid, idx, own)
            g.output(idx, g.task(emit, _reads(g, operands, grid, idx), grid.block_shape_at(idx),
                                 grid.dtype, kind="map"))
    return g.finish(grid)


def snapshot(operands: Sequence[Any]) -> list[Any]:
    """Operands as they are now: later in-place updates of an input do not reach a result
    whose tasks are submitted later (see :mod:`nums.core.array.planning`)."""
    return [x.copy() if isinstance(x, BlockArray) else x for x in operands]


def _reads(g: OpGraph, operands: Sequence[Any], grid: ArrayGrid, idx: tuple[int, ...]) -> list:
    slices = grid.block_slices(idx)
    return list(dict.fromkeys(c for x in operands for c in g.reads(x, slices, grid.shape)))


def _blockwise_task(
    fn: Callable, operands: list, grid: ArrayGrid, idx: tuple, kwargs: dict, node: int,
    refs: list,
) -> Any:
    pieces = operand_pieces(operands, grid, idx, node)
    return submit(
        kernels.blockwise, fn, grid.block_shape_at(idx), grid.dtype, kwargs, *pieces, node=node
    )


def ufunc_apply(
    ufunc: np.ufunc,
    inputs: Sequence[Any],
    dtypes: tuple[np.dtype, ...],
    shape: tuple[int, ...],
    kwargs: dict,
    where: Any = True,
    outs: Sequence[BlockArray | None] = (),
) -> list[BlockArray]:
    """Run ``ufunc`` block-wise; returns one BlockArray per output of the ufunc."""
    has_where = where is not True
    outs = list(outs)
    ref_array = next((o for o in outs if o is not None and o.shape == shape), None)
    operands = list(inputs) + ([where] if has_where else []) + [o for o in outs if o is not None]
    if ref_array is not None:
        grid = ArrayGrid(shape, ref_array.block_shape, dtypes[0])
    else:
        grid = output_grid(operands, shape, dtypes[0])
    n_out_blocks = len([o for o in outs if o is not None]) if has_where else 0
    call_ops = list(inputs) + ([where] if has_where else [])
    if has_where:
        call_ops += [o for o in outs if o is not None]
    nout = len(dtypes)
    call_ops = snapshot(call_ops)
    g = OpGraph(ufunc.__name__)
    for idx in grid.indices():
        with g.tree(idx):
            shape_i = grid.block_shape_at(idx)
            size = sum(g.graph.block_bytes(shape_i, dt) for dt in dtypes)
            emit = functools.partial(
                _ufunc_task, ufunc, call_ops, grid, idx, dtypes, dict(kwargs), len(inputs),
                has_where, n_out_blocks,
            )
            g.output(idx, g.task(emit, _reads(g, call_ops, grid, idx), shape_i, dtypes[0],
                                 kind="map", nbytes=size))
    return [
        g.finish(ArrayGrid(shape, grid.block_shape, dt), part=k if nout > 1 else None)
        for k, dt in enumerate(dtypes)
    ]


def _ufunc_task(
    ufunc: np.ufunc, call_ops: list, grid: ArrayGrid, idx: tuple, dtypes: tuple, kwargs: dict,
    nin: int, has_where: bool, n_out_blocks: int, node: int, refs: list,
) -> Any:
    pieces = operand_pieces(call_ops, grid, idx, node)
    return submit(
        kernels.ufunc_call, ufunc, grid.block_shape_at(idx), dtypes, kwargs, nin, has_where,
        n_out_blocks, *pieces, node=node, num_returns=len(dtypes),
    )
