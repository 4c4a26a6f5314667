"""Comparison helpers: a nums result against numpy's on the same inputs."""

from __future__ import annotations

import numpy as np

from nums.core.array.blockarray import BlockArray

BLOCK_BYTES = 64  # 8 float64 per block: every operation crosses block boundaries

BACKEND_CONFIGS = {
    "serial": {"backend": "serial", "num_nodes": 1},
    "serial3": {"backend": "serial", "num_nodes": 3},
    "embedded": {"backend": "embedded", "num_nodes": 1, "workers_per_node": 2},
    "embedded3": {"backend": "embedded", "num_nodes": 3, "workers_per_node": 1},
    "ray": {"backend": "ray"},
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
