"""NumPy's calls on views of distributed arrays that lie within one block of their root: on a
backend whose stores the driver maps, the view is read in place (:mod:`nums.core.array.mapped`),
with no task and no copy, and nothing of the store stays held once the call returns."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from nums_helpers import BACKEND_CONFIGS, BLOCK_BYTES, assert_same

import nums
import nums.numpy as nps
from nums.core.array import mapped
from nums.core.array.blockarray import backend

# blocks of 1024 float64, views of up to 256 of them read in place (a quarter of the session's
# smaller limit), arrays of one block up to 8 KiB driver-resident
SESSION = {"block_bytes": 8192, "local_bytes": 8192}


@pytest.fixture
def mapped_session(backend_name):
    nums.init(**{**BACKEND_CONFIGS[backend_name], **SESSION})
    try:
        yield
    finally:
        nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[backend_name]})


def _spy(monkeypatch) -> list:
    """The values :func:`mapped.in_place` gave (None: not in place)."""
    made: list = []
    real = mapped.in_place
    monkeypatch.setattr(mapped, "in_place",
                        lambda x, limit: made.append(real(x, limit)) or made[-1])
    return made


def _views(xp, x, m):
    """Views of a 1-d and a 2-d array, within one block of each (and two that are not)."""
    return [x[10:200], x[1030:1100:3], x[::-1][3000:3200], x[2050:2150][:, None],
            x[10:20].reshape(2, 5), m[40:60], m[40:60].T, m[45:70, 3], m[::-1][5:30, ::2],
            xp.lib.stride_tricks.sliding_window_view(x[100:340], 16)[::8],
            x[1000:1050],  # (spans two blocks: fetched, not read in place)
            m[100:140]]  # (rows 100-139 of 8-float rows: blocks of 128 rows, one block)


CALLS = [
    lambda xp, v, w: xp.concatenate([v.ravel(), w.ravel()]),
    lambda xp, v, w: xp.column_stack([v.ravel()[:10], w.ravel()[:10]]),
    lambda xp, v, w: xp.stack([v.ravel()[:7], w.ravel()[-7:]], axis=1),
    lambda xp, v, w: xp.convolve(v.ravel(), np.ones(3) / 3, mode="valid"),
    lambda xp, v, w: xp.round(v, 2),
    lambda xp, v, w: xp.diff(v, axis=-1),
    lambda xp, v, w: xp.cumsum(v, axis=0),
    lambda xp, v, w: xp.median(v, axis=0),
    lambda xp, v, w: xp.sort(v, axis=None),
    lambda xp, v, w: xp.unique(v),
    lambda xp, v, w: xp.interp(v.ravel(), [0.0, 500.0, 5000.0], [1.0, -1.0, 2.0]),
    lambda xp, v, w: xp.percentile(v, [5, 50, 95]),
    lambda xp, v, w: xp.searchsorted(xp.sort(w.ravel()), v.ravel()),
    lambda xp, v, w: xp.roll(v, 2),
    lambda xp, v, w: xp.polyval([1.0, -2.0, 0.5], v),
    lambda xp, v, w: xp.mean(v, axis=-1),
    lambda xp, v, w: xp.argmax(v, axis=0),
]


def _inputs():
    a = np.sin(np.arange(5000.0) * 0.37) * 100.0
    b = np.cos(np.arange(8 * 500.0) * 0.11).reshape(500, 8) * 1000.0
    return a, b


@pytest.mark.parametrize("call", range(len(CALLS)))
def test_calls_on_views_are_numpys(mapped_session, monkeypatch, call):
    a, b = _inputs()
    x, m = nps.asarray(a), nps.asarray(b)
    assert x._local is None and x.grid.grid_shape == (5,) and m.grid.grid_shape[1] == 1
    made = _spy(monkeypatch)
    fn = CALLS[call]
    for (v, w), (ev, ew) in zip(zip(_views(nps, x, m), _views(nps, x, m)[1:]),
                                zip(_views(np, a, b), _views(np, a, b)[1:])):
        try:
            expected = fn(np, ev, ew)
        except Exception as exc:  # noqa: BLE001 - NumPy's error is the specification
            with pytest.raises(type(exc)):
                fn(nps, v, w)
            continue
        assert_same(fn(nps, v, w), expected, rtol=1e-12, atol=1e-9)
    if backend().blocks_in_driver_memory:
        assert any(v is not None for v in made)
    else:
        assert not any(v is not None for v in made)


def test_values_read_in_place_are_not_kept(mapped_session):
    """A result never shares the store's memory (later writes of the root do not reach it,
    no block stays pinned); the call reads the root's current values."""
    a, b = _inputs()
    x, m = nps.asarray(a), nps.asarray(b)
    v = x[10:200]
    first = nps.concatenate([v, m[40:60].ravel()])
    parts = np.split(a[10:200], 2)
    got_parts = nps.split(v, 2)  # (views of v: they see its later writes, as NumPy's)
    rolled = nps.roll(m[40:60], 1)
    x[10:200] = -1.0  # the root written after the calls
    m[40:60] = 0.0
    assert_same(first, np.concatenate([a[10:200], b[40:60].ravel()]))
    assert_same(rolled, np.roll(b[40:60], 1))
    parts[0][:] = -1.0
    parts[1][:] = -1.0
    for g, e in zip(got_parts, parts):
        assert_same(g, e)
    a[10:200] = -1.0
    assert_same(nps.cumsum(x[5:300]), np.cumsum(a[5:300]))  # the current values
    del first, rolled, got_parts
    gc.collect()
    assert not len(mapped._MADE)


def test_operators_on_small_views_read_them_in_place(mapped_session, monkeypatch):
    """Operators and reductions on views small enough to fetch (here 512 bytes: a sixteenth
    of the block) read them in their root's block, not a copy."""
    a, b = _inputs()
    x, m = nps.asarray(a), nps.asarray(b)
    made = _spy(monkeypatch)
    assert_same(x[10:60] * 2 + x[1100:1150], a[10:60] * 2 + a[1100:1150])
    assert_same(x[10:60].sum(), a[10:60].sum())
    assert_same(x[10:60] @ x[300:350], a[10:60] @ a[300:350])
    assert_same(np.float64(3.0) - m[40:46].T, 3.0 - b[40:46].T)
    assert_same(nps.exp(x[::-1][:40] / 100), np.exp(a[::-1][:40] / 100))
    assert_same(x[1020:1030] + 1, a[1020:1030] + 1)  # (spans two blocks: fetched)
    # reductions read views in place up to a quarter of the block (here 2 KiB)
    assert_same(x[::-1][3000:3200].sum(), a[::-1][3000:3200].sum(), rtol=1e-12)
    assert_same(m[40:60].max(axis=0), b[40:60].max(axis=0))
    assert_same(x[2000:2200].reshape(20, 10).sum(axis=1, keepdims=True),
                a[2000:2200].reshape(20, 10).sum(axis=1, keepdims=True), rtol=1e-12)
    assert_same(nps.prod(m[45:70, 3] / 1000, dtype=np.float32),
                np.prod(b[45:70, 3] / 1000, dtype=np.float32), rtol=1e-6)
    assert_same(nps.sum(x[100:300], axis=()), np.sum(a[100:300], axis=()))
    x[10:60] = 5.0  # the root's current values
    a[10:60] = 5.0
    assert_same(x[5:50] * 3, a[5:50] * 3)
    assert any(v is not None for v in made) == backend().blocks_in_driver_memory


def test_advanced_indexing_of_views_reads_them_in_place(mapped_session, monkeypatch):
    """``view[index]`` with an index held in the driver is NumPy's indexing of the view read
    in place; a distributed index takes the distributed path."""
    a, b = _inputs()
    x, m = nps.asarray(a), nps.asarray(b)
    made = _spy(monkeypatch)
    idx = np.arange(0, 190, 7)
    assert_same(x[10:200][idx], a[10:200][idx])
    assert_same(x[10:200][[3, -1, 0]], a[10:200][[3, -1, 0]])
    assert_same(x[10:200][x[10:200] > 50], a[10:200][a[10:200] > 50])
    assert_same(m[40:60][[0, 3], 2], b[40:60][[0, 3], 2])
    assert_same(m[40:60].T[:, [5, 1]], b[40:60].T[:, [5, 1]])
    with pytest.raises(IndexError):
        x[10:200][[190]]
    far = nps.asarray(np.arange(3000) % 190)  # (distributed)
    assert far._local is None
    assert_same(x[10:200][far], a[10:200][np.arange(3000) % 190])
    got = x[10:200][idx]
    x[10:200] = 0.0  # a gathered result is a copy
    assert_same(got, a[10:200][idx])
    assert any(v is not None for v in made) == backend().blocks_in_driver_memory


def test_views_of_a_replaced_stand_in_are_not_located(mapped_session):
    """``x.flags.writeable = True`` gives the root a fresh stand-in: a view made before it
    has no offset in it, so it is not read in place (its values are still right)."""
    a, _ = _inputs()
    x = nps.asarray(a)
    before = x[10:20]
    x.flags.writeable = False
    x.flags.writeable = True
    after = x[30:40]
    assert mapped.in_place(before, 1 << 20) is None
    if backend().blocks_in_driver_memory:
        assert mapped.in_place(after, 1 << 20) is not None
    assert_same(nps.concatenate([before, after]), np.concatenate([a[10:20], a[30:40]]))


def test_get_of_a_view_copies_it_out_of_its_block(mapped_session, monkeypatch):
    """``get()`` of a view within one block is one copy out of the block (C order,
    writable, the root's current values), with no task to cut the view out first."""
    a, b = _inputs()
    x, m = nps.asarray(a), nps.asarray(b)
    made = _spy(monkeypatch)
    for got, expected in ((x[2050:2150][:, None], a[2050:2150][:, None]),
                          (m[40:60].T, b[40:60].T), (x[::-1][3000:3200], a[::-1][3000:3200]),
                          (nps.lib.stride_tricks.sliding_window_view(x[100:340], 16)[::8],
                           np.lib.stride_tricks.sliding_window_view(a[100:340], 16)[::8]),
                          (x[7], a[7]), (x[1000:1050], a[1000:1050])):
        value = got.get()
        np.testing.assert_array_equal(value, expected)
        assert value.flags.c_contiguous and value.flags.writeable
        value[...] = 0  # the caller's copy: the root does not change
    assert_same(x, a)
    assert_same(m, b)
    x[2050:2150] = -1.0
    a[2050:2150] = -1.0
    np.testing.assert_array_equal(x[2050:2150][:, None].get(), a[2050:2150][:, None])
    assert any(v is not None for v in made) == backend().blocks_in_driver_memory
