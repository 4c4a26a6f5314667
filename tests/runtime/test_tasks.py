"""Tasks: arguments, results, dependencies, options and argument errors."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

import runtime as rt


@rt.remote
def add(a, b=0):
    return a + b


@rt.remote(num_returns=2)
def split(x):
    return x[: len(x) // 2], x[len(x) // 2:]


@rt.remote
def total(arrays):
    # nested refs stay refs inside containers: the task gets them itself
    return sum(float(np.sum(rt.get(r))) for r in arrays)


@rt.remote
def fan_out(n):
    return rt.get([add.remote(i, 1) for i in range(n)])


@rt.remote
def sleep_then(x, seconds):
    time.sleep(seconds)
    return x


def test_values_kwargs_and_chains(one_node):
    assert rt.get(add.remote(1, b=2)) == 3
    ref = add.remote(add.remote(1, 2), b=add.remote(3, 4))
    assert rt.get(ref) == 10
    assert rt.get([add.remote(i, i) for i in range(20)]) == [2 * i for i in range(20)]


def test_numpy_arguments_and_results(one_node):
    x = np.arange(300_000, dtype=np.float64)  # larger than the inline limit
    ref = add.remote(rt.put(x), 1.0)
    np.testing.assert_array_equal(rt.get(ref), x + 1)
    # a large array passed by value goes through the store as well
    np.testing.assert_array_equal(rt.get(add.remote(x, x)), 2 * x)


def test_num_returns(one_node):
    a, b = split.remote(np.arange(10))
    np.testing.assert_array_equal(rt.get(a), np.arange(5))
    np.testing.assert_array_equal(rt.get(b), np.arange(5, 10))
    bad = rt.remote(lambda: (1, 2, 3)).options(num_returns=2).remote()
    with pytest.raises(ValueError, match="num_returns=2"):
        rt.get(bad[0])


def test_nested_refs_in_containers(one_node):
    refs = [rt.put(np.full(50_000, i, dtype=np.int64)) for i in range(4)]
    assert rt.get(total.remote(refs)) == sum(50_000 * i for i in range(4))


def test_tasks_submitting_tasks_do_not_deadlock(one_node):
    # each outer task blocks in get(); the inner tasks still find workers
    outers = [fan_out.remote(5) for _ in range(4)]
    assert rt.get(outers, timeout=60) == [[1, 2, 3, 4, 5]] * 4


def test_wait_and_get_timeout(one_node):
    fast = add.remote(1, 1)
    slow = sleep_then.remote(5, 1.0)
    ready, not_ready = rt.wait([slow, fast], num_returns=1, timeout=10)
    assert ready == [fast] and not_ready == [slow]
    with pytest.raises(rt.GetTimeoutError):
        rt.get(sleep_then.remote(1, 1.0), timeout=0.05)
    ready, not_ready = rt.wait([slow], num_returns=1, timeout=0.01)
    assert (ready, not_ready) == ([], [slow]) or ready == [slow]
    assert rt.get(slow) == 5
    assert isinstance(rt.GetTimeoutError("x"), TimeoutError)


def test_get_from_several_threads(one_node):
    out = {}

    def run(i):
        out[i] = rt.get(add.remote(i, 100))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert out == {i: i + 100 for i in range(8)}


def test_options_validation(one_node):
    with pytest.raises(ValueError, match="valid options are: max_retries, name, node"):
        add.options(nodes=1)
    with pytest.raises(ValueError, match=r"node=5 is out of range: valid nodes are 0\.\.0"):
        add.options(node=5)
    with pytest.raises(ValueError, match="num_returns"):
        add.options(num_returns=0)
    with pytest.raises(TypeError, match="add.remote"):
        add(1, 2)


def test_unpicklable_function_and_argument(one_node):
    lock = threading.Lock()
    with pytest.raises(rt.SerializationError, match="could not pickle the arguments of add"):
        add.remote(lock)

    def uses_lock():
        return lock

    with pytest.raises(rt.SerializationError, match="could not pickle function"):
        rt.remote(uses_lock).remote()


def test_get_of_unknown_ref(one_node):
    with pytest.raises(rt.ObjectFreedError, match="unknown or was already freed"):
        rt.get(rt.ObjectRef(0x7FFF_FFFF_FFFF, counted=True))
    with pytest.raises(TypeError):
        rt.get([1, 2])


@rt.remote
def timed_sleep(seconds):
    start = time.perf_counter()
    time.sleep(seconds)
    return os.getpid(), start, time.perf_counter()


def test_long_tasks_are_not_queued_behind_a_busy_worker(one_node):
    # once the function is known to take tens of ms, a task waits in the driver for a free
    # worker instead of queueing behind a long one: the 60 ms tasks all run on the other
    # worker and finish before the 600 ms task
    rt.get([timed_sleep.remote(0.06) for _ in range(2)])
    slow = timed_sleep.remote(0.6)
    time.sleep(0.05)  # the slow task is running
    fast = rt.get([timed_sleep.remote(0.06) for _ in range(4)])
    slow_pid, _, slow_end = rt.get(slow)
    assert all(pid != slow_pid for pid, _, _ in fast)
    assert max(end for _, _, end in fast) < slow_end


def test_not_initialised():
    if rt.is_initialized():
        rt.shutdown()
    with pytest.raises(rt.NotInitializedError):
        rt.put(1)



def test_a_scripts_own_functions_travel_as_arguments(tmp_path):
    # a function (or class) defined in the user's script lives in its ``__main__``, which a
    # worker does not have: the C pickler would send it by name and the worker fail to find it
    script = tmp_path / "script.py"
    script.write_text(
        "import runtime as rt\n"
        "def twice(v):\n"
        "    return 2 * v\n"
        "class Plus:\n"
        "    def __init__(self, k):\n"
        "        self.k = k\n"
        "    def __call__(self, v):\n"
        "        return v + self.k\n"
        "def call(f, v):\n"
        "    return f(v)\n"
        "rt.init(num_nodes=1, workers_per_node=1)\n"
        "task = rt.remote(call)\n"
        "print(rt.get(task.remote(twice, 21)), rt.get(task.remote(Plus(1), 41)))\n"
        "rt.shutdown()\n")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["42", "42"]
