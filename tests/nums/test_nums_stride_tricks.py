"""``nums.numpy.lib`` against ``numpy.lib``: ``stride_tricks.sliding_window_view`` (values,
NumPy's errors, a read-only view that sees later writes, distributed blocks), ``as_strided``
(a view through the fallback), and the names of ``numpy.lib`` that nums re-exports."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray
from nums.core.array.planning import record
from nums.numpy.lib.stride_tricks import as_strided as nps_as_strided

RNG = np.random.default_rng(5)
A2 = RNG.standard_normal((7, 9))
A1 = np.arange(23.0)

CASES_2D = [((2, 3), None), (3, 1), (4, -2), ((2, 2), (0, 0)), ((3, 1, 2), (1, 0, 1)),
            ((7, 9), None), ((1, 1), None), (0, 0), ((2,), (-1,))]


def _swv(xp):
    return xp.lib.stride_tricks.sliding_window_view


@pytest.mark.parametrize("window_shape, axis", CASES_2D)
@pytest.mark.parametrize("block_shape", [None, (2, 2), (3, 4), (7, 1)])
def test_sliding_window_view_matches_numpy(window_shape, axis, block_shape, backend_name):
    check_against_numpy(lambda xp, a: _swv(xp)(a, window_shape, axis), A2,
                        block_shape=block_shape)


@pytest.mark.parametrize("window", [1, 2, 5, 23])
def test_one_dimensional_windows_and_their_reductions(window, backend_name):
    check_against_numpy(lambda xp, a: _swv(xp)(a, window), A1, block_shape=(4,))
    check_against_numpy(lambda xp, a: _swv(xp)(a, window).mean(axis=-1), A1, block_shape=(4,))
    check_against_numpy(lambda xp, a: _swv(xp)(a[3:-2:2], window // 2 + 1), A1,
                        block_shape=(5,))


@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.complex128, np.bool_])
def test_dtypes(dtype, backend_name):
    a = (A2 * 3).astype(dtype)
    check_against_numpy(lambda xp, a: _swv(xp)(a, (2, 3)), a, block_shape=(2, 2))


@pytest.mark.parametrize("window_shape, axis", [(-1, 0), ((8, 1), None), ((2, 2, 2), None),
                                                ((2, 2), 0), (2, 2), (2, (0, 1)), (2.5, 0),
                                                ((3,), None)])
def test_errors_as_numpy(window_shape, axis, backend_name):
    with pytest.raises(Exception) as expected:
        np.lib.stride_tricks.sliding_window_view(A2, window_shape, axis)
    x = nps.array(A2, block_shape=(2, 2))
    with pytest.raises(type(expected.value)) as got:
        nps.lib.stride_tricks.sliding_window_view(x, window_shape, axis)
    assert str(got.value) == str(expected.value)


def test_a_read_only_view_that_sees_later_writes(backend_name):
    a = A2.copy()
    x = nps.array(a, block_shape=(3, 2))
    v = nps.lib.stride_tricks.sliding_window_view(x, (2, 3))
    e = np.lib.stride_tricks.sliding_window_view(a, (2, 3))
    assert v.base is x and not v.flags.writeable and not e.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        e[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        v[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        v += 1
    assert_same(v, e)
    x[1:4, 2] = -7.0  # a write to x is seen through the windows, as in numpy
    a[1:4, 2] = -7.0
    assert_same(v, e)
    x += 1
    a += 1
    assert_same(v[2:, ::2], e[2:, ::2])
    assert nps.shares_memory(v, x) and np.shares_memory(e, a)


def test_writeable_windows_raise(backend_name):
    x = nps.array(A1, block_shape=(4,))
    with pytest.raises(NotImplementedError, match="read-only"):
        nps.lib.stride_tricks.sliding_window_view(x, 3, writeable=True)


def test_numpy_dispatch_and_inputs(backend_name):
    x = nps.array(A1, block_shape=(4,))
    got = np.lib.stride_tricks.sliding_window_view(x, 4)  # NumPy's function reaches nums's
    assert isinstance(got, BlockArray)
    assert_same(got, np.lib.stride_tricks.sliding_window_view(A1, 4))
    got = nps.lib.stride_tricks.sliding_window_view(A1, 4, subok=True)  # a NumPy array
    assert isinstance(got, BlockArray)
    assert_same(got, np.lib.stride_tricks.sliding_window_view(A1, 4))


def test_windows_stay_distributed_and_read_only_their_halo(backend_name):
    x = nps.array(A1, block_shape=(4,))
    with record() as plans:
        v = nps.lib.stride_tricks.sliding_window_view(x, 3)
        blocks = v.blocks
    assert blocks.size == v.grid.num_blocks == 6  # one block of windows per block of x
    assert v.grid.block_shape == (4, 3)
    # each task reads its own block and the next one (the halo), never all six
    reads = [len(step.inputs) for plan in plans for step in plan.steps]
    assert reads and max(reads) <= 2


def test_as_strided_is_a_view_through_the_fallback(backend_name):
    a = A1.copy()
    x = nps.array(a, block_shape=(4,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        s = nps.lib.stride_tricks.as_strided(x, (5, 3), (16, 8))
    e = np.lib.stride_tricks.as_strided(a, (5, 3), (16, 8))
    assert isinstance(s, BlockArray) and s.base is x
    assert_same(s, e)
    s[1, 1] = -1.0  # writes reach x, as numpy's view writes a
    e[1, 1] = -1.0
    assert_same(x, a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        r = nps.lib.stride_tricks.as_strided(x, (3,), (8,), writeable=False)
    with pytest.raises(ValueError, match="read-only"):
        r[0] = 1.0
    n = nps.lib.stride_tricks.as_strided(a, (2, 2), (8, 8))  # a NumPy array: NumPy's view
    assert isinstance(n, np.ndarray) and np.shares_memory(n, a)


def test_lib_names():
    lib = nps.lib
    assert lib.scimath is nps.emath
    assert lib.NumpyVersion is np.lib.NumpyVersion and lib.NumpyVersion("1.2.0") < "1.10.0"
    assert lib.mixins is np.lib.mixins and lib.array_utils is np.lib.array_utils
    assert lib.stride_tricks.broadcast_to is nps.broadcast_to
    assert set(dir(lib)) == set(lib.__all__)
    assert set(dir(lib)) <= set(np.lib.__all__)
    assert set(dir(lib.stride_tricks)) >= {"as_strided", "sliding_window_view"}
    with pytest.raises(AttributeError, match="nums.numpy.save"):
        lib.format  # noqa: B018
    with pytest.raises(AttributeError):
        lib.no_such_name  # noqa: B018


@pytest.mark.filterwarnings("ignore::nums.numpy.GatherWarning")
def test_as_strided_of_a_view_steps_through_its_base(layout):
    """NumPy's strides of a view (``a[:, 1:]``, ``a.T``, ``v[::2]``) are steps through its
    base's memory: the same elements are read, and written through to the base."""
    for xp, AS in ((np, np.lib.stride_tricks.as_strided), (nps, nps_as_strided)):
        a = xp.asarray(np.arange(12).reshape(3, 4))
        v = xp.asarray(np.arange(10.0))
        got = [AS(a[:, 1:], (3, 2), (32, 8)), AS(a.T, (4, 2), (8, 32)),
               AS(v[::2], (3, 2), (16, 16)), AS(v[2:], (3, 2), (8, 8)), AS(a[1:]),
               AS(v[3:6], (3, 2), (16, 8)), AS(a[1:2], (2, 4), (32, 8))]  # (past the view)
        s = AS(a[:, 1:], (3, 2), (32, 8))
        s[1, 0] = -1
        r = AS(v[2:5], (3,), (8,), writeable=False)  # (all the rows it reads: still read-only)
        with pytest.raises(ValueError, match="read-only"):
            r[0] = 1.0
        values = [np.asarray(g.get() if hasattr(g, "get") else g).tolist() for g in got]
        values.append(np.asarray(a.get() if hasattr(a, "get") else a).tolist())
        if xp is np:
            expected = values
        else:
            assert values == expected


@pytest.mark.parametrize("window,key", [
    (64, np.s_[::32]), (100, np.s_[5::7]), (16, np.s_[10:50]), (8, np.s_[0:3000:3]),
    (8, np.s_[::-3]), (8, np.s_[::4, 2:]), (8, np.s_[7]),
])
def test_selected_windows_are_computed_alone(layout, window, key):
    """``sliding_window_view(x, L)[::hop]`` (a framing) computes the windows kept, with
    NumPy's values; other selections as before."""
    a = np.random.default_rng(0).normal(size=3000)
    x = nps.asarray(a)
    expected = np.lib.stride_tricks.sliding_window_view(a, window)[key]
    assert_same(nps.lib.stride_tricks.sliding_window_view(x, window)[key], expected)
    a2 = np.arange(600.0).reshape(20, 30)
    x2 = nps.asarray(a2)
    for w, axis, k in (((3, 4), None, np.s_[::2, 1::3]), (5, 1, np.s_[2:9:3, ::4])):
        assert_same(nps.lib.stride_tricks.sliding_window_view(x2, w, axis)[k],
                    np.lib.stride_tricks.sliding_window_view(a2, w, axis)[k])


def test_windows_of_a_long_signal_cost_nothing_until_used(layout):
    """The view of every window of a long signal is as large as its windows (NumPy's costs
    nothing): made without a MemoryError; ``[::hop]`` of it computes; all of it refuses."""
    x = nps.zeros(10**6, block_shape=(2**17,))
    view = nps.lib.stride_tricks.sliding_window_view(x, 10**6 // 2)
    assert view.shape == (10**6 // 2 + 1, 10**6 // 2)
    if layout == "driver":  # (blocks of a MiB: 24 of them selected; "dist" would make 4e5)
        assert view[:: 10**5].shape == (6, 10**6 // 2)
        assert float(view[:: 10**5].sum()) == 0.0
        with pytest.raises(MemoryError):
            view.sum()
