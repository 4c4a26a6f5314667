"""Random small programs against NumPy: operators, in-place operators, item assignment and
reductions on small arrays of every kind of dtype and shape (0-d, empty, broadcasting,
NaN, infinities, integer overflow), under each ``np.errstate`` mode. The result, its dtype
and shape, the exception type and the floating-point warnings are NumPy's; values are NumPy's
bit for bit when the arrays are driver-resident (the short paths of issue 16), and to the
last bits when they are split into blocks (sums in another order)."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray, local_value

DTYPES = [np.float64, np.float32, np.int64, np.int32, np.int8, np.uint8, np.bool_,
          np.complex128]
SHAPES = [(), (1,), (5,), (3, 4), (0,), (2, 0), (4, 1), (1, 4)]
SCALARS = [0, 1, -3, 2.5, True, np.float32(1.5), np.int64(7), np.float64(-0.0), 1 + 2j,
           np.int8(3)]
BINARY = ["+", "-", "*", "/", "//", "%", "**", ">", "==", "&", "|", "^", "<<"]
INPLACE = ["+=", "-=", "*=", "/=", "//=", "**=", "|="]
FUNCTIONS = ["mean", "std", "var", "median", "argmax", "cumsum", "diff", "unique", "nanmean",
             "nansum", "prod", "any", "all", "count_nonzero", "ptp", "around", "trace",
             "argwhere", "flatnonzero"]


def _array(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return np.asarray(rng.random(shape) > 0.5)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.asarray(rng.integers(max(info.min, -100), min(info.max, 100), shape),
                          dtype=dtype)
    if dtype.kind == "c":
        return np.asarray(rng.standard_normal(shape) + 1j * rng.standard_normal(shape),
                          dtype=dtype)
    v = np.asarray(rng.standard_normal(shape), dtype=dtype)
    if v.size and rng.random() < 0.3:
        v.flat[0] = rng.choice([np.nan, np.inf, 0.0, -0.0])
    return v


def _outcome(fn):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            value = fn()
            result = ("ok", value.get() if isinstance(value, BlockArray) else value)
        except Exception as e:  # noqa: BLE001 - the exception's type is compared
            result = ("error", type(e).__name__)
    kinds = sorted({str(w.message) for w in seen if issubclass(w.category, RuntimeWarning)})
    return result, kinds


def _assert_same(got, want, exact, what):
    (kind, value), warned = got
    (want_kind, want_value), want_warned = want
    assert (kind, warned) == (want_kind, want_warned), what
    if kind == "error":
        assert value == want_value, what
        return
    value, want_value = np.asarray(value), np.asarray(want_value)
    assert (value.dtype, value.shape) == (want_value.dtype, want_value.shape), what
    if exact or value.dtype.kind not in "fc":
        np.testing.assert_array_equal(value, want_value, err_msg=what)
    else:
        np.testing.assert_allclose(value, want_value, rtol=1e-12, atol=1e-300, err_msg=what)


def _scalar_or_array(choose, rng):
    if choose.random() < 0.6:
        return _array(rng, choose.choice(SHAPES), choose.choice(DTYPES))
    return choose.choice(SCALARS)


def _as_nums(v):
    return nps.asarray(v) if isinstance(v, np.ndarray) else v


def _check_one(choose, rng):
    """One random operation on a small array, by NumPy and by nums."""
    a = _array(rng, choose.choice(SHAPES), choose.choice(DTYPES))
    x = nps.asarray(a)
    exact = local_value(x) is not None
    kind = choose.random()
    if kind < 0.45:
        b = _scalar_or_array(choose, rng)
        op = choose.choice(BINARY)
        y = _as_nums(b)
        with np.errstate(all=choose.choice(["warn", "ignore", "raise"])):
            want = _outcome(lambda: eval(f"a {op} b"))
            got = _outcome(lambda: eval(f"x {op} y"))
        what = f"{a.dtype}{a.shape} {op} {b!r:.40}"
    elif kind < 0.65:
        b = _scalar_or_array(choose, rng)
        op = choose.choice(INPLACE)
        y, view, a2 = _as_nums(b), x[...], a.copy()

        def numpy_inplace():
            names = {"a": a2, "b": b}
            exec(f"a {op} b", names)
            return names["a"]

        def nums_inplace():
            names = {"x": x, "y": y}
            exec(f"x {op} y", names)
            return names["x"]

        want, got = _outcome(numpy_inplace), _outcome(nums_inplace)
        what = f"{a.dtype}{a.shape} {op} {b!r:.40}"
        if got[0][0] == "ok":  # a view of the array sees the write
            np.testing.assert_array_equal(view.get(), got[0][1], err_msg=what)
    elif kind < 0.8:
        if not a.ndim or not a.size:
            return
        key = tuple(choose.randrange(-n, n) for n in a.shape)
        value, a2 = choose.choice(SCALARS), a.copy()

        def numpy_set():
            a2[key] = value
            return a2

        def nums_set():
            x[key] = value
            return x

        want, got = _outcome(numpy_set), _outcome(nums_set)
        what = f"{a.dtype}{a.shape}[{key}] = {value!r}"
    else:
        name = choose.choice(FUNCTIONS)
        kwargs = {}
        if a.ndim and choose.random() < 0.5 and name not in (
                "unique", "argwhere", "flatnonzero", "trace", "around"):
            kwargs["axis"] = choose.randrange(a.ndim)
        want = _outcome(lambda: getattr(np, name)(a, **kwargs))
        got = _outcome(lambda: getattr(nps, name)(x, **kwargs))
        what = f"{name}({a.dtype}{a.shape}, {kwargs})"
    _assert_same(got, want, exact, what)


@pytest.mark.parametrize("seed", range(4))
def test_random_small_programs_are_numpys(backend_name, seed):
    choose, rng = random.Random(seed), np.random.default_rng(seed)
    for _ in range(200):
        _check_one(choose, rng)
