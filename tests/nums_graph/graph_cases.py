"""Graphs shared by the planner tests: a family of small random graphs and the real loads."""

from __future__ import annotations

import random

import numpy as np

from nums.core.graph import grapharray as ga
from nums.core.graph.grapharray import GraphArray
from nums.core.graph.grid import ArrayGrid

MAX_OPS = 8


def random_graph(seed: int, num_nodes: int) -> GraphArray:
    """A random DAG of at most MAX_OPS block ops over 2-4 leaves of random sizes and nodes."""
    rng = random.Random(seed)
    g = GraphArray(num_nodes)
    sizes = (64, 128, 256, 512)
    for i in range(rng.randint(2, 4)):
        g.leaf((rng.choice(sizes),), np.float64, rng.randrange(num_nodes), name=f"L{i}")
    ops = 0
    while ops < MAX_OPS:
        room = MAX_OPS - ops
        existing = list(range(len(g)))
        if room >= 3 and rng.random() < 0.35:
            # partial results of one shape, then their sum (terms - 1 combinations)
            m = rng.randint(2, min(3, room // 2 + 1))
            if 2 * m - 1 > room:
                m = 2
            shape = (rng.choice(sizes),)
            terms = [g.op("part", rng.sample(existing, rng.randint(1, min(2, len(existing)))),
                          shape, np.float64) for _ in range(m)]
            g.sum(terms)
            ops += 2 * m - 1
        else:
            kids = rng.sample(existing, rng.randint(1, min(2, len(existing))))
            g.op("f", kids, (rng.choice(sizes),), np.float64)
            ops += 1
    for v in g:
        if v.op != "leaf" and not v.parents:
            g.output("out", (v.vid,), v.vid)
    return g


def structured_small() -> list[tuple[str, GraphArray]]:
    """Small instances of the builders' graphs (at most MAX_OPS ops)."""
    f8 = np.float64
    cases = []
    for c in ((2,), (3,)):
        cases.append((f"xtx4 on {c}", ga.xtx_graph(64 * 4, 8, 64, c)))
        cases.append((f"sum0 2x2 on {c}", ga.sum_axis_graph(ArrayGrid((64, 64), (32, 32), f8), 0,
                                                              c)))
        cases.append((f"sum1 2x2 on {c}", ga.sum_axis_graph(ArrayGrid((64, 64), (32, 32), f8), 1,
                                                              c)))
        cases.append((f"matmul 2x2@2x1 on {c}",
                      ga.matmul_graph(ArrayGrid((64, 64), (32, 32), f8),
                                      ArrayGrid((64, 32), (32, 32), f8), c)))
        cases.append((f"add unaligned on {c}",
                      ga.elementwise_graph(ArrayGrid((64, 64), (32, 64), f8),
                                           ArrayGrid((64, 64), (64, 16), f8), c)))
    return cases


def family() -> list[tuple[str, GraphArray]]:
    """The generated family of small graphs used for the optimality figures."""
    cases = structured_small()
    for seed in range(60):
        k = 2 + seed % 2
        cases.append((f"random seed {seed} on {k}", random_graph(seed, k)))
    return cases


def real_loads() -> dict[str, GraphArray]:
    """The loads of issue 4, at sizes whose blocks are a few MiB."""
    f8 = np.float64
    sq = ArrayGrid((4096, 4096), (1024, 1024), f8)
    return {
        "X.T@X": ga.xtx_graph(2**18, 64, 2**15, (4,)),
        "A@B": ga.matmul_graph(sq, sq, (2, 2)),
        "sum axis 0": ga.sum_axis_graph(sq, 0, (2, 2)),
        "sum axis 1": ga.sum_axis_graph(sq, 1, (2, 2)),
        "newton": ga.newton_graph(2**18, 64, 2**15, (4,)),
    }


REDUCTIONS = ("X.T@X", "sum axis 0", "sum axis 1", "newton")
