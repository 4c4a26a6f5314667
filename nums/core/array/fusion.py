"""Elementwise fusion: chains of ufuncs run as one task per block, or inside their consumer.

A single-output ufunc call without ``where=`` does not submit tasks at once: its result is a
BlockArray with a *pending expression*, a small tree over "leaf" arrays whose blocks exist
(leaves may broadcast against the result). A later elementwise op on that result extends the
tree. Consumers that understand expressions evaluate them inside their own kernels (a 2-d
matmul does, see :func:`operand_pieces`), so ``X.T @ (X * w[:, None])`` never stores
``X * w``. Any other access to ``.blocks`` (a reduction, ``get``, ``persist``, indexing)
submits one :func:`kernels.fused_eval` task per block, placed by the session's optimizer
(:func:`fused_graph`).

Expression nodes: ``("leaf", i)`` or ``("leaf", i, pattern)`` (leaf ``i`` seen with axes of
length 1 inserted, see :func:`nums.core.array.expressions.view_shape`: ``x[:, None]`` of an
expression stays an expression), ``("const", value)`` and
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
from nums.core.array.blockarray import BlockArray, Pending, node_of, submit
from nums.core.array.expressions import nodes
from nums.core.array.planning import OpGraph
from nums.core.array.regions import block_view, broadcast_slices, region
from nums.core.graph.grid import ArrayGrid

MAX_OPS = 24
INLINE_USES = 3


def _count_ops(expr: tuple) -> int:
    return sum(e[0] == "ufunc" for e in nodes(expr))


def _reindex(expr: tuple, mapping: list[int]) -> tuple:
    if expr[0] == "leaf":
        return ("leaf", mapping[expr[1]], *expr[2:])
    if expr[0] == "const":
        return expr
    return ("ufunc", expr[1], expr[2], expr[3], tuple(_reindex(c, mapping) for c in expr[4]))


def fused_expression(x: BlockArray) -> tuple[tuple, tuple[BlockArray, ...]] | None:
    """``(expr, leaves)`` when ``x`` is a pending fused expression, else None."""
    fused = x.pending("fused")
    return None if fused is None else (fused.expr, fused.leaves)


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
    return BlockArray(out_grid, None, nodes, pending=Fused(expr, tuple(leaves)))


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


def leaf_uses(expr: tuple) -> list[tuple[int, tuple | None]]:
    """The distinct ``(leaf index, pattern)`` pairs of an expression, in order of appearance
    (pattern None: the leaf broadcasts as it is)."""
    return list(dict.fromkeys(
        (e[1], e[2] if len(e) > 2 else None) for e in nodes(expr) if e[0] == "leaf"
    ))


def _pieces_expr(expr: tuple, index: dict, local: list) -> tuple:
    """``expr`` over the pieces of one block: leaf nodes name a piece and its view."""
    if expr[0] == "leaf":
        pattern = expr[2] if len(expr) > 2 else None
        k = index[(expr[1], pattern)]
        return ("leaf", k, pattern, local[k]) if pattern is not None or local[k] else (
            "leaf", k)
    if expr[0] == "const":
        return expr
    return ("ufunc", expr[1], expr[2], expr[3],
            tuple(_pieces_expr(c, index, local) for c in expr[4]))


def _piece(leaf: BlockArray, slices: list[slice], node: int) -> tuple[Any, tuple | None]:
    """A ref holding ``leaf[slices]``, and the slices the kernel takes from it: a region inside
    one block is that block (no task cuts it out); one over several blocks is assembled."""
    inside = block_view(leaf, slices)
    if inside is not None:
        return leaf.blocks[inside[0]], inside[1]
    return region(leaf, slices, node)[0], None


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
    uses = leaf_uses(expr)
    refs, local = [], []
    for i, pattern in uses:
        ref, view = _piece(leaves[i], broadcast_slices(leaves[i], slices, x.shape, pattern), node)
        refs.append(ref)
        local.append(view)
    if all(p is None for _, p in uses) and not any(local):
        return (expr, x.grid.block_shape_at(idx)), refs  # (uses are the leaves in order)
    index = {use: k for k, use in enumerate(uses)}
    return (_pieces_expr(expr, index, local), x.grid.block_shape_at(idx)), refs


def fused_graph(x: BlockArray) -> OpGraph:
    """The plan of evaluating pending expression ``x``: one task per block, on the node the
    session's optimizer picks (usually where the leaves' blocks are)."""
    g = OpGraph("fused")
    snap = x.copy()
    for idx in x.grid.indices():
        with g.tree(idx):
            children = g.reads(snap, x.grid.block_slices(idx), x.shape)
            emit = functools.partial(_fused_task, snap, idx)
            g.output(idx, g.task(emit, children, x.grid.block_shape_at(idx), x.dtype,
                                 kind="map", name="fused"))
    return g


def _fused_task(x: BlockArray, idx: tuple[int, ...], node: int, refs: list) -> Any:
    spec, pieces = operand_pieces(x, idx, node)
    return submit(kernels.fused_eval, spec, *pieces, node=node)


def _expanded(expr: tuple, leaves: Sequence[BlockArray], ndim: int, places: list[int],
              new_ndim: int) -> tuple | None:
    """``expr`` (of ``ndim`` dims) with its axes moved to ``places`` among ``new_ndim`` (the
    others new, of length 1), or None when a constant array is in the way."""
    if expr[0] == "const":
        return expr if np.ndim(expr[1]) == 0 else None
    if expr[0] == "leaf":
        leaf = leaves[expr[1]]
        pattern = expr[2] if len(expr) > 2 else tuple(range(leaf.ndim))
        padded = (None,) * (ndim - len(pattern)) + tuple(pattern)
        new: list[int | None] = [None] * new_ndim
        for axis, place in zip(padded, places):
            new[place] = axis
        return ("leaf", expr[1], tuple(new))
    children = [_expanded(c, leaves, ndim, places, new_ndim) for c in expr[4]]
    if any(c is None for c in children):
        return None
    return ("ufunc", expr[1], expr[2], expr[3], tuple(children))


def expand_dims(x: BlockArray, grid: ArrayGrid) -> BlockArray | None:
    """Pending expression ``x`` with unit axes inserted (``grid``), as a pending expression
    itself (its consumers evaluate it, no task of its own); None if ``x`` is not a pending
    expression (then the caller slices ``x``'s blocks)."""
    fused = fused_expression(x)
    if fused is None:
        return None
    places, j = [], 0  # where each axis of x goes among the new axes
    for p, n in enumerate(grid.shape):
        if j < x.ndim and n == x.shape[j] and grid.ndim - p >= x.ndim - j:
            places.append(p)
            j += 1
    if j != x.ndim:
        return None
    expr = _expanded(fused[0], fused[1], x.ndim, places, grid.ndim)
    if expr is None or _take_expression(x) is None:
        return None
    nodes = np.zeros(grid.grid_shape, dtype=np.int64)
    for idx in grid.indices():
        nodes[idx] = node_of(idx)
    return BlockArray(grid, None, nodes, pending=Fused(expr, fused[1]))


class Fused(Pending):
    """A pending elementwise expression ``expr`` over the arrays ``leaves``."""

    kind = "fused"

    def __init__(self, expr: tuple, leaves: tuple[BlockArray, ...]):
        self.expr, self.leaves = expr, leaves

    def leaf_uses(self) -> list[tuple[int, tuple | None]]:
        return leaf_uses(self.expr)

    def compute(self, x: BlockArray) -> np.ndarray:
        """One :func:`kernels.fused_eval` task per block, placed by the optimizer."""
        planned = fused_graph(x).finish(x.grid)
        x.nodes = planned.nodes
        return planned.blocks

    def graph(self, x: BlockArray) -> OpGraph:
        return fused_graph(x)
