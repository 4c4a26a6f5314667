"""NumPy functions composed of distributed primitives (splitting, stacking, rearranging
views, ufunc compositions, selection and index arrays) against NumPy, on tiny blocks."""

from __future__ import annotations

import warnings

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


@pytest.mark.parametrize("axis", [2, -3, 1.0])
def test_array_split_axis_errors_are_numpys(axis):
    """NumPy reads ``ary.shape[axis]``: IndexError (not its subclass AxisError) for an axis
    out of range, TypeError for one that is not an integer."""
    for xp in (np, nps):
        with pytest.raises(Exception) as err:
            xp.array_split(xp.asarray(M), 3, axis=axis)
        if xp is np:
            expected = type(err.value)
    assert type(err.value) is expected


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


W = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, 2.0], [-1.0, 5.0, np.nan]])


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_nan_cumulative_and_arg(axis):
    for fn in ("nancumsum", "nancumprod"):
        check_against_numpy(lambda xp, a, f=fn: getattr(xp, f)(a, axis=axis), W,
                            block_shape=(2, 2))
    ok = W[[0, 2]]  # no all-NaN row
    for fn in ("nanargmax", "nanargmin"):
        check_against_numpy(lambda xp, a, f=fn: getattr(xp, f)(a, axis=axis), ok,
                            block_shape=(1, 2))
        check_against_numpy(lambda xp, a, f=fn: getattr(xp, f)(a, axis=axis, keepdims=True),
                            ok, block_shape=(1, 2))
    check_against_numpy(lambda xp, a: xp.nanargmax(a, axis=1), W)  # all-NaN row: ValueError
    check_against_numpy(lambda xp, a: xp.nanargmin(a), np.arange(6).reshape(2, 3))


def test_matrices_and_index_arrays():
    x = np.array([2.0, -1.0, 3.0, 0.5])
    for body in (lambda xp, v: xp.diagflat(v), lambda xp, v: xp.diagflat(v[:2], -1),
                 lambda xp, v: xp.vander(v), lambda xp, v: xp.vander(v, 6, increasing=True),
                 lambda xp, v: xp.vander(v, 0), lambda xp, v: xp.vander(v, 1),
                 lambda xp, v: xp.vander(v.astype(int)), lambda xp, v: xp.vander(v[None])):
        check_against_numpy(body, x, block_shape=(3,))
    for body in (lambda xp: xp.tril_indices(4), lambda xp: xp.tril_indices(4, -1, 6),
                 lambda xp: xp.triu_indices(5, 2), lambda xp: xp.triu_indices(3, 0, 2),
                 lambda xp: xp.mask_indices(4, xp.triu, 1)):
        check_against_numpy(body)
    check_against_numpy(lambda xp, a: xp.tril_indices_from(a, 1), M)
    check_against_numpy(lambda xp, a: xp.triu_indices_from(a), M)
    check_against_numpy(lambda xp, a: xp.triu_indices_from(a), V)  # ValueError


def test_ravel_and_unravel_index():
    rows, cols = np.array([0, 3, 6, 2]), np.array([4, 1, 0, 6])
    check_against_numpy(lambda xp, r, c: xp.ravel_multi_index((r, c), (7, 7)), rows, cols)
    check_against_numpy(lambda xp, r, c: xp.ravel_multi_index((r, c), (7, 9), order="F"),
                        rows, cols)
    check_against_numpy(lambda xp, r, c: xp.ravel_multi_index((r, c), (4, 5), mode="clip"),
                        rows, cols)
    check_against_numpy(lambda xp, r, c: xp.ravel_multi_index((r, c), (4, 5),
                                                              mode=("wrap", "clip")), rows, cols)
    check_against_numpy(lambda xp, r, c: xp.ravel_multi_index((r, c), (4, 5)), rows, cols)
    flat = np.array([0, 5, 17, 34, 20])
    check_against_numpy(lambda xp, i: xp.unravel_index(i, (5, 7)), flat)
    check_against_numpy(lambda xp, i: xp.unravel_index(i, (5, 7), order="F"), flat)
    check_against_numpy(lambda xp, i: xp.unravel_index(i, (2, 3, 6)), flat)
    check_against_numpy(lambda xp, i: xp.unravel_index(i, (3, 3)), flat)  # ValueError


@pytest.mark.parametrize("rowvar", [True, False])
def test_cov_and_corrcoef(rowvar):
    x = np.random.default_rng(4).standard_normal((5, 40))
    y = np.random.default_rng(5).standard_normal((2, 40))
    data = x if rowvar else x.T
    check_against_numpy(lambda xp, a: xp.cov(a, rowvar=rowvar), data, block_shape=(3, 7),
                        rtol=1e-10)
    check_against_numpy(lambda xp, a: xp.corrcoef(a, rowvar=rowvar), data, block_shape=(3, 7),
                        rtol=1e-10)
    check_against_numpy(lambda xp, a: xp.cov(a, bias=True, rowvar=rowvar), data, rtol=1e-10)
    check_against_numpy(lambda xp, a, b: xp.cov(a, b if rowvar else b.T, rowvar=rowvar),
                        data, y, rtol=1e-10)
    fw = np.arange(40) % 3
    aw = np.linspace(0.5, 2, 40)
    check_against_numpy(lambda xp, a, f, w: xp.cov(a, fweights=f, aweights=w, ddof=2,
                                                   rowvar=rowvar), data, fw, aw, rtol=1e-10)
    check_against_numpy(lambda xp, a: xp.cov(a[0] if rowvar else a[:, 0]), data, rtol=1e-10)
    check_against_numpy(lambda xp, a: xp.corrcoef(a[0] if rowvar else a[:, 0]), data)
    check_against_numpy(lambda xp, a: xp.cov(a, fweights=np.full(40, 1.5)), data)  # TypeError
    # y as one variable (1-d, or one row), complex data, weights with y, no variables
    check_against_numpy(lambda xp, a, b: xp.cov(a, b[0], rowvar=rowvar), data, y, rtol=1e-10)
    check_against_numpy(lambda xp, a, b: xp.cov(a, b[:1], rowvar=rowvar), data, y, rtol=1e-10)
    z = data + 1j * np.roll(data, 3)
    check_against_numpy(lambda xp, a: xp.cov(a, rowvar=rowvar), z, block_shape=(3, 7),
                        rtol=1e-10)
    check_against_numpy(lambda xp, a, b, w: xp.cov(a, b if rowvar else b.T, rowvar=rowvar,
                                                   aweights=w), data, y, aw, rtol=1e-10)
    check_against_numpy(lambda xp, a: xp.cov(a[:0] if rowvar else a[:, :0], rowvar=rowvar),
                        data)
    # the transposed view of the data (read in its own layout), with y
    check_against_numpy(lambda xp, a, b: xp.corrcoef(a.T, b.T, rowvar=not rowvar), data, y,
                        block_shape=(3, 7), rtol=1e-10)
    check_against_numpy(lambda xp, a, b: xp.cov(a.T, b if rowvar else b.T,
                                                rowvar=not rowvar), data, y, rtol=1e-10)
    check_against_numpy(lambda xp, a, b: xp.cov(a.T, b[0], rowvar=not rowvar, ddof=0),
                        data, y, rtol=1e-10)


def test_ediff1d():
    v = np.array([1, 4, 9, 16, 25, 36], dtype=np.int64)
    check_against_numpy(lambda xp, a: xp.ediff1d(a), v, block_shape=(4,))
    check_against_numpy(lambda xp, a: xp.ediff1d(a, to_end=[-1, -2], to_begin=99), v)
    check_against_numpy(lambda xp, a: xp.ediff1d(a.reshape(2, 3), to_begin=[0]), v)
    check_against_numpy(lambda xp, a: xp.ediff1d(a, to_end=0.5), v)  # TypeError: same_kind


def test_numpy_elementwise_functions():
    x = np.linspace(-3, 3, 11)
    check_against_numpy(lambda xp, a: xp.i0(a), x, block_shape=(4,))
    days = np.arange("2024-01-01", "2024-02-15", dtype="datetime64[D]")
    check_against_numpy(lambda xp, d: xp.is_busday(d), days, block_shape=(10,))
    check_against_numpy(lambda xp, d: xp.is_busday(d, weekmask="1010101",
                                                   holidays=["2024-01-02"]), days)
    check_against_numpy(lambda xp, d: xp.busday_count(d[:-7], d[7:]), days, block_shape=(9,))
    check_against_numpy(lambda xp, d: xp.busday_offset(d, 3, roll="forward"), days,
                        block_shape=(9,))
    check_against_numpy(lambda xp, d: xp.datetime_as_string(d, unit="D"), days)
    check_against_numpy(lambda xp, d: xp.datetime_as_string(d), days.astype("datetime64[s]"))


@pytest.mark.parametrize("fn", ["bartlett", "blackman", "hamming", "hanning"])
@pytest.mark.parametrize("m", [0, 1, 2, 7, 50])
def test_windows(fn, m):
    check_against_numpy(lambda xp: getattr(xp, fn)(m))


@pytest.mark.parametrize("m,beta", [(1, 3.0), (8, 0.0), (33, 14.0)])
def test_kaiser(m, beta):
    check_against_numpy(lambda xp: xp.kaiser(m, beta), rtol=1e-12)


def test_tile_repeat_resize():
    x = np.arange(12).reshape(3, 4)
    for body in (lambda xp, a: xp.tile(a, 2), lambda xp, a: xp.tile(a, (2, 1)),
                 lambda xp, a: xp.tile(a, (2, 1, 3)), lambda xp, a: xp.tile(a, (1, 1)),
                 lambda xp, a: xp.tile(a[0], (3, 0)),
                 lambda xp, a: xp.repeat(a, 2), lambda xp, a: xp.repeat(a, 3, axis=1),
                 lambda xp, a: xp.repeat(a, [1, 0, 2], axis=0),
                 lambda xp, a: xp.repeat(a, [2], axis=1), lambda xp, a: xp.repeat(a, 0),
                 lambda xp, a: xp.repeat(a, [1, 2], axis=0),  # ValueError: wrong length
                 lambda xp, a: xp.repeat(a, -1),  # ValueError
                 lambda xp, a: xp.resize(a, (5, 7)), lambda xp, a: xp.resize(a, 5),
                 lambda xp, a: xp.resize(a, (0, 3)), lambda xp, a: xp.resize(a[:0], (2, 2))):
        check_against_numpy(body, x, block_shape=(2, 3))


def test_trim_zeros():
    v = np.array([0, 0, 3, 0, 5, 0, 0])
    for trim in ("fb", "f", "b", "BF"):
        check_against_numpy(lambda xp, a, t=trim: xp.trim_zeros(a, t), v, block_shape=(3,))
    check_against_numpy(lambda xp, a: xp.trim_zeros(a), np.zeros(4))
    check_against_numpy(lambda xp, a: xp.trim_zeros(a, "x"), v)  # ValueError
    m = np.zeros((5, 6))
    m[1:3, 2:5] = 1
    check_against_numpy(lambda xp, a: xp.trim_zeros(a), m, block_shape=(2, 2))
    check_against_numpy(lambda xp, a: xp.trim_zeros(a, axis=1), m, block_shape=(2, 2))

    def write(xp, a):  # a view, as NumPy's
        t = xp.trim_zeros(a)
        t[0] = -1
        return t
    check_against_numpy(write, v.astype(float), block_shape=(3,))


def test_dtype_utilities_and_requirements():
    x = np.arange(6.0).reshape(2, 3)
    for body in (lambda xp, a: xp.common_type(a, a.astype(np.float32)),
                 lambda xp, a: xp.mintypecode([a.astype(np.float32), "d"]),
                 lambda xp, a: xp.min_scalar_type(a),
                 lambda xp, a: xp.min_scalar_type(a[0, 1]),
                 lambda xp, a: xp.astype(a, np.int32),
                 lambda xp, a: xp.asfortranarray(a, dtype=np.float32),
                 lambda xp, a: xp.require(a, np.float32, ["W", "O"]),
                 lambda xp, a: xp.require(a[:, 1:], requirements="O"),
                 lambda xp, a: xp.require(a, requirements=["C", "F"]),  # ValueError
                 lambda xp, a: xp.asarray_chkfinite(a),
                 lambda xp, a: xp.asarray_chkfinite(a / 0.0),  # ValueError
                 lambda xp, a: xp.iterable(a), lambda xp, a: xp.typename(a.dtype.char)):
        check_against_numpy(body, x)
    assert nps.seterr is np.seterr and nps.base_repr is np.base_repr


def test_printing_functions():
    small = np.linspace(0, 1, 7)
    big = np.arange(3000.0).reshape(100, 30)
    for a in (small, big, np.array([1 + 2j, -1e-9j])):
        x = nps.asarray(a)
        assert nps.array_str(x) == np.array_str(a)
        assert nps.array_str(x, precision=2, suppress_small=True) == np.array_str(
            a, precision=2, suppress_small=True)
        assert nps.array_repr(x) == np.array_repr(a)
        assert nps.array2string(x, separator=", ", prefix="v = ") == np.array2string(
            a, separator=", ", prefix="v = ")
        assert nps.array2string(x, threshold=5, edgeitems=2) == np.array2string(
            a, threshold=5, edgeitems=2)


def test_vector_products_cross_polyval():
    rng = np.random.default_rng(7)
    a = rng.standard_normal((4, 5, 3))
    b = rng.standard_normal((5, 3))
    c = rng.standard_normal((4, 3, 6)) + 1j
    for body in (lambda xp, x, y: xp.vecdot(x, y), lambda xp, x, y: xp.vecdot(x, y, axis=1),
                 lambda xp, x, y: xp.matvec(x, y[0]), lambda xp, x, y: xp.vecmat(y[0], x[0].T),
                 lambda xp, x, y: xp.cross(x, y), lambda xp, x, y: xp.cross(x, y[..., :2]),
                 lambda xp, x, y: xp.cross(x[..., :2], y[..., :2]),
                 lambda xp, x, y: xp.cross(x, y, axisc=0),
                 lambda xp, x, y: xp.cross(x.transpose(2, 0, 1), y, axisa=0),
                 lambda xp, x, y: xp.cross(x[..., :1], y)):  # ValueError
        check_against_numpy(body, a, b, rtol=1e-12)
    check_against_numpy(lambda xp, x, z: xp.vecmat(x[0, 0], z), a, c, rtol=1e-12)
    check_against_numpy(lambda xp, x: xp.polyval([3.0, -1.0, 2.0, 0.5], x), a, rtol=1e-12)
    check_against_numpy(lambda xp, x: xp.polyval(np.array([2, 1]), x.astype(int)), a)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("fn", ["convolve", "correlate"])
def test_convolve_correlate(fn, mode):
    rng = np.random.default_rng(8)
    long, short = rng.standard_normal(53), rng.standard_normal(6)
    z = rng.standard_normal(20) + 1j * rng.standard_normal(20)
    for x, y in ((long, short), (short, long), (z, short), (short, z), (z, z[:4]),
                 (long.astype(np.float32), short.astype(np.int32)), (short[:1], long)):
        check_against_numpy(lambda xp, p, q: getattr(xp, fn)(p, q, mode), x, y,
                            block_shape=(4,), rtol=1e-12, atol=1e-12)
    check_against_numpy(lambda xp, p, q: getattr(xp, fn)(p, q[:0], mode), long, short)
    check_against_numpy(lambda xp, p, q: getattr(xp, fn)(p, q, "bad"), long, short)
    # NumPy's names are lower case (nums took "SAME" as "same")
    check_against_numpy(lambda xp, p, q: getattr(xp, fn)(p, q, mode.upper()), long, short)


def test_choose():
    idx = np.array([[0, 2, 1], [1, 0, 2]])
    choices = [np.arange(6).reshape(2, 3), np.full(3, -1.5), 7]
    for mode in ("raise", "wrap", "clip"):
        check_against_numpy(lambda xp, i, m=mode: xp.choose(i, choices, mode=m), idx)
        check_against_numpy(lambda xp, i, m=mode: xp.choose(i + 2, choices, mode=m), idx)
    check_against_numpy(lambda xp, i: xp.choose(i, choices, mode="bad"), idx)


def test_block():
    a, b = np.ones((2, 2)), np.zeros((2, 3))
    for body in (lambda xp, p, q: xp.block([[p, q], [p * 3, q + 1]]),
                 lambda xp, p, q: xp.block([p[0], q[0]]),
                 lambda xp, p, q: xp.block([[p], [p * 2]]),
                 lambda xp, p, q: xp.block([[[p]], [[p]]]),
                 lambda xp, p, q: xp.block(p),
                 lambda xp, p, q: xp.block([p, [q]]),  # ValueError: depths
                 lambda xp, p, q: xp.block([]),  # ValueError: empty
                 lambda xp, p, q: xp.block((p, q))):  # TypeError: tuple
        check_against_numpy(body, a, b)


def test_delete():
    x = np.arange(20).reshape(4, 5)
    for obj, axis in ((1, 0), (-1, 1), ([0, 3], 1), (slice(1, None, 2), 0), ([], 0),
                      (np.array([True, False, True, False]), 0), (3, None), ([2, 2, 7], None),
                      (9, 1), ([0, 9], 0), (np.array([True, False]), 0)):
        check_against_numpy(lambda xp, a, o=obj, ax=axis: xp.delete(a, o, axis=ax), x,
                            block_shape=(2, 2))


def test_apply_over_axes():
    x = np.arange(24.0).reshape(2, 3, 4)
    check_against_numpy(lambda xp, a: xp.apply_over_axes(xp.sum, a, [0, 2]), x)
    check_against_numpy(lambda xp, a: xp.apply_over_axes(xp.mean, a, -1), x)


def test_polynomials():
    rng = np.random.default_rng(9)
    x = np.linspace(-2, 3, 60)
    y = 2 * x**3 - x + 0.5 + 0.01 * rng.standard_normal(60)
    y2 = np.column_stack([y, -y])
    for body in (lambda xp, a, b: xp.polyfit(a, b, 3),
                 lambda xp, a, b: xp.polyfit(a, b, 2, w=np.linspace(1, 2, 60)),
                 lambda xp, a, b: xp.polyfit(a, b, 3, full=True)[:3],
                 lambda xp, a, b: xp.polyfit(a, b, 3, cov=True),
                 lambda xp, a, b: xp.polyfit(a, b, 3, cov="unscaled"),
                 lambda xp, a, b: xp.polyfit(a, b[:5], 3)):  # TypeError
        check_against_numpy(body, x, y, rtol=1e-8, atol=1e-10)
    check_against_numpy(lambda xp, a, b: xp.polyfit(a, b, 1), x, y2, rtol=1e-8, atol=1e-10)
    for body in (lambda xp: xp.polyadd([1, 2], [3, 4, 5]), lambda xp: xp.polymul([1, 2], [3, 1]),
                 lambda xp: xp.polydiv([1, -3, 2], [1, -1]), lambda xp: xp.polyder([1, 2, 3]),
                 lambda xp: xp.polyint([3, 2, 1]), lambda xp: xp.roots([1, -3, 2]),
                 lambda xp: xp.poly([1, 2]), lambda xp: xp.fromiter(range(5), float),
                 lambda xp: xp.fromstring("1 2 3", sep=" ")):
        check_against_numpy(body)


PAD_CASES = [((2, 3), "constant", {}),
             (((1, 2), (3, 0)), "constant", {"constant_values": ((7, 8), (9, 10))}),
             (2, "edge", {}), ((3, 7), "wrap", {}), (((2, 9), (1, 4)), "reflect", {}),
             ((5, 6), "symmetric", {}), (2, "reflect", {"reflect_type": "odd"}),
             (2, "symmetric", {"reflect_type": "odd"}), (9, "reflect", {"reflect_type": "odd"}),
             ((2, 3), "linear_ramp", {"end_values": (5, -3)}), (3, "maximum", {}),
             (((1, 2), (2, 1)), "minimum", {"stat_length": 2}),
             (2, "mean", {"stat_length": ((1, 3), (2, 2))}), (0, "edge", {}),
             (-1, "edge", {}), (2, "bogus", {}), (2, "edge", {"constant_values": 3})]


@pytest.mark.parametrize("pad_width,mode,kwargs", PAD_CASES)
@pytest.mark.parametrize("dtype", [float, int])
def test_pad(pad_width, mode, kwargs, dtype):
    a = (np.arange(20.0).reshape(4, 5) ** 1.5).astype(dtype)
    check_against_numpy(lambda xp, x: xp.pad(x, pad_width, mode, **kwargs), a,
                        block_shape=(3, 2), rtol=1e-12)


def test_pad_modes_numpy_runs():  # median and callables: the fallback gives NumPy's values
    from nums.numpy import _fallback

    a = np.arange(12.0).reshape(3, 4)
    _fallback._warned.discard("numpy.pad")  # the warning comes once per function and session
    with pytest.warns(nps.GatherWarning):  # (blocks: a driver-resident array is NumPy's)
        assert_same(nps.pad(nps.asarray(a, block_shape=(2, 2)), 2, "median"),
                    np.pad(a, 2, "median"))
    assert_same(nps.pad(nps.asarray(a), 2, "median"), np.pad(a, 2, "median"))


@pytest.mark.parametrize("args", [(1, 1000, 4), (1, 1000, 4, False), (-1000, -1, 5),
                                  (2, 2, 3), (1j, 1000j, 4), (-1 + 0j, 1 + 0j, 5), (1, 256, 9),
                                  (1, 0, 3), (3, 1, 0), (1, 2, 1)])
def test_geomspace(args):
    check_against_numpy(lambda xp: xp.geomspace(*args), rtol=1e-12)
    check_against_numpy(lambda xp: xp.geomspace(*args, dtype=np.complex64 if isinstance(
        args[0], complex) else np.float32), rtol=1e-6)


def test_interp_and_lexsort():
    rng = np.random.default_rng(10)
    x = rng.uniform(-1, 11, 50)
    xp = np.linspace(0, 10, 11)
    fp = np.sin(xp)
    for kwargs in ({}, {"left": -5.0, "right": 5.0}, {"period": 3.0}):
        check_against_numpy(lambda q, v, k=kwargs: q.interp(v, xp, fp, **k), x,
                            block_shape=(7,))
    check_against_numpy(lambda q, v: q.interp(v, xp + 0j * 0, fp + 1j), x)  # complex fp
    check_against_numpy(lambda q, v: q.interp(v, xp, fp[:3]), x)  # ValueError
    a, b = rng.integers(0, 3, 40), rng.integers(0, 4, 40)
    c = np.where(rng.random(40) < 0.2, np.nan, rng.standard_normal(40))
    check_against_numpy(lambda q, p, r: q.lexsort((p, r)), a, b, block_shape=(6,))
    check_against_numpy(lambda q, p, r, s: q.lexsort((s, p, r)), a, b, c, block_shape=(6,))
    check_against_numpy(lambda q, p, r: q.lexsort((p, r[:5])), a, b)  # ValueError
    check_against_numpy(lambda q, p, r: q.lexsort(q.stack([p, r])), a, b)


def test_convolve_and_correlate_leave_out_products_beyond_the_input():
    # NumPy's full convolution sums only the products within the input: zeros padded at the
    # ends made NaN of an infinity or NaN of the kernel there
    rng = np.random.default_rng(17)
    cases = [(np.arange(1.0, 11), np.array([0.0, 1.0, np.inf])),
             (np.array([-3.5, -1, 2, 2.5, -3, -3.5, 0, 2]), np.array([0.0, 1.5, np.nan]))]
    for _ in range(40):
        a, v = rng.random(rng.integers(3, 25)) * 4 - 2, rng.random(rng.integers(1, 6)) * 4 - 2
        a[rng.integers(a.size)] = [np.inf, np.nan, -np.inf][rng.integers(3)]
        v[rng.integers(v.size)] = [np.inf, np.nan][rng.integers(2)]
        cases.append((a, v))
    for a, v in cases:
        for name in ("convolve", "correlate"):
            for mode in ("full", "same", "valid"):
                want = getattr(np, name)(a, v, mode)
                got = getattr(nps, name)(nps.asarray(a, block_shape=(3,)), nps.asarray(v), mode)
                np.testing.assert_allclose(got.get(), want, rtol=1e-12, atol=1e-12)


def test_small_differences_from_numpy_found_by_fuzzing():
    # cov/corrcoef keep a float32 dtype=; array_equal(equal_nan=True) counts NaT as NaN;
    # putmask with no values writes nothing
    m = np.random.default_rng(2).random((4, 9))
    for name in ("cov", "corrcoef"):
        got = getattr(nps, name)(nps.asarray(m, block_shape=(2, 4)), dtype=np.float32)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got.get(), getattr(np, name)(m, dtype=np.float32),
                                   rtol=1e-5)
    t = np.array(["NaT", 5, "NaT", 7, 8, 9, 1, 2], "timedelta64[s]")
    assert nps.array_equal(nps.asarray(t, block_shape=(3,)), nps.asarray(t), equal_nan=True)
    assert not nps.array_equal(nps.asarray(t, block_shape=(3,)), nps.asarray(t))
    u = np.arange(6)
    x = nps.asarray(u, block_shape=(4,))
    nps.putmask(x, nps.asarray(u > 2), [])
    np.testing.assert_array_equal(x.get(), u)


def test_pad_statistics_of_zero_values():
    """``stat_length=0``: NumPy's mean of no values is NaN (cast into integers as NumPy casts
    NaN), and its maximum and minimum refuse, for any axis."""
    a = np.array([3.0, 1, 2, 5, 4])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for x in (a, np.arange(5)):
            for sl in (0, (0, 1), (1, 0)):
                assert_same(nps.pad(nps.asarray(x, block_shape=(2,)), 2, mode="mean",
                                    stat_length=sl),
                            np.pad(x, 2, mode="mean", stat_length=sl))
    m = np.arange(12.0).reshape(3, 4)
    for mode in ("maximum", "minimum"):
        for sl in (0, (0, 1), ((0, 0), (1, 1))):
            with pytest.raises(ValueError, match="stat_length of 0"):
                nps.pad(nps.asarray(m, block_shape=(2, 2)), ((0, 0), (1, 1)), mode=mode,
                        stat_length=sl)
