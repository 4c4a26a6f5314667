"""Manipulation functions against NumPy (the differential helper; tiny uneven blocks)."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps

A = np.arange(7 * 5 * 3, dtype=np.float64).reshape(7, 5, 3)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), ()])
def test_flip_is_a_view(axis):
    def body(xp, a):
        f = xp.flip(a, axis)
        f[0, 1] = -1.0  # writes through to a
        a[6, 4, 2] = 99.0  # seen by f
        return f, xp.flip(a[2], None if axis is None else 0)

    check_against_numpy(body, A, block_shape=(2, 2, 2))
    check_against_numpy(lambda xp, a: xp.flip(a, 3), A)  # numpy's AxisError


@pytest.mark.parametrize("shift, axis", [
    (2, 0), (-3, 1), (11, -1), (4, None), (-9, None), ((1, 2), (0, 1)), ((3, -1), (1, 1)),
    (0, 0), (7, 0), ([1, 2], 0),
])
def test_roll(shift, axis):
    def body(xp, a):
        r = xp.roll(a, shift, axis)
        r[0] = 0.0  # a new array: a is unchanged
        return xp.roll(a, shift, axis), r

    check_against_numpy(body, A, block_shape=(3, 2, 2))


def test_roll_errors():
    check_against_numpy(lambda xp, a: xp.roll(a, [[1]], (0,)), A)
    check_against_numpy(lambda xp, a: xp.roll(a, 1, 3), A)


@pytest.mark.parametrize("block_shape", [(2, 2, 2), (3, 4, 3), (7, 5, 3)])
def test_joins_of_pending_expressions(block_shape):
    # the joining task evaluates the parts that are pending expressions (a cast among them)
    # straight into their place, next to parts cut from blocks
    def body(xp, a):
        i = (a * 2).astype(np.int32)
        return (xp.concatenate([a, a ** 2, i], axis=1), xp.hstack([a[:, :3] + 1, xp.exp(-a)]),
                xp.concatenate([a[1:] - a[:-1], a], axis=0),
                xp.concatenate([i, -i], axis=2), xp.column_stack([a[:, 0, 0], a[:, 1, 0] ** 2]))

    check_against_numpy(body, A / 50, block_shape=block_shape)


def test_joins_of_views_read_their_roots_in_place():
    """``stack([x, y], axis=1).get()`` writes each input's values straight into the result;
    a view that holds all of its root's elements in order (``x[:, None]``, a reshape) is
    written from its root's blocks, other views (transposes, slices) from their own."""
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal(300), rng.standard_normal(300)
    m = rng.standard_normal((20, 15))
    x, y = nps.asarray(a, block_shape=(64,)), nps.asarray(b, block_shape=(70,))
    xm = nps.asarray(m, block_shape=(8, 6))
    assert_same(nps.stack([x, y], axis=1), np.stack([a, b], axis=1))
    assert_same(nps.stack([x, y * 2], axis=0), np.stack([a, b * 2], axis=0))
    assert_same(nps.concatenate([x.reshape(20, 15), xm, xm.T[:, ::-1].T]),
                np.concatenate([a.reshape(20, 15), m, m.T[:, ::-1].T]))
    assert_same(nps.hstack([xm, xm.T.reshape(20, 15), xm[:, 2:4]]),
                np.hstack([m, m.T.reshape(20, 15), m[:, 2:4]]))
    x[0] = 100.0  # a view reads its root's current values
    a[0] = 100.0
    assert_same(nps.stack([x[:, None], y[:, None]], axis=2), np.stack([a[:, None], b[:, None]],
                                                                     axis=2))


def test_stacking_takes_dtype_and_several_arrays_as_numpy():
    from nums_helpers import assert_same

    import nums.numpy as nps

    a, b = np.arange(6), np.arange(6.0)
    x, y = nps.asarray(a, block_shape=(4,)), nps.asarray(b, block_shape=(4,))
    assert_same(nps.vstack([x, y], dtype=np.float32), np.vstack([a, b], dtype=np.float32))
    assert_same(nps.hstack([x, y], dtype=np.int64, casting="unsafe"),
                np.hstack([a, b], dtype=np.int64, casting="unsafe"))
    with pytest.raises(TypeError):
        nps.hstack([x, y], dtype=np.int64)  # same_kind: floats into ints
    for name in ("atleast_1d", "atleast_2d"):
        got, want = getattr(nps, name)(nps.asarray(3.0), x), getattr(np, name)(3.0, a)
        assert isinstance(got, tuple) and len(got) == 2
        for g, w in zip(got, want):
            assert_same(g, w)


def test_take_put_and_repeat_convert_indices_as_numpy():
    # Python sequences convert element by element ([] is an empty index, 1.7 is 1, True is 1);
    # arrays of floats are NumPy's TypeError
    import nums.numpy as nps

    a = np.arange(20.0)
    cases = [lambda xp, x: xp.take(x, []), lambda xp, x: xp.take(x, [1.7, 3]),
             lambda xp, x: xp.take(x, [True, False]), lambda xp, x: xp.take(x, np.array([1.7])),
             lambda xp, x: (xp.put(x, [], [1]), x)[1], lambda xp, x: (xp.put(x, [1.7], [9]), x)[1],
             lambda xp, x: xp.repeat(x[:5], [2.0] * 5), lambda xp, x: xp.repeat(x[:0], []),
             lambda xp, x: xp.repeat(x[:3], np.array([1.5, 2, 1]))]
    for call in cases:
        try:
            want = np.asarray(call(np, a.copy()))
        except TypeError:
            with pytest.raises(TypeError):
                call(nps, nps.asarray(a.copy(), block_shape=(3,))).get()
            continue
        got = call(nps, nps.asarray(a.copy(), block_shape=(3,))).get()
        np.testing.assert_array_equal(got, want, strict=True)


def test_joined_arrays_take_the_blocks_of_the_largest():
    """A small first piece (``concatenate([[0], x])``, the head of ``roll``) does not set the
    result's blocks: with its one-element blocks a join of 1e7 elements planned 1e7 tasks
    and ran out of memory."""
    import nums.numpy as nps

    a = np.arange(4000.0)
    x = nps.asarray(a, block_shape=(1000,))
    for got, want in ((nps.concatenate([[0.0], x]), np.concatenate([[0.0], a])),
                      (nps.roll(x, 1), np.roll(a, 1)),
                      (nps.hstack([x[:3], x]), np.hstack([a[:3], a])),
                      (nps.append(x[-2:], x), np.append(a[-2:], a))):
        assert got.grid.num_blocks <= 6
        np.testing.assert_array_equal(got.get(), want)
    m = nps.asarray(a.reshape(400, 10), block_shape=(100, 5))
    got = nps.concatenate([m[:1], m], axis=0)
    assert got.grid.num_blocks <= 12
    np.testing.assert_array_equal(got.get(), np.concatenate([a.reshape(400, 10)[:1],
                                                             a.reshape(400, 10)]))


def test_rolls_of_distributed_arrays_are_read_where_used(monkeypatch):
    """``roll`` of a distributed array moves no values of its own: its consumers (``get()``,
    expressions, reductions, slices, another roll) read the source's blocks, two parts per
    rolled axis, whatever the blocks; the result is a new array (writable, and blind to
    later writes of the source), as NumPy's."""
    import nums.numpy as nps
    from nums.numpy import _manipulation

    joins: list = []
    real = _manipulation.submit
    monkeypatch.setattr(_manipulation, "submit",
                        lambda fn, *a, **k: joins.append(fn) or real(fn, *a, **k))
    a = np.arange(7 * 6 * 5, dtype=np.float64).reshape(7, 6, 5) * 1.5 - 40
    x = nps.asarray(a, block_shape=(3, 4, 2))
    for shift, axis in ((1, 0), (-2, 1), ((2, -3), (0, 2)), ((9, 1, -1), (0, 1, 2)),
                        (40, 0), ((1, 1), (0, 0)), ((3, -3), (2, 2))):
        r, e = nps.roll(x, shift, axis), np.roll(a, shift, axis)
        if x._local is None and shift != (3, -3):  # (shifts that cancel: a copy)
            assert r.pending("fused").windows[0][0] == "roll"
        np.testing.assert_array_equal(r.get(), e)
        np.testing.assert_array_equal((r * 2 - x).get(), e * 2 - a)
        np.testing.assert_allclose(r.sum(axis=1).get(), e.sum(axis=1))
        np.testing.assert_allclose(float(r.max()), e.max())
        np.testing.assert_array_equal(r[1:-1, ::2, 3].get(), e[1:-1, ::2, 3])
        np.testing.assert_array_equal(nps.roll(r, (1, -4), (0, 2)).get(),
                                      np.roll(e, (1, -4), (0, 2)))
        np.testing.assert_array_equal(r.persist().get(), e)
    stencil = nps.roll(x, 1, 0) + nps.roll(x, -1, 0) + nps.roll(x, 1, 1) - 3 * x
    want = np.roll(a, 1, 0) + np.roll(a, -1, 0) + np.roll(a, 1, 1) - 3 * a
    np.testing.assert_array_equal(stencil.get(), want)
    np.testing.assert_allclose(float((stencil ** 2).sum()), (want ** 2).sum())
    np.testing.assert_array_equal(nps.roll(x * 2, 3, 1).get(), np.roll(a * 2, 3, 1))
    np.testing.assert_array_equal(nps.roll(x[1:, ::2], 2, 0).get(), np.roll(a[1:, ::2], 2, 0))
    if x._local is None:
        assert not joins  # no join of slices ran
    b = a.copy()
    y = nps.asarray(b, block_shape=(3, 4, 2))
    r = nps.roll(y, 2, 1)
    y[0] = 100.0  # a later write of the source is not seen
    r[1] = -5.0  # the roll is a new array: the source is not written
    e = np.roll(a, 2, 1)
    e[1] = -5.0
    np.testing.assert_array_equal(r.get(), e)
    b[0] = 100.0
    np.testing.assert_array_equal(y.get(), b)


@pytest.mark.parametrize("block_shape", [None, (4, 5), (7, 13)])
def test_expressions_of_reshapes_and_rolls_are_numpys(block_shape):
    """A reshape and a roll read where they are used, in one expression (``u.ravel() +
    np.roll(f, 1)``): each leaf is seen through its own window, also when the block is cut
    into tiles where a rolled leaf crosses blocks."""
    u = np.arange(7 * 13, dtype=np.float64).reshape(7, 13) * 0.5 - 3

    def body(xp, u):
        f = u.ravel() * 1.0 + 0.25
        occ = u > 0
        return ((u.ravel() + xp.roll(f, 1)),
                f.reshape(7, 13) - xp.roll(u, 1, 0),
                (f.reshape(7, 13) - xp.roll(u, 1, 0)).mean(axis=0),
                xp.maximum(u.reshape(-1), xp.roll(f, 1)),
                xp.cumsum(u.ravel() - xp.roll(f, 5)),
                u.ravel()[1:] - xp.roll(f, 1)[:-1],
                float((u.ravel() * xp.roll(f, 1)).sum()),
                xp.cumsum(occ.ravel() & ~xp.roll(occ.ravel(), 1)),
                u.astype(xp.float32) + xp.roll(u, 1, 0))

    check_against_numpy(body, u, block_shape=block_shape)


def test_joins_are_made_on_first_use(monkeypatch):
    """``concatenate`` and the joins built on it make their blocks on first use, of the
    arrays as they were when called; ``get()`` on a backend whose stores the driver maps
    writes each input (an expression evaluated in place) straight into the result, with no
    joining task."""
    import nums.numpy as nps
    from nums.core import context
    from nums.core.array import kernels
    from nums.numpy import _manipulation

    a, b = np.arange(600.0) * 0.5, np.arange(600.0) - 7
    x, y = nps.asarray(a, block_shape=(250,)), nps.asarray(b, block_shape=(160,))
    joins: list = []
    real = _manipulation.submit
    monkeypatch.setattr(_manipulation, "submit", lambda fn, *args, **k: (
        joins.append(fn) if fn is kernels.join_parts else None) or real(fn, *args, **k))
    cases = [
        (nps.stack([x, y], axis=1), np.stack([a, b], axis=1)),
        (nps.column_stack([x, y ** 2, x[::2].repeat(2)]),
         np.column_stack([a, b ** 2, a[::2].repeat(2)])),
        (nps.concatenate([x * 2, y[::3], x[:5]]), np.concatenate([a * 2, b[::3], a[:5]])),
        (nps.hstack([y, x]), np.hstack([b, a])),
        (nps.vstack([x, y, x]), np.vstack([a, b, a])),
    ]
    x[0] = 1e6  # later writes are not seen
    y[-1] = -1e6
    mapped = x._local is None and context.get().backend.blocks_in_driver_memory
    for got, want in cases:
        np.testing.assert_array_equal(got.get(), want)
        if mapped:
            assert not joins, joins
    for got, want in cases:  # blocks, for other consumers
        np.testing.assert_array_equal((got * 2).sum(axis=0).get(), (want * 2).sum(axis=0))
        got[0] = -3.0
        want[0] = -3.0
        np.testing.assert_array_equal(got.get(), want)
