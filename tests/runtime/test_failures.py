"""Errors in tasks, workers that die, retries."""

from __future__ import annotations

import linecache
import os
import signal
import threading
import time

import pytest

import runtime as rt


class CustomError(Exception):
    def __init__(self, code):
        super().__init__(f"custom failure {code}")
        self.code = code


@rt.remote
def fails(kind):
    if kind == "value":
        raise ValueError("bad value 42")
    if kind == "key":
        return {}["missing"]
    raise CustomError(7)


@rt.remote
def plus_one(x):
    return x + 1


@rt.remote(max_retries=3)
def die_once(marker, how):
    if not os.path.exists(marker):
        open(marker, "w").close()
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif how == "segfault":
            import ctypes
            ctypes.string_at(0)
        else:
            os._exit(7)
    return "survived"


@rt.remote(max_retries=2)
def always_dies():
    os._exit(9)


@rt.remote
def slow_pid(seconds, marker):
    open(marker, "a").write(f"{os.getpid()}\n")
    time.sleep(seconds)
    return "done"


def test_remote_exception_type_and_traceback(one_node):
    with pytest.raises(ValueError, match="bad value 42") as info:
        rt.get(fails.remote("value"))
    err = info.value
    assert isinstance(err, rt.TaskError) and isinstance(err.cause, ValueError)
    text = str(err)
    assert "Remote traceback (task fails)" in text and 'raise ValueError("bad value 42")' in text
    assert f'File "{__file__}", line' in text and "<dynamic-code>" not in text
    with pytest.raises(KeyError):
        rt.get(fails.remote("key"))
    with pytest.raises(CustomError) as info:
        rt.get(fails.remote("custom"))
    assert info.value.code == 7


class CodedError(ValueError):
    """An exception whose ``__init__`` takes other arguments than it passes on (it did not
    unpickle: the caller got a bare TaskError, not caught by ``except ValueError``)."""

    def __init__(self, code, text):
        super().__init__(f"{code}: {text}")
        self.code = code


@rt.remote
def raises_unusual(kind):
    if kind == "coded":
        raise CodedError(42, "bad")
    if kind == "unicode":
        "é".encode("ascii")
    raise SystemExit(3)


def test_exceptions_keep_their_type_and_attributes(one_node):
    """An exception comes back as its own type with its attributes: one whose ``__init__``
    takes other arguments, and those whose attributes are set by ``__init__`` from its
    arguments (UnicodeEncodeError's ``object``/``start``/``reason``, SystemExit's
    ``code``: they came back as None)."""
    with pytest.raises(CodedError) as info:
        rt.get(raises_unusual.remote("coded"))
    assert info.value.code == 42 and str(info.value).startswith("42: bad")
    with pytest.raises(UnicodeEncodeError) as info:
        rt.get(raises_unusual.remote("unicode"))
    e = info.value
    assert (e.object, e.start, e.end, e.encoding) == ("é", 0, 1, "ascii")
    with pytest.raises(SystemExit) as info:
        rt.get(raises_unusual.remote("exit"))
    assert info.value.code == 3


def test_remote_traceback_of_code_without_a_file(one_node):
    # a notebook cell: source known to linecache only, under a name no worker can open
    name = "/nonexistent/notebook-cell-7.py"
    source = "def cell_fn(x):\n    y = x * 2\n    return y / (x - x)\n"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(source, name, "exec"), namespace)
    try:
        with pytest.raises(ZeroDivisionError) as info:
            rt.get(rt.remote(namespace["cell_fn"]).remote(3))
    finally:
        del linecache.cache[name]
    text = str(info.value)
    assert f'File "{name}", line 3, in cell_fn' in text and "return y / (x - x)" in text


def test_errors_propagate_to_dependents(one_node):
    with pytest.raises(ValueError, match="bad value 42"):
        rt.get(plus_one.remote(plus_one.remote(fails.remote("value"))))


def test_errors_cross_nested_gets(one_node):
    @rt.remote
    def outer():
        return rt.get(fails.remote("value"))

    with pytest.raises(ValueError, match="bad value 42"):
        rt.get(outer.remote())


def test_unpicklable_return_value(one_node):
    with pytest.raises(rt.SerializationError, match="return value"):
        rt.get(rt.remote(lambda: threading.Lock()).remote())


@pytest.mark.parametrize("how", ["kill", "segfault", "exit"])
def test_worker_dies_mid_task_then_retried(one_node, tmp_path, how):
    before = rt.nodes()[0]
    assert rt.get(die_once.remote(str(tmp_path / "m"), how), timeout=60) == "survived"
    after = rt.nodes()[0]
    assert after["workers"] == before["workers"]  # the dead worker was replaced
    assert set(after["worker_pids"]) != set(before["worker_pids"])


def test_worker_killed_from_outside(one_node, tmp_path):
    marker = tmp_path / "pids"
    ref = slow_pid.remote(1.0, str(marker))
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(int(marker.read_text().split()[0]), signal.SIGKILL)
    assert rt.get(ref, timeout=60) == "done"
    assert len(marker.read_text().split()) == 2  # ran again, in another process


def test_retries_exhausted(one_node):
    with pytest.raises(rt.WorkerCrashedError) as info:
        rt.get(always_dies.remote(), timeout=60)
    msg = str(info.value)
    assert "task always_dies failed" in msg and "exit code 9" in msg
    assert "3 attempt(s)" in msg and "max_retries=2" in msg
    assert rt.get(plus_one.remote(1)) == 2  # the runtime goes on working


def test_tasks_sent_ahead_are_not_charged_for_a_crash():
    """Only the task that was running when its worker died has used an attempt."""
    if rt.is_initialized():
        rt.shutdown()
    rt.init(num_nodes=1, workers_per_node=1, object_store_bytes=16 << 20)
    try:
        quick = rt.remote(lambda i: i * 2).options(max_retries=0)
        assert rt.get(quick.remote(0)) == 0  # its run time is known: it may be sent ahead

        @rt.remote(max_retries=0)
        def crash():
            time.sleep(0.3)
            os._exit(5)

        bad = crash.remote()
        queued = [quick.remote(i) for i in range(1, 8)]
        with pytest.raises(rt.WorkerCrashedError, match="1 attempt"):
            rt.get(bad, timeout=60)
        assert rt.get(queued, timeout=60) == [2 * i for i in range(1, 8)]
    finally:
        rt.shutdown()


def test_retries_move_off_a_failing_node():
    if rt.is_initialized():
        rt.shutdown()
    rt.init(num_nodes=3, workers_per_node=1, object_store_bytes=16 << 20)
    try:
        @rt.remote(max_retries=5)
        def dies_on_node_0():
            from runtime import context
            if context.current.node == 0:
                os._exit(3)
            return context.current.node

        # node 0 kills each worker: after three deaths there the retry goes elsewhere
        assert rt.get(dies_on_node_0.options(node=0).remote(), timeout=60) in (1, 2)
        # a task that dies everywhere still ends after max_retries started attempts
        with pytest.raises(rt.WorkerCrashedError, match="3 attempt"):
            rt.get(always_dies.options(node=1).remote(), timeout=60)
        assert rt.get(plus_one.options(node=0).remote(1), timeout=60) == 2
    finally:
        rt.shutdown()

