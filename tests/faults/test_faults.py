"""Fault injection: workers killed at random, and a whole virtual node killed, during real
nums jobs (logistic regression, a reduction chain, products, a sort). Results must be
identical to the fault-free run, and nothing may be left behind (processes, shared-memory
segments, spill files). Marked ``faults``; run with
``python -m pytest -m faults -s`` to see the time each job took with and without faults."""

from __future__ import annotations

import os
import random
import threading
import time

import numpy as np
import pytest

import nums
import nums.numpy as nps
import runtime as rt
from nums.models import LogisticRegression

pytestmark = pytest.mark.faults


def _logistic():
    rng = nps.random.default_rng(7)
    X = rng.standard_normal((60_000, 8))
    w = nps.arange(8.0) / 8 - 0.4
    y = (X @ w + 0.3 * rng.standard_normal(60_000) > 0).astype(float)
    model = LogisticRegression(solver="newton", tol=1e-10, max_iter=50).fit(X, y)
    return np.concatenate([model.coef_.ravel(), model.intercept_])


def _reductions():
    X = nps.random.default_rng(3).random((200_000, 16))
    Z = nps.exp(X) * 2 - X
    for _ in range(4):
        Z = Z - Z.mean(axis=0)
        Z = Z / nps.sqrt((Z * Z).sum(axis=0))
    return np.concatenate([Z.sum(axis=0).get(), [float(nps.abs(Z).max())]])


def _matmul():
    rng = nps.random.default_rng(11)
    A = rng.random((3000, 800))
    B = rng.random((800, 600))
    return np.concatenate([(A.T @ A).get().ravel(), (A @ B).sum(axis=0).get()])


def _sort():
    x = nps.random.default_rng(5).standard_normal(400_000)
    s = nps.sort(x)  # a sample sort across the blocks of every node
    return np.concatenate([s[::997].get(), [float(nps.median(x))]])


JOBS = {"logistic regression": _logistic, "reduction chain": _reductions, "matmul": _matmul,
        "sort": _sort}


def _memfds() -> int:
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            n += os.readlink(f"/proc/self/fd/{fd}").startswith("/memfd:")
        except OSError:
            pass
    return n


def _children() -> set[int]:
    me, out = os.getpid(), set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me and fields[0] != "Z":
                out.add(int(name))
    return out


class _Killer(threading.Thread):
    """Kills a random pool worker every ``period`` seconds until stopped."""

    def __init__(self, period: float, seed: int):
        super().__init__(daemon=True)
        self.period, self.rng = period, random.Random(seed)
        self.stop, self.kills = threading.Event(), 0

    def run(self):
        while not self.stop.wait(self.period):
            pids = [p for nd in rt.nodes() for p in nd["worker_pids"]]
            if pids:
                try:
                    os.kill(self.rng.choice(pids), 9)
                    self.kills += 1
                except ProcessLookupError:
                    pass


class _NodeKiller(threading.Thread):
    """Kills virtual node ``node`` once the job has run ``after_tasks`` tasks."""

    def __init__(self, node: int, after_tasks: int):
        super().__init__(daemon=True)
        self.node, self.after = node, after_tasks
        self.stop, self.kills = threading.Event(), 0

    def run(self):
        while not self.stop.wait(0.002):
            if _tasks_run() >= self.after:
                rt.kill_node(self.node)
                self.kills = 1
                return


def _tasks_run() -> int:
    return sum(m["tasks_run"] for m in rt.metrics())


def _session(spill):
    nums.shutdown()
    # a worker killed every 0.3 s may hit the same task several times on a busy machine
    nums.init(backend="embedded", num_nodes=3, workers_per_node=1, task_retries=10,
              object_store_bytes=256 << 20, spill_dir=str(spill), block_bytes=1 << 20)


@pytest.fixture(scope="module")
def clean_slate():
    nums.shutdown()
    before = (_children(), _memfds())
    yield before
    nums.shutdown()


@pytest.mark.parametrize("fault", ["workers", "node"])
@pytest.mark.parametrize("job", sorted(JOBS))
def test_job_survives_faults(job, fault, tmp_path, clean_slate):
    spill = tmp_path / "spill"
    _session(spill)
    t0 = time.perf_counter()
    expected = JOBS[job]()
    clean = time.perf_counter() - t0
    tasks = _tasks_run()
    _session(spill)
    killer = None
    if fault == "workers":
        killer = _Killer(0.3, seed=len(job))
    else:
        killer = _NodeKiller(node=1, after_tasks=tasks // 2)
    killer.start()
    t0 = time.perf_counter()
    try:
        got = JOBS[job]()
    finally:
        killer.stop.set()
        killer.join()
    faulty = time.perf_counter() - t0
    assert killer.kills  # the fault did happen while the job ran
    rebuilds = rt.context.current.rebuilds
    if fault == "node":
        assert [n["alive"] for n in rt.nodes()] == [True, False, True]
        assert rebuilds > 0  # blocks held only by node 1 were made again
    np.testing.assert_array_equal(got, expected)
    nums.shutdown()
    print(f"\n{job}, {fault}: {tasks} tasks, {clean:.2f} s clean, {faulty:.2f} s with "
          f"faults ({killer.kills} kill(s), {rebuilds} task(s) run again from lineage)")
    # nothing left behind: processes, shared-memory segments, spill files
    deadline = time.monotonic() + 10
    while _children() - clean_slate[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _children() <= clean_slate[0]
    assert _memfds() <= clean_slate[1]
    assert not list(spill.rglob("*")) if spill.exists() else True
