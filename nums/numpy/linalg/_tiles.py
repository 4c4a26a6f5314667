"""Square tiles for the blocked dense solvers (Cholesky, LU, triangular solves).

A matrix is recut into square ``tile x tile`` blocks (the block-cyclic layout of the grid
decides where each tile lives) and right-hand sides into blocks of ``tile`` rows. Every task
of these solvers runs where its output tile lives (owner computes, ScaLAPACK's rule); the
factor tiles it reads travel to it. Small matrices stay on one worker, where one LAPACK call
beats any tiling.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array import linalg_kernels as lk
from nums.core.array.blockarray import BlockArray, backend, submit
from nums.core.array.relayout import rechunk
from nums.numpy.linalg._tsqr import result_dtype

# below this many bytes a square matrix is factored by one LAPACK call on one worker
SMALL_BYTES = 16 * 2**20


def tile_size(n: int, workers: int) -> int:
    """The tile edge for an ``n x n`` factorization: at least 8 tiles a side (with fewer the
    critical path of diagonal factors and panels leaves workers idle: on 8000^2 here, 3x3
    tiles took 1.7x the time of 4x4 for Cholesky, and LU took 4.3 s with 8x8 against 4.65 s
    with 4x4), never smaller than 256 (BLAS-3 efficiency) nor larger than 2048."""
    side = max(8, 4 * workers)
    return int(min(max(-(-n // side), 256), 2048, n))


def dtypes(*dtypes: Any) -> tuple[np.dtype, np.dtype]:
    """``(computing, result)`` dtypes of a numpy.linalg solver on operands of ``dtypes``, as
    numpy's: results in the operands' common inexact type, computed in double precision
    (float32 operands are factored in float64 and the result cast back)."""
    result = np.result_type(*[result_dtype(d) for d in dtypes])
    return np.result_type(result, np.float64), result


def use_tiles(a: BlockArray) -> bool:
    """Whether ``a`` (2-d) is a square matrix for the tiled solvers (else one worker)."""
    return (a.ndim == 2 and a.shape[0] == a.shape[1] and a.size > 0
            and a.grid.num_blocks > 1 and a.nbytes > SMALL_BYTES)


def square_tiles(a: BlockArray, dtype: Any) -> BlockArray:
    """``a`` as ``dtype`` in square tiles of :func:`tile_size`."""
    if a.dtype != dtype:
        a = a.astype(dtype)
    tile = tile_size(a.shape[0], backend().num_workers())
    return rechunk(a, (tile, tile))


def row_tiles(b: BlockArray, tile: int, dtype: Any) -> BlockArray:
    """Right-hand sides ``b`` (``n`` or ``n x k``) in blocks of ``tile`` rows (and at most
    ``tile`` columns)."""
    if b.dtype != dtype:
        b = b.astype(dtype)
    shape = (tile,) if b.ndim == 1 else (tile, min(max(b.shape[1], 1), tile))
    return rechunk(b, shape)


def is_hermitian_positive_diagonal(a: BlockArray) -> bool:
    """Whether tiled square ``a`` equals its conjugate transpose exactly and its diagonal is
    real and positive (the test before trying Cholesky, as MATLAB's backslash does)."""
    t = a.grid_shape[0]
    checks = [submit(lk.hermitian_tiles, a.blocks[i, j], a.blocks[j, i], i == j,
                     node=int(a.nodes[i, j]))
              for i in range(t) for j in range(i + 1)]
    return all(backend().get(checks))


def triangular_solve(factor: np.ndarray, b: BlockArray, *, lower: bool, trans: str,
                     unit: bool = False) -> BlockArray:
    """``op(T)^-1 b`` for a triangular matrix ``T`` given as a ``t x t`` grid of tile refs
    (``factor[i, j]``; only the triangle named by ``lower`` is read; ``op`` is ``trans``:
    "N" or "C"), and ``b`` in blocks of the tiles' rows. Each result tile is one task, on
    the node of ``b``'s block, reading the solved tiles it depends on."""
    t = factor.shape[0]
    vector = b.ndim == 1
    cols = 1 if vector else b.grid_shape[1]
    # op(T) is lower triangular when (lower and trans == "N") or (upper and trans == "C")
    forward = lower == (trans == "N")
    order = range(t) if forward else range(t - 1, -1, -1)
    out = np.empty(b.grid_shape, dtype=object)
    for c in range(cols):
        for k in order:
            idx = (k,) if vector else (k, c)
            done = range(k) if forward else range(k + 1, t)
            pairs = []
            for j in done:
                # entry (k, j) of op(T): T[k, j] when trans == "N", else T[j, k]^H
                pairs += [factor[k, j] if trans == "N" else factor[j, k],
                          out[(j,) if vector else (j, c)]]
            out[idx] = submit(lk.tile_solve, factor[k, k], b.blocks[idx], lower, trans, unit,
                              *pairs, node=int(b.nodes[idx]))
    return BlockArray(b.grid, out, b.nodes.copy())
