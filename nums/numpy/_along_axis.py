"""Functions that work line by line along one axis: NumPy's own function runs on whole
lines in a task per block of the result, reading the input's rows where they lie
(:func:`nums.core.array.lines.along_axis`), so results are NumPy's. ``take_along_axis``
lays the array out with the axis whole in every block first
(:func:`nums.core.array.relayout.whole_axis`); ``trapezoid`` is composed of slicing,
``diff`` and ``sum``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array import resident
from nums.core.array.blockarray import (
    BlockArray,
    call_user,
    local_limit,
    local_value,
    scalar_values,
    submit,
)
from nums.core.array.lines import along_axis
from nums.core.array.relayout import whole_axis
from nums.core.graph.grid import ArrayGrid
from nums.numpy._convert import asarray, numpy_results


def _per_line(x: BlockArray, axis: int, out_len: int | None, dtype: np.dtype, fn: Callable,
              *args: Any, name: str, **kwargs: Any) -> BlockArray:
    """``fn(lines, *args, **kwargs)`` on the lines of ``x`` along ``axis``; the result's
    ``axis`` has length ``out_len`` (None: the axis is dropped)."""
    return along_axis(x, axis, out_len, dtype, _line_kernel, (fn, *args), kwargs, name=name)


def _line_kernel(lines: np.ndarray, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    return call_user(fn, lines, *args, **kwargs)


def apply_along_axis(func1d: Callable, axis: int, arr: Any, *args: Any, **kwargs: Any
                     ) -> BlockArray:
    """nums implementation of ``numpy.apply_along_axis``: ``func1d`` runs on the lines of
    each block (the axis whole in every block), in tasks. The result's dtype and the shape
    of each line's result come from ``func1d`` on the first line, as in NumPy. The function
    must be picklable (lambdas and local functions travel with cloudpickle). An array held
    in the driver runs NumPy's ``apply_along_axis`` there; an array in blocks needs lines
    whose results have at most one axis (NotImplementedError otherwise)."""
    x = asarray(arr)
    value = local_value(x)
    func1d = _Values(func1d)
    if value is not None:  # a small array: NumPy's own (results of any number of axes)
        return numpy_results(np.asarray(call_user(np.apply_along_axis, func1d, axis, value,
                                                  *args, **kwargs)))
    axis = normalize_axis_index(axis, x.ndim)
    if any(n == 0 for a, n in enumerate(x.shape) if a != axis):
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    first = x[tuple(0 if a != axis else slice(None) for a in range(x.ndim))].get()
    res = np.asanyarray(func1d(first, *args, **kwargs))
    if res.ndim > 1:  # the line's result spans several new axes
        raise NotImplementedError("nums apply_along_axis: func1d returning arrays of more "
                                  "than one dimension is not supported")
    out_len = None if res.ndim == 0 else res.shape[0]
    return _per_line(x, axis, out_len, res.dtype, _apply_lines, func1d, axis, out_len,
                     res.dtype, args, kwargs, name="apply_along_axis")


class _Values:
    """``fn`` giving NumPy's values for the BlockArrays it returns (nums's own functions
    applied to the lines, ``np.sum``), as NumPy's ``apply_along_axis`` reads them."""

    def __init__(self, fn: Callable):
        self.fn = fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        r = self.fn(*args, **kwargs)
        return r.get() if isinstance(r, BlockArray) else r


def _apply_lines(block: np.ndarray, func1d: Callable, axis: int, out_len: int | None,
                 dtype: np.dtype, args: tuple, kwargs: dict) -> np.ndarray:
    """``func1d`` on each line of ``block``, each result written as NumPy's
    ``apply_along_axis`` writes it: into a buffer shaped by the whole array's first line
    (``out_len``, ``dtype``), with NumPy's broadcasting and casting, so that a block's own
    first line does not set another shape."""
    lines = np.moveaxis(block, axis, -1)
    buff = np.empty(lines.shape[:-1] + (() if out_len is None else (out_len,)), dtype)
    for ind in np.ndindex(lines.shape[:-1]):
        buff[ind] = np.asanyarray(func1d(lines[ind], *args, **kwargs))
    return buff if out_len is None else np.moveaxis(buff, -1, axis)


def take_along_axis(arr: Any, indices: Any, axis: int | None = -1) -> BlockArray:
    """nums implementation of ``numpy.take_along_axis``: both arrays laid out with ``axis``
    whole in matching blocks; NumPy's function per block."""
    a = asarray(arr)
    idx = asarray(indices)
    if idx.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if idx.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        from nums.numpy._manipulation import ravel, take

        return take(ravel(a), idx)
    if idx.ndim != a.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = normalize_axis_index(axis, a.ndim)
    other = [np.broadcast_shapes((a.shape[k],), (idx.shape[k],))[0] if k != axis else None
             for k in range(a.ndim)]
    from nums.numpy._manipulation import broadcast_to

    a_full = broadcast_to(a, tuple(a.shape[k] if k == axis else other[k]
                                   for k in range(a.ndim)))
    i_full = broadcast_to(idx, tuple(idx.shape[k] if k == axis else other[k]
                                     for k in range(a.ndim)))
    bound = a.shape[axis]
    if i_full.size:  # NumPy raises at the call: one small reduction round to check the bounds
        # (of the broadcast indices: NumPy checks none when they are empty)
        from nums.numpy._reductions import max as top
        from nums.numpy._reductions import min as bottom

        hi, lo = (int(v.get()) for v in (top(idx), bottom(idx)))
        if hi >= bound or lo < -bound:
            bad = hi if hi >= bound else lo
            raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {bound}")
    points = _as_points(a, idx, axis, other)
    if points is not None:
        return points
    src = whole_axis(a_full, axis)
    bs = list(src.block_shape)
    bs[axis] = max(1, i_full.shape[axis])
    from nums.core.array.relayout import rechunk

    ind = rechunk(i_full, tuple(bs))
    grid = ArrayGrid(i_full.shape, tuple(bs), a.dtype)
    return BlockArray.build(  # (blocks read inside the task: see _per_line)
        grid, lambda b, node: submit(_take_lines, src.blocks[b[:axis] + (0,) + b[axis + 1:]],
                                     ind.blocks[b], axis, bound, node=node),
        reads=lambda b: [(src, src.grid.block_slices(b[:axis] + (0,) + b[axis + 1:])),
                         (ind, ind.grid.block_slices(b))],
        name="take_along_axis")


def _as_points(a: BlockArray, idx: BlockArray, axis: int, other: list) -> BlockArray | None:
    """``take_along_axis`` of a distributed ``a`` by a small driver-resident (or fetchable)
    ``idx`` (the ``k`` best of each row) as a gather of its points, ``a[rows, idx]``: the
    blocks are read where they are, not laid out with ``axis`` whole first. None: the
    general path."""
    if local_value(a) is not None or idx.size * a.itemsize > local_limit():
        return None
    value = local_value(idx)
    if value is None and resident.fetchable(idx):  # (``argpartition(-S, k)[:, :k]``)
        value = resident.fetched(idx)
    if value is None:
        return None
    key = []
    for k in range(a.ndim):
        if k == axis:
            key.append(value)
            continue
        line = np.arange(other[k]) if a.shape[k] != 1 else np.zeros(other[k], np.intp)
        key.append(line.reshape([-1 if j == k else 1 for j in range(a.ndim)]))
    return a[tuple(key)]


def _take_lines(block: np.ndarray, indices: np.ndarray, axis: int, bound: int) -> np.ndarray:
    if indices.size and (indices.max() >= bound or indices.min() < -bound):
        bad = int(indices.max() if indices.max() >= bound else indices.min())
        raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {bound}")
    return np.take_along_axis(block, indices, axis)


def unwrap(p: Any, discont: float | None = None, axis: int = -1, *,
           period: float = 2 * np.pi) -> BlockArray:
    """nums implementation of ``numpy.unwrap`` (NumPy's per block, the axis whole)."""
    x = asarray(p)
    discont, period = scalar_values((discont, period))  # (``period=np.ptp(p)``: a number)
    axis = normalize_axis_index(axis, x.ndim)
    dtype = np.unwrap(np.zeros(2, x.dtype), discont, period=period).dtype
    return _per_line(x, axis, x.shape[axis], dtype, np.unwrap, discont, axis, period=period,
                     name="unwrap")


def gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """nums implementation of ``numpy.gradient``: per axis, NumPy's gradient along it on
    each block (the axis whole in every block)."""
    x = asarray(f)
    if axis is None:
        axes = list(range(x.ndim))
    else:
        if isinstance(axis, BlockArray) and not axis.ndim:
            axis = operator.index(axis)  # (a 0-d integer array: one axis, as in NumPy)
        axes = [normalize_axis_index(a, x.ndim) for a in (
            (axis,) if isinstance(axis, int | np.integer) or np.ndim(axis) == 0 else axis)]
    if len(set(axes)) != len(axes):
        raise ValueError("duplicate value in 'axis'")
    varargs = scalar_values(varargs)  # (``h = x[1] - x[0]``: NumPy's scalar)
    n = len(varargs)
    if n == 0:
        spacing: list = [1.0] * len(axes)
    elif n == 1 and np.ndim(varargs[0]) == 0:
        spacing = [varargs[0]] * len(axes)
    elif n == len(axes):
        spacing = [v.get() if isinstance(v, BlockArray) else v for v in varargs]
    else:
        raise TypeError("invalid number of arguments")
    outs = []
    for ax, dx in zip(axes, spacing):
        if np.ndim(dx) > 1:
            raise ValueError("distances must be either scalars or 1d")
        if np.ndim(dx) == 1 and len(dx) != x.shape[ax]:
            raise ValueError("when 1d, distances must match the length of the corresponding "
                             "dimension")
        if x.shape[ax] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")
        # NumPy's result dtype, on a stand-in of zeros (whose own arithmetic, at repeated
        # coordinates, is not the user's: no warnings), long enough for any edge order
        stand_in = np.zeros(max(math.ceil(edge_order) + 1, 3) if np.ndim(dx) == 0 else len(dx),
                            x.dtype)  # (NumPy takes edge_order=2.0, 1.5 as 2)
        with np.errstate(all="ignore"):
            dtype = np.gradient(stand_in, dx, edge_order=edge_order).dtype
        outs.append(_per_line(x, ax, x.shape[ax], dtype, _gradient_lines, dx, ax,
                              edge_order, name="gradient"))
    return outs[0] if len(outs) == 1 else tuple(outs)


def _gradient_lines(block: np.ndarray, dx: Any, axis: int, edge_order: int) -> np.ndarray:
    return np.gradient(block, dx, axis=axis, edge_order=edge_order)


def packbits(a: Any, /, axis: int | None = None, bitorder: str = "big") -> BlockArray:
    """nums implementation of ``numpy.packbits`` (per block along ``axis`` whole; the
    flattened array when ``axis`` is None)."""
    x = asarray(a)
    if x.dtype.kind not in "biu":
        np.packbits(np.zeros(1, x.dtype))  # NumPy's TypeError
    np.packbits(np.zeros(1, np.uint8), bitorder=bitorder)  # NumPy's check of bitorder
    if axis is None:
        from nums.numpy._manipulation import ravel

        x, axis = ravel(x), 0
    axis = normalize_axis_index(axis, x.ndim)
    return _per_line(x, axis, -(-x.shape[axis] // 8), np.dtype(np.uint8), np.packbits, axis,
                     bitorder=bitorder, name="packbits")


def unpackbits(a: Any, /, axis: int | None = None, count: int | None = None,
               bitorder: str = "big") -> BlockArray:
    """nums implementation of ``numpy.unpackbits`` (per block along ``axis`` whole; the
    flattened array when ``axis`` is None)."""
    x = asarray(a)
    if x.dtype != np.uint8:
        np.unpackbits(np.zeros(1, x.dtype))  # NumPy's TypeError
    np.unpackbits(np.zeros(1, np.uint8), bitorder=bitorder)
    if axis is None:
        from nums.numpy._manipulation import ravel

        x, axis = ravel(x), 0
    axis = normalize_axis_index(axis, x.ndim)
    full = 8 * x.shape[axis]
    if count is None:
        length = full
    else:
        count = operator.index(count)
        length = max(0, full + count) if count < 0 else count
    return _per_line(x, axis, length, np.dtype(np.uint8), np.unpackbits, axis, count=count,
                     bitorder=bitorder, name="unpackbits")


def trapezoid(y: Any, x: Any = None, dx: float = 1.0, axis: int = -1) -> Any:
    """nums implementation of ``numpy.trapezoid`` (slices, ``diff`` and a sum)."""
    from nums.numpy._manipulation import reshape
    from nums.numpy._reductions import sum as total

    y = asarray(y)
    # ``axis`` of y's slices; the differences of an x with more axes than y, and the sum of
    # their product, take ``axis`` as given (NumPy's: -1 is x's last axis)
    ax = normalize_axis_index(axis, y.ndim)
    if x is None:
        d = dx
    else:
        from nums.numpy import diff

        x = asarray(x)
        if x.ndim == 1:
            d = diff(x)
            shape = [1] * y.ndim
            shape[ax] = d.shape[0]
            d = reshape(d, tuple(shape))
        else:
            d = diff(x, axis=axis)
    upper = [slice(None)] * y.ndim
    lower = [slice(None)] * y.ndim
    upper[ax] = slice(1, None)
    lower[ax] = slice(None, -1)
    return total(d * (y[tuple(upper)] + y[tuple(lower)]) / 2.0, axis=axis)


__all__ = ["apply_along_axis", "take_along_axis", "unwrap", "gradient", "packbits",
           "unpackbits", "trapezoid"]
