"""Actors: state, ordering, handles passed to tasks, failures."""

from __future__ import annotations

import os

import numpy as np
import pytest

import runtime as rt


@rt.remote
class Log:
    def __init__(self, start):
        self.items = list(start)

    def append(self, x):
        self.items.append(x)
        return len(self.items)

    def items_(self):
        return list(self.items)

    def pid(self):
        return os.getpid()

    def keep(self, arr):
        self.kept = arr  # a zero-copy view kept beyond the call
        return float(arr.sum())

    def kept_sum(self):
        return float(self.kept.sum())

    def die(self):
        os._exit(1)


@rt.remote
class Broken:
    def __init__(self):
        raise RuntimeError("constructor failed")

    def f(self):
        return 1


@rt.remote
def append_via(handle, values):
    return rt.get([handle.append.remote(v) for v in values])


def test_state_and_order(one_node):
    log = Log.remote([0])
    refs = [log.append.remote(i) for i in range(1, 51)]
    assert rt.get(refs) == list(range(2, 52))
    assert rt.get(log.items_.remote()) == list(range(51))


def test_calls_wait_for_arguments_in_order(one_node):
    @rt.remote
    def slow(x):
        import time
        time.sleep(0.3)
        return x

    log = Log.remote([])
    first = log.append.remote(slow.remote("a"))  # its argument is late
    second = log.append.remote("b")  # must still run after the first call
    assert rt.get([first, second]) == [1, 2]
    assert rt.get(log.items_.remote()) == ["a", "b"]


def test_handles_passed_to_tasks(one_node):
    log = Log.remote([])
    assert rt.get(append_via.remote(log, [1, 2, 3])) == [1, 2, 3]
    assert rt.get(log.items_.remote()) == [1, 2, 3]


def test_actor_keeps_zero_copy_argument(one_node):
    log = Log.remote([])
    x = np.arange(200_000, dtype=np.float64)
    ref = rt.put(x)
    assert rt.get(log.keep.remote(ref)) == x.sum()
    del ref  # the actor still holds a view: the memory must stay valid
    filler = [rt.put(np.ones(200_000)) for _ in range(5)]
    assert rt.get(log.kept_sum.remote()) == x.sum()
    del filler


def test_actor_runs_in_its_own_process(one_node):
    log = Log.remote([])
    pid = rt.get(log.pid.remote())
    pool = {p for n in rt.nodes() for p in n["worker_pids"]}
    assert pid != os.getpid() and pid not in pool


def test_constructor_error_and_unknown_method(one_node):
    b = Broken.remote()
    with pytest.raises(RuntimeError, match="constructor failed"):
        rt.get(b.f.remote())
    with pytest.raises(AttributeError, match="no method 'nope'"):
        getattr(Log.remote([]), "nope")  # noqa: B009
    with pytest.raises(TypeError, match="Log.remote"):
        Log([])


def test_actor_death(one_node):
    log = Log.remote([])
    assert rt.get(log.append.remote(1)) == 1
    with pytest.raises(rt.ActorDiedError, match="died"):
        rt.get(log.die.remote(), timeout=30)
    with pytest.raises(rt.ActorDiedError):
        rt.get(log.append.remote(2), timeout=30)


def test_actor_process_ends_with_its_last_handle(one_node):
    import time

    log = Log.remote([])
    pid = rt.get(log.pid.remote())
    del log
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
        rt.metrics()  # applies the dropped reference
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pid}")
