"""``arange`` of dates and durations (datetime64/timedelta64) against NumPy: dtypes and units,
values, lengths and errors; ``linspace`` with dates; arithmetic, comparisons and reductions
on the resulting arrays."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps

D, T = np.datetime64, np.timedelta64

ARANGE = [
    (("2026-01-01","2026-03-01"), {"dtype":"datetime64[D]"}),
    (("2026-01-01","2026-03-01"), {"dtype":"datetime64"}),
    (("2026-01-01","2026-01-02"), {"dtype":"datetime64[h]"}),
    (("2026-01-01","2026-03-01"), {}),
    ((D("2026-01-01"), D("2026-01-10")), {}),
    ((D("2026-01-01"), D("2026-01-10"), T(2,'D')), {}),
    ((D("2026-01-01"), D("2026-01-10"), 2), {}),
    ((D("2026-01-01"), D("2026-01-02T00"), T(6,'h')), {}),
    ((D("2026-01-01"), D("2026-01-02"), T(6,'h')), {}),
    ((D("2026-01-01"), D("2026-03-02"), T(1,'W')), {}),
    ((D("2026-01"), D("2026-06"), T(1,'M')), {}),
    ((D("2026-01-01"), D("2026-06-01"), T(1,'M')), {}),
    ((D("2026-01-01"), "2026-01-05"), {}),
    (("2026-01-01", D("2026-01-05")), {}),
    ((D("2026-01-01"),), {}),
    ((D("2026-01-01"), D("2026-01-02"), 3600), {"dtype":"M8[s]"}),
    ((D("2026-01-01"), D("2029-01-02")), {"dtype":"M8[Y]"}),
    ((T(0,'s'), T(10,'s'), 3), {}),
    ((T(5,'D'),), {}),
    ((T(0,'h'), T(2,'D'), T(90,'m')), {}),
    ((0, 10, 3), {"dtype":"m8[s]"}),
    ((10,), {"dtype":"m8[s]"}),
    ((0, 10), {"dtype":"M8[D]"}),
    ((0, 10), {"dtype":"M8"}),
    ((0, 10), {"dtype":"m8"}),
    ((D("2026-01-10"), D("2026-01-01"), -1), {}),
    ((D("2026-01-10"), D("2026-01-01"), 1), {}),
    ((D("2026-01-10"), D("2026-01-01"), 0), {}),
    ((D("NaT"), D("2026-01-01")), {}),
    ((D("2026-01-01"), D("2026-01-10"), 1.5), {}),
    ((D("2026-01-01"), D("2026-01-10"), T("NaT")), {}),
    ((D("2026-01-01"), D("2026-01-10")), {"dtype":"m8"}),
    ((T(1,'D'), T(3,'D')), {"dtype":"M8[D]"}),
    ((D("2026-01-01"), T(3,'D')), {}),
    ((T(3,'D'), D("2026-01-01")), {}),
    ((D("2026-01-01"), D("2026-01-03"), T(1,'h')), {"dtype":"M8[D]"}),
    ((T(1,'D'), 5), {}),
    ((1, T(5,'D')), {}),
    (("1", "5"), {"dtype":"m8[D]"}),
    ((D("2026-01-01"), D("2026-01-03"), "1"), {}),
    ((D("2026-01-01"), D("2026-01-03"), D("2026-01-01")), {}),
    ((np.array(D("2026-01-01")), np.array(D("2026-01-04"))), {}),
    ((D("2026"), D("2026-01-04")), {}),
    ((datetime.date(2026,1,1), datetime.date(2026,1,4)), {}),
    ((datetime.timedelta(0), datetime.timedelta(hours=3), datetime.timedelta(hours=1)), {}),
    ((D('2026-01-01'), D('2026-01-10'), T(1,'D')), {"dtype":"M8[2D]"}),
    ((D('2026-01-01'), D('2026-01-19'), T(2,'D')), {"dtype":"M8[2D]"}),
    ((D("2026-01-01"), D("2026-01-03T05")), {"dtype":"M8[D]"}),
    ((0, 3), {"dtype":"M8[D]"}),
    ((T(0,'D'), T(3,'D')), {"dtype":"m8[h]"}),
    (("2026-01-01", T(3,'D')), {"dtype":"M8"}),
    ((D('2026-01-01'), D('2026-01-04'), True), {}),
    ((D('2026-01-01'), D('2026-01-04'), np.int8(2)), {}),
    ((D('2026-01-01'), D('2026-01-04'), np.array(T(1,'D'))), {}),
    ((np.array([D('2026-01-01')]), D('2026-01-04')), {}),
    ((T(5,'D'), T(0,'D'), T(-2,'D')), {}),
    ((T(5,'D'), T(0,'D'), T(2,'D')), {}),
    ((D('2026-01-01T00:00:00'), D('2026-01-01T00:00:20'), T(3, 's')), {}),
    ((D('1969-12-25'), D('1970-01-03'), 4), {}),
    ((T(3,'D'), T(-20,'D'), -3), {}),
    ((D("2026-01-01"), D("2026-01-10")), {"dtype": float}),
    ((D("2026-01-01"), D("2026-01-10"), T(1, 'D')), {"dtype": "M8[M]"}),
    ((D("2026-01-01"), D("2026-03-10"), T(1, 'M')), {"dtype": "M8[D]"}),
    ((D("2026"), D("2026-03"), T(1, "D")), {}),
    ((D("2026"), D("2029"), T(1, "M")), {}),
    ((D("2026-01"), D("2026-03-01"), T(1, "M")), {}),
    ((T(1, "Y"), T(3, "Y"), T(6, "M")), {}),
    ((T(1, "Y"), T(3, "Y"), T(6, "D")), {}),
    ((D("2026-01-01T00:00:00.5"), D("2026-01-01T00:00:01.7"), T(300, "ms")), {}),
    ((D("2026-01-01"), D("2026-01-02"), T(2, "h")), {"dtype": "M8[3h]"}),
    ((D("2026-01-01"), D("2026-01-02"), T(3, "h")), {"dtype": "M8[3h]"}),
]


@pytest.mark.parametrize("args, kwargs", ARANGE)
def test_arange_of_dates_and_durations_is_numpys(args, kwargs):
    try:
        expected = np.arange(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - NumPy's error is the specification
        with pytest.raises(type(exc)) as got:
            nps.arange(*args, **kwargs)
        assert str(got.value) == str(exc)
        return
    got = nps.arange(*args, **kwargs, block_shape=(4,))
    assert isinstance(got, nps.BlockArray)
    assert_same(got, expected)
    np.testing.assert_array_equal(got.get().view(np.int64), expected.view(np.int64))


def test_arange_of_dates_with_default_blocks_and_a_long_range():
    expected = np.arange("2000-01-01", "2026-01-01", dtype="datetime64[h]")
    assert_same(nps.arange("2000-01-01", "2026-01-01", dtype="datetime64[h]"), expected)
    got = nps.arange(D("2026-01-01"), D("2026-12-31"), T(5, "D"), block_shape=(7,))
    assert_same(got, np.arange(D("2026-01-01"), D("2026-12-31"), T(5, "D")))


def test_arange_of_strings_without_a_date_dtype_raises_as_numpy():
    with pytest.raises(TypeError, match="StrDType"):
        np.arange("2026-01-01", "2026-03-01")
    with pytest.raises(TypeError, match="StrDType"):
        nps.arange("2026-01-01", "2026-03-01")


def test_arange_takes_0d_blockarrays_of_dates():
    start, stop = nps.array(D("2026-01-01")), nps.array(D("2026-01-09"))
    assert_same(nps.arange(start, stop, T(3, "D")),
                np.arange(D("2026-01-01"), D("2026-01-09"), T(3, "D")))


@pytest.mark.parametrize("args, kwargs", [
    ((D("2026-01-01"), D("2026-01-10"), 4), {}),
    ((T(0, "D"), T(10, "D"), 4), {}),
    ((D("2026-01-01"), D("2026-01-10"), 4), {"dtype": "M8[D]"}),
    ((T(0, "D"), T(10, "D"), 5), {"retstep": True}),
    ((0, 10, 4), {"dtype": "M8[D]"}),
    ((0, 10, 5), {"dtype": "m8[D]"}),
    ((-10, 0, 4), {"dtype": "m8[D]"}),
    ((0, 100, 7), {"dtype": "m8[h]", "endpoint": False}),
])
def test_linspace_with_dates_is_numpys(args, kwargs):
    try:
        expected = np.linspace(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(type(exc)):
            nps.linspace(*args, **kwargs)
        return
    assert_same(nps.linspace(*args, **kwargs, block_shape=(3,)), expected)


DAYS = np.arange("2026-01-01", "2026-03-01", dtype="datetime64[D]")
LATER = np.arange(D("2026-01-05"), D("2026-03-05"))


@pytest.mark.parametrize("body", [
    lambda xp, a, b: a + xp.timedelta64(1, "D"),
    lambda xp, a, b: a + xp.timedelta64(1, "h"),
    lambda xp, a, b: a - xp.timedelta64(3, "W"),
    lambda xp, a, b: b - a,
    lambda xp, a, b: a - xp.datetime64("2026-01-01"),
    lambda xp, a, b: (b - a) / xp.timedelta64(1, "h"),
    lambda xp, a, b: (b - a) // xp.timedelta64(5, "h"),
    lambda xp, a, b: (b - a) * 3,
    lambda xp, a, b: a < b,
    lambda xp, a, b: a == xp.datetime64("2026-01-10"),
    lambda xp, a, b: a >= xp.datetime64("2026-02-01T12"),
    lambda xp, a, b: xp.maximum(a, b[::-1]),
    lambda xp, a, b: a.max(),
    lambda xp, a, b: xp.min(b),
    lambda xp, a, b: xp.argmax(a),
    lambda xp, a, b: xp.diff(a),
    lambda xp, a, b: a.astype("M8[M]"),
    lambda xp, a, b: (b - a).sum(),
    lambda xp, a, b: (b - a[::-1]).mean(),
    lambda xp, a, b: (b - a[::-1]).mean(keepdims=True),
    lambda xp, a, b: a.mean(),  # NumPy raises: no mean of dates
    lambda xp, a, b: xp.sort(b[::-1]),
    lambda xp, a, b: xp.isnat(a),
    lambda xp, a, b: xp.where(a < b, a, b),
    lambda xp, a, b: xp.is_busday(a),
    lambda xp, a, b: a + b,  # NumPy raises: dates do not add
])
def test_arithmetic_on_date_arrays_is_numpys(body):
    check_against_numpy(body, DAYS, LATER, block_shape=(7,))


def test_date_ranges_made_by_nums_compute_like_numpys():
    d = nps.arange("2026-01-01", "2026-03-01", dtype="datetime64[D]", block_shape=(5,))
    e = np.arange("2026-01-01", "2026-03-01", dtype="datetime64[D]")
    assert_same(d + np.timedelta64(1, "D"), e + np.timedelta64(1, "D"))
    assert_same(d[1:] - d[:-1], e[1:] - e[:-1])
    assert_same(d > np.datetime64("2026-02-14"), e > np.datetime64("2026-02-14"))
    assert_same(nps.arange(datetime.date(2026, 1, 1), datetime.date(2026, 1, 4)),
                np.arange(datetime.date(2026, 1, 1), datetime.date(2026, 1, 4)))


def test_array_of_a_list_of_zero_d_dates():
    """``np.array([d.min(), d.max()])``: NumPy's discovery of dates does not read the 0-d
    elements' ``__array__`` (it raised 'Could not convert object to NumPy datetime')."""
    days = np.array(["2021-03-01", "2020-01-05", "2022-07-30"], dtype="datetime64[D]")
    for block_shape in (None, (2,)):
        d = nps.asarray(days, block_shape=block_shape)
        assert_same(nps.array([d.min(), d.max()]), np.array([days.min(), days.max()]))
        assert_same(nps.array([[d[0], days[1]], (d[2], d[0])]),
                    np.array([[days[0], days[1]], (days[2], days[0])]))
        assert_same(nps.array([d.max() - d.min(), np.timedelta64(3, "D")]),
                    np.array([days.max() - days.min(), np.timedelta64(3, "D")]))


DAYS = np.arange("2024-02-26", "2024-03-04", dtype="datetime64[D]")


@pytest.mark.parametrize("body", [
    lambda xp, d: d == datetime.date(2024, 2, 29),
    lambda xp, d: d != datetime.date(2024, 2, 29),
    lambda xp, d: d < datetime.date(2024, 2, 29),
    lambda xp, d: datetime.date(2024, 2, 29) <= d,
    lambda xp, d: (d - d[0]) == datetime.timedelta(days=2),
    lambda xp, d: d + datetime.timedelta(days=2),
    lambda xp, d: d - datetime.date(2024, 1, 1),
    lambda xp, d: d >= datetime.datetime(2024, 2, 28, 12),  # NumPy's TypeError at the call
    lambda xp, d: (d - d[0]) + datetime.timedelta(2),  # its UFuncTypeError
    lambda xp, d: xp.arange(5.0) + object(),
])
def test_python_dates_and_objects_are_operands_as_numpys(layout, body):
    """A ``datetime.date`` (any object NumPy's ndarray takes as an element) is an operand of
    the operators: ``dates == some_date`` was one ``False`` (Python's fallback), ``<`` a
    TypeError; an error of the object loop is raised at the call, as NumPy's."""
    check_against_numpy(body, DAYS)


@pytest.mark.parametrize("body", [
    lambda xp, d: xp.busday_count(xp.arange(5), xp.arange(5) + 10),
    lambda xp, d: xp.is_busday(np.array([True, False])),
    lambda xp, d: xp.busday_offset(xp.arange(3), 1, roll="forward"),
    lambda xp, d: xp.busday_count(d.astype("U10"), "2024-03-01"),
    lambda xp, d: xp.busday_count(d.astype("datetime64[s]"), "2024-03-01"),
    lambda xp, d: xp.busday_count(["2024-01-01"], d),
    lambda xp, d: xp.busday_count(d[0], d, out=xp.zeros(7, dtype=np.int8)),
    lambda xp, d: xp.busday_count(d[0], d, out=xp.zeros(7)),
    lambda xp, d: xp.is_busday(d, out=xp.zeros(7, dtype=np.int8)),
    lambda xp, d: xp.busday_offset(d[:3], 1.5, roll="forward"),
    lambda xp, d: xp.busday_offset(d[:3], -1.5, roll="forward"),
    lambda xp, d: xp.busday_offset(d[:3], xp.asarray([1.5, 1, 2]), roll="forward"),
    lambda xp, d: xp.histogram(d.astype("datetime64[s]"), bins=d[::3].astype("datetime64[s]")),
    lambda xp, d: xp.histogram(d - d[0], bins=(d - d[0])[::2]),
    lambda xp, d: d.astype("U5"),  # NumPy's RuntimeError at the call
    lambda xp, d: xp.datetime_as_string(d[2]),
    lambda xp, d: xp.datetime_as_string(d.max(), unit="s"),
])
def test_business_days_histograms_and_texts_of_dates_as_numpy(layout, body):
    """Arrays that are not days are NumPy's TypeError in the business-day functions (nums
    read integers as days since 1970), an ``out`` they cannot be cast to safely too; a
    histogram of dates with edges in blocks; a too short text of a date raises at the call;
    the text of one date is as long as NumPy's."""
    check_against_numpy(body, DAYS)
