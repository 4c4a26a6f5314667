"""Creation and conversion edge cases against NumPy 2.4, in both layouts: ``in``, Python
number conversions of arrays, ``full``'s unsafe casts, one-point ``linspace``, endless or
too large ``arange``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps


def test_in_is_any_equal(layout):
    for a, v in ((np.array([[1, 2], [3, 4]]), 3), (np.array(3), 3), (np.arange(40.0), 7.5),
                 (np.arange(40), 39), (np.array([[np.nan]]), np.nan)):
        assert (v in nps.asarray(a)) == (v in a)


def test_python_numbers_of_arrays(layout):
    for conv in (float, int, complex):
        with pytest.raises(TypeError):
            conv(np.array([[5.0]]))
        with pytest.raises(TypeError, match="0-dimensional"):
            conv(nps.asarray(np.array([[5.0]])))
        assert conv(nps.asarray(np.array([1.0, 2.5])).sum()) == conv(3.5)
    assert bool(nps.asarray(np.array([[1]]))) is True
    assert round(nps.asarray(np.array([1.5, 2.0])).sum()) == 4  # a 0-d result: NumPy's scalar
    with pytest.raises(TypeError):
        round(nps.asarray(np.array([2.5])))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
def test_full_casts_its_value_unsafely(layout):
    for shape, value, dtype in ((3, np.inf, "i4"), (3, np.nan, "i8"), (3, 1 + 2j, "f4"),
                                (3, -1.5, "u1"), (7, "abc", "U2"), (4, 300.7, "u1")):
        assert_same(nps.full(shape, value, dtype=dtype), np.full(shape, value, dtype=dtype))
    assert_same(nps.full_like(nps.zeros(3, "u8"), 1e300), np.full_like(np.zeros(3, "u8"), 1e300))
    with pytest.raises(OverflowError):
        np.full(3, 2**70, dtype=bool)
    with pytest.raises(OverflowError):
        nps.full(3, 2**70, dtype=bool)


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
@pytest.mark.parametrize("value,dtype", [
    ((1, 2.0, True), [("a", "i4"), ("b", "f8"), ("c", "?")]),
    (("a", 1, 2.0, True), [("s", "U2"), ("a", "i4"), ("b", "f8"), ("c", "?")]),
    ([300, 1, -1], np.uint8), ([1.7, -2.2, 3.9], int), (["ab", "cd", "ef"], "U1"),
    ([1 + 2j, 3, 4], float), ([1, 2], None),
])
def test_full_of_a_sequence_casts_it_as_numpys_copyto(layout, value, dtype):
    """A sequence fill value is an array of its own values, cast unsafely into ``dtype`` (a
    tuple into records is three values, not a record; 300 into uint8 wraps): nums converted
    it with ``dtype``, which gave one record, or an OverflowError."""
    check_against_numpy(lambda xp: xp.full(3, value, dtype=dtype))


def test_one_point_linspace_is_start_plus_zero_times_delta(layout):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for args in ((0, np.nan, 1), (0, np.inf, 1), (-np.inf, 3, 1), (1, 5, 1), (1, 5, 1, False)):
            assert_same(nps.linspace(*args), np.linspace(*args))


def test_arange_too_long_raises_numpys_value_error(layout):
    for args in ((0, np.inf), (0, np.nan), (0, 2**62)):
        with pytest.raises(ValueError):
            np.arange(*args)
        with pytest.raises(ValueError):
            nps.arange(*args)


def test_real_and_imag_setters_cast_unsafely(layout):
    """``x.real = v`` copies ``v`` in with NumPy's unsafe cast (its warnings), as NumPy's
    setter does, not with an assignment's checks (which raised for 1j, NaN and 300)."""
    for dtype, part, value in (("u1", "real", 1j), ("c16", "imag", 1j), ("u1", "real", np.nan),
                               ("u1", "real", 300), ("c16", "imag", 2.5),
                               ("f4", "real", np.array([1e300, 0, 0]))):
        want, got = np.zeros(3, dtype), nps.asarray(np.zeros(3, dtype))
        with warnings.catch_warnings(record=True) as w_np:
            warnings.simplefilter("always")
            setattr(want, part, value)
        with warnings.catch_warnings(record=True) as w_nums:
            warnings.simplefilter("always")
            setattr(got, part, value)
        assert_same(got, want)
        assert {type(w.message) for w in w_nums} == {type(w.message) for w in w_np}
    with pytest.raises(TypeError):
        nps.asarray(np.zeros(3)).imag = 1.0


@pytest.mark.parametrize("make", [
    lambda m: m.zeros((2, 2), dtype=("i4", (3,))),
    lambda m: m.ones(4, dtype=("f8", (2, 2))),
    lambda m: m.full(3, 7, dtype=("i2", (2,))),
    lambda m: m.full((3,), [1, 2], dtype=("i4", (2,))),
    lambda m: m.zeros_like(m.arange(3), dtype=("i4", (2,))),
    lambda m: m.empty(5, dtype=("f4", (2,))).shape,
    lambda m: m.arange(6).astype(("i4", (2,))),
    lambda m: m.arange(6.5, 0.5, -0.5).reshape(3, 4).astype(("i4", (2,))),
])
def test_subarray_dtypes_add_numpys_trailing_axes(layout, make):
    """A subarray dtype makes an array of its base dtype with its shape's axes at the end
    (the arrays in blocks had the shape asked for, and their dtype, then failed when read)."""
    assert_same(make(nps), make(np))


@pytest.mark.parametrize("args,kwargs", [((5,), {"dtype": object}), ((2**70, 2**70 + 20), {}),
                                         ((0, 100, 2**64), {}), ((0.5, 30), {"dtype": object}),
                                         ((1, 30, 3), {"dtype": object})])
def test_arange_of_python_objects(layout, args, kwargs):
    """An object arange (Python ints beyond int64 too) in blocks: NumPy's Python values
    (nums's blocks raised "assignment destination is read-only")."""
    check_against_numpy(lambda xp: xp.arange(*args, **kwargs))


def test_float16_arange_past_its_range_is_silent_inf(layout):
    """NumPy fills a float16 arange past 65504 with inf, silently; nums's blocks warned
    "overflow encountered in cast"."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_against_numpy(lambda xp: xp.arange(0, 1e5, 3e3, dtype=np.float16))
