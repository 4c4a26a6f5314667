"""Reductions (trees of partials) and cumulative operations against numpy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same

import nums
import nums.numpy as nps

R = np.random.default_rng(7)
F = R.standard_normal((6, 7, 5))
I = R.integers(-20, 20, size=(6, 7, 5))
AXES = [None, 0, 1, 2, -1, (0, 2), (0, 1, 2), ()]


def _x(a):
    return nps.array(a, block_shape=(4, 3, 2))


@pytest.mark.parametrize(
    "name", ["sum", "prod", "max", "min", "amax", "amin", "any", "all", "mean", "ptp"]
)
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(name, axis, keepdims):
    for a in (F, I, I > 0):
        if name in ("mean", "ptp") and a.dtype == bool:
            continue
        a2 = a / 4 if name == "prod" and a.dtype.kind == "f" else a
        try:
            exp = getattr(np, name)(a2, axis=axis, keepdims=keepdims)
        except Exception as e:  # e.g. ptp with axis=(): nums must refuse it the same way
            with pytest.raises(type(e)):
                getattr(nps, name)(_x(a2), axis=axis, keepdims=keepdims)
            continue
        got = getattr(nps, name)(_x(a2), axis=axis, keepdims=keepdims)
        assert_same(got, exp, rtol=1e-10)


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("axis", [None, 1, (0, 2)])
@pytest.mark.parametrize("ddof", [0, 1])
def test_var_std(name, axis, ddof):
    for a in (F, I, F.astype(np.float32), F + 1j * F[::-1]):
        exp = getattr(np, name)(a, axis=axis, ddof=ddof)
        got = getattr(nps, name)(_x(a), axis=axis, ddof=ddof)
        assert_same(got, exp, rtol=1e-5 if a.dtype == np.float32 else 1e-10)
    assert_same(
        getattr(nps, name)(_x(F), axis=1, keepdims=True),
        getattr(np, name)(F, axis=1, keepdims=True),
        rtol=1e-10,
    )


def test_dtype_argument():
    x = _x(I.astype(np.int8))
    assert_same(nps.sum(x, dtype=np.int8), np.sum(I.astype(np.int8), dtype=np.int8))
    assert_same(nps.sum(x), np.sum(I.astype(np.int8)))
    assert_same(
        nps.sum(x, axis=0, dtype=np.float32),
        np.sum(I.astype(np.int8), axis=0, dtype=np.float32),
        rtol=1e-6,
    )
    assert_same(nps.mean(x, axis=1), np.mean(I.astype(np.int8), axis=1), rtol=1e-12)
    assert_same(
        nps.mean(_x(F.astype(np.float32)), axis=2),
        np.mean(F.astype(np.float32), axis=2),
        rtol=1e-5,
        atol=1e-6,
    )
    assert_same(
        nps.mean(x, dtype=np.float32), np.mean(I.astype(np.int8), dtype=np.float32), rtol=1e-6
    )
    assert_same(
        nps.prod(_x(I % 3 + 1), axis=2, dtype=np.float64),
        np.prod(I % 3 + 1, axis=2, dtype=np.float64),
    )


def test_initial_and_where():
    x = _x(F)
    mask = F > 0
    assert_same(nps.sum(x, initial=10.0), np.sum(F, initial=10.0), rtol=1e-12)
    assert_same(nps.max(x, axis=1, initial=5.0), np.max(F, axis=1, initial=5.0))
    assert_same(nps.sum(x, axis=0, where=mask), np.sum(F, axis=0, where=mask), rtol=1e-12)
    assert_same(
        nps.min(x, axis=(1, 2), where=mask, initial=100.0),
        np.min(F, axis=(1, 2), where=mask, initial=100.0),
    )


def test_methods():
    x = _x(F)
    assert_same(x.sum(), F.sum(), rtol=1e-12)
    assert_same(x.sum(axis=1), F.sum(axis=1), rtol=1e-12)
    assert_same(x.mean(0), F.mean(0), rtol=1e-12)
    assert_same(x.max(axis=2, keepdims=True), F.max(axis=2, keepdims=True))
    assert_same(x.std(ddof=1), F.std(ddof=1), rtol=1e-12)
    assert_same(x.argmax(), F.argmax())
    assert_same(x.cumsum(axis=1), F.cumsum(axis=1), rtol=1e-12)
    assert_same(x.all(), F.all())


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("axis", [None, 0, 1, 2, -2])
def test_argminmax(name, axis):
    for a in (F, I, np.round(F)):  # np.round(F) has ties across blocks
        assert_same(getattr(nps, name)(_x(a), axis=axis), getattr(np, name)(a, axis=axis))
    assert_same(
        getattr(nps, name)(_x(F), axis=axis, keepdims=True),
        getattr(np, name)(F, axis=axis, keepdims=True),
    )


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_extremes_of_empty_arrays(name):
    # an empty result where another axis than the reduced one is empty (it raised), NumPy's
    # error where the reduced axis is empty
    e = np.zeros((3, 0), np.int32)
    for axis, keepdims in [(0, False), (0, True), (-2, False)]:
        got = getattr(nps, name)(nps.asarray(e), axis=axis, keepdims=keepdims)
        assert_same(got, getattr(np, name)(e, axis=axis, keepdims=keepdims))
    for axis in (None, 1):
        with pytest.raises(ValueError, match="empty sequence"):
            getattr(nps, name)(nps.asarray(e), axis=axis)


def test_round_of_booleans_is_float16():
    b = np.array([True, False, True])
    for x in (nps.asarray(b), nps.array(b, block_shape=(2,))):
        assert_same(nps.round(x), np.round(b))  # float16, as NumPy (the booleans before)
        assert nps.around(x).dtype == np.float16
        with pytest.raises(TypeError):
            nps.round(x, 1)  # NumPy's casting error


def test_argmax_nan_first():
    a = np.array([1.0, 5.0, np.nan, 7.0, np.nan, 0.0, 9.0])
    x = nps.array(a, block_shape=(2,))
    assert int(nps.argmax(x)) == np.argmax(a) == 2
    assert int(nps.argmin(x)) == np.argmin(a) == 2
    assert np.isnan(float(nps.max(x)))


def test_count_nonzero():
    x = _x(I)
    assert int(nps.count_nonzero(x)) == np.count_nonzero(I)
    assert_same(nps.count_nonzero(x, axis=1), np.count_nonzero(I, axis=1))
    assert_same(
        nps.count_nonzero(x, axis=(0, 2), keepdims=True),
        np.count_nonzero(I, axis=(0, 2), keepdims=True),
    )


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize("axis", [None, 0, 1, 2, -1])
def test_cumulative(name, axis):
    for a in (F / 2, I % 4 + 1, I > 0):
        assert_same(
            getattr(nps, name)(_x(a), axis=axis), getattr(np, name)(a, axis=axis), rtol=1e-10
        )
    assert_same(
        getattr(nps, name)(_x(I), axis=axis, dtype=np.float32),
        getattr(np, name)(I, axis=axis, dtype=np.float32),
        rtol=1e-5,
    )


def test_average():
    x = _x(F)
    w = np.abs(R.standard_normal(7)) + 0.1
    assert_same(nps.average(x), np.average(F), rtol=1e-12)
    assert_same(nps.average(x, axis=1), np.average(F, axis=1), rtol=1e-12)
    assert_same(nps.average(x, axis=1, weights=w), np.average(F, axis=1, weights=w), rtol=1e-12)
    wf = np.abs(F) + 0.5
    assert_same(nps.average(x, weights=nps.array(wf)), np.average(F, weights=wf), rtol=1e-12)
    got, scl = nps.average(x, axis=1, weights=w, returned=True)
    exp, escl = np.average(F, axis=1, weights=w, returned=True)
    assert_same(got, exp, rtol=1e-12)
    assert_same(scl, escl, rtol=1e-12)
    assert_same(nps.average(_x(I), axis=0), np.average(I, axis=0), rtol=1e-12)
    with pytest.raises(ZeroDivisionError):
        nps.average(x, axis=1, weights=np.zeros(7))
    with pytest.raises(TypeError):
        nps.average(x, weights=w)


def test_errors_at_call():
    x = _x(F)
    with pytest.raises(np.exceptions.AxisError):
        nps.sum(x, axis=3)
    with pytest.raises(np.exceptions.AxisError):
        nps.argmax(x, axis=-4)
    with pytest.raises(np.exceptions.AxisError):
        nps.cumsum(x, axis=5)
    with pytest.raises(ValueError):
        nps.sum(x, axis=(0, 0))
    with pytest.raises(ValueError, match="zero-size"):
        nps.max(nps.zeros((0, 3)), axis=0)
    with pytest.raises(ValueError):
        nps.argmax(nps.zeros((0,)))
    with pytest.raises(TypeError):
        nps.sum(x, dtype="not-a-dtype")


def test_empty_reductions():
    e = np.zeros((0, 4))
    x = nps.array(e)
    assert_same(nps.sum(x, axis=0), np.sum(e, axis=0))
    assert_same(nps.prod(x), np.prod(e))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(nps.mean(x, axis=0), np.mean(e, axis=0))
    assert_same(nps.max(x, axis=1), np.max(e, axis=1))


def test_reduction_is_a_tree_not_a_gather():
    """No task combines more than FOLD_MAX partials: count the fan-in of combine tasks."""
    from nums.core.array import reduction
    from nums.core.array.planning import FOLD_MAX

    x = nps.ones((64,), block_shape=(1,))
    seen = []
    orig_combine, orig_final = reduction.kernels.reduce_combine, reduction.kernels.reduce_finalize

    def spy_combine(combine, *parts):
        seen.append(len(parts))
        return orig_combine(combine, *parts)

    def spy_final(combine, finalize, shape, dtype, fkw, *parts):
        seen.append(len(parts))
        return orig_final(combine, finalize, shape, dtype, fkw, *parts)

    reduction.kernels.reduce_combine = spy_combine
    reduction.kernels.reduce_finalize = spy_final
    try:
        total = nps.sum(x)
        assert float(total) == 64.0
    finally:
        reduction.kernels.reduce_combine = orig_combine
        reduction.kernels.reduce_finalize = orig_final
    if nums.settings().backend == "serial":  # kernels run in-process and see the spies
        assert max(seen) <= FOLD_MAX
        assert sum(seen) - (len(seen) - 1) == 64  # every partial is combined exactly once


def test_mean_where():
    mask = F > 0
    assert_same(nps.mean(_x(F), axis=1, where=mask), np.mean(F, axis=1, where=mask), rtol=1e-12)
    assert_same(nps.mean(_x(F), where=mask), np.mean(F, where=mask), rtol=1e-12)


@pytest.mark.parametrize(
    "name", ["nansum", "nanprod", "nanmax", "nanmin", "nanmean", "nanvar", "nanstd"]
)
@pytest.mark.parametrize("axis", [None, 0, (1, 2)])
def test_nanfunctions(name, axis):
    a = F.copy()
    a[a > 1.2] = np.nan
    a[:, 0, :] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exp = getattr(np, name)(a, axis=axis)
        got = getattr(nps, name)(_x(a), axis=axis)
        assert_same(got, exp, rtol=1e-10)
    assert_same(getattr(nps, name)(_x(I), axis=axis), getattr(np, name)(I, axis=axis), rtol=1e-10)


def test_reduction_of_fused_expression_stores_no_intermediate():
    a, b = F, F[::-1] * 2
    x, y = _x(a).persist(), _x(b).persist()
    prod_ = x * y + 1
    assert_same(nps.sum(prod_, axis=1), np.sum(a * b + 1, axis=1), rtol=1e-12)
    assert prod_._blocks is None  # evaluated inside the partial reductions, never stored
    from nums.core.array.fusion import INLINE_USES

    for _ in range(INLINE_USES - 1):  # the next consumers inline it too
        assert_same(nps.sum(prod_, axis=0), np.sum(a * b + 1, axis=0), rtol=1e-12)
        assert prod_._blocks is None
    assert_same(nps.var(prod_), np.var(a * b + 1), rtol=1e-12)
    assert prod_._blocks is not None  # a further consumer materialises it once, and keeps it
    assert_same(nps.mean(prod_, axis=(0, 2)), np.mean(a * b + 1, axis=(0, 2)), rtol=1e-12)
    assert_same(nps.argmax(prod_, axis=0), np.argmax(a * b + 1, axis=0))


@pytest.mark.parametrize("n, axis", [(1, -1), (2, 0), (3, 1), (0, 0), (6, 0)])
def test_diff(n, axis):
    from nums_helpers import check_against_numpy

    a = np.random.default_rng(2).random((7, 5)) * 10
    check_against_numpy(lambda xp, x: xp.diff(x, n, axis), a, block_shape=(2, 2))
    check_against_numpy(lambda xp, x: xp.diff(x > 5, n, axis), a, block_shape=(3, 2))
    check_against_numpy(lambda xp, x: xp.diff(x.astype(np.int64), n, axis, prepend=2,
                                              append=x[:1, :1].astype(np.int64) * 0 + 1
                                              if axis in (0, -2) else 4), a, block_shape=(2, 3))


def test_diff_errors():
    from nums_helpers import check_against_numpy

    check_against_numpy(lambda xp, x: xp.diff(x, -1), np.arange(5.0))
    check_against_numpy(lambda xp, x: xp.diff(x[0]), np.arange(5.0))


@pytest.mark.parametrize("fn", ["var", "std", "nanvar", "nanstd"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_variance_with_masks_is_one_computation(fn, axis):
    from nums_helpers import check_against_numpy

    a = np.random.default_rng(4).random((7, 6))
    a[a > 0.8] = np.nan
    mask = np.random.default_rng(5).random((7, 6)) > 0.3
    if fn.startswith("nan"):
        body = lambda xp, x: getattr(xp, fn)(x, axis=axis, ddof=1)  # noqa: E731
    else:
        body = lambda xp, x: getattr(xp, fn)(np.nan_to_num(np.asarray(x)) if xp is np else  # noqa: E731
                                             xp.nan_to_num(x), axis=axis, where=mask, ddof=1)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        check_against_numpy(body, a, block_shape=(3, 2))


def test_small_reduction_of_a_few_blocks_is_combined_by_the_driver():
    """``x.sum()`` of a few blocks: one task per block, the partials combined where they are
    fetched (no combining task); the plan can be explained before it runs, and the result is
    driver-resident once used. More partials than FOLD_MAX: a tree of tasks, as before."""
    a = np.arange(40.0).reshape(8, 5)
    x = nps.array(a, block_shape=(1, 5))  # 8 row blocks
    s = nps.sum(x)
    assert s.pending("driver") is not None
    assert "8 tasks" in nums.explain(s)
    assert s.pending("driver") is not None  # explaining ran nothing
    assert float(s) == a.sum()
    assert s.pending("driver") is None and s._local is not None  # driver-resident now
    assert_same(nps.var(x, axis=0), np.var(a, axis=0))
    assert_same(nps.argmax(x), np.argmax(a))
    with pytest.warns(RuntimeWarning, match="Degrees of freedom"):
        want = np.var(a, ddof=40)
    with pytest.warns(RuntimeWarning, match="Degrees of freedom"):
        got = float(nps.var(x, ddof=40))
    assert got == want
    wide = nps.array(np.ones(64), block_shape=(4,))  # 16 partials
    assert nps.sum(wide).pending("driver") is None
    assert float(nps.sum(wide)) == 64.0


def test_nanvar_beyond_its_degrees_of_freedom_is_nan():
    # NumPy's nanvar/nanstd give NaN (with its warning) where ddof leaves no degree of
    # freedom, not count-beyond-ddof's infinity
    rng = np.random.default_rng(77)
    a = rng.random((4, 6))
    a[rng.random((4, 6)) < 0.4] = np.nan
    a[:, 3] = np.nan
    x = nps.asarray(a, block_shape=(3, 4))
    for name in ("nanvar", "nanstd"):
        for ddof in (0, 2, 5):
            for axis in (None, 0, 1):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    got = getattr(nps, name)(x, axis=axis, ddof=ddof).get()
                    want = getattr(np, name)(a, axis=axis, ddof=ddof)
                np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=f"{name} {ddof}")
    with pytest.warns(RuntimeWarning, match="Degrees of freedom <= 0 for slice"):
        nps.nanvar(x, axis=0, ddof=5).get()
    c = np.tile(np.array([1 + 1j, 2 - 1j, np.nan, 3 + 0j]), 8)  # complex: a real result
    for ddof in (0, 23, 24, 30):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            assert_same(nps.nanvar(nps.asarray(c, block_shape=(5,)), ddof=ddof),
                        np.nanvar(c, ddof=ddof), rtol=1e-12)


def test_float16_accumulations_round_as_numpy():
    """NumPy's running float16 sum rounds at every step (and stalls at 2048 for values below
    1): a block's carry added at its end would give another, larger, answer."""
    rng = np.random.default_rng(9)
    a = rng.random(6000).astype(np.float16)
    x = nps.asarray(a, block_shape=(700,))
    assert_same(nps.cumsum(x), np.cumsum(a), rtol=0)
    assert_same(np.add.accumulate(x), np.add.accumulate(a), rtol=0)
    assert_same(nps.cumprod(x[:40] + 1), np.cumprod(a[:40] + 1), rtol=0)
    assert_same(np.logaddexp.accumulate(x[:500]), np.logaddexp.accumulate(a[:500]), rtol=0)
    m = nps.asarray(a.reshape(60, 100), block_shape=(7, 30))
    assert_same(nps.cumsum(m, axis=0), np.cumsum(a.reshape(60, 100), axis=0), rtol=0)
    assert_same(np.maximum.accumulate(m, axis=1), np.maximum.accumulate(a.reshape(60, 100),
                                                                        axis=1), rtol=0)
    assert_same(nps.cumsum(x, dtype=np.float32), np.cumsum(a, dtype=np.float32), rtol=1e-5)


@pytest.mark.parametrize("uf", [np.subtract, np.divide, np.floor_divide, np.remainder,
                                np.left_shift, np.fmod, np.copysign])
def test_reductions_of_ufuncs_that_are_not_reorderable_are_left_folds(uf):
    # NumPy reduces and accumulates subtract, divide, ... one element after the other:
    # partial results of blocks must not be combined by the ufunc (a tree), nor a carry
    # continue them (a - b - c is not a - (b - c)). (Not power and arctan2: NumPy 2.4's own
    # reduce of a contiguous float axis gives another value than its strided one for them,
    # power.reduce([2., 3., 2.]) is 4.0)
    rng = np.random.default_rng(31)
    ints = uf in (np.left_shift, np.floor_divide, np.remainder)
    a = rng.integers(1, 4, (5, 6, 4)) if ints else rng.random((5, 6, 4)) * 4 - 1.5
    x = nps.asarray(a, block_shape=(2, 2, 3))
    for axis in (0, 1, 2):
        assert_same(uf.reduce(x, axis=axis), uf.reduce(a, axis=axis), rtol=1e-12)
        assert_same(uf.reduce(x, axis=axis, initial=3, keepdims=True),
                    uf.reduce(a, axis=axis, initial=3, keepdims=True), rtol=1e-12)
        assert_same(uf.accumulate(x, axis=axis), uf.accumulate(a, axis=axis), rtol=1e-12)
    v = nps.asarray(a[:, 0, 0], block_shape=(2,))
    assert_same(uf.reduce(v), uf.reduce(a[:, 0, 0]), rtol=1e-12)
    with pytest.raises(ValueError, match="not reorderable"):
        uf.reduce(x, axis=None)


def test_sums_of_many_blocks_keep_numpys_accuracy():
    # NumPy sums halves in float32 and rounds once, and sums pairwise: partial results of
    # blocks summed in float16, or one after the other, drifted (3000 ones gave 3316)
    assert_same(nps.sum(nps.asarray(np.ones(3000, np.float16), block_shape=(3,))),
                np.sum(np.ones(3000, np.float16)))
    h = np.random.default_rng(4).random(5000).astype(np.float16)
    assert_same(nps.sum(nps.asarray(h, block_shape=(7,))), np.sum(h))
    f = np.full(40000, 0.1, np.float32)  # 2500 partial sums (one after the other: 4000.097)
    got = float(nps.sum(nps.asarray(f, block_shape=(16,))))
    assert abs(got - 4000.0) < 0.03


def test_variance_in_float16_of_other_dtypes_is_numpys():
    """``var(ints, dtype=float16)``: NumPy's squares and their sum are halves, which
    overflow to inf beyond 65504 (nums computed them in float32: a finite value)."""
    a = np.random.default_rng(5).integers(-100, 100, (12, 5))
    f = np.linspace(-30, 30, 60).reshape(12, 5)
    for v in (a, f):
        for block_shape in ((4, 2), (12, 5)):
            x = nps.asarray(v, block_shape=block_shape)
            for fn in ("var", "std"):
                for axis in (None, 0, 1):
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)
                        want = getattr(np, fn)(v, axis=axis, dtype=np.float16)
                        got = getattr(nps, fn)(x, axis=axis, dtype=np.float16).get()
                    assert got.dtype == np.float16
                    np.testing.assert_allclose(got, want, rtol=1e-2)


def test_sums_and_products_that_overflow_are_numpys():
    # regrouped by blocks, a sum or product that overflows on the way gives another
    # non-finite value than NumPy's order: 1e200 eight times then 1e-200 eight times is inf
    # (NumPy) where the blocks' partials give inf * 0.0 = NaN
    big = np.array([1e200] * 8 + [1e-200] * 8)
    opposite = np.array([1e308] * 8 + [-1e308] * 8)  # NumPy's sum: 0.0, its cumsum: inf
    rng = np.random.default_rng(3)
    c = ((rng.random((892, 24)) * 20 - 5) + 1j * rng.random((892, 24))).astype(np.complex128)
    m = np.array([[1e308] * 3, [1e308] * 3, [-1e308] * 3, [-1e308] * 3] * 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for a, bs in ((big, (5,)), (opposite, (3,)), (opposite[::-1].copy(), (8,)),
                      (c, (300, 7)), (m, (5, 3))):
            x = nps.asarray(a, block_shape=bs)
            axes = [None] if a.ndim == 1 else [None, 0, 1]
            for axis in axes:
                for name in ("sum", "prod", "nansum"):
                    assert_same(getattr(nps, name)(x, axis=axis),
                                getattr(np, name)(a, axis=axis), rtol=1e-12)
            for axis in (0, a.ndim - 1):
                for name in ("cumsum", "cumprod"):
                    assert_same(getattr(nps, name)(x, axis=axis),
                                getattr(np, name)(a, axis=axis), rtol=1e-12)
    # infinities or NaNs given stay as they are
    given = np.array([np.inf, 1.0, -np.inf, 2.0] * 5)
    with np.errstate(invalid="ignore"):
        assert_same(nps.sum(nps.asarray(given, block_shape=(3,))), np.sum(given))
    with_nan = np.concatenate([opposite, [np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_same(nps.sum(nps.asarray(with_nan, block_shape=(4,))), np.sum(with_nan))
        assert_same(nps.prod(nps.asarray(with_nan * 1e-100, block_shape=(4,))),
                    np.prod(with_nan * 1e-100))
    with pytest.warns(RuntimeWarning, match="overflow"):
        float(nps.prod(nps.asarray(big, block_shape=(5,))))



def test_accumulations_of_columns_and_expressions_read_their_sources():
    # a column or an elementwise expression is accumulated by tasks that read its sources
    # (no store copy of it first); values, and NumPy's order where a regrouped float sum
    # overflows, as for a plain array
    rng = np.random.default_rng(11)
    a = rng.standard_normal((40, 6))
    x = nps.asarray(a, block_shape=(7, 6))
    for name in ("cumsum", "cumprod"):
        assert_same(getattr(nps, name)(x[:, 2]), getattr(np, name)(a[:, 2]), rtol=1e-10)
        assert_same(getattr(nps, name)(x * 0.5 + 1, axis=0),
                    getattr(np, name)(a * 0.5 + 1, axis=0), rtol=1e-10)
        assert_same(getattr(nps, name)(x.reshape(-1, 4)[:, 1]),
                    getattr(np, name)(a.reshape(-1, 4)[:, 1]), rtol=1e-10)
    assert_same(nps.maximum.accumulate(x[:, 1] - 2, axis=0),
                np.maximum.accumulate(a[:, 1] - 2, axis=0))
    col = x[:, 3]
    assert_same(nps.cumsum(col), np.cumsum(a[:, 3]), rtol=1e-10)
    assert_same(nps.cumsum(col), np.cumsum(a[:, 3]), rtol=1e-10)  # used twice: still a view
    opposite = np.array([[1e308, 1.0]] * 8 + [[-1e308, 1.0]] * 8)
    y = nps.asarray(opposite, block_shape=(3, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for expr, exp in ((y[:, 0], opposite[:, 0]), (y[:, 0] * 1.0, opposite[:, 0] * 1.0),
                          (y * 1.5, opposite * 1.5)):
            assert_same(nps.cumsum(expr, axis=0), np.cumsum(exp, axis=0))

def test_nan_reductions_take_where():
    rng = np.random.default_rng(9)
    a = rng.random((5, 6))
    a[rng.random((5, 6)) < 0.3] = np.nan
    a[2] = np.nan
    mask, row = rng.random((5, 6)) > 0.4, np.array([True, False, True, True, False, True])
    x = nps.asarray(a, block_shape=(2, 4))
    for name in ("nansum", "nanmean"):
        for axis in (None, 0, 1):
            for where in (mask, row):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # empty slices, as NumPy
                    assert_same(getattr(nps, name)(x, axis=axis, where=nps.asarray(where)),
                                getattr(np, name)(a, axis=axis, where=where), rtol=1e-12)


def test_var_with_an_integer_dtype_is_numpys():
    # NumPy computes in that dtype, wrapping (int8: [19, -15, 16, 10]): its own function,
    # next to the data, with the fallback's warning
    i = np.array([[3, -1, 4, 1, -5, 9], [2, 6, -5, 3, 5, -8], [9, 7, 9, 3, -2, 3]])
    for a in (i, i * 0.5):
        x = nps.asarray(a, block_shape=(2, 4))
        for name in ("var", "std", "nanvar"):
            for dtype in (np.int8, np.uint8, np.int32):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", nps.GatherWarning)
                    try:
                        want = getattr(np, name)(a, axis=1, dtype=dtype)
                    except TypeError as err:  # std's root of an integer: NumPy refuses
                        with pytest.raises(type(err)):
                            getattr(nps, name)(x, axis=1, dtype=dtype).get()
                        continue
                    assert_same(getattr(nps, name)(x, axis=1, dtype=dtype), want)


def test_errors_of_bincount_and_vecdot_are_numpys():
    big = nps.asarray(np.array([2**63 + 5, 1, 3], np.uint64), block_shape=(2,))
    with pytest.raises(ValueError, match="negative elements"):
        nps.bincount(big)  # NumPy casts to intp: a negative element
    with pytest.raises(ValueError, match="does not have enough dimensions"):
        nps.vecdot(nps.asarray(2.0), nps.arange(3.0))


def test_overflowing_sum_of_halves_warns_as_numpys():
    a = np.full(100, 60000, np.float16)  # accumulated in float32, rounded to inf at the end
    for block_shape in (None, (7,)):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            got = nps.asarray(a, block_shape=block_shape).sum().get()
        assert [str(w.message) for w in seen] == ["overflow encountered in reduce"]
        assert_same(got, np.sum(a))


def test_variance_of_halves_is_numpys():
    # NumPy's squares and sums of halves are halves: a sum of squares beyond 65504 is
    # infinite (with its overflow warning), where a float32 one was finite (28.97)
    a = np.linspace(0, 100, 300).astype(np.float16)
    x = nps.asarray(a, block_shape=(7,))
    with pytest.warns(RuntimeWarning, match="overflow encountered in reduce"):
        got = nps.std(x).get()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_same(got, np.std(a))
        assert_same(nps.var(x, where=nps.asarray(a > 3)), np.var(a, where=a > 3))
    m = (np.random.default_rng(3).random((40, 30)) * 30).astype(np.float16)
    for axis in (None, 0, 1):
        for name in ("var", "std"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                got = getattr(nps, name)(nps.asarray(m, block_shape=(7, 7)), axis=axis).get()
                want = getattr(np, name)(m, axis=axis)
            assert got.dtype == want.dtype
            np.testing.assert_allclose(got.astype(float), want.astype(float), rtol=3e-3)


def test_reductions_of_empty_arrays_with_initial():
    z = np.zeros((0, 3))
    x = nps.asarray(z, block_shape=(1, 2))
    for name, kwargs in (("max", {"axis": 0, "initial": -1.0}), ("min", {"initial": 5.0}),
                         ("sum", {"axis": 1, "initial": 2, "keepdims": True}),
                         ("max", {"axis": (0, 1), "initial": -1.0, "keepdims": True})):
        assert_same(getattr(nps, name)(x, **kwargs), getattr(np, name)(z, **kwargs))


def test_integer_reductions_into_float_out_compute_in_floats():
    # NumPy computes a reduction or accumulation in the dtype of a floating-point out= array
    # that integers cast to: a product of 1e10s into a float64 out is 3e30, not int64's wrap
    a = np.array([10**10, 10**10, 10**10, 3])
    x = nps.asarray(a, block_shape=(2,))
    for name in ("prod", "sum", "cumprod", "cumsum", "max"):
        for dtype in (np.float64, np.float32, np.complex128):
            shape = a.shape if name.startswith("cum") else ()
            got, want = nps.asarray(np.zeros(shape, dtype)), np.zeros(shape, dtype)
            getattr(nps, name)(x, out=got)
            getattr(np, name)(a, out=want)
            np.testing.assert_allclose(got.get(), want, rtol=1e-6)
    out = nps.asarray(np.zeros(()))
    np.multiply.reduce(x, out=out)
    np.testing.assert_allclose(out.get(), 3e30)


def test_arg_extremes_of_dates_with_nat_across_blocks():
    # NaT is the extreme of dates as NaN is of floats: its first index, as NumPy's
    td = np.array([-254, -623, "NaT", "NaT", -502], "timedelta64[s]")
    dt = np.array(["2000-01-01", "NaT", "1999-01-01", "2001-01-01", "NaT", "1990-01-01"],
                  "datetime64[D]").reshape(3, 2)
    for a in (td, dt):
        x = nps.asarray(a, block_shape=(2,) * a.ndim)
        for name in ("argmin", "argmax"):
            for axis in (None, *range(a.ndim)):
                assert_same(getattr(nps, name)(x, axis=axis), getattr(np, name)(a, axis=axis))


def test_mean_argument_of_var_and_std_and_nan_variants_is_used():
    """``mean=`` was accepted and ignored (the computed mean was used instead): a silent
    difference wherever the given values are not the mean."""
    rng = np.random.default_rng(5)
    a = rng.random((5, 6))
    a32 = a.astype(np.float32)
    an = a.copy()
    an[1, 2] = np.nan
    for block_shape in (None, (2, 4)):
        x = nps.asarray(a, block_shape=block_shape)
        for kw in ({"mean": np.zeros((1, 6)), "axis": 0}, {"mean": 0.5},
                   {"mean": np.ones((5, 1)), "axis": 1, "keepdims": True, "ddof": 1},
                   {"mean": np.zeros((1, 6)), "axis": 0, "where": a > 0.3}):
            for name in ("var", "std"):
                got = getattr(nps, name)(x, **{k: nps.asarray(v) if k == "where" else v
                                                 for k, v in kw.items()})
                assert_same(got, getattr(np, name)(a, **kw), rtol=1e-12)
        # a Python mean stays weakly typed (float32 result), as in NumPy
        assert_same(nps.var(nps.asarray(a32, block_shape=block_shape), mean=0.5),
                    np.var(a32, mean=0.5), rtol=1e-5)
        xn = nps.asarray(an, block_shape=block_shape)
        for kw in ({"mean": np.zeros((1, 6)), "axis": 0}, {"where": an > 0.3, "axis": 1},
                   {"correction": 1}):
            for name in ("nanvar", "nanstd"):
                got = getattr(nps, name)(xn, **{k: nps.asarray(v) if k == "where" else v
                                                  for k, v in kw.items()})
                assert_same(got, getattr(np, name)(an, **kw), rtol=1e-12)
        with pytest.raises(ValueError, match="simultaneously"):
            nps.var(x, ddof=1, correction=1)


def test_initial_with_where_counts_once_over_blocks():
    """``sum(initial=, where=)`` added ``initial`` once per block along the reduced axis."""
    a = np.arange(12.0).reshape(3, 4)
    m = a > 2
    for block_shape in ((1, 4), (2, 2), None):
        x = nps.asarray(a, block_shape=block_shape)
        for name in ("sum", "prod", "max", "min", "nansum", "nanprod", "nanmax", "nanmin"):
            for axis in (0, 1, None):
                got = getattr(nps, name)(x, initial=2.0, axis=axis, where=nps.asarray(m))
                assert_same(got, getattr(np, name)(a, initial=2.0, axis=axis, where=m))
        assert_same(nps.add.reduce(x, initial=2.0, axis=0, where=m),
                    np.add.reduce(a, initial=2.0, axis=0, where=m))


def test_reduce_and_accumulate_into_a_wider_out_compute_in_its_dtype():
    """NumPy's loop writes into ``out``: a float32 product into a float64 ``out`` does not
    overflow (nums computed in float32: inf), a boolean subtract into int16 works."""
    f = np.array([3.0, 1e30, 1e30, 2.0, 5.0], np.float32)
    b = np.array([True, False, True, True])
    i = np.array([1, 0, 2, 3])
    m = np.array([[1.7, 2.6], [0.4, 3.9], [1.1, 0.2]])
    for block_shape in (None, (2,)):
        x = nps.asarray(f, block_shape=block_shape)
        assert_same(nps.multiply.reduce(x, out=nps.zeros((), np.float64)),
                    np.multiply.reduce(f, out=np.zeros((), np.float64)), rtol=1e-12)
        assert_same(nps.multiply.accumulate(x, out=nps.zeros(5)),
                    np.multiply.accumulate(f, out=np.zeros(5)), rtol=1e-12)
        assert_same(nps.sum(x, out=nps.zeros((), np.float64)),
                    np.sum(f, out=np.zeros((), np.float64)), rtol=1e-12)
        xb = nps.asarray(b, block_shape=block_shape)
        assert_same(nps.subtract.reduce(xb, out=nps.zeros((), np.int16)),
                    np.subtract.reduce(b, out=np.zeros((), np.int16)))
        assert_same(nps.logical_and.accumulate(xb, out=nps.zeros(4)),
                    np.logical_and.accumulate(b, out=np.zeros(4)))
        assert_same(nps.logical_or.reduce(nps.asarray(i, block_shape=block_shape),
                                          out=nps.zeros((), float)),
                    np.logical_or.reduce(i, out=np.zeros((), float)))
        xm = nps.asarray(m, block_shape=None if block_shape is None else (2, 2))
        assert_same(nps.add.reduce(xm, axis=0, out=(nps.zeros(2),)),
                    np.add.reduce(m, axis=0, out=(np.zeros(2),)))
        assert_same(nps.add.accumulate(xm, axis=(0,)), np.add.accumulate(m, axis=(0,)))


def test_variance_of_complex_values_in_a_real_dtype_is_numpys():
    """var/std of complex data with a real ``dtype=`` over several blocks raised; NumPy takes
    the real parts' mean (with its ComplexWarning) and complex deviations from it."""
    c = np.array([1 + 2j, 3 - 1j, 0.5j, 2, -1j])
    for block_shape in (None, (2,)):
        for name in ("var", "std"):
            for dtype in (np.float64, np.float32):
                with pytest.warns(np.exceptions.ComplexWarning):
                    got = getattr(nps, name)(nps.asarray(c, block_shape=block_shape),
                                             dtype=dtype).get()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
                    assert_same(got, getattr(np, name)(c, dtype=dtype), rtol=1e-6)


def test_reductions_to_a_small_result_are_computed_by_the_driver(monkeypatch):
    """On a backend whose stores the driver maps (embedded), a reduction whose result the
    driver combines (``x.sum()``, ``argmax``, ``mean`` of an expression, with ``where=``)
    computes its partials on the driver's threads from the blocks in place: no task, and
    the values, dtypes, warnings and errors of the task path."""
    from nums.core import context
    from nums.core.array import reduction

    a = R.random((40, 6)) - 0.5
    x = nps.array(a, block_shape=(10, 6)).persist()  # 4 blocks: partials combined here
    in_driver = context.get().backend.blocks_in_driver_memory
    mask = a > 0
    m = nps.array(mask, block_shape=(10, 6)).persist()
    submitted: list = []
    real = reduction.submit
    monkeypatch.setattr(reduction, "submit", lambda fn, *a, **k: submitted.append(fn) or real(
        fn, *a, **k))
    got = [float(x.sum()), int(x.argmax()), float(((x - 0.5) ** 2).mean()),
           float(nps.sum(x, where=m)), x.min(axis=0).get(),
           int(nps.count_nonzero(x > 0))]
    assert not submitted or not in_driver
    np.testing.assert_allclose(got[0], a.sum(), rtol=1e-12)
    assert got[1] == a.argmax()
    np.testing.assert_allclose(got[2], ((a - 0.5) ** 2).mean(), rtol=1e-12)
    np.testing.assert_allclose(got[3], a.sum(where=mask), rtol=1e-12)
    np.testing.assert_array_equal(got[4], a.min(axis=0))
    assert got[5] == np.count_nonzero(a > 0)
    i8 = nps.array(np.full(50, 100, dtype=np.int8))
    assert_same(i8.sum(), np.full(50, 100, dtype=np.int8).sum())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = float(nps.log(x * 0).sum())
    assert r == -np.inf
    assert {str(w.message) for w in caught} == {"divide by zero encountered in log"}
    assert {w.filename for w in caught} == {__file__}
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        float(nps.log(x * 0).sum())


def test_driver_threads_take_more_parts_than_threads_in_turn():
    from nums.core.array import threads

    assert threads.run([lambda i=i: i * i for i in range(23)]) == [i * i for i in range(23)]

    def fail():
        raise KeyError("part 7")

    with pytest.raises(KeyError, match="part 7"):
        threads.run([lambda: 1] * 7 + [fail] + [lambda: 1] * 9)


def test_reductions_of_expressions_never_hold_a_whole_block(monkeypatch):
    """A reduction of an elementwise expression over blocks of megabytes evaluates it a
    cache-sized chunk of rows at a time and reduces each chunk (no block of the expression
    is made): sums, means, extremes, counts, deviations, masks, NumPy's left folds (whose
    rows are not regrouped) and rolled operands (read in tiles) give NumPy's values."""
    from nums.core.array import expressions

    rng = np.random.default_rng(5)
    a, b = rng.random((1200, 900)), rng.random((1200, 900))
    x = nps.asarray(a, block_shape=(600, 900))  # blocks of 4.3 MB
    y = nps.asarray(b, block_shape=(600, 900))
    e, f = x * 3 - y, a * 3 - b
    close = np.testing.assert_allclose
    close(float(e.sum()), f.sum())
    close(e.sum(axis=0).get(), f.sum(axis=0))
    close(e.sum(axis=1).get(), f.sum(axis=1))
    close(nps.mean(e, axis=0).get(), np.mean(f, axis=0))
    close(float(nps.std(e)), np.std(f))
    close(nps.max(e, axis=0).get(), np.max(f, axis=0))
    close(float(nps.min(e)), np.min(f))
    close(float(nps.linalg.norm(e)), np.linalg.norm(f))
    close(nps.sum(e, axis=0, where=y > 0.3).get(), np.sum(f, axis=0, where=b > 0.3))
    close(nps.subtract.reduce(e, axis=0).get(), np.subtract.reduce(f, axis=0))
    close(float((e.astype(np.float32) * 2).sum()), (f.astype(np.float32) * 2).sum(),
          rtol=1e-5)
    assert int(nps.count_nonzero(e > 1.0)) == np.count_nonzero(f > 1.0)
    np.testing.assert_array_equal(((x > 0.5) + 0).sum(axis=0).get(), ((a > 0.5) + 0).sum(axis=0))
    rolled = nps.roll(x, 1, 0) + nps.roll(x, -1, 1) - 2 * x
    close(float((rolled ** 2).sum()), ((np.roll(a, 1, 0) + np.roll(a, -1, 1) - 2 * a) ** 2).sum())
    # a product that overflows in one block's chunks: inf in NumPy's order, where the
    # chunks' partials give inf * 0.0 = NaN
    big = np.concatenate([np.full(600_000, 1e200), np.full(600_000, 1e-200)])
    one = nps.asarray(big, block_shape=(big.size,))
    two = nps.asarray(np.concatenate([big, big]), block_shape=(big.size,))  # distributed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_same((one * 1.0).prod(), (big * 1.0).prod())
        assert_same((two * 1.0).prod(), (np.concatenate([big, big]) * 1.0).prod())
        assert_same(nps.roll(one, 5).prod(), np.roll(big, 5).prod())
        assert_same(nps.roll(one, 600_010).prod(), np.roll(big, 600_010).prod())
    if x._local is None and nums.core.context.get().backend.blocks_in_driver_memory:
        # full reductions run on the driver's threads: no whole block of the expression
        def whole(*args, **kwargs):
            raise AssertionError("a whole block of the expression was made")

        monkeypatch.setattr(expressions, "fused_eval", whole)
        close(float((x * 3 - y).sum()), f.sum())
        close(float(((nps.roll(x, 1, 0) - x) ** 2).sum()), ((np.roll(a, 1, 0) - a) ** 2).sum())


@pytest.mark.parametrize("fn", [
    lambda xp, y: xp.sum(y, axis=0), lambda xp, y: xp.sum(y), lambda xp, y: xp.mean(y, axis=0),
    lambda xp, y: xp.add.reduce(y, axis=0), lambda xp, y: xp.nansum(y, axis=0),
    lambda xp, y: xp.prod(y * 1e-108, axis=0),
])
@pytest.mark.parametrize("shape", [(20, 4), (40, 40)])
def test_sums_that_overflow_on_the_way_give_numpys_values(layout, fn, shape):
    """Finite values whose running sum overflows (+1e308 then -1e308 along the axis):
    NumPy's order gives inf where blocks' partial sums would give inf - inf = NaN; nums
    computes such results again in NumPy's order (any number of output blocks)."""
    y = np.full(shape, 1e308)
    y[shape[0] // 2:] = -1e308
    with np.errstate(all="ignore"):
        expected = fn(np, y)
        got = np.asarray(nps.asarray(fn(nps, nps.asarray(y))).get())
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", ["mean", "var", "std", "nanmean", "nanvar", "nanstd"])
@pytest.mark.parametrize("axis", [None, 0, (0, 2)])
def test_wider_out_is_the_precision_of_the_sum(name, axis):
    """Without ``dtype``, NumPy's mean, var and std add into ``out`` in its dtype:
    ``np.mean(x32, out=z64)`` sums in float64 (a mean of halves: in float32)."""
    x32 = (np.arange(6 * 37 * 3, dtype=np.float32).reshape(6, 37, 3) * 0.37) % 5
    for a, out_dtype in ((x32, np.float64), (x32.astype(np.float16), np.float32),
                         (x32, np.complex128)):
        if name not in ("mean", "nanmean") and (out_dtype == np.complex128
                                                 or a.dtype == np.float16):
            continue  # (a variance of halves: their mean in a tree, see docs/numpy_api.md)
        shape = np.mean(a, axis=axis).shape
        expected = getattr(np, name)(a, axis=axis, out=np.zeros(shape, out_dtype))
        out = nps.zeros(shape, out_dtype)
        got = getattr(nps, name)(nps.array(a, block_shape=(4, 5, 2)), axis=axis, out=out)
        assert got is out
        # (the mean and deviations of float32 in a tree: float32's last place at most)
        tol = 1e-12 if name in ("mean", "nanmean") else 1e-6
        assert_same(out, expected, rtol=tol, atol=0)
