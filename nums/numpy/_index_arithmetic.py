"""Flat indices and coordinates: ``ravel_multi_index`` and ``unravel_index``, elementwise
integer arithmetic (with NumPy's bounds checks, one small reduction each)."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.core.array.geometry import memory_order
from nums.numpy._convert import asarray


def _nps():
    import nums.numpy as nps

    return nps


def _strides(dims: Sequence[int], order: str) -> list[int]:
    order = memory_order(order, "CF") or "C"
    out, step = [0] * len(dims), 1
    for i in (reversed(range(len(dims))) if order == "C" else range(len(dims))):
        out[i] = step
        step *= dims[i]
    return out


def ravel_multi_index(multi_index: Sequence[Any], dims: Sequence[int], mode: Any = "raise",
                      order: str = "C") -> BlockArray:
    """nums implementation of ``numpy.ravel_multi_index``."""
    u = _nps()
    dims = [operator.index(d) for d in dims]
    coords = [asarray(c) for c in multi_index]
    if len(coords) != len(dims):
        raise ValueError(f"parameter multi_index must be a sequence of length {len(dims)}")
    modes = [mode] * len(dims) if isinstance(mode, str) else list(mode)
    if len(modes) != len(dims):
        raise ValueError(f"parameter mode must be a sequence of length {len(dims)}")
    if any(c.dtype.kind not in "iub" for c in coords):  # (booleans count as 0 and 1)
        raise TypeError("only int indices permitted")
    if not coords:  # (NumPy's: no coordinates, the one position 0)
        return asarray(np.intp(0))
    if any(d < 0 for d in dims):
        raise ValueError("invalid entry in coordinates array")  # (NumPy's, of a negative dim)
    if 0 in dims:
        raise ValueError("cannot unravel if shape has zero entries (is empty).")
    if math.prod(dims) > np.iinfo(np.intp).max:
        raise ValueError("invalid dims: array size defined by dims is larger than the maximum "
                         "possible size.")
    total = None
    for c, d, m, stride in zip(coords, dims, modes, _strides(dims, order)):
        c = c.astype(np.intp)
        if m == "raise":
            if c.size and (bool((c < 0).any()) or bool((c >= d).any())):
                raise ValueError("invalid entry in coordinates array")
        elif m == "wrap":
            c = c % d if d else c
        elif m == "clip":
            c = u.clip(c, 0, max(d - 1, 0))
        else:
            raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {m!r})")
        term = c * stride
        total = term if total is None else total + term
    return total


def unravel_index(indices: Any, shape: Any, order: str = "C") -> tuple[BlockArray, ...]:
    """nums implementation of ``numpy.unravel_index``."""
    idx = asarray(indices)
    if idx.dtype.kind not in "iu":
        np.unravel_index(np.zeros(1, idx.dtype), (1,))  # NumPy's TypeError
    if isinstance(shape, BlockArray) and not shape.ndim:
        shape = operator.index(shape)  # (a 0-d integer array is one length, as in NumPy)
    dims = [operator.index(d) for d in ((shape,) if isinstance(shape, int | np.integer)
                                        else shape)]
    size = int(np.prod(dims, dtype=np.int64))
    if idx.size and (bool((idx < 0).any()) or bool((idx >= size).any())):
        bad = int(((idx < 0) | (idx >= size)).argmax().get())
        value = int(idx.ravel()[bad].get())
        raise ValueError(f"index {value} is out of bounds for array with size {size}")
    idx = idx.astype(np.intp)
    strides = _strides(dims, order)
    return tuple((idx // s) % d if d else idx * 0 for s, d in zip(strides, dims))


__all__ = ["ravel_multi_index", "unravel_index"]
