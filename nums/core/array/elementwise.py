"""Elementwise operations over broadcast operands with any block shapes.

The output takes its block layout from an operand of the output's shape (else the session
default); every other operand is realigned per output block with
:func:`nums.core.array.layout.broadcast_region`, which is free when blocks already match.
Each output block is one task on the output block's cyclic node.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, make_grid, node_of, submit
from nums.core.array.grid import ArrayGrid
from nums.core.array.layout import broadcast_region


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


def output_grid(
    operands: Sequence[Any], shape: tuple[int, ...], dtype: Any, block_shape: Any = None
) -> ArrayGrid:
    """Grid of an elementwise result: explicit, else borrowed from the operands."""
    if block_shape is not None:
        return make_grid(shape, dtype, block_shape)
    arrays = [x for x in operands if isinstance(x, BlockArray)]
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
) -> BlockArray:
    """``fn(*operand_blocks, **kwargs)`` per output block, broadcast and cast to ``dtype``.

    Non-BlockArray operands are passed to every task unchanged (scalars, small constants).
    """
    kwargs = kwargs or {}
    if shape is None:
        shape = broadcast_shapes(*[x.shape for x in operands if isinstance(x, BlockArray)])
    grid = output_grid(operands, shape, dtype, block_shape)

    def task(idx, node):
        pieces = operand_pieces(operands, grid, idx, node)
        return submit(
            kernels.blockwise,
            fn,
            grid.block_shape_at(idx),
            grid.dtype,
            kwargs,
            *pieces,
            node=node,
        )

    return BlockArray.build(grid, task)


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
    blocks = [np.empty(grid.grid_shape, dtype=object) for _ in range(nout)]
    nodes = np.zeros(grid.grid_shape, dtype=np.int64)
    for idx in grid.indices():
        nodes[idx] = node = node_of(idx)
        pieces = operand_pieces(call_ops, grid, idx, node)
        refs = submit(
            kernels.ufunc_call,
            ufunc,
            grid.block_shape_at(idx),
            dtypes,
            dict(kwargs),
            len(inputs),
            has_where,
            n_out_blocks,
            *pieces,
            node=node,
            num_returns=nout,
        )
        if nout == 1:
            refs = [refs]
        for k in range(nout):
            blocks[k][idx] = refs[k]
    return [
        BlockArray(ArrayGrid(shape, grid.block_shape, dt), b, nodes.copy())
        for dt, b in zip(dtypes, blocks)
    ]
