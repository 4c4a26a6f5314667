"""``ndarray.flat`` for BlockArrays: the array indexed as if it were 1-d in C order.

Reads turn flat positions into per-axis coordinates and use advanced indexing (a
distributed gather; nothing is reshaped); writes are ``numpy.put`` (values repeated to
the number of positions, the last of repeated positions wins).

Keys follow NumPy 2.4's ``flatiter``: integers, slices, ``...``, integer arrays and lists,
and boolean *arrays* of the array's size. A boolean list or NumPy bool scalar raises; a
Python bool (or 0-d boolean array) and a float or other non-integer key of a list or
scalar are deprecated (a ``DeprecationWarning``) and read as NumPy reads them.
"""

from __future__ import annotations

import bisect
import operator
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy import _inplace
from runtime.errors import warn

_BAD_KEY = ("only integers, slices (`:`), ellipsis (`...`) and integer or boolean arrays "
            "are valid indices")
_BOOL_KEY = ("boolean indices for iterators are not supported because of previous behavior "
             "that was confusing (valid boolean indices are expected to work in the future)")
_BOOL_0D = ("Indexing flat iterators with a 0-dimensional boolean index is deprecated and may "
            "be removed in a future version. (Deprecated NumPy 2.4)")
_NON_INT = ("Invalid non-array indices for iterator objects are deprecated and will be "
            "removed in a future version. (Deprecated NumPy 2.4)")
# the kinds of key (see _positions)
ONE, MASK0, MANY = "one", "mask0", "many"


def block_rows(x: BlockArray) -> Iterator[np.ndarray]:
    """The values of ``x`` one block-row at a time (the blocks of one grid row along the
    first axis, fetched together when the previous block-row has been consumed), so that
    iterating a BlockArray on the driver never holds the whole array."""
    if x.ndim == 0 or x.size == 0:
        yield x.get()
        return
    bounds = x.grid.boundaries(0)
    for start, stop in zip(bounds[:-1], bounds[1:]):
        yield x[start:stop].get()


def _checked(idx: np.ndarray, n: int) -> np.ndarray:
    """Integer positions ``idx`` made non-negative, or NumPy's IndexError for the first
    one out of range."""
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        first = idx.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]]
        raise IndexError(f"index {first} is out of bounds for size {n}")
    return (idx % max(n, 1)).astype(np.intp)


def _converted(key: Any) -> np.ndarray:
    """A non-array key that is not of integers (floats, strings of digits, complex) cast
    to integers as NumPy does (truncating, with its cast warnings), then deprecated."""
    try:
        idx = np.asarray(key).astype(np.intp)
    except ValueError:  # (e.g. a string that is no number; a TypeError, e.g. of None in
        raise IndexError(_BAD_KEY) from None  # a list, is NumPy's as it is)
    warn(_NON_INT, DeprecationWarning)  # (at the user's line)
    return idx


def _from_array(idx: np.ndarray, n: int) -> tuple[np.ndarray, str]:
    """Positions of an array key (a numpy array, or a BlockArray's value)."""
    if idx.dtype == np.bool_:
        if idx.ndim == 0:  # deprecated: True is position 0 (even of an empty array, see
            # FlatIter._read), False is none
            warn(_BOOL_0D, DeprecationWarning)
            return (np.array(0, np.intp) if idx else np.empty(0, np.intp)), MASK0
        if idx.ndim > 1:
            raise IndexError("too many indices for flat iterator: flat iterator is "
                             f"1-dimensional, but {idx.ndim} were indexed")
        if idx.size != n and idx.size:  # (NumPy takes an empty mask as no positions)
            raise IndexError("boolean index did not match indexed flat iterator along axis "
                             f"0; size of axis is {n} but size of corresponding boolean "
                             f"axis is {idx.size}")
        return np.flatnonzero(idx), MANY
    if idx.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    return _checked(idx, n), ONE if idx.ndim == 0 else MANY


def _positions(key: Any, n: int) -> tuple[np.ndarray, str]:
    """Flat positions (non-negative) selected by ``key`` in an array of ``n`` elements, and
    the kind of key: ``ONE`` element, the deprecated 0-d boolean ``MASK0`` (True: one
    element, whose writes convert values as NumPy's 0-d mask does; False: none), or
    ``MANY``."""
    if isinstance(key, tuple):
        if not key:
            return np.arange(n, dtype=np.intp), MANY
        if len(key) > 1:
            raise IndexError("too many indices for flat iterator: flat iterator is "
                             f"1-dimensional, but {len(key)} were indexed")
        key = key[0]
        if isinstance(key, bool):  # (bare True is the deprecated 0-d mask; (True,) is not)
            raise IndexError(_BOOL_KEY)
    if key is Ellipsis:
        return np.arange(n, dtype=np.intp), MANY
    if isinstance(key, slice):
        return np.arange(*key.indices(n), dtype=np.intp), MANY
    if isinstance(key, BlockArray):
        value = key.get()
        # a 0-d nums result other than a made 0-d array stands for NumPy's scalar
        key = value[()] if value.ndim == 0 and not key._array0d else value
    if isinstance(key, np.ndarray):
        return _from_array(key, n)
    if isinstance(key, np.bool_):
        raise IndexError(_BOOL_KEY)
    if isinstance(key, bool):
        return _from_array(np.array(key), n)
    if key is None:
        raise IndexError(_BAD_KEY)
    try:
        return _checked(np.array(operator.index(key)), n), ONE
    except TypeError:
        pass
    if np.ndim(key) == 0:  # a float, a string, ...: one element, deprecated
        return _checked(_converted(key), n), ONE
    idx = np.asarray(key)  # a list (or other sequence) of positions
    if idx.dtype == np.bool_:
        raise IndexError(_BOOL_KEY)
    if idx.size == 0:  # ([] is float64 to NumPy, and still an empty list of positions)
        return np.empty(idx.shape, np.intp), MANY
    if idx.dtype.kind not in "iu":
        idx = _converted(idx)
    return _checked(idx, n), MANY


class FlatIter:
    """nums implementation of ``numpy.flatiter`` (``x.flat``): an iterator over the elements
    in C order (``index`` counts those returned, ``coords`` is the next one's position) that
    can also be indexed as a 1-d array. Differs: iteration fetches the array one block-row
    at a time (``block_rows``), again when the array is written meanwhile; ``x.flat[i]``
    for one position is a 0-d array (numpy gives a scalar); a BlockArray key, and the value
    of a write, are fetched to the driver (positions and values, never the array); a Python
    ``True`` key on an empty array raises IndexError (NumPy reads unallocated memory)."""

    def __init__(self, base: BlockArray):
        self._base = base
        self._index = 0
        # the block-row holding the next element: its flat values, the flat position of its
        # first one, and the version of the base's root they were read at (a write since
        # makes them stale)
        self._row: np.ndarray | None = None
        self._row_start = 0
        self._row_version = -1

    @property
    def base(self) -> BlockArray:
        """The array being iterated over."""
        return self._base

    @property
    def index(self) -> int:
        """How many elements iteration has returned: the flat position of the next one."""
        return self._index

    @property
    def coords(self) -> tuple[int, ...]:
        """The N-dimensional position of the next element (past the end: the first axis's
        length, then zeros)."""
        shape = self._base.shape
        if self._index < self._base.size:
            return tuple(int(c) for c in np.unravel_index(self._index, shape))
        if not shape:
            return ()
        return (shape[0] if self._base.size else 0,) + (0,) * (len(shape) - 1)

    def __len__(self) -> int:
        return self._base.size

    def __iter__(self) -> FlatIter:
        return self

    def __next__(self) -> Any:
        x, i = self._base, self._index
        if i >= x.size:
            raise StopIteration
        root = x if x._link is None else x._link.root
        row = self._row
        if (row is None or self._row_version != root._version
                or not self._row_start <= i < self._row_start + row.size):
            row = self._fetch_row(i)
            self._row_version = root._version
        self._index = i + 1
        return row[i - self._row_start]

    def _fetch_row(self, i: int) -> np.ndarray:
        """Fetch the block-row holding flat position ``i`` (one grid row along axis 0)."""
        x = self._base
        if x.ndim == 0:
            self._row, self._row_start = x.get().reshape(-1), 0
            return self._row
        per_row = x.size // x.shape[0]  # elements per index of the first axis
        bounds = x.grid.boundaries(0)
        k = bisect.bisect_right(bounds, i // per_row) - 1
        self._row = x[bounds[k]:bounds[k + 1]].get().reshape(-1)
        self._row_start = bounds[k] * per_row
        return self._row

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return self._base.get().reshape(-1).astype(dtype or self._base.dtype, copy=False)

    def copy(self) -> BlockArray:
        """A 1-d copy of the array (``numpy.flatiter.copy``)."""
        return self._read(np.arange(self._base.size, dtype=np.intp), MANY)

    def __getitem__(self, key: Any) -> BlockArray:
        self._index = 0  # NumPy's indexing restarts the iteration
        return self._read(*_positions(key, self._base.size))

    def _read(self, pos: np.ndarray, kind: str) -> BlockArray:
        """The elements at flat positions ``pos`` (of a key of ``kind``)."""
        x = self._base
        if kind == MASK0 and pos.ndim:  # (False: no element)
            kind = MANY
        elif kind == MASK0 and x.size == 0:  # (True: NumPy reads unallocated memory)
            raise IndexError("index 0 is out of bounds for size 0")
        if x.ndim == 0:
            return x.reshape(1)[pos] if kind == MANY else x.copy()
        coords = np.unravel_index(pos, x.shape)
        if kind != MANY:
            return x[tuple(int(c) for c in coords)]
        return x[coords]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._index = 0  # NumPy's indexing restarts the iteration
        if isinstance(key, tuple) and (not key or (len(key) == 1 and key[0] is Ellipsis)):
            raise IndexError("Assigning to a flat iterator with a 0-D index is not supported")
        pos, kind = _positions(key, self._base.size)
        if kind == MASK0:
            if pos.ndim:  # False: NumPy writes nothing and does not read the value
                return
            value = self._mask0_value(value)  # True: read even if there is no element
            if not self._base.size:
                return
        elif kind == ONE:
            # one item: NumPy converts a scalar as one item (an integer out of range or NaN
            # into integers is its "Error setting single item" ValueError; a 0-d array is
            # cast); a 0-d nums result stands for the scalar NumPy would have
            if isinstance(value, BlockArray) and value.ndim == 0:
                value = np.asarray(value.get())[()]
            if (value.ndim if isinstance(value, BlockArray) else np.ndim(value)) != 0:
                raise ValueError("Error setting single item of array.")  # NumPy's, for any
                # sequence or array with dimensions (even of one element)
            if np.ndim(value) == 0 and not isinstance(value, np.ndarray | BlockArray):
                probe = np.empty(1, self._base.dtype)
                probe.flat[0] = value
                value = probe[0]
        _inplace.put(self._base, pos, value)

    def _mask0_value(self, value: Any) -> Any:
        """``value`` as NumPy converts it for a write through the 0-d mask ``True``: one
        item, its errors those of the dtype's conversion (a tiny NumPy write raises them)."""
        if isinstance(value, BlockArray):
            value = value.get()[()] if value.ndim == 0 else value.get()
        probe = np.zeros(1, self._base.dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # (ours is given already)
            probe.flat[True] = value
        return probe[0]


def flat(x: BlockArray) -> FlatIter:
    return FlatIter(x)


def set_flat(x: BlockArray, value: Any) -> None:
    """``x.flat = value``: every element, from ``value`` repeated in C order."""
    FlatIter(x)[...] = value
