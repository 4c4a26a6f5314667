"""Every public NumPy function that writes into an argument (an ``out=`` parameter, or an
in-place function) changes the BlockArray given to nums.numpy, whether nums implements the
function or reaches numpy through the fallback: no write is lost."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps

A = np.random.default_rng(5).random((6, 7)) * 10 - 3
DATES = np.arange("2024-01-01", "2024-01-15", dtype="datetime64[D]")


def _reduction(name, **kw):
    def body(xp, a):
        o = xp.zeros(7, dtype=np.int64 if "arg" in name else (bool if name in ("all", "any")
                                                              else np.float64))
        getattr(xp, name)(a, axis=0, out=o, **kw)
        return o
    return body


def _cumulative(name):
    def body(xp, a):
        o = xp.zeros_like(a)
        getattr(xp, name)(a, axis=0, out=o)
        return o
    return body


def _elementwise(name, dtype=np.float64, **kw):
    def body(xp, a):
        o = xp.zeros(a.shape, dtype=dtype)
        getattr(xp, name)(a, out=o, **kw)
        return o
    return body


def _dates(name, **kw):
    def body(xp, a):
        o = xp.zeros(DATES.shape, dtype=np.int64 if name == "busday_count" else (
            bool if name == "is_busday" else DATES.dtype))
        args = {"busday_count": (DATES, DATES + 3), "busday_offset": (DATES, 1),
                "is_busday": (DATES,)}[name]
        getattr(xp, name)(*args, out=o, **({"roll": "forward"} if name == "busday_offset"
                                            else {}))
        return o
    return body


CASES = {
    **{n: _reduction(n) for n in [
        "all", "any", "amax", "amin", "argmax", "argmin", "max", "min", "mean", "prod", "ptp",
        "std", "sum", "var", "nanargmax", "nanargmin", "nanmax", "nanmean", "nanmin",
        "nanprod", "nanstd", "nansum", "nanvar", "median", "nanmedian"]},
    "percentile": _reduction("percentile", q=30),
    "nanpercentile": _reduction("nanpercentile", q=30),
    "quantile": _reduction("quantile", q=0.3),
    "nanquantile": _reduction("nanquantile", q=0.3),
    **{n: _cumulative(n) for n in [
        "cumsum", "cumprod", "nancumsum", "nancumprod", "cumulative_sum", "cumulative_prod"]},
    "around": _elementwise("around", decimals=1),
    "round": _elementwise("round", decimals=1),
    "fix": _elementwise("fix"),
    "clip": _elementwise("clip", a_min=0, a_max=4),
    "isposinf": _elementwise("isposinf", dtype=bool),
    "isneginf": _elementwise("isneginf", dtype=bool),
    "choose": lambda xp, a: _out(xp, (6, 7), lambda o: xp.choose(
        (a > 2).astype(np.int64), [a, -a], out=o)),
    "compress": lambda xp, a: _out(xp, (3, 7), lambda o: xp.compress(
        [True, False, True, True], a, axis=0, out=o)),
    "concatenate": lambda xp, a: _out(xp, (12, 7), lambda o: xp.concatenate([a, a], out=o)),
    "concat": lambda xp, a: _out(xp, (6, 14), lambda o: xp.concat([a, a], axis=1, out=o)),
    "stack": lambda xp, a: _out(xp, (2, 6, 7), lambda o: xp.stack([a, a], out=o)),
    "dot": lambda xp, a: _out(xp, (6, 6), lambda o: xp.dot(a, a.T, out=o)),
    "outer": lambda xp, a: _out(xp, (7, 7), lambda o: xp.outer(a[0], a[1], out=o)),
    "einsum": lambda xp, a: _out(xp, (7,), lambda o: xp.einsum("ij->j", a, out=o)),
    "take": lambda xp, a: _out(xp, (3, 7), lambda o: xp.take(a, [0, 4, 4], axis=0, out=o)),
    "trace": lambda xp, a: _out(xp, (), lambda o: xp.trace(a, out=o)),
    "busday_count": _dates("busday_count"),
    "busday_offset": _dates("busday_offset"),
    "is_busday": _dates("is_busday"),
    # in-place functions
    "copyto": lambda xp, a: xp.copyto(a[1:3], a[4]),
    "put": lambda xp, a: xp.put(a, [0, 8, 8], [1.0, 2.0, 3.0]),
    "putmask": lambda xp, a: xp.putmask(a, a > 4, [0.5, 1.5]),
    "place": lambda xp, a: xp.place(a, a < 0, [9.0, 8.0]),
    "fill_diagonal": lambda xp, a: xp.fill_diagonal(a, [1.0, 2.0], wrap=True),
    "put_along_axis": lambda xp, a: xp.put_along_axis(
        a, np.argmax(np.asarray(A), axis=1)[:, None], -1.0, axis=1),
    "nan_to_num": lambda xp, a: xp.nan_to_num(xp.log(a), copy=False),
    "ufunc.at": lambda xp, a: (xp.add.at(a, (np.array([0, 0, 5]), np.array([1, 1, 2])), 1.0),
                               xp.maximum.at(a, [2, 2], 100.0), np.negative.at(a[3], [0, 1])),
    "ndarray.fill": lambda xp, a: a[2].fill(-4.0),
    "ndarray.put": lambda xp, a: a.put([3, 3], [7.0, 8.0]),
    "ndarray.sort": lambda xp, a: a[1:4].sort(axis=0),
    "ndarray.partition": lambda xp, a: a[5].partition(3),
}


def _out(xp, shape, call):
    o = xp.zeros(shape)
    call(o)
    return o


def _mutating_numpy_functions() -> set[str]:
    """numpy's public functions with an ``out`` parameter, and those that write into an
    argument without one."""
    names = {"copyto", "put", "putmask", "place", "fill_diagonal", "put_along_axis",
             "nan_to_num"}
    for name in dir(np):
        f = getattr(np, name)
        if name.startswith("_") or isinstance(f, type | np.ufunc) or not callable(f):
            continue
        try:
            if "out" in inspect.signature(f).parameters:
                names.add(name)
        except (TypeError, ValueError):
            continue
    return names


def test_every_mutating_numpy_function_has_a_case():
    missing = _mutating_numpy_functions() - set(CASES)
    assert not missing, f"add a case for: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_write_reaches_the_blockarray(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fallbacks warn once; RuntimeWarnings of log(<0)
        check_against_numpy(CASES[name], A, block_shape=(4, 3))


def test_writes_raise_numpys_errors_for_values_the_dtype_cannot_hold():
    # NumPy converts Python numbers to the array's dtype before writing them: out of an
    # integer dtype's range OverflowError, NaN ValueError (they were wrapped or cast); and
    # putmask casts arrays of values only safely
    import nums.numpy as nps

    base = np.arange(12, dtype=np.uint8)
    i64 = np.arange(12, dtype=np.int64)
    mask = np.array([1, 0, 1, 0, 0, 1] * 2, bool)
    cases = [
        (base, lambda xp, x: xp.putmask(x, xp.asarray(mask), -1)),
        (base, lambda xp, x: xp.place(x, xp.asarray(mask), 300)),
        (base, lambda xp, x: xp.put(x, [0, 2], -1)),
        (base.reshape(3, 4), lambda xp, x: xp.fill_diagonal(x, -1)),
        (base, lambda xp, x: x.flat.__setitem__([1, 2], 300)),
        (i64, lambda xp, x: x.__setitem__(xp.asarray(mask), np.nan)),
        (i64, lambda xp, x: xp.put(x, [0], np.nan)),
        (base, lambda xp, x: xp.putmask(x, xp.asarray(mask), np.array([300, 2]))),
        (base, lambda xp, x: xp.put(x, [0, 1], [1.5, 7])),
        (base, lambda xp, x: xp.place(x, xp.asarray(mask), [5, 6])),
        (i64, lambda xp, x: x.__setitem__(xp.asarray(mask), 2.5)),
    ]
    for a, write in cases:
        want = a.copy()
        try:
            write(np, want)
        except (OverflowError, ValueError, TypeError) as err:
            with pytest.raises(type(err)):
                write(nps, nps.asarray(a.copy(), block_shape=(2,) * a.ndim))
            continue
        x = nps.asarray(a.copy(), block_shape=(2,) * a.ndim)
        write(nps, x)
        np.testing.assert_array_equal(x.get(), want)


_SCALAR_VALUES = [np.int16(302), np.float64(302.7), np.uint8(200), np.int64(-129),
                  np.array(302, np.int16), np.float32(1e10), np.bool_(True), np.float64(np.nan),
                  302, 3, 2.5]
_WRITES = {
    "element": lambda xp, y, v: y.__setitem__(1, v),
    "slice": lambda xp, y, v: y.__setitem__(slice(1, 3), v),
    "ellipsis": lambda xp, y, v: y.__setitem__(Ellipsis, v),
    "fancy": lambda xp, y, v: y.__setitem__([1, 2], v),
    "mask": lambda xp, y, v: y.__setitem__(y > 2, v),
    "put": lambda xp, y, v: xp.put(y, [1], v),
    "fill": lambda xp, y, v: y.fill(v),
    "copyto": lambda xp, y, v: xp.copyto(y, v, casting="unsafe"),
    "flat item": lambda xp, y, v: y.flat.__setitem__(1, v),
    "flat slice": lambda xp, y, v: y.flat.__setitem__(slice(1, 3), v),
    # a scalar of an operation (nums's 0-d result) written back, as NumPy's scalar
    "element op": lambda xp, y, v: y.__setitem__(1, y[1] + v),
}


@pytest.mark.parametrize("write", list(_WRITES))
def test_scalars_written_into_integers_as_numpy(write):
    """NumPy converts a scalar written into one item or a basic selection of an integer array
    as a Python number (out of range: OverflowError; one flat item: ValueError), and casts
    0-d arrays and the scalars of fancy writes, ``put`` and ``copyto`` as arrays (wrapping)."""
    base = np.array([1, 2, 3, 4], np.int8)
    for v in _SCALAR_VALUES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = base.copy()
            try:
                _WRITES[write](np, expected, v)
            except Exception as e:  # noqa: BLE001
                expected = type(e)
            for block_shape in (None, (3,)):
                got = nps.asarray(base.copy(), block_shape=block_shape)
                try:
                    _WRITES[write](nps, got, v)
                except Exception as e:  # noqa: BLE001
                    assert type(e) is expected, (write, v, e)
                    continue
                assert not isinstance(expected, type), (write, v, got.get(), expected)
                assert_same(got, expected)


def test_sequences_into_one_element_and_place_of_unsafe_values_raise_as_numpy():
    a = np.arange(9).reshape(3, 3)
    for block_shape in (None, (2, 2)):
        x = nps.asarray(a, block_shape=block_shape)
        with pytest.raises(TypeError):
            x[1, 2] = [1.5]  # nums wrote 1
        with pytest.raises(ValueError, match="sequence"):
            x[1, 2] = nps.asarray(np.array([7]))
        with pytest.raises(TypeError, match="safe"):
            nps.place(x, x > 2, nps.asarray(np.array([1.5, 2.5])))
        assert_same(x, a)
        x[1, 2] = nps.asarray(np.array(8))  # a 0-d array is one value
        x[1] = [5, 6, 7]
        assert_same(x[1], np.array([5, 6, 7]))


@pytest.mark.parametrize("key, value", [
    (0, [1]), (2, {"k": 4}), (1, (2, 3)), (-1, "text"), (slice(None, 3), [[1], (2, 3), None]),
    (slice(1, 3), [1]), (Ellipsis, [5]), ((0, 1), [1, 2]), ((slice(None), 1), [[1], [2]]),
    (0, [1, [2], (3,)]),
])
def test_objects_written_into_object_arrays_as_numpy(layout, key, value):
    """An element of an object array takes the object as it is (``o[0] = [1]`` holds the
    list, where nums wrote 1 or a 0-d array), and sequences unpack only as deep as the
    selection."""
    shape = (2, 3) if isinstance(key, tuple) or value == [1, [2], (3,)] else (4,)
    a = np.full(shape, None, dtype=object)
    x = nps.full(shape, None, dtype=object)
    a[key] = value
    x[key] = value
    assert x.get().tolist() == a.tolist()
    v = x[:]  # through a view too
    v[key] = {"z": 0}
    a[key] = {"z": 0}
    assert x.get().tolist() == a.tolist()
