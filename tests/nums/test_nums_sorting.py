"""Sorting, searching, sets, counting and order statistics against numpy (tiny blocks, every
backend): values, shapes, dtypes, errors; none of them may fall back (GatherWarning is an
error here, except for ``unique(axis=k)``, a documented fallback)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps

pytestmark = pytest.mark.filterwarnings("error::nums.numpy.GatherWarning")

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

R = np.random.default_rng(11)


def _floats(n):
    a = R.standard_normal(n) * 3
    if n > 6:
        a[::5] = np.nan
        a[1], a[2], a[3] = -0.0, np.inf, -np.inf
        a[4] = 0.0
    return a


def _complex(n):
    a = (R.integers(-2, 3, n) + 1j * R.integers(-2, 3, n)).astype(np.complex128)
    if n > 6:
        a[::4] = complex(np.nan, 1)
        a[1] = complex(1, np.nan)
    return a


def _data(kind, n):
    if kind == "f8":
        return _floats(n)
    if kind == "f4":
        return _floats(n).astype(np.float32)
    if kind == "i8":
        return R.integers(-4, 4, n)
    if kind == "u1":
        return R.integers(0, 6, n).astype(np.uint8)
    if kind == "b":
        return R.integers(0, 2, n).astype(bool)
    if kind == "c16":
        return _complex(n)
    if kind == "M8":
        return (np.datetime64("2020-01-01") + R.integers(0, 5, n)).astype("M8[D]")
    raise AssertionError(kind)


KINDS = ["f8", "f4", "i8", "u1", "b", "c16"]


def _sorted_eq(got, expected):
    assert_same(got, expected)


# ---------------------------------------------------------------------------- sort


@pytest.mark.parametrize("kind", KINDS + ["M8"])
@pytest.mark.parametrize("n", [0, 1, 9, 41])
def test_sort_argsort_1d(kind, n):
    a = _data(kind, n)
    if kind == "M8" and n > 3:
        a[2] = np.datetime64("NaT")
    x = nps.array(a)
    assert_same(nps.sort(x), np.sort(a))
    # the stable order: ties keep index order (NaNs last, in index order)
    assert_same(nps.argsort(x), np.argsort(a, kind="stable"))
    assert_same(nps.argsort(x, stable=True), np.argsort(a, stable=True))
    assert_same(x.argsort(kind="mergesort"), np.argsort(a, kind="mergesort"))


@pytest.mark.parametrize("block_shape", [(2, 3, 4), (5, 1, 2), (5, 4, 7)])
@pytest.mark.parametrize("axis", [0, 1, 2, -1, None])
def test_sort_nd_axes(block_shape, axis):
    a = R.integers(-3, 3, (5, 4, 7)).astype(np.float64)
    a[1, 2, 3] = np.nan
    check_against_numpy(lambda xp, x: xp.sort(x, axis=axis), a, block_shape=block_shape)
    check_against_numpy(lambda xp, x: xp.argsort(x, axis=axis, kind="stable"), a,
                        block_shape=block_shape)


def test_sort_method_in_place_and_views():
    a = _floats(30)

    def body(xp, x):
        v = x[::2]
        x.sort()
        return v

    check_against_numpy(body, a)
    b = R.standard_normal((6, 5))

    def body2(xp, x):
        x[1:].sort(axis=0)  # through a view: reaches the base
        return x

    check_against_numpy(body2, b, block_shape=(2, 2))


@pytest.mark.parametrize("call", [
    lambda xp, x: xp.sort(x, axis=3),
    lambda xp, x: xp.sort(x, kind="bogus"),
    lambda xp, x: xp.sort(x, kind="quicksort", stable=True),
    lambda xp, x: xp.sort(x, order="f"),
    lambda xp, x: xp.argsort(x, axis=-4),
    lambda xp, x: xp.sort(x[0, 0]),  # 0-d with axis=-1
    lambda xp, x: xp.sort(x[0, 0], axis=None),
    lambda xp, x: xp.partition(x, 10, axis=1),
    lambda xp, x: xp.partition(x, 1.5),
    lambda xp, x: xp.argpartition(x, [[1]]),
])
def test_sort_errors_and_0d(call):
    check_against_numpy(call, R.standard_normal((4, 5)), block_shape=(3, 2))


def test_sort_result_has_default_grid():
    x = nps.array(_floats(100))
    s = nps.sort(x)
    assert s.block_shape == nps.zeros(100).block_shape
    assert s.grid_shape[0] > 1 or nps.zeros(100).grid_shape == (1,)  # (large test blocks)


@pytest.mark.parametrize("kth", [0, 7, -1, [2, 11, 20]])
@pytest.mark.parametrize("kind", ["f8", "i8"])
def test_partition(kth, kind):
    a = _data(kind, 23)
    x = nps.array(a)
    got = nps.partition(x, kth).get()
    ks = np.atleast_1d(kth) % a.size
    exp = np.partition(a, kth)
    np.testing.assert_array_equal(got[ks], exp[ks])
    for k in ks:  # the partition property around every kth
        assert np.all(np.sort(got[:k]) == np.sort(got)[:k]) or kind == "f8"
        assert np.all(got[:k] <= got[k]) | np.isnan(got[k])
    idx = nps.argpartition(x, kth).get()
    assert sorted(idx.tolist()) == list(range(a.size))
    np.testing.assert_array_equal(a[idx][ks], exp[ks])
    y = nps.array(a)
    y.partition(kth)
    np.testing.assert_array_equal(y.get()[ks], exp[ks])


def test_partition_2d_axis():
    a = R.integers(0, 50, (6, 9))
    for axis in (0, 1):
        got = nps.partition(nps.array(a, block_shape=(2, 4)), 3, axis=axis).get()
        exp = np.partition(a, 3, axis=axis)
        np.testing.assert_array_equal(np.take(got, 3, axis), np.take(exp, 3, axis))


def test_sort_complex():
    for kind in ("i8", "u1", "f4", "c16"):
        check_against_numpy(lambda xp, x: xp.sort_complex(x), _data(kind, 17))


# ---------------------------------------------------------------------------- searchsorted


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("kind", ["f8", "i8", "c16"])
def test_searchsorted(side, kind):
    a = np.sort(_data(kind, 37))
    v = _data(kind, 13)
    check_against_numpy(lambda xp, x, y: xp.searchsorted(x, y, side=side), a, v)
    check_against_numpy(lambda xp, x, y: x.searchsorted(y[:4].reshape(2, 2), side), a, v)
    check_against_numpy(lambda xp, x: xp.searchsorted(x, a[5], side=side), a)
    assert int(nps.searchsorted(nps.array(a), a[3], side=side)) == np.searchsorted(a, a[3],
                                                                                 side=side)


def test_searchsorted_sorter_and_errors():
    a = R.standard_normal(25)
    sorter = np.argsort(a)
    v = R.standard_normal(6)
    check_against_numpy(lambda xp, x, s, y: xp.searchsorted(x, y, sorter=s), a, sorter, v)
    check_against_numpy(lambda xp, x, y: xp.searchsorted(x, y, side="middle"), a, v)
    check_against_numpy(lambda xp, x, y: xp.searchsorted(x.reshape(5, 5), y), a, v)
    check_against_numpy(lambda xp, x, y: xp.searchsorted(x[:0], y), a, v)


# ---------------------------------------------------------------------------- unique


FLAGS = [(False, False, False), (True, True, True), (True, False, False),
         (False, True, False), (False, False, True)]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [0, 1, 30])
def test_unique(kind, n):
    a = _data(kind, n)
    shaped = a.reshape(2, -1) if n % 2 == 0 and n else a
    for equal_nan in (True, False):
        for flags in FLAGS:
            def body(xp, x, flags=flags, equal_nan=equal_nan):
                return xp.unique(x, *flags, equal_nan=equal_nan)

            if flags == (False, True, False) and not equal_nan and kind in ("f8", "f4", "c16"):
                # numpy's inverse uses an unstable sort: NaN duplicates map anywhere;
                # check that the inverse rebuilds the input
                values, inv = nps.unique(nps.array(shaped), return_inverse=True,
                                         equal_nan=False)
                ev, einv = np.unique(shaped, return_inverse=True, equal_nan=False)
                assert_same(values, ev)
                assert inv.shape == einv.shape
                np.testing.assert_array_equal(values.get()[inv.get()], shaped)
                continue
            check_against_numpy(body, shaped)


@pytest.mark.parametrize("kind", ["f8", "i8", "c16"])
def test_unique_namedtuples(kind):
    a = _data(kind, 26).reshape(2, 13)
    x = nps.array(a)
    for name in ("unique_all", "unique_counts", "unique_inverse"):
        got, exp = getattr(nps, name)(x), getattr(np, name)(a)
        assert type(got) is type(exp) and got._fields == exp._fields
        order = np.argsort(exp.values, kind="stable")  # numpy 2.3+: values in any order
        assert_same(got.values, exp.values[order])
        if hasattr(exp, "counts"):
            assert_same(got.counts, exp.counts[order])
        if hasattr(exp, "indices"):
            np.testing.assert_array_equal(a.reshape(-1)[got.indices.get()], got.values.get())
        if hasattr(exp, "inverse_indices"):
            assert got.inverse_indices.shape == exp.inverse_indices.shape
            np.testing.assert_array_equal(got.values.get()[got.inverse_indices.get()], a)
    values = nps.unique_values(x).get()
    np.testing.assert_array_equal(values, np.sort(np.unique_values(a)))


def test_unique_axis_is_a_documented_fallback():
    from nums.numpy import _fallback

    a = R.integers(0, 2, (6, 3))
    _fallback._warned.discard("numpy.unique(axis=...)")  # it warns once per session
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = nps.unique(nps.array(a), axis=0, return_counts=True)
    assert any(issubclass(w.category, nps.GatherWarning) for w in caught)
    assert_same(got, np.unique(a, axis=0, return_counts=True))


# ---------------------------------------------------------------------------- sets


SET_CALLS = {
    "isin": lambda xp, a, b: xp.isin(a, b),
    "isin_invert": lambda xp, a, b: xp.isin(a.reshape(-1, 1), b, invert=True),
    "isin_sort": lambda xp, a, b: xp.isin(a, b, kind="sort"),
    "intersect1d": lambda xp, a, b: xp.intersect1d(a, b),
    "intersect1d_idx": lambda xp, a, b: xp.intersect1d(a, b, return_indices=True),
    "union1d": lambda xp, a, b: xp.union1d(a, b),
    "setdiff1d": lambda xp, a, b: xp.setdiff1d(a, b),
    "setxor1d": lambda xp, a, b: xp.setxor1d(a, b),
}


@pytest.mark.parametrize("call", list(SET_CALLS))
@pytest.mark.parametrize("kind", ["f8", "i8", "b", "c16"])
@pytest.mark.parametrize("sizes", [(24, 11), (0, 5), (7, 0)])
def test_sets(call, kind, sizes):
    a, b = _data(kind, sizes[0]), _data(kind, sizes[1])
    check_against_numpy(SET_CALLS[call], a, b)


@pytest.mark.parametrize("name", ["intersect1d", "setdiff1d", "setxor1d"])
def test_sets_assume_unique(name):
    a, b = np.unique(_data("i8", 30)), np.unique(R.integers(-8, 8, 12))
    kw = {"return_indices": True} if name == "intersect1d" else {}
    check_against_numpy(lambda xp, x, y: getattr(xp, name)(x, y, assume_unique=True, **kw),
                        a, b)
    # with duplicates, numpy's answer for assume_unique=True is its own; ours too
    d = R.integers(0, 4, 15)
    check_against_numpy(lambda xp, x, y: getattr(xp, name)(x, y, assume_unique=True), d, d[:6])


def test_isin_errors():
    check_against_numpy(lambda xp, a, b: xp.isin(a, b, kind="table"), _floats(9), _floats(3))
    check_against_numpy(lambda xp, a, b: xp.isin(a, b, kind="nope"), _floats(9), _floats(3))
    check_against_numpy(lambda xp, a, b: xp.isin(a, b, kind="table"), _data("i8", 9),
                        _data("i8", 4))


# ---------------------------------------------------------------------------- counting


def test_bincount():
    x = R.integers(0, 20, 50)
    w = R.random(50)
    for minlength in (0, 5, 40):
        check_against_numpy(lambda xp, a, m=minlength: xp.bincount(a, minlength=m), x)
        check_against_numpy(lambda xp, a, b, m=minlength: xp.bincount(a, b, minlength=m), x, w,
                            rtol=1e-12)
    check_against_numpy(lambda xp, a: xp.bincount(a[:0], minlength=3), x)
    check_against_numpy(lambda xp, a: xp.bincount(a - 1), x)  # negative: ValueError
    check_against_numpy(lambda xp, a: xp.bincount(a), x.astype(float))  # TypeError
    check_against_numpy(lambda xp, a: xp.bincount(a.reshape(5, 10)), x)
    check_against_numpy(lambda xp, a: xp.bincount(a, minlength=-1), x)
    check_against_numpy(lambda xp, a, b: xp.bincount(a, b[:3]), x, w)


@pytest.mark.parametrize("bins", [10, 3, [-1.0, 0.0, 0.5, 2.0], "sqrt", "sturges", "rice",
                                  "scott", "fd", "doane", "auto"])
def test_histogram(bins):
    a = R.standard_normal(60)
    w = R.random(60)
    for range_ in (None, (-1, 1)):
        for density in (None, True):
            check_against_numpy(lambda xp, x, r=range_, d=density: xp.histogram(
                x, bins, r, d), a, rtol=1e-12)
            if not isinstance(bins, str):
                check_against_numpy(lambda xp, x, y, r=range_, d=density: xp.histogram(
                    x, bins, r, d, y), a, w, rtol=1e-12)
    check_against_numpy(lambda xp, x: xp.histogram_bin_edges(x, bins), a, rtol=1e-12)


def test_histogram_stone():
    # "stone" runs ~100 (distributed) histograms of the data: one call
    a = R.standard_normal(30)
    check_against_numpy(lambda xp, x: xp.histogram(x, "stone", (-1, 1)), a, rtol=1e-12)


def test_histogram_edge_cases():
    ints = R.integers(0, 9, (5, 7))
    check_against_numpy(lambda xp, x: xp.histogram(x), ints)
    check_against_numpy(lambda xp, x: xp.histogram(x, 4, (2, 2)), ints)  # widened range
    check_against_numpy(lambda xp, x: xp.histogram(x * 0 + 3), ints)  # constant data
    check_against_numpy(lambda xp, x: xp.histogram(x[:0]), ints)
    nan = _floats(20)
    check_against_numpy(lambda xp, x: xp.histogram(x), nan)  # ValueError: range not finite
    check_against_numpy(lambda xp, x: xp.histogram(x, [3, 1, 2]), ints)  # not monotonic
    check_against_numpy(lambda xp, x: xp.histogram(x, -1), ints)
    check_against_numpy(lambda xp, x: xp.histogram(x, "bogus"), ints)
    check_against_numpy(lambda xp, x: xp.histogram(x, "fd", weights=x), ints)
    check_against_numpy(lambda xp, x: xp.histogram(x, 3, (5, 1)), ints)


def test_histogram2d_dd():
    xs, ys, w = R.random(40), R.random(40), R.random(40)
    check_against_numpy(lambda xp, x, y: xp.histogram2d(x, y, bins=4), xs, ys)
    check_against_numpy(lambda xp, x, y, z: xp.histogram2d(x, y, [3, 5], density=True,
                                                            weights=z), xs, ys, w, rtol=1e-12)
    check_against_numpy(lambda xp, x, y: xp.histogram2d(x, y, [0, 0.5, 1]), xs, ys)
    s3 = R.random((30, 3))
    check_against_numpy(lambda xp, s: xp.histogramdd(s, bins=(2, 3, 4)), s3,
                        block_shape=(7, 2))
    check_against_numpy(lambda xp, s: xp.histogramdd(s, bins=3, range=[(0, 1)] * 3,
                                                     density=True), s3, rtol=1e-12)


def test_digitize():
    a = _floats(40)
    for right in (False, True):
        for bins in ([-1, 0, 1], [1, 0, -1], [0.5]):
            check_against_numpy(lambda xp, x, b=bins, r=right: xp.digitize(x, b, right=r), a)
    check_against_numpy(lambda xp, x: xp.digitize(x, [1, 0, 2]), a)  # not monotonic
    check_against_numpy(lambda xp, x: xp.digitize(x.reshape(8, 5), np.array([0.0])), a)


# ---------------------------------------------------------------------------- statistics


METHODS = ["inverted_cdf", "averaged_inverted_cdf", "closest_observation",
           "interpolated_inverted_cdf", "hazen", "weibull", "linear", "median_unbiased",
           "normal_unbiased", "lower", "higher", "midpoint", "nearest"]


def _stat_inputs():
    f = R.standard_normal(37)
    fn = f.copy()
    fn[[3, 7]] = np.nan
    g = R.standard_normal((5, 9))
    g[1, 2] = np.nan
    return {"f8": f, "i8": R.integers(-5, 5, 40), "f4": f.astype(np.float32), "nan": fn,
            "2d": R.standard_normal((5, 9)), "2dnan": g}


STAT = _stat_inputs()
AXES = {1: [None, 0, -1], 2: [None, 0, 1, (0, 1)]}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", ["i8", "f4", "nan", "2dnan"])
@pytest.mark.parametrize("method", METHODS)
def test_quantile_methods(name, method):
    a = STAT[name]
    for axis in AXES[a.ndim]:
        for q in (0.5, [0.0, 0.25, 1.0]):
            for fn in ("quantile", "nanquantile"):
                check_against_numpy(lambda xp, x, f=fn, q=q, ax=axis: getattr(xp, f)(
                    x, q, axis=ax, method=method), a, rtol=1e-12)
        check_against_numpy(lambda xp, x, ax=axis: xp.percentile(
            x, [10, 90], axis=ax, method=method, keepdims=True), a, rtol=1e-12)
        check_against_numpy(lambda xp, x, ax=axis: xp.nanpercentile(
            x, np.float32(30), axis=ax, method=method), a, rtol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", list(STAT))
def test_median(name):
    a = STAT[name]
    for axis in AXES[a.ndim]:
        for keepdims in (False, True):
            for fn in ("median", "nanmedian"):
                check_against_numpy(lambda xp, x, f=fn, ax=axis, k=keepdims: getattr(xp, f)(
                    x, axis=ax, keepdims=k), a, rtol=1e-12)


@pytest.mark.parametrize("name", ["f8", "i8", "nan", "2d"])
def test_weighted_quantile(name):
    a = STAT[name]
    w = R.random(a.shape)
    w.flat[0] = 0.0
    for axis in AXES[a.ndim]:
        for q in (0.0, 0.5, [0.1, 1.0]):
            check_against_numpy(lambda xp, x, y, ax=axis, q=q: xp.quantile(
                x, q, axis=ax, method="inverted_cdf", weights=y), a, w)
            check_against_numpy(lambda xp, x, y, ax=axis: xp.percentile(
                x, 50, axis=ax, method="inverted_cdf", weights=y, keepdims=True), a, w)
    if a.ndim == 2:  # 1-d weights along the axis
        check_against_numpy(lambda xp, x, y: xp.quantile(
            x, 0.3, axis=1, method="inverted_cdf", weights=y), a, w[0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_statistics_errors_out_and_empty():
    a = STAT["f8"]
    check_against_numpy(lambda xp, x: xp.quantile(x, 1.5), a)
    check_against_numpy(lambda xp, x: xp.percentile(x, -1), a)
    check_against_numpy(lambda xp, x: xp.quantile(x, 0.5, method="bogus"), a)
    check_against_numpy(lambda xp, x: xp.quantile(x, 0.5, weights=x), a)  # not inverted_cdf
    check_against_numpy(lambda xp, x: xp.quantile(x, 0.5, method="inverted_cdf",
                                                  weights=x), a)  # negative weights
    check_against_numpy(lambda xp, x: xp.quantile(x, 0.5, method="inverted_cdf",
                                                  weights=x[:3] ** 2), a)  # shape
    check_against_numpy(lambda xp, x: xp.quantile(x, 0.5, axis=2), a)
    check_against_numpy(lambda xp, x: xp.quantile(x + 1j, 0.5), a)
    check_against_numpy(lambda xp, x: xp.median(x[:0]), a)
    check_against_numpy(lambda xp, x: xp.quantile(x[:0], 0.5), a)
    check_against_numpy(lambda xp, x: xp.nanmedian(x * np.nan), a)
    check_against_numpy(lambda xp, x: xp.nanquantile(x * np.nan, [0.2, 0.4]), a)
    b = STAT["2d"]

    def with_out(xp, x):
        out = xp.zeros((2, 9))
        r = xp.quantile(x, [0.2, 0.8], axis=0, out=out)
        return out, r

    check_against_numpy(with_out, b, rtol=1e-12)
    check_against_numpy(lambda xp, x: xp.median(x, axis=0, out=xp.zeros(3)), b)


def test_large_median_is_distributed():
    a = R.standard_normal(1001)
    x = nps.array(a, block_shape=(100,))
    assert float(nps.median(x)) == np.median(a)
    assert float(nps.percentile(x, 37.5, method="nearest")) == np.percentile(a, 37.5,
                                                                             method="nearest")


# ---------------------------------------------------------------------------- properties


DTYPES = st.sampled_from(["f8", "f4", "i8", "u1", "b", "c16"])


@SETTINGS
@given(st.data())
def test_random_sort_argsort_unique(data):
    kind = data.draw(DTYPES)
    ndim = data.draw(st.integers(1, 2))
    shape = tuple(data.draw(st.integers(0, 14)) for _ in range(ndim))
    block = tuple(data.draw(st.integers(1, max(n, 1))) for n in shape)
    n = int(np.prod(shape))
    a = _data(kind, n)
    if kind in ("f8", "f4") and n:
        nans = data.draw(st.lists(st.integers(0, n - 1), max_size=4))
        a[nans] = np.nan
    a = a.reshape(shape)
    axis = data.draw(st.sampled_from([None, -1, 0]))
    x = nps.array(a, block_shape=block)
    assert_same(nps.sort(x, axis=axis), np.sort(a, axis=axis))
    assert_same(nps.argsort(x, axis=axis), np.argsort(a, axis=axis, kind="stable"))
    assert_same(nps.unique(x, return_index=True, return_counts=True),
                np.unique(a, return_index=True, return_counts=True))


@pytest.mark.parametrize("values", ["floats", "few_ints"])
def test_order_statistics_selection_and_its_fallback(monkeypatch, values):
    """Few samples: tight brackets for floats (the selection answers), brackets full of
    duplicates for a few distinct ints (the selection gives up; a sort answers)."""
    from nums.core.array import sorting

    monkeypatch.setattr(sorting, "SELECT_SAMPLES", 50)
    a = R.standard_normal(3000) if values == "floats" else R.integers(0, 4, 3000)
    x = nps.array(a, block_shape=(250,))
    assert_same(nps.median(x), np.median(a))
    for method in ("linear", "nearest", "midpoint", "inverted_cdf"):
        assert_same(nps.percentile(x, [1, 37.5, 50, 99.9], method=method),
                    np.percentile(a, [1, 37.5, 50, 99.9], method=method))


@pytest.mark.parametrize("kind", ["f8", "i8", "c16", "M8"])
def test_sample_sort_in_chunks(monkeypatch, kind):
    """Sorted blocks kept as several chunks (freed one by one): runs span chunks, exact cuts
    fall inside them, ties and NaNs straddle them; argsort stays stable, and sorts that
    carry a payload (unique's inverse) agree with NumPy."""
    from nums.core.array import sorting

    monkeypatch.setattr(sorting, "MIN_CHUNK_BYTES", 16)
    monkeypatch.setattr(sorting, "OVERSAMPLE", 1)  # few samples: cuts found between them
    monkeypatch.setattr(sorting, "RUN_MIN_BYTES", 0)  # several runs and buckets, tiny ones
    a = _data(kind, 1500)
    x = nps.array(a, block_shape=(211,))
    assert_same(nps.sort(x), np.sort(a))
    assert_same(nps.argsort(x), np.argsort(a, kind="stable"))
    assert_same(nps.unique(x, return_index=True, return_inverse=True, return_counts=True),
                np.unique(a, return_index=True, return_inverse=True, return_counts=True))


def test_counting_and_arg_extremes_of_store_blocks(rng):
    """bincount, histogram and argmax/argmin of blocks large enough to live in the store of
    the embedded runtime (read through writable aliases there, which NumPy does not copy),
    with ties (the first index wins) and NaN."""
    n = 3 * 20_000
    labels = rng.integers(0, 50, n)
    w = rng.random(n)
    x = nps.array(labels, block_shape=(20_000,))
    xw = nps.array(w, block_shape=(20_000,))
    np.testing.assert_array_equal(nps.bincount(x).get(), np.bincount(labels))
    np.testing.assert_allclose(nps.bincount(x, weights=xw).get(), np.bincount(labels, w))
    counts, edges = nps.histogram(xw, bins=7)
    want = np.histogram(w, bins=7)
    np.testing.assert_array_equal(counts.get(), want[0])
    np.testing.assert_array_equal(edges.get(), want[1])
    assert int(nps.argmax(x)) == int(np.argmax(labels))  # many ties
    assert int(nps.argmin(x)) == int(np.argmin(labels))
    m = w.reshape(3, -1).copy()
    m[1, 7] = np.nan
    xm = nps.array(m, block_shape=(1, 20_000))
    np.testing.assert_array_equal(nps.argmax(xm, axis=1).get(), np.argmax(m, axis=1))
    assert int(nps.argmin(xm)) == int(np.argmin(m))
    with pytest.raises(ValueError):
        nps.histogram(xm)  # autodetected range of [nan, nan]


def test_statistics_of_columns_and_expressions_read_their_sources(monkeypatch):
    """A column (or a view of a vector's rows) and an elementwise expression are read by
    the order statistics', histogram's and bincount's tasks in the blocks they come from:
    NumPy's answers, for the selection (several passes over a block) too."""
    from nums.core.array import sorting

    monkeypatch.setattr(sorting, "SELECT_SAMPLES", 60)
    a = R.standard_normal((1200, 5))
    a[7, 2] = np.nan
    x = nps.array(a, block_shape=(170, 5))
    labels = R.integers(0, 9, (1200, 5))
    xl = nps.array(labels, block_shape=(170, 5))
    for got, want in ((x[:, 1], a[:, 1]), (x[:, 1] * 2 - 1, a[:, 1] * 2 - 1),
                      (x.reshape(-1, 4)[:, 3], a.reshape(-1, 4)[:, 3]), (x[:, 2], a[:, 2])):
        assert_same(nps.median(got), np.median(want))
        assert_same(nps.percentile(got, [1, 25, 99.5]), np.percentile(want, [1, 25, 99.5]))
        if not np.isnan(want).any():
            assert_same(nps.histogram(got, bins=13)[0], np.histogram(want, bins=13)[0])
            assert_same(nps.histogram(got, bins=6, range=(-1, 1))[0],
                        np.histogram(want, bins=6, range=(-1, 1))[0])
    assert_same(nps.bincount(xl[:, 3]), np.bincount(labels[:, 3]))
    assert_same(nps.bincount(xl[:, 3] + 1, weights=x[:, 0]),
                np.bincount(labels[:, 3] + 1, weights=a[:, 0]))

@pytest.mark.filterwarnings("ignore:Converting input from bool:RuntimeWarning")  # NumPy's
def test_histogram_of_booleans_converts_them_as_numpy():
    b = np.random.default_rng(5).random(300) > 0.4
    x = nps.asarray(b, block_shape=(32,))
    with pytest.warns(RuntimeWarning, match="Converting input from bool"):
        counts, edges = nps.histogram(x, bins=4)
    want = np.histogram(b, bins=4)
    np.testing.assert_array_equal(counts.get(), want[0])
    np.testing.assert_allclose(edges.get(), want[1])
    with pytest.warns(RuntimeWarning, match="Converting input from bool"):
        np.testing.assert_allclose(nps.histogram_bin_edges(x, bins=3).get(),
                                   np.histogram_bin_edges(b, bins=3))


def test_structured_arrays_sort_by_order_compare_and_read_fields():
    """``order=`` was ignored (sorted by the first field), ``s == s`` was all False, and a
    write into a field (a copy here, NumPy's view) was silently lost: now NumPy's sort, its
    field-wise comparison, and read-only field copies (the write raises)."""
    st = np.dtype([("a", "i4"), ("b", "f8")])
    v = np.array([(3, 1.5), (1, 2.5), (2, -1.0), (5, 0.0), (4, 2.5)], dtype=st)
    for block_shape in (None, (2,)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", nps.GatherWarning)
            s = nps.asarray(v, block_shape=block_shape)
            for order in ("b", ["b", "a"]):
                assert_same(nps.sort(s, order=order), np.sort(v, order=order))
                assert_same(nps.argsort(s, order=order), np.argsort(v, order=order))
            assert_same(s == s, v == v)
            assert_same(s[:3] != s[2:], v[:3] != v[2:])
            t = nps.asarray(v, block_shape=block_shape)
            t.sort(order="b")
            assert_same(t, np.sort(v, order="b"))
        assert_same(s["a"], v["a"])
        assert_same(s[["b", "a"]], v[["b", "a"]])
        with pytest.raises(ValueError, match="read-only"):
            s["a"][0] = 9
        s["a"] = [7, 8, 9, 10, 11]  # the way to write a field
        assert_same(s["a"], np.array([7, 8, 9, 10, 11], "i4"))
