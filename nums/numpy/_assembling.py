"""Assembling and picking from several arrays: ``choose``, ``block``, ``delete``,
``apply_over_axes`` (composed of ``where``, ``concatenate``, ``take`` and views)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array.blockarray import BlockArray
from nums.core.array.writes import to_out
from nums.numpy._convert import asarray


def _nps():
    import nums.numpy as nps

    return nps


def choose(a: Any, choices: Any, out: Any = None, mode: str = "raise") -> BlockArray:
    """nums implementation of ``numpy.choose``: ``choices[a[i]][i]`` (a chain of
    ``where``; ``mode="raise"`` checks the indices with one small reduction)."""
    u = _nps()
    idx = asarray(a)
    if idx.dtype.kind not in "iub":
        np.choose(np.zeros(1, idx.dtype), [np.zeros(1)])  # NumPy's TypeError
    options = [c if isinstance(c, BlockArray) else np.asarray(c) for c in choices]
    n = len(options)
    if n == 0:
        raise ValueError("0-length sequence.")
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    if mode == "raise":
        if idx.size and (bool((idx < 0).any()) or bool((idx >= n).any())):
            raise ValueError("invalid entry in choice array")
    elif mode == "wrap":
        idx = idx % n
    else:
        idx = u.clip(idx, 0, n - 1)
    dtype = np.result_type(*[c.dtype for c in options])
    shape = np.broadcast_shapes(idx.shape, *[c.shape for c in options])
    result = u.broadcast_to(asarray(options[-1]).astype(dtype), shape)
    for k in range(n - 2, -1, -1):
        result = u.where(idx == k, asarray(options[k]).astype(dtype), result)
    return to_out(out, result.copy() if result.base is not None else result)


def _depth(obj: Any, where: str = "arrays") -> int:
    if isinstance(obj, tuple):
        raise TypeError(f"{where} is a tuple. Only lists can be used to arrange blocks, and "
                        "np.block does not allow implicit conversion from tuple to ndarray.")
    if not isinstance(obj, list):
        return 0
    if not obj:
        raise ValueError(f"List at {where} cannot be empty")
    depths = {_depth(item, f"{where}[{i}]") for i, item in enumerate(obj)}
    if len(depths) != 1:
        raise ValueError("List depths are mismatched. First element was at depth "
                         f"{min(depths) + 1}, but there is an element at depth "
                         f"{max(depths) + 1} ({where})")
    return depths.pop() + 1


def _leaves(obj: Any) -> list:
    return [leaf for item in obj for leaf in _leaves(item)] if isinstance(obj, list) else [obj]


def block(arrays: Any) -> BlockArray:
    """nums implementation of ``numpy.block``: the innermost lists joined along the last
    axis, the next ones along the one before, ... (``concatenate`` of views)."""
    u = _nps()
    depth = _depth(arrays)
    leaves = [asarray(x) for x in _leaves(arrays)]
    ndim = max([depth] + [x.ndim for x in leaves])

    def build(obj: Any, level: int) -> BlockArray:
        if not isinstance(obj, list):
            x = asarray(obj)
            return u.reshape(x, (1,) * (ndim - x.ndim) + x.shape) if x.ndim < ndim else x
        parts = [build(item, level + 1) for item in obj]
        return u.concatenate(parts, axis=-(depth - level))

    result = build(arrays, 0)
    return result.copy() if depth == 0 else result


def delete(arr: Any, obj: Any, axis: int | None = None) -> BlockArray:
    """nums implementation of ``numpy.delete``: the kept positions along ``axis`` (decided
    on the driver from ``obj``, which is small) gathered with ``take``."""
    u = _nps()
    x = asarray(arr)
    if axis is None:
        x, axis = u.ravel(x), 0
    axis = normalize_axis_index(axis, x.ndim)
    n = x.shape[axis]
    if isinstance(obj, BlockArray):
        obj = obj.get()
    if isinstance(obj, slice):
        keep = np.ones(n, bool)
        keep[obj] = False
    else:
        sel = np.asarray(obj)
        if sel.dtype == bool:
            if sel.shape != (n,):
                raise ValueError("boolean array argument obj to delete must be one "
                                 f"dimensional and match the axis length of {n}")
            keep = ~sel
        else:
            if sel.size and sel.dtype.kind not in "iu":
                raise IndexError("arrays used as indices must be of integer (or boolean) "
                                 "type")
            if sel.ndim == 0:
                i = operator.index(sel[()])
                if not -n <= i < n:
                    raise IndexError(f"index {i} is out of bounds for axis {axis} with size "
                                     f"{n}")
                i %= n
                head = (slice(None),) * axis
                return u.concatenate([x[head + (slice(0, i),)], x[head + (slice(i + 1, n),)]],
                                     axis=axis)
            keep = np.ones(n, bool)
            keep[sel.astype(np.intp, copy=False)] = False
    return u.take(x, asarray(np.flatnonzero(keep)), axis=axis)


def apply_over_axes(func: Callable, a: Any, axes: Any) -> BlockArray:
    """nums implementation of ``numpy.apply_over_axes``: ``func(a, axis)`` over each axis in
    turn, keeping the dimensions (``func`` gets and returns BlockArrays)."""
    u = _nps()
    val = asarray(a)
    n = val.ndim
    if np.ndim(axes) == 0:
        axes = (axes,)
    for axis in axes:
        if axis < 0:
            axis = n + axis
        res = asarray(func(val, axis))
        if res.ndim == val.ndim:
            val = res
        else:
            res = u.expand_dims(res, axis)
            if res.ndim != val.ndim:
                raise ValueError("function is not returning an array of the correct shape")
            val = res
    return val


__all__ = ["choose", "block", "delete", "apply_over_axes"]
