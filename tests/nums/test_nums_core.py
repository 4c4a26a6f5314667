"""ArrayGrid, sessions, BlockArray attributes, conversions and printing."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums
import nums.numpy as nps
from nums.config import resolve
from nums.core.graph.grid import ArrayGrid, cyclic_node, default_block_shape


def test_grid_slices_and_shapes():
    g = ArrayGrid((10, 7), (3, 3), np.float64)
    assert g.grid_shape == (4, 3)
    assert g.block_slices((3, 2)) == (slice(9, 10), slice(6, 7))
    assert g.block_shape_at((3, 2)) == (1, 1)
    assert g.boundaries(0) == [0, 3, 6, 9, 10]
    assert list(g.blocks_overlapping(0, 2, 7)) == [0, 1, 2]
    assert len(list(g.indices())) == 12


def test_grid_empty_axis_has_one_empty_block():
    g = ArrayGrid((0, 5), (1, 2), np.int32)
    assert g.grid_shape == (1, 3)
    assert g.block_shape_at((0, 1)) == (0, 2)


def test_cyclic_node():
    assert [cyclic_node((i,), (3,)) for i in range(5)] == [0, 1, 2, 0, 1]
    assert cyclic_node((1, 1), (2, 2)) == 3
    assert cyclic_node((1,), (2, 2)) == 2  # missing axes map to 0
    assert cyclic_node((5, 7, 9), (2,)) == 1


def test_default_block_shape_tall_skinny_rows_only():
    bs = default_block_shape((4_000_000, 32), np.float64, 16 * 2**20, 2)
    assert bs[1] == 32 and bs[0] < 4_000_000
    small = default_block_shape((10, 10), np.float64, 16 * 2**20, 8)
    assert small == (10, 10)  # fits one block: not split
    split = default_block_shape((1000, 1000), np.float64, 1_000_000, 16)
    assert np.prod([int(np.ceil(n / b)) for n, b in zip((1000, 1000), split)]) >= 16
    # larger than what the driver computes (split_bytes), smaller than a block: one per worker
    mid = default_block_shape((3_000_000,), np.float64, 64 * 2**20, 2, split_bytes=2**24)
    assert mid == (1_500_000,)
    assert default_block_shape((1_000_000,), np.float64, 64 * 2**20, 2, split_bytes=2**24) == (
        1_000_000,)


@pytest.mark.parametrize("n,blocks", [(10**8, 12), (5 * 10**7, 6), (2 * 10**7, 3), (10**9, 120),
                                      (3 * 10**7 + 7, 4), (999_983, 3)])
def test_default_blocks_hold_whole_rows_of_reshapes(n, blocks):
    # a split vector's blocks are rounded to a multiple of small row widths, so that
    # ``x.reshape(-1, k)`` keeps its rows inside blocks; the blocks stay balanced
    (b,) = default_block_shape((n,), np.float64, -(-n // blocks) * 8, 1)
    count = -(-n // b)
    assert count <= blocks and n - (count - 1) * b >= 7 * b // 8
    widths = [k for k in (2, 3, 4, 5, 8, 10, 12, 16, 100) if b % k == 0]
    if b >= 8 * 5040 * blocks:
        assert widths == [2, 3, 4, 5, 8, 10, 12, 16, 100] or b % 5040 == 0
    # an exact split into blocks of a multiple of 16 is kept as it is
    assert default_block_shape((4000, 4000), np.float64, 2000 * 2000 * 8, 4) == (2000, 2000)
    assert default_block_shape((2_000_000, 8), np.float64, 64 * 2**20, 2) == (1_000_000, 8)

def test_settings_from_env(monkeypatch):
    monkeypatch.setenv("NUMS_BACKEND", "serial")
    monkeypatch.setenv("NUMS_NUM_NODES", "4")
    monkeypatch.setenv("NUMS_CLUSTER_SHAPE", "2,2")
    monkeypatch.setenv("NUMS_BLOCK_BYTES", "1024")
    s = resolve()
    assert (s.backend, s.num_nodes, s.cluster_shape, s.block_bytes) == ("serial", 4, (2, 2), 1024)
    with pytest.raises(ValueError, match="cluster_shape"):
        resolve(num_nodes=3)
    with pytest.raises(ValueError, match="unknown backend"):
        resolve(backend="nope")
    assert resolve().optimizer == "tree"
    monkeypatch.setenv("NUMS_OPTIMIZER", "Cyclic")
    assert resolve().optimizer == "cyclic"
    assert resolve(optimizer="tree").optimizer == "tree"
    with pytest.raises(ValueError, match="unknown optimizer 'greedy'.*'tree', 'cyclic'"):
        resolve(optimizer="greedy")


def test_explain_shows_the_plan_before_running():
    # six blocks: distributed in every session (a small array of one block per worker at
    # most would be fetched and summed in the driver)
    x = nps.array(np.arange(48.0).reshape(6, 8), block_shape=(1, 8)).persist()
    before = sum(m["tasks_run"] for m in nums.metrics())
    s = x.sum(axis=0)
    text = nums.explain(s)
    assert sum(m["tasks_run"] for m in nums.metrics()) == before  # nothing ran
    assert text.startswith("plan by") and "objective" in text and "reduce[" in text
    assert s.explain() == text
    assert_same(s, np.arange(48.0).reshape(6, 8).sum(axis=0))
    with pytest.raises(ValueError, match="already computed"):
        nums.explain(s)
    with pytest.raises(TypeError):
        nums.explain(np.ones(3))


def test_metrics_keys_and_tasks_counted():
    before = sum(m["tasks_run"] for m in nums.metrics())
    x = nps.ones((40,), block_shape=(10,))
    (x + 1).persist()
    after = nums.metrics()
    assert len(after) == nums.settings().num_nodes
    for m in after:
        assert {
            "node",
            "store_bytes",
            "peak_store_bytes",
            "bytes_received",
            "bytes_sent",
            "tasks_run",
        } <= set(m)
    assert sum(m["tasks_run"] for m in after) >= before + 8


def test_blocks_placed_cyclically():
    x = nps.zeros((12,), block_shape=(2,))
    n = nums.settings().num_nodes
    assert list(x.nodes) == [i % n for i in range(6)]


def test_attributes():
    a = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    x = nps.array(a, block_shape=(1, 2, 3))
    assert x.shape == a.shape and x.ndim == 3 and x.size == 24
    assert x.dtype == np.int32 and x.itemsize == 4 and x.nbytes == a.nbytes
    assert x.grid_shape == (2, 2, 2)
    assert len(x) == 2
    assert_same(x.T, a.T)
    assert_same(x.astype(np.float32), a.astype(np.float32))
    assert_same(x.copy(), a)
    assert_same(x.flatten(), a.flatten())
    assert_same(x.ravel(), a.ravel())
    assert_same(x.reshape(4, 6), a.reshape(4, 6))
    assert_same(x.reshape((-1, 2)), a.reshape((-1, 2)))
    assert_same(x.transpose(1, 0, 2), a.transpose(1, 0, 2))
    assert isinstance(x.get(), np.ndarray) and x.get().flags.writeable
    assert x.persist() is x
    assert x.tolist() == a.tolist()


def test_astype_casting_error():
    x = nps.arange(5)
    with pytest.raises(TypeError):
        x.astype(np.int8, casting="safe")


def test_scalar_conversions():
    x = nps.array(3.5)
    assert float(x) == 3.5 and int(x) == 3 and complex(x) == 3.5 + 0j and bool(x)
    assert bool(nps.array([3.5]))
    for conv in (float, int, complex):  # as NumPy's conversions of a size-1 array
        try:
            want = conv(np.array([3.5]))
        except TypeError:
            with pytest.raises(TypeError):
                conv(nps.array([3.5]))
        else:
            assert conv(nps.array([3.5])) == want
    i = nps.array(4)
    assert [10, 20, 30, 40, 50][i] == 50
    assert range(10)[nps.array(2)] == 2
    with pytest.raises(ValueError, match="ambiguous"):
        bool(nps.array([1, 2]))
    with pytest.raises(TypeError):
        float(nps.array([1.0, 2.0]))
    with pytest.raises(TypeError):
        len(nps.array(1.0))
    assert f"{nps.array(2.0) / 3:.3f}" == "0.667"


def test_asarray_protocol():
    x = nps.arange(10, block_shape=(3,))
    assert_same(np.asarray(x), np.arange(10))
    assert np.asarray(x, dtype=np.float32).dtype == np.float32


def test_repr_and_str_small():
    a = np.arange(12.0).reshape(3, 4)
    x = nps.array(a, block_shape=(2, 3))
    assert str(x) == str(a)
    r = repr(x)
    assert r.startswith("BlockArray(") and "block_shape=(2, 3)" in r and "grid_shape=(2, 2)" in r
    assert np.array2string(a, separator=", ").split("\n")[0] in r


def test_str_summarised_like_numpy():
    a = np.arange(3000).reshape(30, 100)
    x = nps.array(a, block_shape=(7, 9))
    assert str(x) == str(a)


def test_iteration_and_getitem_basic():
    a = np.arange(30).reshape(5, 6)
    x = nps.array(a, block_shape=(2, 4))
    assert_same(x[1], a[1])
    assert_same(x[1:4, 2:], a[1:4, 2:])
    assert_same(x[::2, ::-1], a[::2, ::-1])
    assert_same(x[:, None, 3], a[:, None, 3])
    assert_same(x[..., 1], a[..., 1])
    assert_same(x[-1, -2], a[-1, -2])
    assert_same(x[[0, 3, 1]], a[[0, 3, 1]])
    assert_same(x[:, [5, 0]], a[:, [5, 0]])
    assert_same(x[a[:, 0] > 10], a[a[:, 0] > 10])
    assert [r.get().tolist() for r in x] == a.tolist()
    with pytest.raises(IndexError):
        x[5]
    with pytest.raises(IndexError):
        x[0, 0, 0]


def test_setitem():
    a = np.arange(30.0).reshape(5, 6)
    x = nps.array(a, block_shape=(2, 4))
    before = x.blocks.copy()
    x[1:4, 2:5] = -1.0
    a[1:4, 2:5] = -1.0
    assert_same(x, a)
    x[0] = np.arange(6)
    a[0] = np.arange(6)
    assert_same(x, a)
    assert before[0, 0] is not x.blocks[0, 0]


def test_inplace_rebinds_without_mutating_shared_blocks():
    x = nps.arange(10.0, block_shape=(3,))
    y = x.copy()
    x += 1
    x *= 2
    assert_same(x, (np.arange(10.0) + 1) * 2)
    assert_same(y, np.arange(10.0))
    i = nps.arange(5)
    with pytest.raises(TypeError):
        i += 1.5  # same_kind casting, like numpy


def test_shutdown_and_reinit(backend_name):
    from nums_helpers import BACKEND_CONFIGS, BLOCK_BYTES

    nums.shutdown()
    x = nps.arange(4)  # starts a session on first use
    assert_same(x, np.arange(4))
    nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[backend_name]})


def test_aligned_operands_meet_on_the_same_node(backend_name):
    """Block-cyclic placement: an elementwise op on aligned arrays moves no bytes."""
    x = nps.ones((60, 4), block_shape=(5, 4)).persist()
    y = nps.full((60, 4), 2.0, block_shape=(5, 4)).persist()

    def moved():
        figures = [m["bytes_sent"] for m in nums.metrics()]
        if backend_name == "ray":  # Ray does not report transfers: it must say so
            assert figures == [None] * len(figures)
            assert all("bytes_sent" in m["unavailable"] for m in nums.metrics())
            return 0
        return sum(figures)

    before = moved()
    z = (x * y + x).persist()
    assert moved() == before
    assert_same(z, np.full((60, 4), 3.0))
    s = nps.sum(z, axis=1).persist()  # row blocks reduce where they live
    assert moved() == before
    assert_same(s, np.full(60, 12.0))


def test_zero_d_and_empty_arrays():
    s = nps.array(2.5)
    assert s.shape == () and s.ndim == 0 and s.size == 1
    assert_same(s * 2 + nps.array(1.0), np.array(6.0))
    assert_same(nps.sum(s), np.sum(np.array(2.5)))
    assert round(nps.array(2.567), 2) == 2.57
    with pytest.raises(TypeError):  # as NumPy's arrays (a 0-d result rounds: NumPy's scalar)
        round(nps.array([1.26, 2.5]), 1)
    e = nps.zeros((0, 3))
    assert_same(e + 1, np.zeros((0, 3)) + 1)
    assert_same(e.T @ e, np.zeros((3, 3)))
    assert_same(nps.sum(e, axis=1), np.zeros(0))
    assert str(e) == str(np.zeros((0, 3)))


def test_copy_module():
    import copy

    x = nps.arange(5)
    y = copy.deepcopy(x)
    z = copy.copy(x)
    x += 1
    assert_same(y, np.arange(5))
    assert_same(z, np.arange(5))


def test_masked_assignment():
    a = np.arange(-6.0, 6.0).reshape(3, 4)
    x = nps.array(a, block_shape=(2, 3))
    x[x < 0] = 0
    b = a.copy()
    b[b < 0] = 0
    assert_same(x, b)
    x[a > 3] = -1.5
    b[a > 3] = -1.5
    assert_same(x, b)
    i = nps.arange(6)
    i[i.get() % 2 == 0] = 7
    assert_same(i, np.where(np.arange(6) % 2 == 0, 7, np.arange(6)))


@pytest.mark.parametrize("backend_name", ["embedded"], indirect=False)
def test_init_sets_the_store_size_and_spill_folder(backend_name, tmp_path, monkeypatch):
    from nums_helpers import BACKEND_CONFIGS, BLOCK_BYTES

    try:
        nums.init(object_store_bytes=32 << 20, spill_dir=str(tmp_path))
        assert nums.settings().object_store_bytes == 32 << 20
        assert [m["capacity_bytes"] for m in nums.metrics()] == [32 << 20]
        x = nps.ones((12_000_000,)).persist()  # 96 MB: three times the store
        assert float(x.sum()) == 12_000_000
        assert sum(m["spilled_bytes"] for m in nums.metrics()) > 0
        assert any(tmp_path.rglob("*"))  # spilled into the folder given
        del x
        monkeypatch.setenv("NUMS_OBJECT_STORE_BYTES", str(48 << 20))
        nums.init()
        assert [m["capacity_bytes"] for m in nums.metrics()] == [48 << 20]
        with pytest.raises(ValueError, match="backend='embedded'"):
            nums.init(backend="serial", spill_dir=str(tmp_path))
    finally:
        monkeypatch.delenv("NUMS_OBJECT_STORE_BYTES", raising=False)
        nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[backend_name]})


def test_task_retries_setting(monkeypatch):
    from nums.config import resolve
    assert resolve(backend="serial").task_retries == 3
    assert resolve(backend="serial", task_retries=0).task_retries == 0
    monkeypatch.setenv("NUMS_TASK_RETRIES", "7")
    assert resolve(backend="serial").task_retries == 7
    with pytest.raises(ValueError, match="task_retries"):
        resolve(backend="serial", task_retries=-1)


def test_get_copies_blocks_on_several_threads(monkeypatch):
    """get() of a large multi-block array copies its blocks in parts on the driver's
    threads: every block lands where it belongs, whatever the number of parts."""
    from nums.core.array import blockarray, threads

    monkeypatch.setattr(blockarray, "GET_PARTS_BYTES", 0)
    a = np.arange(7 * 9 * 5, dtype=np.float64).reshape(7, 9, 5)
    x = nps.array(a, block_shape=(2, 4, 5))  # 4 x 3 blocks, edges smaller
    for k in (1, 2, 3, 16):
        monkeypatch.setattr(threads, "THREADS", k)
        np.testing.assert_array_equal(x.get(), a)
    assert threads.run([lambda: 1, lambda: 2, lambda: 3]) == [1, 2, 3]
    with pytest.raises(ZeroDivisionError):
        threads.run([lambda: 1, lambda: 1 / 0])


def test_astype_to_str_and_bytes_without_a_length_is_numpys():
    # NumPy sizes an unsized str/bytes dtype from the source dtype (U21 for int64): each block
    # guessed one character and the values were cut to it
    for a in (np.array([1, 22, 333, -4444] * 5), np.linspace(-3, 3, 20),
              np.array([True, False] * 10), np.arange(20) * 1j,
              np.array(["1970-01-01", "2000-02-02"] * 10, dtype="datetime64[D]"),
              np.array([b"abc", b"z"] * 10), np.array(["h\u00e9llo", "a"] * 10)):
        x = nps.asarray(a, block_shape=(3,))
        for dtype in (str, "S", "U", np.bytes_, "U3"):
            try:
                want = a.astype(dtype)
            except (TypeError, UnicodeEncodeError, RuntimeError) as err:  # (dates into U3)
                with pytest.raises(type(err)):
                    x.astype(dtype).get()
                continue
            got = x.astype(dtype).get()
            assert got.dtype == want.dtype, (a.dtype, dtype)
            np.testing.assert_array_equal(got, want)
