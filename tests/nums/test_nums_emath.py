"""``nums.numpy.emath`` against ``numpy.emath``: values and dtypes for integer, float16/32/64
and complex arrays inside and outside the real domain, scalars, NumPy's dispatch, the
``numpy.lib.scimath`` alias, and results that stay distributed."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray

UNARY = ["sqrt", "log", "log2", "log10", "arccos", "arcsin", "arctanh"]
DTYPES = [np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint64, np.float16,
          np.float32, np.float64, np.complex64, np.complex128, np.bool_]


def _values(dtype, inside: bool) -> np.ndarray:
    """Eleven values of ``dtype``: inside [0, 1] (every function's real domain), or spread
    over [-3, 3] (outside some domain, for signed dtypes)."""
    base = np.linspace(0, 1, 11) if inside else np.linspace(-3, 3, 11)
    if np.dtype(dtype).kind in "ub":
        base = np.abs(base) if dtype is not np.bool_ else base > 0.5
    if np.dtype(dtype).kind == "c":
        base = base + 0j
    return base.astype(dtype)


def _call(name):
    return lambda xp, x: getattr(xp.emath, name)(x)


@pytest.mark.parametrize("inside", [True, False])
@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_functions_match_numpy(dtype, inside, backend_name):
    a = _values(dtype, inside)
    with np.errstate(all="ignore"):
        for name in UNARY:
            check_against_numpy(_call(name), a, block_shape=(3,),
                                rtol=1e-3 if dtype in (np.float16, np.complex64) else 1e-7)


def test_complex_inputs_with_real_negative_values(backend_name):
    a = np.array([-4 + 0j, 2 + 1j, 9, -1 - 1j, 0.25], dtype=np.complex64)
    for name in UNARY:
        check_against_numpy(_call(name), a, block_shape=(2,),
                            rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.float32, np.float64])
def test_logn_and_power_match_numpy(dtype, backend_name):
    x = _values(dtype, False).reshape(1, 11)
    base = np.array([[2], [-2], [10]], dtype=dtype)
    with np.errstate(all="ignore"):
        check_against_numpy(lambda xp, n: xp.emath.logn(n, x), base, block_shape=(2, 1))
        check_against_numpy(lambda xp, a: xp.emath.logn(2, a), x, block_shape=(1, 4))
        check_against_numpy(lambda xp, a: xp.emath.power(a, 2), x, block_shape=(1, 4))
        check_against_numpy(lambda xp, a: xp.emath.power(xp.abs(a), -2), x,
                            block_shape=(1, 4))
        check_against_numpy(lambda xp, a: xp.emath.power(a, 0.5), x, block_shape=(1, 4))
        check_against_numpy(lambda xp, a, p: xp.emath.power(a, p), x,
                            np.arange(-2, 1, dtype=dtype).reshape(3, 1), block_shape=(1, 4))


@pytest.mark.parametrize("value", [-1, 4, -2.5, 0.5, 3 + 0j, -4 + 0j, np.float32(-4),
                                   np.int8(-1), 2.0])
def test_scalars_match_numpy(value, backend_name):
    with np.errstate(all="ignore"):
        for name in UNARY:
            got, expected = getattr(nps.emath, name)(value), getattr(np.emath, name)(value)
            assert type(got) is type(expected)
            np.testing.assert_allclose(got, expected)
        got, expected = nps.emath.power(value, -2), np.emath.power(value, -2)
        assert type(got) is type(expected)
        np.testing.assert_allclose(got, expected)


def test_lists_and_numpy_arrays_become_blockarrays(backend_name):
    got = nps.emath.sqrt([-1.0, 4.0])
    assert isinstance(got, BlockArray)
    assert_same(got, np.emath.sqrt([-1.0, 4.0]))
    got = nps.emath.log10(np.array([-10, 100]))
    assert isinstance(got, BlockArray)
    assert_same(got, np.emath.log10(np.array([-10, 100])))


def test_numpy_dispatch_and_scimath_alias(backend_name):
    x = nps.array(np.linspace(-2, 2, 9), block_shape=(2,))
    got = np.emath.sqrt(x)  # NumPy's function on a BlockArray reaches nums's
    assert isinstance(got, BlockArray) and got.grid.num_blocks == 5
    assert_same(got, np.emath.sqrt(np.linspace(-2, 2, 9)))
    assert np.lib.scimath.arccos is np.emath.arccos


def test_results_stay_distributed(backend_name):
    x = nps.array(np.linspace(-5, 5, 30).reshape(5, 6), block_shape=(2, 2))
    for name in UNARY:
        with np.errstate(all="ignore"):
            got = getattr(nps.emath, name)(x)
        assert got.grid.num_blocks == x.grid.num_blocks > 1 and got.dtype == np.complex128
