"""Comparison helpers: a nums result against numpy's on the same inputs."""

from __future__ import annotations

import numpy as np

from nums.core.array.blockarray import BlockArray

BLOCK_BYTES = 64  # 8 float64 per block: every operation crosses block boundaries
SMALL_BLOCK_BYTES = 4096  # block_bytes of the ``small_blocks`` fixture's session

BACKEND_CONFIGS = {
    "serial": {"backend": "serial", "num_nodes": 1},
    "serial3": {"backend": "serial", "num_nodes": 3},
    "embedded": {"backend": "embedded", "num_nodes": 1, "workers_per_node": 2},
    "embedded3": {"backend": "embedded", "num_nodes": 3, "workers_per_node": 1},
    "ray": {"backend": "ray"},
    # large blocks: every test array is one block and driver-resident (NumPy in the driver)
    "local": {"backend": "serial", "num_nodes": 1, "block_bytes": 2**20, "local_bytes": 2**20},
}


def to_numpy(x):
    if isinstance(x, BlockArray):
        return x.get()
    if isinstance(x, tuple | list):
        return type(x)(to_numpy(v) for v in x)
    return x


def assert_same(got, expected, rtol=1e-7, atol=0.0, check_dtype=True):
    """Values, shape and dtype of ``got`` (BlockArray or value) equal numpy's ``expected``."""
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same(g, e, rtol, atol, check_dtype)
        return
    g = to_numpy(got)
    e = np.asarray(expected)
    g = np.asarray(g)
    assert g.shape == e.shape, f"shape {g.shape} != {e.shape}"
    if check_dtype:
        assert g.dtype == e.dtype, f"dtype {g.dtype} != {e.dtype}"
    if e.dtype.kind in "fc":
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, e)


def check_against_numpy(body, *inputs, block_shape=None, rtol=1e-7, atol=0.0):
    """Run ``body(xp, *arrays)`` with ``xp = numpy`` on copies of ``inputs`` and with
    ``xp = nums.numpy`` on BlockArrays of the same values (``block_shape``, default tiny).

    When numpy raises, nums must raise the same exception type. Otherwise the results must
    match (values, shapes, dtypes; tuples and lists element by element; None for None), and
    so must every input array afterwards: writes through views, ``out=`` and in-place
    functions are compared too.
    """
    import nums.numpy as nps

    np_inputs = [np.array(a, copy=True) for a in inputs]
    nums_inputs = [nps.array(a, block_shape=block_shape) for a in inputs]
    try:
        expected = body(np, *np_inputs)
    except Exception as exc:  # noqa: BLE001 - any numpy exception is the specification
        import pytest

        with pytest.raises(type(exc)):
            body(nps, *nums_inputs)
        return
    got = body(nps, *nums_inputs)
    _compare(got, expected, rtol, atol)
    for g, e in zip(nums_inputs, np_inputs):
        assert_same(g, e, rtol, atol)


def _compare(got, expected, rtol, atol):
    if expected is None:
        assert got is None, f"expected None, got {got!r}"
    elif isinstance(expected, list | tuple):
        assert isinstance(got, list | tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            _compare(g, e, rtol, atol)
    elif isinstance(expected, bool | np.bool_):
        assert bool(got) == bool(expected) and isinstance(got, bool | np.bool_)
    else:
        assert_same(got, expected, rtol, atol)
