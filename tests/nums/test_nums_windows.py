"""Step-1 slices read in place (issue 16): windows of distributed arrays in fused expressions.

``u[:-2, 1:-1] + u[2:, 1:-1]`` reads ``u``'s blocks where the expression is evaluated (no
task cuts the slices out first: ``nums.core.array.fusion.window``); a piece of a window
over several blocks is computed tile by tile from views of those blocks
(``expressions._tiled_eval``); and writing an expression into a region of an array
(``u[1:-1, 1:-1] = ...``) evaluates it in the task that writes each block. These tests
check NumPy's results for such programs on tiny blocks, the snapshot semantics of
expressions, and that a stencil sweep costs one task per written block.
"""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums
import nums.numpy as nps
from nums.core import context

RNG = np.random.default_rng(1616)


def _stencil(xp, u):
    for _ in range(3):
        u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
    return u.mean()


def _diff_update(xp, x):
    x[2:] = x[:-2] * 2 + x[2:]
    return (x[1:] - x[:-1]) ** 2


def _mixed(xp, a):
    # windows mixed with a broadcasting row, a 0-d array, constants and a reduction
    row = a[0]
    return (xp.sqrt(a[1:, :-1] * a[:-1, 1:] + 1.0) - row[1:] + xp.asarray(2.0)).sum(axis=0)


def _three_d(xp, c):
    return c[1:, :-1, 2:] * c[:-1, 1:, :-2] - c[1:, 1:, 1:-1]


def _product(xp, a):
    return a[3:-2, 5:] @ a[5:, 7:]


@pytest.mark.parametrize("block_shape", [(3, 4), (5, 5), (7, 2), (1, 9)])
def test_stencil_sweeps_match_numpy(block_shape, backend_name):
    check_against_numpy(_stencil, RNG.random((11, 12)), block_shape=block_shape)


@pytest.mark.parametrize("block_shape", [(1,), (3,), (8,)])
def test_shifted_updates_and_differences_match_numpy(block_shape, backend_name):
    check_against_numpy(_diff_update, RNG.random(23), block_shape=block_shape)


@pytest.mark.parametrize("body", [_mixed, _product])
def test_windows_in_mixed_expressions_and_products(body, backend_name):
    check_against_numpy(body, RNG.random((13, 12)), block_shape=(4, 5), rtol=1e-12)


def test_windows_of_three_axes(backend_name):
    check_against_numpy(_three_d, RNG.random((5, 6, 7)), block_shape=(2, 3, 2))


def test_expressions_over_windows_are_snapshots(backend_name):
    a = RNG.random((9, 10))
    u = nps.array(a, block_shape=(4, 4))
    e = u[1:, 1:] * 2  # computed later, from u's values now (as NumPy computes it now)
    v = u[1:, 1:]  # a view: it follows u
    u[...] = -1.0
    assert_same(e, a[1:, 1:] * 2)
    assert_same(v, np.full((8, 9), -1.0))
    w = u[:-1, :-1] + 3.0
    u[1:, 1:] = w  # the expression reads the blocks it overwrites
    b = np.full((9, 10), -1.0)
    b[1:, 1:] = b[:-1, :-1] + 3.0
    assert_same(u, b)
    assert_same(w, np.full((8, 9), 2.0))  # still the values before the write


def test_a_stencil_sweep_is_one_task_per_written_block():
    """Serial backends count tasks as they run: a sweep of ``u`` in 3x3 blocks runs nine
    tasks, each reading its neighbours' blocks in place and writing its own."""
    if context.get().settings.backend != "serial":
        pytest.skip("tasks are counted by the serial backends")
    u = nps.array(RNG.random((30, 30)), block_shape=(10, 10)).persist()
    before = sum(m["tasks_run"] for m in nums.metrics())
    u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
    u.persist()
    assert sum(m["tasks_run"] for m in nums.metrics()) - before == 9


def test_windows_of_windows_and_of_expressions(backend_name):
    def body(xp, a):
        inner = a[1:, 2:]
        twice = inner[2:-1, :-3]  # a window of a window
        expr = (a * 2)[1:-1, 1:-1]  # a window of a pending expression
        return twice + expr[2:, 1:-1] - inner[2:-1, 1:-2]

    check_against_numpy(body, RNG.random((12, 13)), block_shape=(5, 4))


@pytest.mark.parametrize("block_shape", [(3, 4), (1, 7), (8, 2)])
def test_strided_windows_match_numpy(block_shape, backend_name):
    def body(xp, a):
        x = a[::2, 1::3] * 2 + a[1::2, ::3]  # every second row, every third column
        y = a[1:, :][::3][::2]  # a window of a window of a window
        a[::2, ::5] = a[1::2, 2::5] - 1.0  # written where the target's blocks are
        return x.sum(axis=1), y, a[2:-1:4].mean(axis=0)

    check_against_numpy(body, RNG.random((12, 15)), block_shape=block_shape, rtol=1e-12)


def test_slices_of_expressions_are_numpys():
    # slices of pending elementwise expressions (``s[1:] != s[:-1]`` of ``s = sign(...)``,
    # ``diff(log(...))``, slices of slices, expressions of columns, of broadcast leaves and
    # with new axes): NumPy's values, with writes to the expression's inputs after the
    # slice not seen (leaves are snapshots) and writes to the expression itself seen
    rng = np.random.default_rng(29)
    a = rng.standard_normal((41, 6))
    x = nps.array(a, block_shape=(7, 4))
    s, sa = nps.sign(x[:, 2] + 0.1), np.sign(a[:, 2] + 0.1)
    assert int(nps.count_nonzero(s[1:] != s[:-1])) == int(np.count_nonzero(sa[1:] != sa[:-1]))
    assert_same(nps.diff(nps.log(nps.abs(x) + 1), axis=0), np.diff(np.log(np.abs(a) + 1), axis=0))
    for key in [(slice(1, None),), (slice(None, -1), slice(2, None)), (slice(3, 40, 3),),
                (slice(None), slice(1, 6, 2)), (slice(5, 6), slice(0, 1))]:
        for e, ea in ((x[1:, 1:] * 2 - x[:-1, :-1], a[1:, 1:] * 2 - a[:-1, :-1]),
                      (x * x[0], a * a[0]),  # a leaf that broadcasts: stored first
                      (nps.sqrt(x[:, 3] ** 2)[:, None] + x[:, :2], np.sqrt(a[:, 3] ** 2)[:, None]
                       + a[:, :2]), (x[2::3, ::2] + 1, a[2::3, ::2] + 1)):
            assert_same(e[key], ea[key])
            assert_same(e[key][::2], ea[key][::2])
    c, ca = x[:, 4] * 3 - 1, a[:, 4] * 3 - 1
    assert_same(c[5:30:4], ca[5:30:4])
    assert_same(c[1:] - c[:-1], ca[1:] - ca[:-1])
    col, cola = (x[:, 1] + 1)[:, None], (a[:, 1] + 1)[:, None]
    assert_same(col[3:, :], cola[3:, :])
    assert_same(col[3:, 1:], cola[3:, 1:])
    e, ea = nps.exp(x * 0.1), np.exp(a * 0.1)
    v, va = e[2:], ea[2:]
    x[5, 1] = 100.0  # an input written after the slice: not seen (as NumPy's values)
    assert_same(v, va)
    e[4, 0] = -1.0  # the expression itself written: its view sees it
    ea[4, 0] = -1.0
    assert_same(v, va)
    assert_same(e, ea)
