"""Polynomial coefficient arithmetic (``polyadd``, ``polysub``, ``polymul``, ``polyder``,
``polyint``, ``poly``) against NumPy, on tiny blocks so that every call crosses blocks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray

RNG = np.random.default_rng(12)
COEFFS = {
    "int64": np.array([0, 0, 3, -1, 4, 0, 5, 2, -7, 1, 0]),
    "int8": np.array([2, -1, 4, 0, 5], dtype=np.int8),
    "bool": np.array([False, True, True, False, True, False, True]),
    "float32": RNG.standard_normal(9).astype(np.float32),
    "float64": np.r_[0.0, RNG.standard_normal(12)],
    "complex128": RNG.standard_normal(7) + 1j * RNG.standard_normal(7),
}
SHORT = {
    "int64": np.array([5, -2, 1]),
    "float64": np.array([0.5, 0.0, -1.5, 2.0]),
    "complex64": np.array([1 + 1j, -2j], dtype=np.complex64),
    "bool": np.array([True, False]),
    "long": RNG.standard_normal(15),
}


@pytest.mark.parametrize("op", ["polyadd", "polysub"])
@pytest.mark.parametrize("a", list(COEFFS))
@pytest.mark.parametrize("b", list(SHORT))
def test_polyadd_polysub(op, a, b):
    for x, y in ((COEFFS[a], SHORT[b]), (SHORT[b], COEFFS[a])):
        check_against_numpy(lambda xp, p, q: getattr(xp, op)(p, q), x, y, block_shape=(2,))


@pytest.mark.parametrize("op", ["polyadd", "polysub", "polymul"])
def test_binary_edge_cases(op):
    def run(x, y, block_shape=(2,)):
        check_against_numpy(lambda xp, p, q: getattr(xp, op)(p, q), x, y,
                            block_shape=block_shape)

    run(np.array([]), np.array([1, 2]))  # empty: polymul's poly1d makes it [0.]
    run(np.array([]), np.array([]))
    run(np.array(3), np.arange(1, 12), block_shape=None)  # default: 8 per block
    run(np.array([0, 0, 0]), np.array([0.0, 1.0]))  # all zeros: poly1d's [0]
    run(np.array([[1, 2], [3, 4]]), np.array([[1], [2]]), block_shape=(1, 1))
    run(np.array([[1, 2], [3, 4]]), np.array([[1, 2], [3, 4], [5, 6]]), block_shape=(2, 1))
    run(np.array([[1, 2], [3, 4]]), np.array([1, 2]), block_shape=None)
    if op != "polymul":  # strings: concatenated with NumPy's zeros ('')
        run(np.array(["a", "b"]), np.array(["c"]))
    # Python scalars and lists
    for args in ((3, [1, 2]), ([1, 2], 2.5), ([0, 0, 1j], [1, 0]), ([], [0.0])):
        check_against_numpy(lambda xp, args=args: getattr(xp, op)(*args))


@pytest.mark.parametrize("a", list(COEFFS))
@pytest.mark.parametrize("b", list(SHORT))
def test_polymul(a, b):
    check_against_numpy(lambda xp, p, q: xp.polymul(p, q), COEFFS[a], SHORT[b],
                        block_shape=(3,), rtol=1e-6)


def test_polynomials_keep_leading_zeros_as_numpy():
    x, y = np.array([0, 0, 1, 2]), np.array([0, 3])
    got = nps.polyadd(nps.array(x, block_shape=(2,)), nps.array(y, block_shape=(1,)))
    assert isinstance(got, BlockArray)
    assert_same(got, np.polyadd(x, y))  # [0, 0, 1, 5]: NumPy does not trim here
    assert_same(nps.polymul(x, y), np.polymul(x, y))  # ... but polymul trims


@pytest.mark.parametrize("name", list(COEFFS))
@pytest.mark.parametrize("m", [0, 1, 2, 3, 20])
def test_polyder(name, m):
    check_against_numpy(lambda xp, p: xp.polyder(p, m), COEFFS[name], block_shape=(2,))


def test_polyder_edge_cases():
    for x, block_shape in ((np.array([]), (2,)), (np.array([4.0]), (1,)),
                           (np.array(3), ()), (np.arange(12).reshape(3, 4), (2, 2)),
                           (np.arange(6).reshape(3, 2), (2, 1)), (np.array(["a", "b"]), (1,))):
        for m in (0, 1, 2):
            check_against_numpy(lambda xp, p, m=m: xp.polyder(p, m), x, block_shape=block_shape)
    check_against_numpy(lambda xp: xp.polyder([1, 2, 3], 1.7))
    p = nps.array([1.0, 2.0])
    assert nps.polyder(p, 0) is p  # NumPy returns its (array) argument itself


@pytest.mark.parametrize("name", list(COEFFS))
@pytest.mark.parametrize("m,k", [(0, None), (1, None), (2, None), (3, [1, 2, 3]),
                                 (2, 5), (2, [1j, 2]), (1, np.array([2], np.int8)),
                                 (2, [1, 2, 3, 4])])
def test_polyint(name, m, k):
    check_against_numpy(lambda xp, p: xp.polyint(p, m, k), COEFFS[name], block_shape=(2,),
                        rtol=1e-6)


def test_polyint_edge_cases():
    for x, block_shape in ((np.array([]), (2,)), (np.array(3.0), ()),
                           (np.arange(6.0).reshape(3, 2), (2, 1)),
                           (np.arange(12.0).reshape(3, 4), (2, 2))):
        for m in (0, 1, 2):
            check_against_numpy(lambda xp, p, m=m: xp.polyint(p, m), x, block_shape=block_shape)
    check_against_numpy(lambda xp: xp.polyint([1, 2], 2, [[1, 2], [3, 4]]))
    check_against_numpy(lambda xp, p: xp.polyint(p, 1, k=xp.asarray([7.0])),
                        COEFFS["float64"], block_shape=(4,))
    p = nps.array([1.0, 2.0])
    assert nps.polyint(p, 0) is p


@pytest.mark.parametrize("fn,message", [
    (lambda xp: xp.polyder([1, 2], -1), "Order of derivative must be positive (see polyint)"),
    (lambda xp: xp.polyint([1, 2], -1), "Order of integral must be positive (see polyder)"),
    (lambda xp: xp.polyint([1, 2], 3, [1, 2]),
     "k must be a scalar or a rank-1 array of length 1 or >m."),
    (lambda xp: xp.poly(np.ones((2, 3))), "input must be 1d or non-empty square 2d array."),
    (lambda xp: xp.poly(np.ones((0, 0))), "input must be 1d or non-empty square 2d array."),
    (lambda xp: xp.polymul([[1, 2]], [1]), "Polynomial must be 1d only."),
    (lambda xp: xp.polyder(xp.asarray(3.0)), "len() of unsized object"),
])
def test_errors_are_numpys(fn, message):
    with pytest.raises(Exception) as expected:
        fn(np)
    with pytest.raises(type(expected.value)) as got:
        fn(nps)
    assert str(got.value) == str(expected.value) == message


ROOTS = {
    "int": np.array([1, -2, 3, 0, 4, 2, -1, 5, 7]),
    "float32": RNG.standard_normal(8).astype(np.float32),
    "float64": RNG.standard_normal(13),
    "conjugate pairs": np.array([1 + 2j, 3.0, 1 - 2j, -1j, 0.5, 1j, 2 + 0j]),
    "complex": np.array([1 + 2j, 3.0, 1 - 1j, -1j]),
    "complex64": np.array([1 + 2j, 1 - 2j, 3], dtype=np.complex64),
    "bool": np.array([True, False, True]),
    "one": np.array([2.5]),
    "empty": np.array([]),
}


@pytest.mark.parametrize("name", list(ROOTS))
@pytest.mark.parametrize("block", [1, 2, 3])
def test_poly_of_roots(name, block):
    check_against_numpy(lambda xp, z: xp.poly(z), ROOTS[name], block_shape=(block,),
                        rtol=1e-5 if name in ("float32", "complex64") else 1e-9, atol=1e-6)


def test_poly_of_scalar_and_matrix():
    for arg in (3, np.float64(2.0), None, "ab", [[1, 2], [3, 4]]):
        check_against_numpy(lambda xp, arg=arg: xp.poly(arg))  # TypeError, ValueError, eigenvalues
    check_against_numpy(lambda xp, z: xp.poly(z), np.array(2.0), block_shape=())
    check_against_numpy(lambda xp: xp.poly([1, 2, 3]))
    mat = np.array([[0, 1 / 3, 2], [-1 / 2, 0, 1], [1, 1, 4]])
    check_against_numpy(lambda xp, a: xp.poly(a), mat, block_shape=(2, 2), rtol=1e-9, atol=1e-12)
    check_against_numpy(lambda xp, a: xp.poly(a), np.array([[0.0, -1.0], [1.0, 0.0]]),
                        block_shape=(1, 1), atol=1e-12)  # eigenvalues +-i: a real result
    check_against_numpy(lambda xp, a: xp.poly(a), np.ones((2, 2, 2)), block_shape=(1, 1, 1))


def test_poly1d_arguments_give_poly1d():
    p, q = np.poly1d([1.0, 2.0, 3.0]), np.poly1d([0.0, 2.0])
    bq = nps.array([0.0, 0.0, 2.0, 1.0], block_shape=(2,))
    for name in ("polyadd", "polysub", "polymul"):
        for args, np_args in (((p, q), (p, q)), ((p, bq), (p, bq.get())), ((bq, q), (bq.get(), q))):
            got, expected = getattr(nps, name)(*args), getattr(np, name)(*np_args)
            assert isinstance(got, np.poly1d) and isinstance(expected, np.poly1d)
            assert_same(got.coeffs, expected.coeffs)
    for got, expected in ((nps.polyder(p, 1), np.polyder(p, 1)),
                          (nps.polyint(p, 2, [1, 2]), np.polyint(p, 2, [1, 2])),
                          (nps.polyder(p, 0), np.polyder(p, 0))):
        assert isinstance(got, np.poly1d)
        assert_same(got.coeffs, expected.coeffs)


def test_results_are_split_in_blocks(backend_name):
    x = nps.array(np.arange(1.0, 41.0), block_shape=(8,))
    for result in (nps.polyadd(x, x[:5]), nps.polymul(x, x), nps.polyder(x, 2),
                   nps.polyint(x, 2), nps.poly(x[:20])):
        # as many blocks as a new array of that size has (large blocks: "local" has one)
        default = nps.zeros(result.shape).grid.grid_shape[0]
        assert isinstance(result, BlockArray) and result.grid.grid_shape[0] >= min(default, 2)
        assert backend_name == "local" or result.grid.grid_shape[0] > 1


def _sorted(values):
    values = np.asarray(values)
    return values[np.lexsort((values.imag, values.real))] if values.size else values


ROOT_COEFFS = {
    "int": np.array([0, 0, 1, -6, 11, -6, 0, 0]),  # roots 1, 2, 3 and two zeros
    "float": np.array([2.0, -3.0, 0.5, 4.0, 1.0]),
    "complex roots": np.array([1.0, 0.0, 1.0]),
    "complex": np.array([1 + 1j, 2.0, -1j]),
    "float32": np.array([1, -3, 2, 0], dtype=np.float32),
    "bool": np.array([True, False, True]),
    "one": np.array([0, 5, 0]),
    "zeros": np.array([0.0, 0.0]),
    "empty": np.array([]),
}


@pytest.mark.parametrize("name", list(ROOT_COEFFS))
def test_roots(name):
    p = ROOT_COEFFS[name]
    expected = np.roots(p)
    got = nps.roots(nps.array(p, block_shape=(2,)))
    assert isinstance(got, BlockArray) and got.dtype == expected.dtype
    # the same roots (eigenvalues come in an order LAPACK chooses)
    assert_same(_sorted(got.get()), _sorted(expected), rtol=1e-6, atol=1e-9)


def test_roots_errors():
    for call in (lambda xp: xp.roots([[1, 2], [3, 4]]), lambda xp: xp.roots(["a", "b"]),
                 lambda xp: xp.roots(3.0), lambda xp: xp.roots(np.array([1, 2, 3], np.float16))):
        check_against_numpy(call)
    check_against_numpy(lambda xp: xp.roots(["", "1", "2", ""]))  # strings: truth values
    with pytest.raises(ValueError, match="^Input must be a rank-1 array.$"):
        nps.roots([[1, 2], [3, 4]])


def test_object_coefficients():
    from fractions import Fraction as F

    a = np.array([F(1, 2), F(1, 3), F(2), F(0), F(5, 7), F(1), F(3), F(9), F(1, 9)], object)
    b = np.array([F(1, 5), F(2, 3)], object)
    for call in (lambda xp, x, y: xp.polyadd(x, y), lambda xp, x, y: xp.polysub(y, x),
                 lambda xp, x, y: xp.polymul(x, y), lambda xp, x, y: xp.polyder(x, 2),
                 lambda xp, x, y: xp.polyint(x, 2, [F(1, 3), 1]), lambda xp, x, y: xp.poly(x)):
        expected = call(np, a, b)
        got = call(nps, nps.array(a, block_shape=(2,)), nps.array(b, block_shape=(1,)))
        assert got.dtype == object and list(got.get()) == list(expected)
    p = np.poly1d(a[:3])
    assert np.all(nps.polyint(p).coeffs == np.polyint(p).coeffs)


def test_numpy_dispatches_to_nums():
    x = nps.array(np.arange(1.0, 11.0), block_shape=(3,))
    for name, args in (("polyadd", (x, [1, 2])), ("polysub", ([1, 2], x)),
                       ("polymul", (x, x)), ("polyder", (x,)), ("polyint", (x,)),
                       ("poly", (x,)), ("roots", (x,))):
        got = getattr(np, name)(*args)
        assert isinstance(got, BlockArray)
        expected = getattr(np, name)(*[a.get() if isinstance(a, BlockArray) else a
                                       for a in args])
        if name == "roots":
            got, expected = _sorted(got.get()), _sorted(expected)
        assert_same(got, expected, rtol=1e-6)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_fits_with_a_missing_value_give_nan_as_numpy(layout, bad):
    """A NaN or inf in ``y`` or ``b`` propagates to the coefficients (NumPy's NaNs), on the
    normal equations' path of tall arrays in blocks as on NumPy's."""
    x = np.linspace(0, 1, 100)
    y = 2 * x + 1
    y[10] = bad
    np.testing.assert_array_equal(nps.polyfit(nps.asarray(x), nps.asarray(y), 1).get(),
                                  np.polyfit(x, y, 1))
    a = np.random.default_rng(0).normal(size=(30, 4))
    b = np.full(30, bad)
    expected = np.linalg.lstsq(a, b, rcond=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (NumPy's LAPACK call warns of nothing)
        got = nps.linalg.lstsq(nps.asarray(a), nps.asarray(b), rcond=None)
        got[0].get()
    np.testing.assert_array_equal(got[0].get(), expected[0])
    np.testing.assert_array_equal(got[1].get(), expected[1])
    assert int(got[2]) == expected[2]


@pytest.mark.parametrize("expr", ["a * p", "a + p", "a == p", "s + p", "s - p", "a / p",
                                  "np_.add(a, p)", "np_.sin(p)", "a < p"])
def test_arrays_operate_on_a_poly1d_as_on_its_coefficients(layout, expr):
    """NumPy's arrays take a poly1d as the array of its coefficients (its ``__array__``):
    elementwise, not polynomial arithmetic (``np.std(y) * p`` is an array)."""
    p = np.poly1d([1.0, 2.0])
    a, s = np.array([3.0, 5.0]), np.array(2.0)
    expected = eval(expr, {"a": a, "s": s, "p": p, "np_": np})
    got = eval(expr, {"a": nps.asarray(a), "s": nps.asarray(s), "p": p, "np_": nps})
    assert isinstance(got, BlockArray)
    assert_same(got, expected)
    with pytest.raises(ValueError, match="could not be broadcast"):
        nps.asarray(np.array([1.0, 2.0, 3.0])) * p


@pytest.mark.parametrize("scale_a,scale_b", [(1e200, 1e200), (1e155, 1.0), (1.0, 1e300)])
def test_lstsq_of_badly_scaled_data_as_numpy(layout, scale_a, scale_b):
    """Data whose normal equations overflow (A^T A beyond float64) take the QR path, as
    NumPy's never squares the data; residuals that overflow are inf, not NaN."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(400, 5)) * scale_a, rng.normal(size=400) * scale_b
    expected = np.linalg.lstsq(a, b, rcond=None)
    got = nps.linalg.lstsq(nps.asarray(a), nps.asarray(b), rcond=None)
    np.testing.assert_allclose(got[0].get(), expected[0], rtol=1e-8)
    np.testing.assert_allclose(got[1].get(), expected[1], rtol=1e-8)
