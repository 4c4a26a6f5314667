"""Blocked Householder QR (by columns of tiles) for tall arrays whose ``R`` is too large for
TSQR to pass between nodes.

The array is cut into square tiles. Step ``k`` factors the column of tiles ``k..`` of
column ``k`` in one task (LAPACK's geqrt: the reflectors ``V`` and compact-WY ``T``), then
applies ``Q_k^H`` to every trailing column in one task each (gemqrt); the top tiles of the
columns are the rows of ``R``. ``Q`` is formed by applying the panels in reverse order to
the first ``n`` columns of the identity, each step touching only the columns and rows its
reflectors reach. The reflectors are LAPACK's, so ``R`` and ``Q`` equal numpy's (signs
included) up to rounding. A panel task runs where its diagonal tile lives, a column's
update where that column's tile ``k`` lives; no task holds more than a column of tiles.
"""

from __future__ import annotations

import numpy as np

from nums.core.array import linalg_kernels as lk
from nums.core.array.blockarray import BlockArray, backend, submit
from nums.core.array.relayout import rechunk
from nums.core.graph.grid import ArrayGrid
from nums.numpy._creation import eye
from nums.numpy.linalg._tiles import dtypes, tile_size


def blocked_qr(a: BlockArray, want_q: bool = True) -> tuple[BlockArray | None, BlockArray]:
    """``(Q, R)`` of a 2-d array with ``m >= n`` (reduced: ``Q`` is ``m x n``); ``Q`` is None
    when not ``want_q``."""
    m, n = a.shape
    computing, result = dtypes(a.dtype)
    b = tile_size(n, backend().num_workers())
    a = rechunk(a if a.dtype == computing else a.astype(computing), (b, b))
    rows, cols = a.grid_shape
    work = a.blocks.copy()
    nodes = a.nodes
    r_tiles = np.empty((cols, cols), dtype=object)
    panels = []
    for k in range(cols):
        v, t, r_tiles[k, k] = submit(lk.qr_panel, *work[k:, k], node=int(nodes[k, k]),
                                     num_returns=3)
        panels.append((v, t))
        for j in range(k + 1, cols):
            new = _apply(v, t, True, work[k:, j], int(nodes[k, j]))
            r_tiles[k, j] = new[0]
            work[k + 1:, j] = new[1:]
    r_grid, r_nodes = ArrayGrid((n, n), (b, b), computing), nodes[:cols, :cols].copy()
    for k in range(cols):
        for j in range(k):
            r_tiles[k, j] = submit(lk.zero_tile, r_grid.block_shape_at((k, j)), computing,
                                   node=int(r_nodes[k, j]))
    r = BlockArray(r_grid, r_tiles, r_nodes)
    q = None
    if want_q:
        e = rechunk(eye(m, n, dtype=computing), (b, b))
        q_tiles = e.blocks.copy()
        for k in range(cols - 1, -1, -1):
            v, t = panels[k]
            for j in range(k, cols):
                q_tiles[k:, j] = _apply(v, t, False, q_tiles[k:, j], int(e.nodes[k, j]))
        q = BlockArray(e.grid, q_tiles, e.nodes.copy())
    if result != computing:
        r = r.astype(result)
        q = None if q is None else q.astype(result)
    return q, r


def _apply(v, t, adjoint: bool, tiles: np.ndarray, node: int) -> list:
    new = submit(lk.qr_apply, v, t, adjoint, *tiles, node=node, num_returns=len(tiles))
    return new if len(tiles) > 1 else [new]

