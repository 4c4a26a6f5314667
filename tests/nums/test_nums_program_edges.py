"""Lines of NumPy programs (image and signal processing, tabular data, simulations,
in-place algorithms) where nums once differed from NumPy, in both layouts: arrays split
into many blocks, and small arrays held in the driver."""

from __future__ import annotations

import decimal
import warnings

import numpy as np
import pytest

import nums.numpy as nps


@pytest.fixture(autouse=True)
def _both_layouts(layout):
    return layout


def _value(x):
    return x.get() if hasattr(x, "get") and not isinstance(x, np.ndarray) else x


# --------------------------------------------------------------- scalars and 0-d arrays


@pytest.mark.parametrize("fn", [
    lambda m, x: m.median(x), lambda m, x: m.percentile(x, 30), lambda m, x: m.quantile(x, .3),
    lambda m, x: m.nanmedian(x), lambda m, x: m.nanquantile(x, .5),
    lambda m, x: m.real(x.astype(complex)[1]), lambda m, x: m.imag((x + 1j).sum()),
])
def test_results_numpy_gives_as_scalars_are_new_values(fn):
    """``m = np.median(x); t = m; t *= 3`` leaves ``m`` (NumPy's scalar)."""
    a = np.arange(1.0, 25.0)
    m = fn(nps, nps.asarray(a))
    before = float(_value(m))
    t = m
    t *= 3
    assert float(_value(m)) == before == float(fn(np, a))


@pytest.mark.parametrize("fn", [
    lambda m, x: m.tensordot(x, x, axes=1), lambda m, x: m.cov(x),
    lambda m, x: m.where(x[0] > 0, x[1], x[2]),
])
def test_results_numpy_gives_as_0d_arrays_change_in_place(fn):
    a = np.arange(1.0, 25.0)
    got, exp = fn(nps, nps.asarray(a)), fn(np, a)
    alias_got, alias_exp = got, exp
    alias_got += 1
    alias_exp += 1
    assert float(got.get()) == float(exp)


def test_an_element_refuses_item_assignment():
    x = nps.arange(5.0)
    s = x[1]
    with pytest.raises(TypeError, match="does not support item assignment"):
        s[...] = 7
    z = nps.zeros(())
    z[...] = 3  # a 0-d array made as one takes writes
    assert float(z) == 3.0
    np.testing.assert_array_equal(x.get(), np.arange(5.0))


def test_elements_of_text_arrays_are_numpy_strings():
    a = np.array(["ann@a.com", "bob@b.org"] * 10)
    e = nps.asarray(a)
    assert [v.split("@")[0] for v in e] == [v.split("@")[0] for v in a]
    assert list(map(len, e)) == list(map(len, a))
    assert type(e[1]) is np.str_ and e[0].upper() == "ANN@A.COM"
    b = nps.asarray(np.array([b"ab", b"c"]))
    assert type(b[1]) is np.bytes_ and b[1] == b"c"


# ------------------------------------------------------------------------- object arrays

_FLOATS = np.array([0.5, 2.25, 1.0, 7.125] * 30, dtype=object)
_TEXT = np.array(["x", "zzz"] * 40, dtype=object)


@pytest.mark.parametrize("expr", [
    "np.add.reduce(F)", "F.sum()", "F.max()", "F.min()", "np.nanmax(F)", "np.nanmin(F)",
    "np.dot(F, F)", "F @ F", "np.nansum(F)", "F[F > 1].sum()", "np.ptp(F)", "F.std()",
    "F.var()", "F.mean()", "np.maximum.reduce(S)", "S.max()", "S.min()", "S.sum()",
    "F.reshape(4, 30).sum(axis=1)", "np.einsum('i,i', F, F)",
])
def test_reductions_of_objects_keep_the_objects(expr):
    exp = eval(expr, {"np": np, "F": _FLOATS, "S": _TEXT})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (std and var: NumPy's own, with a GatherWarning)
        got = _value(eval(expr, {"np": nps, "F": nps.asarray(_FLOATS), "S": nps.asarray(_TEXT)}))
    got = np.asarray(got)
    if got.ndim == 0:
        got = got[()]
        assert got == exp  # (the object itself: a float stays a float, not an int)
    else:
        np.testing.assert_array_equal(got, exp)


def test_mean_of_decimals_is_a_decimal():
    d = np.array([decimal.Decimal("1.10"), decimal.Decimal("2.25")] * 20, dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = np.asarray(_value(nps.asarray(d).mean()))[()]
    assert got == d.mean() and type(got) is decimal.Decimal


@pytest.mark.parametrize("dtype", [str, "U", "S", bytes])
def test_objects_to_text_take_the_longest_length(dtype):
    o = np.array(["a", "hello", "ab"] * 30, dtype=object)
    got = nps.asarray(o).astype(dtype).get()
    exp = o.astype(dtype)
    assert got.dtype == exp.dtype
    np.testing.assert_array_equal(got, exp)
    np.testing.assert_array_equal(nps.array(nps.asarray(o), dtype=dtype).get(), exp)


def test_vectorize_over_objects():
    o = np.array(["a", "hello"] * 40, dtype=object)
    got = nps.vectorize(len)(nps.asarray(o))
    np.testing.assert_array_equal(_value(got), np.vectorize(len)(o))


# ---------------------------------------------------------------------------- programs


def test_an_array_grown_in_a_loop():
    traj, y = nps.zeros((1, 3)), nps.ones(3)
    t, b = np.zeros((1, 3)), np.ones(3)
    for k in range(150):
        traj = nps.vstack([traj, y * k])
        t = np.vstack([t, b * k])
    np.testing.assert_array_equal(traj.get(), t)
    v, w = nps.zeros(0), np.zeros(0)
    for k in range(120):
        v, w = nps.append(v, float(k)), np.append(w, float(k))
    np.testing.assert_array_equal(v.get(), w)


def test_ufunc_at_with_a_list_of_values():
    for name, idx, vals in (("add", [0, 0, 1], [1.0, 2.0, 3.0]),
                            ("multiply", [1, 1], [2, 3]), ("maximum", [4, 2], (9, -1))):
        a, x = np.arange(5.0), nps.arange(5.0)
        getattr(np, name).at(a, idx, vals)
        getattr(nps, name).at(x, idx, vals)
        np.testing.assert_array_equal(x.get(), a)


def test_apply_along_axis_with_nums_functions_inside():
    a = np.random.default_rng(0).integers(0, 256, (4, 5), dtype=np.uint8)
    x = nps.asarray(a)
    for f_np, f_nums in (
            (lambda c: np.bincount(c, minlength=256).argmax(),
             lambda c: nps.bincount(c, minlength=256).argmax()),
            (lambda c: np.histogram(c, bins=8, range=(0, 256))[0],
             lambda c: nps.histogram(c, bins=8, range=(0, 256))[0]),
            (lambda c: np.nonzero(c > 100)[0].size, lambda c: nps.nonzero(c > 100)[0].size)):
        np.testing.assert_array_equal(_value(nps.apply_along_axis(f_nums, 1, x)),
                                      np.apply_along_axis(f_np, 1, a))


def test_einsum_diagonal_is_a_writable_view():
    a, x = np.zeros((3, 3)), nps.zeros((3, 3))
    np.einsum("ii->i", a)[:] = 7
    d = nps.einsum("ii->i", x)
    d[:] = 7
    np.testing.assert_array_equal(x.get(), a)
    x[1, 1] = 5
    np.testing.assert_array_equal(d.get(), [7, 5, 7])
    b, y = np.arange(27.0).reshape(3, 3, 3), nps.arange(27.0).reshape(3, 3, 3)
    np.einsum("iji->ij", b)[0, 1] = -1
    nps.einsum("iji->ij", y)[0, 1] = -1
    np.testing.assert_array_equal(y.get(), b)


def test_business_days_with_holidays_as_an_array():
    d = np.array(["2023-01-02", "2023-01-05"] * 20, dtype="datetime64[D]")
    hol = np.array(["2023-01-03"], dtype="datetime64[D]")
    x, h = nps.asarray(d), nps.asarray(hol)
    np.testing.assert_array_equal(nps.busday_count(x, x + 30, holidays=h).get(),
                                  np.busday_count(d, d + 30, holidays=hol))
    np.testing.assert_array_equal(nps.is_busday(x, holidays=h).get(),
                                  np.is_busday(d, holidays=hol))
    np.testing.assert_array_equal(nps.busday_offset(x, 1, holidays=h).get(),
                                  np.busday_offset(d, 1, holidays=hol))


def test_variance_of_halves_that_overflow():
    a = np.full(200, 6e4, dtype=np.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exp, got = np.std(a), nps.std(nps.asarray(a)).get()
    assert np.isinf(exp) and np.isinf(got) and got.dtype == exp.dtype


def test_covariance_without_degrees_of_freedom_warns_twice():
    with pytest.warns(RuntimeWarning) as caught:
        got = nps.cov(nps.asarray([1.0, 2.0]), ddof=2)
    messages = {str(w.message) for w in caught}
    assert "Degrees of freedom <= 0 for slice" in messages
    assert any("divide by zero" in m for m in messages)
    assert np.isinf(float(got))


def test_legacy_random_state_rules():
    r = nps.random.RandomState(0)
    with pytest.raises(ValueError, match="nsample"):
        r.hypergeometric(5, 5, 0)
    v = _value(r.uniform(1, 0, 50))  # NumPy's legacy uniform takes high < low
    assert v.shape == (50,) and ((v > 0) & (v <= 1)).all()
    assert type(r.uniform(1, 0)) is float
    with pytest.raises(OverflowError):
        r.uniform(0, float("inf"))


def test_where_of_one_argument_gives_the_positions():
    a = np.array([True, False, True, True])
    got = nps.where(nps.asarray(a))
    assert isinstance(got, tuple) and len(got) == 1
    np.testing.assert_array_equal(got[0].get(), np.where(a)[0])


@pytest.mark.parametrize("expr", [
    "np.histogram(P, 5, range=(0, P.max()))[0]", "np.resize(P, (P > 2).sum() + 4)",
    "np.tri(4, k=((P >= 0).sum() // 40))", "np.tril_indices(6, ((P >= 0).sum() // 40))[1]",
    "np.round(X, ((P >= 0).sum() // 40))", "np.triu(X, ((P >= 0).sum() // 40))",
    "np.nan_to_num(Q, nan=P.mean())", "np.isclose(P, 0.5, atol=P.mean())",
    "np.interp(P, [0, 1], [0, 1], left=P.mean())", "np.var(X, axis=1, ddof=((P >= 0).sum() // 40))",
    "np.min(X, axis=0, initial=-P.mean())", "np.linalg.norm(X, ord=((P >= 0).sum() // 40))",
])
def test_0d_results_as_numbers_where_numpy_takes_a_number(expr):
    rng = np.random.default_rng(0)
    p, x = rng.random(40) * 3, rng.random((6, 6))
    q = np.where(p > 2, np.nan, p)
    env = {"P": p, "X": x, "Q": q}
    exp = eval(expr, {"np": np, **env})
    got = eval(expr, {"np": nps, **{k: nps.asarray(v) for k, v in env.items()}})
    np.testing.assert_allclose(np.asarray(_value(got)), exp, rtol=1e-12)


def test_copies_of_0d_arrays_are_0d_arrays():
    import copy

    for make in (lambda a: a.copy(), lambda a: copy.deepcopy(a), lambda a: copy.copy(a),
                 lambda a: a.astype(np.float32)):
        c = make(nps.zeros(()))
        alias = c
        alias += 1
        assert float(c) == 1.0
        c[...] = 5
        assert float(c) == 5.0
    s = nps.arange(3.0).sum()
    t = s.copy()
    u = t
    u += 1  # a copy of a value that stands for a scalar is one too
    assert float(t) == 3.0


def test_a_failed_augmented_write_keeps_what_numpy_wrote(layout):
    if layout == "dist":
        pytest.skip("an array in blocks raises a task's error when its result is read")
    a = np.arange(6.0) - 1
    x = nps.asarray(a)
    keep = x.copy()  # (the value is held elsewhere: the write goes into a copy)
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            a /= 0
        with pytest.raises(FloatingPointError):
            x /= 0
    np.testing.assert_array_equal(x.get(), a)
    np.testing.assert_array_equal(keep.get(), np.arange(6.0) - 1)


def test_load_with_mmap_mode_r_is_read_only(tmp_path):
    path = str(tmp_path / "a.npy")
    np.save(path, np.arange(10.0))
    m = nps.load(path, mmap_mode="r")
    assert not m.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        m[0] = 5
    c = nps.load(path, mmap_mode="c")  # copy-on-write: writes stay in the array
    c[0] = 5
    assert float(c[0]) == 5.0 and np.load(path)[0] == 0.0


@pytest.mark.parametrize("bins", ["auto", "fd", "sturges", "sqrt", "doane", "scott", "rice"])
def test_histogram_bins_by_a_rule(bins):
    a = np.random.default_rng(3).standard_normal(500)
    got = nps.histogram(nps.asarray(a), bins=bins)
    exp = np.histogram(a, bins=bins)
    np.testing.assert_array_equal(got[0].get(), exp[0])
    np.testing.assert_allclose(got[1].get(), exp[1], rtol=1e-12)


def test_arithmetic_of_elements_warns_as_numpys_scalars(layout):
    """``q[0] - q[1]`` of uint8 quality scores: NumPy's scalar overflow warning (or its
    FloatingPointError under errstate), where a 0-d array would wrap silently."""
    if layout == "dist":
        pytest.skip("elements of arrays in blocks: their arithmetic runs as 0-d arrays'")
    for lib in (np, nps):
        q = lib.asarray(np.array([40, 70], np.uint8))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            values = [int(q[0] - q[1]), int(-q[0]), int(q.max() * 4)]
        assert values == [226, 216, 24]
        assert [str(w.message) for w in caught] == [
            "overflow encountered in scalar subtract",
            "overflow encountered in scalar negative",
            "overflow encountered in scalar multiply"], lib.__name__
        with np.errstate(over="raise"), pytest.raises(FloatingPointError):
            q[0] - q[1]


@pytest.mark.parametrize("spec, s1, s2", [
    ("nij,nj->ni", (50, 3, 3), (50, 3)), ("nij,njk->nik", (40, 3, 4), (40, 4, 2)),
    ("nij,nj->in", (30, 3, 3), (30, 3)), ("nj,nij->ni", (30, 3), (30, 3, 3)),
    ("abij,abj->abi", (4, 5, 3, 3), (4, 5, 3)),
])
def test_batched_small_products_by_einsum(spec, s1, s2):
    rng = np.random.default_rng(1)
    a, b = rng.random(s1), rng.random(s2)
    got = nps.einsum(spec, nps.asarray(a), nps.asarray(b)).get()
    np.testing.assert_allclose(got, np.einsum(spec, a, b), rtol=1e-12)


def test_many_quantiles_of_an_array_in_blocks():
    """A QQ plot's probabilities: more ranks than a selection takes, with NaNs."""
    a = np.random.default_rng(2).standard_normal(3000)
    a[::97] = np.nan
    q = (np.arange(1, 201) - 0.5) / 200
    x = nps.asarray(a)
    np.testing.assert_allclose(nps.nanquantile(x, q).get(), np.nanquantile(a, q), rtol=1e-12)
    np.testing.assert_allclose(nps.quantile(x, q, method="hazen").get(),
                               np.quantile(a, q, method="hazen"), equal_nan=True)
    b = np.random.default_rng(3).integers(0, 50, 3000)
    np.testing.assert_array_equal(nps.percentile(nps.asarray(b), np.arange(101),
                                                 method="lower").get(),
                                  np.percentile(b, np.arange(101), method="lower"))


def test_an_element_is_no_output_array():
    x = nps.asarray(np.array([1.0 + 2j, 3.0]))
    t = x[0]
    with pytest.raises(TypeError, match="ArrayType"):
        nps.negative(t, out=t)
    with pytest.raises(AttributeError, match="not writable"):
        t.real = 5
    np.testing.assert_array_equal(x.get(), [1.0 + 2j, 3.0])


def test_select_keeps_python_numbers_weak():
    s = np.array([0, 1, 2, 1], np.int8)
    f = np.array([0.1, 0.6, 0.7, 0.2], np.float32)
    u = np.arange(6, dtype=np.uint8)
    for fn in (lambda m, a: m.select([a == 1], [5], default=a),
               lambda m, a: m.select([a > 1, a == 0], [a, 7])):
        got, exp = fn(nps, nps.asarray(s)), fn(np, s)
        assert got.dtype == exp.dtype
        np.testing.assert_array_equal(got.get(), exp)
    got = nps.select([nps.asarray(f) > 0.5], [0.5], default=nps.asarray(f))
    assert got.dtype == np.float32
    with pytest.raises(TypeError, match="same_kind"):
        nps.select([nps.asarray(u) > 3], [-1], default=nps.asarray(u))


def test_strides_of_contiguous_arrays_for_as_strided():
    g = np.arange(12.0).reshape(3, 4)
    p, pn = nps.pad(nps.asarray(g), 1), np.pad(g, 1)
    assert p.strides == pn.strides
    s0, s1 = p.strides
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the fallback's GatherWarning)
        w = nps.lib.stride_tricks.as_strided(p, shape=(3, 4, 3, 3), strides=(s0, s1, s0, s1))
    exp = np.lib.stride_tricks.as_strided(pn, shape=(3, 4, 3, 3), strides=(s0, s1, s0, s1))
    np.testing.assert_array_equal(_value(w), exp)
    with pytest.raises(AttributeError, match="C-contiguous"):
        nps.asarray(g).T.strides  # noqa: B018


def test_integers_from_arrays_index_as_numpys_integers():
    """``for i in np.arange(n): A[i][i] = 1`` and ``best = S[np.argmin(f)]``: NumPy indexes
    with its integer scalars as with ints (views), not as 0-d arrays (copies)."""
    for lib in (np, nps):
        a = lib.zeros((3, 3))
        for i in lib.arange(3):
            a[i][i] = 1
        edges = lib.asarray(np.array([[0, 1], [2, 0]]))
        b = lib.zeros((3, 3))
        for u, v in edges:
            b[u][v] = 1
        s = lib.asarray(np.arange(6.0).reshape(3, 2))
        f = lib.asarray(np.array([3.0, 1.0, 2.0]))
        best = s[lib.argmin(f)]
        w = s[lib.argmax(f)]
        s[:] = 0
        w[:] = -1
        col = s[:, lib.argmin(f)]
        col[2] = 5
        results = [_value(r) for r in (a, b, best, s)]
        if lib is np:
            expected = results
        else:
            for got, exp in zip(results, expected):
                np.testing.assert_array_equal(got, exp)
