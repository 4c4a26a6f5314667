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
