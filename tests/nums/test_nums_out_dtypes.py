"""``out=`` arrays of another dtype than the result's, against NumPy.

Each function checks ``out`` by NumPy's rule for it (a ufunc's ``same_kind`` cast, ``dot``'s
exact dtype, ``take``'s and ``argmax``'s safe cast of ``out`` to the result's dtype) and
raises NumPy's error; otherwise ``out`` holds NumPy's values. A reduction of floating-point
values into an integer ``out`` of a distributed array, whose value in NumPy depends on its
buffering, raises ``NotImplementedError``; never another value.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nums.numpy as nps

A = np.linspace(-3, 3, 60).reshape(12, 5)

# (name, call, shape of out): ``call(module, array, out)``
CASES = [
    ("round", lambda m, x, o: m.round(x, 1, out=o), (12, 5)),
    ("fix", lambda m, x, o: m.fix(x, out=o), (12, 5)),
    ("clip", lambda m, x, o: m.clip(x, -1, 1, out=o), (12, 5)),
    ("sum", lambda m, x, o: m.sum(x, axis=0, out=o), (5,)),
    ("prod", lambda m, x, o: m.prod(x, axis=1, out=o), (12,)),
    ("add.reduce", lambda m, x, o: m.add.reduce(x, axis=0, out=o), (5,)),
    ("max", lambda m, x, o: m.max(x, axis=0, out=o), (5,)),
    ("mean", lambda m, x, o: m.mean(x, axis=0, out=o), (5,)),
    ("std", lambda m, x, o: m.std(x, axis=0, out=o), (5,)),
    ("ptp", lambda m, x, o: m.ptp(x, axis=0, out=o), (5,)),
    ("percentile", lambda m, x, o: m.percentile(x, 30, axis=0, out=o), (5,)),
    ("percentile lower", lambda m, x, o: m.percentile(x, 30, axis=0, method="lower",
                                                      out=o), (5,)),
    ("median", lambda m, x, o: m.median(x, axis=0, out=o), (5,)),
    ("dot", lambda m, x, o: m.dot(x, x.T, out=o), (12, 12)),
    ("matmul", lambda m, x, o: m.matmul(x, x.T, out=o), (12, 12)),
    ("vecdot", lambda m, x, o: m.vecdot(x, x, out=o), (12,)),
    ("take", lambda m, x, o: m.take(x, [1, 3, 5], axis=0, out=o), (3, 5)),
    ("compress", lambda m, x, o: m.compress([True, False, True], x, axis=1, out=o), (12, 2)),
    ("argmax", lambda m, x, o: m.argmax(x, axis=0, out=o), (5,)),
    ("argmin", lambda m, x, o: m.argmin(x, axis=1, out=o), (12,)),
]
OUT_DTYPES = [np.float64, np.float32, np.int64, np.int8, np.bool_, np.complex128]


def _outcome(call, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return None, call(*args)
        except Exception as exc:  # noqa: BLE001 - the outcome compared with NumPy's
            return exc, None


@pytest.mark.parametrize("name,call,shape", CASES, ids=[c[0] for c in CASES])
def test_out_of_another_dtype_is_numpys_or_an_error(name, call, shape):
    x = nps.asarray(A)
    for dtype in OUT_DTYPES:
        for view in (False, True):
            full = (shape[0] + 2,) + shape[1:] if view else shape
            want = np.full(full, 5, dtype=dtype)
            got = nps.asarray(want.copy())
            want_error, _ = _outcome(call, np, A, want[1:-1] if view else want)
            got_out = got[1:-1] if view else got
            got_error, result = _outcome(call, nps, x, got_out)
            where = f"{name} into {np.dtype(dtype)}{' (a view)' if view else ''}"
            if want_error is not None:
                assert got_error is not None, f"{where}: NumPy raises {want_error!r}"
                assert isinstance(got_error, type(want_error)), (where, got_error)
                continue
            if got_error is not None:
                assert isinstance(got_error, NotImplementedError), (where, got_error)
                assert dtype not in (np.float64, np.float32, np.complex128), where
                continue
            assert result is got_out, where
            values = got.get()
            if values.dtype.kind in "fc":
                np.testing.assert_allclose(values, want, rtol=1e-6, atol=1e-12, err_msg=where)
            else:
                np.testing.assert_array_equal(values, want, err_msg=where)


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
@pytest.mark.parametrize("out_dtype", [bool, np.int64, np.float32])
@pytest.mark.parametrize("axis", [0, 1, None])
def test_logical_reductions_of_floats_into_any_out(layout, name, out_dtype, axis):
    """A logical reduction's partial results are booleans, so its result cast once is
    NumPy's: nums refused floats into a boolean ``out=`` as it refuses float sums."""
    f = np.linspace(-3, 3, 91).reshape(7, 13)
    f[3] = 0
    shape = {0: (13,), 1: (7,), None: ()}[axis]
    expected = getattr(np, name).reduce(f, axis=axis, out=np.zeros(shape, out_dtype))
    got = getattr(nps, name).reduce(nps.asarray(f), axis=axis, out=nps.zeros(shape, out_dtype))
    assert got.dtype == expected.dtype and np.array_equal(got.get(), expected)


def test_one_out_array_for_two_outputs_is_numpys_type_error(layout):
    """``divmod(x, 2.5, out=arr)``: NumPy's TypeError (one array for two outputs), not a
    ValueError."""
    x = nps.arange(5.0)
    for body in (lambda xp, a: xp.divmod(a, 2.5, out=xp.empty(5)),
                 lambda xp, a: xp.modf(a, out=xp.empty(5)),
                 lambda xp, a: xp.frexp(a, out=xp.empty(5))):
        with pytest.raises(TypeError):
            body(np, np.arange(5.0))
        with pytest.raises(TypeError):
            body(nps, x)
