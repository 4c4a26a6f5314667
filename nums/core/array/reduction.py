"""Reductions as trees of partial results, and cumulative operations along an axis.

Every block is reduced to a partial result (keepdims), then the partials of each output block
are combined pairwise until one is left; the last step casts and reshapes. Where each partial
is computed and which partials meet where is decided by the session's optimizer
(:mod:`nums.core.array.planning`); no task sees more than a few partials, so nothing is
gathered.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array import kernels, relayout, resident
from nums.core.array.blockarray import (
    BlockArray,
    DriverValue,
    Pending,
    backend,
    raising_now,
    run_here,
    submit,
)
from nums.core.array.fusion import (
    consumed,
    for_consumer,
    fused_expression,
    operand_pieces,
    submit_on,
)
from nums.core.array.planning import FOLD_MAX, OpGraph
from nums.core.array.regions import broadcast_region
from nums.core.graph.grid import ArrayGrid
from runtime.errors import warnings_at_caller


def _out_grid(x: BlockArray, axes: tuple[int, ...], keepdims: bool, dtype: Any) -> ArrayGrid:
    if keepdims:
        shape = tuple(1 if a in axes else n for a, n in enumerate(x.shape))
        bs = tuple(1 if a in axes else b for a, b in enumerate(x.block_shape))
    else:
        shape = tuple(n for a, n in enumerate(x.shape) if a not in axes)
        bs = tuple(b for a, b in enumerate(x.block_shape) if a not in axes)
    return ArrayGrid(shape, bs, dtype)


def _out_shape(x: BlockArray, axes: tuple[int, ...], keepdims: bool) -> tuple[int, ...]:
    if keepdims:
        return tuple([1 if a in axes else n for a, n in enumerate(x.shape)])
    return tuple([n for a, n in enumerate(x.shape) if a not in axes])


def _reduce(
    x: BlockArray,
    axes: tuple[int, ...],
    keepdims: bool,
    partial: Callable[[OpGraph, tuple[int, ...], tuple[int, ...], Any], int],
    combine: Callable,
    finalize: Callable | None,
    finalize_kwargs: dict,
    dtype: Any,
    call: Callable[[tuple[int, ...]], tuple[Callable, tuple]] | None = None,
    redo: Callable[[BlockArray], BlockArray] | None = None,
) -> BlockArray:
    """Plan the reduction: ``partial(g, idx, shape, dtype)`` adds block ``idx``'s partial
    result; the partials of each output block are summed with ``combine`` in the plan's order
    and the last combination applies ``finalize``, casts and reshapes. ``call(idx)``, when
    given, is the ``(kernel, args)`` of block ``idx``'s partial (args may be refs), for a
    driver that computes the partials itself (:func:`run_here`); ``redo``, see
    :func:`_overflowed`."""
    grid = _out_grid(x, axes, keepdims, dtype)
    here = _combined_here(x, axes, grid, partial, combine, finalize, finalize_kwargs, call,
                          redo)
    if here is not None:
        return here
    groups: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    for idx in x.grid.indices():
        key = tuple(i for a, i in enumerate(idx) if a not in axes)
        groups.setdefault(key, []).append(idx)
    g = OpGraph("reduce")
    combine_task = functools.partial(_combine_task, combine)
    for key, members in groups.items():
        out_idx = (
            tuple(
                0 if a in axes else key[sum(1 for b in range(a) if b not in axes)]
                for a in range(x.ndim)
            )
            if keepdims
            else key
        )
        final = functools.partial(
            _final_task, combine, finalize, grid.block_shape_at(out_idx), grid.dtype,
            finalize_kwargs,
        )
        with g.tree(out_idx):
            parts = []
            for idx in members:
                block = x.grid.block_shape_at(idx)
                shape = tuple(1 if a in axes else n for a, n in enumerate(block))
                parts.append(partial(g, idx, shape, grid.dtype))
            g.output(out_idx, g.sum(parts, combine_task, final))
    if redo is not None:  # (a sum or product of floats regrouped: checked once computed)
        first = g.finish(grid)
        return raising_now(BlockArray(grid, None, first.nodes,
                                      pending=_Rechecked(first, x, redo)))
    return raising_now(g.finish(grid))


class _Rechecked(Pending):
    """A sum or product of floats regrouped by blocks, of many output blocks: computed,
    then, where it holds an infinity or a NaN although ``x`` has none (an intermediate
    value overflowed: see :func:`_overflowed`), computed again in NumPy's order by
    ``redo(x)``. One more wait, for the output blocks' checks, when the blocks are made."""

    kind = "rechecked"

    def __init__(self, first: BlockArray, x: BlockArray, redo: Callable):
        self.first, self.x, self.redo = first, x, redo

    def compute(self, out: BlockArray) -> np.ndarray:
        first = self.first
        blocks = first.blocks
        out.nodes = first.nodes
        flags = progress.get([submit(kernels.all_finite, blocks[idx], None, False,
                                     node=int(first.nodes[idx]))
                              for idx in first.grid.indices()], "reduce")
        if all(bool(np.asarray(f).all()) for f in flags):
            return blocks
        x = self.x
        if not _all_finite(x):
            return blocks  # (an infinity or a NaN in x: in any order, the same values)
        with warnings.catch_warnings():  # (the first computation gave them)
            warnings.simplefilter("ignore", RuntimeWarning)
            again = self.redo(x)
            blocks = again.blocks
            backend().wait(list(blocks.flat))  # (its tasks' warnings are relayed here)
        out.nodes = again.nodes
        return blocks


_BLAS_DTYPES = frozenset(np.dtype(t) for t in (np.float32, np.float64, np.complex64,
                                               np.complex128))

# partial results a reduction's driver combines, at most (bytes in all)
COMBINE_HERE_BYTES = 1 << 19


def _combined_here(x: BlockArray, axes: tuple[int, ...], grid: ArrayGrid, partial: Callable,
                   combine: Callable, finalize: Callable | None, finalize_kwargs: dict,
                   call: Callable | None, redo: Callable | None = None) -> BlockArray | None:
    """A reduction to one small block (``x.sum()``, ``x.mean(axis=0)`` of a tall array) whose
    partial results are combined by the driver, which fetches them anyway: one task per
    block and no combining task (a round trip less), or no task at all when the driver
    reads the blocks in place and ``call`` is given (:func:`run_here`); None when the
    result has several blocks, the partials are more than ``FOLD_MAX`` or larger than
    ``COMBINE_HERE_BYTES``."""
    if grid.num_blocks != 1 or x.size == 0 or x.grid.num_blocks > FOLD_MAX:
        return None  # (more partials: a tree of tasks, as a task folds at most FOLD_MAX)
    out_bytes = max(1, math.prod(grid.shape)) * grid.dtype.itemsize
    if 2 * out_bytes * x.grid.num_blocks > COMBINE_HERE_BYTES:  # (arg partials are pairs)
        return None
    pshape = tuple(g if a in axes else n for a, (g, n) in enumerate(zip(x.grid.grid_shape,
                                                                        x.shape)))
    pblock = tuple(1 if a in axes else n for a, n in enumerate(x.shape))

    @functools.cache
    def planned() -> tuple[OpGraph, BlockArray]:
        g = OpGraph("reduce")
        for idx in x.grid.indices():
            with g.tree(idx):
                g.output(idx, partial(g, idx, pblock, grid.dtype))
        return g, g.finish(ArrayGrid(pshape, pblock, grid.dtype))

    if call is None or not backend().blocks_in_driver_memory:
        planned()  # (planned now: the partials' tasks are made from the blocks of now)

    def make() -> np.ndarray:
        with warnings_at_caller():
            if call is not None and backend().blocks_in_driver_memory:
                calls = [call(idx) for idx in x.grid.indices()]
                # BLAS's dot uses every core, its threads awake (measured on 2 cores at 1e7:
                # 3.9 ms one block after the other, 4.6 ms on two threads of one core each)
                blas = x.dtype in _BLAS_DTYPES and all(
                    fn is kernels.reduce_partial and args[0] in kernels.BLAS_PARTIALS
                    for fn, args in calls)
                parts = run_here(calls, "reduce", parallel=not blas)
            else:
                partials = planned()[1]
                parts = progress.get([partials.blocks[idx] for idx in x.grid.indices()],
                                     "reduce")
            value = kernels.reduce_finalize(combine, finalize, grid.shape, grid.dtype,
                                            finalize_kwargs, *parts)
        if redo is not None and _overflowed(x, value):
            with warnings.catch_warnings():  # (the first computation gave them)
                warnings.simplefilter("ignore", RuntimeWarning)
                return redo(x).get()
        return value

    return raising_now(BlockArray(grid, None, None,
                                  pending=DriverValue(make, lambda: planned()[0])))


def _overflowed(x: BlockArray, value: np.ndarray) -> bool:
    """Whether a sum or product of floats regrouped by blocks (``value``, of ``x``'s blocks'
    partial results) may have overflowed on the way, so that NumPy's one
    order could give another value: it has infinities or NaNs although ``x`` has none.

    Regrouping changes only the rounding until an intermediate value overflows; then
    NumPy's order gives inf where the blocks' partials give NaN (``1e200`` eight times then
    ``1e-200`` eight times: inf * 0.0), or 0.0 where they give NaN (``1e308`` eight times
    then ``-1e308`` eight times). A partial result's NaN may come from an overflow inside
    its block too (``inf - inf``): ``x`` itself says whether it holds infinities or NaNs."""
    return not np.isfinite(value).all() and _all_finite(x)


def _all_finite(x: BlockArray) -> bool:
    """Whether ``x`` holds no infinity and no NaN (one more pass over it, block by block)."""
    finite = tree_reduce(x, tuple(range(x.ndim)), False, kernels.all_finite, {},
                         np.logical_and, np.bool_)
    return bool(finite.get())


def _combine_task(combine: Callable, node: int, refs: list) -> Any:
    return submit(kernels.reduce_combine, combine, *refs, node=node)


def _final_task(
    combine: Callable, finalize: Callable | None, shape: tuple, dtype: Any, fkw: dict,
    node: int, refs: list,
) -> Any:
    return submit(kernels.reduce_finalize, combine, finalize, shape, dtype, fkw, *refs, node=node)


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
    redo: Callable[[BlockArray], BlockArray] | None = None,
    regroups: bool = True,
) -> BlockArray:
    """Reduce ``x`` over ``axes``.

    ``partial(block, *extra_pieces, axis=axes, keepdims=True, **partial_kwargs)`` reduces one
    block (``extras`` are broadcast against ``x`` block by block); ``combine(p, q)`` merges
    two partials; ``finalize(p, **finalize_kwargs)`` turns the last partial into the result.
    A pending elementwise expression ``x`` is evaluated inside the partial reductions.
    ``redo(x)``: the reduction of (a snapshot of) ``x`` in NumPy's order, for a small result
    that may have overflowed on the way (see :func:`_overflowed`). ``regroups``: whether
    partial results of parts of a block may be combined too (rows of an expression reduced a
    chunk at a time); False for NumPy's left folds, whose reduced axis is whole in a block.
    """
    local = resident.reduce(x, axes, keepdims, partial, partial_kwargs, combine, dtype,
                            finalize, finalize_kwargs, extras, _out_shape(x, axes, keepdims))
    if local is not None:
        return local
    x = for_consumer(x).copy()  # snapshots: the tasks are submitted on first use
    extras = [e.copy() for e in extras]

    def call(idx: tuple[int, ...], node: int = 0) -> tuple[Callable, tuple]:
        slices = x.grid.block_slices(idx)
        pieces = [broadcast_region(e, slices, x.shape, node) for e in extras]
        spec, refs = operand_pieces(x, idx, node)
        if spec is None:
            return kernels.reduce_partial, (partial, axes, partial_kwargs, *refs, *pieces)
        # a pending elementwise expression, evaluated inside the partial
        return kernels.reduce_partial_expr, (partial, combine if regroups else None, axes,
                                             partial_kwargs, spec, len(refs), *refs, *pieces)

    def emit(idx: tuple[int, ...], node: int, refs: list) -> Any:
        fn, args = call(idx, node)
        return submit(fn, *args, node=node)

    plain = not extras and fused_expression(x) is None

    def vertex(g: OpGraph, idx: tuple[int, ...], shape: tuple[int, ...], dtype: Any) -> int:
        if plain:
            children = [g.leaf(x, idx)]
        else:
            slices = x.grid.block_slices(idx)
            children = g.reads(x, slices, x.shape)
            for e in extras:
                children += g.reads(e, slices, x.shape)
        return g.task(functools.partial(emit, idx), children, shape, dtype, kind="reduce")

    return _reduce(x, axes, keepdims, vertex, combine, finalize, finalize_kwargs or {}, dtype,
                   call, redo)


def arg_reduce(x: BlockArray, mode: str, axis: int | None, keepdims: bool) -> BlockArray:
    """argmax / argmin: partials carry (values, global indices)."""
    axes = tuple(range(x.ndim)) if axis is None else (axis,)
    local = resident.kernel(kernels.arg_partial, [x, mode, axis, (0,) * x.ndim, x.shape],
                            _out_shape(x, axes, keepdims), pick=1)
    if local is not None:
        return local
    x = x.copy()  # a snapshot: the tasks are submitted on first use (after a later x.sort())

    def call(idx: tuple[int, ...]) -> tuple[Callable, tuple]:
        return kernels.arg_partial, (x.blocks[idx], mode, axis, x.grid.block_starts(idx),
                                     x.shape)

    def emit(idx: tuple[int, ...], node: int, refs: list) -> Any:
        return submit(
            kernels.arg_partial, refs[0], mode, axis, x.grid.block_starts(idx), x.shape,
            node=node,
        )

    def vertex(g: OpGraph, idx: tuple[int, ...], shape: tuple[int, ...], dtype: Any) -> int:
        nbytes = 2 * g.graph.block_bytes(shape, np.intp)  # (values, indices)
        return g.task(functools.partial(emit, idx), [g.leaf(x, idx)], shape, np.intp,
                      kind="reduce", nbytes=nbytes)

    combine = functools.partial(kernels.arg_combine, mode)
    return _reduce(x, axes, keepdims, vertex, combine, kernels.arg_finalize, {}, np.intp,
                   call)


# ufuncs whose reductions NumPy may reorder (its "reorderable" ones): the partial results of
# blocks combine in any order, and a carry from the blocks before continues an accumulation.
# Any other ufunc (subtract, divide, power, arctan2, floor_divide, remainder, shifts, ...) is a
# left fold, one element after the other: its axis is made whole in each block.
REORDERABLE = frozenset([np.add, np.multiply, np.logical_and, np.logical_or, np.logical_xor,
                         np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.maximum,
                         np.minimum, np.fmax, np.fmin, np.gcd, np.lcm, np.hypot,
                         np.logaddexp, np.logaddexp2])


EXACT = frozenset([np.maximum, np.minimum, np.fmax, np.fmin, np.logical_and, np.logical_or,
                   np.logical_xor])  # no rounding: any grouping gives the same values


def keeps_order(ufunc: np.ufunc, dtype: Any) -> bool:
    """Whether ``ufunc`` on ``dtype`` must combine its partial results in their order: a sum
    or product of strings or Python objects (concatenations of strings and lists, products
    of matrices held as objects) is not commutative, though ``add`` and ``multiply`` of
    numbers are."""
    return ufunc in (np.add, np.multiply) and np.dtype(dtype).kind in "OSUT"


def _rounds_in_half(ufunc: np.ufunc, dtype: Any) -> bool:
    """Whether a float16 accumulation rounds at every step: NumPy's running float16 sum stalls
    where a block's carry added at the end would not (``cumsum`` of 20000 values in [0, 1)
    ends at 2048 in NumPy), so such an accumulation is one left fold along the whole axis."""
    return np.dtype(dtype) == np.float16 and ufunc not in EXACT


def cumulate(x: BlockArray, axis: int, ufunc: np.ufunc, dtype: Any) -> BlockArray:
    """``ufunc.accumulate`` along ``axis``: every block accumulates on its own, at once; a
    chain of small tasks carries the last slice of each block to the next, which continues
    from it (the values of a chain of whole blocks, without its waits). A ufunc that is not
    :data:`REORDERABLE` accumulates along the whole axis in one block."""
    local = resident.kernel(kernels.cumulative, [ufunc, axis, np.dtype(dtype), x])
    if local is not None:
        return local
    if (ufunc not in REORDERABLE or _rounds_in_half(ufunc, dtype)
            or keeps_order(ufunc, x.dtype)) and (
            x.grid.grid_shape[axis] > 1):
        x = relayout.whole_axis(x, axis)
    # a pending expression (a column, ``1 + r``) is read by the tasks themselves
    x = consumed(x)
    grid = ArrayGrid(x.shape, x.block_shape, dtype)
    own = np.empty(grid.grid_shape, dtype=object)
    for idx in grid.indices():
        own[idx] = submit_on(kernels.cumulative, x, idx, ufunc, axis, grid.dtype, pos=3,
                             node=int(x.nodes[idx]))
    blocks = np.empty(grid.grid_shape, dtype=object)
    carries: dict[tuple[int, ...], Any] = {}
    for idx in grid.indices():
        node = int(x.nodes[idx])
        if idx[axis] == 0:
            blocks[idx] = own[idx]
            continue
        p = list(idx)
        p[axis] -= 1
        p = tuple(p)
        # (the source blocks are read again only where a float sum overflowed)
        carries[idx] = submit_on(kernels.cumulative_carry, x, p, ufunc, axis, grid.dtype,
                                 own[p], *((carries[p],) if p in carries else ()), pos=4,
                                 lazy=True, node=node)
        blocks[idx] = submit_on(kernels.cumulative_continue, x, idx, ufunc, axis, grid.dtype,
                                own[idx], carries[idx], pos=4, lazy=True, node=node)
    return raising_now(BlockArray(grid, blocks, x.nodes.copy()))
