"""put/get round trips, zero-copy reads, and freeing."""

from __future__ import annotations

import datetime
import decimal
import gc
import time

import numpy as np
import pytest

import runtime as rt
from runtime import context

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "longdouble", "complex64", "complex128",
          "datetime64[ns]", "timedelta64[s]", "U7", "S5", "V8", "object"]


def sample(dtype: str, n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.random(n) > 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    if dt.kind in "fc":
        x = rng.standard_normal(n) * 1e3
        return (x + 1j * x).astype(dt) if dt.kind == "c" else x.astype(dt)
    if dt.kind in "mM":
        return rng.integers(-10**9, 10**9, n).astype(dt)
    if dt.kind in "US":
        return np.array([str(i)[:5] for i in range(n)], dtype=dt)
    if dt.kind == "V":
        return np.frombuffer(rng.bytes(8 * n), dtype=dt)
    return np.array([{"i": i} if i % 2 else (i, "x") for i in range(n)], dtype=object)


def settle() -> list[dict]:
    """Metrics once dropped references have been applied."""
    gc.collect()
    time.sleep(0.05)
    return rt.metrics()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 7, 50_000])  # empty, inline, and through shared memory
def test_numpy_round_trip(one_node, dtype, n):
    x = sample(dtype, n)
    y = rt.get(rt.put(x))
    assert y.dtype == x.dtype and y.shape == x.shape
    np.testing.assert_array_equal(y, x)
    ident = rt.remote(lambda a: a)
    np.testing.assert_array_equal(rt.get(ident.remote(rt.put(x))), x)


@pytest.mark.parametrize("value", [
    None, 0, -3, 2**100, 1.5, "héllo", b"\x00bytes", (1, [2, {3: 4}]), {"a": [1, 2]},
    {1, 2, 3}, frozenset({4}), decimal.Decimal("1.1"), datetime.date(2024, 1, 2),
    [np.arange(5), {"b": np.ones((2, 3), dtype=np.float32)}],
])
def test_python_round_trip(one_node, value):
    got = rt.get(rt.put(value))
    if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
        np.testing.assert_array_equal(got[0], value[0])
        np.testing.assert_array_equal(got[1]["b"], value[1]["b"])
    else:
        assert got == value and type(got) is type(value)


def test_shapes_orders_and_views(one_node):
    x = np.arange(24 * 5000, dtype=np.int32).reshape(24, 5000)
    for v in (x, np.asfortranarray(x), x[:, ::3], x.T, np.float64(3.5), np.array(7)):
        got = rt.get(rt.put(v))
        np.testing.assert_array_equal(got, v)
        assert np.asarray(got).dtype == np.asarray(v).dtype


def test_repeated_reads_rebuild_each_form(one_node):
    # a second read of a header rebuilds the array from the form the first one recorded:
    # C and Fortran orders, 0-d and empty arrays, structured dtypes, and values that are
    # not plain arrays (a subclass, a tuple holding one array) stay what they were
    x = np.arange(24 * 5000, dtype=np.int32).reshape(24, 5000)
    rec = np.zeros(20000, [("a", "i4"), ("b", "f8")])
    rec["a"] = np.arange(20000)
    values = [x, np.asfortranarray(x), x.T, np.zeros((0, 30000)), rec,
              np.ma.masked_array(np.arange(30000.0)), (np.arange(30000.0), "tag")]
    for v in values:
        for _ in range(3):
            got = rt.get(rt.put(v))
            assert type(got) is type(v)
            if isinstance(v, tuple):
                np.testing.assert_array_equal(got[0], v[0])
                assert got[1] == v[1]
                continue
            np.testing.assert_array_equal(got, v)
            assert got.dtype == v.dtype and got.shape == v.shape
            assert got.flags.f_contiguous == v.flags.f_contiguous
            if type(v) is np.ndarray:
                assert not got.flags.writeable


def test_get_is_zero_copy_and_read_only(one_node):
    x = np.random.default_rng(1).random(1_000_000)
    ref = rt.put(x)
    y = rt.get(ref)
    lo, hi = context.current.store_range(0)
    addr = y.__array_interface__["data"][0]
    assert lo <= addr and addr + y.nbytes <= hi  # the data lives in the node's store
    assert not y.flags.writeable and not y.flags.owndata
    with pytest.raises(ValueError, match="read-only"):
        y[0] = 1.0
    z = rt.get(ref)
    assert z.__array_interface__["data"][0] == addr  # same memory, no copy
    np.testing.assert_array_equal(y, x)


def test_freeing_returns_store_to_baseline(one_node):
    base = settle()[0]["store_bytes"]
    refs = [rt.put(np.ones(250_000)) for _ in range(4)]
    double = rt.remote(lambda a: a * 2)
    outs = [double.remote(r) for r in refs]
    vals = rt.get(outs)
    assert settle()[0]["store_bytes"] >= base + 8 * 2_000_000
    del refs, outs
    # values still alive pin their memory even after the refs are gone
    assert settle()[0]["store_bytes"] >= base + 4 * 2_000_000
    assert float(vals[0][0]) == 2.0
    del vals
    assert settle()[0]["store_bytes"] == base


def test_nested_refs_keep_objects_alive(one_node):
    inner = rt.put(np.arange(100_000))
    outer = rt.put({"ref": inner})
    inner_id = inner.id
    del inner
    settle()
    got = rt.get(outer)["ref"]
    assert got.id == inner_id
    np.testing.assert_array_equal(rt.get(got), np.arange(100_000))


def test_refs_returned_by_tasks(one_node):
    @rt.remote
    def make():
        return [rt.put(np.full(100_000, 3.0)), rt.put("small")]

    refs = rt.get(make.remote())
    time.sleep(0.1)  # the worker has dropped its own refs by now
    settle()
    assert float(rt.get(refs[0]).sum()) == 300_000.0
    assert rt.get(refs[1]) == "small"


def test_put_of_ref_is_an_error(one_node):
    with pytest.raises(TypeError, match="ObjectRef"):
        rt.put(rt.put(1))
