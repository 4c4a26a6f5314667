"""Blocked LU with partial pivoting (right-looking, by columns of tiles) for ``solve``,
``inv``, ``det`` and ``slogdet`` of large square matrices.

Step ``k`` factors the column of tiles ``k..t-1`` of column ``k`` in one task (getrf of a
block column: the pivot search needs the whole column), then updates every trailing
column in one task each: its rows permuted as the panel's, its top tile solved by the
panel's unit lower factor (a tile of ``U``), the tiles below it less ``L_ik U_kj``.
Right-hand sides are carried as extra columns, so after the last step they hold
``L^-1 P b`` and a blocked back substitution by ``U`` gives ``x``. The panel tasks run
where the diagonal tile lives, a column's update where that column's tile ``k`` lives; the
runtime starts panel ``k+1`` as soon as column ``k+1`` is updated, while the other columns
still are (look-ahead without a schedule of its own).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array import linalg_kernels as lk
from nums.core.array.blockarray import BlockArray, backend, submit


def eliminate(a: BlockArray, b: BlockArray | None, raise_singular: bool = True
              ) -> tuple[np.ndarray, BlockArray | None, list]:
    """Gaussian elimination of square tiled ``a`` (and right-hand sides ``b`` in blocks of
    the tiles' rows): ``(U as a t x t grid of tile refs (upper triangle; the diagonal tiles
    pack L's too), L^-1 P b, the refs of the panels' row-swap counts)``."""
    t = a.grid_shape[0]
    work = a.blocks.copy()
    factor = np.empty((t, t), dtype=object)
    rhs = rhs_nodes = None
    if b is not None:
        rhs = b.blocks.reshape(t, -1).copy()
        rhs_nodes = b.nodes.reshape(t, -1)
        y = np.empty_like(rhs)
    swaps = []
    for k in range(t):
        lu_kk, l_below, perm, nswaps = submit(
            lk.lu_panel, raise_singular, *work[k:, k], node=int(a.nodes[k, k]), num_returns=4)
        factor[k, k] = lu_kk
        swaps.append(nswaps)
        columns = [(work, j, int(a.nodes[k, j])) for j in range(k + 1, t)]
        if rhs is not None:
            columns += [(rhs, c, int(rhs_nodes[k, c])) for c in range(rhs.shape[1])]
        for tiles, j, node in columns:
            new = submit(lk.lu_update, lu_kk, l_below, perm, *tiles[k:, j], node=node,
                         num_returns=t - k)
            new = new if t - k > 1 else [new]
            if tiles is work:
                factor[k, j] = new[0]
            else:
                y[k, j] = new[0]
            tiles[k + 1:, j] = new[1:]
    if b is None:
        return factor, None, swaps
    return factor, BlockArray(b.grid, y.reshape(b.grid_shape), b.nodes.copy()), swaps


def lu_slogdet(a: BlockArray) -> tuple[Any, Any]:
    """``(sign, log|det|)`` of square tiled ``a`` from its blocked LU (fetched)."""
    factor, _, swaps = eliminate(a, None, raise_singular=False)
    t = factor.shape[0]
    parts = backend().get([submit(lk.diagonal_slogdet, factor[k, k], node=int(a.nodes[k, k]))
                           for k in range(t)] + swaps)
    sign = np.prod([s for s, _ in parts[:t]]) * (-1) ** (sum(parts[t:]) % 2)
    logdet = sum(log for _, log in parts[:t]) if sign != 0 else -np.inf
    return sign, logdet
