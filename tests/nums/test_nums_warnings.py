"""NumPy's warnings from block tasks reach the user's process as NumPy raises them (same
category and message), on every backend (the embedded runtime and the Ray backend relay
what tasks raise)."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import nums.numpy as nps
from nums.numpy import _fallback

CASES = {
    "sqrt of a negative": lambda xp: xp.sqrt(xp.asarray([-1.0, 1.0])),
    "division by zero": lambda xp: xp.asarray([1.0, 0.0]) / xp.asarray([0.0, 0.0]),
    "float16 overflow": lambda xp: xp.asarray([60000.0], dtype=np.float16) * 2,
    "NaN to int": lambda xp: xp.asarray([np.nan, 1.0]).astype(np.int64),
    "log of zero": lambda xp: xp.log(xp.zeros(3)),
    "mean of nothing": lambda xp: xp.mean(xp.asarray([])),
    "mean of empty columns": lambda xp: xp.mean(xp.zeros((0, 3)), axis=0),
    "mean keepdims": lambda xp: xp.mean(xp.asarray([]), keepdims=True),
    "var of nothing": lambda xp: xp.var(xp.asarray([])),
    "var ddof=1 of one value": lambda xp: xp.var(xp.asarray([1.0]), ddof=1),
    "std of empty columns": lambda xp: xp.std(xp.zeros((0, 3)), axis=0),
    "nanmean of all-NaN": lambda xp: xp.nanmean(xp.asarray([np.nan, np.nan])),
    "nanmean of an all-NaN column": lambda xp: xp.nanmean(
        xp.asarray([[np.nan, 1.0], [np.nan, 2.0]]), axis=0),
    "nanvar ddof=1 of one value": lambda xp: xp.nanvar(xp.asarray([np.nan, 1.0]), ddof=1),
    "nanstd of an all-NaN column": lambda xp: xp.nanstd(
        xp.asarray([[np.nan, 1.0], [np.nan, 2.0]]), axis=0),
    "nanvar of integers": lambda xp: xp.nanvar(xp.asarray([1, 2, 3]), ddof=3),
    "mean where nothing": lambda xp: xp.mean(xp.asarray([1.0, 2.0]),
                                             where=xp.asarray([False, False])),
    "mean where, by column": lambda xp: xp.mean(
        xp.ones((2, 2)), axis=0, where=xp.asarray([[False, True], [False, True]])),
    "var where one value": lambda xp: xp.var(xp.asarray([1.0, 2.0]),
                                             where=xp.asarray([False, True]), ddof=1),
    "std where nothing": lambda xp: xp.std(xp.asarray([1.0, 2.0]),
                                           where=xp.asarray([False, False])),
    "nanmax of all-NaN": lambda xp: xp.nanmax(xp.asarray([np.nan, np.nan])),
    "nanmin of an all-NaN column": lambda xp: xp.nanmin(
        xp.asarray([[np.nan, 1.0], [np.nan, 2.0]]), axis=0),
}


def _warnings_of(body, xp):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = body(xp)
        if isinstance(value, nps.BlockArray):
            value.get()
    return sorted({(w.category, str(w.message)) for w in caught})


def test_no_warning_where_numpy_gives_none():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nps.mean(nps.asarray([1.0, 2.0])).get()
        nps.var(nps.arange(10.0), ddof=1).get()
        nps.std(nps.ones((4, 3)), axis=0).get()
        nps.nanmean(nps.asarray([np.nan, 1.0])).get()
        nps.nanmax(nps.asarray([np.nan, 1.0])).get()
        nps.max(nps.asarray([np.nan, 1.0])).get()
        nps.nanvar(nps.asarray([[np.nan, 1.0], [2.0, 3.0]]), axis=1).get()


@pytest.mark.parametrize("case", sorted(CASES))
def test_numpy_warnings_reach_the_caller(case, backend_name):
    expected = _warnings_of(CASES[case], np)
    assert expected  # numpy warns in every case
    assert _warnings_of(CASES[case], nps) == expected


# ufunc calls and operators: np.errstate / np.seterr in the caller apply to the tasks
ELEMENTWISE = ["sqrt of a negative", "division by zero", "float16 overflow", "log of zero"]


@pytest.mark.parametrize("case", ELEMENTWISE)
def test_errstate_raise_raises_at_the_call(case):
    body = CASES[case]
    with np.errstate(all="raise"):
        with pytest.raises(FloatingPointError) as expected:
            body(np)
        with pytest.raises(FloatingPointError) as got:
            body(nps)  # at the call, not at a later get()
    assert str(expected.value) in str(got.value)


@pytest.mark.parametrize("case", ELEMENTWISE)
def test_errstate_ignore_holds_for_results_read_later(case):
    with np.errstate(all="ignore"):
        value = CASES[case](nps)
        expected = CASES[case](np)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(value.get(), expected)


def test_seterr_reaches_the_tasks_and_errstate_call_is_refused():
    old = np.seterr(divide="raise")
    try:
        with pytest.raises(FloatingPointError, match="divide by zero"):
            nps.asarray([1.0, 2.0]) / 0.0
    finally:
        np.seterr(**old)
    with pytest.warns(RuntimeWarning, match="divide by zero"):  # the default again
        np.testing.assert_array_equal((nps.asarray([1.0]) / 0.0).get(), [np.inf])
    with np.errstate(divide="call", call=lambda *a: None):
        with pytest.raises(NotImplementedError, match="'call'"):  # tasks cannot call back
            nps.array([1.0, 2.0], block_shape=(1,)) / 0.0
    calls = []
    with np.errstate(divide="call", call=lambda *a: calls.append(a)):
        nps.asarray([1.0]) / 0.0  # driver-resident: NumPy in the driver calls it, as NumPy
    assert calls == [("divide by zero", 1)]


def test_warnings_of_intermediate_tasks_reach_the_caller():
    """A warning raised by a task whose value only other tasks read still reaches get()."""
    x = nps.asarray([-1.0, 4.0, 9.0, 16.0], block_shape=(2,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        root = nps.sqrt(x)
        root.blocks  # noqa: B018  (its own tasks)
        total = nps.nansum(root).get()
    assert total == 9.0
    assert any("invalid value encountered in sqrt" in str(w.message) for w in caught)


# every warning nums raises, or raises again from a task, names the user's file and line
def _blamed(body) -> list[tuple[str, int]]:
    """``(filename, line)`` of each warning ``body(line)`` raises; ``line`` is the line of
    the caller's call into nums, which ``body`` stores in a list."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lines = []
        body(lines)
    return sorted({(w.filename, w.lineno) for w in caught}), lines


def _here() -> int:
    return inspect.currentframe().f_back.f_lineno


def _task_warning(lines):
    lines.append(_here() + 1)
    x = nps.asarray([1.0, 0.0] * 10) / 0.0  # driver-resident (one small block): warns here
    lines.append(_here() + 1)
    x.get()  # blocks (tiny in tests): the tasks' warning is relayed at the get


def _driver_warning(lines):
    lines.append(_here() + 1)
    nps.mean(nps.asarray([])).get()


def _fallback_warnings(lines):
    _fallback._warned.discard("numpy.reciprocal")  # GatherWarning once per function
    x = nps.asarray([1.0, 0.0])
    lines.append(_here() + 1)
    _fallback.numpy_fallback("reciprocal")(x)  # GatherWarning, then division by zero


def _through_numpy(lines):
    lines.append(_here() + 1)
    np.sqrt(nps.asarray([-1.0])).get()  # __array_ufunc__: numpy's frame is C


@pytest.mark.parametrize("body", [_task_warning, _driver_warning, _fallback_warnings,
                                  _through_numpy])
def test_warnings_name_the_users_line(body, backend_name):
    blamed, lines = _blamed(body)
    assert blamed
    assert {f for f, _ in blamed} == {__file__}
    assert {n for _, n in blamed} <= set(lines)


def test_convergence_warning_names_the_fit(backend_name):
    from nums.models import LogisticRegression
    from nums.models._solvers import ConvergenceWarning

    X = nps.asarray(np.random.default_rng(0).normal(size=(40, 3)))
    y = nps.asarray((np.arange(40) % 2).astype(float))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _here() + 1
        LogisticRegression(solver="lbfgs", max_iter=1).fit(X, y)
    blamed = {(w.filename, w.lineno) for w in caught if w.category is ConvergenceWarning}
    assert blamed == {(__file__, line)}


def test_pending_results_keep_the_errstate_of_their_call(layout):
    """A reduction or cast computed after its ``np.errstate`` block ended raises, warns or
    stays quiet as the block said (it followed the state at ``get()`` before)."""
    x = nps.asarray(np.array([np.inf, -np.inf] * 20))
    nan = nps.asarray(np.array([np.nan] * 40))
    for op in (lambda: nps.add.reduce(x), lambda: nps.sum(x), lambda: x.mean(),
               lambda: nan.astype("i8"), lambda: x - x):
        with pytest.raises(FloatingPointError):
            with np.errstate(all="raise"):
                r = op()
            r.get()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with np.errstate(all="ignore"):
                r = op()
            r.get()


def test_ufunc_at_and_where_warn_as_numpy(layout):
    a = nps.asarray(np.array([6, 1, -2]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (the casting probe's own 0 / 0 warned)
        nps.floor_divide.at(a, [0], nps.asarray(np.array([4])))
        nps.add(a, 1, where=a > 0, out=None)
    np.testing.assert_array_equal(a.get(), np.array([1, 1, -2]))
    with pytest.warns(UserWarning, match="'where' used without 'out'"):
        nps.add(a, 1, where=a > 0)
    with pytest.raises(ValueError, match="order must be one of"):
        nps.add(a, 1, order="Z")


@pytest.mark.parametrize("dtype", ["datetime64[D]", "timedelta64[s]", "float64"])
@pytest.mark.parametrize("fn", ["nanmin", "nanmax"])
def test_nan_extrema_of_all_nat_slices_warn(layout, fn, dtype):
    """NaT is the NaN of dates and times: an all-NaT slice warns as an all-NaN one does."""
    a = np.array([[1, 2, 3], [0, 0, 0]]).astype(dtype)
    a[1] = np.array("NaT" if dtype[0] in "dt" else np.nan).astype(dtype)
    for arr, axis in ((a, 1), (a[1:], None)):
        with pytest.warns(RuntimeWarning, match="All-NaN slice encountered"):
            expected = getattr(np, fn)(arr, axis=axis)
        with pytest.warns(RuntimeWarning, match="All-NaN slice encountered"):
            got = getattr(nps, fn)(nps.asarray(arr), axis=axis).get()  # (computed here)
        np.testing.assert_array_equal(np.asarray(got), expected)


@pytest.mark.parametrize("fn", ["sum", "var"])  # (mean divides before rounding: no overflow)
def test_float16_sums_overflow_as_the_error_state_says(layout, fn):
    """Halves are summed in float32 and rounded once, as NumPy does; their overflow is
    NumPy's "overflow encountered in reduce" under the error state in force."""
    a = np.full(400, 300, dtype=np.float16)
    x = nps.asarray(a)
    with np.errstate(over="raise"):
        with pytest.raises(FloatingPointError, match="overflow encountered in reduce"):
            getattr(np, fn)(a)
        with pytest.raises(FloatingPointError, match="overflow encountered in reduce"):
            getattr(nps, fn)(x).get()
    with np.errstate(over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        expected = getattr(np, fn)(a)
        np.testing.assert_array_equal(getattr(nps, fn)(x).get(), expected)
    with pytest.warns(RuntimeWarning, match="overflow encountered in reduce"):
        getattr(nps, fn)(x).get()


def test_a_result_keeps_the_error_state_it_was_made_under(layout):
    """``y = 1 / z`` made under NumPy's defaults, then summed under ``errstate(divide=
    "raise")``: NumPy warned at ``y`` and its sum is inf; nums's lazy ``y`` (whose
    expression a later consumer may evaluate) is computed under ``y``'s own state, not the
    consumer's: no FloatingPointError, and its warning is not lost under "ignore"."""
    z = np.tile([0.0, 1.0, 2.0], 100)
    x = nps.asarray(z)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = 1.0 / x
        with np.errstate(divide="raise"):
            assert float(y.sum()) == np.inf
    # (each kind once; the serial backend raises each task's as it runs)
    assert {str(w.message) for w in caught} == {"divide by zero encountered in divide"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = nps.log(x)
        with np.errstate(all="ignore"):
            assert float((y * 2).max()) == float(np.max(np.log(z) * 2))
    assert {str(w.message) for w in caught} == {"divide by zero encountered in log"}
    with np.errstate(divide="raise"):  # (and one made under "raise" raises)
        with pytest.raises(FloatingPointError):
            float((1.0 / x).sum())


@pytest.mark.parametrize("fn", [
    lambda xp, x: xp.sum(x * 1e8), lambda xp, x: xp.prod(x), lambda xp, x: xp.cumsum(x * 1e8),
    lambda xp, x: xp.multiply.accumulate(x), lambda xp, x: xp.multiply.reduceat(x, [0, 100]),
    lambda xp, x: xp.mean(x * 1e8), lambda xp, x: xp.multiply.reduce(x.reshape(30, 10), axis=0),
])
def test_reductions_raise_at_the_call_under_errstate_raise(layout, fn):
    """Under ``errstate(over="raise")`` NumPy's FloatingPointError comes from the call,
    inside the user's ``try``: not from a later use of a lazy result."""
    a = np.full(300, 1e300)
    x = nps.asarray(a)
    for xp, arr in ((np, a), (nps, x)):
        caught = False
        try:
            with np.errstate(over="raise"):
                fn(xp, arr)
        except FloatingPointError:
            caught = True
        assert caught, xp.__name__


def test_ufunc_at_raises_at_the_call_under_errstate_raise(layout):
    c = nps.asarray(np.ones(40))
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        nps.divide.at(c, np.arange(0, 40, 3), 0.0)


def test_a_warning_repeated_at_a_line_shows_once_as_numpys(layout):
    """Under Python's default filter a warning shows once per line, as NumPy's do in a loop
    (nums showed it once per block, 127 times for ``x / 0`` in 64-byte blocks, and again on
    each pass of a loop: every ``catch_warnings`` inside nums and NumPy made Python forget
    what it had shown)."""
    x = nps.linspace(-3, 3, 1001)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(3):
            (x / 0).get()
            float(x.sum())  # (reads of other results between the warnings)
    assert sorted(str(w.message) for w in caught) == [
        "divide by zero encountered in divide", "invalid value encountered in divide"]
    with warnings.catch_warnings(record=True) as caught:  # (new filters: shown again)
        warnings.simplefilter("default")
        (x / 0).get()
    assert len(caught) == 2


def test_the_blocks_of_one_operation_warn_once(backend_name):
    """Under an "always" filter each distinct warning of one operation shows once, not once
    per block (nums's serial backend raised each block's)."""
    x = nps.asarray(np.linspace(-3, 3, 1001), block_shape=(8,))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (x / 0).get()
    assert sorted(str(w.message) for w in caught) == [
        "divide by zero encountered in divide", "invalid value encountered in divide"]


def test_a_task_warns_of_what_it_met_before_its_error(layout):
    """NumPy warns of the errors its call met before the one it raises for (divide by zero,
    then the invalid value ``errstate(invalid='raise')`` makes an error); nums's serial
    backend and the Ray backend dropped the warnings of a task that raised."""
    a = nps.asarray(np.arange(-18, 19, dtype=np.int8))
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        with pytest.raises(FloatingPointError):
            with nps.errstate(invalid="raise"):
                float(((a * 1.0) // 0).sum())


def test_blocks_a_read_did_not_need_warn_with_it_not_at_a_later_read(layout):
    """``(x / 0)[:3].get()`` warns as NumPy's ``x / 0`` does; the division's other blocks,
    finished after that read, do not warn again at the next, unrelated read."""
    import time

    x = nps.arange(4000.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.testing.assert_array_equal((x / 0)[:3].get(), [np.nan, np.inf, np.inf])
    assert sorted(str(w.message) for w in caught) == [
        "divide by zero encountered in divide", "invalid value encountered in divide"]
    time.sleep(0.5)  # (the other blocks finish meanwhile, where they run in the background)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float((nps.arange(4000.0) + 1).sum()) == 4000 * 4001 / 2
