"""ClusterState, GraphArray and explain: the model's bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest

from nums.core.graph.cluster_state import ClusterState
from nums.core.graph.explain import explain
from nums.core.graph.grapharray import GraphArray, xtx_graph
from nums.core.graph.search import plan_cyclic, plan_tree


def test_copy_counted_once_and_replica_kept():
    s = ClusterState(3)
    s.add_block(0, 100, node=0, uses=2, persistent=True)
    s.place((0,), 1, 10, node=1, uses=0, persistent=True)
    s.place((0,), 2, 10, node=1, uses=0, persistent=True)
    assert s.sent == [100, 0, 0] and s.received == [0, 100, 0]
    assert s.nodes_of(0) == [0, 1]
    assert s.memory == [100, 120, 0]
    assert s.objective() == 120 + 100 + 100


def test_release_at_last_use_everywhere():
    s = ClusterState(2)
    s.add_block(0, 50, node=0, uses=1, persistent=True)
    s.place((0,), 1, 40, node=0, uses=1)  # intermediate, one reader
    s.place((1,), 2, 8, node=1, uses=0, persistent=True)  # reads it on node 1: copy, then free
    assert 1 not in s
    assert s.memory == [50, 8]
    assert s.peak == [90, 48]


def test_score_matches_place_and_copy_is_independent():
    s = ClusterState(3)
    s.add_block(0, 30, node=0, uses=1)
    s.add_block(1, 20, node=2, uses=1)
    for n in range(3):
        f, copied, _ = s.score((0, 1), 7, n)
        t = s.copy()
        assert t.place((0, 1), 9, 7, n, uses=0, persistent=True) == copied
        assert t.objective() == f
    assert s.memory == [30, 0, 20] and s.sent == [0, 0, 0]


def test_graph_errors():
    g = GraphArray(2)
    a = g.leaf((4, 3), np.float64, 0)
    b = g.leaf((5, 3), np.float32, 1)
    with pytest.raises(ValueError, match=r"\(4, 3\) and \(5, 3\)"):
        g.tensordot(a, b)
    with pytest.raises(ValueError, match="different shapes"):
        g.sum([a, b])
    with pytest.raises(ValueError, match="outside"):
        g.leaf((1,), np.float64, 2)
    assert g.sum([a]) == a
    c = g.map("add", a, g.leaf((3,), np.float32, 1))
    assert g[c].shape == (4, 3) and g[c].dtype == np.float64 and g[c].nbytes == 96
    r = g.reduce(c, (0,))
    assert g[r].shape == (3,)
    with pytest.raises(ValueError, match="no output"):
        g.validate()
    g.output("r", (0,), r)
    g.validate()
    g.map("negative", c)
    with pytest.raises(ValueError, match="reach no output"):
        g.validate()


def test_explain_text():
    g = xtx_graph(4096, 16, 512, (4,))
    p = plan_tree(g)
    text = explain(p, compare=plan_cyclic(g))
    assert "XtX[0, 0] -> node" in text
    assert text.count("\n   ") >= 4  # one row per node
    assert "'cyclic' for comparison" in text


def test_explain_plot():
    p = plan_tree(xtx_graph(4096, 16, 512, (2,)))
    try:
        import matplotlib
    except ImportError:
        with pytest.raises(RuntimeError, match="matplotlib"):
            explain(p, plot=True)
        return
    matplotlib.use("Agg")
    assert "node" in explain(p, plot=True)


def test_ops_that_read_nothing_are_placed_beside_ops_that_read():
    g = GraphArray(3)
    with g.tree(0):
        a = g.leaf((100,), np.float64, node=0)
        g.output("x", (0,), g.op("map", [a], (100,), np.float64))
    for i in (1, 2, 3):  # creation tasks: no inputs
        with g.tree(i % 3):
            g.output("x", (i,), g.op("full", [], (100,), np.float64))
    for planner in (plan_tree, plan_cyclic):
        p = planner(g)
        assert sorted(p.outputs) == [("x", (i,)) for i in range(4)]
        assert p.outputs[("x", (0,))] == 0  # the reader stays with its input
    assert plan_tree(g).objective <= plan_cyclic(g).objective
