"""Issue 4, judging points 2 and 3 at the model level: real loads, shared work, scaling."""

from __future__ import annotations

import time

import numpy as np
import pytest
from graph_cases import REDUCTIONS, real_loads

from nums.core.graph import grapharray as ga
from nums.core.graph.search import plan, plan_cyclic, plan_owner, plan_tree, simulate

MiB = 2**20


@pytest.fixture(scope="module")
def loads():
    return {name: (g, plan_tree(g), plan_cyclic(g)) for name, g in real_loads().items()}


def test_real_loads_never_worse_than_cyclic(loads):
    print()
    for name, (_g, tree, cyclic) in loads.items():
        print(f"{name:11s} moved {tree.bytes_moved / MiB:8.2f} MiB (cyclic "
              f"{cyclic.bytes_moved / MiB:8.2f}); received per node "
              f"{[round(x / MiB, 2) for x in tree.bytes_received]} (cyclic "
              f"{[round(x / MiB, 2) for x in cyclic.bytes_received]}); highest peak "
              f"{tree.max_peak / MiB:.1f} (cyclic {cyclic.max_peak / MiB:.1f}); "
              f"fallback={tree.fallback}")
        assert tree.objective <= cyclic.objective, name
        assert tree.bytes_moved <= cyclic.bytes_moved, name
        assert tree.max_peak <= cyclic.max_peak, name
        assert max(tree.bytes_received) <= max(cyclic.bytes_received), name
        assert max(tree.bytes_sent) <= max(cyclic.bytes_sent), name


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_move_much_less(loads, name):
    g, tree, cyclic = loads[name]
    assert not tree.fallback
    assert tree.bytes_moved * 20 <= cyclic.bytes_moved
    # and not more than BlockArray's owner-computes heuristics either
    assert tree.objective <= plan_owner(g).objective


def test_plans_replay_exactly(loads):
    for name, (g, tree, cyclic) in loads.items():
        for p in (tree, cyclic, plan_owner(g)):
            state = simulate(g, p.steps)
            assert state.peak == p.peak_memory, (name, p.planner)
            assert state.received == p.bytes_received, (name, p.planner)
            assert state.sent == p.bytes_sent, (name, p.planner)
            # intermediates are released at their last use: only leaves and outputs remain
            kept = set(state.loc)
            assert kept == {v.vid for v in g if v.op == "leaf"} | set(g.roots.values())


def test_every_vertex_placed_once(loads):
    for name, (g, tree, _) in loads.items():
        finals = [s.vertex for s in tree.steps if s.out == s.vertex]
        assert sorted(finals) == [v.vid for v in g if v.op != "leaf"], name
        assert len(tree.steps) == g.num_ops, name
        assert set(tree.outputs) == set(g.roots), name


def test_newton_shares_mu():
    rows = 8
    g = ga.newton_graph(rows * 1000, 16, 1000, (4,))
    mus = g.groups["mu"]
    assert len(mus) == rows
    assert sum(v.attrs.get("func") == "sigmoid" for v in g) == rows
    for m in mus:
        assert g[m].attrs["func"] == "sigmoid"
        # mu - y, 1 - mu and mu * (1 - mu) read the one vertex
        assert len(g[m].parents) == 3
    p = plan_tree(g)
    for m in mus:
        assert sum(s.out == m for s in p.steps) == 1
    z = g[mus[0]].children[0]
    assert sum(s.out == z for s in p.steps) == 1


def _best_time(g, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        plan_tree(g)  # the search plus the block-cyclic plan it is compared with
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.parametrize("builder", ["newton", "xtx"])
def test_planning_time_grows_about_linearly(builder):
    def make(ops):
        if builder == "newton":
            rows = ops // 10
            return ga.newton_graph(rows * 8, 8, 8, (4,))
        return ga.xtx_graph((ops // 2) * 4, 4, 4, (4,))

    small, large = make(2500), make(10000)
    assert 2000 <= small.num_ops <= 3000 and 9000 <= large.num_ops <= 11000
    t_small, t_large = _best_time(small), _best_time(large)
    per_k = t_large / large.num_ops * 1e6
    print(f"\n{builder}: {small.num_ops} ops {t_small * 1e3:.1f} ms, {large.num_ops} ops "
          f"{t_large * 1e3:.1f} ms ({per_k:.1f} ms per 1000 ops)")
    # 4x the ops: linear is 4x, quadratic 16x; allow noise up to 8x
    assert t_large / t_small < 8 * (large.num_ops / small.num_ops) / 4


def test_unaligned_and_broadcast_elementwise():
    f8 = np.float64
    a = ga.ArrayGrid((64, 64), (16, 64), f8)
    b = ga.ArrayGrid((64, 64), (64, 16), f8)
    g = ga.elementwise_graph(a, b, (2,))
    assert len(g.roots) == 4
    for vid in g.roots.values():
        assert g[vid].attrs["pieces"] == (1, 4) and g[vid].shape == (16, 64)
    row = ga.ArrayGrid((64,), (32,), f8)
    g = ga.elementwise_graph(a, row, (2,), func="multiply")
    for vid in g.roots.values():
        assert g[vid].attrs["pieces"] == (1, 2)
    t, c = plan_tree(g), plan_cyclic(g)
    assert t.objective <= c.objective


def test_plan_dispatch():
    g = ga.xtx_graph(64, 4, 16, (2,))
    assert plan(g, "cyclic").planner == "cyclic"
    assert plan(g).planner == "tree"
    with pytest.raises(ValueError, match="valid: cyclic, owner, tree"):
        plan(g, "lshs")
