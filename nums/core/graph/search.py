"""The tree search: decide the node of every block op of a GraphArray.

Policy (:func:`plan_tree`)
    Start from the block-cyclic state: every leaf on its node, memory counted. Vertices
    become *ready* when all their children are computed; ready vertices are taken in id order
    (a topological order in which builders emit one output tree after the other, which keeps
    few partial results alive). For a ready vertex, every node is a candidate: the move is
    simulated on the :class:`ClusterState` (copy the inputs that are elsewhere, add the
    output) and scored by ``f = max(peak memory) + max(bytes received) + max(bytes sent)``;
    ties go to fewer bytes copied, then the vertex's cyclic node, then less memory on the
    node. The best move is committed. A term of a sum some of whose partials already sit on
    a node is scored with one step of look-ahead: the later copy of its output to that node
    counts too (so a partial is not computed where it would only have to travel again).

    A ``sum`` vertex (partial products, per-block reductions) is not one op: its terms are
    combined pairwise, and which terms meet where is decided by the same scoring. A term
    that arrives on a node already holding another ready term of the same sum is combined
    with it at once (the best node for that pair is searched; it costs no copy when it stays
    there). When all terms have arrived, the pair of remaining partials and the node whose
    combination scores best is committed, until one partial is left: the sum's value.

    Every step is O(inputs * nodes) plus a heap operation, so planning a graph of ``V``
    vertices costs O(V log V) for a fixed number of nodes (a sum's final cross-node phase
    costs O(nodes^3) per combination, on at most ``nodes`` partials).

    The block-cyclic plan is computed as well; if it scores lower (greedy choices can lose:
    the search does not see that a replica it copies now would serve later ops, see A @ B),
    it is returned instead, with ``fallback=True``, so the search never does worse than
    block-cyclic placement on the objective.

Baselines
    :func:`plan_cyclic` puts each vertex on the node of the output block whose tree it
    belongs to (``Vertex.cyclic``), sums folded left to right there: plain block-cyclic
    placement. :func:`plan_owner` mimics the heuristics BlockArray used before the planner: an op
    runs where its largest input lives, a sum is combined pairwise where the first partial
    lives and finished on the output's cyclic node.

All planners return a :class:`Plan`; :func:`simulate` replays a plan's steps on a fresh state,
so every figure of a plan can be checked independently of the planner that made it.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

from nums.core.graph.cluster_state import ClusterState
from nums.core.graph.grapharray import GraphArray, Vertex


class Step(NamedTuple):
    """One task of a plan: read ``inputs`` (block ids), write ``out`` on ``node``.

    ``vertex`` is the graph vertex the step computes; a pairwise combination inside a sum
    that is not its last has a fresh ``out`` id (at least ``len(graph)``) and ``vertex`` set
    to the sum's id.
    """

    out: int
    inputs: tuple[int, ...]
    nbytes: int
    node: int
    vertex: int
    op: str


@dataclass
class Plan:
    """Where every block op runs, and what the model predicts it costs per node."""

    planner: str
    num_nodes: int
    steps: list[Step]
    nodes: dict[int, int]
    outputs: dict[tuple[str, tuple[int, ...]], int]
    start_memory: list[int]
    peak_memory: list[int]
    bytes_received: list[int]
    bytes_sent: list[int]
    objective: int
    seconds: float = 0.0
    fallback: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def bytes_moved(self) -> int:
        """Total bytes copied between nodes."""
        return sum(self.bytes_sent)

    @property
    def max_peak(self) -> int:
        return max(self.peak_memory)

    @property
    def num_ops(self) -> int:
        return len(self.steps)


# ---------------------------------------------------------------------- shared helpers
def _uses(v: Vertex) -> int:
    return len(v.parents)


def start_state(graph: GraphArray) -> ClusterState:
    """The start: every leaf on its node (and on the nodes in ``attrs["replicas"]``, copies
    made earlier); leaves and outputs are persistent."""
    state = ClusterState(graph.num_nodes)
    roots = set(graph.roots.values())
    for v in graph.vertices:
        if v.op == "leaf":
            state.add_block(v.vid, v.nbytes, v.node, _uses(v), persistent=True)
            for n in v.attrs.get("replicas", ()):
                state.add_replica(v.vid, n)
    state.persistent.update(roots)
    return state


def _finish(
    name: str, graph: GraphArray, state: ClusterState, start: list[int], steps: list[Step],
    nodes: dict[int, int], t0: float,
) -> Plan:
    return Plan(
        planner=name,
        num_nodes=graph.num_nodes,
        steps=steps,
        nodes=nodes,
        outputs={key: nodes[vid] for key, vid in graph.roots.items()},
        start_memory=start,
        peak_memory=state.peak[:],
        bytes_received=state.received[:],
        bytes_sent=state.sent[:],
        objective=state.objective(),
        seconds=time.perf_counter() - t0,
    )


def _inputs(v: Vertex) -> tuple[int, ...]:
    return tuple(dict.fromkeys(v.children))


def _best_node(
    state: ClusterState, inputs: tuple[int, ...], nbytes: int, preferred: int, dest: int = -1
) -> tuple[tuple, int]:
    best: tuple | None = None
    node = preferred
    for n in range(state.num_nodes):
        f, copied, mem = state.score(inputs, nbytes, n, dest)
        key = (f, copied, n != preferred, mem, n)
        if best is None or key < best:
            best, node = key, n
    assert best is not None
    return best, node


def simulate(graph: GraphArray, steps: list[Step]) -> ClusterState:
    """Replay ``steps`` from the start state; raises if a step reads a block not computed."""
    state = start_state(graph)
    roots = set(graph.roots.values())
    for s in steps:
        final = s.out == s.vertex
        uses = _uses(graph.vertices[s.vertex]) if final else 1
        state.place(s.inputs, s.out, s.nbytes, s.node, uses, persistent=final and s.out in roots)
    return state


# ---------------------------------------------------------------------- the tree search
class _Search:
    """Mutable state of one run of :func:`plan_tree` (see the module docstring)."""

    def __init__(self, graph: GraphArray):
        self.graph = graph
        self.verts = graph.vertices
        self.state = start_state(graph)
        self.start = self.state.memory[:]
        self.roots = set(graph.roots.values())
        self.pending = [len(v.children) for v in self.verts]  # children are distinct per sum
        for v in self.verts:
            if v.op != "sum":
                self.pending[v.vid] = len(_inputs(v))
        self.ready: list[int] = []
        self.pools: dict[int, dict[int, list[int]]] = {}
        self.nodes: dict[int, int] = {}
        self.steps: list[Step] = []
        self.arrived: deque[int] = deque()
        self.next_id = len(self.verts)

    def run(self) -> None:
        for v in self.verts:
            if v.op == "leaf":
                self.nodes[v.vid] = v.node
                self.arrived.append(v.vid)
            elif v.op != "sum" and self.pending[v.vid] == 0:
                heapq.heappush(self.ready, v.vid)  # an op that reads nothing (creation)
        self._propagate()
        while self.ready:
            vid = heapq.heappop(self.ready)
            v = self.verts[vid]
            if v.op == "sum":
                self._combine_all(v)
            else:
                inputs = _inputs(v)
                _, node = _best_node(self.state, inputs, v.nbytes, v.cyclic, self._dest(v))
                self.state.place(inputs, vid, v.nbytes, node, _uses(v), vid in self.roots)
                self.steps.append(Step(vid, inputs, v.nbytes, node, vid, v.op))
                self.nodes[vid] = node
                self.arrived.append(vid)
            self._propagate()

    def _dest(self, v: Vertex) -> int:
        """Where ``v``'s output will be combined, when it is a term of a sum (else -1)."""
        if len(v.parents) != 1:
            return -1
        p = self.verts[v.parents[0]]
        if p.op != "sum":
            return -1
        pool = self.pools.get(p.vid)
        return next(iter(pool)) if pool else -1

    def _propagate(self) -> None:
        while self.arrived:
            c = self.arrived.popleft()
            for p in self.verts[c].parents:
                self.pending[p] -= 1
                pv = self.verts[p]
                if pv.op == "sum":
                    node = self.nodes[c]
                    pool = self.pools.setdefault(p, {})
                    pool.setdefault(node, []).append(c)
                    self._combine_local(pv, node)
                    if self.pending[p] == 0 and p not in self.nodes:
                        heapq.heappush(self.ready, p)
                elif self.pending[p] == 0:
                    heapq.heappush(self.ready, p)

    def _combine(self, v: Vertex, a: int, b: int, node: int) -> int:
        """Commit the combination of partials ``a`` and ``b`` of sum ``v`` on ``node``."""
        pool = self.pools[v.vid]
        for x in (a, b):
            lst = pool[self.nodes[x]]
            lst.remove(x)
            if not lst:
                del pool[self.nodes[x]]
        final = self.pending[v.vid] == 0 and not pool
        out = v.vid if final else self.next_id
        if not final:
            self.next_id += 1
        uses = _uses(v) if final else 1
        self.state.place((a, b), out, v.nbytes, node, uses, final and out in self.roots)
        self.steps.append(Step(out, (a, b), v.nbytes, node, v.vid, "add"))
        self.nodes[out] = node
        if final:
            del self.pools[v.vid]
            self.arrived.append(out)
        else:
            pool.setdefault(node, []).append(out)
        return node

    def _combine_local(self, v: Vertex, node: int) -> None:
        pool = self.pools.get(v.vid)
        while pool is not None and len(pool.get(node, ())) >= 2:
            a, b = pool[node][0], pool[node][1]
            _, target = _best_node(self.state, (a, b), v.nbytes, node)
            node = self._combine(v, a, b, target)
            pool = self.pools.get(v.vid)

    def _combine_all(self, v: Vertex) -> None:
        while v.vid in self.pools:
            parts = [x for lst in self.pools[v.vid].values() for x in lst]
            best: tuple | None = None
            choice = (parts[0], parts[1], v.cyclic)
            for i in range(len(parts)):
                for j in range(i + 1, len(parts)):
                    key, node = _best_node(self.state, (parts[i], parts[j]), v.nbytes, v.cyclic)
                    if best is None or key < best:
                        best, choice = key, (parts[i], parts[j], node)
            self._combine(v, *choice)


def _rank(p: Plan) -> tuple[int, int, int]:
    return p.objective, p.bytes_moved, p.max_peak


def plan_tree(graph: GraphArray, fallback: bool = True) -> Plan:
    """Plan ``graph`` with the tree search (see the module docstring).

    Parameters
    ----------
    graph : GraphArray
        The work to place.
    fallback : bool, optional
        Return the block-cyclic plan instead when it scores lower (default True): lower
        objective, or equal objective and fewer bytes moved, or then a lower highest peak.
    """
    t0 = time.perf_counter()
    if graph.num_nodes == 1:  # one node: every placement is the same, nothing to search
        single = _plan_fixed(graph, "tree", owner=False)
        single.seconds = time.perf_counter() - t0
        return single
    search = _Search(graph)
    search.run()
    plan = _finish("tree", graph, search.state, search.start, search.steps, search.nodes, t0)
    if fallback:
        cyclic = plan_cyclic(graph)
        if _rank(cyclic) < _rank(plan):
            cyclic.planner, cyclic.fallback = "tree", True
            cyclic.seconds = time.perf_counter() - t0
            return cyclic
        plan.seconds = time.perf_counter() - t0
    return plan


# ---------------------------------------------------------------------- baselines
def _plan_fixed(graph: GraphArray, name: str, owner: bool) -> Plan:
    t0 = time.perf_counter()
    state = start_state(graph)
    start = state.memory[:]
    roots = set(graph.roots.values())
    nodes: dict[int, int] = {}
    steps: list[Step] = []
    next_id = len(graph.vertices)
    for v in graph.vertices:
        if v.op == "leaf":
            nodes[v.vid] = v.node
            continue
        if v.op != "sum":
            inputs = _inputs(v)
            node = v.cyclic
            if owner and inputs:
                node = state.home[max(inputs, key=lambda b: state.size[b])]
            state.place(inputs, v.vid, v.nbytes, node, _uses(v), v.vid in roots)
            steps.append(Step(v.vid, inputs, v.nbytes, node, v.vid, v.op))
            nodes[v.vid] = node
            continue
        parts = list(v.children)
        while len(parts) > 1:
            if owner:  # one level of pairwise combinations, each where its first term lives
                pairs = [parts[i:i + 2] for i in range(0, len(parts), 2)]
            else:  # a left fold on the output's node, all at once
                pairs = [parts]
            nxt = []
            for pair in pairs:
                if len(pair) == 1:
                    nxt.append(pair[0])
                    continue
                acc = pair[0]
                for i, term in enumerate(pair[1:], 2):
                    final = len(pairs) == 1 and i == len(pair)
                    out = v.vid if final else next_id
                    next_id += 0 if final else 1
                    node = v.cyclic if final or not owner else state.home[acc]
                    uses = _uses(v) if final else 1
                    state.place((acc, term), out, v.nbytes, node, uses, final and out in roots)
                    steps.append(Step(out, (acc, term), v.nbytes, node, v.vid, "add"))
                    nodes[out] = node
                    acc = out
                nxt.append(acc)
            parts = nxt
    return _finish(name, graph, state, start, steps, nodes, t0)


def plan_cyclic(graph: GraphArray) -> Plan:
    """Plain block-cyclic placement: every op on its output block's grid-entry node."""
    return _plan_fixed(graph, "cyclic", owner=False)


def plan_owner(graph: GraphArray) -> Plan:
    """Owner-computes: an op where its largest input lives; sums combined pairwise in place."""
    return _plan_fixed(graph, "owner", owner=True)


PLANNERS = {"tree": plan_tree, "cyclic": plan_cyclic, "owner": plan_owner}


def plan(graph: GraphArray, optimizer: str = "tree") -> Plan:
    """Plan ``graph`` with ``optimizer`` (one of ``"tree"``, ``"cyclic"``, ``"owner"``)."""
    try:
        planner = PLANNERS[optimizer]
    except KeyError:
        raise ValueError(
            f"unknown optimizer {optimizer!r}; valid: {', '.join(sorted(PLANNERS))}"
        ) from None
    return planner(graph)
