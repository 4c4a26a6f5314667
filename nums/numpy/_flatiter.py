"""``ndarray.flat`` for BlockArrays: the array indexed as if it were 1-d in C order.

Reads turn flat positions into per-axis coordinates and use advanced indexing (a
distributed gather; nothing is reshaped); writes are ``numpy.put`` (values repeated to
the number of positions, the last of repeated positions wins).
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy import _inplace


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


class FlatIter:
    """nums implementation of ``numpy.flatiter`` (``x.flat``). Differs: iterating fetches
    the array one block-row at a time (``block_rows``); ``x.flat[i]`` for one position
    is a 0-d array (numpy gives a scalar); a BlockArray key, and the value of a write, are
    fetched to the driver (positions and values, never the array)."""

    def __init__(self, base: BlockArray):
        self._base = base

    @property
    def base(self) -> BlockArray:
        """The array being iterated over."""
        return self._base

    def __len__(self) -> int:
        return self._base.size

    def __iter__(self) -> Iterator[Any]:
        for rows in block_rows(self._base):
            yield from rows.reshape(-1)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        return self._base.get().reshape(-1).astype(dtype or self._base.dtype, copy=False)

    def copy(self) -> BlockArray:
        """A 1-d copy of the array (``numpy.flatiter.copy``)."""
        return self[...]

    def _positions(self, key: Any) -> tuple[np.ndarray, bool]:
        """Flat positions selected by ``key`` (non-negative) and whether the key is one int."""
        n = self._base.size
        if isinstance(key, tuple) and len(key) == 1:
            key = key[0]
        if key is Ellipsis:
            return np.arange(n, dtype=np.intp), False
        if isinstance(key, slice):
            return np.arange(*key.indices(n), dtype=np.intp), False
        if isinstance(key, BlockArray):
            key = key.get()
        if not isinstance(key, bool | np.bool_):
            try:
                i = operator.index(key)
            except TypeError:
                pass
            else:
                if not -n <= i < n:
                    raise IndexError(f"index {i} is out of bounds for axis 0 with size {n}")
                return np.array(i % n, dtype=np.intp), True
        idx = np.asarray(key)
        if idx.dtype == np.bool_:
            if idx.shape != (n,):
                raise IndexError("boolean index did not match indexed flat array")
            return np.flatnonzero(idx), False
        if idx.dtype.kind not in "iu":
            raise IndexError("unsupported iterator index")
        bad = (idx < -n) | (idx >= n)
        if bad.any():
            first = idx.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]]
            raise IndexError(f"index {first} is out of bounds for axis 0 with size {n}")
        return (idx % max(n, 1)).astype(np.intp), False

    def __getitem__(self, key: Any) -> BlockArray:
        pos, single = self._positions(key)
        x = self._base
        if x.ndim == 0:
            return x.reshape(1)[pos] if not single else x.copy()
        coords = np.unravel_index(pos, x.shape)
        if single:
            return x[tuple(int(c) for c in coords)]
        return x[coords]

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, int | np.integer) and not isinstance(key, bool | np.bool_):
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
        pos, _ = self._positions(key)
        _inplace.put(self._base, pos, value)


def flat(x: BlockArray) -> FlatIter:
    return FlatIter(x)


def set_flat(x: BlockArray, value: Any) -> None:
    """``x.flat = value``: every element, from ``value`` repeated in C order."""
    FlatIter(x)[...] = value
