"""Writes into arrays held in the driver change their value in place when nothing but the
array and its views holds it (a small write costs what NumPy's costs, not a copy of the
whole array), and copy it when anyone else does: a copy, a ``get()``, a numpy array made
from it, another array sharing it. Every case is checked against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import nums
import nums.numpy as nps

pytestmark = pytest.mark.usefixtures("driver_layout")


@pytest.fixture
def driver_layout(backend_name):
    from nums_helpers import BACKEND_CONFIGS, BLOCK_BYTES

    nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**20, "local_bytes": 2**20})
    yield
    nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": BLOCK_BYTES})


def _value_id(x):
    """Which array holds ``x``'s value (an id, not a reference: holding the value would make
    the writes copy it)."""
    return id(x._local)


def test_small_writes_keep_the_value_object():
    x = nps.zeros(10_000)
    s = nps.ones(64)
    before = _value_id(x)
    x[5] = 1.0
    x[100:164] = s
    x[100:164] += s
    x[::7] *= 2
    x += 1
    assert _value_id(x) == before  # written in place, never copied
    a = np.zeros(10_000)
    a[5] = 1.0
    a[100:164] = 1.0
    a[100:164] += 1.0
    a[::7] *= 2
    a += 1
    np.testing.assert_array_equal(x.get(), a)


def test_views_see_writes_in_place():
    x = nps.arange(12.0)
    a = np.arange(12.0)
    vx, va = x[2:8], a[2:8]
    tx, ta = x.reshape(3, 4), a.reshape(3, 4)
    x[3] = -1
    a[3] = -1
    vx[1:3] += 10
    va[1:3] += 10
    tx[2] = 7
    ta[2] = 7
    for got, exp in ((x, a), (vx, va), (tx, ta)):
        np.testing.assert_array_equal(got.get(), exp)


@pytest.mark.parametrize("holder", ["copy", "get", "numpy", "flatten", "astype", "shared"])
def test_other_holders_keep_their_values(holder):
    x = nps.arange(12.0)
    kept = {
        "copy": lambda: x.copy(),
        "get": lambda: x.get(),
        "numpy": lambda: np.asarray(x),
        "flatten": lambda: x.flatten(),
        "astype": lambda: x.astype(np.float64),
        "shared": lambda: nps.array(x),
    }[holder]()
    x[0] = 100
    x[1:4] += 1
    x *= 2
    values = kept.get() if hasattr(kept, "get") and not isinstance(kept, np.ndarray) else kept
    np.testing.assert_array_equal(values, np.arange(12.0))
    exp = np.arange(12.0)
    exp[0] = 100
    exp[1:4] += 1
    exp *= 2
    np.testing.assert_array_equal(x.get(), exp)


def test_overlapping_writes_match_numpy():
    for stmt in ("x[1:] = x[:-1]", "x[:] = x[::-1]", "x[1:] += x[:-1]", "x += x[::-1]",
                 "x[::2] = x[1::2] * 2", "x[[0, 1]] = x[[1, 0]]", "x[x > 4] = x[0]"):
        x = nps.arange(10.0)
        a = np.arange(10.0)
        exec(stmt, {"x": x})
        exec(stmt, {"x": a})
        np.testing.assert_array_equal(x.get(), a, err_msg=stmt)


def test_augmented_assignment_of_a_slice_in_a_loop():
    """The overlap-add of a short-time Fourier resynthesis."""
    rec = nps.zeros(5000, dtype=np.float32)
    frame = nps.asarray(np.hanning(64).astype(np.float32))
    a = np.zeros(5000, dtype=np.float32)
    f = np.hanning(64).astype(np.float32)
    for i in range(0, 4000, 16):
        rec[i:i + 64] += frame
        a[i:i + 64] += f
    np.testing.assert_array_equal(rec.get(), a)


def test_numpy_operands_of_in_place_operators_write_in_place(monkeypatch):
    """``rec[i:i + 64] += frame`` with ``frame`` a NumPy array (or a NumPy scalar) writes
    into the value as NumPy does, on the short path (``resident.inplace_here``); a NumPy
    array that sees the value itself (``np.asarray``) makes the write a copy's, and NumPy's
    own errors are raised."""
    from nums.core.array import resident

    short = []
    real = resident.inplace_here

    def counted(*args):
        done = real(*args)
        short.append(done)
        return done

    monkeypatch.setattr(resident, "inplace_here", counted)
    rec = nps.zeros(5000)
    a = np.zeros(5000)
    frame = np.hanning(64)
    before = _value_id(rec)
    for i in range(0, 4000, 16):
        rec[i:i + 64] += frame
        a[i:i + 64] += frame
    rec[::3] *= np.float32(1.5)
    a[::3] *= np.float32(1.5)
    assert _value_id(rec) == before
    assert len(short) == 251 and all(short)
    np.testing.assert_array_equal(rec.get(), a)
    seen = np.asarray(rec)  # a NumPy array holding the value: kept as it was
    old = seen.copy()
    rec[:10] += seen[10:20]
    a[:10] += a[10:20]
    np.testing.assert_array_equal(seen, old)
    np.testing.assert_array_equal(rec.get(), a)
    i = nps.arange(6)
    with pytest.raises(TypeError):  # NumPy's casting error (float into int, in place)
        i[1:3] += np.array([0.5, 1.5])
    with pytest.raises(ValueError):  # and its broadcasting error
        i[1:3] += np.ones(3, dtype=np.int64)
    np.testing.assert_array_equal(i.get(), np.arange(6))


def test_read_only_arrays_still_refuse_writes():
    x = nps.arange(6.0)
    b = nps.broadcast_to(x, (2, 6))
    with pytest.raises(ValueError, match="read-only"):
        b[0, 0] = 1
    with pytest.raises(ValueError, match="read-only"):
        b[0:1] += 1
    np.testing.assert_array_equal(x.get(), np.arange(6.0))


def test_failed_write_leaves_a_consistent_array():
    x = nps.arange(5)
    with pytest.raises(TypeError):  # NumPy's casting error, before anything is written
        x += 1.5
    np.testing.assert_array_equal(x.get(), np.arange(5))
    y, b = nps.ones(3), np.ones(3)
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            b /= 0
        with pytest.raises(FloatingPointError):
            y /= 0
    np.testing.assert_array_equal(y.get(), b)  # (NumPy's output is written before it raises)
    y += 1
    np.testing.assert_array_equal(y.get(), b + 1)
