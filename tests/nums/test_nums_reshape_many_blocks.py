"""Reshapes of arrays of many blocks: the values NumPy gives, and work linear in the blocks.

A block of a reshape's result reads only the blocks of the source its values lie in (see
``nums.core.array.fusion._reshape_source``), so a ravel of an array with many blocks per
row costs about one read per block, not one per block of the row for every output block.
"""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums
from nums.core import context
from nums.core.array import fusion


def _values(shape: tuple[int, ...]) -> np.ndarray:
    return np.arange(np.prod(shape), dtype=np.float64).reshape(shape) * 0.5 - 3.0


@pytest.mark.parametrize("shape, new_shape, block_shape", [
    ((10, 40), (-1,), (3, 4)),
    ((10, 40), (40, 10), (3, 4)),
    ((10, 40), (8, 50), (2, 3)),
    ((10, 40), (5, 2, 40), (3, 4)),
    ((6, 7, 9), (-1,), (2, 2, 2)),
    ((6, 7, 9), (42, 9), (2, 3, 4)),
    ((6, 7, 9), (7, 54), (2, 2, 2)),
    ((6, 7, 9), (3, 126), (4, 3, 2)),
    ((6, 7, 9), (2, 3, 7, 3, 3), (2, 2, 2)),
    ((4, 5, 6, 7), (-1,), (3, 2, 4, 3)),
    ((4, 5, 6, 7), (20, 42), (1, 2, 5, 3)),
])
def test_reshape_many_blocks(layout, shape, new_shape, block_shape):
    check_against_numpy(lambda xp, a: xp.reshape(a, new_shape), _values(shape),
                        block_shape=block_shape)
    check_against_numpy(lambda xp, a: a.reshape(new_shape) + 1, _values(shape),
                        block_shape=block_shape)


@pytest.mark.parametrize("shape, block_shape", [
    ((10, 40), (3, 4)), ((13, 11), (3, 3)), ((6, 7, 9), (2, 2, 2)), ((5, 1, 8), (2, 1, 3)),
])
@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
def test_ravel_flatten_orders(layout, shape, block_shape, order):
    a = _values(shape)
    check_against_numpy(lambda xp, a: xp.ravel(a, order), a, block_shape=block_shape)
    check_against_numpy(lambda xp, a: a.flatten(order), a, block_shape=block_shape)
    # transposed views: not contiguous in C order, so the ravel moves values
    check_against_numpy(lambda xp, a: a.T.ravel(order), a, block_shape=block_shape)
    check_against_numpy(lambda xp, a: xp.ravel(xp.swapaxes(a, 0, -1)[1:], order), a,
                        block_shape=block_shape)


@pytest.mark.parametrize("shape, new_shape, block_shape", [
    ((10, 40), (40, 10), (3, 4)),
    ((6, 7, 9), (-1, 3), (2, 2, 2)),
    ((6, 7, 9), (9, 42), (4, 3, 2)),
])
def test_reshape_order_f(layout, shape, new_shape, block_shape):
    check_against_numpy(lambda xp, a: xp.reshape(a, new_shape, order="F"), _values(shape),
                        block_shape=block_shape)
    check_against_numpy(lambda xp, a: a.T.reshape(new_shape), _values(shape),
                        block_shape=block_shape)


def test_reshape_of_reshape_and_windows(layout):
    a = _values((12, 30))
    check_against_numpy(lambda xp, a: a.reshape(-1)[5:300:7].reshape(-1, 3) * 2, a,
                        block_shape=(5, 4))
    check_against_numpy(lambda xp, a: a.reshape(36, 10).reshape(-1)[::3], a,
                        block_shape=(5, 4))
    check_against_numpy(lambda xp, a: a.reshape(9, 40)[2:7, 3:31:4].sum(axis=1), a,
                        block_shape=(5, 4))


def test_ravel_view_writes_through(layout):
    """A ravel NumPy returns as a view stays one: a write reaches the base."""
    def body(xp, a):
        r = a.ravel()
        r[37:203] = -1.0
        return r

    check_against_numpy(body, _values((10, 40)), block_shape=(3, 4))


@pytest.mark.parametrize("lo, hi", [(0, 1), (0, 252), (3, 4), (5, 19), (17, 37), (40, 200),
                                    (62, 63), (63, 64), (0, 63), (1, 251), (251, 252)])
def test_flat_parts_cover_exactly(lo, hi):
    """The boxes of a flat range hold its values, in order, each once."""
    shape = (3, 7, 12)
    flat = np.arange(252).reshape(shape)
    parts = fusion._flat_parts(shape, lo, hi)
    assert len(parts) <= 2 * len(shape) - 1
    got = np.concatenate([flat[tuple(p)].reshape(-1) for p in parts])
    np.testing.assert_array_equal(got, np.arange(lo, hi))


class _ReadCounter:
    """Tasks run and block references passed to them, counted at the backend's submit."""

    def __init__(self, monkeypatch):
        be = context.get().backend
        submit = be.submit
        self.tasks = self.refs = 0

        def counting(fn, args=(), kwargs=None, **options):
            self.tasks += 1
            self.refs += sum(be.is_ref(a) for a in (*args, *(kwargs or {}).values()))
            return submit(fn, args, kwargs, **options)

        monkeypatch.setattr(be, "submit", counting)


def _reshape_work(monkeypatch, shape: tuple[int, int], new_shape: tuple[int, ...]
                  ) -> tuple[int, int]:
    """Tasks and block reads of ``reshape(new_shape).get()`` of an array of ``shape`` in
    blocks of 2 x 4 (checking the values and the backend's own count of tasks)."""
    import nums.numpy as nps

    x = nps.array(_values(shape), block_shape=(2, 4))
    x.blocks  # noqa: B018  (the source's blocks exist before counting)
    with monkeypatch.context() as m:
        counter = _ReadCounter(m)
        before = sum(s["tasks_run"] for s in nums.metrics())
        got = x.reshape(new_shape).get()
        ran = sum(s["tasks_run"] for s in nums.metrics()) - before
    assert_same(got, _values(shape).reshape(new_shape))
    assert ran == counter.tasks
    return counter.tasks, counter.refs


@pytest.mark.parametrize("new_shape", [(-1,), (-1, 4)])
def test_ravel_reads_grow_linearly(layout, backend_name, monkeypatch, new_shape):
    """4x the blocks (twice the rows and the columns) costs about 4x the tasks and the block
    reads, not 8x (each output block reading a whole row of blocks)."""
    if layout != "dist" or not backend_name.startswith("serial"):
        pytest.skip("counts the serial backend's tasks on distributed arrays")
    tasks, reads = _reshape_work(monkeypatch, (8, 64), new_shape)  # 4 x 16 blocks
    tasks4, reads4 = _reshape_work(monkeypatch, (16, 128), new_shape)  # 8 x 32 blocks
    assert reads >= 64 and tasks > 0
    assert tasks4 <= 5 * tasks
    assert reads4 <= 5 * reads
