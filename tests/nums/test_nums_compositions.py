"""NumPy functions composed of distributed primitives (splitting, stacking, rearranging
views, ufunc compositions, selection and index arrays) against NumPy, on tiny blocks."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps

A = np.arange(6 * 7 * 4, dtype=float).reshape(6, 7, 4) - 50
M = np.random.default_rng(0).standard_normal((7, 5))
V = np.array([0.0, -0.0, 1.5, -2.5, np.inf, -np.inf, np.nan, 3.0])
Z = np.array([1 + 2j, -3 - 0j, 0 + 0j, 2.5 - 1e-20j, np.nan + 1j])


@pytest.mark.parametrize("sections", [1, 3, [2, 5], [0, 9], [4, 2]])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_array_split_and_views(sections, axis):
    check_against_numpy(lambda xp, a: xp.array_split(a, sections, axis=axis), A,
                        block_shape=(4, 3, 3))

    def write_through(xp, a):  # the pieces are views: writes reach the input
        parts = xp.array_split(a, sections, axis=axis)
        parts[-1][...] = -1
        return parts[0]
    check_against_numpy(write_through, A, block_shape=(4, 3, 3))


@pytest.mark.parametrize("fn,arg", [("split", 2), ("split", 4), ("hsplit", 7), ("vsplit", 3),
                                    ("dsplit", 2), ("dsplit", [1, 3]), ("hsplit", [3])])
def test_split_family(fn, arg):
    check_against_numpy(lambda xp, a: getattr(xp, fn)(a, arg), A, block_shape=(4, 3, 3))
    check_against_numpy(lambda xp, a: getattr(xp, fn)(a, arg), M)  # errors below 3-d
    check_against_numpy(lambda xp, a: getattr(xp, fn)(a, 2), V)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_unstack(axis):
    check_against_numpy(lambda xp, a: xp.unstack(a, axis=axis), A, block_shape=(4, 3, 3))


def test_stacking():
    x, y = M, M * 2
    for body in (lambda xp, a, b: xp.column_stack([a, b]),
                 lambda xp, a, b: xp.column_stack([a[:, 0], b]),
                 lambda xp, a, b: xp.dstack([a, b]),
                 lambda xp, a, b: xp.dstack([a[0], b[0]]),
                 lambda xp, a, b: xp.atleast_3d(a),
                 lambda xp, a, b: xp.atleast_3d(a[0], a[0, 0], b),
                 lambda xp, a, b: xp.append(a, b),
                 lambda xp, a, b: xp.append(a, b, axis=0),
                 lambda xp, a, b: xp.append(a, b[:, :2], axis=1),
                 lambda xp, a, b: xp.append(a, b, axis=2),  # AxisError, as NumPy
                 lambda xp, a, b: xp.kron(a[:3, :2], b[:2, :4]),
                 lambda xp, a, b: xp.kron(a[0], b[:3]),
                 lambda xp, a, b: xp.kron(a[0, 0], b[:3, :2])):
        check_against_numpy(body, x, y, block_shape=(3, 2))
    with pytest.warns(DeprecationWarning):
        got = nps.row_stack([nps.asarray(x), nps.asarray(y)])
    assert_same(got, np.vstack([x, y]))


@pytest.mark.parametrize("k", [-1, 0, 1, 2, 3, 5])
@pytest.mark.parametrize("axes", [(0, 1), (1, 0), (0, 2), (2, -3)])
def test_rot90(k, axes):
    check_against_numpy(lambda xp, a: xp.rot90(a, k, axes), A, block_shape=(4, 3, 3))


def test_rearranging_views_and_errors():
    for body in (lambda xp, a: xp.fliplr(a), lambda xp, a: xp.flipud(a),
                 lambda xp, a: xp.rollaxis(a, 2), lambda xp, a: xp.rollaxis(a, 0, 3),
                 lambda xp, a: xp.rollaxis(a, 1, -1), lambda xp, a: xp.rollaxis(a, 1, 5),
                 lambda xp, a: xp.matrix_transpose(a), lambda xp, a: xp.rot90(a, axes=(0, 0)),
                 lambda xp, a: xp.rot90(a, axes=(0, 3))):
        check_against_numpy(body, A, block_shape=(4, 3, 3))

    def write(xp, a):
        v = xp.fliplr(a)
        v[0, 0] = 999.0
        r = xp.rot90(a)
        r[1, 2] = -7.0
        return v
    check_against_numpy(write, M, block_shape=(3, 2))
    check_against_numpy(lambda xp, a: xp.fliplr(a), V)
    check_against_numpy(lambda xp, a: xp.matrix_transpose(a), V)


@pytest.mark.parametrize("fn", ["angle", "fix", "isposinf", "isneginf", "iscomplex", "isreal",
                                "sinc", "real_if_close"])
def test_elementwise_compositions(fn, backend_name):
    f = getattr(np, fn)
    check_against_numpy(lambda xp, v: getattr(xp, fn)(v), V)
    check_against_numpy(lambda xp, v: getattr(xp, fn)(v), np.arange(-3, 4))
    if fn not in ("isposinf", "isneginf", "fix"):
        check_against_numpy(lambda xp, z: getattr(xp, fn)(z), Z)
    else:
        check_against_numpy(lambda xp, z: getattr(xp, fn)(z), Z)  # TypeError for complex
    if fn == "angle":
        check_against_numpy(lambda xp, z: xp.angle(z, deg=True), Z)
    assert f is not None


def test_real_if_close_both_ways():
    close = np.array([1 + 1e-18j, 2 - 1e-17j])
    check_against_numpy(lambda xp, z: xp.real_if_close(z), close)
    check_against_numpy(lambda xp, z: xp.real_if_close(z, tol=1e-30), close)


def test_select_extract_compress():
    x = M
    check_against_numpy(lambda xp, a: xp.select([a < -1, a > 1], [a * 10, a], default=-5),
                        x, block_shape=(3, 2))
    check_against_numpy(lambda xp, a: xp.select([a < 0], [3], default=0.5), x)
    check_against_numpy(lambda xp, a: xp.select([a < 0], [a, a]), x)  # ValueError
    check_against_numpy(lambda xp, a: xp.select([a], [a]), x)  # TypeError: not boolean
    check_against_numpy(lambda xp, a: xp.extract(a > 0.3, a), x, block_shape=(3, 2))
    check_against_numpy(lambda xp, a: xp.flatnonzero(a > 0.3), x, block_shape=(3, 2))
    check_against_numpy(lambda xp, a: xp.compress([True, False, True], a, axis=1), x,
                        block_shape=(3, 2))
    check_against_numpy(lambda xp, a: xp.compress([False, True], a), x, block_shape=(3, 2))
    check_against_numpy(lambda xp, a: xp.compress([True] * 6, a, axis=1), x)  # IndexError


def test_index_arrays():
    check_against_numpy(lambda xp: xp.indices((3, 4)))
    check_against_numpy(lambda xp: xp.indices((2, 3, 2), dtype=np.int32, sparse=True))
    check_against_numpy(lambda xp: xp.indices(()))
    check_against_numpy(lambda xp: xp.fromfunction(lambda i, j: i * 10 + j, (4, 5)))
    check_against_numpy(lambda xp: xp.fromfunction(lambda i, j: i == j, (3, 3), dtype=int))
    check_against_numpy(lambda xp: xp.ix_([0, 2, 5], [1, 3]))
    check_against_numpy(lambda xp, a: xp.ix_(a[:, 0] > 0, [True, False, True, False, True]),
                        M, block_shape=(3, 2))
    check_against_numpy(lambda xp: xp.diag_indices(4))
    check_against_numpy(lambda xp: xp.diag_indices(3, ndim=3))
    check_against_numpy(lambda xp, a: xp.diag_indices_from(a), np.ones((5, 5)))
    check_against_numpy(lambda xp, a: xp.diag_indices_from(a), M)  # ValueError
