"""Edge cases of writes (``put``, ``putmask``, ``copyto``, assignment), selections (``take``,
``compress``, ``take_along_axis``), ``roll``, ``squeeze`` and ``ndarray.resize`` against
NumPy, with arrays split into blocks (``dist``: ``local_bytes=0``) and held in the driver
(``driver``)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps


def _same_outcome(fn, *arrays):
    """``fn(xp, *arrays)`` with numpy and with nums: the same result (values, shape, dtype)
    or the same exception class and message."""
    try:
        expected = fn(np, *[np.array(a) for a in arrays])
    except Exception as e:  # noqa: BLE001 (any NumPy error is the specification)
        with pytest.raises(type(e), match=re.escape(str(e))):
            fn(nps, *[nps.asarray(a) for a in arrays])
        return
    assert_same(fn(nps, *[nps.asarray(a) for a in arrays]), expected)


def test_put_on_a_zero_d_array_keeps_the_last_value(layout):
    for ind, v, mode in (([0, -1], [1, 2], "raise"), ([0, 3, 7], [1, 2, 3], "wrap"),
                         ([0, -1], 7, "raise"), ([0, -1], [1.7, 2.9], "clip")):
        a = np.array(5)
        x = nps.asarray(a)
        np.put(a, ind, v, mode=mode)
        nps.put(x, ind, v, mode=mode)
        assert_same(x, a)
    with pytest.raises(IndexError, match="index 1 is out of bounds for axis 0 with size 1"):
        nps.put(nps.asarray(np.array(5)), [0, 1], [1, 2])


def test_putmask_compares_sizes_not_shapes(layout):
    a = np.array(5.0)
    x = nps.asarray(a)
    np.putmask(a, np.array([True]), np.array([2.0]))
    nps.putmask(x, nps.asarray(np.array([True])), nps.asarray(np.array([2.0])))
    assert_same(x, a)
    a = np.zeros((3, 2))
    x = nps.asarray(a)
    mask = np.array([[1, 0, 1], [0, 1, 1]], bool)  # read flat, as NumPy reads it
    np.putmask(a, mask, np.arange(6.0).reshape(2, 3))
    nps.putmask(x, nps.asarray(mask), nps.asarray(np.arange(6.0).reshape(2, 3)))
    assert_same(x, a)
    a = np.zeros(3)
    x = nps.asarray(a)
    np.putmask(a, np.ones(3, bool), np.array([[4.0]]))  # one value of another shape
    nps.putmask(x, nps.asarray(np.ones(3, bool)), nps.asarray(np.array([[4.0]])))
    assert_same(x, a)
    with pytest.raises(ValueError, match="mask and data must be the same size"):
        nps.putmask(nps.zeros(3), nps.ones(4, dtype=bool), 1.0)


def test_copyto_casts_python_floats_and_complex_as_arrays(layout):
    a = np.zeros(3, int)
    x = nps.asarray(a)
    with pytest.warns(np.exceptions.ComplexWarning):
        np.copyto(a, 3.5 + 0j, casting="unsafe")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        nps.copyto(x, 3.5 + 0j, casting="unsafe")
    assert_same(x, a)
    assert w and all(issubclass(r.category, np.exceptions.ComplexWarning) for r in w)
    assert not any(r.filename.endswith("_inplace.py") for r in w)  # not the casting probe's
    a = np.zeros(3, int)
    x = nps.asarray(a)
    with pytest.warns(RuntimeWarning, match="invalid value encountered in cast"):
        nps.copyto(x, float("nan"), casting="unsafe")
    with pytest.warns(RuntimeWarning):
        np.copyto(a, float("nan"), casting="unsafe")
    assert_same(x, a)
    # Python integers keep NEP 50's range check; the default rule still refuses floats
    with pytest.raises(OverflowError, match="Python integer 300 out of bounds for uint8"):
        nps.copyto(nps.zeros(3, dtype=np.uint8), 300, casting="unsafe")
    with pytest.raises(TypeError, match="Cannot cast scalar from dtype"):
        nps.copyto(nps.zeros(3, dtype=int), 2.5)


def test_take_compress_take_along_axis_with_empty_results(layout):
    cases = [
        ((0, 0), [0, 5], 1), ((0, 3), [0, 5], 1), ((0, 3), 5, 1), ((2, 0), [0, 0], 1),
        ((0,), [0], None), ((0,), [], None), ((2, 3, 0), [5], 1), ((2, 0, 0), [5], 1),
        ((0, 0), [0], None),
    ]
    for shape, ind, axis in cases:
        _same_outcome(lambda xp, a, ind=ind, axis=axis: xp.take(a, ind, axis=axis), np.zeros(shape))
    _same_outcome(lambda xp, a: xp.take(a, [5], axis=1, mode="clip"), np.zeros((2, 0, 0)))
    for cond, shape, axis in (([1, 0, 1, 1], (0, 3), 1), ([0, 0, 0, 1], (0, 3), 1),
                              ([1, 0, 1, 1], (0, 3), 0), ([1, 0, 1, 1, 1], (2, 3), 1),
                              ([1, 0, 1, 1], (0, 3), None)):
        _same_outcome(lambda xp, a, c=cond, ax=axis: xp.compress(c, a, axis=ax),
                      np.zeros(shape))
    for shape, ind in (((0, 0), np.zeros((0, 2), int)), ((0, 3), np.full((0, 2), 7)),
                       ((0, 3), np.full((1, 2), 7)), ((2, 0), np.zeros((2, 2), int)),
                       ((2, 0), np.zeros((2, 0), int))):
        _same_outcome(lambda xp, a, i: xp.take_along_axis(a, i, axis=1), np.zeros(shape), ind)


def test_roll_truncates_float_shifts(layout):
    for shift, axis, shape in ((1.5, None, (40,)), (-1.5, None, (40,)), ((1.5,), 0, (40,)),
                               ((1.5, 2.7), (0, 1), (5, 8))):
        _same_outcome(lambda xp, a, s=shift, ax=axis: xp.roll(a, s, ax),
                      np.arange(40.0).reshape(shape))


def test_squeeze_of_a_zero_d_array_takes_an_int_axis_only(layout):
    for axis in ((0,), (-1,), (0, 0), 1):
        _same_outcome(lambda xp, a, axis=axis: xp.squeeze(a, axis=axis), np.array(1.0))
        _same_outcome(lambda xp, a, axis=axis: a.squeeze(axis), np.array(1.0))
    for axis in (0, -1, ()):
        _same_outcome(lambda xp, a, axis=axis: xp.squeeze(a, axis=axis), np.array(1.0))


def test_assignment_checks_the_index_before_casting_the_value(layout):
    def write(key, value, dtype=int):
        def fn(xp, a):
            a[key] = value
            return a
        _same_outcome(fn, np.zeros(3, dtype))

    write(5, 1 + 1j)  # IndexError, as NumPy: the bounds first
    write((0, 5), 1 + 1j)
    write(slice(0, 0), 1 + 1j)  # TypeError even if nothing is selected
    write([5], 1 + 1j)  # NumPy casts before checking a fancy index
    write(np.array([True, False, True]), 1 + 1j)
    write(np.array([True, False, True]), 300, np.uint8)
    write(1, float("nan"))


def test_resize_method(layout):
    for new_shape, args in (((2, 3), ((2, 3),)), ((2, 3), (2, 3)), ((7, 9), ([7, 9],)),
                            ((3,), (3,)), ((0,), (0,))):
        a = np.arange(40.0)
        x = nps.asarray(a)
        result = x.resize(*args)  # (not in an assert: its bound method is a reference)
        assert result is None
        a.resize(new_shape)
        assert_same(x, a)  # in place: kept, cut or followed by zeros (not repeated)
    x = nps.asarray(np.array(5.0))
    x.resize((2, 2))
    assert_same(x, np.array([[5.0, 0.0], [0.0, 0.0]]))
    x.resize(())
    assert_same(x, np.array(5.0))
    x = nps.arange(12.0)
    with pytest.raises(ValueError, match="negative dimensions not allowed"):
        x.resize(-1)
    with pytest.raises(ValueError, match="it does not own its data"):
        x[2:].resize(20)
    with pytest.raises(ValueError, match="single-segment"):
        x[::2].resize(6)
    y = x  # another reference: NumPy's refcheck
    with pytest.raises(ValueError, match="cannot resize an array that references"):
        x.resize(20)
    x.resize(20, refcheck=False)
    assert_same(y, np.concatenate([np.arange(12.0), np.zeros(8)]))
    del y
    v = x[1:3]  # a view: defined on x's shape, so nums refuses where NumPy goes ahead
    with pytest.raises(NotImplementedError, match="np.resize"):
        x.resize(30, refcheck=False)
    with pytest.raises(NotImplementedError, match="np.resize"):
        v.resize((1, 2))
    assert_same(v, np.array([1.0, 2.0]))
    assert x.shape == (20,)


def test_flat_item_takes_one_scalar(layout):
    """``x.flat[i] = v`` sets one item: any sequence or array with dimensions (even of one
    element) is NumPy's ValueError (nums wrote its first element)."""
    for v in ([1, 2], np.array([[9]]), np.arange(3), np.array([5]), [7]):
        x = nps.asarray(np.zeros(3))
        with pytest.raises(ValueError, match="single item"):
            x.flat[-1] = v
        assert_same(x, np.zeros(3))
    x = nps.asarray(np.zeros(3))
    x.flat[-1] = np.array(3.5)
    x.flat[0] = 2.5
    x.flat[[1]] = [7]
    assert_same(x, np.array([2.5, 7.0, 3.5]))


@pytest.mark.parametrize("fn", [
    lambda xp, a: xp.stack(x for x in [a, a]),
    lambda xp, a: xp.hstack(x for x in [a, a]),
    lambda xp, a: xp.vstack(x for x in [a, a]),
    lambda xp, a: xp.dstack(x for x in [a, a]),
    lambda xp, a: xp.column_stack(x for x in [a, a]),
    lambda xp, a: xp.concatenate(x for x in [a, a]),
    lambda xp, a: xp.concatenate({0: a}),
    lambda xp, a: xp.concatenate(a.reshape(2, 3)),
    lambda xp, a: xp.reshape(a, (2, 3), foo=1),
    lambda xp, a: xp.reshape(a),
    lambda xp, a: xp.reshape(a, shape=(3, 2)),
    lambda xp, a: xp.delete(a, np.array([], dtype=float)),
    lambda xp, a: xp.delete(a, []),
    lambda xp, a: xp.fft.fftshift(a[0]),
    lambda xp, a: xp.fft.ifftshift(a[0], axes=0),
])
def test_arguments_numpy_refuses_are_refused_as_numpy_does(layout, fn):
    """Generators where NumPy wants sequences, keywords it does not take (``newshape`` in
    NumPy 2.4), an empty float array as indices, a 0-d array to shift: NumPy's exception
    types and messages, not a result."""
    _same_outcome(fn, np.arange(6.0))


@pytest.mark.skipif("newshape" in __import__("inspect").signature(np.reshape).parameters,
                    reason="this NumPy still takes newshape= (with a DeprecationWarning)")
def test_reshape_refuses_newshape_as_this_numpy_does(layout):
    _same_outcome(lambda xp, a: xp.reshape(a, newshape=(2, 3)), np.arange(6.0))


@pytest.mark.parametrize("fn", [
    lambda xp, a: xp.pad(a, 1, constant_values=np.nan),
    lambda xp, a: xp.pad(a, 1, constant_values=1e20),
    lambda xp, a: xp.pad(a, 1, constant_values=2**63),
    lambda xp, a: xp.pad(a, 1, constant_values=(1, 2.7)),
    lambda xp, a: xp.pad(a * 1.0, 1, constant_values=np.nan),
    lambda xp, a: xp.pad(a, 1.5),
    lambda xp, a: xp.pad(a, [1, 2.5]),
    lambda xp, a: xp.pad(a, np.int8(1)),
    lambda xp, a: xp.where(a > 1, None, None),
    lambda xp, a: xp.where(a > 1, a, None),
    lambda xp, a: xp.where(a > 1, "x", None),
    lambda xp, a: int(xp.trace(a.astype(object))),  # (a Python int in NumPy)
    lambda xp, a: xp.trace(a.astype(np.float16) * 100.3),
    lambda xp, a: xp.trace(a, dtype=np.float32),
    lambda xp, a: xp.diag(a.ravel()[:3], xp.asarray(np.array([0, 1]))[1]),
])
def test_values_and_arguments_as_numpy_takes_them(layout, fn):
    """pad's constant a dtype cannot hold is NumPy's error (not a wrapped border); None is
    a value to ``where``; trace of objects and of halves (summed in float32) as NumPy's;
    ``diag``'s ``k`` a 0-d integer array."""
    _same_outcome(fn, np.arange(16).reshape(4, 4))


def test_where_takes_its_arrays_by_position_only(layout):
    with pytest.raises(TypeError):
        np.where(np.arange(3) > 1, x=1, y=0)
    with pytest.raises(TypeError):
        nps.where(nps.arange(3) > 1, x=1, y=0)


@pytest.mark.parametrize("fn", [
    lambda xp, a: xp.array_equal(_records(xp), _records(xp)),
    lambda xp, a: xp.array_equiv(_records(xp), _records(xp)[:1]),
    lambda xp, a: xp.searchsorted(xp.asarray(np.array(["apple", "banana", "cherry"],
                                                     dtype=object)), "b"),
    lambda xp, a: xp.char.center(xp.asarray(np.array(["a", "bb", "ccc"])), 7,
                                 xp.asarray(np.array(["*", "-", "+"]))),
    lambda xp, a: xp.gradient(a * a, axis=xp.argmax(xp.asarray(np.array([0, 1])))),
    lambda xp, a: xp.unravel_index(5, xp.asarray(np.array(7))),
    lambda xp, a: xp.gradient((a * a)[0], edge_order=0),
    lambda xp, a: xp.ravel_multi_index((), ()),
    lambda xp, a: xp.ravel_multi_index(([1], [2]), (2**40, 2**30)),
    lambda xp, a: xp.ravel_multi_index((xp.asarray([True]), xp.asarray([False])), (2, 2)),
    lambda xp, a: xp.ravel_multi_index(([0], [0]), (0, 2), mode="wrap"),
    lambda xp, a: xp.interp(xp.asarray(np.array([1j, 2.0])), [0, 1, 2], [0, 1, 2]),
    lambda xp, a: xp.interp(xp.asarray(np.array([1, 2], dtype="m8[s]")), [0, 1, 2], [0, 1, 2]),
])
def test_data_dependent_arguments_as_numpy_takes_them(layout, fn):
    """Records compared by array_equal (NumPy's ``==``), strings searched in an object
    array, an array of fill characters, 0-d integer arrays as an axis or a length, an edge
    order of 0: NumPy's results (checks on stand-ins whose data would not be the user's)."""
    _same_outcome(fn, np.arange(24.0).reshape(4, 6))


def _records(xp):
    return xp.asarray(np.array([("bob", 3), ("al", 5)], [("name", "U5"), ("age", "i4")]))
