"""Which results share their input's memory, as NumPy's do: a write to the input later is
seen through a view or the input itself returned, and never through a copy (found by a
differential fuzz of programs that mutate arrays after using them)."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps

A = np.arange(24.0).reshape(2, 3, 4)
M = np.array([[3.0, 1.0, 2.0], [6.0, 5.0, 4.0]])

CALLS = {
    "ascontiguousarray of .T": lambda xp, x: xp.ascontiguousarray(x.T),
    "ascontiguousarray of [:, ::2]": lambda xp, x: xp.ascontiguousarray(x[:, ::2]),
    "ascontiguousarray": lambda xp, x: xp.ascontiguousarray(x),
    "asfortranarray": lambda xp, x: xp.asfortranarray(x),
    "asfortranarray of .T": lambda xp, x: xp.asfortranarray(x.T),
    "asfortranarray of a row": lambda xp, x: xp.asfortranarray(x[0]),
    "asarray order F": lambda xp, x: xp.asarray(x, order="F"),
    "asarray order C of .T": lambda xp, x: xp.asarray(x.T, order="C"),
    "asarray order A of [:, ::2]": lambda xp, x: xp.asarray(x[:, ::2], order="A"),
    "asarray order K of .T": lambda xp, x: xp.asarray(x.T, order="K"),
    "require C of .T": lambda xp, x: xp.require(x.T, requirements="C"),
    "require F": lambda xp, x: xp.require(x, requirements=["F"]),
    "array copy=None order F": lambda xp, x: xp.array(x, copy=None, order="F"),
    "array order F": lambda xp, x: xp.array(x, order="F"),
    "copy order K": lambda xp, x: xp.copy(x, order="K"),
    "method copy order F": lambda xp, x: x.copy(order="F"),
    "astype order F": lambda xp, x: x.astype(np.float32, order="F"),
    "resize to fewer": lambda xp, x: xp.resize(x, 4),
    "resize to its shape": lambda xp, x: xp.resize(x, (2, 3)),
    "meshgrid": lambda xp, x: xp.meshgrid(x[0], x[1])[0],
    "meshgrid sparse": lambda xp, x: xp.meshgrid(x[0], x[1], sparse=True)[1],
    "diff n=0": lambda xp, x: xp.diff(x, n=0),
    "matrix_power 1": lambda xp, x: xp.linalg.matrix_power(x[:, :2], 1),
    "einsum ij->ji": lambda xp, x: xp.einsum("ij->ji", x),
    "einsum ij": lambda xp, x: xp.einsum("ij", x),
    "ravel K of .T": lambda xp, x: x.T.ravel("K"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_results_share_memory_with_their_input_as_numpy(name):
    for block_shape in (None, (1, 2)):
        expected_in = M.copy()
        expected = CALLS[name](np, expected_in)
        x = nps.asarray(M.copy(), block_shape=block_shape)
        got = CALLS[name](nps, x)
        for arr in (expected_in, x):
            arr[0, 1] = -9.0  # a write to the input after the call
            if arr is x:
                x.sort(axis=1)
            else:
                arr.sort(axis=1)
        assert_same(got, np.array(expected))


def test_memory_orders_of_ravel_flatten_and_reshape():
    views = {"T": lambda v: v.T, "axes 1, 0, 2": lambda v: v.transpose(1, 0, 2),
             "reversed rows": lambda v: v[:, ::-1], "reversed then T": lambda v: v[::-1].T,
             "strided T": lambda v: v[:, :, ::2].T, "swapped": lambda v: v.swapaxes(0, 2)}
    for view in views.values():
        for order in "CAKF":
            for fn in ("ravel", "flatten"):
                got = getattr(view(nps.asarray(A, block_shape=(1, 2, 3))), fn)(order)
                assert_same(got, getattr(view(A), fn)(order))
        for order in "CAF":
            assert_same(view(nps.asarray(A, block_shape=(1, 2, 3))).reshape(-1, order=order),
                        view(A).reshape(-1, order=order))
    with pytest.raises(ValueError, match="not permitted"):
        nps.asarray(A).reshape(-1, order="K")
    with pytest.raises(ValueError, match="order must be one of"):
        nps.asarray(A, order="X")


def test_select_default_is_weak_and_copyto_drops_leading_unit_axes():
    c, f = np.array([True, False]), np.array([1.0, 2.0], np.float32)
    for default in (0, 0.5, np.float64(0.5), 1j):
        assert_same(nps.select([nps.asarray(c)], [nps.asarray(f)], default=default),
                    np.select([c], [f], default=default))
    y = nps.zeros(7)
    nps.copyto(y, nps.asarray(np.arange(7.0))[None, None])
    assert_same(y, np.arange(7.0))


def test_setflags():
    x = nps.zeros(5, block_shape=(2,))
    x.setflags(write=False)
    with pytest.raises(ValueError, match="read-only"):
        x[0] = 1
    x.setflags(write=True)  # an array that owns its data may be made writeable again
    x[0] = 1
    assert_same(x, np.array([1.0, 0, 0, 0, 0]))
    with pytest.raises(ValueError, match="WRITEBACKIFCOPY"):
        x.setflags(uic=True)


def test_writeable_flag_set_on_writeable_arrays_and_views(layout):
    """Making a writeable array writeable does nothing, as in NumPy (nums raised for fresh
    arrays and results, whose stand-ins refused the flag)."""
    for x in (nps.zeros(6), nps.arange(5.0) + 1, nps.array(1.0), nps.zeros((3, 4)).T,
              nps.zeros(6)[1:4]):
        x.setflags(write=True)
        x.flags.writeable = True
        assert x.flags.writeable
        x[...] = 2
        x.setflags(write=False)
        with pytest.raises(ValueError, match="read-only"):
            x[...] = 3
        x.setflags(write=True)
        x[...] = 4
        assert_same(x, np.full(x.shape, 4.0))
    with pytest.raises(ValueError):
        nps.broadcast_to(nps.arange(4), (3, 4)).setflags(write=True)


def test_item_fetches_one_element_with_numpys_errors(layout):
    a = np.arange(24.0).reshape(4, 6)
    x = nps.asarray(a)
    for args in [(5,), (-1,), (23,), (1, 2), ((1, 2),), (-1, -1), (np.int64(3),)]:
        assert x.item(*args) == a.item(*args) and type(x.item(*args)) is float
    assert x[::2, 1::3].item(3) == a[::2, 1::3].item(3)
    for args, error in [((), ValueError), ((24,), IndexError), ((-25,), IndexError),
                        ((4, 0), IndexError), ((1, 2, 3), ValueError), ((1.5,), TypeError)]:
        with pytest.raises(error):
            x.item(*args)
    o = nps.array(np.array([[1, "a"], [None, [2]]], dtype=object))
    assert o.item(1, 1) == [2] and o.item(1) == "a"
    assert nps.arange("2024-01-01", "2024-01-09", dtype="M8[D]").item(3) == np.datetime64(
        "2024-01-04").item()


def test_pickled_arrays_load_as_their_values(layout):
    """``pickle`` (multiprocessing, joblib) of an array, a view or a result stores its values,
    as NumPy's; nums raised TypeError."""
    import pickle

    a = np.arange(12.0).reshape(3, 4)
    x = nps.asarray(a)
    for got, want in [(x, a), (x[::2, 1:], a[::2, 1:]), (x.T, a.T), (x * 2, a * 2),
                      (nps.array(["ab", "c"]), np.array(["ab", "c"]))]:
        back = pickle.loads(pickle.dumps(got))
        assert type(back) is nps.ndarray and back.flags.writeable
        assert_same(back, want)
        back += 1 if back.dtype.kind == "f" else ""
    assert_same(x, a)  # a loaded view is a new array
    s = pickle.loads(pickle.dumps(x.sum()))
    t = s
    s += 1  # still a value that stands for NumPy's scalar: a new value
    assert float(t) == a.sum() and float(s) == a.sum() + 1


def test_where_arrays_of_other_dtypes_raise_numpys_type_error(layout):
    ones = nps.ones(4)
    calls = (lambda w: nps.add(ones, 1, where=w, out=nps.zeros(4)),
             lambda w: nps.sum(ones, where=w), lambda w: nps.add.reduce(ones, where=w),
             lambda w: nps.copyto(nps.zeros(4), 1.0, where=w),
             lambda w: nps.nansum(ones, where=w), lambda w: nps.nanmean(ones, where=w),
             lambda w: nps.mean(ones, where=w), lambda w: nps.std(ones, where=w),
             lambda w: nps.max(ones, where=w, initial=0))
    for w in (np.array([1, 0, 1, 0]), nps.asarray(np.array([1.0, 0, 1, 0]))):
        for call in calls:
            with pytest.raises(TypeError, match="bool"):
                call(w)
    # lists and scalars are converted, as NumPy does
    assert float(nps.sum(ones, where=[1, 0, 1, 0])) == 2.0
    assert float(nps.sum(ones, where=1)) == 4.0


def test_shares_memory_takes_numpys_max_work():
    b = nps.arange(10)
    assert not nps.may_share_memory(b[::2], b[1::2], max_work=-1)
    assert nps.may_share_memory(b[::2], b[1::2])
    with pytest.raises(np.exceptions.TooHardError):
        nps.shares_memory(b[::2], b[1::2], max_work=0)


def test_bytes_of_arrays_are_numpys_and_frombuffer_reads_them(layout):
    """``bytes(x)`` is the values' bytes, as NumPy's buffer (nums iterated elements: wrong
    for wider items, slow); ``frombuffer`` reads a nums array's bytes."""
    for a in (np.array([1, 2], np.uint16), np.arange(200, dtype=np.uint8), np.array([1.5, -2]),
              np.arange(6, dtype=np.int16).reshape(2, 3), np.array([b"ab", b"c"])):
        x = nps.asarray(a)
        assert bytes(x) == bytes(a)
        assert bytes(x[::-1]) == bytes(a[::-1])
    assert bytes(nps.arange(5, dtype=np.uint8)[2]) == bytes(np.arange(5, dtype=np.uint8)[2])
    assert_same(nps.frombuffer(nps.arange(4, dtype=np.uint8), dtype=np.uint16),
                np.frombuffer(np.arange(4, dtype=np.uint8), dtype=np.uint16))
