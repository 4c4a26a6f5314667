"""Views that reorder axes or elements: ``fliplr``, ``flipud``, ``rot90``, ``rollaxis``,
``matrix_transpose`` (composed of ``flip`` and ``transpose``, views as in NumPy)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.exceptions import AxisError
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array.blockarray import BlockArray
from nums.numpy._convert import asarray
from nums.numpy._manipulation import flip, swapaxes, transpose


def fliplr(m: Any) -> BlockArray:
    """nums implementation of ``numpy.fliplr``: columns reversed (a view)."""
    m = asarray(m)
    if m.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return m[:, ::-1]


def flipud(m: Any) -> BlockArray:
    """nums implementation of ``numpy.flipud``: rows reversed (a view)."""
    m = asarray(m)
    if m.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return m[::-1, ...]


def rot90(m: Any, k: int = 1, axes: Any = (0, 1)) -> BlockArray:
    """nums implementation of ``numpy.rot90``: a quarter turn ``k`` times in the plane of
    ``axes``, from the first axis towards the second (a view)."""
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    m = asarray(m)
    first, second = axes
    if first == second or abs(first - second) == m.ndim:
        raise ValueError("Axes must be different.")
    if not (-m.ndim <= first < m.ndim and -m.ndim <= second < m.ndim):
        raise ValueError(f"Axes={axes} out of range for array of ndim={m.ndim}.")
    k = k % 4  # NumPy's arithmetic: an integral float k turns too (and 1.5 as 3)
    if k == 0:
        return m[:]
    if k == 2:
        return flip(flip(m, first), second)
    # the axes index an array of the axis numbers, as in NumPy: its IndexError for a float
    # axis (and ValueError for a bool one)
    order = np.arange(m.ndim)
    swapped = order[second], order[first]
    order[first], order[second] = swapped
    order = order.tolist()
    if k == 1:
        return transpose(flip(m, second), order)
    return flip(transpose(m, order), second)


def rollaxis(a: Any, axis: int, start: int = 0) -> BlockArray:
    """nums implementation of ``numpy.rollaxis`` (a view)."""
    a = asarray(a)
    n = a.ndim
    axis = normalize_axis_index(axis, n)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise AxisError(f"'start' arg requires {-n} <= start < {n + 1}")
    if axis < start:
        start -= 1
    if axis == start:
        return a[...]
    order = [i for i in range(n) if i != axis]
    order.insert(start, axis)
    return transpose(a, order)


def matrix_transpose(x: Any, /) -> BlockArray:
    """nums implementation of ``numpy.matrix_transpose``: the last two axes swapped."""
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return swapaxes(x, -1, -2)


__all__ = ["fliplr", "flipud", "rot90", "rollaxis", "matrix_transpose"]
