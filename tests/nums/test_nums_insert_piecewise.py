"""insert and piecewise against numpy, on several block shapes and every test backend."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps

pytestmark = pytest.mark.filterwarnings("error::nums.numpy.GatherWarning")  # no fallback

A = np.arange(24.0).reshape(4, 6)


@pytest.mark.parametrize("block_shape", [(1, 1), (3, 4), (4, 6)])
@pytest.mark.parametrize("obj, values, axis", [
    (1, 5.0, None), (0, [1, 2, 3], None), (24, -1.0, None), (-3, 7.5, None),
    (2, 9.0, 0), (2, 9.0, 1), (2, [1, 2, 3, 4], 1), (2, [[1], [2], [3], [4]], 1),
    (1, [1, 2, 3, 4, 5, 6], 0), ([1], [[1, 2, 3, 4, 5, 6]], 0), ([1], [1, 2, 3, 4], 1),
    ([1, 3], 0.5, 1), ([3, 1, 1], [10, 20, 30], None), ([0, -1, 2], [[1], [2], [3], [4]], 1),
    (slice(1, 5, 2), -2.0, 1), (slice(None), 0.0, 0), ([], 1.0, 0), (np.array([], int), 1.0, 1),
    ([True, False, True, False], 3.0, 0), (7, 1.0, 1), (-8, 1.0, 1), ([6, 9], 1.0, 1),
    (1, [1, 2], 1), ([[1, 2]], 1.0, 0), (1, 1.0, 2), (1.5, 1.0, 0), ([1.5], 1.0, 0),
    (np.array([[True, False]]), 1.0, 0),
])
def test_insert(obj, values, axis, block_shape):
    check_against_numpy(lambda xp, a: xp.insert(a, obj, values, axis=axis), A,
                        block_shape=block_shape)


def test_insert_blockarray_values_dtypes_and_nd():
    a = np.arange(60).reshape(3, 4, 5)
    x = nps.array(a, block_shape=(2, 3, 2))
    v = np.arange(15.7, 30.7).reshape(3, 5)  # cast to int, as numpy does
    assert_same(nps.insert(x, 2, nps.array(v, block_shape=(2, 2)), axis=1),
                np.insert(a, 2, v, axis=1))
    assert_same(nps.insert(x, [0, 4, 4], nps.array(np.arange(3)), axis=2),
                np.insert(a, [0, 4, 4], np.arange(3), axis=2))
    assert_same(nps.insert(x, nps.array([1, 2]), -1, axis=0),
                np.insert(a, np.array([1, 2]), -1, axis=0))
    b = nps.array(np.array([True, False, True]))
    assert_same(nps.insert(b, 1, 0), np.insert(np.array([True, False, True]), 1, 0))
    s = nps.array(np.array(5.0))
    assert_same(nps.insert(s, 0, 1.0), np.insert(np.array(5.0), 0, 1.0))


def _pw(xp, a):
    return xp.piecewise(a, [a < 5, (a >= 5) & (a < 15)], [lambda v: v * 2, lambda v: -v, 100.0])


@pytest.mark.parametrize("block_shape", [(1, 1), (3, 4), (4, 6)])
def test_piecewise(block_shape):
    check_against_numpy(_pw, A, block_shape=block_shape)
    # as many functions as conditions; constants; extra args and keywords for the functions
    check_against_numpy(lambda xp, a: xp.piecewise(a, [a > 3, a > 10], [1, 2]), A,
                        block_shape=block_shape)
    check_against_numpy(lambda xp, a: xp.piecewise(
        a, [a % 2 == 0], [lambda v, k, s=1: v * k + s, lambda v, k, s=1: -k],
        3, s=5), A, block_shape=block_shape)
    check_against_numpy(lambda xp, a: xp.piecewise(a, a > 7, [np.sqrt, 0]), A,
                        block_shape=block_shape)
    check_against_numpy(lambda xp, a: xp.piecewise(a, [a > 7], [np.sqrt, 0, 1]), A,
                        block_shape=block_shape)  # numpy's ValueError
    ai = np.arange(10)
    check_against_numpy(lambda xp, a: xp.piecewise(a, [a < 3, a > 6], [lambda v: v * 2.7, 9]),
                        ai, block_shape=block_shape[:1])  # results cast to int, as numpy


def test_piecewise_numpy_conditions_and_scalars():
    x = nps.array(A, block_shape=(3, 4))
    cond = A > 11
    assert_same(nps.piecewise(x, [cond], [lambda v: v + 0.5, 7]),
                np.piecewise(A, [cond], [lambda v: v + 0.5, 7]))
    assert_same(nps.piecewise(x, [(A > 3).tolist()], [1.0]),
                np.piecewise(A, [(A > 3).tolist()], [1.0]))
    with pytest.raises(ValueError):  # numpy: four conditions (the rows), one function
        nps.piecewise(x, (A > 3).tolist(), [1.0])
    z = nps.array(np.array(3.0))
    assert_same(nps.piecewise(z, [True, False], [lambda v: v * 2, 1]),
                np.piecewise(np.array(3.0), [True, False], [lambda v: v * 2, 1]))
