"""Planned operations: BlockArray operations placed by the optimizer, then submitted.

An operation of the array layer (a product, a reduction, an elementwise op) describes its block
tasks as an :class:`OpGraph`: a :class:`~nums.core.graph.grapharray.GraphArray` whose leaves
are the existing blocks it reads (refs and nodes) and whose other vertices each carry the
function that submits their task on a given node. :meth:`OpGraph.finish` plans the graph with
the session's optimizer (``nums.init(optimizer=...)``: ``"tree"``, the default, or
``"cyclic"``) and returns the result as a BlockArray holding the plan as a pending
transformation: the node of every output block is known at once; the tasks are submitted in
plan order, each on its planned node, when the result's blocks are first used.
:func:`explain` reads the plan of such an array without running anything.

Block sizes in the model are the backend's ``payload_bytes`` (for the embedded runtime, data
plus pickle header), so the predicted transfers are the bytes the runtime counts.

Sums (partial products, partial reductions) are combined as the plan says. Consecutive
combinations on one node whose intermediate results feed only each other are submitted as one
task with several inputs (at most ``FOLD_MAX``): the same copies between nodes, fewer tasks.
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import numpy as np

from nums.core import context
from nums.core.array import blockarray, kernels
from nums.core.array.blockarray import BlockArray, Pending, submit
from nums.core.array.regions import broadcast_slices, region_blocks
from nums.core.graph.explain import explain
from nums.core.graph.grapharray import GraphArray
from nums.core.graph.grid import ArrayGrid, cyclic_node
from nums.core.graph.search import Plan, plan, plan_cyclic

FOLD_MAX = 8

Emit = Callable[[int, list], Any]  # (node, refs of the vertex's children) -> ref of its result


def _add(node: int, refs: list) -> Any:
    return submit(kernels.add, *refs, node=node)


class OpGraph:
    """The block tasks of one operation, to be planned and submitted.

    Parameters
    ----------
    name : str, optional
        Name of the result in plans and reports.
    """

    def __init__(self, name: str = "out"):
        ctx = context.get()
        self.name = name
        self.optimizer = ctx.settings.optimizer
        self.cluster_shape = ctx.settings.cluster_shape
        num_nodes = max(1, math.prod(self.cluster_shape))
        self.graph = GraphArray(num_nodes, sizer=ctx.backend.payload_bytes)
        self.plan: Plan | None = None
        self._leaf_refs: dict[int, Any] = {}
        self._leaf_ids: dict[int, int] = {}  # id(ref) -> vertex, while the ref is held
        self._emitters: dict[int, Emit] = {}
        self._sums: dict[int, tuple[Emit, Emit | None]] = {}
        self._outputs: dict[tuple[int, ...], Any] | None = None
        self._undo: weakref.finalize | None = None

    # ------------------------------------------------------------------ building
    def tree(self, out_idx: Sequence[int]) -> AbstractContextManager:
        """Vertices added inside belong to output block ``out_idx`` (its cyclic node)."""
        return self.graph.tree(cyclic_node(tuple(out_idx), self.cluster_shape))

    def leaf(self, x: BlockArray, idx: tuple[int, ...]) -> int:
        """The vertex of existing block ``idx`` of ``x`` (one vertex per distinct block)."""
        ref = x.blocks[idx]
        vid = self._leaf_ids.get(id(ref))
        if vid is None:
            node = int(x.nodes[idx]) % self.graph.num_nodes
            vid = self.graph.leaf(x.grid.block_shape_at(idx), x.dtype, node)
            copies = _replicas(ref)
            if copies:
                self.graph[vid].attrs["replicas"] = [n for n in copies if n != node]
            self._leaf_ids[id(ref)] = vid
            self._leaf_refs[vid] = ref
        return vid

    def reads(
        self, x: Any, out_slices: Sequence[slice], out_shape: Sequence[int]
    ) -> list[int]:
        """Leaves a task reads for the part of ``x`` broadcast onto ``out_slices``.

        ``x`` may hold a pending elementwise expression (its leaves' blocks are read) and may
        be a non-array constant (nothing is read).
        """
        if not isinstance(x, BlockArray):
            return []
        slices = broadcast_slices(x, out_slices, out_shape)
        fused = x.pending("fused")  # an expression: its leaves' blocks are read
        if fused is None:
            return [self.leaf(x, i) for i in region_blocks(x, slices)]
        out: list[int] = []
        for i, pattern in fused.leaf_uses():
            leaf = fused.leaves[i]
            for part in fused.leaf_regions(i, slices, x.shape, pattern):
                out += self.reads(leaf, part, leaf.shape)
        return list(dict.fromkeys(out))

    def task(
        self,
        emit: Emit,
        children: Sequence[int],
        shape: Sequence[int],
        dtype: Any,
        kind: str = "op",
        name: str = "",
        nbytes: int | None = None,
    ) -> int:
        """A task of ``children`` producing a block of ``shape`` and ``dtype``.

        ``emit(node, child_refs)`` submits it on ``node`` when the plan is run.
        """
        vid = self.graph.op(name or kind, children, shape, dtype, kind=kind, nbytes=nbytes)
        self._emitters[vid] = emit
        return vid

    def sum(
        self,
        terms: Sequence[int],
        combine: Emit = _add,
        final: Emit | None = None,
        nbytes: int | None = None,
    ) -> int:
        """The combination of partial results ``terms`` in an order the plan chooses.

        ``combine(node, refs)`` merges partials; ``final(node, refs)``, when given, makes the
        last combination (or, for a single term, is applied to it) and gives the value.
        """
        if len(terms) == 1:
            if final is None:
                return terms[0]
            t = self.graph[terms[0]]
            return self.task(final, terms, t.shape, t.dtype, kind="op", name="final",
                             nbytes=nbytes)
        vid = self.graph.sum(terms, nbytes=nbytes)
        self._sums[vid] = (combine, final)
        return vid

    def output(self, idx: Sequence[int], vid: int) -> None:
        """Declare ``vid`` the result's block ``idx``."""
        self.graph.output(self.name, idx, vid)

    # ------------------------------------------------------------------ planning and running
    def make_plan(self) -> Plan | None:
        """Plan the graph with the session's optimizer (once); None for an empty result."""
        if self.plan is None and self.graph.roots:
            self.plan = plan(self.graph, self.optimizer)
            copies = list({  # the copies of existing blocks this plan will make
                (id(self._leaf_refs[b]), s.node): (self._leaf_refs[b], s.node)
                for s in self.plan.steps for b in s.inputs
                if b in self._leaf_refs and self.graph[b].node != s.node
            }.values())
            _add_replicas(copies)
            # taken back if this plan is dropped without running
            self._undo = weakref.finalize(self, _add_replicas, copies, -1)
        return self.plan

    def finish(self, grid: ArrayGrid, part: int | None = None) -> BlockArray:
        """Plan the graph (once); the result array of ``grid`` whose tasks run on first use.

        ``part`` selects one result of tasks that return several (a ufunc like ``divmod``).
        """
        self.make_plan()
        nodes = np.zeros(grid.grid_shape, dtype=np.int64)
        if self.plan is not None:
            for (_, idx), node in self.plan.outputs.items():
                nodes[idx] = node
        return BlockArray(grid, None, nodes, pending=Planned(self, grid, part))

    def emit(self) -> dict[tuple[int, ...], Any]:
        """Submit the plan's tasks (once); the ref of every output block by grid index."""
        if self._outputs is not None:
            return self._outputs
        refs: dict[int, Any] = dict(self._leaf_refs)
        steps = self.plan.steps if self.plan is not None else []
        reader = {b: i for i, s in enumerate(steps) for b in s.inputs}
        folded: dict[int, list[int]] = {}
        for s in steps:
            v = self.graph[s.vertex]
            if v.op != "sum":
                refs[s.out] = self._emitters[s.vertex](s.node, [refs[c] for c in v.children])
                continue
            inputs = [b for x in s.inputs for b in folded.pop(x, [x])]
            final = s.out == s.vertex
            nxt = steps[reader[s.out]] if not final else None
            if nxt is not None and nxt.node == s.node and nxt.vertex == s.vertex and (
                len(inputs) < FOLD_MAX
            ):
                folded[s.out] = inputs  # submitted with the next combination
                continue
            combine, last = self._sums[s.vertex]
            fn = last if final and last is not None else combine
            refs[s.out] = fn(s.node, [refs[b] for b in inputs])
        self._outputs = {idx: refs[vid] for (_, idx), vid in self.graph.roots.items()}
        if self.plan is not None:
            _last[:] = [self.plan]
            for plans in _recorders:
                plans.append(self.plan)
        # drop the inputs and closures: blocks no longer needed can be freed
        self._leaf_refs, self._leaf_ids, self._emitters, self._sums = {}, {}, {}, {}
        if self._undo is not None:
            self._undo.detach()  # the copies are made now
        return self._outputs


def plan_tasks(name: str, grid: ArrayGrid, task: Callable, reads: Callable) -> BlockArray:
    """:meth:`BlockArray.build`'s tasks that read blocks, placed by the session's optimizer
    and submitted at once (their closures read the arrays as they are now)."""
    g = OpGraph(name)
    for idx in grid.indices():
        with g.tree(idx):
            children = list(dict.fromkeys(
                c for x, slices in reads(idx) for c in g.reads(x, slices, x.shape)))
            emit = functools.partial(_emit_task, task, idx)
            g.output(idx, g.task(emit, children, grid.block_shape_at(idx), grid.dtype,
                                 kind="map", name=name))
    out = g.finish(grid)
    out.blocks  # noqa: B018  (submit now)
    return out


def _emit_task(task: Callable, idx: tuple[int, ...], node: int, refs: list) -> Any:
    return task(idx, node)


blockarray.PLANNER = plan_tasks


class Planned(Pending):
    """The result ``part`` of a planned operation: its tasks run on first use."""

    kind = "planned"

    def __init__(self, op: OpGraph, grid: ArrayGrid, part: int | None):
        self.op, self.grid, self.part = op, grid, part

    def compute(self, x: BlockArray) -> np.ndarray:
        out = np.empty(self.grid.grid_shape, dtype=object)
        for idx, ref in self.op.emit().items():
            out[idx] = ref if self.part is None else ref[self.part]
        return out

    def graph(self, x: BlockArray) -> OpGraph:
        return self.op



# Nodes other than its home that hold a copy of a block, as the plans made so far will leave
# them (a copy stays until the block is freed, as in the runtime): later plans start from
# there, so a block copied by one operation is not counted again by the next. Per block and
# node, the number of plans that make the copy; a plan dropped without running takes its
# copies back (see OpGraph.make_plan).
_copies: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _replicas(ref: Any) -> set[int]:
    try:
        return {n for n, k in _copies.get(ref, {}).items() if k > 0}
    except TypeError:  # refs that cannot be weakly referenced (Ray's): not tracked
        return set()


def _add_replicas(copies: list[tuple[Any, int]], delta: int = 1) -> None:
    for ref, node in copies:
        try:
            counts = _copies.setdefault(ref, {})
        except TypeError:
            continue
        counts[node] = counts.get(node, 0) + delta


_recorders: list[list[Plan]] = []
_last: list[Plan] = []  # the plan of the operation submitted last (see last_plan)


def last_plan() -> Plan | None:
    """The plan of the last operation whose tasks were submitted (the dashboard shows it with
    :func:`nums.core.graph.explain.explain`); None before the first."""
    return _last[0] if _last else None


@contextmanager
def record() -> Iterator[list[Plan]]:
    """Collect the plans whose tasks are submitted inside the ``with`` block, in order.

    For tests and benchmarks: the sum of their predicted transfers is what the backend
    should count for the operations submitted meanwhile.
    """
    plans: list[Plan] = []
    _recorders.append(plans)
    try:
        yield plans
    finally:
        _recorders.remove(plans)


def planned_graph(x: BlockArray) -> OpGraph | None:
    """The OpGraph of ``x`` when its blocks are still to be computed by a planned operation."""
    planned = x.pending("planned")
    return None if planned is None else planned.op


def explain_array(x: Any, plot: bool = False, max_outputs: int = 32) -> str:
    """The plan that will compute ``x``, as text, without running it (see :func:`explain`).

    ``x`` must be a BlockArray whose blocks are not computed yet: the result of an operation
    (product, reduction, elementwise op) before its value is first used, or a pending fused
    elementwise expression; for an array computed in the driver (driver-resident, see
    :mod:`nums.core.array.resident`) the text says so. With the tree optimizer the
    block-cyclic plan's totals are shown for comparison.
    """
    if not isinstance(x, BlockArray):
        raise TypeError(f"explain takes a BlockArray, not {type(x).__name__}")
    # (a DriverValue is explained by its tasks' plan, without running them)
    if (x.pending("driver") is None and blockarray.local_value(x) is not None
            and x._blocks is None and not getattr(x._pending, "from_tasks", False)):
        # never distributed
        return (f"driver-resident: {x.shape} {x.dtype}, {x.nbytes} bytes (at most "
                f"local_bytes={blockarray.local_limit()} in one block) is held by the driver "
                "and computed there with NumPy: no tasks, nothing moved")
    pending = x.pending()
    graph = pending.graph(x) if pending is not None else None
    if graph is None:
        raise ValueError(
            "nothing to explain: the blocks of this array are already computed (explain an "
            "operation's result before using its value)"
        )
    plan = graph.make_plan()
    if plan is None:
        return "empty result: no tasks"
    compare = plan_cyclic(graph.graph) if plan.planner != "cyclic" else None
    return explain(plan, plot=plot, max_outputs=max_outputs, compare=compare)
