"""Conversions to BlockArrays: ``array``, ``asarray`` and ``copy`` (the namespace's base)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.core.array.relayout import rechunk
from nums.core.array.views import reshape_view
from nums.numpy._device import check_device


def _scalar(x: Any) -> Any:
    """A 0-d BlockArray as its numpy scalar (accepted wherever numpy accepts a scalar)."""
    return x.get()[()] if isinstance(x, BlockArray) and x.ndim == 0 else x


def array(
    object: Any,
    dtype: Any = None,
    *,
    copy: bool | None = True,
    ndmin: int = 0,
    block_shape: Any = None,
) -> BlockArray:
    """nums implementation of numpy.array.

    Accepts lists, scalars, numpy arrays and BlockArrays. A numpy input is split into blocks
    and put into the store (``block_shape=`` chooses the split).
    """
    if isinstance(object, BlockArray):
        out = object.astype(dtype, copy=bool(copy)) if dtype is not None else object
        if copy and out is object:
            out = object.copy()
        if ndmin > out.ndim:
            out = reshape_view(out, (1,) * (ndmin - out.ndim) + out.shape)
        if block_shape is not None:
            out = rechunk(out, block_shape)
        return out
    value = np.array(object, dtype=dtype, ndmin=ndmin)
    return BlockArray.from_numpy(value, block_shape)


def asarray(
    a: Any,
    dtype: Any = None,
    order: Any = None,
    *,
    device: Any = None,
    copy: bool | None = None,
    like: Any = None,
    block_shape: Any = None,
) -> BlockArray:
    """nums implementation of numpy.asarray.

    A BlockArray of the requested dtype is returned as it is (``copy=True``: an independent
    copy; ``copy=False`` raises where a copy is needed, as numpy). ``order`` is accepted and
    ignored (blocks are C-ordered); ``block_shape=`` chooses the blocks (a new array).
    """
    check_device(device)
    if isinstance(a, BlockArray):
        if dtype is not None and np.dtype(dtype) != a.dtype:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            a = a.astype(dtype)
        elif copy:
            a = a.copy()
        return rechunk(a, block_shape) if block_shape is not None else a
    if copy is False:
        raise ValueError("Unable to avoid copy while creating an array as requested.")
    return BlockArray.from_numpy(np.asarray(a, dtype=dtype), block_shape)


asanyarray = asarray
ascontiguousarray = asarray


def copy(a: Any, *, block_shape: Any = None) -> BlockArray:
    """nums implementation of numpy.copy."""
    return array(a, copy=True, block_shape=block_shape)


__all__ = ["array", "asarray", "asanyarray", "ascontiguousarray", "copy"]


def intp_values(values: Any) -> np.ndarray:
    """Indices or counts (of ``take``, ``put``, ``repeat``) as NumPy converts them: Python
    numbers and sequences element by element to intp (floats truncated, ``[]`` an empty
    index), arrays by a same-kind cast (NumPy's TypeError for an array of floats)."""
    if isinstance(values, BlockArray):
        values = values.get()
    if isinstance(values, np.ndarray | np.generic):
        return np.asarray(values).astype(np.intp, casting="same_kind")
    return np.asarray(values, dtype=np.intp)
