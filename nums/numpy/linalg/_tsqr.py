"""TSQR: the QR factorization of a tall-skinny array as a tree of local QRs.

Each row block is factored where it lives (``X_i = Q_i R_i``); the ``R`` factors are stacked
``FAN_IN`` at a time and factored again, up a tree, until one ``R`` is left: that is the ``R``
of ``X``. Only ``n x n`` factors travel between nodes. ``Q`` is made one of two ways, chosen
by the condition number of ``R`` (that of ``X``):

- *indirect* (``cond(R) <= INDIRECT_COND``): ``Q = X R^-1``, one product per row block. The
  tree then needs only the ``R`` factors (no ``Q_i`` is formed), and the loss of
  orthogonality is about ``cond(X) * eps``.
- *direct*: ``Q`` assembled back down the tree: every step passes its children the rows of
  its own ``Q`` times what it received, and each row block's ``Q`` is ``Q_i`` times the small
  factor that reaches it. Orthogonal to working precision whatever the conditioning.

Shape and placement of the tree, stated: a leaf runs where its row block is; the steps of
one node are combined ``FAN_IN`` at a time on that node until each node holds one ``R``
(so only one ``n x n`` factor per node crosses the network), then ``FAN_IN`` nodes' at a
time; a step runs where its first child ran; each factor passed down where the step that
made it ran.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from nums.core.array import linalg_kernels as lk
from nums.core.array.blockarray import BlockArray, backend, submit
from nums.core.array.regions import region
from nums.core.array.relayout import rechunk
from nums.core.graph.grid import ArrayGrid
from nums.numpy._products import matmul
from nums.numpy.linalg._worker import one_block

FAN_IN = 8
INDIRECT_COND = 1e5


@dataclasses.dataclass
class _Step:
    node: int
    r: Any  # ref of this step's R (rows k)
    k: int
    q: Any = None  # ref of this step's Q (None when only R is wanted)
    children: list = dataclasses.field(default_factory=list)
    index: int = -1  # a leaf's row block


def result_dtype(dtype: Any) -> np.dtype:
    """The dtype of numpy's QR of an array of ``dtype`` (integers become float64)."""
    return np.linalg.qr(np.zeros((1, 1), dtype), mode="r").dtype


def tsqr(x: BlockArray, want_q: bool = True, method: str = "auto"
         ) -> tuple[BlockArray | None, BlockArray]:
    """``(Q, R)`` of a 2-d array with at least as many rows as columns (reduced: ``Q`` is
    ``m x n``, ``R`` is ``n x n``); ``Q`` is None when not ``want_q``. ``method``: "auto"
    (by conditioning), "indirect" or "direct" (see the module docstring)."""
    m, n = x.shape
    dtype = result_dtype(x.dtype)
    if x.dtype != dtype:
        x = x.astype(dtype)
    if x.grid_shape[1] != 1:
        x = rechunk(x, (x.block_shape[0], n))
    if want_q and method == "auto":
        root = _tree(x, with_q=False)
        r = one_block(root.r, (root.k, n), dtype, root.node)
        kappa = np.inf if root.k < n else float(_condition(root))
        if kappa <= INDIRECT_COND:
            rinv = one_block(submit(lk.inverse_upper, root.r, node=root.node), (n, n), dtype,
                             root.node)
            return matmul(x, rinv), r
        method = "direct"
    if want_q and method == "indirect":
        _, r = tsqr(x, want_q=False)
        rinv = one_block(submit(lk.inverse_upper, r.blocks.flat[0], node=int(r.nodes.flat[0])),
                         (n, n), dtype, int(r.nodes.flat[0]))
        return matmul(x, rinv), r
    root = _tree(x, with_q=want_q)
    r = one_block(root.r, (root.k, n), dtype, root.node)
    if not want_q:
        return None, r
    leaves: dict[int, Any] = {}
    _descend(root, None, leaves)
    k = root.k
    grid = ArrayGrid((m, k), (x.block_shape[0], max(k, 1)), dtype)
    blocks = np.empty(grid.grid_shape, dtype=object)
    for i, ref in leaves.items():
        blocks[i, 0] = ref
    nodes = np.asarray(x.nodes[:, :1]).copy()
    return BlockArray(grid, blocks, nodes), r


def r_augmented(x: BlockArray, rhs: BlockArray) -> tuple[Any, int]:
    """``(ref, node)`` of the ``R`` of ``[x | rhs]`` (tall ``x``): one pass over ``x``."""
    n = x.shape[1]
    if x.grid_shape[1] != 1:
        x = rechunk(x, (x.block_shape[0], n))
    root = _tree(x, with_q=False, rhs=rhs)
    return root.r, root.node


def _condition(root: _Step) -> float:
    """The 2-norm condition number of the (square) ``R`` of ``root``, on its node."""
    return float(backend().get([submit(lk.condition_2, root.r, node=root.node)])[0])


def _tree(x: BlockArray, with_q: bool, rhs: BlockArray | None = None) -> _Step:
    """The tree of local QRs of row-blocked ``x`` (of ``[x | rhs]`` with right-hand sides,
    R only); its root holds ``R``."""
    n = x.shape[1] + (0 if rhs is None else (rhs.shape[1] if rhs.ndim == 2 else 1))
    level = []
    for i in range(x.grid_shape[0]):
        node = int(x.nodes[i, 0])
        rows = x.grid.block_shape_at((i, 0))[0]
        if with_q:
            q, r = submit(lk.qr_block, x.blocks[i, 0], node=node, num_returns=2)
        elif rhs is None:
            q, r = None, submit(lk.qr_block_r, x.blocks[i, 0], node=node)
        else:
            lo = x.grid.axis_start(0, i)
            piece = region(rhs, [slice(lo, lo + rows)] + [slice(0, c) for c in rhs.shape[1:]],
                           node)[0]
            q, r = None, submit(lk.qr_block_r, x.blocks[i, 0], piece, node=node)
        level.append(_Step(node, r, min(rows, n), q, index=i))
    while len(level) > 1:
        upper = []
        for group in _groups(level):
            if len(group) == 1:
                upper.append(group[0])
                continue
            node = group[0].node
            refs = [s.r for s in group]
            if with_q:
                q, r = submit(lk.qr_stacked, *refs, node=node, num_returns=2)
            else:
                q, r = None, submit(lk.qr_stacked_r, *refs, node=node)
            upper.append(_Step(node, r, min(sum(s.k for s in group), n), q, group))
        level = upper
    return level[0]


def _groups(level: list[_Step]) -> list[list[_Step]]:
    """The next level's groups: ``FAN_IN`` steps of one node at a time while a node holds
    several, so that the lower levels stay on their nodes and only one ``R`` per node
    crosses the network; then ``FAN_IN`` nodes' steps at a time."""
    by_node: dict[int, list[_Step]] = {}
    for step in level:
        by_node.setdefault(step.node, []).append(step)
    if all(len(steps) == 1 for steps in by_node.values()):
        return [level[j:j + FAN_IN] for j in range(0, len(level), FAN_IN)]
    return [steps[j:j + FAN_IN] for steps in by_node.values()
            for j in range(0, len(steps), FAN_IN)]


def _descend(step: _Step, factor: Any, leaves: dict) -> None:
    """Pass ``factor`` (None: the identity) down from ``step``; each leaf's Q block into
    ``leaves`` by its row block."""
    if not step.children:
        leaves[step.index] = (step.q if factor is None else
                              submit(lk.times, step.q, factor, node=step.node))
        return
    start = 0
    for child in step.children:
        part = submit(lk.rows_times, step.q, start, start + child.k, factor, node=step.node)
        start += child.k
        _descend(child, part, leaves)
