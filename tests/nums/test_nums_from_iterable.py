"""``fromiter`` against NumPy: results split into blocks as the iterable is consumed, with
tiny blocks so that every call fills several; NumPy's dtypes, counts and errors."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray

STRUCT = np.dtype([("a", "i4"), ("b", "f8")])
CASES = [
    (lambda: range(37), float, -1),
    (lambda: range(37), np.int8, -1),
    (lambda: range(37), None, -1),
    (lambda: (i * i for i in range(50)), np.int64, -1),
    (lambda: (i * i for i in range(50)), np.int64, 17),
    (lambda: (i * i for i in range(50)), np.int64, 50),
    (lambda: (i * i for i in range(50)), np.int64, 0),
    (lambda: iter([]), np.int64, -1),
    (lambda: range(16), np.float64, -1),  # exactly two blocks of 8
    (lambda: range(8), np.float64, -1),  # exactly one block
    (lambda: range(7), np.float64, -5),
    (lambda: (complex(i, -i) for i in range(21)), complex, -1),
    (lambda: (i % 3 == 0 for i in range(40)), bool, 33),
    (lambda: ([i, i + 1, i + 2] for i in range(23)), np.dtype(("i4", 3)), -1),
    (lambda: ([i, i + 1, i + 2] for i in range(23)), np.dtype(("f8", (2, 3))), -1),  # error
    (lambda: ([[i] * 3] * 2 for i in range(23)), np.dtype(("f8", (2, 3))), 11),
    (lambda: ((i, i / 2) for i in range(19)), STRUCT, -1),
    (lambda: (str(i) for i in range(30)), "U2", -1),
    (lambda: (str(i) for i in range(30)), "U", -1),  # variable size: NumPy's error
    (lambda: (str(i).encode() for i in range(30)), "S3", 12),
    (lambda: (f"x{i}" for i in range(30)), float, -1),  # not a number: NumPy's error
    (lambda: ([i] * (i % 2 + 1) for i in range(10)), object, -1),
    (lambda: range(40), object, 30),
]


def _check(make, dtype, count, **kwargs):
    try:
        expected = np.fromiter(make(), dtype, count)
    except Exception as exc:  # noqa: BLE001 - NumPy's exception is the specification
        with pytest.raises(type(exc)) as got:
            nps.fromiter(make(), dtype, count, **kwargs)
        assert str(got.value) == str(exc)
        return None
    got = nps.fromiter(make(), dtype, count, **kwargs)
    assert isinstance(got, BlockArray)
    assert_same(got, expected)
    return got


@pytest.mark.parametrize("case", range(len(CASES)))
def test_fromiter_like_numpy(case):
    _check(*CASES[case])


@pytest.mark.parametrize("n,count", [(3, 5), (40, 41), (40, 100), (0, 1)])
def test_iterator_too_short(n, count):
    with pytest.raises(ValueError) as expected:
        np.fromiter(range(n), float, count)
    with pytest.raises(ValueError) as got:
        nps.fromiter(range(n), float, count)
    assert str(got.value) == str(expected.value) == (
        f"iterator too short: Expected {count} but iterator had only {n} items.")


@pytest.mark.parametrize("call", [
    lambda xp: xp.fromiter(range(3), float, 2.0),
    lambda xp: xp.fromiter(5, float),
    lambda xp: xp.fromiter(range(3), "not a dtype"),
    lambda xp: xp.fromiter(range(3), float, -1, like=np.zeros(1)),
])
def test_argument_errors_and_like(call):
    try:
        expected = call(np)
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(type(exc)) as got:
            call(nps)
        assert str(got.value) == str(exc)
        return
    assert_same(call(nps), expected)


def test_blocks_fill_as_the_iterable_is_consumed(backend_name):
    consumed = []

    def numbers():
        for i in range(100):
            consumed.append(i)
            yield float(i)

    got = nps.fromiter(numbers(), float)
    assert len(consumed) == 100
    assert_same(got, np.arange(100.0))
    if backend_name != "local":  # tiny blocks: 8 float64 per block, the default's size
        assert got.block_shape == (8,) and got.grid.grid_shape == (13,)
        assert got.grid.block_shape == nps.zeros(800).block_shape
    rows = nps.fromiter(([i, -i] for i in range(30)), np.dtype(("i8", 2)), 30,
                        block_shape=(7, 1))
    assert rows.block_shape == (7, 1) and rows.grid.grid_shape == (5, 2)
    assert_same(rows, np.fromiter(([i, -i] for i in range(30)), np.dtype(("i8", 2))))
    unknown = nps.fromiter(([i, -i] for i in range(30)), np.dtype(("i8", 2)), block_shape=(4, 1))
    assert unknown.block_shape == (4, 1) and unknown.grid.grid_shape == (8, 2)
    assert_same(unknown, rows.get())
    assert_same(nps.fromiter(range(5), int, block_shape=(-1,)), np.arange(5))
