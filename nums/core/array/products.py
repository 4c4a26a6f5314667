"""Block matrix products: tensordot and (batched, broadcasting) matmul.

An output block is the sum over the contracted block index of products of aligned blocks.
Operands are first rechunked so their contracted axes share block boundaries (the smaller
operand moves). Each partial product is a task of the operation's graph; where it runs and
which partials are added where is decided by the session's optimizer
(:mod:`nums.core.array.planning`). On one node, a 2-d product with an output block per
worker computes each output block's products and their sum in one task instead
(``_sum_in_one_task``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from nums.core import context, progress
from nums.core.array import kernels, resident
from nums.core.array.blockarray import (
    BlockArray,
    DriverValue,
    backend,
    local_value,
    run_here,
    submit,
    worker_count,
)
from nums.core.array.blockarray import resident as resident_array
from nums.core.array.fusion import for_consumer, operand_pieces, row_product
from nums.core.array.planning import OpGraph
from nums.core.array.reduction import tree_reduce
from nums.core.array.regions import broadcast_region
from nums.core.array.relayout import align_axis
from nums.core.graph.grid import ArrayGrid
from runtime.errors import warnings_at_caller


def _align_pair(
    a: BlockArray, b: BlockArray, pairs: Sequence[tuple[int, int]]
) -> tuple[BlockArray, BlockArray]:
    """Rechunk the smaller operand so contracted axes share block sizes."""
    for ia, ib in pairs:
        if a.block_shape[ia] == b.block_shape[ib]:
            continue
        if a.nbytes >= b.nbytes:
            b = align_axis(b, ib, a.block_shape[ia])
        else:
            a = align_axis(a, ia, b.block_shape[ib])
    return a, b


def _half(dtype: Any) -> bool:
    """Whether a product of result ``dtype`` is computed in float32 and rounded once at the
    end: NumPy accumulates float16 products in float32, where a sum of float16 block
    products would round every partial result (3.6% off on 20000 elements in blocks of 10)."""
    return np.dtype(dtype) == np.float16


def tensordot(
    a: BlockArray, b: BlockArray, axes_a: Sequence[int], axes_b: Sequence[int], dtype: Any
) -> BlockArray:
    local = resident.tensordot(a, b, axes_a, axes_b, dtype)
    if local is not None:
        return local
    if _half(dtype):
        return tensordot(a, b, axes_a, axes_b, np.float32).astype(np.float16)
    a, b = _align_pair(a, b, list(zip(axes_a, axes_b)))
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [i for i in range(b.ndim) if i not in axes_b]
    grid = ArrayGrid(
        tuple(a.shape[i] for i in free_a) + tuple(b.shape[i] for i in free_b),
        tuple(a.block_shape[i] for i in free_a) + tuple(b.block_shape[i] for i in free_b),
        dtype,
    )
    k_ranges = [range(a.grid_shape[i]) for i in axes_a]
    local_axes = (list(axes_a), list(axes_b))
    g = OpGraph("tensordot")
    for idx in grid.indices():
        ia_free, ib_free = idx[: len(free_a)], idx[len(free_a) :]
        with g.tree(idx):
            parts = []
            for k in itertools.product(*k_ranges):
                ai = [0] * a.ndim
                for ax, i in zip(free_a, ia_free):
                    ai[ax] = i
                for ax, i in zip(axes_a, k):
                    ai[ax] = i
                bi = [0] * b.ndim
                for ax, i in zip(free_b, ib_free):
                    bi[ax] = i
                for ax, i in zip(axes_b, k):
                    bi[ax] = i
                ai, bi = tuple(ai), tuple(bi)
                emit = functools.partial(_tensordot_task, local_axes, grid.dtype)
                parts.append(g.task(emit, [g.leaf(a, ai), g.leaf(b, bi)],
                                    grid.block_shape_at(idx), grid.dtype, kind="tensordot"))
            g.output(idx, _sum_or_zeros(g, parts, grid, idx))
    return g.finish(grid)


def _tensordot_task(axes: Any, dtype: Any, node: int, refs: list) -> Any:
    return submit(kernels.tensordot, refs[0], refs[-1], axes, dtype, node=node)


def _sum_or_zeros(g: OpGraph, parts: list[int], grid: ArrayGrid, idx: tuple[int, ...]) -> int:
    """The sum of the partial products, or a zero block when nothing is contracted."""
    if parts:
        return g.sum(parts)
    shape = grid.block_shape_at(idx)
    emit = functools.partial(_zeros_task, shape, grid.dtype)
    return g.task(emit, [], shape, grid.dtype, name="zeros")


def _zeros_task(shape: tuple, dtype: Any, node: int, refs: list) -> Any:
    return submit(kernels.full, shape, 0, dtype, node=node)


def _unwrap_transpose(x: BlockArray) -> tuple[BlockArray, bool]:
    pending = x.pending_transpose
    if pending is not None and x.ndim == 2 and pending[1] == (1, 0):
        return pending[0], True
    return x, False


def matmul2d(a: BlockArray, b: BlockArray, dtype: Any) -> BlockArray:
    """``a @ b`` for a matrix and a matrix or a vector (either side, numpy's matmul rules).

    A pending transpose is read from its source blocks, and a pending fused elementwise
    expression is evaluated inside the product's kernel (never stored). A vector's blocks
    enter the block products as they are: no reshape tasks. ``X @ w`` of a matrix in row
    blocks and a small driver-resident vector is itself pending (:func:`fusion.row_product`).
    """
    local = resident.matmul(a, b, dtype)
    if local is not None:
        return local
    w = _small_vector(a, b, dtype)
    if w is not None:
        # snapshots of both operands: writes to either later must not reach the product
        w = np.array(w)
        w.flags.writeable = False
        return row_product(a, w, dtype, ArrayGrid(a.shape[:1], a.block_shape[:1], dtype),
                           functools.partial(_matmul2d_planned, a.copy(), resident_array(w),
                                             dtype))
    local = _with_driver_operand(a, b, dtype)
    if local is not None:
        return local
    return _kept_in_driver(_matmul2d_planned(a, b, dtype))


def _with_driver_operand(a: BlockArray, b: BlockArray, dtype: Any) -> BlockArray | None:
    """``a @ b`` of a distributed matrix and a small driver-resident vector or matrix (either
    side: ``A @ v``, ``A.T @ v``, ``v @ A``, ``A @ W``) whose result is small, on one node: a
    driver value, computed on first use and kept in the driver. A backend whose stores the
    driver maps has the driver compute it from the blocks in place (NumPy's BLAS on every
    core); another runs one task per block of the result's long axis, each given its pieces
    of the small operand inside its spec. It saves what the planned product costs an
    iteration of power iteration or conjugate gradients besides the arithmetic: putting the
    vector in the store in the matrix's blocks, planning, the tasks' round trip, and a fetch
    per later operation on the result. None: another path."""
    right = local_value(b) if isinstance(b, BlockArray) else None
    left = local_value(a) if right is None and isinstance(a, BlockArray) else None
    small = right if right is not None else left
    big = a if right is not None else b
    if (small is None or small.nbytes > ROW_PRODUCT_VECTOR_BYTES or big.ndim != 2
            or local_value(big) is not None or _half(dtype) or big.size == 0
            or small.size == 0 or np.dtype(dtype).kind not in "biufc"
            or small.dtype.kind not in "biufc" or big.dtype.kind not in "biufc"
            or context.get().settings.num_nodes != 1):
        return None
    src, trans = _unwrap_transpose(big)
    if src.pending() is not None:
        return None  # a pending expression: the planned product evaluates it in its kernels
    # axes of src: ``long`` gives the result's blocks, ``inner`` is contracted
    inner = (1 if not trans else 0) if right is not None else (0 if not trans else 1)
    long = 1 - inner
    shape = ((big.shape[0],) + small.shape[1:] if right is not None
             else small.shape[:-1] + (big.shape[1],))
    nblocks = src.grid.grid_shape[long]
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    here = backend().blocks_in_driver_memory
    if (nblocks < worker_count() and not here) or not resident.fetchable_size(nbytes, 1):
        return None  # one task would do all of it, or the result stays distributed
    src = src.copy()  # a snapshot of the blocks: the tasks run on first use
    bs = src.block_shape[inner]
    k_blocks = src.grid.grid_shape[inner]

    pieces = [small[..., k * bs:(k + 1) * bs] if left is not None
              else small[k * bs:(k + 1) * bs] for k in range(k_blocks)]
    rows = [[(j, k) if long == 0 else (k, j) for k in range(k_blocks)] for j in range(nblocks)]

    def call(m_blocks: list) -> tuple:  # the kernel and arguments of one result block
        if right is not None:
            return kernels.matmul_sum, (trans, False, dtype, k_blocks, *m_blocks, *pieces)
        return kernels.matmul_sum, (False, trans, dtype, k_blocks, *pieces, *m_blocks)

    def make() -> np.ndarray:
        calls = [call([src.blocks[i] for i in idx]) for idx in rows]
        if here:  # NumPy's product on the blocks in place, one after the other: BLAS uses
            with warnings_at_caller():  # every core (no task, nothing sent or waited for)
                parts = run_here(calls, "matmul", parallel=False)
        else:
            parts = progress.get([submit(fn, *args, node=int(src.nodes[idx[0]]))
                                  for (fn, args), idx in zip(calls, rows)], "matmul")
        return np.concatenate(parts, axis=0 if right is not None else -1)

    snapshots = (a.copy(), b.copy())

    def graph() -> OpGraph:  # for nums.explain: the planned product's graph, tasks alike
        planned = _matmul2d_planned(*snapshots, dtype)
        return planned._pending.graph(planned)

    grid = ArrayGrid.one_block(shape, np.dtype(dtype))
    return BlockArray(grid, None, None, pending=DriverValue(make, graph))


def vector_dot(a: BlockArray, b: BlockArray, dtype: Any) -> BlockArray | None:
    """``a @ b`` of two distributed vectors (a 0-d result) as a reduction: each block's
    ``dot`` with its piece of ``b``, the partials added (computed by the driver where it
    reads the blocks in place); no reshape of either vector into a matrix. None for empty
    or non-numeric operands (the general product)."""
    if (a.ndim != 1 or b.ndim != 1 or a.size == 0 or _half(dtype)
            or np.dtype(dtype).kind not in "biufc" or a.dtype.kind not in "biufc"
            or b.dtype.kind not in "biufc"):
        return None
    return tree_reduce(a, (0,), False, kernels.dot_partial, {"dtype": np.dtype(dtype)},
                       np.add, np.dtype(dtype), extras=[b])


def _kept_in_driver(x: BlockArray) -> BlockArray:
    """Planned product ``x`` as a driver value when it is small enough to be fetched
    (:func:`resident.fetchable`: ``A @ v`` of a large matrix is a vector): its tasks still
    run on first use, and the driver then keeps the value, so the vector arithmetic of an
    iteration that follows (``v @ w``, ``norm(w)``, ``w / norm(w)``) runs here with NumPy at
    once instead of fetching the blocks again for each operation."""
    if not resident.fetchable(x):
        return x
    grid = ArrayGrid.one_block(x.shape, x.dtype)
    return BlockArray(grid, None, None, pending=DriverValue(x.get, lambda: x._pending.graph(x)))


ROW_PRODUCT_VECTOR_BYTES = 1 << 16  # a vector this small travels inside each task's spec


def _small_vector(a: BlockArray, b: BlockArray, dtype: Any) -> np.ndarray | None:
    """The value of ``b`` when ``a @ b`` is a row product: ``a`` a plain numeric matrix in
    row blocks (one block of columns), ``b`` a small driver-resident numeric vector."""
    if (a.ndim != 2 or b.ndim != 1 or a.grid.grid_shape[1] != 1 or a.pending() is not None
            or np.dtype(dtype).kind not in "biufc" or a.dtype.kind not in "biufc"
            or b.nbytes > ROW_PRODUCT_VECTOR_BYTES):
        return None
    w = local_value(b)
    return w if w is not None and w.dtype.kind in "biufc" else None


def _matmul2d_planned(a: BlockArray, b: BlockArray, dtype: Any) -> BlockArray:
    """:func:`matmul2d` as a planned block product (its tasks run on first use)."""
    if _half(dtype):
        return _matmul2d_planned(a, b, np.float32).astype(np.float16)
    sa, ta = _unwrap_transpose(a)
    sb, tb = _unwrap_transpose(b)
    sa = for_consumer(sa)
    # a product over the rows of sa (``X.T @ f(X @ w)``) evaluates row products of sa itself
    sb = for_consumer(sb, rows_of=sa if ta and not tb else None) if sb is not sa else sb
    ka = 0 if (ta or a.ndim == 1) else 1  # contracted axis in each source
    kb = 1 if tb else 0
    if sa.block_shape[ka] != sb.block_shape[kb]:
        if a.nbytes >= b.nbytes:
            sb = align_axis(sb, kb, sa.block_shape[ka])
        else:
            sa = align_axis(sa, ka, sb.block_shape[kb])
    rows = (a.shape[0],) if a.ndim == 2 else ()
    cols = (b.shape[1],) if b.ndim == 2 else ()
    row_bs = (sa.block_shape[1 if ta else 0],) if a.ndim == 2 else ()
    col_bs = (sb.block_shape[0 if tb else 1],) if b.ndim == 2 else ()
    grid = ArrayGrid(rows + cols, row_bs + col_bs, dtype)
    sa, sb = sa.copy(), sb.copy()  # snapshots: the tasks are submitted on first use
    contracted = sa.grid_shape[ka]
    whole_rows = _sum_in_one_task(sa, sb, contracted, grid)
    g = OpGraph("matmul")
    for idx in grid.indices():
        i = idx[0] if rows else 0
        j = idx[-1] if cols else 0
        with g.tree(idx):
            parts, pairs, children = [], [], []
            for k in range(contracted):
                ai = ((k, i) if ta else (i, k)) if rows else (k,)
                bi = ((j, k) if tb else (k, j)) if cols else (k,)
                reads = g.reads(sa, sa.grid.block_slices(ai), sa.shape)
                reads += g.reads(sb, sb.grid.block_slices(bi), sb.shape)
                if whole_rows:
                    pairs.append((ai, bi))
                    children += reads
                    continue
                emit = functools.partial(_matmul2d_task, sa, sb, ai, bi, ta, tb, grid.dtype)
                parts.append(g.task(emit, reads, grid.block_shape_at(idx), grid.dtype,
                                    kind="tensordot"))
            if whole_rows:
                emit = functools.partial(_matmul_sum_task, sa, sb, tuple(pairs), ta, tb,
                                         grid.dtype)
                parts.append(g.task(emit, children, grid.block_shape_at(idx), grid.dtype,
                                    kind="tensordot"))
            g.output(idx, _sum_or_zeros(g, parts, grid, idx))
    return g.finish(grid)


def _sum_in_one_task(sa: BlockArray, sb: BlockArray, contracted: int, grid: ArrayGrid) -> bool:
    """Whether each output block's products and their sum run as one task: on one node
    (every block is in the one store, read in place), with at least one output block per
    worker (the products of a block would otherwise be the only parallelism) and operands
    with blocks (a pending expression is evaluated inside per-product kernels). One task per
    output block has no combining tasks and no round trip for them: ``A @ v`` of a square
    matrix in 2 x 2 blocks is two tasks instead of four products and two additions."""
    return (contracted > 1 and context.get().settings.num_nodes == 1
            and grid.num_blocks >= worker_count()
            and sa.pending("fused") is None and sb.pending("fused") is None)


def _matmul_sum_task(
    sa: BlockArray, sb: BlockArray, pairs: tuple, ta: bool, tb: bool, dtype: Any,
    node: int, refs: list,
) -> Any:
    """One output block as the sum of its block products, in one task on ``node``."""
    a_refs = [sa.blocks[ai] for ai, _ in pairs]
    b_refs = [sb.blocks[bi] for _, bi in pairs]
    return submit(kernels.matmul_sum, ta, tb, dtype, len(pairs), *a_refs, *b_refs, node=node)


def _matmul2d_task(
    sa: BlockArray, sb: BlockArray, ai: tuple, bi: tuple, ta: bool, tb: bool, dtype: Any,
    node: int, refs: list,
) -> Any:
    """One block product on ``node``; a pending expression operand is evaluated inside."""
    a_spec, a_refs = operand_pieces(sa, ai, node)
    b_spec, b_refs = operand_pieces(sb, bi, node)
    if a_spec is None and b_spec is None:
        return submit(kernels.matmul_t, *a_refs, *b_refs, ta, tb, dtype, node=node)
    return submit(
        kernels.matmul_expr, ta, tb, dtype, a_spec, len(a_refs), b_spec, *a_refs, *b_refs,
        node=node,
    )


def matmul(a: BlockArray, b: BlockArray, dtype: Any) -> BlockArray:
    """``a @ b`` for ``a.ndim, b.ndim >= 2`` with broadcast batch axes."""
    local = resident.matmul(a, b, dtype)
    if local is not None:
        return local
    if a.ndim == 2 and b.ndim == 2:
        return matmul2d(a, b, dtype)
    if _half(dtype):
        return matmul(a, b, np.float32).astype(np.float16)
    a, b = _align_pair(a, b, [(a.ndim - 1, b.ndim - 2)])
    batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    nb = len(batch)
    batch_bs = []
    for axis in range(nb):
        bs = 1
        for x in (a, b):
            ax = axis - (nb - (x.ndim - 2))
            if ax >= 0 and x.shape[ax] == batch[axis]:
                bs = x.block_shape[ax]
                break
        batch_bs.append(bs)
    shape = batch + (a.shape[-2], b.shape[-1])
    grid = ArrayGrid(shape, tuple(batch_bs) + (a.block_shape[-2], b.block_shape[-1]), dtype)
    kb = a.grid.boundaries(a.ndim - 1)
    a_shape = batch + (a.shape[-2], a.shape[-1])
    b_shape = batch + (b.shape[-2], b.shape[-1])
    a, b = a.copy(), b.copy()  # snapshots: the tasks are submitted on first use
    g = OpGraph("matmul")
    for idx in grid.indices():
        slices = grid.block_slices(idx)
        with g.tree(idx):
            parts = []
            for k in range(len(kb) - 1):
                ks = slice(kb[k], kb[k + 1])
                a_sl = list(slices[:nb]) + [slices[nb], ks]
                b_sl = list(slices[:nb]) + [ks, slices[nb + 1]]
                children = g.reads(a, a_sl, a_shape) + g.reads(b, b_sl, b_shape)
                emit = functools.partial(
                    _matmul_task, a, b, a_sl, b_sl, a_shape, b_shape, grid.dtype
                )
                parts.append(g.task(emit, children, grid.block_shape_at(idx), grid.dtype,
                                    kind="tensordot"))
            g.output(idx, _sum_or_zeros(g, parts, grid, idx))
    return g.finish(grid)


def _matmul_task(
    a: BlockArray, b: BlockArray, a_sl: list, b_sl: list, a_shape: tuple, b_shape: tuple,
    dtype: Any, node: int, refs: list,
) -> Any:
    ra = broadcast_region(a, a_sl, a_shape, node)
    rb = broadcast_region(b, b_sl, b_shape, node)
    return submit(kernels.matmul, ra, rb, dtype, node=node)
