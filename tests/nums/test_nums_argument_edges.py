"""Edge cases of the triangle functions (``tri``, ``tril``, ``triu``, their index arrays)
with float arguments, of ``pad``'s fill values and statistics, of ``rot90``'s and ``tile``'s
argument errors, and of ``argpartition`` of a 0-d array, against NumPy in both layouts
(``dist``: split into blocks; ``driver``: held in the driver)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy, to_numpy

import nums.numpy as nps


def _same_outcome(fn, *arrays):
    """``fn(xp, *arrays)`` with numpy and with nums: the same result (values, shape, dtype;
    tuples element by element) or an exception of exactly NumPy's class."""
    try:
        expected = fn(np, *[np.array(a) for a in arrays])
    except Exception as e:  # noqa: BLE001 (any NumPy error is the specification)
        with pytest.raises(Exception) as info:  # noqa: PT011 (the class is checked below)
            fn(nps, *[nps.asarray(a) for a in arrays])
        assert type(info.value) is type(e), f"{type(info.value)!r} != {type(e)!r}: {e}"
        return
    got = fn(nps, *[nps.asarray(a) for a in arrays])
    assert_same(to_numpy(got), expected)


X = np.arange(20.0).reshape(4, 5)


def test_triangles_with_a_float_k(layout):
    """nums compared ``column - row`` with the float ``k`` itself; NumPy's mask comes from an
    integer ``arange(-k, M - k)``: ``k=-0.5`` keeps the diagonal, ``0 < k < 1`` keeps
    everything, and a rounding ``k`` (``-31.95``) adds a column (``tril``: a broadcast
    error, or a broadcast of one column)."""
    for k in (-0.5, 1.5, 0.5, 0.3, -2.7, 2.2, -1e-17, -31.95, 1e30):
        _check_triangles(k)


def _check_triangles(k: float) -> None:
    for fn in ("tril", "triu"):
        for x in (X, X[:, :1], X[0], X.reshape(2, 2, 5)):
            _same_outcome(lambda xp, a, f=fn: getattr(xp, f)(a, k=k), x)
    _same_outcome(lambda xp: xp.tri(3, 3, k=k))
    _same_outcome(lambda xp: xp.tri(3, 1, k=k))
    _same_outcome(lambda xp: xp.triu_indices(4, k=k))
    _same_outcome(lambda xp: xp.tril_indices(4, k=k, m=5))
    _same_outcome(lambda xp: xp.triu_indices_from(xp.zeros((3, 3)), k=k))
    _same_outcome(lambda xp: xp.tril_indices_from(xp.zeros((3, 4)), k=k))
    _same_outcome(lambda xp: xp.mask_indices(3, xp.triu, k))
    _same_outcome(lambda xp: xp.mask_indices(3, xp.tril, k))


@pytest.mark.parametrize("args", [(3.0,), (3.5,), (3, 3.5), (2.5, 3.2, 0.5), (-1.5, 2),
                                  (3, 4.0, -1)])
def test_float_sizes_of_tri(layout, args):
    """nums raised TypeError for a float ``N`` or ``M``; NumPy takes the lengths of
    ``arange(N)`` and ``arange(-k, M - k)`` (3.5: 4, a negative one: 0)."""
    _same_outcome(lambda xp: xp.tri(*args))
    _same_outcome(lambda xp: xp.tril_indices(*args[:2]))
    _same_outcome(lambda xp: xp.triu_indices(args[0], m=args[1] if len(args) > 1 else None))


def test_tri_with_a_non_finite_k_or_size(layout):
    """nums returned a mask for a NaN or infinite ``k`` and raised TypeError for such an
    ``N``; NumPy raises ValueError (its ``arange`` cannot count the values)."""
    for args, kw in (((3,), {"k": np.nan}), ((3,), {"k": np.inf}), ((np.nan,), {}),
                     ((np.inf,), {})):
        _same_outcome(lambda xp, a=args, k=kw: xp.tri(*a, **k))


U8 = np.arange(4, dtype=np.uint8).reshape(2, 2)


def test_pad_constant_values_are_assigned_as_numpy_assigns(layout):
    """nums raised OverflowError for ``constant_values=-1`` into uint8; NumPy assigns the
    values as they come from the pairs of ``np.array(values)``: numpy scalars (a single value
    or pair) cast, wrapping (255, 0, 44), Python numbers (a pair per axis) checked."""
    for value in (-1, 256, 300, -1.5, np.int64(-1), np.int64(300), (-1, 300),
                  ((-1, 2), (3, 300)), ((1, 2), (3, 4)), np.nan):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # (NaN into integers: NumPy's)
            _same_outcome(lambda xp, a, v=value: xp.pad(a, 1, constant_values=v), U8)
            _same_outcome(lambda xp, a, v=value: xp.pad(a, 0, constant_values=v), U8)


def test_pad_constant_values_into_signed_and_float_dtypes(layout):
    """nums raised TypeError for a complex value into float32 (NumPy: the real part, with a
    ComplexWarning); an integer out of int8's range is NumPy's OverflowError, kept."""
    f32 = U8.astype(np.float32)
    with pytest.warns(np.exceptions.ComplexWarning):
        expected = np.pad(f32, 1, constant_values=1 + 2j)
    with pytest.warns(np.exceptions.ComplexWarning):
        got = nps.pad(nps.asarray(f32), 1, constant_values=1 + 2j)
    assert_same(got, expected)
    for value in (200, np.int64(200), (0, -200)):
        _same_outcome(lambda xp, a, v=value: xp.pad(a.astype(np.int8), 1, constant_values=v),
                      U8)


@pytest.mark.filterwarnings("ignore::nums.numpy.GatherWarning")  # (median: NumPy's pad)
@pytest.mark.parametrize("mode", ["maximum", "minimum", "mean", "linear_ramp"])
def test_pad_statistics_of_timedeltas_raise(layout, mode):
    """nums padded timedeltas with their maximum, minimum, mean and ramp; NumPy raises
    (TypeError: it rounds them; DTypePromotionError: a ramp of floats), even unpadded, and
    ``median`` raises it at the call (it was a worker's TaskError on embedded)."""
    t = np.arange(3).astype("m8[s]")
    for m in (mode, "median"):
        for width in (1, 0):
            _same_outcome(lambda xp, a, w=width, m=m: xp.pad(a, w, mode=m), t)
        _same_outcome(lambda xp, a, m=m: xp.pad(a[:0], 0, mode=m), t)  # (nothing computed)


def test_pad_of_an_empty_array_reads_nothing(layout):
    """nums computed the statistic of an empty array (strings: an error); NumPy only checks
    that no empty axis is extended."""
    s = np.zeros((0, 2), "U3")
    for mode in ("maximum", "mean", "edge", "linear_ramp"):
        _same_outcome(lambda xp, a, m=mode: xp.pad(a, ((0, 0), (1, 2)), mode=m), s)
        _same_outcome(lambda xp, a, m=mode: xp.pad(a, ((1, 0), (1, 2)), mode=m), s)
    _same_outcome(lambda xp, a: xp.pad(a, ((0, 0), (1, 2)), mode="maximum",
                                       stat_length=-1), s)


def test_rot90_with_non_integer_axes(layout):
    """nums raised TypeError for ``axes=(0.0, 1.0)``; NumPy indexes the axis numbers with
    them (IndexError; ValueError for bools) when it swaps two axes (odd ``k``)."""
    for k in (0, 1, 2, 3):
        for axes in ((0.0, 1.0), (0.5, 1), (True, False), (1, 0), (-1, 0)):
            _same_outcome(lambda xp, a, k=k, ax=axes: xp.rot90(a, k, axes=ax), U8)


def test_tile_reps_as_numpy_takes_them(layout):
    """nums raised TypeError for ``reps="ab"`` (NumPy: ValueError from its ``repeat``) and
    for counts equal to 1 (``1.0``, ``(1, 1.0)``: NumPy's copy)."""
    for reps in ("ab", "a", "2", "", 1.0, (1, 1.0), [True], 2.0, (2.0,), None, (2, "a"),
                 ("1", 1), b"\x02\x01", (2, 1)):
        _same_outcome(lambda xp, a, r=reps: xp.tile(a, r), U8)
        _same_outcome(lambda xp, a, r=reps: xp.tile(a, r), U8[0])


def test_argpartition_of_a_0d_array(layout):
    """nums raised AxisError for ``argpartition(np.array(3), 0)`` (split blocks); NumPy takes
    the 0-d array as one element. ``partition`` of a 0-d array raises in both."""
    a = np.array(3)
    for kth in (0, -1, [0, 0], 1, 0.0):
        for axis in (-1, 0, None):
            _same_outcome(lambda xp, x, k=kth, ax=axis: xp.argpartition(x, k, axis=ax), a)
    _same_outcome(lambda xp, x: xp.argpartition(x, 0, axis=1), a)
    _same_outcome(lambda xp, x: x.argpartition(0), a)
    _same_outcome(lambda xp, x: xp.partition(x, 0), a)


@pytest.mark.parametrize("body", [
    lambda xp: xp.diag(xp.asarray(np.array(["a", "bb", "ccc", "d", "e"]))),
    lambda xp: xp.diag(xp.asarray(np.array([b"a", b"bb", b"c", b"d", b"e", b"f", b"g"])), k=-1),
    lambda xp: xp.diagflat(xp.asarray(np.array(["p", "q", "r", "s", "t"])), k=1),
])
def test_diag_of_text_fills_empty_strings(layout, body):
    """``diag`` of a text vector: NumPy's zeros of text are empty strings; nums filled the
    blocks off the diagonal with '0'."""
    check_against_numpy(body)


@pytest.mark.parametrize("y_shape,x_shape,axis", [
    ((2,), (3, 2), -1), ((5,), (2, 5), -1), ((3, 4), (2, 3, 4), -1), ((3, 4), (3, 4), 0),
    ((3, 4), (3,), 0), ((3, 4), (2, 3, 4), 0), ((3, 4), (2, 3, 4), -2),
])
def test_trapezoid_with_x_of_more_axes_than_y(layout, y_shape, x_shape, axis):
    """NumPy takes the differences of ``x`` along ``axis`` as given (-1: x's last axis);
    nums took the axis normalised against ``y`` (x's first axis: silently other values, or
    a broadcast error)."""
    y = np.arange(1.0, 1.0 + np.prod(y_shape)).reshape(y_shape)
    x = np.arange(1.0, 1.0 + np.prod(x_shape)).reshape(x_shape) ** 1.5
    check_against_numpy(lambda xp, a, b: xp.trapezoid(a, b, axis=axis), y, x, rtol=1e-12)


@pytest.mark.parametrize("body", [
    lambda xp: xp.argsort([xp.asarray([3.0, 1.0]).max(), xp.asarray([3.0, 1.0]).min(), 2.0]),
    lambda xp: xp.squeeze(xp.ones((1, 3, 1)), axis=[0, 2]),
    lambda xp: xp.squeeze(xp.ones((1, 3, 1)), axis=0.0),
    lambda xp: xp.squeeze(xp.ones((1, 3, 1)), axis=np.int64(2)),
    lambda xp: xp.gradient(xp.arange(7.0) ** 2, edge_order=2.0),
    lambda xp: xp.gradient(xp.arange(7.0) ** 2, edge_order=1.5),
])
def test_arguments_as_numpy_takes_them(layout, body):
    """``argsort`` of a list of 0-d results (it raised AttributeError in the driver),
    ``squeeze``'s TypeError for a list or float axis (nums took them), ``gradient`` with a
    float ``edge_order`` (nums raised TypeError)."""
    check_against_numpy(body)
