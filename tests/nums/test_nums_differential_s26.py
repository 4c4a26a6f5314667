"""Differences from NumPy found by differential programs (dates and calendars, integer
puzzles, aliasing and ``out=``), each checked in both layouts: every array split into small
blocks, and small arrays held in the driver."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps

# ------------------------------------------------------------------ dates without a unit


@pytest.mark.parametrize("make", [
    lambda xp: xp.arange("2024-01-01", "2024-01-20", dtype="datetime64[D]").astype("M8"),
    lambda xp: xp.asarray(xp.arange("2024-01-01", "2024-01-20", dtype="M8[h]"), dtype="M8"),
    lambda xp: xp.array(xp.arange(0, 40, 3, dtype="m8[s]"), dtype="timedelta64"),
    lambda xp: xp.array(["2024-01-01"] * 5 + ["NaT"] * 6 + ["2024-01-01T05:00"] * 4).astype(
        "M8"),
    lambda xp: xp.array(["NaT"] * 9).astype("M8"),
    lambda xp: xp.array(["2024-01-01", "NaT"] * 6, dtype=object).astype("M8"),
    lambda xp: xp.arange(13).astype("m8"),
], ids=["dates", "asarray", "durations", "text", "all NaT", "objects", "numbers"])
def test_a_date_dtype_without_a_unit_takes_numpys_unit(layout, make):
    expected = make(np)
    got = make(nps)
    assert got.dtype == expected.dtype
    assert_same(got, expected)


@pytest.mark.parametrize("make", [
    lambda xp: xp.zeros(13, dtype="M8"), lambda xp: xp.ones((3, 5), "M8"),
    lambda xp: xp.zeros(7, "m8"), lambda xp: xp.full(13, 3, "m8"),
])
def test_filled_dates_without_a_unit_are_numpys(layout, make):
    expected, got = make(np), make(nps)
    assert got.dtype == expected.dtype
    assert_same(got.get().view(np.int64), expected.view(np.int64))
    assert nps.empty(11, "M8").dtype == np.empty(11, "M8").dtype  # (values: not NumPy's)


# ------------------------------------------------------- business days of scalar dates


def test_business_day_functions_of_scalars_give_numpys_scalars(layout):
    def calls(xp):
        hol = xp.array(["2024-01-01", "2024-01-15"], dtype="M8[D]")
        day = xp.busday_offset("2024-01-01", 3)
        return [day, xp.datetime64(day, "s"), xp.is_busday("2024-01-04", holidays=[day]),
                xp.is_busday(np.datetime64("2024-01-06"), weekmask="1111111"),
                xp.busday_count("2024-01-01", "2024-03-01", holidays=list(hol)),
                xp.busday_count("2024-01-01", "2024-03-01", holidays=[hol[0], hol[1]]),
                xp.busday_offset("2024-01-06", 1, roll="forward"),
                xp.datetime_as_string(np.datetime64("2024-01-02")).replace("-", "/")]

    expected, got = calls(np), calls(nps)
    for g, e in zip(got, expected):
        assert type(g) is type(e) and g == e
    with pytest.raises(ValueError):
        nps.busday_offset("2024-01-06", 1)  # a Saturday, rolled "raise": NumPy's error


# ------------------------------------------------------------------ outputs that overlap


@pytest.mark.parametrize("body", [
    lambda xp, q: xp.divmod(q, 4, out=(q, q)),
    lambda xp, q: xp.modf(q / 4, out=(q, q)),
    lambda xp, q: xp.divmod(q[1:], 4, out=(q[:-1], q[1:])),
    lambda xp, q: xp.frexp(q, out=(q, xp.zeros(q.shape, np.int32))),
], ids=["divmod same", "modf same", "divmod shifted", "frexp"])
def test_overlapping_outputs_keep_the_first_ones_values(layout, body):
    q_np, q = np.arange(13.0), nps.arange(13.0)
    body(np, q_np)
    body(nps, q)
    assert_same(q, q_np)


@pytest.mark.parametrize("call", [
    lambda xp, y: xp.add(y, 1, out=y, where=False),
    lambda xp, y: xp.negative(y, out=y, where=False),
    lambda xp, y: xp.divmod(y, 2, out=(xp.zeros(13), y), where=False),
])
def test_a_read_only_out_is_refused_even_where_nothing_is_written(layout, call):
    for xp in (np, nps):
        y = xp.arange(13.0)
        y.flags.writeable = False
        with pytest.raises(ValueError, match="read-only"):
            call(xp, y)


# --------------------------------------------------- np.place reads values as it writes


@pytest.mark.parametrize("body", [
    lambda xp, x: xp.place(x, x % 2 == 1, x),
    lambda xp, x: xp.place(x, x % 2 == 1, x[::-1]),  # (not contiguous: NumPy copies it)
    lambda xp, x: xp.place(x, x > 3, x[2:5]),
    lambda xp, x: xp.place(x, x < 30, x[4:]),
    lambda xp, x: xp.place(x[::2], xp.ones(20, bool), x[1:]),  # (a copy of x[::2] written)
    lambda xp, x: xp.place(x, x % 3 == 0, x.astype(np.float32)),
    lambda xp, x: xp.place(x.reshape(5, 8), x.reshape(5, 8) % 3 == 0, x.reshape(5, 8).T),
    lambda xp, x: xp.place(x.reshape(5, 8)[:, 1:], x.reshape(5, 8)[:, 1:] > 2, x[:8]),
    lambda xp, x: xp.place(x, x > 5, x[::3].copy()),
], ids=["itself", "reversed", "window", "shifted", "strided target", "other dtype",
        "transposed", "columns", "copy"])
def test_place_with_values_that_share_the_array_is_numpys(layout, body):
    x_np, x = np.arange(40.0), nps.arange(40.0)
    body(np, x_np)
    body(nps, x)
    assert_same(x, x_np)


def test_place_reads_values_written_earlier_in_a_chain(layout):
    # each value read is the one written a step before: a chain through the whole array
    mask = np.ones(50, bool)
    mask[0] = False
    x_np = np.arange(50)
    np.place(x_np, mask, x_np)
    x = nps.arange(50)
    nps.place(x, mask, x)
    assert_same(x, x_np)
    assert (x_np[1:] == 0).all()


# -------------------------------------------------------------- generalized ufuncs


@pytest.mark.parametrize("name", ["matmul", "vecdot", "matvec", "vecmat"])
def test_generalized_ufuncs_are_ufuncs_as_numpys(name):
    ours, theirs = getattr(nps, name), getattr(np, name)
    assert isinstance(ours, nps.ufunc)
    for attr in ("nin", "nout", "nargs", "identity", "signature", "ntypes"):
        assert getattr(ours, attr) == getattr(theirs, attr)
    x = np.arange(1.0, 10.0).reshape(3, 3)
    v = np.arange(3.0)
    args = {"matmul": (x, x), "vecdot": (v, v), "matvec": (x, v), "vecmat": (v, x)}[name]
    assert_same(ours(*[nps.array(a) for a in args]), theirs(*args))
    for method, margs in [("reduce", (x,)), ("accumulate", (x,)), ("reduceat", (x, [0])),
                          ("outer", (x, x)), ("at", (x, [0], x))]:
        with pytest.raises(Exception) as expected:
            getattr(theirs, method)(*margs)
        with pytest.raises(expected.type):
            getattr(ours, method)(*[nps.array(a) if isinstance(a, np.ndarray) else a
                                    for a in margs])


# --------------------------------------------------- memory order after a write via .T


@pytest.mark.parametrize("write", [
    lambda b: b.T.flat.__setitem__(0, 100),
    lambda b: b.swapaxes(0, 1).flat.__setitem__([0, 2], 100),
])
def test_a_write_through_a_transpose_keeps_the_arrays_memory_order(layout, write):
    b_np = np.arange(6).reshape(2, 3) * 1
    b = nps.arange(6).reshape(2, 3) * 1
    write(b_np)
    write(b)
    assert_same(b, b_np)
    assert b.tobytes(order="A") == b_np.tobytes(order="A")
    assert nps.copy(b, order="K").get().flags.c_contiguous


def test_pad_with_mode_keywords_of_a_driver_array_gives_no_gather_warning(layout):
    import warnings

    v = nps.arange(13) * 3 - 7
    with warnings.catch_warnings():
        # (distributed, an odd reflection wider than the axis is NumPy's, with the warning)
        warnings.simplefilter("error" if layout == "driver" else "ignore")
        got = nps.pad(v, (30, 31), mode="reflect", reflect_type="odd")
    assert_same(got, np.pad(np.arange(13) * 3 - 7, (30, 31), mode="reflect",
                            reflect_type="odd"))


@pytest.mark.parametrize("values", [[3, 4], [3.0, 4.0], [], list(range(13)), [[3, 4], [1, 2]]],
                         ids=["ints", "floats", "empty", "13", "matrix"])
def test_norm_of_objects_is_numpys(layout, values):
    a = np.array(values, dtype=object)
    assert_same(nps.linalg.norm(nps.array(a)), np.linalg.norm(a))


# ------------------------------------------------------------- files are read at the call


@pytest.fixture
def big_blocks_session(backend_name):
    """A session where a small file becomes many blocks read by tasks (none kept in the
    driver), the suite's own session again afterwards."""
    from nums_helpers import BACKEND_CONFIGS as _CONFIGS
    from nums_helpers import BLOCK_BYTES

    import nums

    nums.init(**{**_CONFIGS[backend_name], "block_bytes": 4096, "local_bytes": 0})
    try:
        yield
    finally:
        nums.init(**{"block_bytes": BLOCK_BYTES, **_CONFIGS[backend_name]})


def test_a_file_read_then_overwritten_keeps_what_was_read(tmp_path, big_blocks_session):
    path = str(tmp_path / "x.npy")
    values = np.arange(120_000.0).reshape(1200, 100)
    for _ in range(3):
        np.save(path, values)
        w = nps.load(path)
        w *= 2
        nps.save(path, w)  # the same path: NumPy's load had read it before
        assert_same(np.load(path), 2 * values)
    raw = str(tmp_path / "t.bin")
    np.arange(4801.0).tofile(raw)
    for _ in range(3):
        t = nps.fromfile(raw)
        (t + 1).tofile(raw)
    assert_same(np.fromfile(raw), np.arange(4801.0) + 3)
    np.save(path, values)
    y = nps.load(path)
    import os

    os.remove(path)  # gone: the array holds what was read
    assert_same(y, values)


def test_fromfile_of_a_subarray_dtype_and_its_count(layout, tmp_path):
    path = str(tmp_path / "a.bin")
    np.arange(39, dtype=np.float32).tofile(path)
    for kwargs in ({}, {"count": 5}, {"count": 0}, {"offset": 12}):
        expected = np.fromfile(path, dtype=("f4", (3,)), **kwargs)
        got = nps.fromfile(path, dtype=("f4", (3,)), **kwargs)
        assert_same(got, expected)
        if expected.size:
            assert_same(got[:, 1].sum(), expected[:, 1].sum())
    with pytest.raises(TypeError):
        nps.fromfile(path, dtype=np.float32, count=2.5)


# ------------------------------------------------------------ memory order of views


@pytest.mark.parametrize("view", [
    lambda m, z: m[::-1], lambda m, z: m.T, lambda m, z: m[1:6:2, ::2].T,
    lambda m, z: m[:, :2].T, lambda m, z: z.transpose(2, 0, 1)[::-1, :, ::2],
    lambda m, z: z[:, ::-1].swapaxes(0, 2), lambda m, z: z.reshape(-1)[::7],
], ids=["reversed", "T", "strided T", "columns T", "3-d", "swapped", "sparse"])
def test_nditer_and_tobytes_read_views_in_numpys_memory_order(layout, view):
    m_np, z_np = np.arange(6).reshape(2, 3), np.arange(24.0).reshape(2, 3, 4)
    expected = view(m_np, z_np)
    got = view(nps.arange(6).reshape(2, 3), nps.arange(24.0).reshape(2, 3, 4))
    assert [x.item() for x in nps.nditer(got)] == [x.item() for x in np.nditer(expected)]
    it_np, it = np.nditer(expected, flags=["multi_index"]), nps.nditer(got, flags=["multi_index"])
    assert [it.multi_index for _ in it] == [it_np.multi_index for _ in it_np]
    for order in "CFA":
        assert got.tobytes(order) == expected.tobytes(order)


@pytest.mark.parametrize("args", [(0, 3j), (0, 5, 1 + 0j), (1j, 5j, 1j), (0, 5 + 1j, 1),
                                  (0, 20 + 20j, 1 + 1j), (1 + 2j, 30 + 40j, 2 + 3j)])
def test_complex_ranges_are_numpys(layout, args):
    assert_same(nps.arange(*args), np.arange(*args))


def test_hex_of_float_elements_is_numpys(layout):
    x_np, x = np.linspace(0, 3, 13), nps.linspace(0, 3, 13)
    assert x[1].hex() == x_np[1].hex()
    assert x[5].fromhex("0x1p-2") == x_np[5].fromhex("0x1p-2")
    for bad in (lambda a: a.hex(), lambda a: a.astype(np.int64)[0].hex()):
        with pytest.raises(AttributeError):
            bad(x_np)
        with pytest.raises(AttributeError):
            bad(x)


# ------------------------------------------------------------- casts of written values


def test_a_cast_that_raises_under_errstate_raises_at_the_write(layout):
    for xp in (np, nps):
        t = xp.arange(70)
        with np.errstate(invalid="raise"):
            with pytest.raises(FloatingPointError):
                t[0:2] = xp.array([np.nan, 1.0])
        t[3:5] = xp.array([2.7, -3.9])  # the array is still usable, its values NumPy's
        assert [int(v) for v in t[2:6]] == [2, 2, -3, 5]


def test_a_numpy_array_written_warns_of_its_cast_at_the_write(layout):
    import warnings

    t = nps.arange(70)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        t[0:2] = np.array([np.nan, 1.0])
    assert [str(w.message) for w in seen] == ["invalid value encountered in cast"]
    assert seen[0].filename == __file__
    assert int(t[1]) == 1


# ---------------------------------------------------------------- sorting and counting


@pytest.mark.parametrize("call", [
    lambda xp, x: xp.partition(x, True), lambda xp, x: xp.argpartition(x, np.True_),
    lambda xp, x: xp.partition(x, xp.array([True, False])), lambda xp, x: x.partition(False),
])
def test_a_boolean_kth_is_refused_in_every_layout(layout, call):
    for xp in (np, nps):
        with pytest.raises(ValueError, match="Booleans"):
            call(xp, xp.arange(20.0)[::-1])


def test_bincount_weights_of_both_infinities_make_nan_quietly(layout):
    import warnings

    w = np.zeros(100)
    w[3], w[90] = np.inf, -np.inf
    c = np.zeros(100, dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = nps.bincount(nps.array(c), weights=nps.array(w))
    assert_same(got, np.bincount(c, weights=w))


# ------------------------------------------------------------------------- random


def test_a_saved_generator_state_set_again_repeats_array_draws(layout):
    import copy
    import pickle

    g = nps.random.default_rng(3)
    saved = g.bit_generator.state
    first = [g.random(50).get(), g.random(), g.normal(size=(7, 3)).get(), g.spawn(1)[0].random(4)]
    g.bit_generator.state = saved
    again = [g.random(50).get(), g.random(), g.normal(size=(7, 3)).get(), g.spawn(1)[0].random(4)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    numpys = np.random.PCG64()
    numpys.state = saved  # (NumPy's own bit generator takes it)
    twins = (copy.deepcopy(g), pickle.loads(pickle.dumps(g)))
    expected = g.random(5).get()
    for twin in twins:
        np.testing.assert_array_equal(twin.random(5).get(), expected)
        kept = twin.bit_generator.state
        drawn = twin.random(6).get()
        twin.bit_generator.state = kept
        np.testing.assert_array_equal(twin.random(6).get(), drawn)


@pytest.mark.parametrize("call", [
    lambda r: r.random(True), lambda r: r.random((True, 2)), lambda r: r.normal(size=True),
    lambda r: r.integers(5, size=True), lambda r: r.choice(5, size=True),
])
def test_a_boolean_size_is_numpys_type_error(layout, call):
    for xp in (np, nps):
        with pytest.raises(TypeError):
            call(xp.random.default_rng(1))


def test_multinomial_takes_one_float_count_as_numpy(layout):
    for xp in (np, nps):
        rng = xp.random.default_rng(1)
        assert int(rng.multinomial(10.0, [0.5, 0.5]).sum()) == 10
        assert [int(v) for v in rng.multinomial(7.9, [0.5, 0.5], size=3).sum(axis=1)] == [7] * 3
        with pytest.raises(TypeError):
            xp.random.set_state("x")
