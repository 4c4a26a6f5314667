"""``nums.numpy.vectorize`` against ``numpy.vectorize``: values, dtypes (``otypes`` and
NumPy's rule of the first element), several outputs, ``excluded`` and keyword arguments,
broadcasting with scalars and NumPy arrays, decorators, size-0 inputs, ``signature=`` (the
fallback), and results that stay distributed."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray

RNG = np.random.default_rng(77)
A = RNG.standard_normal((5, 7))
B = RNG.integers(-5, 5, size=(1, 7))  # broadcasts against A


def _step(u, v=1.0):
    return u * 2 + v if u > 0 else u - v


def _pair(u, v):
    return u + v, u > v


@pytest.mark.parametrize("block_shape", [None, (2, 3), (1, 7)])
def test_one_output_broadcast_matches_numpy(block_shape, backend_name):
    check_against_numpy(lambda xp, a, b: xp.vectorize(_step)(a, b), A, B,
                        block_shape=block_shape)
    check_against_numpy(lambda xp, a: xp.vectorize(_step)(a, 3), A, block_shape=block_shape)
    check_against_numpy(lambda xp, a: xp.vectorize(_step)(a[:, :1], a[0]), A,
                        block_shape=block_shape)


@pytest.mark.parametrize("fn, dtype", [(lambda u: int(u), np.int64), (lambda u: u > 0, bool),
                                       (lambda u: complex(u, 1), np.complex128),
                                       (lambda u: np.float32(u), np.float32)])
def test_dtype_of_the_first_element_as_numpy(fn, dtype, backend_name):
    x = nps.array(A, block_shape=(2, 2))
    got = nps.vectorize(fn)(x)
    assert got.dtype == dtype
    assert_same(got, np.vectorize(fn)(A))


def test_dtype_fixed_by_first_element_even_if_later_ones_differ(backend_name):
    # numpy: int from the first element, so later floats are truncated
    fn = lambda u: 1 if u == 0 else u + 0.5  # noqa: E731
    a = np.arange(10.0)
    check_against_numpy(lambda xp, a: xp.vectorize(fn)(a), a, block_shape=(3,))


@pytest.mark.parametrize("otypes", ["f", [np.int32], "d", [complex]])
def test_otypes_match_numpy(otypes, backend_name):
    check_against_numpy(lambda xp, a, b: xp.vectorize(_step, otypes=otypes)(a, b), A, B,
                        block_shape=(2, 3))


def test_integer_and_float32_inputs(backend_name):
    ints = RNG.integers(-9, 9, size=(6, 4))
    check_against_numpy(lambda xp, a: xp.vectorize(lambda u: u * u - 1)(a), ints,
                        block_shape=(4, 3))
    f32 = RNG.standard_normal((6, 4)).astype(np.float32)
    check_against_numpy(lambda xp, a: xp.vectorize(lambda u: u / 2)(a), f32,
                        block_shape=(4, 3))


def test_several_outputs_are_a_tuple(backend_name):
    check_against_numpy(lambda xp, a, b: xp.vectorize(_pair)(a, b), A, B, block_shape=(2, 3))
    check_against_numpy(lambda xp, a, b: xp.vectorize(_pair, otypes="fi")(a, b), A, B,
                        block_shape=(2, 3))


def test_excluded_and_keyword_arguments(backend_name):
    def f(x, coeffs, scale=1.0, shift=0.0):
        return scale * sum(c * x**i for i, c in enumerate(coeffs)) + shift

    check_against_numpy(lambda xp, a: xp.vectorize(f, excluded={1})(a, [1, 2, 3]), A,
                        block_shape=(2, 3))
    check_against_numpy(
        lambda xp, a: xp.vectorize(f, excluded={"coeffs"})(a, coeffs=[1, -1], scale=2.0), A,
        block_shape=(3, 2))
    # a keyword argument that is vectorized (an array, broadcast with the rest)
    check_against_numpy(lambda xp, a, b: xp.vectorize(f, excluded={1})(a, [0, 1], shift=b),
                        A, B, block_shape=(2, 3))
    # a small BlockArray among the excluded arguments reaches the function as its values
    c = nps.array([1.0, 2.0])
    got = nps.vectorize(f, excluded={1})(nps.array(A, block_shape=(2, 3)), c)
    assert_same(got, np.vectorize(f, excluded={1})(A, np.array([1.0, 2.0])))


def test_numpy_and_scalar_inputs(backend_name):
    got = nps.vectorize(_step)(A, 2)
    assert isinstance(got, BlockArray)
    assert_same(got, np.vectorize(_step)(A, 2))
    got = nps.vectorize(_step)(3.0)
    assert_same(got, np.vectorize(_step)(3.0))


def test_decorators(backend_name):
    @nps.vectorize
    def plain(u):
        """doc of plain"""
        return u - 1 if u > 0 else 0

    @nps.vectorize(otypes=[np.float32], doc="mine")
    def typed(u):
        return u + 1

    assert isinstance(plain, np.vectorize) and plain.__doc__ == "doc of plain"
    assert typed.__doc__ == "mine"
    x = nps.array(A, block_shape=(2, 2))
    assert_same(plain(x), np.vectorize(plain.pyfunc)(A))
    assert_same(typed(x), np.vectorize(typed.pyfunc, otypes=[np.float32])(A))


def test_errors_as_numpy(backend_name):
    for make in (lambda xp: xp.vectorize(3), lambda xp: xp.vectorize(_step, otypes="?!"),
                 lambda xp: xp.vectorize(_step, otypes=7)):
        with pytest.raises(Exception) as expected:
            make(np)
        with pytest.raises(type(expected.value)):
            make(nps)
    # broadcasting and size-0 inputs without otypes
    check_against_numpy(lambda xp, a: xp.vectorize(_step)(a, a[:3]), A, block_shape=(2, 3))
    check_against_numpy(lambda xp, a: xp.vectorize(_step)(a[:0]), A, block_shape=(2, 3))
    check_against_numpy(lambda xp, a: xp.vectorize(_step, otypes="d")(a[:0]), A,
                        block_shape=(2, 3))


def test_whole_array_types_through_numpy(backend_name):
    x = nps.array(A, block_shape=(2, 3))
    with pytest.warns(nps.GatherWarning):  # a string of the length NumPy chooses from all
        nps._fallback._warned.discard("numpy.vectorize")
        got = nps.vectorize(lambda u: f"{u:.2f}")(x)
    assert_same(got, np.vectorize(lambda u: f"{u:.2f}")(A))
    day = np.datetime64("2020-01-01")
    for otypes in (None, [np.dtype("M8[D]")]):  # a unit chosen from the values, or given
        got = nps.vectorize(lambda u: day + int(u), otypes=otypes)(x)
        assert_same(got, np.vectorize(lambda u: day + int(u), otypes=otypes)(A))


V = RNG.standard_normal(7)
SIGNATURES = [
    (lambda r: r.sum(), "(n)->()", None),
    (lambda r, s: r @ s, "(n),(n)->()", None),
    (lambda r: np.sort(r)[::-1][:2], "(n)->(k)", None),
    (lambda r: (r.min(), r.argmax()), "(n)->(),()", None),
    (lambda r: np.outer(r, r[:2]), "(n)->(n,m)", None),
    (lambda r, s: r * s, "(n),(n)->(n)", "f"),
    (lambda r, s: (r - s, int(r[0] > 0)), "(n),(n)->(n),()", [np.float64, np.int8]),
]


@pytest.mark.parametrize("fn, signature, otypes", SIGNATURES)
@pytest.mark.parametrize("block_shape", [None, (2, 3), (1, 7)])
def test_signature_core_dimensions_match_numpy(fn, signature, otypes, block_shape,
                                               backend_name):
    nin = signature.split("->")[0].count("(")
    with warnings.catch_warnings():
        warnings.simplefilter("error", nps.GatherWarning)  # distributed, no fallback
        check_against_numpy(
            lambda xp, a, v: xp.vectorize(fn, signature=signature, otypes=otypes)(
                *[a, v[0]][:nin]), A, V[None], block_shape=block_shape)


def test_signature_results_stay_distributed(backend_name):
    x = nps.array(A, block_shape=(2, 7))
    lo, hi = nps.vectorize(lambda r: (r.min(), r.max()), signature="(n)->(),()")(x)
    assert lo.grid.num_blocks == hi.grid.num_blocks == 3
    assert_same((lo, hi), (A.min(axis=1), A.max(axis=1)))
    top = nps.vectorize(lambda r: np.sort(r)[-3:], signature="(n)->(k)")(x)
    assert top.grid.grid_shape == (3, 1)
    assert_same(top, np.sort(A, axis=1)[:, -3:])


def test_signature_errors_as_numpy(backend_name):
    def dot(r, s):
        return r @ s

    for body in (
            lambda xp, a: xp.vectorize(dot, signature="(n),(n)->()")(a, a[:, :3]),
            lambda xp, a: xp.vectorize(dot, signature="(n),(n)->()")(a),
            lambda xp, a: xp.vectorize(lambda r: (r, r), signature="(n)->()")(a),
            lambda xp, a: xp.vectorize(np.sum, signature="(n,m,k)->()")(a),
            lambda xp, a: xp.vectorize(np.sum, signature="(n)->()")(a[:0]),
            lambda xp, a: xp.vectorize(np.sort, signature="(n)->(k)", otypes="d")(a[:0]),
            lambda xp, a: xp.vectorize(np.sum, signature="(n)->()", otypes="f")(a[:0]),
            lambda xp, a: xp.vectorize(np.sum, signature="(n)->()")(a, a[:2])):
        check_against_numpy(body, A, block_shape=(2, 3))


def test_results_stay_distributed(backend_name):
    x = nps.array(A, block_shape=(2, 3))
    out = nps.vectorize(_pair)(x, 1.0)
    for part in out:
        assert isinstance(part, BlockArray) and part.grid.num_blocks == x.grid.num_blocks > 1
    assert_same(out, np.vectorize(_pair)(A, 1.0))


def test_functions_in_tasks_use_the_scripts_arrays_as_their_values(layout):
    """A table of the script's used by a function that tasks run (closure, extra argument,
    excluded argument) is sent as its NumPy value: NumPy's results."""
    idx_n, tab_n, f_n = np.arange(20) % 7, np.arange(7) * 10, np.linspace(-1, 1, 20)
    idx, tab, f = nps.asarray(idx_n), nps.asarray(tab_n), nps.asarray(f_n)
    cases = [
        (lambda: nps.vectorize(lambda i: tab[i])(idx),
         lambda: np.vectorize(lambda i: tab_n[i])(idx_n)),
        (lambda: nps.vectorize(lambda x: x + tab.sum())(f),
         lambda: np.vectorize(lambda x: x + tab_n.sum())(f_n)),
        (lambda: nps.piecewise(f, [f < 0], [lambda x: x * tab[1], lambda x: x + tab[2]]),
         lambda: np.piecewise(f_n, [f_n < 0], [lambda x: x * tab_n[1], lambda x: x + tab_n[2]])),
        (lambda: nps.apply_along_axis(lambda r, t: r.sum() + t[0], 0, f.reshape(4, 5), tab),
         lambda: np.apply_along_axis(lambda r, t: r.sum() + t[0], 0, f_n.reshape(4, 5), tab_n)),
        (lambda: nps.vectorize(lambda i, table: table[i], excluded={"table"})(idx, table=tab),
         lambda: np.vectorize(lambda i, table: table[i], excluded={"table"})(idx_n,
                                                                           table=tab_n)),
    ]
    for ours, numpys in cases:
        np.testing.assert_allclose(nps.asarray(ours()).get(), numpys())


def test_a_large_array_captured_by_a_function_in_tasks_is_a_clear_error(layout, monkeypatch):
    """Beyond ``CAPTURED_BYTES`` a distributed array used by a function run in tasks is a
    TypeError that says what to do (a driver-resident one is NumPy's value in any case)."""
    from nums.core.array import blockarray

    monkeypatch.setattr(blockarray, "CAPTURED_BYTES", 64)
    x = nps.asarray(np.arange(100.0))
    table = nps.asarray(np.arange(50.0))
    if table._local is None and blockarray.backend().name != "serial":  # (tasks pickled)
        with pytest.raises(TypeError, match="uses a distributed nums array"):
            nps.vectorize(lambda v: v + table[3])(x).get()
    else:
        np.testing.assert_array_equal(nps.vectorize(lambda v: v + table[3])(x).get(),
                                      np.arange(100.0) + 3)
