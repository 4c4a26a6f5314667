"""Index tricks and iteration objects against NumPy: ``r_``, ``c_``, ``mgrid``, ``ogrid``,
``s_``, ``index_exp``, ``ndindex``, ``ndenumerate``, ``nditer`` and ``broadcast``, with tiny
blocks so that every array spans several blocks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps
from nums.core.array.blockarray import local_value
from nums.numpy import _fallback, _registry
from nums.numpy._flatiter import block_rows

A = np.arange(10.0)
B = np.arange(12).reshape(3, 4)
C = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


# ---------------------------------------------------------------------------- r_ and c_

R_BODIES = {
    "slice": lambda xp, a: xp.r_[1:10:2],
    "slice_float": lambda xp, a: xp.r_[0:1:0.25],
    "linspace": lambda xp, a: xp.r_[0:1:5j],
    "linspace_int_ends": lambda xp, a: xp.r_[-1:1:6j, 0, 0, 0, 5, 6],
    "arrays_and_scalars": lambda xp, a: xp.r_[a, 3, a[:3]],
    "array_and_list": lambda xp, a: xp.r_[a, [1, 2, 3], 7],
    "numpy_item": lambda xp, a: xp.r_[a, np.arange(4)],
    "axis_directive": lambda xp, a: xp.r_["-1", a.reshape(2, 5), a.reshape(2, 5)],
    "axis_ndmin": lambda xp, a: xp.r_["0,2", a, a],
    "axis_ndmin_1": lambda xp, a: xp.r_["1,2", a, a],
    "trans1d_0": lambda xp, a: xp.r_["0,2,0", a, a],
    "trans1d_1": lambda xp, a: xp.r_["0,2,1", a, a],
    "three_dims": lambda xp, a: xp.r_["1,3,1", a.reshape(2, 5), a.reshape(2, 5)],
    "negative_trans1d": lambda xp, a: xp.r_["0,3,-2", a.reshape(2, 5), a.reshape(2, 5)],
    "slice_ndmin": lambda xp, a: xp.r_["0,2,0", 0:4, a[:4]],
    "zero_d": lambda xp, a: xp.r_[a[3], a],
    # dtypes: Python scalars are weak (NEP 50), NumPy scalars and arrays are not
    "float32_python_float": lambda xp, a: xp.r_[a.astype(np.float32), 2.5],
    "float32_numpy_float64": lambda xp, a: xp.r_[a.astype(np.float32), np.float64(2.5)],
    "int_and_float": lambda xp, a: xp.r_[a.astype(np.int32), 1.5],
    "bool": lambda xp, a: xp.r_[True, a > 3],
    "bool_and_int": lambda xp, a: xp.r_[a > 3, 2],
    "complex_scalar": lambda xp, a: xp.r_[a, 1 + 2j],
    "int8_python_int": lambda xp, a: xp.r_[a.astype(np.int8), 100],
    # errors are NumPy's
    "int8_overflow": lambda xp, a: xp.r_[a.astype(np.int8), 1000],
    "bad_directive": lambda xp, a: xp.r_["x", a],
    "bad_pair_directive": lambda xp, a: xp.r_["1,x", a],
    "bad_triple_directive": lambda xp, a: xp.r_["0,2,y", a],
    "directive_not_first": lambda xp, a: xp.r_[a, "0"],
    "axis_out_of_range": lambda xp, a: xp.r_["1", a, a],
    "nothing": lambda xp, a: xp.r_[()],
    "mismatch": lambda xp, a: xp.r_["0,2", a, a[:3]],
    "zero_step": lambda xp, a: xp.r_[0:5:0],
}


@pytest.mark.parametrize("name", sorted(R_BODIES))
def test_r_against_numpy(name):
    check_against_numpy(R_BODIES[name], A)


C_BODIES = {
    "columns": lambda xp, a: xp.c_[a, a],
    "2d": lambda xp, a: xp.c_[a.reshape(2, 5), a.reshape(2, 5)],
    "scalars": lambda xp, a: xp.c_[a.reshape(1, 10), 0, 0, a.reshape(1, 10)],
    "slices": lambda xp, a: xp.c_[1:3, 4:6],
    "linspace": lambda xp, a: xp.c_[0:1:10j, a],
    "float32": lambda xp, a: xp.c_[a.astype(np.float32), 7],
    "mismatch": lambda xp, a: xp.c_[a, a[:3]],
    "directive": lambda xp, a: xp.c_["0", a, a],
}


@pytest.mark.parametrize("name", sorted(C_BODIES))
def test_c_against_numpy(name):
    check_against_numpy(C_BODIES[name], A)


def test_r_and_c_of_blockarrays_are_distributed_blockarrays(nums_session):
    x = nps.arange(100.0)
    for got, expected in ((nps.r_[x, 1.5, 0:10], np.r_[np.arange(100.0), 1.5, 0:10]),
                          (nps.c_[x, x], np.c_[np.arange(100.0), np.arange(100.0)])):
        assert type(got) is nps.BlockArray
        assert_same(got, expected)
        if nums_session != "local":  # large blocks: one driver-resident block
            assert np.prod(got.grid_shape) > 1
            assert local_value(got) is None  # blocks in the store, not a NumPy array


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # NumPy's, for matrix
@pytest.mark.parametrize("key", ["r", "c"])
def test_matrix_directives_raise(key):
    assert isinstance(np.r_[key, [1, 2], [3]], np.matrix)  # what nums does not have
    x = nps.arange(3)
    with pytest.raises(NotImplementedError, match="asmatrix"):
        nps.r_[key, x, x]
    with pytest.raises(NotImplementedError, match="numpy.matrix"):
        nps.c_[key, x]
    with pytest.raises(NotImplementedError, match="numpy.matrix"):
        nps.r_["x, x"]  # NumPy's bmat syntax
    with pytest.raises(ValueError, match="first entry"):  # NumPy's order of checks
        nps.r_[x, key]


def test_r_and_c_are_index_only_objects():
    assert len(nps.r_) == len(np.r_) == 0 and len(nps.c_) == 0
    assert not callable(nps.r_)


# ---------------------------------------------------------------------------- grids

GRID_KEYS = {
    "int": (slice(0, 5), slice(0, 3)),
    "int_step": (slice(-3, 9, 2), slice(10, 0, -3)),
    "float_step": (slice(-1, 1, 0.5), slice(0, 3)),
    "complex_step": (slice(0, 1, 5j), slice(0, 2, 3j)),
    "complex_step_one": (slice(2, 7, 1j), slice(0, 3)),
    "float32_bound": (slice(0, np.float32(1), 5j), slice(0, 1, 2j)),
    "int32_bounds": (slice(np.int32(0), np.int32(6)), slice(0, 3)),
    "three_axes": (slice(0, 3), slice(0, 1, 4j), slice(5, 1, -1)),
    "one_axis_tuple": (slice(0, 7),),
    "empty_tuple": (),
    "negative_size": (slice(5, 0), slice(0, 2)),
    "one_slice": slice(0, 9),
    "one_slice_step": slice(-2, 9, 3),
    "one_slice_complex": slice(-1, 1, 5j),
    "one_slice_complex_one": slice(3, 4, 1j),
    "one_slice_complex_float32": slice(np.float32(0), 1, 4j),
    "one_slice_open": slice(None, 6),
    "int_key": 5,
    "int_in_tuple": (1, 2),
    "open_stop": (slice(0, None), slice(0, 3)),
}


@pytest.mark.parametrize("name", sorted(GRID_KEYS))
@pytest.mark.parametrize("grid", ["mgrid", "ogrid"])
def test_grids_against_numpy(grid, name):
    key = GRID_KEYS[name]
    check_against_numpy(lambda xp: getattr(xp, grid)[key])


def test_mgrid_is_a_distributed_blockarray(nums_session):
    got = nps.mgrid[0:40, 0:1:30j]
    assert type(got) is nps.BlockArray
    assert_same(got, np.mgrid[0:40, 0:1:30j])
    opened = nps.ogrid[0:40, 0:30]
    assert all(type(g) is nps.BlockArray for g in opened)
    if nums_session != "local":
        assert np.prod(got.grid_shape) > 1 and local_value(got) is None
        assert np.prod(opened[0].grid_shape) > 1


# ---------------------------------------------------------------------------- numpy's own


def test_slice_builders_and_ndindex_are_numpys():
    assert nps.s_ is np.s_ and nps.index_exp is np.index_exp and nps.ndindex is np.ndindex
    x = nps.array(B)
    assert_same(x[nps.s_[1:, ::2]], B[np.s_[1:, ::2]])
    assert_same(x[nps.index_exp[..., 1]], B[np.index_exp[..., 1]])
    assert list(nps.ndindex(x.shape)) == list(np.ndindex(B.shape))
    with pytest.raises(ValueError):
        nps.ndindex(2, -1)


# ---------------------------------------------------------------------------- ndenumerate


@pytest.mark.parametrize("value", [A, B, C, B > 4, B.astype(np.complex64), np.array(7),
                                   np.zeros((3, 0)), np.arange(40).reshape(10, 4)])
def test_ndenumerate_against_numpy(value):
    got = list(nps.ndenumerate(nps.array(value)))
    expected = list(np.ndenumerate(value))
    assert len(got) == len(expected)
    for (gi, gv), (ei, ev) in zip(got, expected):
        assert gi == ei and type(gi[0] if gi else 0) is int
        assert type(gv) is type(ev) and gv == ev


def test_ndenumerate_of_numpy_values_is_numpys():
    assert list(nps.ndenumerate([[1, 2], [3, 4]])) == list(np.ndenumerate([[1, 2], [3, 4]]))
    it = nps.ndenumerate(nps.arange(3))
    assert iter(it) is it and next(it) == ((0,), 0)


def test_iteration_fetches_one_block_row_at_a_time(nums_session):
    x = nps.array(np.arange(40.0).reshape(10, 4))
    bounds = x.grid.boundaries(0)
    rows = list(block_rows(x))
    assert [r.shape for r in rows] == [(b - a, 4) for a, b in zip(bounds[:-1], bounds[1:])]
    if nums_session != "local":
        assert len(rows) > 1
    assert_same(np.concatenate(rows), np.arange(40.0).reshape(10, 4))
    flat = list(x.flat)  # x.flat iterates the same way
    assert flat == list(np.arange(40.0)) and type(flat[0]) is np.float64


# ---------------------------------------------------------------------------- broadcast

SHAPES = [((3, 1), (4,)), ((2, 3, 4),), ((), (5,)), ((0, 3), (1, 3)), ((2, 1, 3), (4, 1), ()),
          ((4,), (4,), (1, 4), (2, 1, 1))]


@pytest.mark.parametrize("shapes", SHAPES)
def test_broadcast_against_numpy(shapes):
    values = [(np.arange(int(np.prod(s))) % 3).astype(dt).reshape(s)
              for s, dt in zip(shapes, [np.int64, np.float32, np.bool_, np.int8])]
    expected = np.broadcast(*values)
    got = nps.broadcast(*[nps.array(v) for v in values])
    for attr in ("shape", "ndim", "nd", "size", "numiter", "index"):
        assert getattr(got, attr) == getattr(expected, attr), attr
    items = list(got)
    assert got.index == expected.size
    reference = list(expected)
    assert len(items) == len(reference)
    for g, e in zip(items, reference):
        assert len(g) == len(e) and all(type(a) is type(b) and a == b for a, b in zip(g, e))
    got.reset()
    assert got.index == 0 and (got.size == 0 or next(got) == reference[0])


def test_broadcast_mixed_and_nested_and_errors():
    x, y = nps.array(B), np.arange(4)
    got, expected = nps.broadcast(x, y, 2.5), np.broadcast(B, y, 2.5)
    assert got.shape == expected.shape and got.numiter == 3
    assert list(got) == list(expected)
    nested = nps.broadcast(nps.broadcast(x, y), x)
    assert nested.numiter == np.broadcast(np.broadcast(B, y), B).numiter
    assert list(nps.broadcast([1, 2], [[3], [4]])) == list(np.broadcast([1, 2], [[3], [4]]))
    assert nps.broadcast().shape == np.broadcast().shape
    with pytest.raises(ValueError, match="shape mismatch"):
        nps.broadcast(x, nps.arange(3))
    with pytest.raises(ValueError):
        np.broadcast(B, np.arange(3))
    assert len(nps.broadcast(y, 1).iters) == 2
    with pytest.raises(NotImplementedError, match="iters"):
        _ = nps.broadcast(x, y).iters


# ---------------------------------------------------------------------------- nditer


def test_nditer_reads_gathered_copies_with_a_warning():
    x = nps.array(B)
    _fallback._warned.discard("numpy.nditer")  # the warning comes once per function
    with pytest.warns(nps.GatherWarning, match="nditer"):
        it = nps.nditer(x)
    assert isinstance(it, nps.nditer) and isinstance(it, np.nditer)
    assert [int(v) for v in it] == [int(v) for v in np.nditer(B)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        pairs = [(int(a), float(b)) for a, b in nps.nditer([x, nps.array(A[:4])])]
        assert pairs == [(int(a), float(b)) for a, b in np.nditer([B, A[:4]])]
        it = nps.nditer(x, flags=["multi_index"], order="F")
        got = [(it.multi_index, int(v)) for v in it]
        ref = np.nditer(B, flags=["multi_index"], order="F")
        assert got == [(ref.multi_index, int(v)) for v in ref]
        # NumPy operands stay NumPy's: writing into them works as in NumPy
        out = np.zeros(4)
        with nps.nditer([x[0], out], op_flags=[["readonly"], ["writeonly"]]) as it:
            for a, b in it:
                b[...] = 2 * a
        assert_same(out, 2.0 * B[0])


@pytest.mark.parametrize("op_flags", [["readwrite"], ["writeonly"], [["readwrite"]],
                                      [["readonly"], ["readwrite"]],
                                      [["readonly"], ["writeonly", "allocate"]],
                                      [["readonly"], ["writeonly", "writemasked"]]])
def test_nditer_refuses_writes_into_blockarrays(op_flags):
    x = nps.array(B)
    ops = [x, x] if len(op_flags) == 2 else x
    with pytest.raises(NotImplementedError, match="would be lost"):
        nps.nditer(ops, op_flags=op_flags)
    if len(op_flags) == 1:
        per_op = [op_flags[0] if isinstance(op_flags[0], list) else op_flags] * 2
    else:
        per_op = op_flags
    with pytest.raises(NotImplementedError, match="would be lost"):
        nps.nested_iters([x, x], [[0], [1]], op_flags=per_op)
    assert_same(x, B)


# ---------------------------------------------------------------------------- the page


def test_support_page_lists_every_name_with_its_status():
    rows = {}
    for line in nps.support_table().split("## other public names of numpy")[1].splitlines():
        if line.startswith("| `"):
            name, status, family = line[3:].split(" | ")[:3]
            rows[name.rstrip("`")] = (status, family.rstrip(" |"))
    expected = {"r_": "distributed", "c_": "distributed", "mgrid": "distributed",
                "ogrid": "distributed", "s_": "numpy's own", "index_exp": "numpy's own",
                "ndindex": "numpy's own", "ndenumerate": "through the driver",
                "nditer": "on the driver", "broadcast": "shapes only"}
    for name, status in expected.items():
        assert rows[name][0].startswith(status), (name, rows[name])
        assert rows[name][1] == "index_tricks"
        assert name in nps.__all__ and name in dir(nps)
    assert set(expected) <= set(_registry.REGISTRY)
