"""Advanced indexing against numpy: integer arrays (lists, numpy arrays, BlockArrays) and
boolean masks, mixed with ints, slices, None and Ellipsis, for reading and for writing, with
numpy's errors; generated keys over shapes up to 4-d and several block shapes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray

# ---------------------------------------------------------------------------- key generator


def _random_key(rng: np.random.Generator, shape: tuple[int, ...], errors: bool) -> list:
    """A key spec: entries ("none",), ("ell",), ("slice", s), ("int", i) or
    ("arr", values, form, block) with form "list", "np" or "ba" (a BlockArray)."""
    ndim = len(shape)
    bdims = int(rng.choice([0, 1, 1, 1, 2, 2]))
    bshape = tuple(int(n) for n in rng.integers(1, 4, size=bdims))
    spec: list = []
    axis = 0
    ellipsis = ndim > 0 and rng.random() < 0.25
    ell_at = int(rng.integers(0, ndim + 1)) if ellipsis else -1
    ell_len = int(rng.integers(0, ndim - ell_at + 1)) if ellipsis else 0
    stop_at = ndim if rng.random() < 0.7 else int(rng.integers(0, ndim + 1))
    while axis < stop_at:
        if rng.random() < 0.12:
            spec.append(("none",))
        if axis == ell_at:
            spec.append(("ell",))
            axis += ell_len
            ell_at = -1
            continue
        n = shape[axis]
        r = rng.random()
        if r < 0.2:
            if rng.random() < 0.5:
                s = slice(None)
            else:
                start, stop = (int(v) for v in rng.integers(-n - 1, n + 2, size=2))
                s = slice(start, stop, int(rng.choice([1, 1, 2, -1, -2])))
            spec.append(("slice", s))
            axis += 1
        elif r < 0.3 and n > 0:
            spec.append(("int", int(rng.integers(-n, n))))
            axis += 1
        elif r < 0.45:
            d = 1 if rng.random() < 0.6 else int(rng.integers(1, stop_at - axis + 1))
            mask = rng.random(shape[axis:axis + d]) < 0.7
            if errors and rng.random() < 0.1:
                mask = rng.random(tuple(m + 1 for m in mask.shape)) < 0.5
            spec.append(("arr", mask, str(rng.choice(["list", "np", "ba"])), _block(rng, mask)))
            axis += d
        else:
            ishape = list(bshape[len(bshape) - int(rng.integers(min(1, len(bshape)),
                                                                 len(bshape) + 1)):])
            for i in range(len(ishape)):
                if rng.random() < 0.3:
                    ishape[i] = 1
            if errors and rng.random() < 0.05:
                ishape = ishape + [4]
            values = rng.integers(-n, max(n, 1), size=tuple(ishape)) if n else np.zeros(
                tuple(ishape), dtype=np.int64)
            if errors and rng.random() < 0.08 and values.size:
                values.flat[int(rng.integers(0, values.size))] = n if rng.random() < 0.5 else -n - 1
            form = str(rng.choice(["list", "np", "ba"])) if values.ndim else "np"
            spec.append(("arr", values, form, _block(rng, values)))
            axis += 1
    if axis == ell_at:
        spec.append(("ell",))
    if not any(e[0] == "arr" for e in spec):  # at least one advanced index
        pos = int(rng.integers(0, len(spec) + 1))
        if rng.random() < 0.2:  # a boolean scalar: a new axis of length 1 or 0
            spec.insert(pos, ("arr", np.array(bool(rng.random() < 0.7)), "np", None))
        else:
            values = rng.integers(-1, 1, size=bshape or (2,))  # valid for any axis length
            spec.insert(pos, ("arr", values, "ba", _block(rng, values)))
    return spec


def _block(rng: np.random.Generator, values: np.ndarray) -> tuple[int, ...] | None:
    if values.ndim == 0:
        return None
    return tuple(int(rng.integers(1, max(n, 1) + 1)) for n in values.shape)


def _key(xp, spec: list):
    key = []
    for e in spec:
        if e[0] == "none":
            key.append(None)
        elif e[0] == "ell":
            key.append(Ellipsis)
        elif e[0] in ("slice", "int"):
            key.append(e[1])
        else:
            _, values, form, block = e
            if form == "list":
                key.append(values.tolist())
            elif form == "ba" and xp is nps:
                key.append(nps.array(values, block_shape=block))
            else:
                key.append(values)
    return key[0] if len(key) == 1 and spec[0][0] == "arr" else tuple(key)


def _case(seed: int):
    rng = np.random.default_rng(seed)
    ndim = int(rng.integers(1, 5))
    shape = tuple(int(n) for n in rng.integers(1, 5, size=ndim))
    if rng.random() < 0.05:
        shape = shape[:-1] + (0,)
    block = tuple(int(rng.integers(1, n + 1)) if n else 1 for n in shape)
    x = rng.standard_normal(shape)
    return rng, x, block, _random_key(rng, shape, errors=rng.random() < 0.4)


SEEDS = range(150)


@pytest.mark.parametrize("seed", SEEDS)
def test_get_generated(seed):
    _, x, block, spec = _case(seed)
    check_against_numpy(lambda xp, a: a[_key(xp, spec)], x, block_shape=block)


@pytest.mark.parametrize("seed", SEEDS)
def test_set_generated(seed):
    rng, x, block, spec = _case(seed)
    try:
        sel = np.asarray(x)[_key(np, spec)].shape
    except IndexError:
        sel = ()
    kind = rng.integers(0, 3)
    if kind == 0 or not sel:
        value = float(rng.standard_normal())
    else:
        vshape = list(sel[len(sel) - int(rng.integers(0, len(sel) + 1)):])
        for i in range(len(vshape)):
            if rng.random() < 0.3:
                vshape[i] = 1
        if rng.random() < 0.1:
            vshape = vshape + [5]  # does not broadcast: numpy's ValueError
        value = rng.standard_normal(tuple(vshape))
    as_blocks = kind == 2 and isinstance(value, np.ndarray)

    def body(xp, a):
        v = nps.array(value) if as_blocks and xp is nps else value
        a[_key(xp, spec)] = v
        return a

    check_against_numpy(body, x, block_shape=block)


def _view_key(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple:
    """A basic key: per axis a slice with any step or an int, maybe a new axis."""
    key: list = []
    for n in shape:
        if n and rng.random() < 0.2:
            key.append(int(rng.integers(-n, n)))
        else:
            start, stop = (None if rng.random() < 0.5 else int(v)
                           for v in rng.integers(-n - 1, n + 2, size=2))
            key.append(slice(start, stop, int(rng.choice([1, 1, 2, -1, -2]))))
        if rng.random() < 0.15:
            key.append(None)
    return tuple(key)


@pytest.mark.parametrize("seed", range(80))
def test_set_generated_through_basic_views(seed):
    """Advanced writes into a basic-index view reach the base (and only what they select)."""
    rng = np.random.default_rng(seed + 5000)
    ndim = int(rng.integers(1, 4))
    shape = tuple(int(n) for n in rng.integers(1, 5, size=ndim))
    block = tuple(int(rng.integers(1, n + 1)) for n in shape)
    vkey = _view_key(rng, shape)
    vshape = np.zeros(shape)[vkey].shape
    if rng.random() < 0.4 and vshape:  # a view of the view
        inner = _view_key(rng, vshape)
        vkey, vshape = (vkey, inner), np.zeros(vshape)[inner].shape
    else:
        vkey = (vkey,)
    if not vshape:
        return
    spec = _random_key(rng, vshape, errors=rng.random() < 0.3)
    try:
        sel = np.zeros(vshape)[_key(np, spec)].shape
    except IndexError:
        sel = ()
    accumulate = rng.random() < 0.3
    vshape = sel[len(sel) - int(rng.integers(0, len(sel) + 1)):]
    if accumulate:  # ufunc.at: see test_ufunc_at_generated
        vshape = sel if rng.random() < 0.7 else ()
    value = rng.standard_normal(vshape)
    as_blocks = value.ndim > 0 and rng.random() < 0.5

    def body(xp, a):
        view = a
        for k in vkey:
            view = view[k]
        v = nps.array(value) if as_blocks and xp is nps else value
        if accumulate:
            xp.add.at(view, _key(xp, spec), v)
        else:
            view[_key(xp, spec)] = v
        return view

    check_against_numpy(body, rng.standard_normal(shape), block_shape=block)


# ---------------------------------------------------------------------------- named forms


@pytest.mark.parametrize("block", [(1, 1), (2, 3), (5, 2), (7, 4)])
def test_log_likelihood_pick(block, rng):
    logp = rng.standard_normal((7, 4))
    labels = rng.integers(0, 4, size=7)

    def body(xp, a):
        lab = xp.asarray(labels) if xp is nps else labels
        return a[xp.arange(7), lab]

    check_against_numpy(body, logp, block_shape=block)


@pytest.mark.parametrize("key", [
    ([0, 2], [1, 3]),
    (slice(None), [0, 2], [1, 3]),
    ([0, 2], slice(None), [1, 3]),
    (0, slice(None), [1, 2]),
    (slice(None), 0, [1, 2]),
    (np.array([[0], [2]]), [1, 3]),
    ([[0, 1], [1, 2]], Ellipsis, [[-1]]),
    (None, [0, 1], None, [2, 3]),
    (slice(None), [0, 1], Ellipsis, [0, 2]),
    (slice(1, None), [[0, 1], [1, 2]], slice(None, None, -1)),
    (True, [1, 0]),
    (slice(None), True, [0]),
    (slice(None), [0], slice(None), True),
    (False,),
])
def test_mixed_placement(key, rng):
    x = rng.standard_normal((3, 4, 5))
    check_against_numpy(lambda xp, a: a[key], x, block_shape=(2, 3, 2))


@pytest.mark.parametrize("block", [(1, 1, 1), (2, 3, 2), (3, 4, 5)])
def test_masks(block, rng):
    x = rng.standard_normal((3, 4, 5))
    m2 = rng.random((3, 4)) < 0.5
    m1 = rng.random(4) < 0.5
    for body in (
        lambda xp, a: a[a > 0],
        lambda xp, a: a[xp.asarray(m2)],
        lambda xp, a: a[:, xp.asarray(m1)],
        lambda xp, a: a[..., xp.asarray(m1), 1:3],
        lambda xp, a: a[xp.asarray(m2), [0, 4, 2, 1, 3, 0, 1, 2, 3, 4, 0, 1][:int(m2.sum())]],
        lambda xp, a: a[a[:, :, 0] > 10],
    ):
        check_against_numpy(body, x, block_shape=block)


def test_ix(rng):
    x = rng.standard_normal((5, 6, 3))
    rows, cols = [4, 0, 0, 2], np.array([True, False, True, True, False, True])

    def body(xp, a):
        return a[xp.ix_(xp.asarray(rows), xp.asarray(cols))]

    check_against_numpy(body, x, block_shape=(2, 4, 2))

    def write(xp, a):
        a[xp.ix_(xp.asarray(rows), xp.asarray(cols))] = xp.asarray(np.arange(12.0).reshape(4, 3, 1))
        return a

    check_against_numpy(write, x, block_shape=(2, 4, 2))


def _same_error(np_call, nums_call):
    """Both raise, with the same exception type and message."""
    with pytest.raises(Exception) as expected:
        np_call()
    with pytest.raises(type(expected.value)) as got:
        nums_call()
    assert str(got.value) == str(expected.value)


ERROR_KEYS = [
    ([3], [0]), ([0, 1], [4]), ([-4], slice(None)), ([[0, 1]], [0, 1, 2]),
    (np.ones((3, 3), bool),), (slice(None), np.ones(3, bool)), ([0.5],), (["a"],),
    ([0], [0], [0]), (0, [5]), (5, [0]), ([0], 7), (Ellipsis, Ellipsis, [0]),
    (np.ones((3, 4, 1), bool),), ([[0, 1]], slice(None), [0, 1, 2]), (1.0,), ("a",),
]


@pytest.mark.parametrize("key", [([5], []), ([[5]], np.zeros((0, 1), int)),
                                 (np.zeros(3, bool), [7]), (np.zeros(3, bool), [[9]])])
def test_no_bounds_check_when_nothing_is_selected(key):
    """numpy checks index bounds only when the broadcast index is not empty."""
    def body(xp, a):
        k = tuple(xp.asarray(v) if isinstance(v, np.ndarray) else v for v in key)
        got = a[k]
        a[k] = 1.0
        return got

    check_against_numpy(body, np.zeros((3, 4)), block_shape=(2, 3))


@pytest.mark.parametrize("key", ERROR_KEYS)
def test_errors(key):
    """numpy's exception type and message, for reads and writes."""
    a = np.arange(12.0).reshape(3, 4)
    x = nps.array(a, block_shape=(2, 3))

    def blocks(k):
        return tuple(nps.asarray(v) if isinstance(v, np.ndarray) else v for v in k)

    _same_error(lambda: a[key], lambda: x[blocks(key)])
    _same_error(lambda: a.__setitem__(key, 1.0), lambda: x.__setitem__(blocks(key), 1.0))


@pytest.mark.parametrize("key, value", [
    (([0, 1], [1, 2]), np.ones(3)),
    ((slice(None), [0, 1]), np.ones((3, 3))),
    (([0, 1],), np.ones((2, 4, 3))),
    ((np.arange(12).reshape(3, 4) > 3,), np.ones(3)),
    ((slice(None), [True, False, True, True]), np.ones(2)),
    ((slice(None), slice(None)), np.ones(3)),
])
def test_value_errors(key, value):
    a = np.arange(12.0).reshape(3, 4)
    x = nps.array(a, block_shape=(2, 3))
    _same_error(lambda: a.__setitem__(key, value), lambda: x.__setitem__(key, value))


def test_errors_blockarray_indices():
    """Out-of-bounds values in BlockArray indices: numpy's IndexError and message."""
    x = nps.array(np.arange(12.0).reshape(3, 4), block_shape=(2, 3))
    with pytest.raises(IndexError, match="index 4 is out of bounds for axis 1 with size 4"):
        x[nps.asarray([0, 1]), nps.asarray([3, 4])]
    with pytest.raises(IndexError, match="index -5 is out of bounds for axis 0 with size 3"):
        x[nps.asarray([-5, 1])]
    with pytest.raises(IndexError, match="shape mismatch"):
        x[nps.asarray([0, 1]), nps.asarray([0, 1, 2])]


def test_repeated_assignment_and_add_at(rng):
    x = rng.standard_normal((4, 5))
    rows, cols = [0, 1, 0, 3, 0], [2, 2, 2, 4, 2]

    def body(xp, a):
        a[xp.asarray(rows), xp.asarray(cols)] = xp.asarray(np.arange(5.0))
        return a

    check_against_numpy(body, x, block_shape=(3, 2))

    # repeated indices across chunks of a 2-d BlockArray index: numpy's C order decides
    where = np.array([[1, 3, 1], [3, 1, 3], [1, 0, 1]])

    def chunks(xp, a):
        w = nps.array(where, block_shape=(2, 2)) if xp is nps else where
        v = np.arange(9.0).reshape(3, 3)
        a[2, w] = nps.array(v, block_shape=(2, 1)) if xp is nps else v
        return a

    check_against_numpy(chunks, x, block_shape=(3, 2))

    def accumulate(xp, a):
        xp.add.at(a, (rows, cols), np.arange(5.0))
        return a

    check_against_numpy(accumulate, x, block_shape=(3, 2))


def test_advanced_read_is_a_copy(rng):
    a = rng.standard_normal((6, 5))
    x = nps.array(a, block_shape=(4, 2))
    taken = x[[0, 1, 0], [1, 2, 1]]
    masked = x[x > 0]
    view = x[0:2]
    view[...] = 99.0  # a write through a basic view after the reads
    x[:, 1] = -7.0
    assert_same(taken, a[[0, 1, 0], [1, 2, 1]])
    assert_same(masked, a[a > 0])
    taken[0] = 5.0  # and writing to the copy leaves x alone
    expected = a.copy()
    expected[0:2] = 99.0
    expected[:, 1] = -7.0
    assert_same(x, expected)
    assert taken.base is None and masked.base is None


@pytest.mark.parametrize("key", [np.array(1), (slice(None), np.array(-1)),
                                 (None, np.array(0), Ellipsis)])
def test_zero_d_integer_arrays_select_copies(key, rng):
    """numpy: a 0-d integer array selects as an int does, but the result is a copy."""
    def body(xp, a):
        k = tuple(xp.asarray(v) if isinstance(v, np.ndarray) else v for v in (
            key if isinstance(key, tuple) else (key,)))
        got = a[k]
        a[...] = -1.0
        return got, xp.shares_memory(got, a)

    check_against_numpy(body, rng.standard_normal((3, 4)), block_shape=(2, 3))


def test_index_arrays_stay_distributed(rng):
    """BlockArray indices (negative, repeated) and masks (blocked like the array or not)
    give numpy's results as BlockArrays."""
    a = rng.standard_normal((9, 4))
    x = nps.array(a, block_shape=(2, 3))
    idx = nps.array(np.array([8, -1, 3, 3, 0]), block_shape=(2,))
    got = x[idx, 1:]
    assert isinstance(got, BlockArray)
    assert_same(got, a[[8, -1, 3, 3, 0], 1:])
    mask = x > 0.2
    assert_same(x[mask], a[a > 0.2])
    assert_same(x[mask[:, 0]], a[a[:, 0] > 0.2])


# ---------------------------------------------------------------------------- flat


@pytest.mark.parametrize("key", [3, -1, slice(2, 9, 3), slice(None), [1, 5, 5, 0],
                                 np.array([[0, 11], [2, 3]]), Ellipsis])
def test_flat_get(key, rng):
    x = rng.standard_normal((3, 4))
    check_against_numpy(lambda xp, a: a.flat[key], x, block_shape=(2, 3))


@pytest.mark.parametrize("key, value", [
    (3, 7.0), (-1, 7.0), (slice(2, 9, 3), [1.0, 2.0]), ([1, 5, 5, 0], [1.0, 2.0, 3.0]),
    (slice(None), 0.5), (np.ones(12, bool), [1.0, 2.0, 3.0]), (Ellipsis, [4.0, 5.0]),
])
def test_flat_set(key, value, rng):
    x = rng.standard_normal((3, 4))

    def body(xp, a):
        a.flat[key] = value
        return a

    check_against_numpy(body, x, block_shape=(2, 3))


def test_flat_errors_and_iteration():
    x = nps.array(np.arange(6.0).reshape(2, 3), block_shape=(1, 2))
    with pytest.raises(IndexError):
        x.flat[6]
    assert list(x.flat) == list(np.arange(6.0))
    assert len(x.flat) == 6


@pytest.mark.parametrize("shape, block", [((7,), (3,)), ((3, 4), (2, 3)), ((2, 3, 4), (1, 2, 3)),
                                          ((0, 3), (1, 1))])
def test_nonzero_distributed(shape, block, rng):
    x = rng.standard_normal(shape)
    x[x < 0.3] = 0.0
    check_against_numpy(lambda xp, a: xp.nonzero(a), x, block_shape=block)
    check_against_numpy(lambda xp, a: a[xp.nonzero(a > 0.5)], x, block_shape=block)
    check_against_numpy(lambda xp, a: xp.argwhere(a), x, block_shape=block)
    check_against_numpy(lambda xp, a: xp.argwhere(a[(0,) * a.ndim]), x, block_shape=block)


@pytest.mark.parametrize("mask_axes", [(0, 2), (1, 3), (0, 1), (2, 3)])
def test_masks_blocked_like_the_array(mask_axes, rng):
    """Masks blocked as the axes they cover (each block selects its own elements, no
    linear indices) and masks blocked otherwise give the same as numpy."""
    x = rng.standard_normal((5, 6, 2, 3))
    lo, hi = mask_axes
    m = rng.random(x.shape[lo:hi]) < 0.5
    key = (slice(None),) * lo

    for block in [(2, 3, 2, 3), (5, 2, 1, 3), (2, 6, 2, 3)]:
        def body(xp, a, block=block):
            mb = nps.array(m, block_shape=block[lo:hi]) if xp is nps else m
            return a[key + (mb,)]

        check_against_numpy(body, x, block_shape=block)
    check_against_numpy(lambda xp, a: a[a[:, :, :, 0] > 0.5, 1:], x, block_shape=(2, 6, 2, 3))


@pytest.mark.parametrize("shape,block", [((6, 4, 1024), (3, 4, 256)),
                                         ((6, 4, 1024), (6, 4, 300)),
                                         ((6, 4, 1024), (6, 2, 1024)),
                                         ((60, 3000), (25, 1024)),
                                         ((3, 2, 2, 1500), (2, 2, 2, 700))])
def test_masks_of_arrays_split_after_the_first_axis_select_in_runs(shape, block, rng,
                                                                   backend_name):
    """``x[mask]`` of a mask of ``x``'s shape blocked as ``x``, split along a later axis:
    each block's selected runs, interleaved in C order (advanced.compress_runs)."""
    from nums_helpers import BACKEND_CONFIGS

    import nums
    from nums.core.array import advanced
    from nums.core.array.advanced_keys import parse

    try:  # results in blocks of 8 KiB (the suite's 64-byte blocks: thousands of them)
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**13})
        two = nps.asarray(np.zeros((3, 2, 2, 1500)), block_shape=(2, 2, 1, 700))  # 2 axes
        assert not advanced._in_runs(two, parse(two.shape, two > 0).groups[0])
        assert_same(two[two == 0], np.zeros(18000))
        for dtype in (np.float32, np.int64, np.complex128, np.bool_):
            a = (rng.standard_normal(shape) * 10).astype(dtype)
            x = nps.asarray(a, block_shape=block)
            for density in (0.0, 0.02, 0.5, 1.0):
                m = rng.random(shape) < density
                mask = nps.asarray(m, block_shape=block)
                assert advanced._in_runs(x, parse(x.shape, mask).groups[0])
                assert_same(x[mask], a[m])
            assert_same(x[x != 0], a[a != 0])  # a pending mask
    finally:
        nums.init(**{"block_bytes": 64, **BACKEND_CONFIGS[backend_name]})


def test_gathered_blocks_are_sized_for_the_result(rng, backend_name):
    """``x[:, mask]``: the mask's positions are one small block, but the result's blocks
    hold a column per position (they were as long as the positions' block: one block of
    the whole result, computed by one task)."""
    from nums_helpers import BACKEND_CONFIGS

    import nums

    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**16})
        a = rng.standard_normal((64, 8, 512))
        x = nps.asarray(a, block_shape=(64, 8, 16))
        got = x[:, x[0] > 0]  # (a mask over two axes: its positions are one block)
        assert got.grid.num_blocks > 1
        assert got.block_shape[0] * got.block_shape[1] * 8 <= 2**16
        assert_same(got, a[:, a[0] > 0])
    finally:
        nums.init(**{"block_bytes": 64, **BACKEND_CONFIGS[backend_name]})


def test_small_gathers_of_row_blocks(rng, backend_name):
    """``X[idx]`` of few rows (a minibatch) is gathered by the driver from the blocks where
    it maps them: indices sorted or not, repeated, negative, empty, with ints and slices
    after them, and NumPy's bounds error."""
    from nums_helpers import BACKEND_CONFIGS

    import nums

    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**16,
                     "local_bytes": 2**16})
        a = rng.standard_normal((64, 8))
        x = nps.asarray(a, block_shape=(16, 8))
        keys = [rng.permutation(64)[:20], np.sort(rng.permutation(64)[:20]),
                np.array([3, 3, -1, 17, 0, -64]), np.array([], np.int64),
                np.arange(16, 32), np.array([[1, 40], [63, 2]])]
        for idx in keys:
            for key in (idx, (idx, 2), (idx, slice(1, 5)), (idx, slice(None))):
                assert_same(x[key], a[key])
            assert_same(x[nps.asarray(idx)], a[idx])
        with pytest.raises(IndexError, match="out of bounds"):
            x[np.array([1, 64])]
    finally:
        nums.init(**{"block_bytes": 64, **BACKEND_CONFIGS[backend_name]})


@pytest.mark.parametrize("seed", range(40))
def test_ufunc_at_generated(seed):
    rng, x, block, spec = _case(seed + 1000)
    try:
        sel = np.asarray(x)[_key(np, spec)].shape
    except IndexError:
        sel = ()
    # ``b`` of the selection's shape or a scalar: numpy's ufunc.at reads past a smaller ``b``
    # broadcast over a multi-dimensional index (garbage values), so those are not compared
    value = rng.standard_normal(sel if rng.random() < 0.7 else ())
    as_blocks = value.ndim > 0 and rng.random() < 0.5

    def body(xp, a):
        v = nps.array(value) if as_blocks and xp is nps else value
        xp.add.at(a, _key(xp, spec), v)
        return a

    check_against_numpy(body, x, block_shape=block)


@pytest.mark.parametrize("make_view", [
    lambda a: a[1:, ::-1],
    lambda a: a.T,
    lambda a: a[None, :, 1],
    lambda a: a.reshape(3, 8),
    lambda a: a[1:][:, ::-2][None][..., 1:],
    lambda a: a[::-1, None][2:, :, 1:][:, 0],
])
def test_advanced_through_views(make_view, rng):
    """Advanced reads of a view are copies; advanced writes reach the base."""
    x = rng.standard_normal((4, 6))

    def read(xp, a):
        v = make_view(a)
        got = v[[0, -1, 0]]
        v[...] = 0.0
        return got

    def write(xp, a):
        v = make_view(a)
        v[[0, -1, 0]] = 3.0
        v[v > 0.5] = xp.asarray(7.0)
        v[[1, 0], ..., [0, 1]] = np.array([1.5, 2.5]).reshape(2, *([1] * (v.ndim - 2)))
        return a

    check_against_numpy(read, x, block_shape=(3, 4))
    check_against_numpy(write, x, block_shape=(3, 4))


@pytest.mark.parametrize("key", [True, False, (None, True), (True, None), (Ellipsis, False),
                                 np.array(True), ([True],)])
def test_zero_dimensional(key):
    def read(xp, a):
        return a[key]

    def write(xp, a):
        a[key] = 7.0
        return a

    def accumulate(xp, a):
        xp.add.at(a, key, 2.0)
        return a

    for body in (read, write, accumulate):
        check_against_numpy(body, np.array(5.0))


# ---------------------------------------------------------------------------- sequences

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.data())
def test_random_reads_and_writes_with_views(data):
    """Random sequences of basic views, advanced reads (copies) and advanced writes (through
    views too): after every step every array taken so far equals numpy's."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    ndim = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.integers(1, 5)) for _ in range(ndim))
    block = tuple(data.draw(st.integers(1, n)) for n in shape)
    base = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    pool = [(base.copy(), nps.array(base, block_shape=block))]
    for _ in range(data.draw(st.integers(1, 6))):
        e, g = pool[data.draw(st.integers(0, len(pool) - 1))]
        action = data.draw(st.sampled_from(["view", "read", "write", "add_at"]))
        if e.ndim == 0 or action == "view":
            if e.ndim:
                key = tuple(slice(None, None, int(rng.choice([1, -1, 2]))) for _ in e.shape)
                pool.append((e[key], g[key]))
            continue
        spec = _random_key(rng, e.shape, errors=False)
        try:
            sel = e[_key(np, spec)]
        except IndexError:
            continue
        if action == "read":
            pool.append((sel, g[_key(nps, spec)]))
        elif action == "write":
            value = rng.standard_normal(sel.shape[len(sel.shape) - int(rng.integers(
                0, sel.ndim + 1)):])
            e[_key(np, spec)] = value
            g[_key(nps, spec)] = value
        else:
            np.add.at(e, _key(np, spec), 1.0)
            nps.add.at(g, _key(nps, spec), 1.0)
        for ei, gi in pool:
            assert_same(gi, ei)


@pytest.mark.parametrize("key", [(slice(1, None, -1), slice(-4, None, -1)),
                                 (slice(-5, None, -2),), (slice(None), slice(-4, -9, -1))])
def test_empty_reversed_slices(key, rng):
    """Negative-step slices that select nothing (``slice.indices`` starts them at -1)."""
    def body(xp, a):
        view = a[key]
        view[...] = 1.0
        return view, a[key + (Ellipsis,)].shape

    check_against_numpy(body, rng.standard_normal((2, 3, 1)), block_shape=(1, 2, 1))


@pytest.mark.parametrize("index_block, value_block", [(5, 5), (7, 7), (40, 40), (6, 4)])
def test_vector_at_blockarray_indices_bit_for_bit(index_block, value_block, rng):
    """A 1-d array at a 1-d BlockArray index with many repeats, every block of them on the
    same node or not: ``x[idx]``, ``x[idx] = v`` (the last repeat wins) and ``ufunc.at``
    (repeats accumulate in the index's order) give NumPy's values bit for bit."""
    n = 23
    x = rng.standard_normal(n)
    idx = rng.integers(-n, n, 40)
    vals = rng.standard_normal(40)

    def blocked():
        return nps.array(x, block_shape=(4,))

    index = nps.array(idx, block_shape=(index_block,))
    values = nps.array(vals, block_shape=(value_block,))
    assert np.array_equal(blocked()[index].get(), x[idx])
    for name in ("add", "subtract", "multiply", "maximum"):
        a, got = x.copy(), blocked()
        getattr(np, name).at(a, idx, vals)
        getattr(nps, name).at(got, index, values)
        assert np.array_equal(got.get(), a), name
    a, got = x.copy(), blocked()
    np.add.at(a, idx, 1.5)
    nps.add.at(got, index, 1.5)
    assert np.array_equal(got.get(), a)
    a, got = x.copy(), blocked()
    a[idx] = vals
    got[index] = values
    assert np.array_equal(got.get(), a)
    got = blocked()
    with pytest.raises(IndexError, match="index 23 is out of bounds for axis 0 with size 23"):
        nps.add.at(got, nps.array(np.array([0, 23, 1]), block_shape=(2,)), 1.0)
    assert np.array_equal(got.get(), x)  # nothing written


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int8, np.bool_, np.complex128,
                                   "M8[s]", [("a", "i4"), ("b", "f8"), ("c", "i8")]])
def test_random_gather_across_many_blocks(dtype, rng):
    """``x[idx]`` of a 1-d array with a random index over many blocks, repeated and negative
    indices, and a BlockArray index. Blocks of 128 KiB and more live in the store of the
    embedded runtime, where they are read through one view of its segment (structured items
    of 20 bytes, when not at a multiple of 20 bytes there, take the general path)."""
    size = np.dtype(dtype).itemsize
    bs = (1 << 17) // size + 7
    a = (rng.random(5 * bs) * 100).astype(np.int64).astype(dtype)
    x = nps.array(a, block_shape=(bs,))
    idx = rng.integers(-a.size, a.size, 20_000)
    assert_same(x[nps.array(idx, block_shape=(7_000,))], a[idx])
    idx = idx[:600]  # a NumPy index is split in the tests' small blocks
    assert_same(x[idx], a[idx])
    assert_same(x[idx[:1]], a[idx[:1]])


@pytest.mark.parametrize("dtype,ncols", [(np.float64, 8), (np.float64, 3), (np.int8, 5),
                                         (np.complex64, 2), (np.bool_, 1)])
def test_random_row_gather_across_many_blocks(dtype, ncols, rng):
    """``x[idx]`` and ``x[idx, 1:]`` of a 2-d array with a random index over many blocks of
    rows; blocks of 128 KiB and more live in the store of the embedded runtime, where whole
    rows are read through one view of its segment when the blocks lie a whole number of
    rows apart there (else, and for ``x[:, idx]``, the general path)."""
    row = np.dtype(dtype).itemsize * ncols
    bs = (1 << 17) // row + 3
    a = (rng.random((4 * bs, ncols)) * 100).astype(dtype)
    x = nps.array(a, block_shape=(bs, ncols))
    idx = rng.integers(-a.shape[0], a.shape[0], 20_000)
    assert_same(x[nps.array(idx, block_shape=(7_000,))], a[idx])
    idx = idx[:600]  # a NumPy index is split in the tests' small blocks
    assert_same(x[idx], a[idx])
    assert_same(x[idx, -1:], a[idx, -1:])
    assert_same(x[:, idx[:ncols] % ncols], a[:, idx[:ncols] % ncols])


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.complex128])
def test_scatter_into_store_blocks(dtype, rng):
    """``np.add.at``, ``np.maximum.at`` and assignment of a 1-d array of several blocks of
    128 KiB and more at a BlockArray index (repeated entries) blocked like its values (on
    the embedded runtime: one task per run of blocks reads every pair in place). NumPy's
    results bit for bit (repeats accumulate in the index's order; of repeated assignments
    the last wins)."""
    bs = (1 << 17) // np.dtype(dtype).itemsize + 5
    n = 5 * bs
    base = (rng.random(n) * 100).astype(dtype)
    idx = rng.integers(0, n, 60_000)
    idx[::7] = idx[3]  # many repeats of one position
    vals = (rng.random(60_000) * 10).astype(dtype)
    for op in ("add", "maximum", "set"):
        want = base.copy()
        x = nps.array(base, block_shape=(bs,))
        i = nps.array(idx, block_shape=(20_000,))
        v = nps.array(vals, block_shape=(20_000,))
        if op == "set":
            want[idx] = vals
            x[i] = v
        elif op == "maximum" and dtype is np.complex128:
            continue
        else:
            getattr(np, op).at(want, idx, vals)
            getattr(nps, op).at(x, i, v)
        np.testing.assert_array_equal(x.get(), want)


def test_out_of_range_python_ints_raise_even_when_nothing_is_selected():
    # NumPy converts the value first: -1 into uint8 is its OverflowError for any key
    a = np.arange(30, dtype=np.uint8).reshape(6, 5)
    for key in [(np.array([], dtype=int), np.array([False, True, True, True, True])),
                (np.array([], dtype=int),), (slice(0, 0),), (np.zeros(6, bool),)]:
        x = nps.asarray(a, block_shape=(4, 3))
        for value in (-1, 300):
            with pytest.raises(OverflowError):
                x[key] = value
        b = a.copy()
        try:
            b[key] = 7
        except IndexError:  # (the first key's arrays do not broadcast together)
            with pytest.raises(IndexError):
                x[key] = 7
            continue
        x[key] = 7
        assert_same(x, b)


def test_object_arrays_gather_rows_and_keep_array_elements(layout):
    """Rows of an object array gathered by integer arrays (over many blocks), and an
    element that is itself an array, as NumPy gives them."""
    o = np.arange(200).reshape(40, 5).astype(object)
    x = nps.asarray(o)
    for key in ([1, 30], [0, 19, 39], np.array([3, 17])):
        assert_same(x[key], o[key])
        assert_same(nps.take(x, key, axis=0), np.take(o, key, axis=0))
    assert_same(x[[0, 19], 1:], o[[0, 19], 1:])
    r, a = nps.asarray(o.copy()), o.copy()
    r[[0, 19]] = r[[19, 0]]
    a[[0, 19]] = a[[19, 0]]
    assert_same(r, a)
    e = np.empty(4, dtype=object)
    e[:] = [np.arange(2), [1, 2, 3], (4,), None]
    y = nps.asarray(e)
    np.testing.assert_array_equal(y[0], e[0])
    assert y[1] == [1, 2, 3] and y[2] == (4,) and y[3] is None
