"""Writes into blocks in place (issue 16): a write changes the block itself when no other
array, view, value or task holds it (the embedded runtime hands the block to the task,
``runtime.donated``), and a copy otherwise. NumPy's semantics either way: copies, values
fetched and results computed before the write keep their values, views see it.

Blocks here are large (store objects, not inline bytes), so that the embedded backend can
hand them over; the other backends copy, and must give the same values.
"""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import BACKEND_CONFIGS, BLOCK_BYTES, assert_same

import nums
import nums.numpy as nps
from nums.core import context

RNG = np.random.default_rng(1616)


@pytest.fixture
def large_blocks(backend_name):
    nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**20, "local_bytes": 0})
    yield backend_name
    nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[backend_name]})


def _in_place() -> int:
    return sum(m.get("written_in_place", 0) for m in nums.metrics())


def _embedded() -> bool:
    return context.get().settings.backend == "embedded"


def test_element_writes_change_the_block_in_place(large_blocks):
    a = RNG.random(400_000)
    x = nps.array(a)
    assert x.grid.num_blocks > 1
    x.persist()
    before = _in_place()
    for i in range(0, 400_000, 40_000):
        x[i] = -i
        a[i] = -i
    x.persist()
    assert_same(x, a)
    if _embedded():
        assert _in_place() - before == 10


def test_what_was_taken_before_a_write_keeps_its_values(large_blocks):
    a = RNG.random(400_000)
    x = nps.array(a).persist()
    y = x.copy()
    fetched = x.get()
    later = x + 1  # not computed yet
    computed = (x * 2).persist()
    view = x[10:20]
    whole = x[:]
    x[12] = 7.0
    x[:5] = 9.0
    expected = a.copy()
    expected[12] = 7.0
    expected[:5] = 9.0
    assert_same(x, expected)
    assert_same(y, a)
    assert_same(fetched, a)
    assert_same(later, a + 1)
    assert_same(computed, a * 2)
    assert_same(view, expected[10:20])
    assert_same(whole, expected)
    view[0] = -3.0  # through the view: the root and the other view see it
    expected[10] = -3.0
    assert_same(x, expected)
    assert_same(whole, expected)
    assert_same(y, a)


def test_stencil_sweeps_read_the_block_they_write(large_blocks):
    u0 = RNG.random((600, 600))
    u = nps.array(u0).persist()
    v0 = RNG.random(300_000)
    v = nps.array(v0).persist()
    before = _in_place()
    for _ in range(3):
        u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        u0[1:-1, 1:-1] = 0.25 * (u0[:-2, 1:-1] + u0[2:, 1:-1] + u0[1:-1, :-2] + u0[1:-1, 2:])
        v[1:-1] = 0.5 * (v[:-2] + v[2:])
        v0[1:-1] = 0.5 * (v0[:-2] + v0[2:])
    assert_same(u, u0, rtol=1e-12)
    assert_same(v, v0, rtol=1e-12)
    if _embedded():
        assert _in_place() > before


def test_masks_columns_indices_and_augmented_writes(large_blocks):
    a = RNG.random((100_000, 4))
    X = nps.array(a).persist()
    X[X[:, 1] > 0.5, 1] = 0.0
    a[a[:, 1] > 0.5, 1] = 0.0
    X[:, 2] = nps.clip(X[:, 2], 0.2, 0.8)
    a[:, 2] = np.clip(a[:, 2], 0.2, 0.8)
    idx = RNG.integers(0, 100_000, 50)
    X[idx, 3] = np.arange(50.0)
    a[idx, 3] = np.arange(50.0)
    nps.add.at(X, (idx, 0), 1.0)
    np.add.at(a, (idx, 0), 1.0)
    X += 1
    a += 1
    X[X > 1.9] = -1.0
    a[a > 1.9] = -1.0
    assert_same(X, a)
