"""Repeating and trimming: ``tile``, ``repeat``, ``resize``, ``trim_zeros`` (composed of
``concatenate``, ``take``, views and small reductions)."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from nums.core.array.blockarray import BlockArray, normalize_shape, scalar_values
from nums.numpy._convert import asarray, intp_values


def _nps():
    import nums.numpy as nps

    return nps


def _tile_reps(reps: Any, whole: bool, shape: tuple[int, ...]) -> tuple[int, ...]:
    """``reps`` as the integers NumPy's ``tile`` takes, with its errors.

    Counts that all equal 1 (``1.0``, ``True``) ask for a copy when the input is an array
    (``whole``). Otherwise NumPy multiplies each length by its count (``None``: TypeError),
    repeats a non-empty input by each count other than 1 (``repeat``'s conversion: ``'ab'``
    is its ValueError, ``2.0`` and ``'2'`` pass), then shapes the result with the products,
    which must be integers (TypeError).
    """
    try:
        tup = tuple(reps)
    except TypeError:
        tup = (reps,)
    if whole and all(r == 1 for r in tup):
        return (1,) * len(tup)
    lengths = (1,) * (len(tup) - len(shape)) + tuple(shape)
    for n, r in zip(reversed(lengths), reversed(tup)):
        # NumPy's products of lengths and counts (None: TypeError); a sequence count would
        # only be repeated n times, without error
        if not isinstance(r, str | bytes | list | tuple):
            n * r
    if 0 not in shape:
        for r in tup:
            if r != 1:
                np.empty((1, 0)).repeat(r, 0)  # (NumPy's conversion of a count; no data)
    return tuple(operator.index(r) for r in tup)


def tile(A: Any, reps: Any) -> BlockArray:
    """nums implementation of ``numpy.tile`` (copies joined with ``concatenate``)."""
    u = _nps()
    c = asarray(A)
    reps = _tile_reps(reps, isinstance(A, BlockArray | np.ndarray), c.shape)
    if len(reps) > c.ndim:
        c = u.reshape(c, (1,) * (len(reps) - c.ndim) + c.shape)
    reps = (1,) * (c.ndim - len(reps)) + reps
    if any(r < 0 for r in reps):
        raise ValueError("negative dimensions are not allowed")
    out = c
    for axis, r in enumerate(reps):
        if r != 1:
            out = u.concatenate([out] * r, axis=axis) if r else u.take(
                out, u.arange(0, dtype=np.intp), axis=axis)
    return out.copy() if out is c and isinstance(A, BlockArray) else out


def repeat(a: Any, repeats: Any, axis: int | None = None) -> BlockArray:
    """nums implementation of ``numpy.repeat``: a gather of each element ``repeats`` times
    (``take`` with the repeated positions)."""
    u = _nps()
    x = asarray(a)
    if axis is None:
        x, axis = u.ravel(x), 0
    axis = normalize_axis_index(axis, x.ndim)
    n = x.shape[axis]
    kind = getattr(repeats, "dtype", None) if getattr(repeats, "ndim", 0) else None
    if kind is not None and not np.can_cast(kind, np.intp, "safe"):
        # an array of counts casts safely (a scalar, even uint64 or a float, is taken)
        raise TypeError(f"Cannot cast array data from {kind!r} to {np.dtype(np.intp)!r} "
                        "according to the rule 'safe'")
    if kind is None:  # one count: as a Python number (``np.float64(2)``, ``x.max()``)
        repeats = scalar_values(repeats)
        repeats = repeats.item() if isinstance(repeats, np.generic) else repeats
    counts = intp_values(repeats)
    if n and np.any(counts < 0):  # (NumPy checks them only when there is something to repeat)
        raise ValueError("repeats may not contain negative values.")
    if counts.ndim == 0 or counts.size == 1:
        r = int(counts.reshape(-1)[0]) if counts.size else 0
        positions = u.arange(n * r, dtype=np.intp) // max(r, 1)
    else:
        if counts.shape != (n,):
            raise ValueError(f"operands could not be broadcast together with shape ({n},) "
                             f"{counts.shape}")
        positions = asarray(np.repeat(np.arange(n, dtype=np.intp), counts))
    return u.take(x, positions, axis=axis)


def resize(a: Any, new_shape: Any) -> BlockArray:
    """nums implementation of ``numpy.resize`` (the flattened input repeated, then cut)."""
    u = _nps()
    new_shape = normalize_shape(new_shape)
    x = u.ravel(asarray(a))
    size = 1
    for d in new_shape:
        size *= d
        if d < 0:
            raise ValueError("all elements of `new_shape` must be non-negative")
    if x.size == 0 or size == 0:
        return u.zeros(new_shape, dtype=x.dtype)
    copies = -(-size // x.size)
    joined = u.concatenate([x] * copies) if copies > 1 else x[:size].copy()  # a new array
    return u.reshape(joined[:size], new_shape)


def trim_zeros(filt: Any, trim: str = "fb", axis: Any = None) -> BlockArray:
    """nums implementation of ``numpy.trim_zeros``: a view without the leading and/or
    trailing zeros (the bounding box of the non-zeros along ``axis``)."""
    u = _nps()
    if isinstance(filt, list | tuple):  # NumPy slices the sequence itself: a list stays one
        return np.trim_zeros(filt, trim, **({} if axis is None else {"axis": axis}))
    x = asarray(filt)
    trim = trim.lower()
    if trim not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    axes = tuple(range(x.ndim)) if axis is None else normalize_axis_tuple(axis, x.ndim)
    if not axes:
        return x
    # truth values, as NumPy's (strings count when non-empty); objects: != 0, as NumPy's
    nonzero = x != 0 if x.dtype == object else x.astype(bool)
    where = u.argwhere(nonzero) if x.ndim != 1 else u.nonzero(nonzero)[0][:, None]
    if where.shape[0] == 0:
        start = stop = [0] * x.ndim
    else:
        start = [int(v) for v in where.min(axis=0).get()]
        stop = [int(v) + 1 for v in where.max(axis=0).get()]
        if "f" not in trim:
            start = [None] * x.ndim
        if "b" not in trim:
            stop = [None] * x.ndim
    return x[tuple(slice(start[k], stop[k]) if k in axes else slice(None)
                   for k in range(x.ndim))]


__all__ = ["tile", "repeat", "resize", "trim_zeros"]
