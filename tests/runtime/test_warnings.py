"""Warnings raised inside tasks reach the caller: the same category and message, raised by
get (or wait), so that filters, -W error and pytest.warns see them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import runtime as rt


class AppWarning(UserWarning):
    """A warning class of the caller's own."""


@rt.remote
def warns(kind: str):
    if kind == "numpy":
        return np.sqrt(np.array([-1.0, 4.0]))
    if kind == "custom":
        warnings.warn("the custom one", AppWarning, stacklevel=1)
    if kind == "many":
        for i in range(50):
            warnings.warn(f"number {i}", UserWarning, stacklevel=1)
    if kind == "late":
        import time

        time.sleep(1.0)
        return np.sqrt(np.array([-1.0]))
    if kind == "then fails":
        warnings.warn("before the error", DeprecationWarning, stacklevel=1)
        raise ValueError("after the warning")
    return kind


def test_task_warnings_are_raised_by_get(one_node):
    with pytest.warns(RuntimeWarning, match="invalid value encountered in sqrt"):
        value = rt.get(warns.remote("numpy"))
    np.testing.assert_array_equal(value, [np.nan, 2.0])
    with pytest.warns(AppWarning, match="the custom one"):
        rt.get(warns.remote("custom"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a task that warns nothing: get warns nothing
        assert rt.get(warns.remote("quiet")) == "quiet"
    with pytest.raises(RuntimeWarning):  # -W error turns it into the caller's exception
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            rt.get(warns.remote("numpy"))


def test_warnings_are_capped_and_kept_with_errors(one_node):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rt.get(warns.remote("many"))
    assert 0 < len(caught) <= 20  # at most MAX_WARNINGS distinct ones per task
    with pytest.warns(DeprecationWarning, match="before the error"):
        with pytest.raises(ValueError, match="after the warning"):
            rt.get(warns.remote("then fails"))


def test_wait_raises_them_too(one_node):
    ref = warns.remote("custom")
    with pytest.warns(AppWarning):
        ready, _ = rt.wait([ref], num_returns=1, timeout=60)
    assert ready == [ref]


def test_warnings_name_the_callers_line(one_node):
    ref = warns.remote("custom")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = __import__("inspect").currentframe().f_lineno + 1
        rt.get(ref)
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)]
    ref = warns.remote("numpy")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = __import__("inspect").currentframe().f_lineno + 1
        rt.wait([ref], num_returns=1, timeout=60)
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)]


def test_tasks_submitted_before_one_read_raise_a_warning_once(one_node):
    # the blocks of one operation warn of the same thing; those that finish after the read
    # that warned (blocks it did not need) must not warn again at a later read
    early, late = warns.remote("numpy"), warns.remote("late")
    with pytest.warns(RuntimeWarning, match="invalid value"):
        rt.get(early)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(rt.get(late), [np.nan])
    with pytest.warns(RuntimeWarning, match="invalid value"):  # a task after the read: warns
        rt.get(warns.remote("numpy"))
