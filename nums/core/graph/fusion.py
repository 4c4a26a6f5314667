"""Elementwise fusion: chains of ufuncs run as one task per block, or inside their consumer.

A single-output ufunc call without ``where=`` does not submit tasks at once: its result is a
BlockArray with a *pending expression*, a small tree over "leaf" arrays whose blocks exist
(leaves may broadcast against the result). A later elementwise op on that result extends the
tree. Consumers that understand expressions evaluate them inside their own kernels (a 2-d
matmul does, see :func:`operand_pieces`), so ``X.T @ (X * w[:, None])`` never stores
``X * w``. Any other access to ``.blocks`` (a reduction, ``get``, ``persist``, indexing)
submits one :func:`kernels.fused_eval` task per block, placed by the session's optimizer
(:func:`fused_graph`).

Expression nodes: ``("leaf", i)``, ``("const", value)`` and
``("ufunc", ufunc, dtype, kwargs, children)``. Trees are capped at ``MAX_OPS`` ufuncs; a
larger operand is materialised first. A pending array used by up to ``INLINE_USES``
expressions is recomputed in each (cheap for elementwise math, and it saves a store write
per use); a further use materialises it.
Leaves are snapshots, so rebinding an input later (``x += 1``) does not change the result.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import _MATERIALIZERS, BlockArray, node_of, submit
from nums.core.array.grid import ArrayGrid
from nums.core.array.layout import broadcast_region
from nums.core.graph.placement import OpGraph

MAX_OPS = 24
INLINE_USES = 3


def _count_ops(expr: tuple) -> int:
    if expr[0] != "ufunc":
        return 0
    return 1 + sum(_count_ops(c) for c in expr[4])


def _reindex(expr: tuple, mapping: list[int]) -> tuple:
    if expr[0] == "leaf":
        return ("leaf", mapping[expr[1]])
    if expr[0] == "const":
        return expr
    return ("ufunc", expr[1], expr[2], expr[3], tuple(_reindex(c, mapping) for c in expr[4]))


def fused_expression(x: BlockArray) -> tuple[tuple, tuple[BlockArray, ...]] | None:
    """``(expr, leaves)`` when ``x`` is a pending fused expression, else None."""
    if x._blocks is None and x._pending[0] == "fused":
        return x._pending[1][0], x._pending[2]
    return None


def _take_expression(x: BlockArray) -> tuple[tuple, tuple[BlockArray, ...]] | None:
    """The pending expression of ``x`` for one more consumer, or None to use its blocks.

    The first ``INLINE_USES`` consumers inline the expression (recomputing elementwise math
    costs less than storing and reading a block: ``mu`` of a Newton step is used three
    times); the next one materialises ``x`` (its blocks are then kept), so no expression is
    evaluated more than ``INLINE_USES + 1`` times.
    """
    fused = fused_expression(x)
    if fused is None:
        return None
    if x._uses >= INLINE_USES:
        return None
    x._uses += 1
    return fused


def fuse_ufunc(
    ufunc: np.ufunc,
    inputs: Sequence[Any],
    dtype: np.dtype,
    kwargs: dict,
    grid: ArrayGrid,
) -> BlockArray:
    """A BlockArray of ``grid``'s layout holding ``ufunc(*inputs)`` as a pending expression."""
    leaves: list[BlockArray] = []
    children = []
    for x in inputs:
        if not isinstance(x, BlockArray):
            children.append(("const", x))
            continue
        fused = _take_expression(x)
        if fused is not None and _count_ops(fused[0]) < MAX_OPS:
            expr, sub_leaves = fused
            mapping = [_leaf_index(leaves, leaf) for leaf in sub_leaves]
            children.append(_reindex(expr, mapping))
        else:
            children.append(("leaf", _leaf_index(leaves, x)))
    expr = ("ufunc", ufunc, np.dtype(dtype), dict(kwargs), tuple(children))
    out_grid = ArrayGrid(grid.shape, grid.block_shape, dtype)
    nodes = np.zeros(out_grid.grid_shape, dtype=np.int64)
    for idx in out_grid.indices():
        nodes[idx] = node_of(idx)
    return BlockArray(out_grid, None, nodes, pending=("fused", (expr,), tuple(leaves)))


def _leaf_index(leaves: list[BlockArray], x: BlockArray) -> int:
    """Index of ``x`` among the leaves, adding a snapshot of it if new."""
    blocks = x.blocks
    for i, leaf in enumerate(leaves):
        if leaf.blocks is blocks:
            return i
    leaves.append(BlockArray(x.grid, blocks, x.nodes))
    return len(leaves) - 1


def for_consumer(x: BlockArray) -> BlockArray:
    """``x`` prepared for one consumer operation that reads it with :func:`operand_pieces`.

    Counts as a use of a pending expression (see :func:`_take_expression`): the first
    consumer evaluates it inside its own kernels; later ones get materialised blocks.
    """
    if _take_expression(x) is None and fused_expression(x) is not None:
        x.blocks  # noqa: B018  (materialise and keep the blocks)
    return x


def operand_pieces(x: BlockArray, idx: tuple[int, ...], node: int) -> tuple[Any, list[Any]]:
    """What a consumer kernel needs for block ``idx`` of ``x``.

    ``(None, [block_ref])`` for an array with blocks; ``(expr, leaf_piece_refs)`` for a
    pending expression, to be evaluated with :func:`kernels.fused_eval` inside the consumer.
    """
    fused = fused_expression(x)
    if fused is None:
        return None, [x.blocks[idx]]
    expr, leaves = fused
    slices = x.grid.block_slices(idx)
    return (expr, x.grid.block_shape_at(idx)), [
        broadcast_region(leaf, slices, x.shape, node) for leaf in leaves
    ]


def fused_graph(x: BlockArray, grid: ArrayGrid | None = None) -> OpGraph:
    """The plan of evaluating pending expression ``x``: one task per block, on the node the
    session's optimizer picks (usually where the leaves' blocks are).

    ``grid``, when given, is ``x``'s grid with axes of length 1 inserted (``x[:, None]``):
    each task then also reshapes its block, so the expansion costs no task of its own.
    """
    g = OpGraph("fused")
    snap = x.copy()
    out = grid or x.grid
    for idx, out_idx in zip(x.grid.indices(), out.indices()):
        with g.tree(out_idx):
            children = g.reads(snap, x.grid.block_slices(idx), x.shape)
            shape = out.block_shape_at(out_idx)
            emit = functools.partial(_fused_task, snap, idx, shape if grid is not None else None)
            g.output(out_idx, g.task(emit, children, shape, x.dtype, kind="map", name="fused"))
    return g


def _fused_task(
    x: BlockArray, idx: tuple[int, ...], shape: tuple[int, ...] | None, node: int, refs: list
) -> Any:
    spec, pieces = operand_pieces(x, idx, node)
    if shape is not None:
        spec = spec + (shape,)
    return submit(kernels.fused_eval, spec, *pieces, node=node)


def expand_dims(x: BlockArray, grid: ArrayGrid) -> BlockArray | None:
    """Pending expression ``x`` with unit axes inserted (``grid``), or None if ``x`` is not a
    pending expression (then the caller slices ``x``'s blocks)."""
    if fused_expression(x) is None:
        return None
    return fused_graph(x, grid).finish(grid)


def _materialize_fused(x: BlockArray, exprs: tuple, leaves: tuple) -> np.ndarray:
    """One :func:`kernels.fused_eval` task per block, placed by the optimizer."""
    planned = fused_graph(x).finish(x.grid)
    x.nodes = planned.nodes
    return planned.blocks


_MATERIALIZERS["fused"] = _materialize_fused
