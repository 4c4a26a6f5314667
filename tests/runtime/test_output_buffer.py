"""output_buffer: a task's result written straight into the store, without a copy."""

from __future__ import annotations

import gc
import time

import numpy as np

import runtime as rt
from runtime import context

N = 2_000_000  # 16 MB of float64


@rt.remote
def filled(value, how):
    out = rt.output_buffer((N,), np.float64)
    out[:] = value
    if how == "whole":
        return out
    if how == "slice":
        return out[: N // 2]
    return float(out[0])  # not returned: its memory must come back


@rt.remote(num_returns=2)
def filled_with_offset(value):
    import ctypes

    out = rt.output_buffer((N,), np.float64)
    out[:] = value
    ctx = context.current  # the worker's side: where its node's segment is mapped
    base = ctypes.addressof(ctypes.c_char.from_buffer(ctx.segments[ctx.node]))
    return out, out.ctypes.data - base


def used() -> int:
    gc.collect()
    time.sleep(0.05)
    rt.metrics()  # applies dropped references
    return context.current.stores[0].allocator.used


def test_returned_buffer_becomes_the_result_without_a_copy(one_node):
    from runtime.worker import OUT_RESERVE

    ref, offset = filled_with_offset.remote(3.0)
    v = rt.get(ref)
    assert v.shape == (N,) and v[0] == 3.0 and v[-1] == 3.0 and not v.flags.writeable
    entry = context.current.table.entries[ref.id]
    # the object is the buffer itself: its data starts where the task wrote it
    assert entry.replicas[0].offset + OUT_RESERVE == rt.get(offset)
    lo, _ = context.current.store_range(0)
    assert v.ctypes.data - lo == rt.get(offset)
    del v, ref


def test_unreturned_and_sliced_buffers(one_node):
    before = used()
    assert rt.get(filled.remote(2.0, "scalar")) == 2.0
    assert used() == before  # the unreturned buffer was freed when the task ended
    ref = filled.remote(5.0, "slice")
    v = rt.get(ref)
    assert v.shape == (N // 2,) and float(v.sum()) == 5.0 * (N // 2)
    del v, ref
    assert used() == before


def test_outside_a_task_it_is_plain_memory(one_node):
    a = rt.output_buffer((3, 4), np.int32)
    a[:] = 7
    assert a.dtype == np.int32 and a.shape == (3, 4) and a.flags.writeable
    assert rt.output_buffer(5).shape == (5,)
