"""Optimizer benchmarks (issue 4): placement by the tree search against block-cyclic.

- ``PlannedLoads``: the loads of :mod:`nums.workloads` (``X.T @ X``, ``A @ B``, sums
  over axis 0 and 1, one Newton step) at 4x the test size, on the embedded runtime with 4
  virtual nodes of one worker each, with ``optimizer="tree"`` and ``"cyclic"``: time, bytes
  copied between nodes and the highest per-node peak of the object stores, both as the runtime
  measures them.
- ``Planning``: the planner's own cost, in ms per 1,000 block ops, on model graphs of about
  2,500 and 10,000 ops (a sum over an axis), and the time to build and plan, without running,
  a real ``A.sum(axis=0)`` over 10,000 blocks, beside the time to run it (``PlanRealOp``).
- ``Fusion``: ``z = x * y + 1`` on 1e8 float64, fused (one task per block) against unfused
  (``x * y`` stored, then ``+ 1``): time, tasks run, and store peak beyond inputs and output.
"""

from __future__ import annotations

import time

from . import _engines

_engines.by_value(__name__)

MIB = 2**20
OPTIMIZERS = ["tree", "cyclic"]


def _metrics() -> list[dict]:
    import nums

    return nums.metrics()


class PlannedLoads:
    """Each load on 4 virtual nodes, tree search against block-cyclic placement."""

    params = (["xtx", "matmul", "sum_axis0", "sum_axis1", "newton"], OPTIMIZERS, [4])
    param_names = ["load", "optimizer", "scale"]
    timeout = 600
    number = 1
    repeat = (3, 7, 30.0)
    warmup_time = 0

    def setup(self, load, optimizer, scale):
        from nums import workloads as loads

        _engines.start_nums(backend="embedded", num_nodes=4, workers_per_node=1,
                            cluster_shape=loads.CLUSTER_SHAPES[load], optimizer=optimizer)
        self.run = loads.make(load, scale)

    def teardown(self, load, optimizer, scale):
        self.__dict__.clear()
        _engines.stop_nums()

    def time_load(self, load, optimizer, scale):
        self.run()

    def track_moved_mib(self, load, optimizer, scale):
        before = _metrics()
        self.run()
        after = _metrics()
        return sum(a["bytes_sent"] - b["bytes_sent"] for a, b in zip(after, before)) / MIB

    track_moved_mib.unit = "MiB"

    def track_peak_mib(self, load, optimizer, scale):
        """Highest per-node store peak of the session (inputs included) after one run."""
        self.run()
        return max(m["peak_store_bytes"] for m in _metrics()) / MIB

    track_peak_mib.unit = "MiB"


class Planning:
    """Planner time per 1,000 block ops (model graphs), and building plus planning a real op."""

    params = [2_500, 10_000]
    param_names = ["ops"]
    timeout = 300

    def setup(self, ops):
        from nums.core.graph import grapharray as ga
        from nums.core.graph.grid import ArrayGrid

        # sum over axis 0 of a (k, k) grid: k*k reduces plus k*(k - 1) combinations
        k = max(2, int((ops / 2) ** 0.5))
        self.graph = ga.sum_axis_graph(ArrayGrid((k * 100, k * 100), (100, 100), "f8"), 0, (4,))

    def time_plan_tree(self, ops):
        from nums.core.graph.search import plan_tree

        plan_tree(self.graph)

    def track_ms_per_1000_ops(self, ops):
        from nums.core.graph.search import plan_tree

        t0 = time.perf_counter()
        plan_tree(self.graph)
        return (time.perf_counter() - t0) * 1e3 / (self.graph.num_ops / 1000)

    track_ms_per_1000_ops.unit = "ms"


class PlanRealOp:
    """Build and plan (no task runs) ``A.sum(axis=0)`` of a 100 x 100 grid of blocks."""

    timeout = 300

    def setup(self):
        import nums.numpy as nps

        _engines.start_nums(backend="embedded", num_nodes=4, workers_per_node=1)
        self.A = nps.zeros((1000, 1000), block_shape=(10, 10)).persist()

    def teardown(self):
        self.__dict__.clear()
        _engines.stop_nums()

    def time_build_and_plan(self):
        self.A.sum(axis=0)  # the result is never used: its tasks are not submitted

    def time_build_plan_and_run(self):
        """The same operation run to completion: what planning is compared with."""
        self.A.sum(axis=0).persist()


class Fusion:
    """``z = x * y + 1`` fused (one task per block) and unfused (``x * y`` stored first)."""

    params = (["fused", "unfused"], [10**8])
    param_names = ["mode", "n"]
    timeout = 600
    number = 1
    repeat = (3, 10, 30.0)
    warmup_time = 0

    def setup(self, mode, n):
        import nums.numpy as nps

        _engines.start_nums()
        rng = nps.random.default_rng(0)
        self.x, self.y = rng.random(n).persist(), rng.random(n).persist()
        self.nbytes = 8 * n
        for _ in range(2):
            self.run(mode)

    def teardown(self, mode, n):
        self.__dict__.clear()
        _engines.stop_nums()

    def run(self, mode):
        if mode == "fused":
            return (self.x * self.y + 1).persist()
        t = (self.x * self.y).persist()
        return (t + 1).persist()

    def time_z(self, mode, n):
        self.run(mode)

    def track_tasks(self, mode, n):
        before = sum(m["tasks_run"] for m in _metrics())
        self.run(mode)
        return sum(m["tasks_run"] for m in _metrics()) - before

    def track_extra_peak_mib(self, mode, n):
        """Store peak beyond the two inputs and the output."""
        self.run(mode)
        return (sum(m["peak_store_bytes"] for m in _metrics()) - 3 * self.nbytes) / MIB

    track_extra_peak_mib.unit = "MiB"
