"""Every ufunc and operator against numpy, with broadcasting across block layouts."""

from __future__ import annotations

import operator
import warnings

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray
from nums.numpy._elementwise import UFUNC_TABLE

A = np.linspace(-3.0, 3.0, 30).reshape(5, 6)
B = np.linspace(0.5, 4.0, 30).reshape(5, 6)[::-1]
IA = np.arange(-15, 15).reshape(5, 6)
IB = np.arange(1, 31).reshape(5, 6) % 7 + 1


def test_table_covers_every_numpy_ufunc():
    numpy_ufuncs = {n for n in dir(np) if isinstance(getattr(np, n), np.ufunc)}
    gufuncs = {n for n in numpy_ufuncs if getattr(np, n).signature}
    assert numpy_ufuncs - gufuncs <= set(UFUNC_TABLE)
    for name in UFUNC_TABLE:
        assert callable(getattr(nps, name))


def _inputs(uf: np.ufunc):
    """Operands in the ufunc's domain: floats where it takes floats, ints otherwise."""
    types = uf.types
    if uf.__name__ == "ldexp":  # its loops are (float, int): "dl->d", not "dd->d"
        return [A, IB]
    if uf.__name__ == "isnat":  # datetimes only
        return [np.array(["2020-01-01", "NaT", "1999-12-31"] * 10, "datetime64[D]").reshape(5, 6)]
    if any(t.startswith("d" * uf.nin) for t in types):
        if uf.nin == 1:
            return [A if uf.__name__ not in ("arccosh", "acosh") else B + 1]
        return [A, B]
    if any(t.startswith("l" * uf.nin) for t in types):
        return [IA, IB][: uf.nin]
    if any(t.startswith("?" * uf.nin) for t in types):
        return [IA > 0, IB > 3][: uf.nin]
    return None


@pytest.mark.parametrize("name", sorted(UFUNC_TABLE))
def test_ufunc_matches_numpy(name):
    uf = getattr(np, name)
    inputs = _inputs(uf)
    assert inputs is not None, f"no test inputs for {name}"
    blocked = [nps.array(x, block_shape=(2, 4)) for x in inputs]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        expected = uf(*inputs)
        got = getattr(nps, name)(*blocked)
        assert_same(got, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "op",
    [
        operator.add,
        operator.sub,
        operator.mul,
        operator.truediv,
        operator.floordiv,
        operator.mod,
        operator.pow,
        operator.eq,
        operator.ne,
        operator.lt,
        operator.le,
        operator.gt,
        operator.ge,
    ],
)
def test_binary_operators(op):
    x, y = nps.array(A, block_shape=(2, 4)), nps.array(B, block_shape=(3, 2))
    with np.errstate(all="ignore"):
        assert_same(op(x, y), op(A, B), rtol=1e-12)
        assert_same(op(x, 2), op(A, 2), rtol=1e-12)
        assert_same(op(2.5, y), op(2.5, B), rtol=1e-12)
        assert_same(op(x, B), op(A, B), rtol=1e-12)


@pytest.mark.parametrize(
    "op", [operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift]
)
def test_integer_operators(op):
    x, y = nps.array(IA, block_shape=(2, 4)), nps.array(IB % 5, block_shape=(4, 4))
    assert_same(op(x, y), op(IA, IB % 5))
    assert_same(op(x, 3), op(IA, 3))
    assert_same(op(3, y), op(3, IB % 5))


def test_unary_operators_and_matmul_operator():
    x = nps.array(A, block_shape=(2, 4))
    assert_same(-x, -A)
    assert_same(+x, +A)
    assert_same(abs(x), abs(A))
    assert_same(~nps.array(IA), ~IA)
    assert_same(~nps.array(IA > 0), ~(IA > 0))
    assert_same(x @ x.T, A @ A.T, rtol=1e-12)
    assert_same(A @ x.T, A @ A.T, rtol=1e-12)


def test_inplace_operators():
    x = nps.array(A, block_shape=(2, 4))
    a = A.copy()
    for op in (operator.iadd, operator.isub, operator.imul, operator.itruediv):
        x = op(x, 1.5)
        a = op(a, 1.5)
    assert_same(x, a, rtol=1e-12)
    i = nps.array(IA, block_shape=(2, 2))
    ia = IA.copy()
    i //= 3
    ia //= 3
    i **= 2
    ia **= 2
    i <<= 1
    ia <<= 1
    assert_same(i, ia)


@pytest.mark.parametrize(
    "s1,s2",
    [
        ((5, 6), (6,)),
        ((5, 1), (1, 6)),
        ((4, 1, 3), (2, 1)),
        ((), (3, 4)),
        ((1,), (7,)),
        ((3, 1, 5), (3, 4, 1)),
        ((0, 3), (1, 3)),
    ],
)
def test_broadcasting_block_shapes(s1, s2):
    a = np.arange(int(np.prod(s1))).reshape(s1) * 1.5
    b = np.arange(int(np.prod(s2))).reshape(s2) - 2.0
    for bs1, bs2 in ((None, None), ("small", "odd")):

        def pick(shape, kind):
            if kind is None:
                return None
            return tuple(
                max(1, (n + 1) // 2) if kind == "small" else max(1, n // 3 + 1) for n in shape
            )

        x = nps.array(a, block_shape=pick(s1, bs1))
        y = nps.array(b, block_shape=pick(s2, bs2))
        assert_same(x + y, a + b)
        assert_same(nps.multiply(y, x), b * a)


def test_broadcast_error_names_both_shapes():
    x, y = nps.ones((2, 3)), nps.ones((4,))
    with pytest.raises(ValueError, match=r"\(2,3\).*\(4,\)"):
        x + y


@pytest.mark.parametrize(
    "dt,scalar",
    [
        (np.int8, 1),
        (np.int8, 1.0),
        (np.uint8, 3),
        (np.float32, 2),
        (np.float32, 2.0),
        (np.float32, np.float64(2.0)),
        (np.int32, np.int64(1)),
        (np.float16, 1j),
        (np.bool_, 1),
        (np.bool_, True),
        (np.int64, 2.5),
    ],
)
def test_nep50_scalar_promotion(dt, scalar):
    a = np.arange(6).astype(dt)
    x = nps.array(a, block_shape=(4,))
    assert_same(x + scalar, a + scalar)
    assert_same(scalar * x, scalar * a)


def test_nep50_array_promotion():
    for d1, d2 in [
        (np.int8, np.uint8),
        (np.float32, np.int64),
        (np.int16, np.float16),
        (np.bool_, np.int8),
        (np.complex64, np.float64),
    ]:
        a, b = np.ones(5, d1), np.ones(5, d2)
        assert (nps.array(a) + nps.array(b)).dtype == (a + b).dtype
        zero_d = nps.array(np.float64(1.0))
        assert (nps.array(np.ones(3, np.float32)) + zero_d).dtype == np.float64


def test_overflowing_python_int_raises_at_call():
    x = nps.array(np.arange(3, dtype=np.uint8))
    with pytest.raises(OverflowError):
        x + 300


def test_bad_dtype_raises_type_error():
    x = nps.array(A)
    with pytest.raises(TypeError):
        nps.bitwise_and(x, x)
    with pytest.raises(TypeError):
        nps.add(x, x, dtype=np.int64, casting="safe")


def test_out_where_dtype():
    x = nps.array(A, block_shape=(2, 4))
    y = nps.array(B, block_shape=(3, 3))
    out = nps.zeros((5, 6), block_shape=(4, 4))
    res = nps.add(x, y, out=out)
    assert res is out
    assert_same(out, A + B)
    mask = A > 0
    base = np.full((5, 6), -7.0)
    o = nps.array(base, block_shape=(2, 2))
    nps.multiply(x, 10, out=o, where=nps.array(mask))
    exp = base.copy()
    np.multiply(A, 10, out=exp, where=mask)
    assert_same(o, exp)
    assert_same(nps.add(x, 1, dtype=np.float32), np.add(A, 1, dtype=np.float32))
    assert_same(nps.sqrt(nps.array(IB), dtype=np.float32), np.sqrt(IB, dtype=np.float32))
    i = nps.zeros((5, 6), dtype=np.int64)
    with pytest.raises(TypeError):
        nps.add(x, y, out=i)
    with pytest.raises(ValueError, match="non-broadcastable"):
        nps.add(x, y, out=nps.zeros((6,)))
    o2 = nps.zeros((3, 5, 6))
    nps.add(x, 1, out=o2)  # inputs broadcast to out's shape, like numpy
    assert_same(o2, np.broadcast_to(A + 1, (3, 5, 6)))


def test_multiple_outputs():
    x = nps.array(A, block_shape=(2, 4))
    q, r = nps.divmod(x, 1.5)
    eq, er = np.divmod(A, 1.5)
    assert_same(q, eq)
    assert_same(r, er, rtol=1e-12)
    m, e = nps.frexp(x)
    assert_same((m, e), np.frexp(A))
    f, i = nps.modf(x)
    assert_same((f, i), np.modf(A))
    assert_same(divmod(x, 2), np.divmod(A, 2))


def test_scalars_only_behave_like_numpy():
    assert nps.add(1, 2) == 3
    assert isinstance(nps.exp(1.0), np.float64)


def test_ufunc_methods():
    x = nps.array(IA, block_shape=(2, 4))
    assert_same(nps.add.reduce(x), np.add.reduce(IA))
    assert_same(nps.multiply.reduce(x, axis=1), np.multiply.reduce(IA, axis=1))
    assert_same(nps.maximum.reduce(x, axis=None), np.maximum.reduce(IA, axis=None))
    assert_same(nps.add.accumulate(x, axis=1), np.add.accumulate(IA, axis=1))
    assert_same(
        nps.multiply.outer(nps.arange(3), nps.arange(4)),
        np.multiply.outer(np.arange(3), np.arange(4)),
    )
    assert nps.add.nin == 2 and nps.add.nout == 1 and nps.add.identity == 0


def test_where_clip_round_isclose():
    x = nps.array(A, block_shape=(2, 4))
    y = nps.array(B, block_shape=(3, 5))
    assert_same(nps.where(x > 0, x, y), np.where(A > 0, A, B))
    assert_same(nps.where(x > 0, 1, 0), np.where(A > 0, 1, 0))
    assert_same(nps.where(x > 0, x, 0.5), np.where(A > 0, A, 0.5))
    assert_same(
        nps.where(nps.array(IA > 0), nps.array(IA), np.int8(3)), np.where(IA > 0, IA, np.int8(3))
    )
    assert_same(nps.clip(x, -1, 1), np.clip(A, -1, 1))
    assert_same(nps.clip(x, None, 0.5), np.clip(A, None, 0.5))
    assert_same(x.clip(-1), A.clip(-1))
    assert_same(nps.clip(nps.array(IA), -3, 4), np.clip(IA, -3, 4))
    assert_same(nps.round(x, 1), np.round(A, 1))
    assert_same(nps.round(x), np.round(A))
    assert_same(x.round(2), A.round(2))
    assert_same(nps.around(nps.array(IA), -1), np.around(IA, -1))
    assert_same(nps.isclose(x, x + 1e-9), np.isclose(A, A + 1e-9))
    assert_same(nps.isclose(x, 0.0, atol=0.5), np.isclose(A, 0.0, atol=0.5))
    assert nps.allclose(x, A + 1e-10) is True
    assert nps.allclose(x, A + 1) is False
    assert nps.array_equal(x, A) is True
    assert nps.array_equal(x, y) is False
    assert nps.array_equal(x, nps.ones((2, 2))) is False
    n = np.array([1.0, np.nan])
    assert nps.array_equal(n, n, equal_nan=True) and not nps.array_equal(nps.array(n), n)


def test_real_imag_conj():
    c = (A + 1j * B).astype(np.complex128)
    z = nps.array(c, block_shape=(2, 4))
    assert_same(z.real, c.real)
    assert_same(z.imag, c.imag)
    assert_same(z.conj(), c.conj())
    assert_same(nps.real(nps.array(A)), np.real(A))
    assert_same(nps.abs(z), np.abs(c), rtol=1e-12)


def test_fused_chain_one_task_per_block():
    import nums

    x = nps.array(A, block_shape=(2, 3)).persist()
    y = nps.array(B, block_shape=(2, 3)).persist()
    before = sum(m["tasks_run"] for m in nums.metrics())
    z = (nps.exp(-(x * y)) + 1) / (y - 0.5) ** 2
    assert z.pending_transpose is None and z._blocks is None  # nothing submitted yet
    z.persist()
    assert sum(m["tasks_run"] for m in nums.metrics()) - before == x.grid.num_blocks
    assert_same(z, (np.exp(-(A * B)) + 1) / (B - 0.5) ** 2, rtol=1e-12)


def test_new_axes_of_an_expression_cost_no_task_of_their_own():
    import nums

    x = nps.array(A[:, 0], block_shape=(2,)).persist()
    before = sum(m["tasks_run"] for m in nums.metrics())
    w = (x * (1 - x))[:, None, None]  # as in a Newton step's Hessian: X * w[:, None]
    assert w.shape == (A.shape[0], 1, 1) and w.block_shape == (2, 1, 1)
    w.persist()
    assert sum(m["tasks_run"] for m in nums.metrics()) - before == x.grid.num_blocks
    assert_same(w, (A[:, 0] * (1 - A[:, 0]))[:, None, None])
    assert_same((x * 2)[None, :], (A[:, 0] * 2)[None, :])
    assert_same((x + 1)[:][:, None], (A[:, 0] + 1)[:, None])


def test_fusion_mixed_dtypes_and_reuse():
    i = nps.array(IA, block_shape=(2, 3))
    f = nps.array(A.astype(np.float32), block_shape=(2, 3))
    t = i * 2
    u = t + f  # int64 + float32 -> float64
    v = t // 3 + (t > 0)
    assert_same(u, IA * 2 + A.astype(np.float32))
    assert_same(v, IA * 2 // 3 + (IA * 2 > 0))
    assert_same(t, IA * 2)
    w = f
    for _ in range(60):  # longer than the fusion cap
        w = w * np.float32(0.5) + 1
    exp = A.astype(np.float32)
    for _ in range(60):
        exp = exp * np.float32(0.5) + 1
    assert_same(w, exp, rtol=1e-6)


def test_pending_results_do_not_see_later_writes_but_views_do():
    x = nps.array(A, block_shape=(2, 3))
    t = x * 2
    xt = x.T  # a view, as in numpy: it sees the writes below
    x += 100
    x[0, 0] = -1.0
    expected = A + 100
    expected[0, 0] = -1.0
    assert_same(t, A * 2)
    assert_same(xt, expected.T)
    assert_same(x[1:], expected[1:])


def test_operators_with_strings_bytes_and_none_are_elementwise():
    # NumPy compares every element with a str, bytes or None operand; an operator that
    # declined them left Python to answer one False (``np.where(names == "fig", ...)``
    # then silently changed nothing)
    names = np.array(["apple", "kiwi", "fig", "banana", "cherry", "date", "egg"] * 3)
    s = nps.array(names, block_shape=(4,))
    for f in (lambda t: t == "fig", lambda t: t > "cherry", lambda t: "fig" != t,
              lambda t: t + "_x", lambda t: t.astype("S") == b"fig", lambda t: t == None,  # noqa: E711
              lambda t: t != None):  # noqa: E711
        got, want = f(s), f(names)
        assert isinstance(got, BlockArray)
        np.testing.assert_array_equal(got.get(), want)
    swapped = nps.where(s == "fig", "FIG", s)
    np.testing.assert_array_equal(swapped.get(), np.where(names == "fig", "FIG", names))
    assert swapped.dtype == np.where(names == "fig", "FIG", names).dtype
    with pytest.raises(TypeError):
        nps.arange(3.0) < None  # noqa: B015
    # numbers against a string: no loop, and NumPy's == / != answer that every element differs
    nums_ = nps.array(np.arange(12.0).reshape(3, 4), block_shape=(2, 3))
    np.testing.assert_array_equal((nums_ == "a").get(), np.zeros((3, 4), bool))
    np.testing.assert_array_equal(("a" != nums_).get(), np.ones((3, 4), bool))
    with pytest.raises(TypeError):
        nums_ < "a"  # noqa: B015


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # roots of negatives, as NumPy's
def test_power_operator_takes_numpys_shortcuts():
    # NumPy computes x ** 2 as square (a boolean array's is int8), and x ** -1 and x ** 0.5
    # of floating-point and complex arrays as reciprocal and sqrt (last bits differ from
    # power's for complex numbers); x **= e likewise
    rng = np.random.default_rng(12)
    for dtype in (bool, np.int8, np.uint8, np.float16, np.float64, np.complex64):
        a = rng.random(40) * 100 - 50 + (1j * rng.random(40) if np.dtype(dtype).kind == "c"
                                         else 0)
        a = a.astype(dtype)
        for e in (2, -1, 0.5, 2.0, -1.0, 3, np.int64(2)):
            try:
                want = a ** e
            except (ValueError, OverflowError) as err:
                with pytest.raises(type(err)):  # (from the values: at the latest on get)
                    (nps.asarray(a, block_shape=(7,)) ** e).get()
                continue
            got = (nps.asarray(a, block_shape=(7,)) ** e).get()
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)
            x, b = nps.asarray(a, block_shape=(7,)), a.copy()
            try:
                b **= e
            except (TypeError, ValueError, OverflowError) as err:
                with pytest.raises(type(err)):
                    x **= e
                    x.get()
                continue
            x **= e
            np.testing.assert_array_equal(x.get(), b)


def test_clip_of_integers_drops_python_int_bounds_beyond_the_dtype():
    # NumPy 2's clip ignores a Python int bound beyond the dtype on the side it does not clip
    # (clip(uint8, -1, 300) clips nothing) and raises NumPy's OverflowError otherwise
    u = (np.arange(0, 1000, 10) % 256).astype(np.uint8)
    i = np.arange(-120, 120, 3).astype(np.int8)
    for a in (u, i):
        x = nps.asarray(a, block_shape=(16,))
        for lo, hi in [(-1, 300), (None, 300), (-1, None), (-1000, 1000), (0, 255),
                       (np.int64(-1), 300), (-1.5, 300.5), (300, 400), (-5, -1)]:
            try:
                want = np.clip(a, lo, hi)
            except OverflowError:
                with pytest.raises(OverflowError):
                    nps.clip(x, lo, hi).get()
                continue
            assert_same(nps.clip(x, lo, hi), want)


def test_clip_takes_numpys_ufunc_keywords_and_out_casting():
    """``clip``'s ``where=`` (and the ufunc keywords) were ignored, and a float result was
    cast into an integer ``out`` without NumPy's error: both silently other values."""
    a = np.linspace(-2, 2, 45).reshape(9, 5)
    m = (np.arange(45) % 3 == 0).reshape(9, 5)
    for block_shape in ((4, 2), (9, 5)):
        x = nps.asarray(a, block_shape=block_shape)
        mask = nps.asarray(m, block_shape=block_shape)
        for lo, hi in [(-1, 1), (None, 0.5), (-0.5, None), (None, None)]:
            for where in (True, m):
                want = np.full_like(a, 7.0)
                np.clip(a, lo, hi, out=want, where=where)
                out = nps.full_like(x, 7.0)
                got = nps.clip(x, lo, hi, out=out, where=mask if where is m else True)
                assert got is out
                np.testing.assert_array_equal(out.get(), want)
        assert_same(nps.clip(x, -1, 1, dtype=np.float32), np.clip(a, -1, 1, dtype=np.float32))
        ints = nps.zeros((9, 5), dtype=np.int64)
        with pytest.raises(TypeError) as err:
            np.clip(a, -1, 1, out=np.zeros((9, 5), dtype=np.int64))
        with pytest.raises(type(err.value)):
            nps.clip(x, -1, 1, out=ints)
        np.testing.assert_array_equal(ints.get(), np.zeros((9, 5), dtype=np.int64))
        with pytest.raises(TypeError):
            np.clip(m)
        with pytest.raises(TypeError):
            nps.clip(mask)


def test_dtype_float64_of_a_ufunc_over_blocks_is_its_loop():
    """``dtype=float64`` was applied as a cast of the result (a NumPy dtype compares equal to
    None, the unknown loop): True + True gave 1.0, int8 // 0 gave 0 instead of inf."""
    b = np.arange(40) % 3 == 0
    i = np.array([0, 7, -7, 3], np.int8)
    j = np.array([0, 2, 2, 0], np.int8)
    for block_shape in ((10,), (3,)):
        x = nps.asarray(b, block_shape=block_shape)
        for dtype in (np.float64, "f8", float):
            assert_same(nps.add(x, x, dtype=dtype), np.add(b, b, dtype=dtype))
            assert_same(nps.add.outer(x[:4], x[:4], dtype=dtype),
                        np.add.outer(b[:4], b[:4], dtype=dtype))
        assert_same(nps.add(x, x, signature=(None, None, "d")),
                    np.add(b, b, signature=(None, None, "d")))
    with np.errstate(all="ignore"), nps.errstate(all="ignore"):
        assert_same(nps.floor_divide(nps.asarray(i, block_shape=(2,)),
                                     nps.asarray(j, block_shape=(2,)), dtype="f8"),
                    np.floor_divide(i, j, dtype="f8"))


def test_compress_method_takes_the_condition():
    a = np.array([5.0, 6.0, 7.0])
    for block_shape in (None, (2,)):
        x = nps.asarray(a, block_shape=block_shape)
        assert_same(x.compress([0, 1, 1]), a.compress([0, 1, 1]))
        assert_same(x.compress([True, False, True]), a.compress([True, False, True]))
    m = np.arange(6.0).reshape(2, 3)
    assert_same(nps.asarray(m, block_shape=(1, 2)).compress([0, 1], axis=1),
                m.compress([0, 1], axis=1))


def test_range_operands_isreal_of_strings_iterable_and_ufunc_aliases():
    a = np.arange(6.0)
    for block_shape in (None, (2,)):
        x = nps.asarray(a, block_shape=block_shape)
        assert_same(x == range(6), a == range(6))  # a Python bool before
        assert_same(x != range(6), a != range(6))
        assert_same(x + range(6), a + range(6))
        assert_same(range(6) * x, range(6) * a)
        assert_same(x < range(6), a < range(6))
        assert_same(nps.add(range(6), x), np.add(range(6), a))
    s = np.array([2j, "a"], dtype="U")
    assert_same(nps.isreal(nps.asarray(s)), np.isreal(s))
    assert nps.iterable(nps.asarray(np.array(1.0))) is np.iterable(np.array(1.0))
    assert nps.iterable(nps.ones(2))
    assert nps.bitwise_not is nps.invert and nps.conj is nps.conjugate


def test_outputs_left_none_choose_of_python_numbers_and_initial_cast():
    a, b = np.array([7.0, -3.0, 5.0]), np.array([2.0, 2.0, 3.0])
    for block_shape in (None, (2,)):
        x, y = nps.asarray(a, block_shape=block_shape), nps.asarray(b, block_shape=block_shape)
        got = nps.divmod(x, y, out=(None, nps.zeros(3)))
        for g, e in zip(got, np.divmod(a, b, out=(None, np.zeros(3)))):
            assert_same(g, e)  # the first was None
        got = nps.modf(x, out=(None, nps.zeros(3)))
        for g, e in zip(got, np.modf(a, out=(None, np.zeros(3)))):
            assert_same(g, e)
        i = nps.asarray(np.array([0, 1, 0]), block_shape=block_shape)
        f32 = np.array([1.0, 2.0, 3.0], np.float32)
        assert_same(nps.choose(i, [nps.asarray(f32, block_shape=block_shape), 5]),
                    np.choose([0, 1, 0], [f32, 5]))  # float32, not float64
        i8 = np.array([1, 2, 3], np.int8)
        assert_same(nps.choose(i, [nps.asarray(i8, block_shape=block_shape), 300]),
                    np.choose([0, 1, 0], [i8, 300]))
        t = np.array([True, False, True, True])
        assert_same(nps.bitwise_xor.reduce(nps.asarray(t, block_shape=block_shape), initial=2),
                    np.bitwise_xor.reduce(t, initial=2))
        assert_same(nps.add.reduce(nps.asarray(np.arange(3), block_shape=block_shape),
                                   initial=1.5), np.add.reduce(np.arange(3), initial=1.5))


@pytest.mark.parametrize("tol", [
    lambda xp: xp.asarray(np.array([0.2, 0.0, 0.1, 0.0])),
    lambda xp: np.array([0.2, 0.0, 0.1, 0.0]),
    lambda xp: [0.2, 0.0, 0.1, 0.0],
    lambda xp: xp.asarray(np.array([[0.2], [0.0]])),
])
def test_isclose_takes_a_tolerance_per_element(layout, tol):
    """Array tolerances broadcast with the operands, as NumPy's (each block gets its part,
    not the whole array)."""
    a, b = np.array([1.0, 1.5, 2.0, 3.0]), np.array([1.1, 1.5, 2.5, 3.0])
    x, y = nps.asarray(a), nps.asarray(b)
    for name in ("atol", "rtol"):
        expected = np.isclose(a, b, **{name: tol(np)})
        assert_same(nps.isclose(x, y, **{name: tol(nps)}), expected)
        assert_same(nps.isclose(x, 1.0, **{name: tol(nps)}), np.isclose(a, 1.0, **{name: tol(np)}))
        assert bool(nps.allclose(x, y, **{name: tol(nps)})) == np.allclose(a, b, **{name: tol(np)})


def test_clip_keeps_negative_zero_as_numpys_loop(layout):
    """Both bounds: NumPy's clip loop (-0.0 at a 0.0 bound stays -0.0; maximum would give
    0.0); one bound: maximum or minimum, as NumPy's clip calls them."""
    a = np.array([-0.0, 0.0, -1.0, 2.0, np.nan, 0.5] * 4)
    for bounds in ((0.0, 1.0), (-1.0, -0.0), (None, 0.0), (0.0, None)):
        expected = np.clip(a, *bounds)
        got = nps.clip(nps.asarray(a), *bounds).get()
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))


def test_ufuncs_describe_themselves_as_numpys():
    for name in ("add", "sin", "divmod", "isnan"):
        ours, theirs = getattr(nps, name), getattr(np, name)
        assert (ours.ntypes, ours.signature, ours.types) == (theirs.ntypes, theirs.signature,
                                                              theirs.types)
    args = (np.dtype("f4"), np.dtype("f8"), None)
    assert nps.add.resolve_dtypes(args) == np.add.resolve_dtypes(args)


@pytest.mark.parametrize("name", ["negative", "sin", "sqrt", "isnan"])
def test_outer_of_a_one_input_ufunc_is_numpys_error(layout, name):
    """NumPy's ``outer`` is for two-input ufuncs: nums took ``negative.outer(a, b)`` as
    ``negative(a[..., None], b)``, wrote the result into ``b`` (its out=) and returned it."""
    b = nps.zeros(3)
    with pytest.raises(ValueError, match="binary"):
        getattr(np, name).outer(2.0, np.zeros(3))
    with pytest.raises(ValueError, match="binary"):
        getattr(nps, name).outer(2.0, b)
    assert_same(b, np.zeros(3))
