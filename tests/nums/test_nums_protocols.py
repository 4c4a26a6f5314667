"""NumPy's __array_ufunc__ and __array_function__ dispatch to nums."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as special
from nums_helpers import assert_same

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray
from nums.numpy import GatherWarning
from nums.numpy import _fallback as _protocols

A = np.arange(12.0).reshape(3, 4)


def _x():
    return nps.array(A, block_shape=(2, 3))


def test_array_ufunc_returns_blockarrays():
    x = _x()
    for res, exp in (
        (np.exp(x), np.exp(A)),
        (np.add(x, 1), A + 1),
        (np.add(1, x), 1 + A),
        (np.multiply(A, x), A * A),
        (np.maximum(x, 5), np.maximum(A, 5)),
        (np.matmul(x, x.T), A @ A.T),
        (A + x, A + A),
    ):
        assert isinstance(res, BlockArray)
        assert_same(res, exp, rtol=1e-12)
    q, r = np.divmod(x, 5)
    assert isinstance(q, BlockArray)
    assert_same(r, np.divmod(A, 5)[1])
    out = nps.zeros((3, 4))
    assert np.add(x, x, out=out) is out
    assert_same(out, A + A)
    assert_same(np.add.reduce(x, axis=1), np.add.reduce(A, axis=1))
    assert_same(np.multiply.accumulate(x, axis=0), np.multiply.accumulate(A, axis=0))


def test_array_function_dispatch():
    x = _x()
    cases = [
        (np.sum(x), np.sum(A)),
        (np.sum(x, axis=0), np.sum(A, axis=0)),
        (np.mean(x), A.mean()),
        (np.std(x, ddof=1), A.std(ddof=1)),
        (np.argmax(x, axis=1), A.argmax(axis=1)),
        (np.transpose(x), A.T),
        (np.reshape(x, (4, 3)), A.reshape(4, 3)),
        (np.concatenate([x, x]), np.concatenate([A, A])),
        (np.where(x > 3, x, 0), np.where(A > 3, A, 0)),
        (np.dot(x, x.T), A @ A.T),
        (np.clip(x, 2, 5), np.clip(A, 2, 5)),
        (np.cumsum(x), np.cumsum(A)),
        (np.round(x / 3, 2), np.round(A / 3, 2)),
        (np.zeros_like(x), np.zeros_like(A)),
        (np.tensordot(x, x, 2), np.tensordot(A, A, 2)),
    ]
    for res, exp in cases:
        assert isinstance(res, BlockArray)
        assert_same(res, exp, rtol=1e-12)
    assert np.allclose(x, A) is True
    assert np.array_equal(x, A) is True
    assert np.shape(x) == (3, 4) and np.ndim(x) == 2 and np.size(x) == 12


def test_fallback_gathers_with_warning():
    x = _x()
    _protocols._warned.clear()
    words = np.array(["ab", "cd", "ef"])
    with pytest.warns(GatherWarning, match="partition"):  # no distributed implementation
        s = np.char.partition(nps.array(words), "c")
    assert isinstance(s, BlockArray)
    assert_same(s, np.char.partition(words, "c"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", GatherWarning)  # numpy.char.upper has one now
        assert_same(np.char.upper(nps.array(words)), np.char.upper(words))
    with warnings.catch_warnings():
        warnings.simplefilter("error", GatherWarning)  # numpy.emath has one now
        s = np.emath.sqrt(x - 5.0)
    assert isinstance(s, BlockArray)
    assert_same(s, np.emath.sqrt(A - 5.0))
    h = nps.array(np.eye(3) * 2)
    c = np.piecewise(h, [h > 1], [lambda v: v * 10, -1.0])  # distributed now
    assert_same(c, np.piecewise(np.eye(3) * 2, [np.eye(3) * 2 > 1], [lambda v: v * 10, -1.0]))
    g = nps.array(np.ones(3))
    sol = np.linalg.solve(h, g)
    np.testing.assert_allclose(sol, np.full(3, 0.5))


def test_linalg_dispatch_and_functions():
    x = _x()
    n = np.linalg.norm(x)
    assert isinstance(n, BlockArray)
    assert float(n) == pytest.approx(np.linalg.norm(A))
    assert_same(nps.linalg.norm(x, axis=1), np.linalg.norm(A, axis=1), rtol=1e-12)
    v = nps.array(np.array([3.0, -4.0, 1.0]))
    for ord in (None, 1, 2, np.inf, -np.inf):
        assert float(nps.linalg.norm(v, ord)) == pytest.approx(np.linalg.norm(v.get(), ord))
    h = A.T @ A + np.eye(4)
    g = np.arange(4.0)
    assert_same(nps.linalg.solve(nps.array(h), nps.array(g)), np.linalg.solve(h, g), rtol=1e-10)
    assert_same(nps.linalg.inv(nps.array(h)), np.linalg.inv(h), rtol=1e-10)
    assert float(nps.linalg.det(nps.array(h))) == pytest.approx(np.linalg.det(h))


def test_namespace_fallback_for_missing_functions():
    x = _x()
    _protocols._warned.clear()
    with pytest.warns(GatherWarning, match="numpy.cumsum"):  # the fallback on any name
        s = _protocols.numpy_fallback("cumsum")(x[:, ::-1], axis=0)
    assert isinstance(s, BlockArray)
    assert_same(s, np.cumsum(A[:, ::-1], axis=0))
    s = nps.einsum("ij->j", x[:, ::-1])  # distributed now
    assert_same(s, np.einsum("ij->j", A[:, ::-1]))
    assert_same(nps.lexsort(x[:, ::-1]), np.lexsort(A[:, ::-1]))  # distributed now
    u, c = nps.unique(nps.array([3, 1, 3, 2]), return_counts=True)
    assert_same(u, np.array([1, 2, 3]))
    assert_same(c, np.array([1, 1, 2]))
    with pytest.raises(AttributeError):
        nps.not_a_numpy_function  # noqa: B018
    with pytest.raises(AttributeError):
        nps._private  # noqa: B018


def test_ufuncs_other_than_numpys_run_block_by_block():
    # any elementwise ufunc (here SciPy's) goes through __array_ufunc__ to the nums ufunc
    # machinery: BlockArray results, no gather (a GatherWarning would be an error here),
    # fusion with NumPy's ufuncs, out=, and several outputs
    xn = np.linspace(-3.0, 3.0, 37)
    x = nps.array(xn)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = special.expit(x * 2 + 1)
        assert isinstance(got, nps.BlockArray)
        assert_same(got, special.expit(xn * 2 + 1))
        assert_same(special.gammainc(2.0, nps.abs(x)), special.gammainc(2.0, np.abs(xn)))
        out = nps.zeros(37)
        assert special.erf(x, out=out) is out
        assert_same(out, special.erf(xn))
        for g, w in zip(special.ellipj(x, 0.5), special.ellipj(xn, 0.5)):
            assert_same(g, w)
        assert float(special.expit(x).sum()) == pytest.approx(special.expit(xn).sum())


def test_unpicklable_ufunc_runs_on_the_driver_with_a_warning():
    f = np.frompyfunc(lambda a: a * 2, 1, 1)  # a lambda's ufunc cannot reach the workers
    xn = np.arange(6.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GatherWarning)  # said once per function
        got = f(nps.array(xn))
    np.testing.assert_array_equal(np.asarray(got.get() if hasattr(got, "get") else got), f(xn))


def test_user_functions_in_tasks_may_call_nums_numpy():
    # a script's own functions that tasks run (apply_along_axis, piecewise, vectorize) call
    # ``np.`` functions of the namespace they were written with, nums.numpy, on the NumPy
    # blocks they are given: NumPy's results, computed where the task runs
    rng = np.random.default_rng(7)
    a = rng.random((23, 17))
    x = nps.array(a, block_shape=(5, 4))
    got = nps.apply_along_axis(lambda r: nps.sum(r ** 2) + nps.max(r), 0, x)
    np.testing.assert_allclose(got.get(), (a ** 2).sum(0) + a.max(0), rtol=1e-12)
    v = np.arange(40.0)
    got = nps.piecewise(nps.array(v, block_shape=(7,)), [v < 20], [lambda t: nps.sqrt(t), 0])
    np.testing.assert_allclose(got.get(), np.piecewise(v, [v < 20], [np.sqrt, 0]))
    norms = nps.vectorize(lambda r: nps.linalg.norm(r), signature="(n)->()")(x)
    np.testing.assert_allclose(norms.get(), np.linalg.norm(a, axis=1), rtol=1e-12)


def test_a_numpy_arrays_out_takes_nums_operands(layout):
    """``w /= x.sum()``, ``y -= x`` and ``numpy.clip(..., out=b)`` of NumPy arrays ``w``,
    ``y``, ``b`` with nums operands: NumPy computes into its array, as with NumPy's scalars
    and arrays (nums refused a NumPy ``out=``: TypeError)."""
    a = np.arange(1.0, 112.0).reshape(37, 3) / 10
    x = nps.asarray(a)
    results = []
    for src in (a, x):
        w = np.arange(1.0, 4.0)
        w /= src.sum()
        w += src.max()
        w *= src[3, 1]
        y = np.ones((37, 3))
        y -= src
        c = np.clip(np.arange(5.0), 0, src[1, 1], out=np.zeros(5))
        d = np.divmod(np.arange(3.0), src[1, 1], out=(np.zeros(3), np.zeros(3)))
        h = np.histogram(np.arange(10.0), bins=4, range=(float(src.min()), src.max()))[0]
        results.append([w, y, c, d[0], d[1], h])
        q = np.zeros(3, int)
        with pytest.raises(TypeError):  # (NumPy's casting error, same_kind)
            q += src.sum()
    for got, expected in zip(*results[::-1]):
        assert type(got) is np.ndarray
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("dtype", [float, np.int8, "U2", object])
def test_iterating_a_split_array_fetches_blocks_and_sees_writes(layout, dtype):
    """``for v in x`` (``max(x)``, ``list(x)``, ``sum(x)``) gives ``x[i]`` in turn from
    fetched blocks (nums ran a task per element: seconds for 1e4 elements), and sees a write
    made by the loop to an element not yet reached, as NumPy's iteration does."""
    a = np.arange(60).astype(dtype)
    for arr in (a.copy(), nps.asarray(a.copy())):
        seen = []
        for v in arr:
            seen.append(v.item() if hasattr(v, "item") else v)
            if len(seen) == 3:
                arr[40] = arr[2]
        if arr is a or isinstance(arr, np.ndarray):
            expected = seen
    assert seen == expected
    x = nps.asarray(a)
    assert list(x[::-7]) == list(a[::-7])
    if dtype is not object and dtype != "U2":
        assert max(x) == max(a) and sum(x) == sum(a)
        assert all(type(v) is type(x[0]) for v in x)  # (elements as x[i] gives them)


def test_item_of_text_is_a_python_string(layout):
    """``x.item(i)`` of a str or bytes array is Python's str or bytes, as NumPy's (nums gave
    NumPy's str_ for arrays in blocks)."""
    for values in (["a", "bc"] * 10, [b"a", b"bc"] * 10):
        a = np.array(values)
        got = nps.asarray(a).item(3)
        assert type(got) is type(a.item(3)) and got == a.item(3)
