"""Blocks of elementwise results whose operands broadcast: at most ``BROADCAST_BLOCKS`` times
``block_bytes`` each.

An elementwise result borrows, along each axis, the block size of an operand spanning it
(:func:`nums.core.array.elementwise.output_grid`). Broadcast along another axis, such a
block would grow by that axis' length (``x[:, None] * y[None]``: ``len(y)`` times ``x``'s
blocks); it is cut to a divisor of the operand's block instead.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from nums_helpers import BLOCK_BYTES, SMALL_BLOCK_BYTES, assert_same

import nums
import nums.numpy as nps
from nums.core.array.elementwise import BROADCAST_BLOCKS as BOUND

LIMIT = SMALL_BLOCK_BYTES  # the session's block_bytes in these tests
X = np.linspace(-2.0, 3.0, 2000)
Y = np.linspace(0.5, 1.5, 50)


def _block_bytes(z) -> int:
    return math.prod(z.block_shape) * z.dtype.itemsize


CASES = {
    "outer": (lambda xp, x, y: x[:, None] * y[None], 500),
    "one new axis": (lambda xp, x, y: x[:, None] - y, 500),
    "ufunc": (lambda xp, x, y: xp.add(x[:, None], y), 500),
    "compare": (lambda xp, x, y: x[:, None] > y, 500),
    "where": (lambda xp, x, y: xp.where(x[:, None] > 1, x[:, None], y), 500),
    "where, a mask of the result's shape": (
        lambda xp, x, y: xp.where(x[:, None] > y, x[:, None], y), 500),
    "fused": (lambda xp, x, y: (x[:, None] * y + 1) ** 2 / y, 500),
    "transposed": (lambda xp, x, y: y[:, None] * x, None),
    "three axes": (lambda xp, x, y: x.reshape(40, 50)[:, None, :] * y[None, :25, None], None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broadcast_result_blocks_are_bounded(small_blocks, case):
    """Each block holds at most ``BOUND`` times ``block_bytes`` (they were ``x``'s 500 rows
    by ``y``'s 25 columns: 100 kB), cut along axis 0 at a divisor of ``x``'s rows per block; the
    values and their reductions (chunked inside the blocks) are NumPy's."""
    body, rows = CASES[case]
    x = nps.asarray(X, block_shape=(500,))
    y = nps.asarray(Y, block_shape=(25,))
    z, expected = body(nps, x, y), body(np, X, Y)
    assert z.shape == expected.shape and z.grid.num_blocks > 4
    assert _block_bytes(z) <= BOUND * LIMIT
    if rows is not None:  # the result's rows split x's blocks evenly
        assert rows % z.block_shape[0] == 0
    assert_same(z, expected, rtol=1e-12)
    if expected.dtype.kind == "f":
        for axis in (0, 1, None):
            assert_same(body(nps, x, y).sum(axis=axis), expected.sum(axis=axis), rtol=1e-12,
                        atol=1e-9)


def test_split_blocks_read_one_operand_block_each(small_blocks):
    """Cut at divisors of ``x``'s blocks, every result block reads a part of one block of
    ``x``: persisting the product runs one task per result block, no task joins parts."""
    x = nps.asarray(X, block_shape=(500,))[:, None].persist()  # (a task per block)
    y = nps.asarray(Y, block_shape=(25,))[None].persist()
    z = x * y
    before = sum(m["tasks_run"] for m in nums.metrics())
    z.persist()
    assert sum(m["tasks_run"] for m in nums.metrics()) - before == z.grid.num_blocks
    assert _block_bytes(z) <= BOUND * LIMIT and 500 % z.block_shape[0] == 0
    assert_same(z, X[:, None] * Y[None], rtol=1e-12)


def test_blocks_without_a_fitting_divisor(small_blocks):
    """``x`` in blocks of a prime number of rows: the result's rows are cut to about a block
    of ``block_bytes`` (not to one row each), its blocks then reading parts of two of
    ``x``'s blocks."""
    a = np.linspace(0.0, 1.0, 2018)
    x = nps.asarray(a, block_shape=(1009,))
    y = nps.asarray(Y, block_shape=(25,))
    z = x[:, None] * y
    assert 1 < z.block_shape[0] and _block_bytes(z) <= BOUND * LIMIT
    assert 1009 % z.block_shape[0] != 0  # (so some blocks straddle x's)
    assert_same(z, a[:, None] * Y, rtol=1e-12)
    assert_same((x[:, None] * y).sum(axis=1), (a[:, None] * Y).sum(axis=1), rtol=1e-12)


def test_results_that_fit_keep_their_operands_blocks(small_blocks):
    """No change where the borrowed blocks fit: an operand of the result's shape gives its
    grid however large its blocks (the planner relies on aligned blocks), and so does a
    broadcast whose blocks stay within ``BOUND`` times ``block_bytes``, or within the largest
    block of an operand (blocks chosen explicitly)."""
    big = nps.asarray(np.outer(X, Y), block_shape=(500, 50))  # 200 KiB blocks
    y = nps.asarray(Y, block_shape=(25,))
    for z in (big + 1, big * big, big * y[None], nps.where(big > 0, big, y)):
        assert z.block_shape == (500, 50)
    x = nps.asarray(X, block_shape=(500,))
    two = nps.asarray(Y[:2], block_shape=(2,))
    assert (x[:, None] * two).block_shape == (500, 2)  # 8000 bytes
    whole = nps.asarray(X, block_shape=(2000,))  # one block of 16000 bytes
    one = nps.asarray(Y[:1], block_shape=(1,))
    assert (whole[:, None] * one).block_shape == (2000, 1)
    z = whole[:, None] * y
    assert _block_bytes(z) <= BOUND * LIMIT and z.grid.num_blocks > 1
    assert_same(z, X[:, None] * Y, rtol=1e-12)


@pytest.mark.parametrize("shapes", [((40, 1), (1, 7)), ((12, 1, 5), (6, 1)), ((1, 9), (30, 1)),
                                    ((30,), (4, 1)), ((3, 1, 16), (1, 5, 1))])
def test_broadcast_values_with_tiny_blocks(layout, shapes, rng):
    """NumPy's values for broadcasts of operands in the default blocks (8 float64 each when
    distributed), whose results are split into blocks of at most ``BOUND`` times that."""
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    x, y = nps.asarray(a), nps.asarray(b)
    for z, expected in ((x * y, a * b), (nps.where(x > y, x, y), np.where(a > b, a, b)),
                        ((x - y) ** 2 + x, (a - b) ** 2 + a), (x < y, a < b)):
        if layout == "dist":
            assert _block_bytes(z) <= BOUND * BLOCK_BYTES
        assert_same(z, expected, rtol=1e-12)
        if expected.dtype.kind == "f":
            assert_same(((x - y) * y).sum(axis=-1), ((a - b) * b).sum(axis=-1), rtol=1e-12,
                        atol=1e-12)
