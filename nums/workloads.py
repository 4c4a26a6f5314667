"""The operations the optimizer is judged on, on real arrays (tests and asv benchmarks).

Start a session with ``nums.init(..., cluster_shape=CLUSTER_SHAPES[name])``, then
``run = make(name, scale)`` creates and persists the inputs (sizes times ``scale``; 1 is the
test size) and returns a function that runs the operation once and waits for its result.

- ``xtx``: ``X.T @ X``, X row-blocked (16 row blocks of 32 columns);
- ``matmul``: ``A @ B``, square and 2-d blocked (4 x 4 blocks) on a 2 x 2 node grid;
- ``sum_axis0``, ``sum_axis1``: a sum over one axis of a 2-d blocked array (8 x 4 blocks);
- ``newton``: one Newton step of logistic regression (``examples/logistic_regression.py``).
"""

from __future__ import annotations

from collections.abc import Callable

CLUSTER_SHAPES = {
    "xtx": (4,),
    "matmul": (2, 2),
    "sum_axis0": (2, 2),
    "sum_axis1": (2, 2),
    "newton": (4,),
}
NAMES = tuple(CLUSTER_SHAPES)
REDUCTIONS = ("xtx", "sum_axis0", "sum_axis1", "newton")


def make(name: str, scale: int = 1) -> Callable[[], object]:
    """Create the inputs of load ``name`` (sizes times ``scale``); return its operation."""
    import nums.numpy as nps

    rng = nps.random.default_rng(sorted(CLUSTER_SHAPES).index(name))
    if name in ("xtx", "newton"):
        n, rows = 200_000 * scale, 12_500 * scale
        X = rng.standard_normal((n, 32), block_shape=(rows, 32)).persist()
        if name == "xtx":
            return lambda: (X.T @ X).persist()
        y = (rng.random((n,), block_shape=(rows,)) > 0.5).astype(nps.float64).persist()
        state = {"b": nps.zeros((32,)).persist()}

        def step():
            b = state["b"]
            mu = 1 / (1 + nps.exp(-(X @ b)))
            g = X.T @ (mu - y)
            H = X.T @ (X * (mu * (1 - mu))[:, None])
            state["b"] = (b - nps.linalg.solve(H, g)).persist()
            return state["b"]

        return step
    if name == "matmul":
        n = 1200 * scale
        A = rng.random((n, n), block_shape=(n // 4, n // 4)).persist()
        B = rng.random((n, n), block_shape=(n // 4, n // 4)).persist()
        return lambda: (A @ B).persist()
    if name in ("sum_axis0", "sum_axis1"):
        n = 2000 * scale
        A = rng.random((n, n), block_shape=(n // 8, n // 4)).persist()
        axis = int(name[-1])
        return lambda: A.sum(axis=axis).persist()
    raise ValueError(f"unknown load {name!r}; valid: {', '.join(NAMES)}")
