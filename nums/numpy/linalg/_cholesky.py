"""Blocked (tiled) Cholesky of a large symmetric (Hermitian) positive-definite matrix.

The matrix is cut into square tiles; for each column of tiles ``k``: the diagonal tile is
factored (``L_kk``), the tiles below it are solved against it (``L_ik = A_ik L_kk^-H``), and
every tile of the trailing lower triangle is updated (``A_ij -= L_ik L_jk^H``). Only the
lower triangle is read, as numpy's ``cholesky``. Placement, stated: every task runs where
its output tile lives (owner computes, ScaLAPACK's rule on the block-cyclic layout); the
factor tiles it reads travel to it.
"""

from __future__ import annotations

import numpy as np

from nums.core.array import linalg_kernels as lk
from nums.core.array.blockarray import BlockArray, backend, submit
from nums.core.array.relayout import rechunk
from nums.numpy.linalg._tsqr import result_dtype


def tile_size(n: int, workers: int) -> int:
    """The tile edge for an ``n x n`` factorization: at least 4 tiles a side (with fewer the
    critical path of diagonal factors leaves workers idle; 3x3 tiles of 8000^2 took 1.7x
    the time of 4x4 here), never smaller than 256 (BLAS-3 efficiency) nor larger than 2048
    (so more workers find tiles to update)."""
    side = max(4, 2 * workers)
    return int(min(max(-(-n // side), 256), 2048, n))


def tiled_cholesky(a: BlockArray) -> BlockArray:
    """The lower Cholesky factor of square ``a``; numpy's LinAlgError (raised at the call)
    when it is not positive definite."""
    dtype = result_dtype(a.dtype)
    if a.dtype != dtype:
        a = a.astype(dtype)
    tile = tile_size(a.shape[0], backend().num_workers())
    if a.block_shape != (tile, tile):
        a = rechunk(a, (tile, tile))
    t = a.grid_shape[0]
    work = a.blocks.copy()
    nodes = a.nodes
    out = np.empty((t, t), dtype=object)
    for k in range(t):
        out[k, k] = submit(lk.potrf, work[k, k], node=int(nodes[k, k]))
        for i in range(k + 1, t):
            out[i, k] = submit(lk.trsm_lower_t, out[k, k], work[i, k], node=int(nodes[i, k]))
        for i in range(k + 1, t):
            for j in range(k + 1, i + 1):
                work[i, j] = submit(lk.update_tile, work[i, j], out[i, k], out[j, k],
                                    node=int(nodes[i, j]))
    for i in range(t):
        for j in range(i + 1, t):
            out[i, j] = submit(lk.zero_tile, a.grid.block_shape_at((i, j)), dtype,
                               node=int(nodes[i, j]))
    # numpy raises LinAlgError at the call: wait for the diagonal factors (a failed one raises)
    backend().get([submit(np.shape, out[k, k], node=int(nodes[k, k])) for k in range(t)])
    return BlockArray(a.grid.with_dtype(dtype), out, nodes.copy())
