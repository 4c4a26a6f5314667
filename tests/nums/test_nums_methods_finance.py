"""Lines of numerical-methods and finance programs (grids and steps from ``linspace``,
business-day calendars, casts of text columns) where nums once differed from NumPy, in both
layouts: arrays split into many blocks, and small arrays held in the driver."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nums.numpy as nps


@pytest.fixture(autouse=True)
def _both_layouts(layout):
    return layout


def _value(x):
    return x.get() if hasattr(x, "get") and not isinstance(x, np.ndarray) else x


def _same(got, exp):
    """Same type, dtype and bits (NaNs and signed zeros included)."""
    got = _value(got)
    assert type(got) is type(exp)
    if isinstance(exp, np.ndarray | np.generic):
        assert got.dtype == exp.dtype
        assert np.asarray(got).tobytes() == np.asarray(exp).tobytes()
    else:
        assert got == exp or (got != got and exp != exp)


LINSPACE = [
    # NumPy's integer endpoints subtract in floating point (bin edges of int16 or uint8 data)
    lambda m: m.linspace(np.int16(-30000), np.int16(30000), 5),
    lambda m: m.linspace(np.uint8(250), np.uint8(5), 4),
    lambda m: m.logspace(np.int8(-100), np.int8(100), 3),
    lambda m: m.linspace(np.int64(-2**62), np.int64(2**62), 5),
    lambda m: m.geomspace(np.int16(1), np.int16(30000), 4),
    # float32 and float16 endpoints compute in their precision; Python numbers are weak
    lambda m: m.linspace(np.float32(-1.0), np.float32(-2.5), 10, dtype=int),
    lambda m: m.linspace(np.float32(0.1), np.float32(10.0), 7, dtype=float),
    lambda m: m.linspace(np.float32(0.1), 10.0, 333),
    lambda m: m.linspace(0.1, np.float16(10.0), 7),
    lambda m: m.logspace(np.float32(0), np.float32(2), 5),
    lambda m: m.linspace(-5, 2**53, 5, endpoint=False, dtype=int),
    lambda m: m.linspace(np.bool_(False), np.bool_(True), 3),
    lambda m: m.linspace(0, 1e-320, 5),
    lambda m: m.linspace(2, 3 + 1j, 4),
    lambda m: m.linspace(0, 10, 1000, endpoint=False),
]


@pytest.mark.parametrize("fn", LINSPACE)
def test_linspace_computes_as_numpy(fn):
    _same(fn(nps), fn(np))


@pytest.mark.parametrize("args", [(1, 0, 5), (0, 0, 5), (0, 1e300, 3), (0, 1, 1), (0, 1, 0),
                                  (np.uint8(250), np.uint8(5), 4)])
def test_linspace_step_is_numpys_scalar(args):
    """The step is NumPy's scalar (``h ** 0.5`` of a negative step is nan with a warning,
    ``1 / h`` of a zero step inf), or its nan for fewer than two points."""
    _, got = nps.linspace(*args, retstep=True)
    _, exp = np.linspace(*args, retstep=True)
    _same(got, exp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(_value(got ** 0.5), exp ** 0.5)


def test_linspace_step_of_a_float32_grid_is_float64():
    _, h = nps.linspace(0, 1, 5, dtype=np.float32, retstep=True)
    assert (nps.ones(3, np.float32) * h).dtype == np.float64  # h is float64, as NumPy's


def test_linspace_of_complex_points_as_integers_raises_at_the_call():
    with pytest.raises(TypeError):
        np.linspace(1 + 1j, 2, 50, dtype=np.int16)
    with pytest.raises(TypeError):
        nps.linspace(1 + 1j, 2, 50, dtype=np.int16)


def test_business_days_of_a_calendar():
    cal = np.busdaycalendar(holidays=["2024-12-25"], weekmask="1111110")
    d = np.arange("2024-12-01", "2024-12-31", dtype="M8[D]")
    nd = nps.asarray(d)
    assert int(_value(nps.busday_count("2024-12-01", "2024-12-31", busdaycal=cal))) == \
        np.busday_count("2024-12-01", "2024-12-31", busdaycal=cal)
    np.testing.assert_array_equal(_value(nps.is_busday(nd, busdaycal=cal)),
                                  np.is_busday(d, busdaycal=cal))
    np.testing.assert_array_equal(
        _value(nps.busday_offset(nd, 1, roll="forward", busdaycal=cal)),
        np.busday_offset(d, 1, roll="forward", busdaycal=cal))
    with pytest.raises(ValueError, match="Cannot supply both"):
        nps.busday_offset(nd, 1, roll="forward", weekmask="1111100", busdaycal=cal)
    with pytest.raises(ValueError, match="Cannot supply both"):
        nps.is_busday(nd, holidays=["2024-12-24"], busdaycal=cal)


@pytest.mark.parametrize("name", ["percentile", "quantile", "nanpercentile", "nanquantile"])
def test_removed_interpolation_keyword_is_numpys_error(name):
    q = 50 if "percentile" in name else 0.5
    try:
        exp = getattr(np, name)(np.arange(10.0), q, interpolation="lower")
    except TypeError as e:
        with pytest.raises(TypeError, match="interpolation"):
            getattr(nps, name)(nps.arange(10.0), q, interpolation="lower")
        assert "unexpected keyword argument 'interpolation'" in str(e)
    else:  # (a NumPy that still takes it)
        assert float(_value(getattr(nps, name)(nps.arange(10.0), q,
                                               interpolation="lower"))) == exp


@pytest.mark.parametrize("text,dtype", [(["1.5", "n/a", "3"], float),
                                        (["2024-01-01", "bad"], "M8[D]"),
                                        (["1", "x"], int)])
def test_casts_of_bad_text_raise_at_the_call(text, dtype):
    """A ``try`` around the cast catches NumPy's ValueError (not a later read)."""
    x = nps.asarray(np.array(text * 20))
    with pytest.raises(ValueError):
        x.astype(dtype)
    np.testing.assert_array_equal(_value(nps.asarray(np.array(["1.5", "2"] * 20)).astype(float)),
                                  np.array([1.5, 2.0] * 20))


def test_business_day_errors_raise_at_the_call():
    sat = nps.asarray(np.array(["2024-06-01"] * 40, dtype="M8[D]"))
    with pytest.raises(ValueError, match="Non-business day"):
        nps.busday_offset(sat, 1)
    nat = nps.asarray(np.array(["NaT"] * 40, dtype="M8[D]"))
    with pytest.raises(ValueError, match="NaT"):
        nps.busday_count(sat, nat)


MUTATORS = {
    "putmask scalar": lambda m, a: m.putmask(a, a > 10, 0.5),
    "putmask list": lambda m, a: m.putmask(a, a % 3 == 0, [1, 2, 3, 4, 5]),
    "putmask reversed self": lambda m, a: m.putmask(a, a > 5, a[::-1]),
    "putmask bad size": lambda m, a: m.putmask(a, [True, False], 1),
    "putmask complex": lambda m, a: m.putmask(a, a > 5, 1j),
    "place": lambda m, a: m.place(a, a > 7, [9, 8]),
    "place empty": lambda m, a: m.place(a, a > 7, []),
    "place a sum": lambda m, a: m.place(a, a > 7, a.sum()),
    "put wrap": lambda m, a: m.put(a, [0, 5, 30], [7, 8], mode="wrap"),
    "put at argmax": lambda m, a: m.put(a, a.argmax(), -1),
    "fill_diagonal": lambda m, a: m.fill_diagonal(a, [1, 2], wrap=True),
    "put_along_axis": lambda m, a: m.put_along_axis(a, m.argsort(a, axis=1)[:, :2], -1.0,
                                                    axis=1),
    "copyto where": lambda m, a: m.copyto(a, a[::-1], where=a > 10),
    "copyto complex": lambda m, a: m.copyto(a, 1j),
    "copyto where broadcast": lambda m, a: m.copyto(a, [1, 2, 3, 4, 5, 6],
                                                    where=[True, False] * 3),
}


@pytest.mark.parametrize("name", list(MUTATORS))
def test_functions_that_write_into_an_argument(name):
    """NumPy's values, errors and warnings; a view of the array sees the write, a copy made
    before does not (small arrays are written by NumPy's own function, in place)."""
    def run(m):
        a = m.asarray(np.arange(24.0).reshape(4, 6))
        row, before = a[1], a.copy()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                MUTATORS[name](m, a)
                error = None
            except Exception as e:  # noqa: BLE001 - compared with NumPy's
                error = type(e)
        found = sorted({str(x.message) for x in w})
        return [np.asarray(_value(t)).tolist() for t in (a, row, before)], error, found

    got, exp = run(nps), run(np)
    assert got[0] == exp[0]
    assert got[1] is exp[1] or (exp[1] is not None and issubclass(got[1], exp[1]))
    assert got[2] == exp[2]


@pytest.mark.parametrize("stmt", [
    "math.trunc(m.mean(x))", "math.floor(m.mean(x))", "math.ceil(x.max() / 7)",
    "math.trunc(x.astype(m.float32)[3])", "math.floor(x.astype(m.float32)[3])",
    "(x.sum() / 3).as_integer_ratio()", "x.astype(int)[5].bit_count()", "math.trunc(x)",
    "math.floor(x)", "math.floor(m.array(2.5))", "x.as_integer_ratio()",
])
def test_math_of_results_as_of_numpys_scalars(stmt):
    import math

    def run(m):
        try:
            return repr(eval(stmt, {"m": m, "x": m.asarray(np.arange(20.0) * 1.5), "math": math}))
        except (TypeError, AttributeError) as e:
            return type(e).__name__, str(e)

    assert run(nps) == run(np)


def test_a_range_indexes_as_a_list():
    """``p[range(n), y]`` (one-hot encoding, cross-entropy) reads and writes as NumPy."""
    def run(m):
        a = m.asarray(np.arange(40.0))
        y = m.asarray(np.arange(40) % 3)
        one_hot = m.zeros((40, 3))
        one_hot[range(40), y] = 1
        m.add.at(a, range(3), 1)
        b = m.zeros((40, 3))
        b[range(40), y] += 2
        return [np.asarray(_value(t)).tolist() for t in
                (a[range(3)], one_hot, a, one_hot[:, range(2)], one_hot[range(3), range(3)], b)]

    assert run(nps) == run(np)
    with pytest.raises(IndexError, match="out of bounds"):
        nps.arange(10.0)[range(5, 12)]


def test_nan_to_num_with_arrays_of_fill_values():
    def run(m):
        x = m.full(40, np.nan)
        table = m.asarray(np.where(np.arange(40 * 64).reshape(40, 64) % 7 == 0, np.nan, 1.0))
        y = m.asarray(np.array([np.nan, np.inf, -np.inf, 1.0] * 10, np.float32))
        out = [m.nan_to_num(x, nan=m.arange(40.0)), m.nan_to_num(table, nan=np.arange(64.0)),
               m.nan_to_num(table, nan=list(range(64))),
               m.nan_to_num(y, nan=m.arange(40.0), posinf=m.arange(40) * 2, neginf=-5.5)]
        w = x.copy()
        assert m.nan_to_num(w, copy=False, nan=m.arange(40.0)) is w
        return [np.asarray(_value(t)).tolist() for t in (*out, w)]

    assert run(nps) == run(np)
    with pytest.raises(ValueError, match=r"from shape \(2,40\) into shape \(40,\)"):
        nps.nan_to_num(nps.full(40, np.nan), nan=np.ones((2, 40)))


def test_random_functions_take_integers_from_arrays():
    y = nps.arange(40) % 4
    k = y.max() + 1  # NumPy's integer, a 0-d result here
    rng = nps.random.default_rng(0)
    assert sorted(_value(rng.permutation(k)).tolist()) == [0, 1, 2, 3]
    assert rng.choice(k, 3).shape == (3,)
    assert rng.choice(nps.array(4), 2).shape == (2,)  # (a 0-d array of an int, as NumPy)
    assert isinstance(nps.random.default_rng(y.sum()), nps.random.Generator)
    assert nps.random.RandomState(k).permutation(k).shape == (4,)
    nps.random.seed(k)
    assert nps.random.choice(k, 2).shape == (2,)
    with pytest.raises(ValueError, match="Seed must be between"):
        nps.random.seed(nps.asarray(-1))


def test_fftfreq_of_a_float_is_numpys_error():
    with pytest.raises(ValueError, match="n should be an integer"):
        nps.fft.fftfreq(7.0)
    with pytest.raises(ValueError, match="n should be an integer"):
        nps.fft.rfftfreq(7.0)
    n = nps.arange(8).max() + 1
    np.testing.assert_array_equal(_value(nps.fft.fftfreq(n, 0.5)), np.fft.fftfreq(8, 0.5))


@pytest.mark.parametrize("stmt", [
    "m.r_[0:5, 7, 8]", "m.r_[0:1:5j, x]", "m.r_[x, 0.5, m.float32(1)]", "m.r_[x.sum(), 1]",
    "m.r_[xi, 2**40]", "m.r_[xi.astype(m.int8), 3]", "m.r_['0,2', x, x]", "m.r_['-1', x2, x2]",
    "m.c_[x, x]", "m.c_[x2, x2]", "m.c_[0:3, [1, 2, 3]]", "m.r_[0:10:0.5]", "m.r_[10:0:-3]",
    "m.mgrid[0:4, 0:3]", "m.mgrid[0:1:3j, 0:2:4j]", "m.mgrid[0:5]", "m.mgrid[0:1:0.25]",
    "m.ogrid[0:4, 0:3]", "m.ogrid[0:5]", "m.mgrid[0:4.5, 0:2]", "m.mgrid[3:0, 0:2]",
    "m.ogrid[0:1:3j, 2:4]", "m.mgrid[0:4, 1:3, 0:2]", "m.indices((3, 4))",
    "m.indices((3, 4), sparse=True)", "m.indices((2, 3), dtype=m.float32)", "m.indices((0, 3))",
    "m.meshgrid(x, xi)", "m.meshgrid(x, xi, indexing='ij', sparse=True)", "m.meshgrid(x.sum(), x2)",
])
def test_index_tricks_and_grids_as_numpy(stmt):
    """Small grids are NumPy's own, made here; their values, dtypes, shapes and types."""
    def run(m):
        env = {"m": m, "x": m.asarray(np.arange(5.0)), "xi": m.asarray(np.arange(4)),
               "x2": m.asarray(np.arange(6.0).reshape(2, 3))}
        try:
            r = eval(stmt, env)
        except ValueError as e:
            return str(e)
        parts = r if isinstance(r, tuple | list) else [r]
        kind = type(r).__name__ if isinstance(r, tuple | list) else ""
        return kind, [(np.asarray(_value(t)).dtype, np.asarray(_value(t)).tolist()) for t in parts]

    assert run(nps) == run(np)


def test_astype_to_another_byte_order():
    a = nps.arange(40, dtype=np.uint64)
    b = a.astype(">u4")
    assert b.dtype == np.dtype(">u4")
    assert _value(b).tobytes() == np.arange(40, dtype=">u4").tobytes()
    np.testing.assert_array_equal(_value(nps.frombuffer(b.tobytes(), nps.uint8)),
                                  np.frombuffer(np.arange(40, dtype=">u4").tobytes(), np.uint8))


@pytest.mark.parametrize("stmt", [
    "s[0] * m.uint32(1664525)", "s[0] * m.uint32(1664525) + m.uint32(1013904223)",
    "c[0] + m.uint8(100)", "i[0] * m.uint8(255)", "-i8[1]", "abs(i8[1])", "i8[0] + i8[0]",
    # a ufunc called on scalars never warns of integer overflow
    "m.add(i8[0], i8[0])", "m.negative(i8[1])", "m.absolute(i8[1])", "m.multiply(s[0], s[0])",
    "m.subtract(c[1], c[0])",
])
def test_overflow_warnings_of_scalars_as_numpy(stmt):
    def run(m):
        env = {"m": m, "s": m.asarray(np.array([4000000000, 3], np.uint32)),
               "c": m.asarray(np.array([200, 13], np.uint8)),
               "i": m.asarray(np.array([2**40, 3])),
               "i8": m.asarray(np.array([-100, -128], np.int8))}
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = np.asarray(_value(eval(stmt, env)))
        return r.dtype, r.tolist(), sorted({str(x.message) for x in w})

    got, exp = run(nps), run(np)
    assert got[:2] == exp[:2]
    if nps.asarray(np.arange(3.0))._local is not None:  # (elements of arrays in blocks
        assert got[2] == exp[2]  # compute as 0-d arrays: no scalar warnings, documented)


@pytest.mark.parametrize("args", [(np.int32(5),), (np.uint64(5),), (np.int8(1), np.int8(5)),
                                  (np.uint64(1), np.uint64(5)), (2**63 - 2, 2**63),
                                  (np.int64(3), np.uint64(6)), (np.float16(1), 5),
                                  (np.float32(1), np.float32(3), np.float32(0.5)),
                                  (True, 2), (1, 5, np.uint8(1))])
def test_arange_dtype_as_numpy(args):
    got, exp = _value(nps.arange(*args)), np.arange(*args)
    assert got.dtype == exp.dtype
    np.testing.assert_array_equal(got, exp)


@pytest.mark.parametrize("repeats", [np.array([1, 2, 0, 3], np.uint64), np.uint64(2), 2.5,
                                     np.float64(2), [1.5, 2, 0, 3], np.array([1.0, 2, 0, 3])])
def test_repeat_counts_as_numpy(repeats):
    given = nps.asarray(repeats) if isinstance(repeats, np.ndarray) else repeats
    try:
        exp = np.repeat(np.arange(4), repeats)
    except TypeError as e:
        with pytest.raises(TypeError, match="according to the rule 'safe'"):
            nps.repeat(nps.arange(4), given)
        assert "safe" in str(e)
    else:
        np.testing.assert_array_equal(_value(nps.repeat(nps.arange(4), given)), exp)


def test_out_keeps_what_numpy_wrote_before_an_errstate_error():
    def run(m):
        x = m.asarray(np.array([1.0, 2.0, 0.0, 4.0]))
        tail = x[1:]
        with m.errstate(divide="raise", invalid="raise"):
            with pytest.raises(FloatingPointError):
                m.divide(x, 0.0, out=x)
        y = m.asarray(np.array([1.0, 2.0, 0.0, 4.0]))
        with m.errstate(divide="raise"):
            with pytest.raises(FloatingPointError):
                m.log(y, out=y)
        return [np.asarray(_value(t)).tolist() for t in (x, tail, y)]

    if nps.asarray(np.arange(3.0))._local is not None:  # (arrays in blocks: documented)
        assert repr(run(nps)) == repr(run(np))


@pytest.mark.parametrize("stmt", [
    "m.apply_along_axis(m.diag, -1, b)", "m.apply_along_axis(lambda r: m.outer(r, r), 0, b)",
    "m.apply_along_axis(m.sum, 1, b)", "m.apply_along_axis(m.sort, 1, b[:, ::-1])",
    "m.apply_along_axis(m.median, 0, b)", "m.apply_along_axis(lambda r: r.max() - r.min(), 1, b)",
])
def test_apply_along_axis_as_numpy(stmt):
    """NumPy's own example (``np.diag`` per row: a 3-d result) and nums's functions on the
    lines."""
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # (no GatherWarning for a small array)
            r = eval(stmt, {"m": m, "b": m.asarray(np.arange(1, 10).reshape(3, 3))})
        return np.asarray(_value(r)).dtype, np.asarray(_value(r)).tolist()

    if nps.asarray(np.arange(3.0))._local is not None:
        assert run(nps) == run(np)
    else:  # (arrays in blocks: lines whose results have at most one axis)
        if "diag" in stmt or "outer" in stmt:
            with pytest.raises(NotImplementedError):
                run(nps)
        else:
            assert run(nps) == run(np)


def test_functions_of_small_numpy_arrays_give_new_arrays():
    a = np.arange(6.0)
    got = [nps.sum(a), nps.sort(a[::-1]), nps.squeeze(a.reshape(1, 6)), nps.asarray(a),
           nps.concatenate([a, nps.zeros(2)]), nps.argmax(a), nps.median(a)]
    exp = [np.asarray(_value(g)).copy() for g in got]
    a[:] = -1  # the caller's array changes: no result follows it
    for g, e in zip(got, exp):
        assert type(g) is nps.BlockArray
        np.testing.assert_array_equal(_value(g), e)


def test_shuffle_a_list():
    items = list(range(20))
    nps.random.default_rng(0).shuffle(items)
    assert sorted(items) == list(range(20)) and items != list(range(20))
    nps.random.shuffle(items)
    assert sorted(items) == list(range(20))
    with pytest.raises(TypeError):
        nps.random.shuffle(5)


def test_repr_of_0d_arrays_and_of_scalars():
    for expr in ["m.array(3.5)", "m.array(True)", "m.zeros(())", "m.arange(3).sum()",
                 "m.arange(3.0)[1]", "m.asarray(np.array(2))", "m.array(5).reshape(())"]:
        assert repr(eval(expr, {"m": nps, "np": np})) == repr(eval(expr, {"m": np, "np": np}))


def test_operators_leave_masked_operands_to_the_masked_array():
    m = np.ma.masked_invalid(np.array([[1.0, np.nan, 3.0], [4.0, 5.0, np.nan]]))
    w = nps.asarray(np.array([1.0, 2.0, 3.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the masked array gathers w)
        got, exp = w * m, np.array([1.0, 2.0, 3.0]) * m
    assert isinstance(got, np.ma.MaskedArray)
    assert got.tolist() == exp.tolist()
