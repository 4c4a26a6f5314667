"""Exhaustive optimum of small graphs, to measure how far the tree search is from it.

The search space: every op on every node, and for every ``sum`` every order of pairwise
combinations (each on every node). Ops run in id order; a sum's combinations run when its
turn comes (after all its terms). Branches whose objective already reaches the best plan
found are cut (the objective never decreases along a plan). The search starts from the best
of the given plans, so the result is never worse than any of them; it is the optimum over
the space above (the tree search may also combine partial sums earlier than this schedule
does, so it can beat the enumeration's best).
"""

from __future__ import annotations

import time

from nums.core.graph.cluster_state import ClusterState
from nums.core.graph.grapharray import GraphArray
from nums.core.graph.search import Plan, Step, _finish, _inputs, _uses, start_state


def plan_exhaustive(
    graph: GraphArray, seeds: tuple[Plan, ...] = (), max_states: int = 2_000_000
) -> Plan:
    """The lowest-objective plan of ``graph`` (see the module docstring).

    Parameters
    ----------
    graph : GraphArray
        A small graph (up to about 8 ops on 2-3 nodes).
    seeds : tuple of Plan
        Plans of the same graph to start from (the result is at most the best of them).
    max_states : int
        Raise RuntimeError after exploring this many partial plans.
    """
    t0 = time.perf_counter()
    verts = graph.vertices
    roots = set(graph.roots.values())
    order = [v for v in verts if v.op != "leaf"]
    k = graph.num_nodes
    state0 = start_state(graph)
    best_f = min((p.objective for p in seeds), default=None)
    best: list = [best_f + 1 if best_f is not None else None, None]
    explored = [0]

    def better(f: int) -> bool:
        return best[0] is None or f < best[0]

    def rec(i: int, state: ClusterState, steps: list[Step], pool: list[int] | None,
            next_id: int) -> None:
        explored[0] += 1
        if explored[0] > max_states:
            raise RuntimeError(f"more than {max_states} partial plans: graph too large")
        if not better(state.objective()):
            return
        if i == len(order):
            best[0], best[1] = state.objective(), (steps[:], state)
            return
        v = order[i]
        if v.op != "sum":
            inputs = _inputs(v)
            for n in range(k):
                s = state.copy()
                s.place(inputs, v.vid, v.nbytes, n, _uses(v), v.vid in roots)
                steps.append(Step(v.vid, inputs, v.nbytes, n, v.vid, v.op))
                rec(i + 1, s, steps, None, next_id)
                steps.pop()
            return
        parts = list(v.children) if pool is None else pool
        final = len(parts) == 2
        out = v.vid if final else next_id
        for a in range(len(parts)):
            for b in range(a + 1, len(parts)):
                rest = [p for j, p in enumerate(parts) if j not in (a, b)]
                for n in range(k):
                    s = state.copy()
                    uses = _uses(v) if final else 1
                    s.place((parts[a], parts[b]), out, v.nbytes, n, uses, final and out in roots)
                    steps.append(Step(out, (parts[a], parts[b]), v.nbytes, n, v.vid, "add"))
                    if final:
                        rec(i + 1, s, steps, None, next_id)
                    else:
                        rec(i, s, steps, rest + [out], next_id + 1)
                    steps.pop()

    rec(0, state0, [], None, len(verts))
    if best[1] is None:
        seed = min(seeds, key=lambda p: p.objective)
        result = Plan(**{**seed.__dict__, "planner": "exhaustive"})
        result.extra = {"explored": explored[0], "improved": False}
        return result
    steps, state = best[1]
    nodes = {v.vid: v.node for v in verts if v.op == "leaf"}
    nodes.update({s.out: s.node for s in steps})
    plan = _finish("exhaustive", graph, state, state0.memory[:], steps, nodes, t0)
    plan.extra = {"explored": explored[0],
                  "improved": best_f is None or plan.objective < best_f}
    return plan
