"""Blocked (tiled) Cholesky of a large symmetric (Hermitian) positive-definite matrix.

The matrix is cut into square tiles; for each column of tiles ``k``: the diagonal tile is
factored (``L_kk``), the tiles below it are solved against it (``L_ik = A_ik L_kk^-H``), and
every tile of the trailing lower triangle is updated (``A_ij -= L_ik L_jk^H``). Only the
lower triangle is read, as numpy's ``cholesky``. Tiles and placement: :mod:`._tiles`.
"""

from __future__ import annotations

import numpy as np

from nums.core.array import linalg_kernels as lk
from nums.core.array.blockarray import BlockArray, backend, submit
from nums.numpy.linalg._tiles import dtypes, square_tiles


def tiled_cholesky(a: BlockArray) -> BlockArray:
    """The lower Cholesky factor of square ``a``; numpy's LinAlgError (raised at the call)
    when it is not positive definite."""
    computing, result = dtypes(a.dtype)
    a = square_tiles(a, computing)
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
            out[i, j] = submit(lk.zero_tile, a.grid.block_shape_at((i, j)), computing,
                               node=int(nodes[i, j]))
    # numpy raises LinAlgError at the call: wait for the diagonal factors (a failed one raises)
    backend().get([submit(np.shape, out[k, k], node=int(nodes[k, k])) for k in range(t)])
    lower = BlockArray(a.grid, out, nodes.copy())
    return lower if result == computing else lower.astype(result)
