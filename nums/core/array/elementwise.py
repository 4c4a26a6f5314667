"""Elementwise operations over broadcast operands with any block shapes.

The output takes its block layout from an operand of the output's shape (else the session
default); every other operand is realigned per output block with
:func:`nums.core.array.regions.broadcast_region`, which is free when blocks already match.
Each output block is one task, placed by the session's optimizer
(:mod:`nums.core.array.planning`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.array import kernels, resident
from nums.core.array.blockarray import BlockArray, make_grid, submit
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


def output_grid(
    operands: Sequence[Any], shape: tuple[int, ...], dtype: Any, block_shape: Any = None
) -> ArrayGrid:
    """Grid of an elementwise result: explicit, else borrowed from the distributed operands.
    Along the axes that only driver-resident operands span, the default block size (their
    one block is no layout: ``x[:, None] - x[None, :]`` of a small ``x`` is split as any
    large array, and so is ``0 + g`` of a driver-resident boolean ``g`` whose integer
    result is too large for the driver)."""
    if block_shape is not None:
        return make_grid(shape, dtype, block_shape)
    arrays = [x for x in operands if isinstance(x, BlockArray)
              and resident.local_value(x) is None]
    for x in arrays:
        if x.shape == shape:
            return ArrayGrid(shape, x.block_shape, dtype)
    default = make_grid(shape, dtype).block_shape
    bs = list(default)
    ndim = len(shape)
    for axis in range(ndim):
        for x in arrays:
            a = axis - (ndim - x.ndim)
            if a >= 0 and x.shape[a] == shape[axis] and shape[axis] > 1:
                bs[axis] = x.block_shape[a]
                break
    return ArrayGrid(shape, tuple(bs), dtype)


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
