"""Functions along one axis (apply_along_axis, take_along_axis, unwrap, gradient, packbits,
unpackbits, trapezoid) against NumPy, on tiny blocks so every line crosses blocks."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import check_against_numpy

A = np.random.default_rng(0).standard_normal((11, 9, 4))
BITS = np.random.default_rng(1).random((13, 10)) > 0.5


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("fn", ["sum", "sort", "diff", "cumsum", "max"])
def test_apply_along_axis(axis, fn):
    f = getattr(np, fn)
    check_against_numpy(lambda xp, a: xp.apply_along_axis(f, axis, a), A,
                        block_shape=(3, 2, 3))


def test_apply_along_axis_args_dtype_and_errors():
    check_against_numpy(lambda xp, a: xp.apply_along_axis(
        lambda v, k: (v > k).astype(np.int8), 1, a, 0.1), A, block_shape=(4, 4, 2))
    check_against_numpy(lambda xp, a: xp.apply_along_axis(np.sum, 0, a),
                        np.zeros((3, 0)))


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_take_along_axis(axis):
    idx = np.argsort(A, axis=axis)
    check_against_numpy(lambda xp, a, i: xp.take_along_axis(a, i, axis), A, idx,
                        block_shape=(3, 2, 3))
    pick = np.expand_dims(np.argmax(A, axis=axis), axis)
    check_against_numpy(lambda xp, a, i: xp.take_along_axis(a, i, axis), A, pick,
                        block_shape=(3, 2, 3))


def test_take_along_axis_errors_and_none():
    check_against_numpy(lambda xp, a, i: xp.take_along_axis(a, i, None), A,
                        np.array([0, 5, 30, -1]))
    check_against_numpy(lambda xp, a, i: xp.take_along_axis(a, i, 0), A[:, :, 0],
                        np.array([[11, 0]] * 3)[:, :1])  # out of bounds: IndexError
    check_against_numpy(lambda xp, a, i: xp.take_along_axis(a, i, 0), A, np.zeros((2, 2)))


@pytest.mark.parametrize("axis", [0, -1])
def test_unwrap_and_gradient(axis):
    phase = np.cumsum(np.random.default_rng(2).uniform(0, 2, (14, 6)), axis=0)
    check_against_numpy(lambda xp, p: xp.unwrap(p, axis=axis), phase, block_shape=(4, 4))
    check_against_numpy(lambda xp, p: xp.unwrap(p, discont=4.0, axis=axis, period=6.0),
                        phase, block_shape=(4, 4))
    check_against_numpy(lambda xp, f: xp.gradient(f, axis=axis), phase, block_shape=(4, 4))
    check_against_numpy(lambda xp, f: xp.gradient(f), phase, block_shape=(4, 4))
    check_against_numpy(lambda xp, f: xp.gradient(f, 0.5, np.linspace(0, 3, 6) ** 2,
                                                  edge_order=2), phase, block_shape=(4, 4))
    check_against_numpy(lambda xp, f: xp.gradient(f, 1.0, 2.0, 3.0), phase)  # TypeError
    check_against_numpy(lambda xp, f: xp.gradient(f[:2], edge_order=2), phase)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("bitorder", ["big", "little"])
def test_packbits_unpackbits(axis, bitorder):
    check_against_numpy(lambda xp, b: xp.packbits(b, axis=axis, bitorder=bitorder), BITS,
                        block_shape=(4, 3))
    packed = np.packbits(BITS, axis=0 if axis is None else axis)
    for count in (None, 5, -3):
        check_against_numpy(lambda xp, p, c=count: xp.unpackbits(p, axis=axis, count=c,
                                                                 bitorder=bitorder),
                            packed, block_shape=(2, 3))


def test_trapezoid():
    y = A[:, :, 0]
    check_against_numpy(lambda xp, v: xp.trapezoid(v), y, block_shape=(3, 2), rtol=1e-12)
    check_against_numpy(lambda xp, v: xp.trapezoid(v, axis=0, dx=0.3), y,
                        block_shape=(3, 2), rtol=1e-12)
    check_against_numpy(lambda xp, v, x: xp.trapezoid(v, x), y, np.linspace(0, 2, 9) ** 2,
                        rtol=1e-12)
    check_against_numpy(lambda xp, v, x: xp.trapezoid(v, x, axis=0), y, np.cumsum(y, axis=0),
                        block_shape=(3, 2), rtol=1e-12)
