"""Property-based tests: broadcasting and reductions over random shapes, blocks and axes."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from nums_helpers import assert_same

import nums.numpy as nps

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def blocked(draw, shape):
    """A block shape for ``shape``: each entry in 1..n."""
    return tuple(draw(st.integers(1, max(1, n))) for n in shape)


@st.composite
def broadcast_pair(draw):
    shapes = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=5)
    )
    s1, s2 = shapes.input_shapes
    return s1, s2, draw(blocked(s1)), draw(blocked(s2))


@SETTINGS
@given(
    broadcast_pair(),
    st.sampled_from(["add", "multiply", "subtract", "maximum", "greater", "arctan2"]),
)
def test_broadcast_binary(case, op):
    s1, s2, b1, b2 = case
    a = np.arange(int(np.prod(s1)), dtype=np.float64).reshape(s1) - 3
    b = np.arange(int(np.prod(s2)), dtype=np.float64).reshape(s2) * 0.5
    got = getattr(nps, op)(nps.array(a, block_shape=b1), nps.array(b, block_shape=b2))
    assert_same(got, getattr(np, op)(a, b), rtol=1e-12)


@st.composite
def array_axis(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6))
    bs = draw(blocked(shape))
    ndim = len(shape)
    axis = draw(
        st.one_of(
            st.none(),
            st.integers(-ndim, ndim - 1),
            st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple),
        )
    )
    data = draw(hnp.arrays(np.float64, shape, elements=st.floats(-100, 100, width=32)))
    return data, bs, axis


@SETTINGS
@given(
    array_axis(),
    st.sampled_from(["sum", "prod", "max", "min", "mean", "var", "any"]),
    st.booleans(),
)
def test_reductions_property(case, name, keepdims):
    data, bs, axis = case
    if name == "prod":
        data = data / 100 + 1
    got = getattr(nps, name)(nps.array(data, block_shape=bs), axis=axis, keepdims=keepdims)
    assert_same(got, getattr(np, name)(data, axis=axis, keepdims=keepdims), rtol=1e-9, atol=1e-9)


@SETTINGS
@given(array_axis(), st.sampled_from(["argmax", "argmin", "cumsum"]))
def test_axis_functions_property(case, name):
    data, bs, axis = case
    if isinstance(axis, tuple):
        axis = axis[0]
    data = np.round(data / 30)  # ties across blocks
    got = getattr(nps, name)(nps.array(data, block_shape=bs), axis=axis)
    assert_same(got, getattr(np, name)(data, axis=axis))


@SETTINGS
@given(hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), st.data())
def test_reshape_roundtrip_property(shape, data):
    a = np.arange(int(np.prod(shape))).reshape(shape)
    bs = data.draw(blocked(shape))
    target = data.draw(st.permutations(list(shape))).copy()
    got = nps.reshape(nps.array(a, block_shape=bs), tuple(target))
    assert_same(got, a.reshape(tuple(target)))


@st.composite
def index_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=7))
    bs = draw(blocked(shape))
    key = []
    for n in shape:
        kind = draw(st.sampled_from(["int", "slice", "full"]))
        if kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            start = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            stop = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            step = draw(st.one_of(st.none(), st.sampled_from([1, 2, 3, -1, -2])))
            key.append(slice(start, stop, step))
        else:
            key.append(slice(None))
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    return shape, bs, tuple(key)


@SETTINGS
@given(index_case())
def test_basic_indexing_property(case):
    shape, bs, key = case
    a = np.arange(int(np.prod(shape))).reshape(shape)
    assert_same(nps.array(a, block_shape=bs)[key], a[key])
