"""NumPy's view, copy and in-place semantics: each body runs with numpy and with nums.numpy
on the same values (tiny blocks), and every result and every input array must match."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps

A = np.arange(8 * 9, dtype=np.float64).reshape(8, 9)
V = np.arange(20, dtype=np.int64)
C = (np.arange(12) + 1j * np.arange(12, 0, -1)).reshape(3, 4)


# ---------------------------------------------------------------------------- views


def _view_then_write_base(xp, a):
    v = a[2:7:2, ::-3]
    w = v[1:]  # a view of a view
    a[4, 6] = -1.0
    a[:, 0] = 5.0
    return v, w


def _write_view_read_base(xp, a):
    v = a[1:-1, 1:-1]
    v[::2, 1::3] = -7.0
    u = v[2:, ::-1]
    u[0] = 3.5  # through two views
    t = u.T[1:3]
    t[...] = 0.25  # through three views
    return a[::2]


def _integer_chains(xp, a):
    a[2][3] = 100.0
    row = a[5]
    row[:] = 0
    a[-1, ...][None, 2:4] = 9
    col = a[..., 4]
    col += 1
    return row, col


def _strided_assignment(xp, a):
    a[1::2, ::2] = 1
    a[::-2, 1::3] = np.arange(4.0)[:, None]
    a[7:1:-2, -1] = [10.0, 20.0, 30.0]
    return a


def _prefix_view(xp, x):
    v = x[:5]
    x[0] = 100
    return v[0], v


def _transpose_family(xp, a):
    t = a.T
    s = xp.swapaxes(a, 0, 1)
    m = xp.moveaxis(a[None], 0, -1)
    t[1, 2:5] = -1.0
    s[0] *= 2
    m[..., 0][3] = 42.0
    a[0, 0] = 7.0
    return t, s, m


def _reshape_family(xp, a):
    flat = a.ravel()  # C-contiguous: a view
    r = a.reshape(3, 24)  # a view
    e = xp.expand_dims(a, 1)
    q = xp.squeeze(e)
    flat[5] = -5.0
    r[2, ::5] = 11.0
    q[3] += 1
    copy = a[:, ::2].reshape(-1)  # not contiguous: a copy, as in numpy
    copy[0] = 1e9
    a[7, 8] = 0.5
    return flat, r, e, q, copy


def _ravel_of_non_contiguous_is_copy(xp, a):
    r = a.T.ravel()
    r[0] = -1
    return r


def _atleast_views(xp, x):
    v = xp.atleast_2d(x)
    v[0, 1] = 55
    return v


def _real_imag(xp, c):
    re, im = c.real, c.imag
    re[0] = -1.0
    im[:, 1] = 100.0
    c[2, 2] = 5 + 5j
    return xp.real(c)[1], xp.imag(c), re, im


def _game_of_life_step(xp, z):
    z = (z % 3 == 0).astype(np.int64)
    n = (z[0:-2, 0:-2] + z[0:-2, 1:-1] + z[0:-2, 2:] + z[1:-1, 0:-2] + z[1:-1, 2:]
         + z[2:, 0:-2] + z[2:, 1:-1] + z[2:, 2:])
    birth = (n == 3) & (z[1:-1, 1:-1] == 0)
    survive = ((n == 2) | (n == 3)) & (z[1:-1, 1:-1] == 1)
    z[...] = 0
    z[1:-1, 1:-1][birth | survive] = 1
    return z


@pytest.mark.parametrize("body", [
    _view_then_write_base, _write_view_read_base, _integer_chains, _strided_assignment,
    _transpose_family, _reshape_family, _ravel_of_non_contiguous_is_copy, _game_of_life_step,
])
@pytest.mark.parametrize("block_shape", [(3, 2), (8, 9), (5, 4)])
def test_views_of_a_matrix(body, block_shape):
    check_against_numpy(body, A, block_shape=block_shape)


@pytest.mark.parametrize("body", [_prefix_view, _atleast_views])
def test_views_of_a_vector(body):
    check_against_numpy(body, V, block_shape=(3,))


def test_real_and_imag_are_views():
    check_against_numpy(_real_imag, C, block_shape=(2, 3))


def test_imag_of_real_array_is_read_only_zeros():
    check_against_numpy(lambda xp, a: a.imag, A)
    with pytest.raises(ValueError, match="read-only"):
        nps.array(A).imag[0] = 1
    for a in (np.array(["ab", "c"]), np.array([b"x"]), np.array([True]),
              np.array(["2020-01-01"], "datetime64[D]"), np.array([1, "a"], object)):
        for block_shape in (None, (1,)):  # NumPy's zeros of the dtype: '' for strings
            assert_same(nps.imag(nps.asarray(a, block_shape=block_shape)), np.imag(a))


def test_iteration_yields_views():
    def body(xp, a):
        for row in a:
            row[::2] = -row[::2]
        return a

    check_against_numpy(body, A, block_shape=(3, 4))


def test_base_flags_and_shared_memory():
    x = nps.array(A, block_shape=(3, 4))
    assert x.base is None and x.flags.owndata and x.flags.c_contiguous
    v = x[1:, ::2]
    assert v.base is x and v[1:].base is x and x.T.base is x
    assert not v.flags.owndata and not v.flags.c_contiguous
    assert x.T.flags.f_contiguous and not x.T.flags.c_contiguous
    a = A.copy()
    pairs = [(lambda t: (t[:, ::2], t[:, 1::2])), (lambda t: (t[0], t[0, 3:])),
             (lambda t: (t[:4], t[4:])), (lambda t: (t.T, t)), (lambda t: (t.ravel(), t[2]))]
    for make in pairs:
        p, q = make(x)
        e, f = make(a)
        assert nps.shares_memory(p, q) == np.shares_memory(e, f)
        assert nps.may_share_memory(p, q) == np.may_share_memory(e, f)
        assert np.shares_memory(p, q) == np.shares_memory(e, f)  # through numpy's dispatch
    assert not nps.shares_memory(x, x.copy()) and not nps.shares_memory(x, nps.array(x))


# ---------------------------------------------------------------------------- read-only


def test_read_only_results_refuse_writes():
    x = nps.array(A, block_shape=(3, 4))
    d = nps.diagonal(x)
    b = nps.broadcast_to(x[0], (3, 9))
    assert not d.flags.writeable and not b.flags.writeable
    for target in (d, b, b[1:], d[::2]):
        with pytest.raises(ValueError, match="read-only"):
            target[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        d += 1
    with pytest.raises(ValueError):
        d.flags.writeable = True
    x[0, 0] = -3.0  # a read-only view still shows writes to its base
    assert float(d[0]) == -3.0 and float(b[2, 0]) == -3.0
    assert_same(x, np.where(np.arange(72).reshape(8, 9) == 0, -3.0, A))


def test_writeable_flag_as_numpy():
    def body(xp, a):
        v = a[2:]
        a.flags.writeable = False
        w = a[:3]  # a view taken after: read-only
        v[0, 0] = 1.0  # a view taken before stays writeable, as in numpy
        return w.flags.writeable, v.flags.writeable, a

    check_against_numpy(body, A)

    def refused(xp, a):
        a.flags.writeable = False
        a[1] = 3

    check_against_numpy(refused, A)


# ---------------------------------------------------------------------------- copies


@pytest.mark.parametrize("make", [
    lambda xp, x: xp.asarray(x, copy=True), lambda xp, x: xp.array(x), lambda xp, x: x.copy(),
    lambda xp, x: xp.copy(x), lambda xp, x: x[[0, 1, 2]], lambda xp, x: x.flatten(),
    lambda xp, x: xp.take(x, 1, axis=0),
])
def test_copies_are_independent(make):
    def body(xp, a):
        y = make(xp, a)
        y += 1
        a[0] = -2.0
        return y

    check_against_numpy(body, A, block_shape=(3, 4))


def test_asarray_without_copy_is_the_array():
    x = nps.array(A)
    assert nps.asarray(x) is x and np.asarray(A) is not None
    with pytest.raises(ValueError):
        nps.asarray(x, dtype=np.float32, copy=False)


# ---------------------------------------------------------------------------- in place


@pytest.mark.parametrize("op", ["+=", "-=", "*=", "/=", "//=", "%=", "**="])
def test_augmented_operators_on_views(op):
    def body(xp, a):
        v = a[1:6:2, ::4]
        exec(f"v {op} 3.0")
        t = a.T[::3]
        exec(f"t {op} 2.0")
        return v, t

    check_against_numpy(body, A + 1.0, block_shape=(3, 4))


@pytest.mark.parametrize("op", ["&=", "|=", "^=", "<<=", ">>="])
def test_integer_augmented_operators(op):
    def body(xp, x):
        v = x[::3]
        exec(f"v {op} 2")
        return v

    check_against_numpy(body, V, block_shape=(4,))


def test_out_arguments_write_into_views_and_bases():
    def body(xp, a):
        o = a[::2, 1:5]
        xp.add(a[1::2, :4], 1.0, out=o)
        xp.sum(a[:, :3], axis=1, out=a[:, 8])
        xp.multiply(a[0], 2, out=a[-1])
        xp.negative(a[2], out=a[2], where=a[2] > 30)
        xp.clip(a[3], 5, 40, out=a[3])
        xp.matmul(a[:4, :4], a[:4, :4], out=a[4:, :4])
        xp.cumsum(a[:, 6], out=a[:, 6])
        xp.concatenate([a[0, :2], a[1, :3]], out=a[7, :5])
        return o

    check_against_numpy(body, A / 7.0, block_shape=(3, 4))


def test_advanced_writes():
    def body(xp, x):
        x[[1, 1, 5, 5, 5]] += 1  # repeated indices: each applied once, as numpy
        x[[2, 3, 2]] = [10, 20, 30]  # the last of repeated indices wins
        x[x > 12] *= -1
        x[np.array([True, False] * 10)] = np.arange(10)
        v = x[4:]
        v[[0, 2]] = -5
        v[v < 0] = 0
        return x

    check_against_numpy(body, V, block_shape=(3,))

    def matrix(xp, a):
        a[[0, 2, 2], [1, 3, 3]] = [1.0, 2.0, 3.0]
        a[1:3, [0, 8]] = -1.0
        a[[[4], [6]], [1, 2]] = 9.0
        a[a[:, 0] > 30] = 0.5
        return a

    check_against_numpy(matrix, A, block_shape=(3, 4))


def test_ufunc_at_accumulates_repeats():
    def body(xp, x):
        xp.add.at(x, [0, 0, 0, 7], 1)
        xp.multiply.at(x[5:], [1, 1], 3)
        np.subtract.at(x, (np.array([2, 9]),), np.array([4, 5]))
        np.negative.at(x, [19])
        return x

    check_against_numpy(body, V, block_shape=(4,))


def test_in_place_functions():
    def body(xp, a):
        xp.fill_diagonal(a, -1.0)
        xp.put(a, [0, 0, 10, 71], [5.0, 6.0, 7.0])
        xp.place(a[5:], a[5:] > 60, [1.5, 2.5])
        xp.putmask(a, a > 50, 0.0)
        xp.copyto(a[1], 3)
        xp.copyto(a[2], a[3], where=a[3] > 28)
        xp.put_along_axis(a, np.array([[1], [2], [3], [4], [5], [6], [7], [8]]), 77.0, axis=1)
        a[6].fill(2.0)
        a[7].sort()
        return a

    check_against_numpy(body, np.random.default_rng(0).random((8, 9)) * 100,
                        block_shape=(3, 4))

    def numpy_errors(xp, a):
        xp.copyto(a[:, :3], np.ones(2))

    check_against_numpy(numpy_errors, A)
    check_against_numpy(lambda xp, x: xp.copyto(x, 2.5), V)  # same_kind: float into int
    check_against_numpy(lambda xp, x: xp.put(x, [30], 1), V)
    check_against_numpy(lambda xp, x: xp.fill_diagonal(x, 1), V)


def test_random_shuffle_in_place():
    x = nps.arange(20, block_shape=(3,))
    v = x[:5]
    nps.random.seed(3)
    nps.random.shuffle(x)
    got = x.get()
    assert sorted(got.tolist()) == list(range(20)) and got.tolist() != list(range(20))
    assert v.get().tolist() == got[:5].tolist()


def test_scalar_writes_cast_like_numpy():
    def overflow(xp, x):
        y = x.astype(np.int8)
        y[0] = 300

    check_against_numpy(overflow, V)
    check_against_numpy(lambda xp, a: a.__setitem__(0, 1 + 2j), A)
    check_against_numpy(lambda xp, a: a.__setitem__((0, slice(None)), np.ones(3)), A)

    def truncating(xp, x):
        x[1:3] = [1.7, 2.9]
        x[4] = 7.9
        return x

    check_against_numpy(truncating, V)


# ---------------------------------------------------------------------------- scalars


def test_zero_d_arrays_are_scalars_everywhere():
    r = nps.array(A)
    ends = [np.linspace(0, r.max(), 7), nps.linspace(0, r.max(), 7),
            np.arange(r.max() // 8), nps.full(3, r.min())]
    assert_same(ends[0], np.linspace(0, A.max(), 7))
    assert_same(ends[1], np.linspace(0, A.max(), 7))
    assert_same(ends[2], np.arange(A.max() // 8))
    assert_same(ends[3], np.full(3, A.min()))
    assert_same(r[r.argmax() // 9], A[A.argmax() // 9])
    assert_same(np.clip(r, r.min() + 3, np.float64(40)), np.clip(A, A.min() + 3, 40.0))


def test_small_write_replaces_only_the_blocks_it_touches():
    x = nps.zeros((256, 256), block_shape=(64, 64)).persist()  # 16 blocks of 32 KiB
    before = x.blocks.copy()
    view = x[60:70:3, 130]
    x[0, 0] = 1.0
    view[1] = 2.0  # x[63, 130]
    x[200:, ::50][1, 2] = 3.0  # x[201, 100]
    x.persist()
    changed = [idx for idx in np.ndindex(*x.grid_shape) if x.blocks[idx] is not before[idx]]
    assert sorted(changed) == [(0, 0), (0, 2), (3, 1)]
    assert float(x.sum()) == 6.0


@pytest.mark.parametrize("src,dst", [(np.int64, np.float64), (np.float64, np.uint64),
                                     (np.float32, np.int32), (np.int16, np.float16)])
def test_view_as_dtype_of_the_same_itemsize(src, dst):
    # ``x.view(dtype)`` reads the bytes as ``dtype``; writes on either side are seen on the
    # other, as in NumPy
    a = np.arange(-30, 30).reshape(6, 10).astype(src)
    x = nps.array(a.copy(), block_shape=(4, 3))
    v = x.view(dst)
    want = a.copy()
    np.testing.assert_array_equal(v.get(), want.view(dst))
    assert v.dtype == dst and v.base is x
    v[1:3, 2] = 7
    want.view(dst)[1:3, 2] = 7
    np.testing.assert_array_equal(x.get(), want)
    x[5, :4] = 3
    want[5, :4] = 3
    np.testing.assert_array_equal(v.get(), want.view(dst))
    assert x.view(np.ndarray).base is x and x.view().dtype == src
    with pytest.raises(TypeError):
        x.view(object)  # NumPy's error
    with pytest.raises(NotImplementedError):
        x.view(np.int8)  # another itemsize: not supported (NumPy changes the last axis)


def test_setting_shape_reshapes_in_place_and_dtype_raises_a_clear_error():
    # ``a.shape = (3, 4)`` reshapes in place, as NumPy; with live views (defined on the
    # array's shape) or on a view it raises NotImplementedError and leaves x unchanged
    x, a = nps.arange(12.0), np.arange(12.0)
    x.shape = a.shape = (3, 4)
    np.testing.assert_array_equal(x.get(), a)
    x.shape = a.shape = (-1, 6)
    x[1, 5] = a[1, 5] = -1
    np.testing.assert_array_equal(x.get(), a)
    with pytest.raises(ValueError, match="cannot reshape"):
        x.shape = (5, 5)
    with pytest.raises(AttributeError, match="Incompatible shape"):
        x.T.shape = (12,)  # (NumPy's error for a layout that needs a copy)
    row = x[0]
    with pytest.raises(NotImplementedError, match="views"):
        x.shape = (12,)
    with pytest.raises(NotImplementedError, match="view"):
        row.shape = (2, 3)
    assert x.shape == (2, 6)
    with pytest.raises(AttributeError, match="view"):
        x.dtype = np.int64
    assert x.dtype == np.float64


def test_writes_through_zero_d_views_made_with_an_ellipsis():
    # x[1, ..., 2] is NumPy's writable 0-d view: writes through it reach x (its stand-in was
    # a read-only numpy scalar)
    x, a = nps.arange(6).reshape(2, 3), np.arange(6).reshape(2, 3)
    x[1, ..., 2] += 1
    a[1, ..., 2] += 1
    v, w = x[0, 1, ...], a[0, 1, ...]
    v[()] = 7
    w[()] = 7
    y, b = nps.arange(6), np.arange(6)
    y[..., 2] += 1
    b[..., 2] += 1
    np.testing.assert_array_equal(x.get(), a)
    np.testing.assert_array_equal(y.get(), b)
    assert int(v) == 7
    frozen = nps.broadcast_to(nps.arange(3), (2, 3))
    with pytest.raises(ValueError, match="read-only"):
        frozen[1, ..., 2] = 5


def test_conjugate_of_real_numbers_and_nan_to_num_in_place_are_the_array():
    """``x.conj()`` of real numbers is ``x`` itself in NumPy, and ``nan_to_num(x, copy=False)``
    writes into ``x`` and returns it (an integer ``x`` unchanged): writes to the result are
    writes to ``x``."""
    for a in (np.arange(5.0), np.arange(5), np.array([True, False])):
        x = nps.asarray(a.copy())
        assert x.conj() is x and x.conjugate() is x
    c = nps.asarray(np.array([1 + 2j, 3 - 1j]))
    assert_same(c.conj(), np.array([1 - 2j, 3 + 1j]))
    with pytest.raises(TypeError, match="non-numeric"):
        nps.asarray(np.array(["a"])).conj()
    for block_shape in (None, (3,)):
        a = np.array([1.0, np.nan, np.inf, -np.inf, 2.0])
        x = nps.asarray(a.copy(), block_shape=block_shape)
        r = nps.nan_to_num(x, copy=False)
        assert r is x
        assert_same(x, np.nan_to_num(a))
        x = nps.asarray(a.copy(), block_shape=block_shape)
        assert nps.nan_to_num(x, False) is x  # copy given by position
        assert_same(x, np.nan_to_num(a))
        i = nps.asarray(np.array([1, 2, 3]), block_shape=block_shape)
        assert nps.nan_to_num(i, copy=False) is i
        assert nps.nan_to_num(i) is not i


def test_scalar_results_are_new_values_under_augmented_assignment():
    """NumPy's reductions and elements are immutable scalars: ``acc += 1`` rebinds ``acc``
    and earlier references keep their values; a 0-d array made as one changes in place."""
    a = np.arange(5.0)
    for block_shape in (None, (2,)):
        x = nps.asarray(a, block_shape=block_shape)
        acc, kept = x.sum(), []
        for _ in range(3):
            kept.append(acc)
            acc += 1
        assert [float(v) for v in kept] == [10.0, 11.0, 12.0]
        i = x.argmax()
        j = i
        j += 1
        assert int(i) == 4 and int(j) == 5
        m = x.max() * 2
        n = m
        n **= 2
        assert float(m) == 8.0 and float(n) == 64.0
        e = x[2]
        f = e
        e -= 1
        assert float(f) == 2.0
        for made in (nps.array(5.0), nps.zeros(()), nps.asarray(5.0), nps.full((), 5.0)):
            alias = made
            made += 1
            assert float(alias) == float(made)  # a 0-d array: in place, as NumPy
        v = x[1:]
        w = v
        w += 1  # a view changes in place, and its base with it
        assert_same(v, a[1:] + 1)


def test_scalar_results_in_python_expressions():
    """Where Python code treats NumPy's scalars as numbers: a sequence times an integer
    scalar repeats it, scalars hash as their values (sets and dict keys), ``is_integer``."""
    i = nps.asarray(np.arange(5), block_shape=(2,))
    f = nps.asarray(np.arange(5.0), block_shape=(2,))
    assert [0] * i[3] == [0, 0, 0] and i[3] * [0] == [0, 0, 0]
    assert "ab" * i[2] == "abab" and (1,) * i[:3].sum() == (1, 1, 1)
    with pytest.raises(TypeError):
        [1] * f[2]  # noqa: B018  (as NumPy: a sequence times a float)
    assert_same([1] + i[2], np.array([3]))  # other operators still take the list as an array
    assert_same([0] * nps.array(2), np.array([0]))  # a 0-d array multiplies, as NumPy's
    assert f.sum() in {10.0} and {f[1]: "a"}[1.0] == "a"
    with pytest.raises(TypeError, match="unhashable"):
        hash(f)
    with pytest.raises(TypeError, match="unhashable"):
        hash(nps.array(5.0))
    assert f.sum().is_integer() and not (f.sum() / 3).is_integer() and i[2].is_integer()


def test_an_element_of_an_object_array_is_the_object():
    """``a[2]`` of an object array holding a list was that list as a 1-d BlockArray."""
    v = np.array([1, "m", [2, 3, 4]], dtype=object)
    for block_shape in (None, (2,)):
        a = nps.asarray(v, block_shape=block_shape)
        assert a[2] == [2, 3, 4] and type(a[2]) is list
        assert a[1] == "m" and a[0] == 1
    a = nps.asarray(v)  # in the driver: the same objects, as NumPy's shallow copy shares them
    b = a.copy()
    b[2][0] = 10
    assert a[2] == [10, 3, 4]


def test_deepcopy_of_an_object_array_copies_its_objects():
    import copy

    v = np.array([1, "m", [2, 3, 4]], dtype=object)
    for block_shape in (None, (2,)):
        a = nps.asarray(v.copy(), block_shape=block_shape)
        c = copy.deepcopy(a)
        c[2][0] = 10  # NumPy's deep copy: a keeps its list
        assert a[2] == [2, 3, 4]
