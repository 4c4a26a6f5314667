"""GraphArray: pending block operations as a DAG with one root per output block.

A GraphArray describes work, not data: every vertex knows the shape and dtype of the block it
stands for, so the planner estimates memory and transfers from sizes alone. Vertex kinds:

``leaf``
    An existing block, held on a known node, e.g. a block of a persistent BlockArray.
``map``
    An elementwise op (unary or binary, with NumPy broadcasting). Its children are the
    operand blocks; an operand whose blocks do not line up with the output contributes every
    block overlapping the output block (``attrs["pieces"]`` counts children per operand).
``reduce``
    A reduction (``sum`` and friends) of one block along ``attrs["axes"]``.
``tensordot``
    ``tensordot(a, b, axes)`` of two blocks (matmul is ``axes=([1], [0])``).
``sum``
    The addition of several partial results of one shape (partial products, per-block
    reductions). The order and places in which the terms meet are left to the planner.
``op``
    Any other block op with a known output shape (e.g. ``solve`` of a small system).

A vertex used by several consumers (``mu`` in a Newton step) is one vertex, computed once.
Vertex ids are dense and every child id is smaller than its parent's, so id order is a
topological order. Each vertex also records ``cyclic``: the node that plain block-cyclic
placement gives it, namely the grid-entry node of the output block whose tree it belongs to
(see :meth:`GraphArray.tree`).

Builders at the end of the module make the graphs of common operations over block grids
(elementwise, sum over an axis, ``X.T @ X``, ``A @ B``, a logistic-regression Newton step).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from nums.core.graph.grid import ArrayGrid, broadcast_slices, cyclic_node

OPS = ("leaf", "map", "reduce", "tensordot", "sum", "op")


class Vertex:
    """One block of pending work (or an existing block, for ``leaf``)."""

    __slots__ = ("vid", "op", "children", "shape", "dtype", "nbytes", "attrs", "cyclic",
                 "parents", "node")

    def __init__(
        self,
        vid: int,
        op: str,
        children: tuple[int, ...],
        shape: tuple[int, ...],
        dtype: np.dtype,
        nbytes: int,
        attrs: dict[str, Any],
        cyclic: int,
        node: int | None = None,
    ):
        self.vid = vid
        self.op = op
        self.children = children
        self.shape = shape
        self.dtype = dtype
        self.nbytes = nbytes
        self.attrs = attrs
        self.cyclic = cyclic
        self.parents: list[int] = []
        self.node = node

    def __repr__(self) -> str:
        name = self.attrs.get("name") or self.attrs.get("func") or ""
        return (
            f"Vertex({self.vid}, {self.op}{':' + name if name else ''}, "
            f"children={self.children}, shape={self.shape}, {self.dtype}, {self.nbytes} B)"
        )


class GraphArray:
    """A DAG of block ops with named, indexed roots (the output blocks).

    Parameters
    ----------
    num_nodes : int
        Number of nodes of the cluster.
    header_bytes : int, optional
        Bytes added to every block's size (e.g. a serialisation header) so the model can be
        calibrated to what the runtime counts. Default 0: a block is ``size * itemsize``.
    sizer : callable, optional
        ``sizer(shape, dtype) -> bytes`` of a block, replacing the rule above (a backend's
        ``payload_bytes``, so that predicted transfers are what the backend counts).
    """

    def __init__(
        self,
        num_nodes: int,
        header_bytes: int = 0,
        sizer: Callable[[tuple[int, ...], np.dtype], int] | None = None,
    ):
        if num_nodes < 1:
            raise ValueError(f"num_nodes must be at least 1, got {num_nodes}")
        self.num_nodes = num_nodes
        self.header_bytes = header_bytes
        self.sizer = sizer
        self.vertices: list[Vertex] = []
        self.roots: dict[tuple[str, tuple[int, ...]], int] = {}
        self.groups: dict[str, list[int]] = {}  # named vertex groups, for inspection
        self._cyclic = 0

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return len(self.vertices)

    def __getitem__(self, vid: int) -> Vertex:
        return self.vertices[vid]

    def __iter__(self) -> Iterator[Vertex]:
        return iter(self.vertices)

    @property
    def num_ops(self) -> int:
        """Block tasks the graph needs: one per non-leaf vertex, ``k - 1`` per k-term sum."""
        return sum(
            len(v.children) - 1 if v.op == "sum" else (v.op != "leaf") for v in self.vertices
        )

    def leaves(self) -> list[Vertex]:
        return [v for v in self.vertices if v.op == "leaf"]

    def block_bytes(self, shape: Sequence[int], dtype: Any) -> int:
        """Bytes of a block of ``shape`` and ``dtype`` in the model."""
        if self.sizer is not None:
            return int(self.sizer(tuple(shape), np.dtype(dtype)))
        return math.prod(shape) * np.dtype(dtype).itemsize + self.header_bytes

    @contextmanager
    def tree(self, node: int) -> Iterator[None]:
        """Vertices added inside belong to an output block whose cyclic node is ``node``."""
        old = self._cyclic
        self._cyclic = node
        try:
            yield
        finally:
            self._cyclic = old

    def _add(
        self,
        op: str,
        children: Sequence[int],
        shape: Sequence[int],
        dtype: Any,
        attrs: dict[str, Any] | None = None,
        node: int | None = None,
        nbytes: int | None = None,
    ) -> int:
        vid = len(self.vertices)
        children = tuple(int(c) for c in children)
        for c in children:
            if not 0 <= c < vid:
                raise ValueError(f"unknown child vertex {c}")
        shape = tuple(int(n) for n in shape)
        dtype = np.dtype(dtype)
        cyclic = node if node is not None else self._cyclic
        if nbytes is None:
            nbytes = self.block_bytes(shape, dtype)
        v = Vertex(vid, op, children, shape, dtype, nbytes, attrs or {}, cyclic, node)
        self.vertices.append(v)
        for c in dict.fromkeys(children):
            self.vertices[c].parents.append(vid)
        return vid

    # ------------------------------------------------------------------ vertex builders
    def leaf(self, shape: Sequence[int], dtype: Any, node: int, name: str = "") -> int:
        """An existing block of ``shape`` and ``dtype`` held on ``node``."""
        if not 0 <= node < self.num_nodes:
            raise ValueError(f"node {node} is outside 0..{self.num_nodes - 1}")
        return self._add("leaf", (), shape, dtype, {"name": name}, node=node)

    def map(
        self,
        func: str,
        *operands: int | Sequence[int],
        shape: Sequence[int] | None = None,
        dtype: Any = None,
        scalar: Any = None,
    ) -> int:
        """Elementwise ``func`` of one or two operands (each a vertex or a list of pieces).

        The output shape is the broadcast of the operands' shapes unless given; an operand
        given as several pieces (blocks overlapping an unaligned output block) must pass
        ``shape``. The dtype is NumPy's result type of the operands (and ``scalar``) unless
        given.
        """
        if not 1 <= len(operands) <= 2:
            raise ValueError(f"map takes one or two operands, got {len(operands)}")
        groups = [(op,) if isinstance(op, (int, np.integer)) else tuple(op) for op in operands]
        children = [c for g in groups for c in g]
        if shape is None:
            if any(len(g) != 1 for g in groups):
                raise ValueError("an operand given in pieces needs an explicit shape")
            shape = np.broadcast_shapes(*(self.vertices[g[0]].shape for g in groups))
        if dtype is None:
            types: list[Any] = [self.vertices[c].dtype for c in children]
            if scalar is not None:
                types.append(scalar)  # a Python scalar is weak (NEP 50)
            dtype = np.result_type(*types)
        attrs = {"func": func, "pieces": tuple(len(g) for g in groups), "scalar": scalar}
        return self._add("map", children, shape, dtype, attrs)

    def reduce(
        self, child: int, axes: Sequence[int], func: str = "sum", keepdims: bool = False,
        dtype: Any = None,
    ) -> int:
        """``func`` of block ``child`` along ``axes``."""
        c = self.vertices[child]
        axes = tuple(sorted(a % len(c.shape) for a in axes)) if c.shape else ()
        if keepdims:
            shape = tuple(1 if a in axes else n for a, n in enumerate(c.shape))
        else:
            shape = tuple(n for a, n in enumerate(c.shape) if a not in axes)
        if dtype is None:
            dtype = np.sum(np.zeros(1, c.dtype)).dtype if func == "sum" else c.dtype
        attrs = {"func": func, "axes": axes, "keepdims": keepdims}
        return self._add("reduce", (child,), shape, dtype, attrs)

    def tensordot(
        self, a: int, b: int, axes: tuple[Sequence[int], Sequence[int]] = ((1,), (0,))
    ) -> int:
        """``tensordot(a, b, axes)`` of two blocks (default: matmul of 2-d blocks)."""
        va, vb = self.vertices[a], self.vertices[b]
        ax_a = tuple(x % len(va.shape) for x in axes[0])
        ax_b = tuple(x % len(vb.shape) for x in axes[1])
        if len(ax_a) != len(ax_b) or any(va.shape[i] != vb.shape[j] for i, j in zip(ax_a, ax_b)):
            raise ValueError(
                f"shapes {va.shape} and {vb.shape} do not align on axes {ax_a} and {ax_b}"
            )
        shape = tuple(n for i, n in enumerate(va.shape) if i not in ax_a) + tuple(
            n for i, n in enumerate(vb.shape) if i not in ax_b
        )
        dtype = np.result_type(va.dtype, vb.dtype)
        return self._add("tensordot", (a, b), shape, dtype, {"axes": (ax_a, ax_b)})

    def sum(self, terms: Sequence[int], nbytes: int | None = None) -> int:
        """The sum of partial results of one shape; one term is returned as it is."""
        terms = [int(t) for t in terms]
        if not terms:
            raise ValueError("sum of no terms")
        if len(set(terms)) != len(terms):
            raise ValueError("a term appears twice in a sum")
        if len(terms) == 1:
            return terms[0]
        shapes = {self.vertices[t].shape for t in terms}
        if len(shapes) != 1:
            raise ValueError(f"terms of a sum have different shapes {sorted(shapes)}")
        dtype = np.result_type(*(self.vertices[t].dtype for t in terms))
        return self._add("sum", terms, shapes.pop(), dtype, {"func": "add"}, nbytes=nbytes)

    def op(
        self,
        name: str,
        children: Sequence[int],
        shape: Sequence[int],
        dtype: Any,
        kind: str = "op",
        nbytes: int | None = None,
    ) -> int:
        """Block op ``name`` of ``children`` with a known output shape and dtype.

        ``kind`` is the vertex kind to record (``"op"``, or ``"map"``, ``"reduce"``,
        ``"tensordot"`` for ops built by callers that know their shapes); ``nbytes``
        overrides the size model (e.g. a partial result that is a tuple of arrays).
        """
        if kind not in OPS or kind in ("leaf", "sum"):
            raise ValueError(f"kind must be one of map, reduce, tensordot, op; got {kind!r}")
        return self._add(kind, children, shape, dtype, {"func": name}, nbytes=nbytes)

    def output(self, name: str, index: Sequence[int], vid: int) -> None:
        """Declare ``vid`` the output block ``index`` of the result array ``name``."""
        key = (name, tuple(int(i) for i in index))
        if key in self.roots:
            raise ValueError(f"output {key} is declared twice")
        self.roots[key] = vid

    # ------------------------------------------------------------------ checks
    def validate(self) -> None:
        """Raise ValueError when the graph is not a DAG whose every vertex reaches a root."""
        if not self.roots:
            raise ValueError("the graph has no output")
        alive = set(self.roots.values())
        for v in reversed(self.vertices):
            if v.vid in alive:
                alive.update(v.children)
        dead = [v.vid for v in self.vertices if v.vid not in alive and v.op != "leaf"]
        if dead:
            raise ValueError(f"vertices {dead[:10]} reach no output")


# ---------------------------------------------------------------------- builders from grids
def _num_nodes(cluster_shape: Sequence[int]) -> int:
    return math.prod(cluster_shape)


def grid_leaves(
    g: GraphArray, grid: ArrayGrid, cluster_shape: Sequence[int], name: str
) -> np.ndarray:
    """Leaves for every block of ``grid``, placed block-cyclically; an object array of ids."""
    ids = np.empty(grid.grid_shape, dtype=object)
    for idx in grid.indices():
        ids[idx] = g.leaf(grid.block_shape_at(idx), grid.dtype, cyclic_node(idx, cluster_shape),
                          name=f"{name}{list(idx)}")
    return ids


def _overlap(grid: ArrayGrid, out: ArrayGrid, out_idx: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Blocks of a broadcast operand ``grid`` that overlap output block ``out_idx``."""
    slices = broadcast_slices(grid.shape, out.block_slices(out_idx), out.shape)
    return [idx for idx, _, _ in grid.overlaps(slices)]


def elementwise_graph(
    a: ArrayGrid,
    b: ArrayGrid,
    cluster_shape: Sequence[int],
    func: str = "add",
    header_bytes: int = 0,
) -> GraphArray:
    """``func(A, B)`` with broadcasting; B's blocks need not line up with A's.

    The output takes the block shape of the operand that has the output's shape (A first);
    each output block reads every block of the other operand that overlaps it.
    """
    shape = np.broadcast_shapes(a.shape, b.shape)
    base = a if a.shape == shape else b
    block = tuple(
        base.block_shape[ax - (len(shape) - base.ndim)] if ax >= len(shape) - base.ndim else 1
        for ax in range(len(shape))
    )
    out = ArrayGrid(shape, block, np.result_type(a.dtype, b.dtype))
    g = GraphArray(_num_nodes(cluster_shape), header_bytes)
    la, lb = grid_leaves(g, a, cluster_shape, "A"), grid_leaves(g, b, cluster_shape, "B")
    for idx in out.indices():
        with g.tree(cyclic_node(idx, cluster_shape)):
            pa = [la[i] for i in _overlap(a, out, idx)]
            pb = [lb[i] for i in _overlap(b, out, idx)]
            g.output("C", idx, g.map(func, pa, pb, shape=out.block_shape_at(idx)))
    return g


def sum_axis_graph(
    grid: ArrayGrid, axis: int, cluster_shape: Sequence[int], header_bytes: int = 0
) -> GraphArray:
    """``A.sum(axis)`` of a blocked array: one reduce per block, then a sum per output block."""
    axis %= grid.ndim
    g = GraphArray(_num_nodes(cluster_shape), header_bytes)
    leaves = grid_leaves(g, grid, cluster_shape, "A")
    groups: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    for idx in grid.indices():
        groups.setdefault(idx[:axis] + idx[axis + 1:], []).append(idx)
    for key, members in groups.items():
        with g.tree(cyclic_node(key, cluster_shape)):
            parts = [g.reduce(leaves[i], (axis,)) for i in members]
            g.output("sum", key, g.sum(parts))
    return g


def xtx_graph(
    n: int, d: int, row_block: int, cluster_shape: Sequence[int], dtype: Any = np.float64,
    header_bytes: int = 0,
) -> GraphArray:
    """``X.T @ X`` for X of shape ``(n, d)`` split in row blocks of ``row_block`` rows."""
    grid = ArrayGrid((n, d), (row_block, d), dtype)
    g = GraphArray(_num_nodes(cluster_shape), header_bytes)
    x = grid_leaves(g, grid, cluster_shape, "X")
    with g.tree(cyclic_node((0, 0), cluster_shape)):
        parts = [g.tensordot(x[i, 0], x[i, 0], ((0,), (0,))) for i in range(grid.grid_shape[0])]
        g.output("XtX", (0, 0), g.sum(parts))
    return g


def matmul_graph(
    a: ArrayGrid, b: ArrayGrid, cluster_shape: Sequence[int], header_bytes: int = 0
) -> GraphArray:
    """``A @ B`` for 2-d blocked A and B whose inner block sizes agree."""
    if a.shape[1] != b.shape[0] or a.block_shape[1] != b.block_shape[0]:
        raise ValueError(f"cannot multiply {a} by {b}: inner shapes or blocks differ")
    g = GraphArray(_num_nodes(cluster_shape), header_bytes)
    la, lb = grid_leaves(g, a, cluster_shape, "A"), grid_leaves(g, b, cluster_shape, "B")
    for i in range(a.grid_shape[0]):
        for j in range(b.grid_shape[1]):
            with g.tree(cyclic_node((i, j), cluster_shape)):
                parts = [g.tensordot(la[i, k], lb[k, j]) for k in range(a.grid_shape[1])]
                g.output("C", (i, j), g.sum(parts))
    return g


def newton_graph(
    n: int, d: int, row_block: int, cluster_shape: Sequence[int], dtype: Any = np.float64,
    header_bytes: int = 0,
) -> GraphArray:
    """One Newton step of logistic regression on row-blocked X ``(n, d)`` and y ``(n, 1)``.

    ``mu = sigmoid(X @ beta)`` is computed once per row block and shared by the gradient
    ``X.T @ (mu - y)`` and the Hessian ``X.T @ (X * (mu * (1 - mu)))``; the step is
    ``beta - solve(H, g)``. ``beta`` is one block on node 0.
    """
    xg = ArrayGrid((n, d), (row_block, d), dtype)
    yg = ArrayGrid((n, 1), (row_block, 1), dtype)
    g = GraphArray(_num_nodes(cluster_shape), header_bytes)
    x, y = grid_leaves(g, xg, cluster_shape, "X"), grid_leaves(g, yg, cluster_shape, "y")
    beta = g.leaf((d, 1), dtype, 0, name="beta")
    grads, hess = [], []
    mu_parts = []
    for i in range(xg.grid_shape[0]):
        with g.tree(cyclic_node((i, 0), cluster_shape)):
            z = g.tensordot(x[i, 0], beta)
            mu = g.map("sigmoid", z)
            mu_parts.append(mu)
            resid = g.map("subtract", mu, y[i, 0])
            s = g.map("multiply", mu, g.map("rsub", mu, scalar=1.0))
            w = g.map("multiply", x[i, 0], s)
        with g.tree(cyclic_node((0, 0), cluster_shape)):
            grads.append(g.tensordot(x[i, 0], resid, ((0,), (0,))))
            hess.append(g.tensordot(x[i, 0], w, ((0,), (0,))))
    with g.tree(cyclic_node((0, 0), cluster_shape)):
        grad, h = g.sum(grads), g.sum(hess)
        step = g.op("solve", (h, grad), (d, 1), dtype)
        g.output("beta", (0, 0), g.map("subtract", beta, step))
    g.groups["mu"] = mu_parts
    return g
