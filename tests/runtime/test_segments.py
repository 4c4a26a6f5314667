"""shared_view: several objects of one store read through one view of its segment."""

from __future__ import annotations

import numpy as np

import runtime as rt
from runtime.segments import shared_view, writable_alias


@rt.remote
def through_segment(dtype, *arrays):
    shared = shared_view(arrays, dtype)
    if shared is None:
        return None
    whole, offsets = shared
    return [whole[o:o + a.size].copy() for o, a in zip(offsets, arrays)], whole.flags.writeable


def test_objects_of_one_store_are_read_through_one_view(one_node):
    arrays = [np.arange(100_000, dtype=np.float64) * k for k in range(1, 4)]
    refs = [rt.put(a) for a in arrays]
    got, writeable = rt.get(through_segment.remote(np.float64, *refs))
    assert not writeable
    for g, a in zip(got, arrays):
        np.testing.assert_array_equal(g, a)
    # the driver maps the same segments
    whole, offsets = shared_view(rt.get(refs), np.float64)
    for o, a in zip(offsets, arrays):
        np.testing.assert_array_equal(whole[o:o + a.size], a)


def test_other_arrays_are_not_read_through_a_segment(one_node):
    ref = rt.put(np.arange(50_000, dtype=np.int32))
    assert rt.get(through_segment.remote(np.int64, ref)) is None  # another dtype
    assert shared_view([np.arange(10.0)], np.float64) is None  # private memory
    stored = rt.get(ref)
    assert shared_view([stored[::2]], np.int32) is None  # not contiguous
    assert shared_view([stored, np.arange(3, dtype=np.int32)], np.int32) is None
    assert shared_view([], np.int32) is None


@rt.remote
def alias_of(a):
    from runtime.segments import writable_alias

    alias = writable_alias(a)
    return (not a.flags.writeable, alias.flags.writeable, np.shares_memory(a, alias),
            np.array_equal(alias, a), alias.strides == a.strides)


def test_writable_alias_of_a_store_object(one_node):
    base = np.arange(300_000, dtype=np.int64).reshape(1000, 300)
    ref = rt.put(base)
    assert rt.get(alias_of.remote(ref)) == (True, True, True, True, True)
    stored = rt.get(ref)
    view = stored[::3, ::-2]  # any strides inside the mapping
    alias = writable_alias(view)
    assert alias.flags.writeable and np.array_equal(alias, view)
    private = np.arange(5.0)
    private.flags.writeable = False
    assert writable_alias(private) is private  # not store memory: unchanged
