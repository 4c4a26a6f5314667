"""Edge cases of sorting, arg-reductions, cumulative sums and counting against NumPy, with
arrays split into blocks (``dist``: ``local_bytes=0``) and held in the driver (``driver``)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps
from nums.core import context


def _raises_as_numpy(name, np_args, nums_args, np_kwargs=None, nums_kwargs=None):
    """``nps.<name>(*nums_args, **nums_kwargs)`` raises what ``np.<name>(*np_args,
    **np_kwargs)`` raises: the same class and message."""
    with pytest.raises(Exception) as expected:
        getattr(np, name)(*np_args, **(np_kwargs or {}))
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        getattr(nps, name)(*nums_args, **(nums_kwargs or {}))


def test_histogram_weights_must_have_the_shape_of_a(layout):
    a = np.arange(4.0)
    sample = np.arange(8.0).reshape(4, 2)
    for w in (np.ones((2, 2)), np.array(2.0), np.ones(3), np.ones((4, 1))):
        x, nw, s = nps.asarray(a), nps.asarray(w), nps.asarray(sample)
        kw, nkw = {"bins": 2, "weights": w}, {"bins": 2, "weights": nw}
        for name in ("histogram", "histogram_bin_edges"):
            _raises_as_numpy(name, [a], [x], kw, nkw)
        # NumPy's bincount of the bin numbers checks the weights of histogramdd
        _raises_as_numpy("histogramdd", [sample], [s], kw, nkw)
        _raises_as_numpy("histogram2d", [sample[:, 0], sample[:, 1]], [s[:, 0], s[:, 1]],
                         kw, nkw)
    w = np.arange(4.0)
    assert_same(nps.histogram(nps.asarray(a), bins=2, weights=nps.asarray(w)),
                np.histogram(a, bins=2, weights=w))
    assert_same(nps.histogramdd(nps.asarray(sample), bins=2, weights=nps.asarray(w))[0],
                np.histogramdd(sample, bins=2, weights=w)[0])


def test_sort_and_partition_methods_take_no_axis_none(layout):
    for a in (np.array([3.0, 1.0, 2.0]), np.arange(12.0)[::-1].reshape(3, 4)):
        x = nps.asarray(a)
        with pytest.raises(TypeError, match="'NoneType' object cannot be interpreted"):
            x.sort(axis=None)
        with pytest.raises(TypeError, match="'NoneType' object cannot be interpreted"):
            x.partition(1, axis=None)
        assert_same(x, a)  # untouched
        assert_same(nps.sort(x, axis=None), np.sort(a, axis=None))  # the function takes it
        assert_same(nps.partition(x, 1, axis=None), np.partition(a, 1, axis=None))
        x.sort(axis=np.int64(0))
        assert_same(x, np.sort(a, axis=0))


def test_zero_d_arrays_take_axis_0_and_minus_1(layout):
    for v in (3.0, 0.0):
        a = np.array(v)
        for axis in (0, -1):
            for name in ("argmax", "argmin", "nanargmax", "nanargmin"):
                for keepdims in (False, True):
                    assert_same(getattr(nps, name)(nps.asarray(a), axis=axis, keepdims=keepdims),
                                getattr(np, name)(a, axis=axis, keepdims=keepdims))
            assert_same(nps.asarray(a).argmax(axis=axis, keepdims=True),
                        a.argmax(axis=axis, keepdims=True))
            assert_same(nps.asarray(a).argmin(axis=axis), a.argmin(axis=axis))
            assert_same(nps.count_nonzero(nps.asarray(a), axis=axis),
                        np.count_nonzero(a, axis=axis))
            assert_same(nps.count_nonzero(nps.asarray(a), axis=axis, keepdims=True),
                        np.count_nonzero(a, axis=axis, keepdims=True))
            for name in ("cumsum", "cumprod", "nancumsum", "nancumprod"):
                for dtype in (None, np.float32):
                    assert_same(getattr(nps, name)(nps.asarray(a), axis=axis, dtype=dtype),
                                getattr(np, name)(a, axis=axis, dtype=dtype))
            assert_same(nps.asarray(a).cumsum(axis=axis), a.cumsum(axis=axis))
    ints = np.array(3)
    assert_same(nps.cumprod(nps.asarray(ints), axis=0), np.cumprod(ints, axis=0))
    # a 0-d array has no axis 1 (nor a tuple of axes for count_nonzero)
    x = nps.asarray(np.array(3.0))
    for call in (lambda m, y: m.argmax(y, axis=1), lambda m, y: m.nanargmin(y, axis=1),
                 lambda m, y: m.count_nonzero(y, axis=1),
                 lambda m, y: m.count_nonzero(y, axis=(0,)),
                 lambda m, y: m.cumsum(y, axis=1), lambda m, y: m.nancumprod(y, axis=-2)):
        with pytest.raises(np.exceptions.AxisError):
            call(np, np.array(3.0))
        with pytest.raises(np.exceptions.AxisError):
            call(nps, x)


def test_lexsort_of_empty_views(layout):
    e = np.array([3.0, 0.0])
    v = nps.asarray(e)[1:-1]
    assert_same(nps.lexsort((v, v)), np.lexsort((e[1:-1], e[1:-1])))


def test_bincount_of_python_sequences(layout):
    for seq in ([], (), [True, False]):
        assert_same(nps.bincount(seq), np.bincount(seq))
        assert_same(nps.bincount(seq, minlength=3), np.bincount(seq, minlength=3))
    # NumPy casts the values of a sequence (not of an array) unsafely, and warns
    for seq in ([0.0, 1.0], (0.0, 2.0), [1.5, 0]):
        with pytest.warns(DeprecationWarning, match="Non-integer input passed to bincount"):
            expected = np.bincount(seq)
        with pytest.warns(DeprecationWarning, match="Non-integer input passed to bincount"):
            assert_same(nps.bincount(seq), expected)
        w = [0.5] * len(seq)
        with pytest.warns(DeprecationWarning):
            expected = np.bincount(seq, weights=w)
        with pytest.warns(DeprecationWarning):
            assert_same(nps.bincount(seq, weights=w), expected)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        _raises_as_numpy("bincount", [[0.0, -1.0]], [[0.0, -1.0]])
    with pytest.raises(ValueError):  # (another message than NumPy's conversion's)
        nps.bincount([[0.0, 1.0]])
    floats = np.array([0.0, 1.0])
    for x in (floats, nps.asarray(floats), np.zeros(0)):  # float arrays: refused
        with pytest.raises(TypeError):
            np.bincount(np.asarray(x.get() if hasattr(x, "get") else x))
        with pytest.raises(TypeError):
            nps.bincount(x)


def test_argmax_of_complex_nans_does_not_warn(layout):
    a = np.array([1, np.nan, 2] * 12, dtype=complex)
    a[7] = complex(2, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("argmax", "argmin"):
            assert_same(getattr(nps, name)(nps.asarray(a)), getattr(np, name)(a))
            m = a.reshape(6, 6)
            for axis in (0, 1):
                assert_same(getattr(nps, name)(nps.asarray(m), axis=axis),
                            getattr(np, name)(m, axis=axis))


def test_numpy_calling_back_into_nums(layout):
    # NumPy's histogram2d, run by nums under its warnings recorder on driver-resident
    # values, meets a nums array among the bins and calls back into nums
    xv, bv = np.array([1.0, 2.0]), np.array([0.0, 1.0, 3.0])
    x, b = nps.asarray(xv), nps.asarray(bv)
    assert_same(nps.histogram2d(x, x, bins=[b, 2]), np.histogram2d(xv, xv, bins=[bv, 2]))
    got, edges = nps.histogramdd(nps.stack([x, x], 1), bins=[b, b])
    want, want_edges = np.histogramdd(np.stack([xv, xv], 1), bins=[bv, bv])
    assert_same(got, want)
    assert_same(tuple(edges), tuple(want_edges))
    with np.errstate(divide="raise"):
        assert_same(nps.histogram2d(x, x, bins=[b, 2])[0], np.histogram2d(xv, xv, [bv, 2])[0])
    # the user's own "call" mode still cannot reach the tasks of other processes
    old = np.seterrcall(lambda *args: None)
    try:
        with np.errstate(all="call"):
            if context.get().settings.backend == "serial":  # (tasks in this process)
                assert_same(nps.histogram2d(x, x, bins=[b, 2])[0],
                            np.histogram2d(xv, xv, bins=[bv, 2])[0])
            else:
                with pytest.raises(NotImplementedError, match="'call'"):
                    nps.histogram2d(x, x, bins=[b, 2])
    finally:
        np.seterrcall(old)


@pytest.mark.parametrize("body", [
    lambda xp: xp.sort(xp.asarray(np.array([1, "a", 2.5, None] * 5, dtype=object))),
    lambda xp: xp.argsort(xp.asarray(np.array([1, "a", 2.5, None] * 5, dtype=object))),
    lambda xp: xp.partition(xp.asarray(np.array([1, "a", 2.5, None] * 5, dtype=object)), 2),
    lambda xp: xp.sort(xp.asarray(np.array([3, 1, 2] * 7, dtype=object))),
    lambda xp: xp.isin(xp.asarray(np.array([5, 6], np.int8)),
                       xp.asarray(np.array([-100, 100, 5] * 10, np.int8)), kind="table"),
    lambda xp: xp.isin(xp.asarray(np.array([5, 6], np.int8)),
                       xp.asarray(np.array([1, 100, 5] * 10, np.int8)), kind="table"),
    lambda xp: xp.searchsorted(xp.asarray([3, 1, 2]), 2, sorter=xp.asarray([0, 1, 5])),
    lambda xp: xp.searchsorted(xp.asarray([3, 1, 2]), 2, sorter=xp.asarray([1, 2, 0])),
    lambda xp: xp.searchsorted(xp.linspace(0, 1, 200) ** 2, xp.linspace(-0.1, 1.1, 30)),
    lambda xp: xp.searchsorted(xp.arange(100) // 3, xp.arange(-1, 40), side="right"),
    lambda xp: xp.zeros(2**62),
    lambda xp: xp.bincount([2**62]),
])
def test_sorting_and_searching_errors_at_the_call_as_numpy(layout, body):
    """Objects that do not compare raise NumPy's TypeError at the sort (not when it is read);
    isin's table range is checked over all the test values; an out-of-range sorter is
    NumPy's ValueError; an array beyond any size is NumPy's ValueError, not MemoryError."""
    try:
        expected = body(np)
    except Exception as e:  # noqa: BLE001 - NumPy's exception is the specification
        with pytest.raises(type(e)):
            body(nps)
        return
    assert_same(body(nps), expected)


@pytest.mark.parametrize("a, v", [
    (np.repeat(np.arange(10), 7), np.arange(-1, 12)),  # ties across blocks
    (np.sort(np.random.default_rng(3).random(300)), np.random.default_rng(4).random(50)),
    (np.array([0.0, 1, 1, 1, 2, np.nan, np.nan]), np.array([np.nan, 1, 0.5, 3, -1])),
    (np.arange(100), np.array([[1.5, 99.5], [100, -0.5]])),
    (np.linspace(0, 1, 64).astype(np.float32), np.array([0.25, 0.5, 2.0])),
    (np.array(["a", "b", "b", "c", "d", "e", "f", "g", "h"]), np.array(["b", "cc", "z"])),
])
@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_of_many_blocks_as_numpy(a, v, side):
    """Each value is counted against the blocks of the sorted array it falls in (ties
    spanning blocks, both sides, NaN, 2-d values, strings)."""
    check_against_numpy(lambda xp, a, v: xp.searchsorted(a, v, side=side), a, v)
