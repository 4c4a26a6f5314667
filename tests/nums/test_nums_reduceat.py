"""``ufunc.reduceat`` against NumPy: segments across tiny blocks, NumPy's rule for
non-increasing indices, every axis, dtypes, NumPy's errors; float sums bit for bit; the same
implementation through NumPy's protocol (``numpy.add.reduceat(blockarray, ...)``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps

RNG = np.random.default_rng(7)
VECTOR = RNG.standard_normal(100)
MATRIX = RNG.standard_normal((23, 17))

INDICES_1D = [
    [0, 5, 20, 99],
    [0],
    [99],
    [3, 3, 10, 2, 50, 0],  # equal and decreasing neighbours: the element at the index
    [50, 10, 90, 20],
    list(range(0, 100, 7)),
    [],
    np.array([0, 40, 41, 60]),
    np.array([10, 30], dtype=np.int32),
]


@pytest.mark.parametrize("indices", INDICES_1D, ids=range(len(INDICES_1D)))
@pytest.mark.parametrize("block", [1, 8, 33])
def test_add_reduceat_is_numpys_bit_for_bit(indices, block):
    x = nps.array(VECTOR, block_shape=(block,))
    got = nps.add.reduceat(x, indices)
    expected = np.add.reduceat(VECTOR, indices)
    assert isinstance(got, nps.BlockArray)
    assert_same(got, expected)
    np.testing.assert_array_equal(got.get().view(np.int64), expected.view(np.int64))


@pytest.mark.parametrize("axis", [0, 1, -1, -2, (1,)])
@pytest.mark.parametrize("indices", [[0, 5, 16, 3], [1, 2], [0], [4, 4, 4], [16, 0, 9]])
def test_reduceat_along_every_axis(axis, indices):
    for uf in ("add", "multiply", "maximum", "subtract"):
        check_against_numpy(
            lambda xp, a, u=uf: getattr(xp, u).reduceat(a, indices, axis=axis),
            MATRIX, block_shape=(5, 4))
    got = nps.add.reduceat(nps.array(MATRIX, block_shape=(5, 4)), indices, axis=axis).get()
    expected = np.add.reduceat(MATRIX, indices, axis=axis)
    np.testing.assert_array_equal(got.view(np.int64), expected.view(np.int64))


@pytest.mark.parametrize("body", [
    lambda xp, a: xp.add.reduceat(a, [0, 10, 50]),
    lambda xp, a: xp.add.reduceat(a, [0, 10, 50], dtype=np.float32),
    lambda xp, a: xp.add.reduceat(a > 0, [0, 10, 50]),
    lambda xp, a: xp.add.reduceat((a * 10).astype(np.int8), [0, 10, 50]),
    lambda xp, a: xp.logical_and.reduceat(a > -1, [0, 30, 60]),
    lambda xp, a: xp.bitwise_or.reduceat((a * 10).astype(np.int64), [5, 1, 70]),
    lambda xp, a: xp.minimum.reduceat(a, [0, 99]),
    lambda xp, a: xp.add.reduceat(a, [0, 100]),  # IndexError: out of bounds
    lambda xp, a: xp.add.reduceat(a, [0, -1]),  # IndexError: negative
    lambda xp, a: xp.add.reduceat(a, [[0, 1]]),  # ValueError: 2-d indices
    lambda xp, a: xp.add.reduceat(a, np.array([0.0, 1.0])),  # TypeError: float array
    lambda xp, a: xp.add.reduceat(a, np.array([0, 1], dtype=np.uint64)),  # TypeError
    lambda xp, a: xp.add.reduceat(a, [0], axis=1),  # AxisError
    lambda xp, a: xp.negative.reduceat(a, [0]),  # ValueError: not binary
    lambda xp, a: xp.divmod.reduceat(a, [0]),  # ValueError: two outputs
    lambda xp, a: xp.equal.reduceat(a, [0]),  # TypeError: no loop
    lambda xp, a: xp.add.reduceat(a.reshape(10, 10), [0, 3], axis=None),  # ValueError
    lambda xp, a: xp.add.reduceat(a[:0], []),
    lambda xp, a: xp.add.reduceat(a[:0], [0]),  # IndexError: empty array
    lambda xp, a: xp.add.reduceat(a.reshape(10, 10)[:, :0], [0, 4], axis=0),
    lambda xp, a: xp.add.reduceat(a.sum(), [0]),  # TypeError: a scalar
])
def test_reduceat_dtypes_and_errors_are_numpys(body):
    check_against_numpy(body, VECTOR, block_shape=(7,))


def test_reduceat_of_dates_and_out():
    days = np.arange("2026-01-01", "2026-03-01", dtype="datetime64[D]")
    check_against_numpy(lambda xp, d: xp.maximum.reduceat(d, [0, 10, 31]), days,
                        block_shape=(6,))
    check_against_numpy(lambda xp, d: xp.add.reduceat(d - d[0], [0, 10, 31]), days,
                        block_shape=(6,))
    x = nps.array(VECTOR, block_shape=(9,))
    out = nps.zeros(3, block_shape=(2,))
    got = nps.add.reduceat(x, [0, 10, 50], out=out)
    assert got is out
    assert_same(out, np.add.reduceat(VECTOR, [0, 10, 50]))
    assert nps.maximum.reduceat(x, [0, 10, 50], out=(out,)) is out
    assert_same(out, np.maximum.reduceat(VECTOR, [0, 10, 50]))
    with pytest.raises(ValueError):
        nps.add.reduceat(x, [0, 10, 50], out=nps.zeros(4))


def test_numpy_reduceat_on_a_blockarray_runs_nums_without_gathering():
    x = nps.array(MATRIX, block_shape=(4, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("error", nps.GatherWarning)  # no fallback
        got = np.add.reduceat(x, [0, 7, 9], axis=1)
        by_name = np.multiply.reduceat(x, indices=[2, 20], axis=0)
    assert isinstance(got, nps.BlockArray) and isinstance(by_name, nps.BlockArray)
    expected = np.add.reduceat(MATRIX, [0, 7, 9], axis=1)
    np.testing.assert_array_equal(got.get().view(np.int64), expected.view(np.int64))
    assert_same(by_name, np.multiply.reduceat(MATRIX, [2, 20], axis=0))
