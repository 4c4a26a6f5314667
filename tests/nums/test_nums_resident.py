"""Driver-resident small arrays (issue 16): NumPy in the driver, no tasks, NumPy's semantics.

An array of one block of at most ``local_bytes`` holds its block in the driver and operations
on such arrays run there (:mod:`nums.core.array.resident`). These tests check that small work
submits no task, that results, views, writes, copies, errors and warnings are NumPy's, and
that small and large operands still mix.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
from nums_helpers import BACKEND_CONFIGS, BLOCK_BYTES, assert_same

import nums
import nums.numpy as nps
from nums.config import resolve
from nums.core import context
from nums.core.array.blockarray import TEMPORARY_REFCOUNTS, local_value
from nums.numpy._fallback import numpy_fallback as fb

RNG = np.random.default_rng(16)


def _resident(x) -> bool:
    return local_value(x) is not None


def _tasks() -> int | None:
    """Tasks run so far (serial backends, which count them synchronously), else None."""
    if context.get().settings.backend != "serial":
        return None
    return sum(m["tasks_run"] for m in nums.metrics())


def _restore(backend_name: str) -> None:
    nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[backend_name]})


def test_small_bookkeeping_runs_no_task(backend_name):
    a, b = RNG.random(5), RNG.random(5)
    before = _tasks()
    x, y = nps.asarray(a), nps.asarray(b)
    z = x * y + 1
    s = float(z.sum())
    w = (x[::2] + 1) @ nps.ones(3)
    v = x
    for _ in range(5):
        v = v / nps.linalg.norm(v)
    assert _resident(z) and _resident(w) and _resident(v)
    assert nums.explain(z).startswith("driver-resident")
    assert _tasks() == before
    assert_same(z, a * b + 1)
    assert s == pytest.approx(float((a * b + 1).sum()))
    assert_same(w, (a[::2] + 1) @ np.ones(3))
    expected = a
    for _ in range(5):
        expected = expected / np.linalg.norm(expected)
    assert_same(v, expected)


def test_creation_below_the_threshold_is_resident(backend_name):
    for x in (nps.zeros(4), nps.arange(3), nps.asarray([1.0, 2.0]), nps.full((2,), 7),
              nps.random.default_rng(0).random(3), nps.eye(2)):
        assert _resident(x)
    assert not _resident(nps.arange(40, block_shape=(8,)))  # several blocks: distributed
    # the plain zeros and ones (NumPy's array at once): values, dtypes, shapes as NumPy's
    for shape in (3, (2, 2), (), (0,), (1, 0, 2)):
        for dtype in (None, float, int, bool, np.complex64, "u1"):
            for name in ("zeros", "ones"):
                got = getattr(nps, name)(shape, dtype)
                want = getattr(np, name)(shape, dtype)
                assert _resident(got) and got.dtype == want.dtype
                assert_same(got, want)
    z = nps.zeros(())
    alias = z
    z += 1  # a 0-d array made as one changes in place, as NumPy's
    assert float(alias) == 1.0
    with pytest.raises(ValueError, match="negative"):
        nps.zeros(-1)


def test_get_returns_an_independent_array(backend_name):
    x = nps.asarray([1.0, 2.0, 3.0])
    g = x.get()
    g[0] = 100.0
    assert_same(x, np.array([1.0, 2.0, 3.0]))
    y = x + 1
    h = (x + 1).get()  # a temporary's value is handed over, never shared
    h[1] = -5.0
    assert_same(y, np.array([2.0, 3.0, 4.0]))
    assert h.flags.writeable and g.flags.writeable
    assert_same(x, np.array([1.0, 2.0, 3.0]))


def test_views_and_writes_keep_numpys_semantics(backend_name):
    a = np.arange(6.0)
    x = nps.asarray(a.copy())
    v, va = x[1:4], a[1:4]
    t, ta = x.reshape(2, 3).T, a.reshape(2, 3).T
    v[0] = 10.0
    va[0] = 10.0
    x[3] = -1.0
    a[3] = -1.0
    t[2, 0] += 5
    ta[2, 0] += 5
    x += 1
    a += 1
    assert_same(x, a)
    assert_same(v, va)
    assert_same(t, ta)
    assert v.base is x and _resident(v)
    c = x.copy()
    x[0] = 42.0
    assert c[0] != 42.0


def test_small_and_large_operands_mix(backend_name):
    big = RNG.random((40, 3))
    X = nps.array(big, block_shape=(8, 3))  # several blocks
    b = nps.asarray(np.array([1.0, -2.0, 0.5]))
    assert _resident(b) and not _resident(X)
    assert_same(X @ b, big @ np.array([1.0, -2.0, 0.5]), rtol=1e-12)
    assert_same(X * b + 1, big * np.array([1.0, -2.0, 0.5]) + 1)
    assert _resident(b)  # still driver-resident after joining distributed work
    b[0] = 3.0  # a later write reaches later distributed work
    assert_same(X @ b, big @ np.array([3.0, -2.0, 0.5]), rtol=1e-12)


def test_a_fetched_small_result_becomes_resident(backend_name):
    big = RNG.random((40, 3))
    X = nps.array(big, block_shape=(8, 3))
    g = X.sum(axis=0)
    assert g.pending("driver") is not None  # its partials are combined here on first use
    assert_same(g, big.sum(axis=0), rtol=1e-12)  # fetched
    assert _resident(g)
    before = _tasks()
    h = g / g.sum()
    assert _tasks() == before
    assert_same(h, big.sum(axis=0) / big.sum(), rtol=1e-12)


def test_errors_promotion_and_errstate_are_numpys(backend_name):
    i8 = nps.asarray(np.array([1, 2], dtype=np.int8))
    with pytest.raises(OverflowError):
        i8 + 300
    assert (i8 + 1).dtype == np.int8 and (i8 + 1.5).dtype == np.float64
    assert (nps.asarray(np.float32([1.0])) + np.float64(1)).dtype == np.float64
    with pytest.raises(ValueError, match="could not be broadcast"):
        nps.ones(3) + nps.ones(2)
    x = nps.asarray([1.0, 0.0])
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            x / 0.0
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same(x / 0.0, np.array([np.inf, np.nan]))


def test_out_and_where_reach_the_array(backend_name):
    x = nps.asarray([1.0, 2.0, 3.0])
    out = nps.zeros(3)
    view = out[1:]
    nps.add(x, 1, out=out, where=nps.asarray([True, False, True]))
    assert_same(out, np.array([2.0, 0.0, 4.0]))
    assert_same(view, np.array([0.0, 4.0]))
    q, r = nps.divmod(x, 2)
    assert_same(q, np.array([0.0, 1.0, 1.0]))
    assert_same(r, np.array([1.0, 0.0, 1.0]))


def test_fallback_runs_in_the_driver_next_to_resident_data(backend_name):
    a = np.array([0.0, 0.0, 1.0, 2.0, 0.0])
    x = nps.asarray(a.copy())
    m = nps.zeros((2, 2))
    before = _tasks()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        r = fb("trim_zeros")(x)  # NumPy returns a view: so does nums
        fb("fill_diagonal")(m, 7.0)  # NumPy writes into its argument: so does nums
    assert _tasks() == before
    assert_same(r, np.trim_zeros(a))
    assert_same(m, np.diag([7.0, 7.0]))
    assert r.base is x
    x[2] = 5.0
    assert_same(r, np.array([5.0, 2.0]))


def test_threshold_zero_distributes_everything(backend_name):
    try:
        nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[backend_name],
                     "local_bytes": 0})
        x = nps.asarray([1.0, 2.0])
        assert not _resident(x * 2)
        assert_same(x * 2 + 1, np.array([3.0, 5.0]))
        x.get()
        assert not _resident(x)
    finally:
        _restore(backend_name)


def test_local_bytes_setting(monkeypatch):
    monkeypatch.setenv("NUMS_LOCAL_BYTES", "123")
    assert resolve(backend="serial").local_bytes == 123
    assert resolve(backend="serial", local_bytes=0).local_bytes == 0
    with pytest.raises(ValueError, match="local_bytes"):
        resolve(backend="serial", local_bytes=-1)


def test_fast_path_reports_numpys_floating_point_errors(backend_name):
    """Ufuncs and reductions on driver-resident arrays switch NumPy's error state instead of
    catching warnings (:mod:`nums.core.array.fperrors`): NumPy's messages, once per kind,
    at the user's line, and every mode of ``np.errstate`` as NumPy has it."""
    a = np.array([1.0, 0.0, -1.0])
    x = nps.asarray(a)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = x / 0.0
        line = sys._getframe().f_lineno - 1
        s = nps.sum(nps.asarray([1e308, 1e308]))
    with warnings.catch_warnings(record=True) as expected:
        warnings.simplefilter("always")
        a / 0.0
        np.sum(np.array([1e308, 1e308]))
    assert _resident(r) and _resident(s)
    assert [(w.category, str(w.message)) for w in caught] == [
        (w.category, str(w.message)) for w in expected]
    assert caught[0].filename == __file__ and caught[0].lineno == line
    with np.errstate(all="ignore"):
        assert_same(r, a / 0.0)
    with np.errstate(divide="raise", invalid="warn"):
        with pytest.raises(FloatingPointError, match="divide by zero"):
            x / 0.0
        with pytest.warns(RuntimeWarning, match="invalid value encountered in sqrt"):
            nps.sqrt(x)
    # an error met before the one NumPy raises for is warned of, as NumPy does, and only once
    # (not again by the next call)
    for values in (x, a):
        with warnings.catch_warnings(record=True) as caught, np.errstate(divide="warn",
                                                                          invalid="raise"):
            warnings.simplefilter("always")
            with pytest.raises(FloatingPointError, match="invalid value"):
                values / 0.0
            values + 1.0
            values * 2.0
        if values is x:
            got = [(w.category, str(w.message)) for w in caught]
    assert got == [(w.category, str(w.message)) for w in caught]
    assert got == [(RuntimeWarning, "divide by zero encountered in divide")]
    seen = []
    with np.errstate(all="call", call=lambda kind, flag: seen.append(kind)):
        x / 0.0  # "call" mode: the general path, the caller's function called
    assert seen == ["divide by zero", "invalid value"]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        nps.log(x)
        nps.max(nps.asarray([np.nan]))


def _count_reuse(monkeypatch) -> list[bool]:
    """Whether each call of ``resident.ufunc_into_temporary`` from now on reused its
    temporary (it returned an array)."""
    from nums.core.array import resident

    reused = []
    into = resident.ufunc_into_temporary

    def counted(*args):
        out = into(*args)
        reused.append(out is not None)
        return out

    monkeypatch.setattr(resident, "ufunc_into_temporary", counted)
    return reused


def test_operators_reuse_only_temporaries(backend_name, monkeypatch):
    """``x * y + 1`` computes ``+ 1`` into the value of the temporary ``x * y``, as NumPy
    does (resident.ufunc_into_temporary); never into an array a name, a view, a list or an
    earlier ``get()`` still reaches."""
    from nums.core.array import resident

    monkeypatch.setattr(resident, "ELIDE_BYTES", 0)
    reused = _count_reuse(monkeypatch)
    a, b = RNG.random(6), RNG.random(6)
    x, y = nps.asarray(a), nps.asarray(b)
    elides = _resident(x) and TEMPORARY_REFCOUNTS  # CPython versions whose counts we know
    assert_same(x * y + 1, a * b + 1)
    assert_same(2.0 - x * y, 2.0 - a * b)
    assert_same(x + x * y, a + a * b)
    assert any(reused) == bool(elides)
    t = x * y
    u = t + 1  # t is a name: a new array
    v = x * y
    w = v[1:]
    z = v + 1  # v has a view
    held = [x * y]
    r = held[0] + 1
    g = x * y
    got = g.get()
    h = g + 1
    assert_same(t, a * b)
    assert_same(u, a * b + 1)
    assert_same(w, (a * b)[1:])
    assert_same(z, a * b + 1)
    assert_same(held[0], a * b)
    assert_same(r, a * b + 1)
    np.testing.assert_array_equal(got, a * b)
    assert_same(g, a * b)
    assert_same(h, a * b + 1)
    i8 = nps.asarray(np.arange(6, dtype=np.int8))
    assert_same(i8 * 2 + 1.5, np.arange(6, dtype=np.int8) * 2 + 1.5)  # new dtype: new array
    assert_same(x[:, None] * y[None, :] + 1, a[:, None] * b[None, :] + 1)
    assert_same(x * y + nps.ones((3, 6)), a * b + np.ones((3, 6)))  # larger result


def test_small_results_of_large_operands_are_fetched_once(backend_name):
    """``w = A @ v`` has the row blocks of ``A``; the bookkeeping that follows (``v @ w``,
    ``norm(w)``, ``w / norm(w)``) fetches ``w`` once and runs in the driver, until a write
    gives ``w`` new blocks."""
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**16,
                     "local_bytes": 2**12})
        if nums.core.context.get().num_workers < 2:
            pytest.skip("one worker: a two-block result is not fetched")
        a = RNG.random((64, 64))
        A = nps.array(a, block_shape=(32, 64))
        v0 = RNG.random(64)
        v = nps.asarray(v0)
        w = A @ v
        assert not _resident(w) and w.grid.num_blocks == 2
        lam = float(v @ w)
        before = _tasks()
        nw = nps.linalg.norm(w)
        u = w / nw
        assert _resident(u) and _tasks() == before
        np.testing.assert_allclose(lam, v0 @ (a @ v0))
        assert_same(u, (a @ v0) / np.linalg.norm(a @ v0), rtol=1e-12)
        w[0] = 100.0  # new blocks: fetched again
        expected = a @ v0
        expected[0] = 100.0
        assert_same(w * 2, expected * 2, rtol=1e-12)
        many = nps.array(a[0], block_shape=(8,))  # 8 blocks chosen small: stays distributed
        assert not _resident(many + v)
    finally:
        _restore(backend_name)


def test_small_views_of_large_arrays_are_fetched(backend_name):
    """A small view of a large array (``img[::16, ::16]``) has its root's grid of many
    blocks; operations on it fetch its value once and run in the driver, NumPy's functions
    too (``sort``, ``unique``, ``tile``), until a write to the root changes the view."""
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**16,
                     "local_bytes": 2**12})
        img0 = RNG.random((192, 192))
        img = nps.array(img0, block_shape=(64, 64))
        small = img[::16, ::16]
        assert small.grid.num_blocks == 9 and not _resident(small)
        got = [small * 2]  # fetches the view (tasks compute it where the driver does not
        # map the store), once
        before = _tasks()
        got += [nps.sort(small, axis=1), nps.tile(small, (2, 1)),
                nps.unique((small * 4).astype(nps.int32), return_counts=True)[1]]
        assert all(_resident(g) for g in got) and _tasks() == before
        s0 = img0[::16, ::16]
        assert_same(got[0], s0 * 2)
        assert_same(got[1], np.sort(s0, axis=1))
        assert_same(got[2], np.tile(s0, (2, 1)))
        assert_same(got[3], np.unique((s0 * 4).astype(np.int32), return_counts=True)[1])
        same = nps.diff(small, n=0)  # NumPy's diff gives its argument itself
        img[0, :] = -1.0  # the root is written: the view shows it, and is fetched again
        img0[0, :] = -1.0
        assert_same(small * 2, img0[::16, ::16] * 2)
        assert_same(nps.sort(small, axis=0), np.sort(img0[::16, ::16], axis=0))
        assert_same(same, img0[::16, ::16])  # a copy or a view, it has the values
        many = nps.array(img0[:8, :8], block_shape=(2, 2))  # blocks chosen small: distributed
        assert not _resident(many * 2)
    finally:
        _restore(backend_name)


def test_small_gathers_of_rows_run_in_the_driver(backend_name):
    """``X[batch]``, ``X[idx, 2]``, ``img[rows]`` of a large array with a small result: the
    driver reads the rows from the blocks in place (where it maps them) and the result is
    driver-resident; NumPy's values, shapes and errors either way."""
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**16,
                     "local_bytes": 2**12})
        here = nums.core.context.get().backend.blocks_in_driver_memory
        a = RNG.random((600, 4))
        X = nps.array(a, block_shape=(128, 4))
        img0 = RNG.random((96, 96)).astype(np.float32)
        img = nps.array(img0, block_shape=(40, 40))  # columns split too
        y0 = np.arange(700, dtype=np.int16)
        y = nps.array(y0, block_shape=(150,))
        idx = RNG.integers(-600, 600, 40)
        cases = [(X, a, idx), (X, a, (idx, 2)), (X, a, (idx, slice(1, 3))),
                 (X, a, (idx.reshape(5, 8), -1)), (X, a, [3, 599, 0, 3]),
                 (X, a, (np.uint8(7) + np.arange(3, dtype=np.uint8), slice(None, None, -2))),
                 (X, a, nps.asarray(np.abs(idx) % 600)), (img, img0, np.arange(0, 96, 11)[::-1]),
                 (y, y0, np.array([699, -700, 5])), (X, a, np.array(5))]
        for x, v, key in cases:
            got = x[key]
            numpy_key = key.get() if isinstance(key, nps.ndarray) else key
            assert_same(got, v[numpy_key])
            assert _resident(got) or not here
        rows, cols = np.array([95, 0, 41, -3]), np.array([7, -1, 40, 39, 80])
        t0 = RNG.random((30, 20, 6))
        t = nps.array(t0, block_shape=(8, 6, 6))
        for x, v, key in [(img, img0, np.ix_(rows, cols)), (img, img0, (rows, cols[:4])),
                          (img, img0, (rows[:, None], cols[None, :])),
                          (img, img0, (rows[:, None], np.array([[5, 6]]))),
                          (X, a, ([1, 2, 599], [0, 3, -1])), (t, t0, np.ix_([29, 0, 9], [19, 5])),
                          (t, t0, (np.array([[1], [20]]), np.array([3, 3, 18])))]:
            got = x[key]
            assert_same(got, v[key])
            assert _resident(got) or not here
        assert_same(img[[1, 50], 3:60], img0[[1, 50], 3:60])  # split columns, not taken
        # whole: the general path
        for key in (np.array([600]), (np.array([-601]), 0), (np.array([1, 2]), [0, 4]),
                    np.ix_([0, 1], [0, -5]), (np.array([1, 2]), np.array([0, 1, 2]))):
            with pytest.raises(IndexError) as ours:
                X[key]
            with pytest.raises(IndexError) as numpys:
                a[key]
            assert str(ours.value) == str(numpys.value)
        with pytest.raises(IndexError, match="too many indices"):
            y[np.array([1]), 0]
    finally:
        _restore(backend_name)


def test_random_keys_of_arrays_the_driver_gathers_from(backend_name):
    """Random keys (ints, slices, integer arrays of every shape, lists, masks, 0-d arrays,
    driver-resident index arrays) on arrays of large blocks, where small results are
    gathered by the driver: NumPy's values, or NumPy's error type and message."""
    rng = np.random.default_rng(1605)
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**16,
                     "local_bytes": 2**14})

        def entry(n):
            r = rng.integers(0, 9)
            if r == 0:
                return int(rng.integers(-n, n))
            if r == 1:
                return slice(None)
            if r == 2:
                return slice(int(rng.integers(0, n)), None, int(rng.integers(1, 3)))
            if r == 3:
                low = -n - 1 if rng.random() < 0.1 else -n  # sometimes out of bounds
                return rng.integers(low, n, size=int(rng.integers(0, 6)))
            if r == 4:
                return rng.integers(-n, n, size=(int(rng.integers(1, 3)), int(rng.integers(1, 4))))
            if r == 5:
                return rng.integers(0, n, size=3).tolist()
            if r == 6:
                return rng.random(n) < 0.5
            if r == 7:
                return np.array(int(rng.integers(-n, n)))
            return nps.asarray(rng.integers(0, n, size=4))

        for _ in range(150):
            shape = tuple(int(rng.integers(3, 30)) for _ in range(int(rng.integers(1, 4))))
            a = rng.random(shape)
            x = nps.array(a, block_shape=tuple(int(rng.integers(1, n + 1)) for n in shape))
            key = tuple(entry(n) for n in shape[:int(rng.integers(1, len(shape) + 1))])
            if rng.random() < 0.3:
                key = key[0]
            numpy_key = tuple(k.get() if isinstance(k, nps.ndarray) else k for k in key) if (
                isinstance(key, tuple)) else (key.get() if isinstance(key, nps.ndarray) else key)
            try:
                expected = a[numpy_key]
            except IndexError as e:
                with pytest.raises(IndexError) as ours:
                    x[key]
                assert str(ours.value) == str(e)
                continue
            assert_same(x[key], expected)
    finally:
        _restore(backend_name)


def test_bincount_of_resident_labels_with_distributed_weights(backend_name):
    """``bincount(g, weights=X[:, 0])`` with driver-resident labels and a column of a large
    matrix: the weights are fetched and NumPy counts in the driver; NumPy's values and
    errors."""
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**16,
                     "local_bytes": 2**14})
        a = RNG.random((1000, 4))
        X = nps.array(a, block_shape=(300, 4))
        g0 = RNG.integers(0, 7, 1000)
        g = nps.asarray(g0)
        assert _resident(g) and not _resident(X)
        got = nps.bincount(g, weights=X[:, 1], minlength=9)
        assert _resident(got)
        assert_same(got, np.bincount(g0, weights=a[:, 1], minlength=9), rtol=0)
        assert_same(nps.bincount(g, weights=X[:, 1] * 2), np.bincount(g0, weights=a[:, 1] * 2))
        bad = g0.copy()
        bad[5] = -1
        with pytest.raises(ValueError) as ours:
            nps.bincount(nps.asarray(bad), weights=X[:, 0])
        with pytest.raises(ValueError) as numpys:
            np.bincount(bad, weights=a[:, 0])
        assert str(ours.value) == str(numpys.value)
        big = g0.copy()
        big[0] = 10**6  # a result larger than local_bytes: the general path
        assert_same(nps.bincount(nps.asarray(big), weights=X[:, 2]),
                    np.bincount(big, weights=a[:, 2]))
    finally:
        _restore(backend_name)


@pytest.fixture
def in_parts(monkeypatch):
    """Every resident ufunc result of more than 64 bytes computed in three parts by the
    driver's threads; yields the list of part counts of the calls made that way."""
    from nums.core.array import fperrors, resident, threads

    monkeypatch.setattr(resident, "PARTS_BYTES", 64)
    monkeypatch.setattr(threads, "THREADS", 3)
    calls = []
    orig = fperrors.call_parts

    def spy(name, fn, parts):
        calls.append(len(parts))
        return orig(name, fn, parts)

    monkeypatch.setattr(fperrors, "call_parts", spy)
    return calls


def test_ufuncs_in_parts_are_numpys(backend_name, in_parts):
    a = RNG.random((40, 7))
    row, col = RNG.random(7), RNG.random((40, 1))
    i8 = np.arange(280, dtype=np.int8).reshape(40, 7)
    x, r, c, xi = (nps.asarray(v) for v in (a, row, col, i8))
    resident = local_value(x) is not None
    for got, want in [(nps.sin(x), np.sin(a)), (x * r, a * row), (c - x, col - a),
                      (x + 1.5, a + 1.5), (xi + 1.5, i8 + 1.5), (xi * 3, i8 * 3),
                      (np.float32(2) * x, np.float32(2) * a), (x * r + 1, a * row + 1),
                      (nps.power(x, c), np.power(a, col)), (x > r, a > row)]:
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got.get(), want)  # bit for bit
    if resident:
        assert in_parts and set(in_parts) == {3}


def test_ufunc_in_parts_warnings_and_errstate(backend_name, in_parts):
    a = np.r_[np.ones(30), np.zeros(30)].reshape(20, 3)
    x = nps.asarray(a)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        got = 1.0 / x
    with warnings.catch_warnings(record=True) as want:
        warnings.simplefilter("always")
        np.testing.assert_array_equal(got.get(), 1.0 / a)
    msgs = [str(w.message) for w in seen if issubclass(w.category, RuntimeWarning)]
    if local_value(x) is not None:  # (a distributed array's tasks warn when they run)
        assert msgs == ["divide by zero encountered in divide"]  # once, though 2 parts met it
        assert all(w.filename == __file__ for w in seen)
        assert in_parts == [3]
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            (1.0 / x).get()
    with np.errstate(divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal((1.0 / x).get(), 1.0 / a)
    del want


@pytest.mark.parametrize("op", ["pairwise", "outer", "ufunc"])
def test_small_operands_broadcast_to_a_large_result_are_split(backend_name, op):
    # driver-resident operands whose broadcast result exceeds local_bytes: the result is
    # distributed in the session's blocks (it was one block the size of the whole result,
    # after NumPy had computed it once in the driver only to find it too large)
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 4096,
                     "local_bytes": 4096})
        p = RNG.random((40, 3))
        x = nps.asarray(p)
        assert _resident(x)
        if op == "pairwise":
            d = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
            want = ((p[:, None, :] - p[None, :, :]) ** 2).sum(-1)
            big = x[:, None, :] - x[None, :, :]
        elif op == "outer":
            d = big = nps.outer(x[:, 0], x[:, 1])
            want = np.outer(p[:, 0], p[:, 1])
        else:
            d = big = nps.add(x[:, :1], x[:, 1], dtype=np.float64)  # the general ufunc path
            want = np.add(p[:, :1], p[:, 1])
        assert not _resident(big)
        assert big.grid.grid_shape != (1,) * big.ndim  # in several blocks
        assert_same(d, want)
    finally:
        _restore(backend_name)


@pytest.mark.parametrize("rows", [24, 80])
def test_products_of_small_operands_larger_than_the_driver_holds(backend_name, rows):
    # ``W @ W.T`` of driver-resident operands whose result exceeds local_bytes: NumPy's
    # product here up to a few times local_bytes, put in blocks (it was computed here,
    # found too large, and computed again by one task); beyond, the planned product
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 4096,
                     "local_bytes": 4096})
        p = RNG.random((rows, 5))
        w = nps.asarray(p)
        assert _resident(w)
        for got, want in ((w @ w.T, p @ p.T), (nps.matmul(w, w.T), p @ p.T),
                          (nps.tensordot(w, w, axes=([1], [1])), p @ p.T),
                          (nps.dot(w, w.T), p @ p.T)):
            assert not _resident(got) and got.grid.num_blocks > 1
            assert_same(got, want, rtol=1e-12)
    finally:
        _restore(backend_name)


def test_pairs_of_a_distributed_similarity_matrix(backend_name):
    # a script's ``S = W @ W.T``, its upper triangle ``S[triu_indices(n, 1)]`` and each row's
    # best ``take_along_axis(S, argpartition(-S, k)[:, :k], 1)``: the index arrays are
    # NumPy's, made in the driver; the gathers read the blocks (assembled in the driver when
    # they map them) instead of relaying the matrix out
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 4096,
                     "local_bytes": 8192})
        p = RNG.random((40, 6))
        w = nps.asarray(p)
        s = w @ w.T
        want = p @ p.T
        assert not _resident(s)
        for k in (1, 0, -3):
            iu, il = nps.triu_indices(40, k), nps.tril_indices(40, k, 30)
            assert all(_resident(i) for i in iu + il)
            assert_same(s[iu], want[np.triu_indices(40, k)])
            assert_same(s[:, :30][il], want[:, :30][np.tril_indices(40, k, 30)])
        best = nps.argpartition(-s, 3, axis=1)[:, :3]
        got = nps.take_along_axis(s, best, axis=1)
        assert_same(got, np.take_along_axis(want, best.get(), axis=1))
        top = nps.argpartition(-s, 2, axis=0)[:2]
        assert_same(nps.take_along_axis(s, top, axis=0),
                    np.take_along_axis(want, top.get(), axis=0))
    finally:
        _restore(backend_name)


def test_scalar_operands_into_out_arrays(backend_name):
    # only ``out=`` (and ``where=``) are arrays: NumPy fills them (a size check of the
    # operands' broadcast raised a ValueError on no array operand)
    x = nps.zeros(3)
    assert nps.add(1, 2, out=x) is x
    assert_same(x, np.full(3, 3.0))
    w = nps.zeros(3)
    nps.multiply(2.0, 3.0, out=w, where=nps.asarray([True, False, True]))
    assert_same(w, np.array([6.0, 0.0, 6.0]))


def test_shortest_operator_path_is_numpys(backend_name):
    # operators and one-argument ufuncs on small driver-resident arrays and scalars take the
    # shortest path (resident.binary_here); shapes that broadcast, numpy array operands,
    # views, 0-d arrays and results wider than local_bytes take the general one
    a = RNG.random((4, 3))
    i8 = np.arange(12, dtype=np.int8).reshape(4, 3)
    x, xi, row = nps.asarray(a), nps.asarray(i8), nps.asarray(a[0])
    zero_d = nps.asarray(np.float32(2.5))
    cases = [
        (x * x, a * a), (x - 1, a - 1), (1 - x, 1 - a), (2 ** x, 2 ** a), (x / 0.5, a / 0.5),
        (xi * 3, i8 * 3), (xi + 1.5, i8 + 1.5), (xi // 2, i8 // 2), (x > 0.5, a > 0.5),
        (np.float32(2) * x, np.float32(2) * a), (x * np.int64(3), a * np.int64(3)),
        (x * row, a * a[0]), (x + a[0], a + a[0]), (x[::2] * x[1::2], a[::2] * a[1::2]),
        (x.T - x.T, a.T - a.T), (zero_d * zero_d, np.float32(2.5) * np.float32(2.5)),
        (zero_d + 1, np.float32(2.5) + 1), (-x, -a), (abs(-x), abs(-a)), (~xi, ~i8),
        (nps.sin(x), np.sin(a)), (nps.exp(zero_d), np.exp(np.float32(2.5))),
        (nps.multiply(x, 2), np.multiply(a, 2)), (nps.negative(xi), np.negative(i8)),
    ]
    for got, want in cases:
        assert _resident(got) or not _resident(x)  # (arrays of several blocks: distributed)
        assert got.shape == np.shape(want) and got.dtype == np.asarray(want).dtype
        assert_same(got, want)
    with pytest.raises(TypeError):
        x & 1  # NumPy's error: no bitwise_and for floats
    with pytest.raises(ValueError, match="could not be broadcast"):
        x + nps.ones(2)
    try:  # an int8 array at the driver's limit times a float: the result is distributed
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 4096,
                     "local_bytes": 4096})
        b = np.arange(4000, dtype=np.int8)
        y = nps.asarray(b)
        assert _resident(y)
        z = y * 1.5
        assert not _resident(z)
        assert_same(z, b * 1.5)
    finally:
        _restore(backend_name)


def test_products_of_small_arrays_are_numpys(backend_name, monkeypatch):
    """``x @ y`` of driver-resident vectors and matrices runs NumPy's matmul at once
    (resident.matmul_here): NumPy's values, dtypes and errors; a vector by a vector is a 0-d
    array; views are read as they are now."""
    from nums.core.array import resident

    a, b = RNG.random((5, 4)), RNG.random(4)
    i = np.arange(20, dtype=np.int32).reshape(4, 5)
    c = (RNG.random(4) + 1j * RNG.random(4)).astype(np.complex64)
    t = np.array([True, False, True, True])
    x, v, xi, xc, xt = (nps.asarray(m) for m in (a, b, i, c, t))
    general = []
    real = resident.numpy_call
    monkeypatch.setattr(resident, "numpy_call",
                        lambda *args, **kw: general.append(args) or real(*args, **kw))
    for got, want in ((x @ v, a @ b), (v @ v, b @ b), (v @ xi, b @ i), (xi.T @ x.T, i.T @ a.T),
                      (x.T @ x, a.T @ a), (xc @ v, c @ b), (xt @ xt, t @ t),
                      (x[1:, ::2] @ v[::2], a[1:, ::2] @ b[::2]), (a @ v, a @ b)):
        assert got.shape == np.shape(want) and got.dtype == np.asarray(want).dtype
        assert_same(got, want)
    if _resident(x):
        assert not general  # (NumPy's matmul at once)
    with pytest.raises(ValueError, match="mismatch in its core dimension"):
        x @ x
    with pytest.raises(ValueError, match="does not have enough dimensions"):
        x @ nps.asarray(2.0)


def test_inplace_operators_on_small_arrays_are_numpys(backend_name):
    # ``x op= y`` of a driver-resident root takes the shortest path (resident.inplace_here):
    # NumPy's results, casting and broadcasting errors; views see the new value
    a = RNG.random((4, 3))
    x = nps.asarray(a)
    view = x[1:, ::2]
    x += 1.0
    a += 1.0
    x *= x[::-1]  # an operand that is a view of the target: its value before the write
    a *= a[::-1].copy()
    x -= nps.asarray(a[0])  # broadcast along the rows
    a -= a[0].copy()
    assert_same(x, a)
    assert_same(view, a[1:, ::2])
    i = nps.asarray(np.arange(6))
    with pytest.raises(TypeError, match="Cannot cast ufunc"):
        i += 1.5  # NumPy's same_kind casting error
    assert_same(i, np.arange(6))
    with pytest.raises(ValueError, match="non-broadcastable output"):
        i += nps.ones((2, 6), dtype=int)
    i //= 2
    i <<= 1
    assert_same(i, (np.arange(6) // 2) << 1)
    frozen = nps.broadcast_to(nps.asarray([1.0, 2.0]), (3, 2))
    with pytest.raises(ValueError, match="read-only"):
        frozen += 1.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        z = nps.asarray(np.array([1.0, 0.0]))
        z /= 0.0
        line = sys._getframe().f_lineno - 1
    assert [str(w.message) for w in caught] == ["divide by zero encountered in divide",
                                                "invalid value encountered in divide"]
    assert caught[0].filename == __file__ and caught[0].lineno == line


def test_item_reads_and_writes_of_small_arrays_are_numpys(backend_name):
    # x[i] and x[key] = scalar of a driver-resident root take the short paths (views'
    # _resident_view, resident.assign_here): NumPy's values and errors, views see writes
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    x = nps.asarray(a)
    first, row, col = x[1, 2], x[1], x[:, 3]
    x[1, 2] = 7.9  # truncated to the integer dtype, as NumPy does
    a[1, 2] = 7.9
    x[0] = -1
    a[0] = -1
    x[2, 1:3] = nps.asarray(np.int64(40))
    a[2, 1:3] = 40
    assert_same(x, a)
    assert_same(first, np.array(6)) and first.shape == ()
    assert_same(row, a[1])
    assert_same(col, a[:, 3])
    assert int(x[-1, -1]) == a[-1, -1]
    with pytest.raises(IndexError):
        x[3, 0] = 1
    with pytest.raises(IndexError):
        x[0, 9]
    with pytest.raises(ValueError):
        x[0, 0] = float("nan")
    small = nps.asarray(np.zeros(3, dtype=np.int8))
    with pytest.raises(OverflowError):
        small[0] = 300
    f = nps.asarray(np.zeros(2))
    with pytest.raises(TypeError):
        f[0] = 1 + 2j  # NumPy refuses a Python complex
    with pytest.warns(np.exceptions.ComplexWarning):
        f[0] = np.complex128(1 + 2j)  # and casts a NumPy one, with its warning
    assert_same(f, np.array([1.0, 0.0]))
    frozen = nps.broadcast_to(nps.asarray([1.0, 2.0]), (3, 2))
    with pytest.raises(ValueError, match="read-only"):
        frozen[0, 0] = 5.0


def test_mask_and_index_writes_of_small_arrays_are_numpys(backend_name):
    # x[mask] = v and x[idx] = v with a driver-resident key (resident.assign_here): NumPy's
    # assignment, its repeated-index rule and its errors; views see the new values
    a = np.linspace(-1, 1, 12)
    x = nps.asarray(a)
    view = x[::3]
    mask, idx = nps.asarray(a > 0.2), nps.asarray(np.array([0, 5, -1, 5]))
    x[mask] = 0.5
    a[a > 0.2] = 0.5
    x[idx] = nps.asarray(np.array([1.0, 2.0, 3.0, 4.0]))  # index 5 twice: the last wins
    a[np.array([0, 5, -1, 5])] = np.array([1.0, 2.0, 3.0, 4.0])
    x[nps.asarray(np.array([1, 2]))] = 7
    a[[1, 2]] = 7
    assert_same(x, a)
    assert_same(view, a[::3])
    i = nps.asarray(np.arange(5))
    i[nps.asarray(np.array([True, False, True, False, False]))] = 2.9  # truncated
    assert_same(i, np.array([2, 1, 2, 3, 4]))
    with pytest.raises(IndexError):
        x[nps.asarray(np.array([12]))] = 1.0
    with pytest.raises(IndexError):
        x[nps.asarray(np.ones(5, dtype=bool))] = 1.0
    with pytest.raises(ValueError):
        x[mask] = nps.asarray(np.ones(2))
    assert_same(x, a)


def test_reshape_views_of_small_arrays_are_numpys(backend_name):
    # reshape and ravel of a driver-resident root: numpy's view of the value at once, then
    # synced as any view (writes through the root and through the view)
    a = np.arange(12.0)
    x = nps.asarray(a.copy())
    r, ra = x.reshape(3, 4), a.reshape(3, 4)
    f, fa = r.ravel(), ra.ravel()
    m, ma = x.reshape(2, -1), a.reshape(2, -1)
    assert_same(r, ra)
    assert_same(f, fa)
    assert_same(m, ma)
    assert r.base is x and _resident(r) == _resident(x)
    r[1, 2] = -5.0
    ra[1, 2] = -5.0
    x[0] = 7.0
    a[0] = 7.0
    assert_same(x, a)
    assert_same(r, ra)
    assert_same(f, fa)
    assert_same(m, ma)
    with pytest.raises(ValueError, match="cannot reshape"):
        x.reshape(5, 3)




def test_results_that_view_numpys_own_arrays_are_independent(backend_name):
    # np.roll of a small array is a reshape of NumPy's own new array: held as it is (no
    # copy), frozen, and independent of its operand both ways, as NumPy's result
    a = np.arange(8.0).reshape(2, 4)
    x = nps.asarray(a.copy())
    r, ra = nps.roll(x, 1), np.roll(a, 1)
    assert _resident(r)
    assert not local_value(r).flags.writeable and not local_value(r).base.flags.writeable
    x[0, 0] = 99.0
    assert_same(r, ra)
    r[1, 1] = -5.0
    ra[1, 1] = -5.0
    a[0, 0] = 99.0
    assert_same(r, ra)
    assert_same(x, a)

def test_views_of_views_of_small_arrays_are_numpys(backend_name):
    # chains of reshapes, slices and transposes of a driver-resident array (views of views
    # are made from the synced parent's value at once), then writes through any of them and
    # through the root: every array shows NumPy's values, copies stay copies
    nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**16})
    try:
        _views_of_views()
    finally:
        _restore(backend_name)


def _views_of_views() -> None:
    rng = np.random.default_rng(18)
    shapes = {24: [(4, 6), (2, 12), (3, 8), (2, 3, 4), (24,), (6, 4)]}
    assert _resident(nps.asarray(np.arange(24.0)))
    for _ in range(60):
        a = np.arange(24.0)
        pairs = [(nps.asarray(a.copy()), a)]
        for _ in range(8):  # views made after writes too: from their parent's new values
            v, va = pairs[int(rng.integers(len(pairs)))]
            op = int(rng.integers(4))
            if op == 3 and va.ndim and va.size:
                idx = tuple(int(rng.integers(n)) for n in va.shape)
                value = float(rng.integers(100, 200))
                v[idx] = value
                va[idx] = value
            elif op == 0 and va.size == 24:
                shape = shapes[24][int(rng.integers(6))]
                pairs.append((v.reshape(shape), va.reshape(shape)))
            elif op == 1 and va.ndim:
                key = tuple(slice(int(rng.integers(0, 2)), None, int(rng.integers(1, 3)))
                            for _ in range(va.ndim))
                if rng.random() < 0.3:
                    key = (int(rng.integers(va.shape[0])),) + key[1:]
                pairs.append((v[key], va[key]))
            else:
                pairs.append((v.T, va.T))
            assert_same(*pairs[-1])
        for _ in range(3):
            v, va = pairs[int(rng.integers(len(pairs)))]
            if va.ndim and va.size:
                idx = tuple(int(rng.integers(n)) for n in va.shape)
                value = float(rng.integers(100, 200))
                v[idx] = value
                va[idx] = value
        for v, va in pairs:
            assert_same(v, va)


def test_augmented_assignment_of_an_element_is_a_scalars(backend_name):
    # x[i] op= v: NumPy's element is a scalar, whose operator makes a new value that the
    # assignment then casts (x[1] *= 1.5 of integers truncates; nums refused the in-place
    # float product into an integer 0-d array)
    import operator

    cases = [(np.arange(6), 1, operator.imul, 1.5),
             (np.arange(6).reshape(2, 3), (1, 2), operator.iadd, 0.7),
             (np.array([True, False, True]), 1, operator.iadd, 1),
             (np.arange(5, dtype=np.uint8), 0, operator.isub, np.int64(1)),
             (np.arange(6.0), 2, operator.ipow, 2), (np.arange(6), 3, operator.ifloordiv, 2)]
    for a, key, op, value in cases:
        want, x = a.copy(), nps.asarray(a.copy())
        want[key] = op(want[key], value)  # what ``want[key] op= value`` does
        x[key] = op(x[key], value)
        assert_same(x, want)
    e = nps.asarray(np.arange(3))[1]
    e += 1  # a new value, as a scalar's: rebinding e
    assert int(e) == 2


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.complex128])
def test_products_with_a_small_driver_operand(backend_name, dtype, monkeypatch):
    """``A @ v``, ``A.T @ v``, ``v @ A``, ``v @ A.T``, ``A @ W`` and ``W @ A`` of a matrix in
    several blocks of columns and rows with a small driver-resident operand: computed by the
    driver from the blocks in place where it maps the stores (embedded), else one task per
    block of the result's long axis (the small operand travels inside their specs); NumPy's
    values and dtypes, a result that is driver-resident once used, and snapshots of both
    operands at the time of the product."""
    from nums.core.array import products

    submitted: list = []
    real = products.submit
    monkeypatch.setattr(products, "submit", lambda fn, *a, **k: submitted.append(fn) or real(
        fn, *a, **k))
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**16,
                     "local_bytes": 2**13})
        a = (RNG.random((48, 40)) * 10).astype(dtype)
        A = nps.array(a, block_shape=(16, 16))  # 3 x 3 blocks
        v0, u0 = (RNG.random(40) * 10).astype(dtype), (RNG.random(48) * 10).astype(dtype)
        W0 = (RNG.random((40, 3)) * 10).astype(dtype)
        v, u, W = nps.asarray(v0), nps.asarray(u0), nps.asarray(W0)
        f0 = RNG.random(40).astype(np.float32)
        cases = [(A @ v, a @ v0), (A.T @ u, a.T @ u0), (u @ A, u0 @ a), (v @ A.T, v0 @ a.T),
                 (A @ W, a @ W0), (W.T @ A.T, W0.T @ a.T), (A @ nps.asarray(f0), a @ f0)]
        one_node = context.get().settings.num_nodes == 1
        for got, expected in cases:
            before = _tasks()
            assert_same(got, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)
            if before is not None and one_node:
                assert _tasks() - before == 3  # one task per block of rows (or columns)
            if context.get().backend.blocks_in_driver_memory and one_node:
                assert not submitted
            assert _resident(got)
        w = A @ v
        A[0, 0] = -1000  # writes after the product do not reach it
        v[1] = -1000
        assert_same(w, a @ v0, rtol=1e-5 if dtype == np.float32 else 1e-12)
        with pytest.raises(ValueError, match="mismatch"):
            A @ nps.ones(39)
    finally:
        _restore(backend_name)


def test_rolled_temporaries_are_handed_over_and_reused(backend_name, monkeypatch):
    """``np.roll``'s value is a view of an array it made: a temporary of it is handed over
    by ``get()`` and written into by ``x - np.roll(x, 1)`` as a plain temporary is, while a
    roll that a name or a view still reaches keeps its values."""
    from nums.core.array import resident

    monkeypatch.setattr(resident, "ELIDE_BYTES", 0)
    reused = _count_reuse(monkeypatch)
    a = RNG.random((4, 6))
    x = nps.asarray(a)
    elides = _resident(x) and TEMPORARY_REFCOUNTS
    h = nps.roll(x, 1).get()
    assert (h.base is not None) == elides  # handed over (a copy has no base)
    h[0, 0] = -1.0
    assert h.flags.writeable
    assert_same(x, a)
    r = nps.roll(x, 2)
    got = r.get()
    got[0, 0] = -2.0
    view = r.reshape(6, 4)
    assert_same(x - nps.roll(x, 1), a - np.roll(a, 1))
    assert any(reused) == elides
    assert_same(nps.roll(x, 1, axis=1) * 2.0 + 1.0, np.roll(a, 1, axis=1) * 2.0 + 1.0)
    assert_same(r - x, np.roll(a, 2) - a)
    assert_same(r, np.roll(a, 2))
    assert_same(view, np.roll(a, 2).reshape(6, 4))
    assert_same(x, a)
