"""Results computed on first use hold the values their inputs had at the call, as NumPy's
eager results do, whatever the program does to the inputs in between."""

from __future__ import annotations

import numpy as np
from nums_helpers import assert_same

import nums.numpy as nps

R = np.random.default_rng(17)


def test_arg_reductions_after_the_input_is_sorted_in_place():
    a = R.standard_normal((30, 4))
    for axis in (None, 0, 1):
        for name in ("argmax", "argmin"):
            x = nps.asarray(a, block_shape=(7, 3))
            i = getattr(x, name)(axis=axis)
            x.sort(axis=1)  # re-splits x's blocks: the pending result must not read them
            assert_same(i, getattr(a, name)(axis=axis))
    x = nps.asarray(a, block_shape=(7, 3))
    m = x[:, 0].argmax()
    x.partition(2, axis=0)
    assert int(m) == a[:, 0].argmax()


def test_driver_results_shared_by_copies_settle_once():
    """A small result combined by the driver (``X.sum(axis=0)``) and a snapshot of it taken
    by a product computing into it (``out=``) both read the same value."""
    a = np.ones((40, 2))
    a[3, 1] = np.nan
    x = nps.asarray(a, block_shape=(10, 2))
    s, h = x.sum(axis=0), x.T @ x
    r = nps.matmul(h, s, out=s)
    assert r is s
    assert_same(s, (a.T @ a) @ a.sum(axis=0))
    s = x.sum(axis=0)
    t = s.copy()
    assert_same(s + 1, a.sum(axis=0) + 1)
    assert_same(t, a.sum(axis=0))
