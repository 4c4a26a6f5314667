"""runtime.task_events (the log of finished tasks) and runtime.activity (what each worker
runs now), on a real runtime."""

from __future__ import annotations

import os
import threading
import time

import pytest

import runtime as rt
from runtime import tasklog


@rt.remote
def _nap(seconds: float, x: int) -> int:
    time.sleep(seconds)
    return x


@rt.remote
def _hold(path: str, x: int) -> int:
    while not os.path.exists(path):  # until the test lets it finish
        time.sleep(0.005)
    return x


@rt.remote
class _Counter:
    def __init__(self):
        self.n = 0

    def inc(self) -> int:
        self.n += 1
        return self.n


@pytest.fixture(scope="module")
def two_nodes():
    if rt.is_initialized():
        rt.shutdown()
    rt.init(num_nodes=2, workers_per_node=1, object_store_bytes=64 << 20)
    yield rt
    rt.shutdown()


def test_events_name_node_worker_and_times(two_nodes):
    before = time.time()
    refs = [_nap.options(node=i % 2).remote(0.05, i) for i in range(4)]
    assert rt.get(refs) == [0, 1, 2, 3]
    after = time.time()
    events = [e for e in rt.task_events() if e["start"] >= before - 1]
    naps = [e for e in events if e["name"] == "_nap"]
    assert len(naps) == 4
    assert sorted(e["node"] for e in naps) == [0, 0, 1, 1]
    pids = {n["node"]: set(n["worker_pids"]) for n in rt.nodes()}
    for e in naps:
        assert e["worker"] in pids[e["node"]]
        assert e["end"] - e["start"] >= 0.05 - 1e-3  # the run time the worker measured
        assert before - 0.01 <= e["end"] <= after + 0.01
    ends = [e["end"] for e in rt.task_events()]
    assert ends == sorted(ends)  # oldest first


def test_events_limit_and_actor_calls(two_nodes):
    c = _Counter.remote()
    assert rt.get([c.inc.remote() for _ in range(3)]) == [1, 2, 3]
    last = rt.task_events(limit=3)
    assert [e["name"] for e in last] == ["_Counter.inc"] * 3
    assert rt.task_events(limit=0) == []
    with pytest.raises(ValueError, match="limit"):
        rt.task_events(limit=-1)


def test_the_log_is_bounded():
    log = tasklog.new_log(maxlen=5)
    for i in range(12):
        log.append((f"t{i}", 0, 1, float(i), 0.5))

    class _Fake:  # the two fields task_events reads
        lock = threading.Lock()
        task_log = log

    events = tasklog.task_events(_Fake, limit=3)
    assert [e["name"] for e in events] == ["t9", "t10", "t11"]
    assert [e["name"] for e in tasklog.task_events(_Fake)] == [f"t{i}" for i in range(7, 12)]
    assert events[0]["start"] == 8.5 and events[0]["end"] == 9.0


def test_activity_running_and_queued_per_worker(two_nodes, tmp_path):
    rt.get(_nap.options(node=0).remote(0.0, 0))  # the workers are up
    gate = str(tmp_path / "go")
    refs = [_hold.options(node=0).remote(gate, i) for i in range(3)]
    try:
        deadline = time.monotonic() + 30
        while True:  # until the first task has started (the others cannot finish before it)
            nodes = rt.activity()
            busy = [w for w in nodes[0]["workers"] if w["running"]]
            if busy or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        assert [n["node"] for n in nodes] == [0, 1]
        assert len(busy) == 1 and busy[0]["task"] == "_hold" and busy[0]["actor"] is None
        assert busy[0]["blocked"] is False
        queued = nodes[0]["queued"] + sum(w["queued"] for w in nodes[0]["workers"])
        assert queued == 2  # one worker on node 0: the others wait, at the node or sent ahead
        assert all(w["running"] == 0 and w["queued"] == 0 for w in nodes[1]["workers"])
    finally:
        open(gate, "w").close()
    assert rt.get(refs) == [0, 1, 2]
    after = rt.activity()
    assert all(w["running"] == 0 and w["queued"] == 0 for n in after for w in n["workers"])
    assert all(n["queued"] == 0 for n in after)


def test_activity_lists_actors(two_nodes):
    c = _Counter.options(node=1).remote()
    rt.get(c.inc.remote())
    workers = rt.activity()[1]["workers"]
    assert "_Counter" in [w["actor"] for w in workers]
    assert all(w["actor"] in (None, "_Counter") for w in workers)
