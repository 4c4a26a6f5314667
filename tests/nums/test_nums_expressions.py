"""Cache-chunked kernels (nums.core.array.expressions) against whole-block numpy evaluation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps
from nums.core import context
from nums.core.array import expressions as chunked

RNG = np.random.default_rng(41)


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Chunks of a few rows, so every kernel below takes its chunked path."""
    monkeypatch.setattr(chunked, "CHUNK_BYTES", 64)
    monkeypatch.setattr(chunked, "MIN_CHUNKED_BYTES", 0)
    monkeypatch.setattr(chunked, "PRODUCT_CHUNK_BYTES", 64)
    monkeypatch.setattr(chunked, "WHOLE_EXPR_BYTES", 0)


def _expr_mul_add(dtype=np.float64):
    # (leaf0 * leaf1) + 1, as nums.core.array.fusion builds it
    mul = ("ufunc", np.multiply, np.dtype(dtype), {}, (("leaf", 0), ("leaf", 1)))
    return ("ufunc", np.add, np.dtype(dtype), {}, (mul, ("const", 1)))


@pytest.mark.parametrize(
    "shape_x, shape_y",
    [((37,), (37,)), ((37, 5), (37, 1)), ((37, 5), (5,)), ((37, 5), (1, 5)), ((1, 5), (9, 5))],
)
def test_fused_eval_chunked_matches_numpy(tiny_chunks, shape_x, shape_y):
    rng = np.random.default_rng(0)
    x, y = rng.random(shape_x), rng.random(shape_y)
    shape = np.broadcast_shapes(shape_x, shape_y)
    out = chunked.fused_eval((_expr_mul_add(), shape), x, y)
    assert out.shape == shape and out.dtype == np.float64
    np.testing.assert_array_equal(out, x * y + 1)


def test_fused_eval_casts_to_expression_dtype(tiny_chunks):
    x = np.arange(40, dtype=np.int64)
    expr = ("ufunc", np.add, np.dtype(np.float32), {}, (("leaf", 0), ("const", 0.5)))
    out = chunked.fused_eval((expr, (40,)), x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, (x + 0.5).astype(np.float32))


def test_fused_eval_keeps_row_spanning_constant_whole(tiny_chunks):
    x = np.arange(12.0).reshape(6, 2)
    c = np.arange(12.0).reshape(6, 2)  # spans the rows: evaluated in one go
    expr = ("ufunc", np.subtract, np.dtype(np.float64), {}, (("leaf", 0), ("const", c)))
    np.testing.assert_array_equal(chunked.fused_eval((expr, (6, 2)), x), x - c)


@pytest.mark.parametrize("b_ndim", [1, 2])
def test_matmul_expr_contracted_rows(tiny_chunks, b_ndim):
    rng = np.random.default_rng(1)
    X = rng.random((41, 3))
    w = rng.random((41, 1)) if b_ndim == 2 else rng.random(41)
    Xw = ("ufunc", np.multiply, np.dtype(np.float64), {}, (("leaf", 0), ("leaf", 1)))
    shape = (41, 3) if b_ndim == 2 else (41,)
    if b_ndim == 1:
        refs, expected = (X, w, w), X.T @ (w * w)
    else:
        refs, expected = (X, X, w), X.T @ (X * w)
    out = chunked.matmul_expr(True, False, np.float64, None, 1, (Xw, shape), *refs)
    np.testing.assert_allclose(out, expected, rtol=1e-12)


@pytest.mark.parametrize("shift", [0.0, 0.5])  # weights all >= 0, or of both signs
def test_weighted_gram(tiny_chunks, monkeypatch, shift):
    rng = np.random.default_rng(3)
    X, w = rng.standard_normal((57, 4)), rng.random((57, 1)) - shift
    calls = []
    orig = chunked._weighted_gram
    monkeypatch.setattr(chunked, "_weighted_gram", lambda *a: calls.append(1) or orig(*a))
    Xw = ("ufunc", np.multiply, np.dtype(np.float64), {}, (("leaf", 0), ("leaf", 1)))
    out = chunked.matmul_expr(True, False, np.float64, None, 1, (Xw, (57, 4)), X, X, w)
    np.testing.assert_allclose(out, X.T @ (X * w), rtol=1e-12, atol=1e-12)
    assert calls  # recognised as A.T @ (A * w)
    other = X.copy()  # equal values, another buffer: a general product
    calls.clear()
    out = chunked.matmul_expr(True, False, np.float64, None, 1, (Xw, (57, 4)), X, other, w)
    np.testing.assert_allclose(out, X.T @ (X * w), rtol=1e-12, atol=1e-12)
    assert not calls


def test_matmul_expr_result_rows(tiny_chunks):
    rng = np.random.default_rng(2)
    X, w, B = rng.random((23, 4)), rng.random((23, 1)), rng.random((6, 4))
    Xw = ("ufunc", np.multiply, np.dtype(np.float64), {}, (("leaf", 0), ("leaf", 1)))
    out = chunked.matmul_expr(False, True, np.float64, (Xw, (23, 4)), 2, None, X, w, B)
    np.testing.assert_allclose(out, (X * w) @ B.T, rtol=1e-12)


def test_matrix_vector_products_without_reshape():
    rng = np.random.default_rng(3)
    X, v, u = rng.random((50, 7)), rng.random(7), rng.random(50)
    Xb = nps.array(X, block_shape=(9, 4))
    vb, ub = nps.array(v, block_shape=(3,)), nps.array(u, block_shape=(11,))
    np.testing.assert_allclose((Xb @ vb).get(), X @ v)
    np.testing.assert_allclose((ub @ Xb).get(), u @ X)
    np.testing.assert_allclose((Xb.T @ (ub - 1)).get(), X.T @ (u - 1))
    np.testing.assert_allclose((Xb.T @ (Xb * ub[:, None])).get(), X.T @ (X * u[:, None]))
    assert (Xb @ vb).shape == (50,) and (ub @ Xb).shape == (7,)


def test_shared_subexpressions_are_evaluated_once(tiny_chunks):
    calls = []

    def counted_exp(x):
        calls.append(1)
        return np.exp(x)

    f8 = np.dtype(np.float64)
    mu = ("ufunc", counted_exp, f8, {}, (("leaf", 0),))
    mu_again = ("ufunc", counted_exp, f8, {}, (("leaf", 0),))  # equal, another object
    one_minus = ("ufunc", np.subtract, f8, {}, (("const", 1.0), mu_again))
    expr = ("ufunc", np.multiply, f8, {}, (mu, one_minus))
    x = np.linspace(-1, 1, 40)
    out = chunked.fused_eval((expr, (40,)), x)
    np.testing.assert_allclose(out, np.exp(x) * (1 - np.exp(x)), rtol=1e-15)
    chunks = len(range(0, 40, chunked._row_step((40,), 8, chunked.CHUNK_BYTES)))
    assert len(calls) == chunks  # once per chunk, not twice
    # constants that compare equal but differ (-0.0 and 0.0) are not merged
    signs = ("ufunc", np.add, f8, {}, (
        ("ufunc", np.multiply, f8, {}, (("leaf", 0), ("const", -0.0))),
        ("ufunc", np.multiply, f8, {}, (("leaf", 0), ("const", 0.0))),
    ))
    shared = chunked.shared(signs)
    assert shared[4][0] is not shared[4][1]


def _u(ufunc, dtype, *children):
    return ("ufunc", ufunc, np.dtype(dtype), {}, tuple(children))


@pytest.mark.parametrize("chunks", [False, True])
def test_eval_into_writes_the_chain_into_the_output(request, chunks):
    """x * y + 1: the product and the sum are computed in the output block itself (no
    temporary), with numpy's values."""
    if chunks:
        request.getfixturevalue("tiny_chunks")
    rng = np.random.default_rng(2)
    x, y = rng.random((23, 3)), rng.random((23, 3))
    expr = chunked.shared(_expr_mul_add())
    dst = np.empty((23, 3))
    assert chunked._direct_nodes(dst, expr, [x, y]) == {id(expr), id(expr[4][0])}
    chunked._eval_into(dst, expr, [x, y])
    np.testing.assert_array_equal(dst, x * y + 1)


def test_eval_into_keeps_shared_and_cast_nodes_out_of_the_output():
    x = np.linspace(0.1, 0.9, 30)
    mu = _u(np.multiply, np.float64, ("leaf", 0), ("const", 2.0))
    # mu * (1 - mu): mu is used twice, so it must not live in the output block
    expr = chunked.shared(_u(np.multiply, np.float64, mu,
                             _u(np.subtract, np.float64, ("const", 1), mu)))
    dst = np.empty(30)
    assert chunked._direct_nodes(dst, expr, [x]) == {id(expr)}
    chunked._eval_into(dst, expr, [x])
    np.testing.assert_array_equal(dst, (2 * x) * (1 - 2 * x))
    # declared float32 over a float64 loop: numpy's result is cast, not computed in place
    e32 = _u(np.add, np.float32, ("leaf", 0), ("const", 1e-9))
    d32 = np.empty(30, np.float32)
    assert chunked._direct_nodes(d32, e32, [x]) == set()
    chunked._eval_into(d32, e32, [x])
    np.testing.assert_array_equal(d32, (x + 1e-9).astype(np.float32))
    # an int64 loop into a float64 output: assigned (cast), never computed into it
    xi = np.arange(30)
    ei = _u(np.add, np.int64, ("leaf", 0), ("const", 1))
    df = np.empty(30)
    assert chunked._direct_nodes(df, ei, [xi]) == set()
    chunked._eval_into(df, ei, [xi])
    np.testing.assert_array_equal(df, xi + 1.0)


def test_eval_into_a_region_its_leaves_overlap():
    """A stencil writes u[1:-1] from shifted slices of u: only the last operation may write
    into the region (numpy's ufuncs buffer overlapping inputs); the chain below it may not."""
    u = np.arange(20.0) ** 2
    want = u.copy()
    want[1:-1] = 0.5 * (u[:-2] + u[2:])
    expr = _u(np.multiply, np.float64, ("const", 0.5),
              _u(np.add, np.float64, ("leaf", 0), ("leaf", 1)))
    # the chain's first operand is a constant here; make a case where it is the sum
    expr2 = _u(np.multiply, np.float64, _u(np.add, np.float64, ("leaf", 0), ("leaf", 1)),
               ("const", 0.5))
    for e in (expr, expr2):
        v = u.copy()
        leaves = [v[:-2], v[2:]]
        dst = v[1:-1]
        assert chunked._direct_nodes(dst, e, leaves) == {id(e)}
        chunked._eval_into(dst, e, leaves)
        np.testing.assert_array_equal(v, want)


def test_fused_eval_weak_scalar_overflow_raises_as_numpy():
    x = np.arange(10, dtype=np.int8)
    expr = _u(np.add, np.int8, ("leaf", 0), ("const", 1000))
    with pytest.raises(OverflowError):
        x + 1000
    with pytest.raises(OverflowError):
        chunked.fused_eval((expr, (10,)), x)


def _spy_submits(monkeypatch, module) -> list:
    """The kernels ``module`` submits from now on (its ``submit``, wrapped)."""
    calls: list = []
    real = module.submit

    def spy(fn, *args, **kwargs):
        calls.append(fn)
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(module, "submit", spy)
    return calls


def test_get_of_an_expression_is_computed_by_the_driver(backend_name, monkeypatch):
    """On a backend whose stores the driver maps (embedded), ``get()`` of a pending
    expression computes the returned array from the leaves' blocks on the driver's threads:
    no task, NumPy's values and dtypes, warnings once at the caller's line, ``np.errstate``
    obeyed, snapshots of the leaves, the expression still usable afterwards."""
    a, b = RNG.random((30, 7)), RNG.random((30, 7)) - 0.5
    x, y = nps.array(a).persist(), nps.array(b).persist()
    in_driver = context.get().backend.blocks_in_driver_memory
    e = x * y + 1
    from nums.core.array import fusion

    submitted = _spy_submits(monkeypatch, fusion)
    got = e.get()
    assert not submitted or not in_driver
    np.testing.assert_array_equal(got, a * b + 1)
    assert got.flags.writeable and got.flags.c_contiguous
    np.testing.assert_array_equal(e.get(), a * b + 1)  # still pending, and the same
    x[0, 0] = 100.0  # after the expression: not in its value
    np.testing.assert_array_equal(e.get(), a * b + 1)
    assert_same(e.sum(), (a * b + 1).sum(), rtol=1e-12)
    a[0, 0] = 100.0
    shifted = x[1:, 2:] * 2 - x[:-1, :-2]  # pieces over several blocks (windows)
    np.testing.assert_array_equal(shifted.get(), a[1:, 2:] * 2 - a[:-1, :-2])
    i = nps.array(np.arange(12, dtype=np.int16).reshape(3, 4))
    assert_same((i * 3 // 2).get(), np.arange(12, dtype=np.int16).reshape(3, 4) * 3 // 2)
    assert_same((x[0, 0] // 8).get(), np.float64(a[0, 0] // 8))  # 0-d
    assert (x[:0] + 1).get().shape == (0, 7)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = (1.0 / (y * 0)).get()
    assert np.isinf(r).all()
    messages = [str(w.message) for w in caught]
    assert set(messages) == {"divide by zero encountered in divide"}
    assert len(messages) == 1 or not in_driver  # (a task per block warns once each)
    assert {w.filename for w in caught} == {__file__}
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        (1.0 / (y * 0)).get()


def test_expression_rows_in_parts_are_fused_eval():
    """The driver's parts of an expression over ranges of rows give the whole's values."""
    a, b = RNG.random((3001, 700)), RNG.random(700)
    spec = (("ufunc", np.add, np.dtype(float), {},
             (("ufunc", np.multiply, np.dtype(float), {}, (("leaf", 0), ("leaf", 1))),
              ("const", 1.0))), a.shape)
    out = np.empty(a.shape)
    parts = chunked.eval_into_parts(out, spec, [a, b], 3)
    assert len(parts) == 3
    for p in parts:
        p()
    np.testing.assert_array_equal(out, a * b + 1)


def test_astype_of_a_distributed_array_is_read_where_used(monkeypatch):
    """``x.astype(dtype)`` of numbers is a pending expression (no task writes the cast blocks
    first): NumPy's values for each pair of kinds, wrap-around and truncation included, in
    expressions and reductions, NumPy's warnings and ``errstate``; booleans as the result
    and complex numbers to reals take the blocks' own casts."""
    from nums.core.array import blockarray

    a = np.array([1e300, 1.5, -2.7, np.nan, 3.0, 2.0 ** 40, -7.0, 0.25] * 5)
    x = nps.asarray(a, block_shape=(7,))
    b = nps.asarray(a[1:3].repeat(20), block_shape=(6,))
    for dt in ("f4", "f2", "i4", "u1", "i8", "c8", "c16"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            got, want = x.astype(dt), a.astype(dt)
            assert got.pending("fused") is not None
            np.testing.assert_array_equal(got.get(), want)
            np.testing.assert_array_equal((got[2:] * 2).get(), want[2:] * 2)
            assert_same(b.astype(dt).sum(), a[1:3].repeat(20).astype(dt).sum(), rtol=1e-6)
    ints = nps.asarray(np.arange(-300, 300), block_shape=(64,))
    for dt in ("i1", "u2", "f2", "c16", "b"):
        np.testing.assert_array_equal(ints.astype(dt).get(), np.arange(-300, 300).astype(dt))
    flags = nps.asarray(np.arange(50) % 3 == 0, block_shape=(8,))
    np.testing.assert_array_equal(flags.astype(np.int8).get(),
                                  (np.arange(50) % 3 == 0).astype(np.int8))
    # not expressions: booleans as the result, complex numbers to reals (NumPy's warning)
    assert x.astype(bool).pending("fused") is None
    z = nps.asarray(a[1:3].astype(complex).repeat(20), block_shape=(6,))
    with pytest.warns(np.exceptions.ComplexWarning):
        np.testing.assert_array_equal(z.astype(float).get(), a[1:3].repeat(20))
    with pytest.warns(RuntimeWarning, match="overflow encountered in cast"):
        x.astype(np.float32).get()
    with np.errstate(over="raise"), pytest.raises(FloatingPointError, match="in cast"):
        x.astype(np.float32).get()
    monkeypatch.setattr(blockarray, "CAST", None)  # the blocks' casts give the same values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        np.testing.assert_array_equal(x.astype("i4").get(), a.astype("i4"))
