"""Random sequences of basic-index views and writes on random shapes and block shapes:
after every step, every array taken so far equals numpy's array from the same steps."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nums_helpers import assert_same

import nums.numpy as nps

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def basic_key(draw, shape):
    """A basic index for ``shape``: per axis an int, a slice with any step, or all; maybe a
    new axis and an Ellipsis."""
    key = []
    for n in shape:
        kind = draw(st.sampled_from(["int", "slice", "all"] if n else ["slice", "all"]))
        if kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            start = draw(st.none() | st.integers(-n - 1, n + 1))
            stop = draw(st.none() | st.integers(-n - 1, n + 1))
            step = draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
            key.append(slice(start, stop, step))
        else:
            key.append(slice(None))
    if key and draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    if len(key) > 1 and draw(st.booleans()):
        at = draw(st.integers(0, len(key) - 1))
        if all(k == slice(None) for k in key[at:]):
            key[at:] = [Ellipsis]
    return tuple(key)


STEP = st.sampled_from(["view", "transpose", "ravel", "write_scalar", "write_array",
                        "augment", "check_base"])


@SETTINGS
@given(st.data())
def test_random_views_and_writes(data):
    ndim = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.integers(1, 6)) for _ in range(ndim))
    block = tuple(data.draw(st.integers(1, n)) for n in shape)
    base = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    pool = [(base.copy(), nps.array(base, block_shape=block))]  # (numpy, nums) pairs
    for step in range(data.draw(st.integers(1, 7))):
        arrays = [p for p in pool if isinstance(p[0], np.ndarray)]  # numpy scalars: not views
        e, g = arrays[data.draw(st.integers(0, len(arrays) - 1))]
        action = data.draw(STEP)
        if action == "view":
            key = data.draw(basic_key(e.shape))
            pool.append((e[key], g[key]))
        elif action == "transpose" and e.ndim > 1:
            axes = tuple(data.draw(st.permutations(range(e.ndim))))
            pool.append((e.transpose(axes), g.transpose(axes)))
        elif action == "ravel":
            pool.append((e.ravel(), g.ravel()))
        elif action in ("write_scalar", "write_array", "augment"):
            key = data.draw(basic_key(e.shape))
            target_shape = e[key].shape
            if action == "write_scalar":
                value = float(-step - 1)
                e[key] = value
                g[key] = value
            elif action == "write_array":
                # a value of the target's shape or one that broadcasts (last axis only)
                shape_v = target_shape[-1:] if data.draw(st.booleans()) else target_shape
                value = -100.0 * (step + 1) - np.arange(int(np.prod(shape_v))).reshape(shape_v)
                as_nums = data.draw(st.booleans())
                e[key] = value
                g[key] = nps.array(value) if as_nums and value.ndim else value
            else:
                ev, gv = e[key], g[key]
                if ev.ndim == 0:  # a scalar (numpy) and a 0-d array (nums): write it back
                    e[key] = ev * 2 + 1
                    g[key] = gv * 2 + 1
                else:
                    ev *= 2
                    ev += 1
                    gv *= 2
                    gv += 1
        for expected, got in pool:
            assert_same(got, expected)
