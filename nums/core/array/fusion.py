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

A matrix-vector product ``X @ w`` of a distributed matrix in row blocks and a small
driver-resident vector is pending too (:func:`row_product`): a *row product* node over ``X``
(see ``nums.core.array.expressions``) that ufuncs extend like any expression. A product
that contracts ``X``'s rows, ``X.T @ f(X @ w)``, evaluates it chunk by chunk inside its own
kernel, so each chunk of ``X`` comes from memory once and is read again from the cache
(NumPy reads ``X`` twice; a Newton step's ``X.T @ (X * s[:, None])`` the same). Any other
consumer first *settles* the expression (:func:`settled`): the row products in it become
leaves of the product's blocks, computed once by the ordinary block product and shared by
every consumer, so no consumer reads ``X`` more often than NumPy would.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array import blockarray, fperrors, kernels, threads
from nums.core.array.blockarray import BlockArray, Pending, backend, make_grid, submit
from nums.core.array.expressions import ROWS, eval_into_parts, has_row_product, nodes
from nums.core.array.planning import OpGraph
from nums.core.array.regions import block_view, broadcast_slices, region
from nums.core.graph.grid import ArrayGrid
from nums.core.graph.grid import broadcast_slices as grid_broadcast_slices
from runtime.errors import warnings_at_caller

MAX_OPS = 24
INLINE_USES = 3


def _count_ops(expr: tuple) -> int:
    return sum(e[0] in ("ufunc", "matmul") for e in nodes(expr))


def _reindex(expr: tuple, mapping: list[int]) -> tuple:
    if expr[0] == "leaf":
        return ("leaf", mapping[expr[1]], *expr[2:])
    if expr[0] == "const":
        return expr
    if expr[0] == "matmul":
        return ("matmul", expr[1], _reindex(expr[2], mapping), *expr[3:])
    return ("ufunc", expr[1], expr[2], expr[3], tuple(_reindex(c, mapping) for c in expr[4]))


def fused_expression(x: BlockArray) -> tuple[tuple, tuple[BlockArray, ...], tuple] | None:
    """``(expr, leaves, windows)`` when ``x`` is a pending fused expression, else None."""
    fused = x.pending("fused")
    return None if fused is None else (fused.expr, fused.leaves, fused.windows)


def _take_expression(x: BlockArray) -> tuple[tuple, tuple[BlockArray, ...], tuple] | None:
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
    windows: list = []
    children = []
    for x in inputs:
        if not isinstance(x, BlockArray):
            children.append(("const", x))
            continue
        ahead = fused_expression(x)
        # a row product's rows must stay on the result's axis 0 (a broadcast onto more axes
        # would align them with the last): otherwise the operand is settled and computed
        fused = None if ahead is not None and x.ndim != grid.ndim and has_row_product(
            ahead[0]) else _take_expression(x)
        if fused is not None and _count_ops(fused[0]) < MAX_OPS:
            expr, sub_leaves, sub_windows = fused
            mapping = [_leaf_index(leaves, windows, leaf, win)
                       for leaf, win in zip(sub_leaves, sub_windows)]
            children.append(_reindex(expr, mapping))
        else:
            children.append(("leaf", _leaf_index(leaves, windows, x, None)))
    expr = ("ufunc", ufunc, np.dtype(dtype), dict(kwargs), tuple(children))
    out_grid = ArrayGrid(grid.shape, grid.block_shape, dtype)
    return BlockArray(out_grid, None, None,
                      pending=Fused(expr, tuple(leaves), tuple(windows)))


def cast(x: BlockArray, dtype: np.dtype) -> BlockArray | None:
    """``x.astype(dtype)`` of numbers as a pending elementwise expression: NumPy's
    ``positive`` computed in ``dtype`` from ``x`` cast to it without checks (the cast
    ``astype`` makes, with its warnings, "overflow encountered in cast"), so ``.get()`` and
    consumers read ``x``'s blocks and no task writes the cast blocks first. None for other
    dtypes (booleans as the result, complex numbers to reals, which NumPy warns of)."""
    if (x.dtype.kind not in "biufc" or dtype.kind not in "iufc"
            or (x.dtype.kind == "c" and dtype.kind != "c")):
        return None
    return fuse_ufunc(np.positive, [x], dtype, {"dtype": dtype, "casting": "unsafe"}, x.grid)


blockarray.CAST = cast


def window(x: BlockArray, offsets: tuple[int, ...], steps: tuple[int, ...],
           grid: ArrayGrid) -> BlockArray:
    """``x[o0:o0 + s0 * n0:s0, ...]`` (a basic selection of slices with positive steps of a
    distributed array; ``grid`` is the result's) as a pending expression reading ``x``'s
    blocks where it is used: consumers evaluate it inside their own kernels
    (``u[:-2, 1:-1] + u[2:, 1:-1]`` reads ``u``'s blocks, no task cuts the slices out first);
    ``.blocks`` copies it in one task per block."""
    shape = grid.shape
    inner = x.pending("fused")
    first = inner.windows[0] if inner is not None and inner.expr == ("leaf", 0) else None
    if is_reshape(first):
        # a window of a reshape (``x.ravel()[::3]``, ``img.reshape(h, w)[::2, ::2]``): the
        # reshape's leaf seen through both
        if len(first) > 2:
            offsets, steps = _composed(first[2], offsets, steps)
        win = ("reshape", first[1], (tuple(offsets), tuple(steps), tuple(shape)))
        return BlockArray(grid, None, None, pending=Fused(("leaf", 0), inner.leaves, (win,)))
    if first is not None and not is_roll(first):
        # a window of a window (``u[1:][::2]``): one window of the first one's array
        offsets, steps = _composed(first, offsets, steps)
        x = inner.leaves[0]
    else:
        x = BlockArray(x.grid, x.blocks, x.nodes)  # a snapshot of the blocks now
    return BlockArray(grid, None, None,
                      pending=Fused(("leaf", 0), (x,), ((tuple(offsets), tuple(steps),
                                                         tuple(shape)),)))


def dropped(x: BlockArray, kept: tuple[int, ...], grid: ArrayGrid) -> BlockArray:
    """Window ``x`` (made by :func:`window`) with only its axes ``kept``, the others of
    length 1 (an integer index: ``X[:, 3]`` is the window ``X[:, 3:4]`` seen without its
    second axis); ``grid`` is the result's."""
    fused = x.pending("fused")
    return BlockArray(grid, None, None, pending=Fused(("leaf", 0, kept), fused.leaves,
                                                       fused.windows))


def _composed(win: tuple, offsets: Sequence[int],
              steps: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Offsets and steps of window ``[offsets::steps]`` of window ``win`` of an array, as
    one window of that array."""
    o, st, _ = win
    return (tuple(a + b * c for a, b, c in zip(o, st, offsets)),
            tuple(b * c for b, c in zip(st, steps)))


def is_reshape(win: Any) -> bool:
    """Whether a leaf's window is a reshape (see :func:`reshaped`), not slices."""
    return win is not None and win[0] == "reshape"


def is_roll(win: Any) -> bool:
    """Whether a leaf's window is a cyclic shift (see :func:`rolled`), not slices."""
    return win is not None and win[0] == "roll"


def rolled(x: BlockArray, shifts: tuple[int, ...]) -> BlockArray | None:
    """``np.roll`` of a distributed array by ``shifts`` (one per axis) as a pending
    expression reading ``x``'s blocks where it is used: a consumer's kernel takes the (at
    most two per axis) parts of ``x`` that its block's values come from, a view of a block
    when they are one part in one block, else joined inside the kernel. So ``roll(u, 1, 0)
    + roll(u, -1, 0) - 2 * u`` is one task per block and ``roll(x, 1).get()`` is written
    once, by the driver's threads. A roll of a roll is one roll of the first one's source.
    None for object arrays and empty ones (the caller joins slices)."""
    if x.dtype.hasobject or x.size == 0:
        return None
    inner = x.pending("fused")
    if inner is not None and inner.expr == ("leaf", 0) and is_roll(inner.windows[0]):
        shifts = tuple(a + b for a, b in zip(inner.windows[0][1], shifts))
        leaf = inner.leaves[0]
    else:
        leaf = BlockArray(x.grid, x.blocks, x.nodes)  # a snapshot of the blocks now
    shifts = tuple(k % n for k, n in zip(shifts, x.shape))
    grid = ArrayGrid(x.shape, x.block_shape, x.dtype)
    return BlockArray(grid, None, None, pending=Fused(("leaf", 0), (leaf,),
                                                       (("roll", shifts),)))


def _roll_regions(shifts: Sequence[int], shape: Sequence[int],
                  sl: Sequence[slice]) -> list[tuple[list[slice], tuple[slice, ...]]]:
    """The parts of an array of ``shape`` that ``np.roll(array, shifts)[sl]`` (step-1
    slices) reads: per part, its slices of the array and where it lands in the selection.
    At most two parts per axis: the selection's values up to the array's end, then those
    from its start."""
    per_axis = []
    for s, k, n in zip(sl, shifts, shape):
        if s.step not in (None, 1):
            raise NotImplementedError("a stepped read of a rolled array")
        length = max(0, s.stop - s.start)
        start = (s.start - k) % n
        if start + length <= n:
            per_axis.append([(slice(start, start + length), slice(0, length))])
        else:
            first = n - start
            per_axis.append([(slice(start, n), slice(0, first)),
                             (slice(0, length - first), slice(first, length))])
    return [([p[0] for p in parts], tuple(p[1] for p in parts))
            for parts in itertools.product(*per_axis)]


ROW_BYTES = 1 << 20  # rows of a reshape read where used, at most (or two blocks)


def reshaped(x: BlockArray, shape: tuple[int, ...]) -> BlockArray | None:
    """``x.reshape(shape)`` (C order) of a distributed array as a pending expression reading
    ``x``'s blocks where it is used: a consumer's kernel takes the rows of ``x`` that hold
    its block's values and reshapes them, a view when they lie in one block
    (``x.reshape(-1, 100).mean(axis=1)`` copies nothing). The result's blocks are whole
    rows, each the values of one block of ``x`` when ``x``'s blocks are whole rows of a
    multiple of the new row's length. None for 0-d and empty arrays, object arrays, and rows
    longer than two blocks and ``ROW_BYTES`` (then the caller moves the values)."""
    if x.ndim == 0 or not shape or x.size == 0 or x.dtype.hasobject:
        return None
    inner = x.pending("fused")
    if (inner is not None and inner.expr == ("leaf", 0) and is_reshape(inner.windows[0])
            and len(inner.windows[0]) == 2):
        x = inner.leaves[0]  # a reshape of a reshape: one reshape of the first's source
    elif inner is not None and inner.windows != (None,) * len(inner.leaves):
        return None
    row = math.prod(shape[1:])
    target = make_grid(shape, x.dtype)
    if row * x.dtype.itemsize > max(2 * math.prod(target.block_shape) * x.dtype.itemsize,
                                    ROW_BYTES):
        return None
    src_row = math.prod(x.shape[1:])
    flat = x.block_shape[0] * src_row
    if all(g == 1 for g in x.grid.grid_shape[1:]) and flat % row == 0:
        rows = flat // row  # every block of the result is one block of x
    else:
        rows = max(1, math.prod(target.block_shape) // row)
    grid = ArrayGrid(tuple(shape), (min(rows, shape[0]) or 1, *shape[1:]), x.dtype)
    if inner is not None and x is inner.leaves[0]:
        leaf = x  # (the first reshape's snapshot)
    else:
        leaf = BlockArray(x.grid, x.blocks, x.nodes)  # a snapshot of the blocks now
    return BlockArray(grid, None, None, pending=Fused(("leaf", 0), (leaf,),
                                                       (("reshape", tuple(shape)),)))


def _reshape_source(src_shape: tuple[int, ...], shape: tuple[int, ...], sl: Sequence[slice]
                    ) -> tuple[list[slice], tuple, list[tuple[list[slice], tuple | None]]]:
    """The part of the source (of ``src_shape``) holding ``reshaped[sl]`` (``reshaped`` of
    ``shape``), the kernel's instruction that cuts ``reshaped[sl]`` out of it:
    ``("reshape", None, offset, length, rows_shape, local)`` (the first element after the tag
    is the view taking the part out of a block, set later), and the regions of the source
    that fill the part, each with where it lands in it (None: all of it).

    The part is the smallest box of the source that is one C-order range holding the values
    (whole rows of the source only where the values cross rows), and the regions are the
    boxes holding exactly those values (:func:`_flat_parts`), so that a block of the result
    reads the source's blocks its values lie in and no others: a ravel of an array of many
    blocks per row stays linear in the number of blocks."""
    row = math.prod(shape[1:])
    r0, r1 = sl[0].start, max(sl[0].start, sl[0].stop)
    lo, hi = r0 * row, r1 * row
    local = (slice(0, r1 - r0, sl[0].step), *(slice(s.start, s.stop, s.step) for s in sl[1:]))
    parts = _flat_parts(src_shape, lo, hi)
    if parts:
        box = [slice(min(p[a].start for p in parts), max(p[a].stop for p in parts))
               for a in range(len(src_shape))]
        regions = [(p, tuple(slice(s.start - b.start, s.stop - b.start) for s, b in zip(p, box)))
                   for p in parts] if len(parts) > 1 else [(box, None)]
    else:  # no values: an empty row of the source
        s0 = min(lo // max(1, math.prod(src_shape[1:])), src_shape[0])
        box = [slice(s0, s0)] + [slice(0, n) for n in src_shape[1:]]
        regions = [(box, None)]
    start = sum(b.start * math.prod(src_shape[a + 1:]) for a, b in enumerate(box))
    return box, ("reshape", None, lo - start, hi - lo, (r1 - r0, *shape[1:]), local), regions


def _flat_parts(shape: Sequence[int], lo: int, hi: int) -> list[list[slice]]:
    """Boxes of an array of ``shape`` (not empty) holding exactly its C-order values
    ``[lo, hi)``, in that order: the rest of a first partial row, whole rows, the start of a
    last partial row, each partial row split the same way along the next axis (at most
    ``2 * ndim - 1`` boxes)."""
    if hi <= lo:
        return []
    if not shape:
        return [[]]
    inner = math.prod(shape[1:])
    a, b = lo // inner, (hi - 1) // inner  # the first and last rows along axis 0
    if a == b:
        return [[slice(a, a + 1), *p] for p in _flat_parts(shape[1:], lo - a * inner,
                                                            hi - a * inner)]
    parts = []
    if lo > a * inner:  # the first row in part
        parts += [[slice(a, a + 1), *p] for p in _flat_parts(shape[1:], lo - a * inner, inner)]
        a += 1
    last = b if hi < (b + 1) * inner else b + 1  # rows a..last-1 are whole
    if last > a:
        parts.append([slice(a, last), *(slice(0, n) for n in shape[1:])])
    if last == b:  # the last row in part
        parts += [[slice(b, b + 1), *p] for p in _flat_parts(shape[1:], 0, hi - b * inner)]
    return parts


def _reshaped_slices(win: tuple, out_slices: Sequence[slice], out_shape: Sequence[int],
                     pattern: tuple | None) -> list[slice]:
    """The slices of the reshaped leaf of reshape window ``win`` (``("reshape", shape)``,
    or ``("reshape", shape, window)`` when seen through a window of slices, as
    :func:`window` makes) that a use with ``pattern`` reads for ``out_slices``."""
    if len(win) == 2:
        return grid_broadcast_slices(win[1], out_slices, out_shape, pattern)
    offsets, steps, shape = win[2]
    sl = grid_broadcast_slices(shape, out_slices, out_shape, pattern)
    return [_through(s, o, st) for s, o, st in zip(sl, offsets, steps)]


def _through(s: slice, offset: int, step: int) -> slice:
    """The slice of an array that slice ``s`` of its window ``[offset::step]`` reads."""
    return slice(offset + step * s.start,
                 offset + step * max(s.start, s.stop - 1) + (s.stop > s.start),
                 None if step == 1 else step)


def _leaf_index(leaves: list[BlockArray], windows: list, x: BlockArray, win: Any) -> int:
    """Index of ``x`` (seen through window ``win``, or whole) among the leaves, adding a
    snapshot of it if new."""
    blocks = x.blocks
    for i, leaf in enumerate(leaves):
        if leaf.blocks is blocks and windows[i] == win:
            return i
    leaves.append(BlockArray(x.grid, blocks, x.nodes))
    windows.append(win)
    return len(leaves) - 1


class RowProduct:
    """The product of a row product node, computed by ``make`` (the ordinary block product,
    itself pending until its blocks are read) at most once, for every consumer that settles
    an expression holding the node (see :func:`settled`)."""

    def __init__(self, make: Callable[[], BlockArray]):
        self._make: Callable[[], BlockArray] | None = make
        self._array: BlockArray | None = None

    def array(self) -> BlockArray:
        if self._array is None:
            self._array, self._make = self._make(), None
        return self._array


def row_product(x: BlockArray, w: np.ndarray, dtype: Any, grid: ArrayGrid,
                make: Callable[[], BlockArray]) -> BlockArray:
    """``x @ w`` (``x`` a 2-d array with one block of columns, ``w`` a small vector value that
    is never written: the caller's snapshot) as a pending expression of ``grid`` (``x``'s
    row blocks); ``make()`` builds the same product as an ordinary block product for
    consumers that settle it."""
    leaf = BlockArray(x.grid, x.blocks, x.nodes)  # a snapshot of the blocks now
    node = ("matmul", np.dtype(dtype), ("leaf", 0, ROWS), w, None, RowProduct(make))
    return BlockArray(grid, None, None, pending=Fused(node, (leaf,), (None,)))


def _settled_expr(e: tuple, fused: Fused, leaves: list, windows: list) -> tuple:
    if e[0] == "const":
        return e
    if e[0] == "leaf":
        i = _leaf_index(leaves, windows, fused.leaves[e[1]], fused.windows[e[1]])
        return ("leaf", i, *e[2:])
    if e[0] == "matmul":
        i = _leaf_index(leaves, windows, e[5].array(), None)
        return ("leaf", i) if e[4] is None else ("leaf", i, e[4])
    return ("ufunc", e[1], e[2], e[3],
            tuple(_settled_expr(c, fused, leaves, windows) for c in e[4]))


def _same_blocks(x: BlockArray, y: BlockArray) -> bool:
    """Whether ``x`` and ``y`` hold the very same blocks (copies share the refs)."""
    return x.grid.grid_shape == y.grid.grid_shape and x.grid.block_shape == y.grid.block_shape \
        and all(a is b for a, b in zip(x.blocks.flat, y.blocks.flat))


def settled(x: BlockArray, rows_of: BlockArray | None = None) -> BlockArray:
    """``x`` with the row products of its pending expression replaced by leaves of their
    products' blocks (computed once, shared), unless every one of them is over the blocks of
    ``rows_of`` (a consumer that reads those rows itself evaluates them in its kernel)."""
    fused = x.pending("fused")
    if fused is None or not has_row_product(fused.expr):
        return x
    if rows_of is not None and rows_of.pending() is None and all(
            _same_blocks(fused.leaves[e[1]], rows_of)
            for e in nodes(fused.expr) if e[0] == "leaf" and len(e) > 2 and e[2] == ROWS):
        return x
    leaves: list[BlockArray] = []
    windows: list = []
    expr = _settled_expr(fused.expr, fused, leaves, windows)
    x._pending = Fused(expr, tuple(leaves), tuple(windows))
    return x


def for_consumer(x: BlockArray, rows_of: BlockArray | None = None) -> BlockArray:
    """``x`` prepared for one consumer operation that reads it with :func:`operand_pieces`.

    Counts as a use of a pending expression (see :func:`_take_expression`): the first
    consumer evaluates it inside its own kernels; later ones get materialised blocks. Row
    products in it are settled (:func:`settled`) unless they are over ``rows_of``.
    """
    settled(x, rows_of)
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
    if expr[0] == "matmul":  # the kernel gets no product object (see RowProduct)
        return ("matmul", expr[1], _pieces_expr(expr[2], index, local), expr[3], expr[4])
    return ("ufunc", expr[1], expr[2], expr[3],
            tuple(_pieces_expr(c, index, local) for c in expr[4]))


def _piece(leaf: BlockArray, slices: list[slice], node: int) -> tuple[Any, tuple | None]:
    """A ref holding ``leaf[slices]``, and the slices the kernel takes from it: a region inside
    one block is that block (no task cuts it out); one over several blocks is assembled."""
    inside = block_view(leaf, slices)
    if inside is not None:
        return leaf.blocks[inside[0]], inside[1]
    return region(leaf, slices, node)[0], None


def _joined(leaf: BlockArray, regions: Sequence[tuple[list[slice], tuple[slice, ...] | None]],
            refs: list) -> tuple[Any, tuple]:
    """The first ref of a piece made of ``leaf``'s ``regions`` (each: its slices of
    ``leaf``, and where it lands in the piece, None for all of it) over several blocks, and
    the instruction that joins it with the others (appended to ``refs``) inside the kernel
    (see :func:`nums.core.array.expressions._view_leaves`): no task assembles it first."""
    if regions[0][1] is None:
        shape = tuple(len(range(s.start, s.stop, s.step or 1)) for s in regions[0][0])
    else:
        shape = tuple(max(at[a].stop for _, at in regions) for a in range(len(regions[0][1])))
    placements = []
    first = None
    for slices, at in regions:
        for bidx, src, dst in leaf.grid.overlaps(slices):
            if at is not None:
                dst = tuple(slice(a.start + d.start, a.start + d.stop)
                            for a, d in zip(at, dst))
            ref = leaf.blocks[bidx]
            if first is None:
                first = ref
                placements.append((tuple(dst), tuple(src), None))
            else:
                placements.append((tuple(dst), tuple(src), len(refs)))
                refs.append(ref)
    return first, ("join", shape, tuple(placements))


def operand_pieces(x: BlockArray, idx: tuple[int, ...], node: int) -> tuple[Any, list[Any]]:
    """What a consumer kernel needs for block ``idx`` of ``x``.

    ``(None, [block_ref])`` for an array with blocks; ``(expr, leaf_piece_refs)`` for a
    pending expression, to be evaluated with :func:`kernels.fused_eval` inside the consumer.
    A leaf seen through a window (:func:`window`) whose part lies in several blocks is joined
    inside the kernel.
    """
    fused = x.pending("fused")
    if fused is None:
        return None, [x.blocks[idx]]
    return _pieces(fused, x.shape, x.grid.block_slices(idx), x.grid.block_shape_at(idx), node)


def is_view_of_blocks(x: BlockArray) -> bool:
    """Whether ``x`` is pending as a bare leaf: another array's blocks seen through a window
    (a column ``X[:, k]``, ``x.reshape(-1, 4)[:, 1]``), which a consumer's task reads where
    it lies (:func:`submit_on`) at no cost."""
    fused = x.pending("fused")
    return fused is not None and fused.expr[0] == "leaf"


def consumed(x: BlockArray, once: bool = True) -> BlockArray:
    """``x`` prepared for a consumer that reads each block with :func:`submit_on`. A view of
    blocks (:func:`is_view_of_blocks`) stays one. Any other pending expression is evaluated
    inside the consumer's tasks when the consumer reads each block ``once`` (it counts as a
    use, see :func:`for_consumer`); a consumer that reads blocks more than once (samples, then
    counts) gets them computed in the store first."""
    if x.pending("fused") is None or is_view_of_blocks(x):
        return x
    if once:
        return for_consumer(x)
    x.blocks  # noqa: B018  (materialise and keep the blocks)
    return x


def submit_on(fn: Callable, x: BlockArray, idx: tuple[int, ...], *args: Any, node: int,
              pos: int = 0, lazy: bool = False, passes: int = 1, **kwargs: Any) -> Any:
    """``submit(fn, *args, node=node)`` with block ``idx`` of ``x`` (prepared by
    :func:`consumed`) inserted at position ``pos`` of ``args``: a pending expression of ``x``
    is read by the task itself (:func:`nums.core.array.expressions.operand_value`), so that
    ``np.cumsum(X[:, 0])`` reads the column in ``X``'s blocks rather than a copy of it made
    by tasks of its own first. ``lazy``: ``fn`` gets a function computing the block (it reads
    it only in rare cases) in place of the value, where the value is not a block already.
    ``passes``: how often ``fn`` reads the block; a kernel of several passes gets a strided
    view copied first."""
    spec, refs = operand_pieces(x, idx, node)
    if spec is None:
        return submit(fn, *args[:pos], refs[0], *args[pos:], node=node, **kwargs)
    wrap = kernels.on_lazy_operand if lazy else kernels.on_operand
    where = -pos - 1 if passes > 1 and not lazy else pos
    return submit(wrap, fn, where, spec, len(refs), *refs, *args, node=node, **kwargs)


def take_for_regions(x: BlockArray) -> Fused | None:
    """The pending expression of ``x`` for one consumer that evaluates parts of it by
    :func:`region_pieces` (a write of an expression into a region of another array:
    ``u[1:-1] = 0.5 * (u[:-2] + u[2:])`` computes each target block's part in the task that
    writes it); None when ``x`` is not a pending expression, or was used by enough consumers
    to be computed once."""
    if not isinstance(x, BlockArray) or _take_expression(settled(x)) is None:
        return None
    return x.pending("fused")


def region_part(x: BlockArray, fused: Fused | None, slices: Sequence[slice],
                node: int) -> tuple[tuple, list]:
    """``(part, refs)`` for a kernel that joins regions (:func:`kernels.join_parts`): the
    region ``x[slices]`` (step-1 slices) as the pending expression ``fused`` of ``x``
    (:func:`take_for_regions`) evaluated in the kernel, a block's part sliced in the kernel,
    or else a ref to it cut out by a task."""
    if fused is not None:
        spec, refs = region_pieces(fused, x.shape, slices, node)
        return ("expr", spec, len(refs)), refs
    inside = block_view(x, slices)
    if inside is not None:
        idx, local = inside
        return ("slices", local, 1), [x.blocks[idx]]
    return ("slices", None, 1), [region(x, slices, node)[0]]


def region_pieces(fused: Fused, x_shape: tuple, slices: Sequence[slice],
                  node: int) -> tuple[Any, list]:
    """``(spec, refs)`` evaluating ``x[slices]`` of the array of ``x_shape`` that pending
    expression ``fused`` computes, inside a kernel (:func:`kernels.fused_eval`)."""
    shape = tuple(s.stop - s.start for s in slices)
    return _pieces(fused, x_shape, list(slices), shape, node)


def _pieces(fused: Fused, x_shape: tuple, slices: Sequence[slice], shape: tuple,
            node: int) -> tuple[Any, list[Any]]:
    """``(spec, refs)`` evaluating pending expression ``fused`` (of an array of ``x_shape``)
    over ``slices`` (of ``shape``) with :func:`kernels.fused_eval`."""
    expr, leaves = fused.expr, fused.leaves
    uses = leaf_uses(expr)
    refs, local, extra = [], [], []
    for i, pattern in uses:
        win = fused.windows[i]
        cut = None
        regions = None
        if is_reshape(win):
            sl, cut, regions = fused.reshape_source(i, slices, x_shape, pattern)
        elif is_roll(win):
            regions = fused.roll_regions(i, slices, x_shape, pattern)
            sl = regions[0][0]
        else:
            sl = fused.leaf_slices(i, slices, x_shape, pattern)
        if regions is not None and len(regions) > 1:
            ref, view = _joined(leaves[i], regions, extra)
        elif win is not None and block_view(leaves[i], sl) is None:
            ref, view = _joined(leaves[i], [(sl, None)], extra)
        else:
            ref, view = _piece(leaves[i], sl, node)
        refs.append(ref)
        local.append(view if cut is None else (cut[0], view, *cut[2:]))
    if extra:  # refs of joined pieces after those of the uses
        n = len(refs)
        local = [_shift_join(v, n) for v in local]
        refs += extra
    if all(p is None for _, p in uses) and not any(local):
        return (expr, shape), refs  # (uses are the leaves in order)
    index = {use: k for k, use in enumerate(uses)}
    return (_pieces_expr(expr, index, local), shape), refs


def _shift_join(view: Any, n: int) -> Any:
    """A join instruction whose extra refs start at position ``n`` of the refs."""
    if isinstance(view, tuple) and view and view[0] == "reshape":
        return (view[0], _shift_join(view[1], n), *view[2:])
    if not (isinstance(view, tuple) and view and view[0] == "join"):
        return view
    return ("join", view[1], tuple((d, s, None if k is None else k + n) for d, s, k in view[2]))


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
    if expr[0] in ("leaf", "matmul"):
        if expr[0] == "leaf":
            pattern = expr[2] if len(expr) > 2 else tuple(range(leaves[expr[1]].ndim))
        else:
            pattern = expr[4] if expr[4] is not None else (0,)
        padded = (None,) * (ndim - len(pattern)) + tuple(pattern)
        new: list[int | None] = [None] * new_ndim
        for axis, place in zip(padded, places):
            new[place] = axis
        if expr[0] == "leaf":
            return ("leaf", expr[1], tuple(new))
        if new[0] != 0:
            return None  # a row product's rows stay on axis 0
        return ("matmul", expr[1], expr[2], expr[3], tuple(new), *expr[5:])
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
    if any(w is not None for w in fused[2]):
        return None  # windows keep their leaves' axes: the caller slices the blocks
    expr = _expanded(fused[0], fused[1], x.ndim, places, grid.ndim)
    if expr is None or _take_expression(x) is None:
        return None
    return BlockArray(grid, None, None, pending=Fused(expr, fused[1], fused[2]))


class Fused(Pending):
    """A pending elementwise expression ``expr`` over the arrays ``leaves``."""

    kind = "fused"

    def __init__(self, expr: tuple, leaves: tuple[BlockArray, ...], windows: tuple | None = None):
        self.expr, self.leaves = expr, leaves
        # per leaf: None (the leaf as it is) or ``(offsets, steps, shape)``, the part of the
        # leaf the expression sees (see :func:`window`)
        self.windows = windows if windows is not None else (None,) * len(leaves)

    def leaf_uses(self) -> list[tuple[int, tuple | None]]:
        return leaf_uses(self.expr)

    def leaf_slices(self, i: int, out_slices: Sequence[slice], out_shape: Sequence[int],
                    pattern: tuple | None) -> list[slice]:
        """The slices of leaf ``i`` that use ``pattern`` of it reads for ``out_slices`` of
        the result (of ``out_shape``)."""
        if pattern == ROWS:  # a row product's matrix: the result's rows, every column
            leaf = self.leaves[i]
            rows = out_slices[0] if leaf.shape[0] == out_shape[0] else slice(0, leaf.shape[0])
            return [rows, slice(0, leaf.shape[1])]
        win = self.windows[i]
        if win is None:
            return broadcast_slices(self.leaves[i], out_slices, out_shape, pattern)
        if is_reshape(win):
            return self.reshape_source(i, out_slices, out_shape, pattern)[0]
        if is_roll(win):
            raise ValueError("a rolled leaf reads several regions: see leaf_regions")
        offsets, steps, shape = win
        sl = grid_broadcast_slices(shape, out_slices, out_shape, pattern)
        return [_through(s, o, st) for s, o, st in zip(sl, offsets, steps)]

    def leaf_regions(self, i: int, out_slices: Sequence[slice], out_shape: Sequence[int],
                     pattern: tuple | None) -> list[list[slice]]:
        """The regions of leaf ``i`` that use ``pattern`` of it reads for ``out_slices`` of
        the result: one, or the parts of a rolled leaf (:func:`rolled`)."""
        if is_roll(self.windows[i]):
            return [r for r, _ in self.roll_regions(i, out_slices, out_shape, pattern)]
        if is_reshape(self.windows[i]):
            return [r for r, _ in self.reshape_source(i, out_slices, out_shape, pattern)[2]]
        return [self.leaf_slices(i, out_slices, out_shape, pattern)]

    def roll_regions(self, i: int, out_slices: Sequence[slice], out_shape: Sequence[int],
                     pattern: tuple | None) -> list[tuple[list[slice], tuple[slice, ...]]]:
        """For leaf ``i`` seen through a roll window: its parts that a use with ``pattern``
        reads for ``out_slices`` and where each lands (:func:`_roll_regions`)."""
        leaf = self.leaves[i]
        return _roll_regions(self.windows[i][1], leaf.shape, grid_broadcast_slices(
            leaf.shape, out_slices, out_shape, pattern))

    def reshape_source(self, i: int, out_slices: Sequence[slice], out_shape: Sequence[int],
                       pattern: tuple | None) -> tuple[list[slice], tuple, list]:
        """For leaf ``i`` seen through a reshape window: the slices of the leaf that a use
        with ``pattern`` reads for ``out_slices``, the instruction that cuts the part out of
        them, and the regions of the leaf that fill them (:func:`_reshape_source`)."""
        win = self.windows[i]
        return _reshape_source(self.leaves[i].shape, win[1],
                               _reshaped_slices(win, out_slices, out_shape, pattern))

    def compute(self, x: BlockArray) -> np.ndarray:
        """One :func:`kernels.fused_eval` task per block, placed by the optimizer (none when
        the expression is an array as it is: a settled row product's blocks are taken)."""
        if has_row_product(self.expr):
            return settled(x)._pending.compute(x)
        leaf = self.leaves[0] if self.expr == ("leaf", 0) and self.windows[0] is None else None
        if (leaf is not None and leaf.grid.shape == x.grid.shape and leaf.dtype == x.dtype
                and leaf.grid.block_shape == x.grid.block_shape):
            x.nodes = leaf.nodes
            return leaf.blocks
        planned = fused_graph(x).finish(x.grid)
        x.nodes = planned.nodes
        return planned.blocks

    def graph(self, x: BlockArray) -> OpGraph:
        if has_row_product(self.expr):
            return settled(x)._pending.graph(x)
        return fused_graph(x)

    def value_here(self, x: BlockArray) -> np.ndarray | None:
        """``x.get()`` computed by the driver's threads from the leaves' blocks, read in
        place (a backend whose stores the driver maps): the returned array is written once,
        where tasks would write blocks into the store for ``get()`` to copy out
        (``(x * y + 1).get()`` reads ``x`` and ``y`` and writes the result, nothing more).
        ``x`` stays pending. None for row products, object arrays and other backends."""
        if not self.computes_here(x):
            return None
        out = np.empty(x.shape, x.dtype)
        parts = value_parts(x, out, x.grid.num_blocks)
        with warnings_at_caller():
            fperrors.in_threads(parts)
        return out

    def computes_here(self, x: BlockArray) -> bool:
        return not (has_row_product(self.expr) or x.dtype.hasobject
                    or not backend().blocks_in_driver_memory)


def value_parts(x: BlockArray, dst: np.ndarray, blocks: int) -> list[Callable[[], None]]:
    """Calls that write the value of ``x`` (a pending expression without row products, on a
    backend whose stores the driver maps) into ``dst`` (of ``x``'s shape), to run at once on
    the driver's threads, from the leaves' blocks read in place; ``blocks``: how many
    blocks the calls of this write share the threads with (parts per block: every core
    busy)."""
    pieces = [(idx, *operand_pieces(x, idx, 0)) for idx in x.grid.indices()]
    values = iter(progress.get([r for _, _, refs in pieces for r in refs], "get"))
    k = -(-threads.THREADS // max(1, blocks))
    parts = []
    for idx, spec, refs in pieces:
        leaves = [next(values) for _ in refs]
        view = dst[tuple(x.grid.block_slices(idx))] if dst.ndim else dst
        parts += eval_into_parts(view, spec, leaves, k)
    return parts
