"""``x.flat`` against NumPy 2.4 at its edges: empty and boolean keys, float and bool scalar
keys (deprecated by NumPy 2.4, with a DeprecationWarning), tuple keys, and the flat object
as an iterator (``next``, ``index``, ``coords``), in both layouts (arrays split into tiny
blocks, and driver-held arrays)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps
from nums.core.array.blockarray import BlockArray

A = np.arange(12.0).reshape(3, 4)
# the warnings NumPy gives for a flat key (others, e.g. nums' own notes, are not compared)
KEY_WARNINGS = {DeprecationWarning, RuntimeWarning, np.exceptions.ComplexWarning}


def _run(xp, body, value):
    """``body(xp, arr)`` on a fresh array of ``value``: (result or exception, the array
    afterwards, the categories of the key warnings given)."""
    arr = np.array(value, copy=True) if xp is np else nps.array(value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = body(xp, arr)
        except Exception as exc:  # noqa: BLE001 - NumPy's exception is the specification
            out = exc
    return out, arr, {w.category for w in caught} & KEY_WARNINGS


def check_flat(body, value=A):
    """nums gives NumPy's result, exception (type and message) and key warnings for
    ``body``, and leaves the array as NumPy does."""
    expected, np_arr, np_warned = _run(np, body, value)
    got, nums_arr, nums_warned = _run(nps, body, value)
    if isinstance(expected, Exception):
        assert isinstance(got, Exception), f"NumPy raised {expected!r}, nums gave {got!r}"
        assert type(got) is type(expected) and str(got) == str(expected)
    else:
        assert not isinstance(got, Exception), f"nums raised {got!r}"
        assert_same(got, expected)
    assert nums_warned == np_warned
    assert_same(nums_arr, np_arr)


def _read(key):
    return lambda xp, a: a.flat[key]


def _write(key, value=-1.0):
    def body(xp, a):
        a.flat[key] = value
    return body


EMPTY_KEYS = {
    "list": [],
    "nested_list": [[]],
    "two_empty_lists": [[], []],
    "bool_array": np.array([], dtype=bool),
    "float_array": np.array([]),  # NumPy: IndexError (not of integers)
    "empty_tuple": (),  # NumPy: every element (and IndexError for a write)
}


@pytest.mark.parametrize("key", list(EMPTY_KEYS.values()), ids=list(EMPTY_KEYS))
def test_empty_keys(layout, key):
    """Empty keys select nothing.

    nums raised IndexError('unsupported iterator index') for ``a.flat[[]]`` (read or
    write; NumPy reads an empty float64 array and writes nothing) and 'boolean index did not
    match' for an empty boolean array (NumPy: nothing); ``a.flat[()]`` raised where NumPy
    reads every element.
    """
    check_flat(_read(key))
    check_flat(_write(key))


BOOL_KEYS = {
    "list_mask": [True, False] * 6,  # NumPy 2.4: IndexError, not a mask
    "short_list": [True, False],
    "nested_list_mask": [[True, False, True, False]] * 3,
    "numpy_bool": np.True_,  # NumPy 2.4: IndexError
    "numpy_false": np.False_,
    "bool_in_tuple": (True,),
    "short_array_mask": np.array([True, False] * 3),
    "long_array_mask": np.array([True, False] * 7),
    "2d_array_mask": np.array([True, False] * 6).reshape(3, 4),
}


@pytest.mark.parametrize("key", list(BOOL_KEYS.values()), ids=list(BOOL_KEYS))
def test_boolean_keys(layout, key):
    """Boolean lists and NumPy bool scalars are no keys of a flat iterator in NumPy 2.4.

    nums read and wrote ``a.flat[[True, False] * 6]`` as a mask (NumPy raises IndexError
    'boolean indices for iterators are not supported ...'), read ``a.flat[np.True_]`` as
    position 1, and gave other messages for masks of the wrong size or rank.
    """
    check_flat(_read(key))
    check_flat(_write(key))


def test_mask_array_but_not_mask_list(layout):
    """A boolean array of the array's size is a mask; the same values as a list are an
    IndexError in NumPy 2.4, and a list of integers and bools is of integers.

    nums read (and wrote) the list as the mask.
    """
    mask = [True, False, False] * 4
    for key in [np.array(mask), mask, [1, True]]:
        check_flat(_read(key))
        check_flat(_write(key))


SCALAR_KEYS = {
    "float": 1.5,  # NumPy 2.4: position 1, DeprecationWarning
    "negative_float": -1.5,
    "small_negative_float": -0.5,
    "numpy_float32": np.float32(2.5),
    "float_out_of_range": 12.0,
    "nan": float("nan"),  # NumPy: RuntimeWarning of the cast, then IndexError
    "complex": 1 + 0j,
    "digits": "1",
    "not_a_number": "a",
    "none": None,
    "true": True,  # NumPy 2.4: position 0, DeprecationWarning
    "false": False,  # nothing
    "0d_true_array": np.array(True),
    "0d_false_array": np.array(False),
    "0d_float_array": np.array(1.5),  # NumPy: IndexError
    "float_list": [1.0, 2.7],
    "mixed_list": [1, 2.7],
    "nested_float_list": [[1.5, 2]],
    "float_array": np.array([1.0, 2.7]),  # NumPy: IndexError (an array, not a list)
    "digit_list": ["1"],
    "none_list": [None],  # NumPy: TypeError
    "int_out_of_range": 12,
    "int_list_out_of_range": [-13, 3],  # (NumPy writes up to a bad position: first)
    "float_in_tuple": (1.5,),
}


@pytest.mark.parametrize("key", list(SCALAR_KEYS.values()), ids=list(SCALAR_KEYS))
def test_float_and_bool_keys(layout, key):
    """Non-integer keys other than arrays are cast to integers by NumPy 2.4 with a
    DeprecationWarning; a Python bool is the deprecated 0-d mask.

    nums raised IndexError('unsupported iterator index') for ``a.flat[1.5]`` and
    ``a.flat[[1.0, 2.7]]`` (NumPy: 1.0, and [1., 2.]), read ``a.flat[True]`` as a mask
    of the wrong size (NumPy: 0.0) and gave no DeprecationWarning.
    """
    check_flat(_read(key))
    check_flat(_write(key))


@pytest.mark.parametrize("value", [[7.0, 8.0], np.nan, 300, "x"],
                         ids=["sequence", "nan", "300", "text"])
@pytest.mark.parametrize("key", [True, False, 1.5, np.array(True)],
                         ids=["true", "false", "float", "0d_true_array"])
def test_deprecated_key_writes_convert_values_as_numpy(layout, key, value):
    """A write through ``True`` converts the value as NumPy's 0-d mask (a sequence is an
    error, a value out of range of integers its overflow); through ``False`` it reads no
    value; through ``1.5`` it is NumPy's single-item write.

    nums raised IndexError for these keys.
    """
    check_flat(_write(key, value), np.arange(3, dtype=np.int8))
    check_flat(_write(key, value), np.arange(5.0))


@pytest.mark.parametrize("key", [(1, 2), (np.array([1]), 2), (...,)],
                         ids=["ints", "array_int", "ellipsis"])
def test_tuple_keys(layout, key):
    """A flat iterator is 1-d: a key of two indices is an IndexError, and NumPy refuses a
    write through ``(...,)`` (and ``()``).

    nums read ``a.flat[(1, 2)]`` as the positions [1, 2] and wrote through ``(...,)``.
    """
    check_flat(_read(key))
    check_flat(_write(key))


def test_writes_with_the_flat_of_zero_d_and_empty_arrays(layout):
    """The deprecated keys on a 0-d array (one element) and an empty one (nothing to write).

    nums raised IndexError for every one of them.
    """
    for key in [True, False, 0.5, []]:
        check_flat(_read(key), np.array(5.0))
        check_flat(_write(key), np.array(5.0))
        check_flat(_write(key), np.zeros((0, 3)))


def test_next_index_and_coords(layout):
    """``x.flat`` is an iterator: ``next`` returns the elements in C order as NumPy scalars,
    ``index`` counts those returned and ``coords`` is the position of the next one.

    nums: ``next(a.flat)`` raised TypeError ('FlatIter' object is not an iterator), and
    ``index`` and ``coords`` were AttributeErrors.
    """
    expected, got = A.flat, nps.array(A).flat
    assert iter(got) is got
    assert (got.index, got.coords) == (expected.index, expected.coords) == (0, (0, 0))
    for _ in range(5):
        e, g = next(expected), next(got)
        assert type(g) is type(e) and g == e
        assert (got.index, got.coords) == (expected.index, expected.coords)
        assert type(got.index) is int and all(type(c) is int for c in got.coords)
    # a for loop continues from there; at the end, index is the size and coords past it
    assert list(got) == list(expected)
    assert (got.index, got.coords) == (expected.index, expected.coords) == (12, (3, 0))
    with pytest.raises(StopIteration):
        next(got)
    # a fresh x.flat starts at 0
    assert next(nps.array(A).flat) == 0.0


def test_indexing_restarts_iteration(layout):
    """NumPy's flat indexing (a read or a write) resets the iteration to the first element;
    ``len`` and ``copy`` do not.

    nums had no iteration state.
    """
    x = nps.array(A)
    expected, got = A.copy().flat, x.flat
    for fl in (expected, got):
        next(fl), next(fl), next(fl)
        len(fl), fl.copy()
    assert got.index == expected.index == 3
    assert_same(got[5], expected[5])
    assert got.index == expected.index == 0
    next(got), next(expected)
    got[0] = 1.0
    expected[0] = 1.0
    assert got.index == expected.index == 0
    assert next(got) == next(expected) == 1.0


def test_next_sees_writes_made_during_iteration(layout):
    """``next`` reads the current values: a write to the array (or to the base of a view
    being iterated) between two ``next`` calls is seen, as NumPy's iterator sees it.

    nums could not ``next`` a flat object at all.
    """
    a, x = A.copy(), nps.array(A)
    expected, got = a.flat, x.flat
    next(expected), next(got)
    a[0, 1] = 100.0
    x[0, 1] = 100.0
    assert next(got) == next(expected) == 100.0
    view_e, view_g = a[:, ::2].flat, x[:, ::2].flat
    next(view_e), next(view_g)
    a[0, 2] = -7.0
    x[0, 2] = -7.0
    assert next(view_g) == next(view_e) == -7.0
    assert list(view_g) == list(view_e)


@pytest.mark.parametrize("shape", [(), (0, 3), (3, 0), (5,), (2, 3, 2)])
def test_iteration_state_over_shapes(layout, shape):
    """``index`` and ``coords`` before and after a full iteration of 0-d, empty, 1-d and
    3-d arrays.

    nums had neither attribute.
    """
    value = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    expected, got = value.flat, nps.array(value).flat
    assert (got.index, got.coords) == (expected.index, expected.coords)
    values = list(got)
    assert values == list(expected) and all(type(v) is np.int32 for v in values)
    assert (got.index, got.coords) == (expected.index, expected.coords)


def test_blockarray_keys(layout):
    """A BlockArray key is read as NumPy reads the same array (a 0-d nums result as the
    scalar it stands for).

    nums read a 0-d boolean result as a mask of the wrong size, and ``a.flat[s]`` for a
    float scalar result ``s`` raised where NumPy warns and truncates.
    """
    n = np.arange(12)
    x = nps.array(n)
    for np_key, nums_key in [(n[3] > 2, x[3] > 2), (n.sum() / 100, x.sum() / 100),
                             (n[:4] % 2 == 0, x[:4] % 2 == 0), (n % 2 == 0, x % 2 == 0)]:
        assert isinstance(nums_key, BlockArray)
        check_flat(lambda xp, a, e=np_key, g=nums_key: a.flat[e if xp is np else g])
