"""Edge cases of numerical functions where nums once differed from NumPy: weights of an
axis tuple out of order, dtypes of all-NaN quantiles, complex NaN results, clip's
promotion, empty quantile levels and negative integer exponents that are not computed."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps


def test_average_weights_follow_the_axis_order():
    """NumPy's weights for ``axis=(1, 0)`` have the shape ``(a.shape[1], a.shape[0])``."""
    a = np.arange(24.0).reshape(4, 6)
    w = np.arange(24.0).reshape(6, 4)
    assert_same(nps.average(nps.asarray(a), axis=(1, 0), weights=nps.asarray(w)),
                np.average(a, axis=(1, 0), weights=w))
    a3 = np.arange(60.0).reshape(3, 4, 5)
    for axis, wshape in (((2, 1), (5, 4)), ((2, 0), (5, 3)), ((0, 2), (3, 5))):
        w3 = np.arange(1.0, np.prod(wshape) + 1).reshape(wshape)
        for keepdims in (False, True):
            got = nps.average(nps.asarray(a3), axis=axis, weights=nps.asarray(w3),
                              keepdims=keepdims, returned=True)
            exp = np.average(a3, axis=axis, weights=w3, keepdims=keepdims, returned=True)
            assert_same(got[0], exp[0])
            assert_same(got[1], exp[1])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_nan_quantiles_take_the_first_lanes_dtype(dtype):
    """NumPy's nanquantile gives an all-NaN lane ``a``'s dtype, and along an axis every lane
    the dtype of the first lane's result."""
    rng = np.random.default_rng(3)
    for shape, axis in (((4,), None), ((3, 5), 1), ((2, 3, 4), (0, 2))):
        for pattern in ("first", "all", "last"):
            x = rng.random(shape).astype(dtype)
            if pattern == "all":
                x[...] = np.nan
            elif axis is not None:
                x[(0 if pattern == "first" else -1,) * (x.ndim - 1)] = np.nan
            for q in (np.array([0.25, 0.75]), [0.25, 0.75], np.float64(0.5), 0.5):
                for fn, scale in (("nanquantile", 1), ("nanpercentile", 100)):
                    qq = [v * scale for v in q] if isinstance(q, list) else q * scale
                    exp = getattr(np, fn)(x, qq, axis=axis)
                    got = getattr(nps, fn)(nps.asarray(x), qq, axis=axis)
                    assert got.dtype == np.asarray(exp).dtype, (shape, pattern, q, fn)
                    np.testing.assert_allclose(got.get(), exp, rtol=1e-3, equal_nan=True)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_complex_nan_results_are_complex_divisions():
    """NumPy's mean and variance of nothing divide complex zeros: nan+nanj (and a variance
    by zero degrees of freedom inf+nanj)."""
    cases = [
        lambda m: m.nanmean(m.asarray(np.array([], complex))),
        lambda m: m.var(m.asarray(np.array([], np.int64)), dtype="c16"),
        lambda m: m.nanvar(m.asarray(np.array([], np.int64)), dtype="c16"),
        lambda m: m.nanmean(m.asarray(np.array([[np.nan + 1j, np.nan], [1 + 1j, 2]])), axis=1),
        lambda m: m.var(m.asarray(np.arange(4.0)), ddof=5, dtype=complex),
        lambda m: m.nanvar(m.asarray(np.array([[np.nan, 1.0], [2, 3]])), axis=1, ddof=1),
    ]
    for case in cases:
        exp = np.asarray(case(np))
        got = case(nps).get()
        assert got.dtype == exp.dtype
        np.testing.assert_array_equal(got.real, exp.real)
        np.testing.assert_array_equal(np.imag(got), np.imag(exp))


def test_variance_of_complex_values_warns_as_numpy():
    """The squared magnitudes of complex deviations are real (no cast warning); nanvar of
    real values in a complex dtype warns NumPy's ComplexWarning."""
    z = np.array([1 + 1j, 2, 3j, 4 - 1j])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same(nps.nanvar(nps.asarray(z)), np.nanvar(z))
        assert_same(nps.nanstd(nps.asarray(z)), np.nanstd(z))
        m = np.array([True, True, False, True])
        assert_same(nps.var(nps.asarray(z), where=nps.asarray(m)), np.var(z, where=m))
    with pytest.warns(np.exceptions.ComplexWarning):
        got = nps.nanvar(nps.asarray(np.arange(4.0)), dtype="c16")
    with pytest.warns(np.exceptions.ComplexWarning):
        exp = np.nanvar(np.arange(4.0), dtype="c16")
    assert_same(got, exp)


def test_clip_bounds_promote_before_clipping():
    """``clip(int8, 300, int64_array)``: NumPy's clip loop runs in int64, where 300 fits."""
    x = np.array([5, -5, 100], np.int8)
    hi = np.array([1, 2, 3])
    assert_same(nps.clip(nps.asarray(x), 300, nps.asarray(hi)), np.clip(x, 300, hi))
    assert_same(nps.clip(nps.asarray(np.array([], np.int8)), 300, nps.asarray(np.array(-3))),
                np.clip(np.array([], np.int8), 300, np.array(-3)))
    u = np.array([5, 250, 0], np.uint8)
    assert_same(nps.clip(nps.asarray(u), -300, nps.asarray(np.array([0.5]))),
                np.clip(u, -300, np.array([0.5])))
    with pytest.raises(OverflowError):  # 300 is no int8 when nothing widens the dtype
        np.clip(x, 300, 400)
    with pytest.raises(OverflowError):
        nps.clip(nps.asarray(x), 300, 400)


@pytest.mark.parametrize("fn", ["quantile", "nanquantile", "percentile"])
def test_quantiles_of_no_levels(fn):
    x = np.arange(72.0).reshape(4, 6, 3)
    for data, kw in ((x, {}), (x, {"axis": 1}), (x, {"keepdims": True}), (x[0, :, 0], {})):
        for method in ("linear", "lower", "inverted_cdf"):
            exp = getattr(np, fn)(data, np.array([]), method=method, **kw)
            got = getattr(nps, fn)(nps.asarray(data), nps.asarray(np.array([])), method=method,
                                   **kw)
            assert_same(got, exp)


def test_negative_integer_exponents_only_where_computed():
    """NumPy refuses a negative integer exponent of an element it computes: not of an empty
    result, nor where ``where=`` is False."""
    base = np.zeros((0, 3), np.int8)
    exps = np.array([2, -2, -1], np.int8)
    assert_same(nps.power(nps.asarray(base), nps.asarray(exps)), np.power(base, exps))
    out = nps.zeros(2, dtype=np.int64)
    got = nps.power(nps.asarray(np.array([2, 3])), nps.asarray(np.array([2, -1])),
                    where=nps.asarray(np.array([True, False])), out=out)
    assert_same(got, np.array([4, 0]))
    with pytest.raises(ValueError, match="negative integer powers"):
        nps.power(nps.asarray(np.array([2, 3])), nps.asarray(np.array([2, -1])),
                  where=nps.asarray(np.array([False, True])), out=out)
    with pytest.raises(ValueError, match="negative integer powers"):
        nps.asarray(np.array([2, 3])) ** -1


X34 = np.linspace(-2, 2, 12).reshape(3, 4)


@pytest.mark.parametrize("body", [
    lambda xp, x, o: (xp.round(x, 1, o), o)[1],
    lambda xp, x, o: (xp.clip(x, -1, 1, o), o)[1],
    lambda xp, x, o: (xp.cumsum(x, 1, None, o), o)[1],
    lambda xp, x, o: (x.round(1, o), o)[1],
    lambda xp, x, o: (x.clip(-1, 1, o), o)[1],
    lambda xp, x, o: (xp.mean(x, 0, None, o[0]), o)[1],
    lambda xp, x, o: (xp.median(x, 0, o[1]), o)[1],
    lambda xp, x, o: (xp.take(x, [0, 2], 0, o[:2]), o)[1],
    lambda xp, x, o: xp.clip(x, -1, 1, min=0),
    lambda xp, x, o: xp.clip(x, min=0, a_max=1),
    lambda xp, x, o: xp.clip(x, a_min=-1, min=0),
    lambda xp, x, o: xp.clip(x, min=0),
    lambda xp, x, o: xp.nan_to_num(x, nan=None),
    lambda xp, x, o: xp.nan_to_num(x, posinf="big"),
    lambda xp, x, o: xp.quantile(x, 0.3, axis=1, weights=xp.zeros((3, 4)),
                                 method="inverted_cdf"),
    lambda xp, x, o: xp.quantile(x, 0.3, axis=1, weights=xp.ones((3, 4)),
                                 method="inverted_cdf"),
])
def test_positional_outs_clip_bounds_and_fills_as_numpy(layout, body):
    """``out`` given by position (driver-held arrays refused it as read-only); clip's
    ``min=``/``max=`` with NumPy's rules (nums clipped anyway); nan_to_num's and weighted
    quantiles' errors at the call (they came when the result was read)."""
    check_against_numpy(body, X34, np.zeros((3, 4)))


@pytest.mark.parametrize("weights", [np.zeros(20), np.r_[np.inf, np.ones(19)],
                                     np.r_[np.nan, np.ones(19)]])
def test_weighted_quantile_of_bad_weights_warns_then_raises_as_numpy(layout, weights):
    """NumPy divides the weights' cumulative sum by its total: a total of zero or inf warns
    "invalid value" (raises under ``errstate(invalid='raise')``) before its ValueError;
    nums raised the ValueError alone."""
    def run(xp, errs):
        x, w = xp.asarray(np.arange(20.0)), xp.asarray(weights)
        with warnings.catch_warnings(record=True) as caught, xp.errstate(**errs):
            warnings.simplefilter("always")
            try:
                xp.quantile(x, 0.5, method="inverted_cdf", weights=w)
            except Exception as exc:  # noqa: BLE001 - NumPy's error is the specification
                return type(exc), [str(c.message) for c in caught]
        raise AssertionError("no error")

    for errs in ({}, {"invalid": "raise"}):
        assert run(nps, errs) == run(np, errs)
