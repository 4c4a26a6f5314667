"""Assembling and picking from several arrays: ``choose``, ``block``, ``delete``,
``insert``, ``apply_over_axes`` (composed of ``where``, ``concatenate``, ``take`` and views)."""

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
    # Python numbers stay weakly typed for the result's dtype, as NumPy's (NEP 50)
    weak = [c if type(c) in (int, float, complex, bool) else None for c in choices]
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
    dtype = np.result_type(*[c.dtype if w is None else w for c, w in zip(options, weak)])
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
            # (an empty list is NumPy's empty index; an empty float array its error)
            if (sel.size or isinstance(obj, np.ndarray)) and sel.dtype.kind not in "iu":
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


def insert(arr: Any, obj: Any, values: Any, axis: int | None = None) -> BlockArray:
    """nums implementation of ``numpy.insert``: the new positions along ``axis`` are decided
    on the driver from ``obj`` (small), as NumPy does; the values, cast to ``arr``'s dtype
    and broadcast as NumPy broadcasts them, are joined to ``arr`` with ``concatenate`` (one
    index: the two halves of ``arr`` around them) or placed with ``take``."""
    u = _nps()
    x = asarray(arr)
    if axis is None:
        x = u.ravel(x) if x.ndim != 1 else x
        axis = x.ndim - 1
    else:
        axis = normalize_axis_index(axis, x.ndim)
    n = x.shape[axis]
    if isinstance(obj, BlockArray):
        obj = obj.get()
    if isinstance(obj, slice):
        indices = np.arange(*obj.indices(n), dtype=np.intp)
    else:
        indices = np.array(obj)
        if indices.dtype == bool:
            if obj.ndim != 1:  # as NumPy: a list of bools raises its AttributeError
                raise ValueError("boolean array argument obj to insert must be one "
                                 "dimensional")
            indices = np.flatnonzero(obj)
        elif indices.ndim > 1:
            raise ValueError("index array argument obj to insert must be one dimensional "
                             "or scalar")
    vals = _insert_values(values, x)
    head = (slice(None),) * axis
    if indices.size == 1:
        index = indices.item()
        if index < -n or index > n:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        index = index + n if index < 0 else index
        if indices.ndim == 0:
            vals = u.moveaxis(vals, 0, axis)
        vals = _fit(vals, x.shape[:axis] + (vals.shape[axis],) + x.shape[axis + 1:])
        return u.concatenate([x[head + (slice(0, index),)], vals,
                              x[head + (slice(index, n),)]], axis=axis)
    if indices.size == 0 and not isinstance(obj, np.ndarray):
        indices = indices.astype(np.intp)
    indices[indices < 0] += n
    numnew = len(indices)
    order = indices.argsort(kind="mergesort")  # stable, as NumPy
    indices[order] += np.arange(numnew)
    old_mask = np.ones(n + numnew, dtype=bool)
    old_mask[indices] = False  # NumPy's IndexError for an index out of bounds
    positions = np.empty(n + numnew, dtype=np.intp)
    positions[old_mask] = np.arange(n)
    positions[indices] = n + np.arange(numnew)
    vals = _fit(vals, x.shape[:axis] + (numnew,) + x.shape[axis + 1:])
    return u.take(u.concatenate([x, vals], axis=axis), asarray(positions), axis=axis)


def _insert_values(values: Any, x: BlockArray) -> BlockArray:
    """``numpy.array(values, ndmin=x.ndim, dtype=x.dtype)`` (a BlockArray stays one)."""
    if not isinstance(values, BlockArray):
        return asarray(np.array(values, ndmin=x.ndim, dtype=x.dtype))
    v = values if values.dtype == x.dtype else values.astype(x.dtype)
    return _nps().reshape(v, (1,) * (x.ndim - v.ndim) + v.shape) if v.ndim < x.ndim else v


def _fit(vals: BlockArray, shape: tuple[int, ...]) -> BlockArray:
    """``vals`` broadcast to ``shape`` as an assignment broadcasts it (leading length-1
    axes beyond ``shape``'s dropped), with NumPy's error when it does not fit."""
    u = _nps()
    lead = 0
    while vals.ndim - lead > len(shape) and vals.shape[lead] == 1:
        lead += 1
    core = vals.shape[lead:]
    try:
        ok = len(core) <= len(shape) and np.broadcast_shapes(core, shape) == tuple(shape)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"could not broadcast input array from shape {vals.shape} into "
                         f"shape {tuple(shape)}")
    if lead:
        vals = u.reshape(vals, core)
    return vals if vals.shape == tuple(shape) else u.broadcast_to(vals, shape)


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


__all__ = ["choose", "block", "delete", "insert", "apply_over_axes"]
