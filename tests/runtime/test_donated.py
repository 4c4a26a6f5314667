"""donated: a task writes an argument in place when it is the object's only holder."""

from __future__ import annotations

import gc
import os
import signal
import time

import numpy as np
import pytest

import runtime as rt
from runtime import context

N = 1_000_000  # 8 MB of float64: a store object


@rt.remote
def make(n, value=0.0):
    return np.full(n, value)


@rt.remote(num_returns=2)
def bump(a, shared_with=None, shared=False):
    w = rt.donated(a, shared=shared)
    out = a.copy() if w is None else w
    if shared_with is not None:
        first = float(shared_with[0])  # read before the write
        out[0] = first + 1.0
    else:
        out[0] += 1.0
    return out, w is not None


@rt.remote
def bump_and_die(a):
    w = rt.donated(a)
    if w is not None:
        w[0] = -5.0
        os.kill(os.getpid(), signal.SIGKILL)
    return a


@rt.remote
def bump_and_fail(a):
    w = rt.donated(a)
    w[0] = -5.0
    raise ValueError("after a write in place")


@rt.remote
def first(a):
    time.sleep(0.05)
    return float(a[0])


def used() -> int:
    gc.collect()
    time.sleep(0.05)
    rt.metrics()  # applies dropped references
    return context.current.stores[0].allocator.used


def in_place() -> int:
    return sum(m["written_in_place"] for m in rt.metrics())


def test_the_only_holder_writes_in_place(one_node):
    before, count = used(), in_place()
    x = make.remote(N)
    rt.wait([x])
    for _ in range(5):
        x, given = bump.remote(x)  # the old ref goes as the task is submitted
        assert rt.get(given)
    v = rt.get(x)
    assert v[0] == 5.0 and v[1] == 0.0 and not v.flags.writeable
    assert in_place() == count + 5
    del v, x, given
    assert used() == before  # nothing leaked: one region, handed on five times


def test_other_holders_get_a_copy(one_node):
    x = make.remote(N)
    y, given = bump.remote(x)  # ``x`` is still held here
    assert not rt.get(given)
    assert rt.get(x)[0] == 0.0 and rt.get(y)[0] == 1.0
    v = rt.get(x)  # a zero-copy value of x is alive: x stays as it is
    z, given = bump.remote(x)
    del x
    assert not rt.get(given) and v[0] == 0.0 and rt.get(z)[0] == 1.0
    r = make.remote(N)
    reader = first.remote(r)  # another task reads it
    s, given = bump.remote(r)
    del r
    assert not rt.get(given) and rt.get(reader) == 0.0 and rt.get(s)[0] == 1.0


def test_an_object_taken_twice_needs_shared(one_node):
    x = make.remote(N, 2.0)
    rt.wait([x])
    y, given = bump.remote(x, x)
    del x
    assert not rt.get(given) and rt.get(y)[0] == 3.0
    x = make.remote(N, 2.0)
    rt.wait([x])
    y, given = bump.remote(x, x, shared=True)
    del x
    assert rt.get(given) and rt.get(y)[0] == 3.0


def test_a_failed_task_frees_what_it_was_given(one_node):
    before = used()
    x = make.remote(N)
    rt.wait([x])
    bad = bump_and_fail.remote(x)
    del x
    with pytest.raises(ValueError, match="after a write in place"):
        rt.get(bad)
    del bad
    assert used() == before


def test_a_worker_dying_while_it_writes_in_place_fails_the_task(one_node):
    x = make.remote(N)
    rt.wait([x])
    bad = bump_and_die.remote(x)
    del x
    with pytest.raises(rt.WorkerCrashedError, match="wrote an argument in place"):
        rt.get(bad)


def test_outside_a_task_there_is_nothing_to_hand_over(one_node):
    assert rt.donated(np.zeros(3)) is None
