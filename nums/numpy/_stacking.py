"""Joining arrays, composed of ``concatenate`` and views: ``column_stack``, ``row_stack``,
``dstack``, ``atleast_3d``, ``append``, ``kron``."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy._convert import asarray
from nums.numpy._manipulation import (
    atleast_2d,
    concatenate,
    expand_dims,
    ravel,
    reshape,
    stacked_sequence,
    vstack,
)


def atleast_3d(*arys: Any) -> Any:
    """nums implementation of ``numpy.atleast_3d`` (views, as in NumPy)."""
    out = []
    for a in arys:
        x = asarray(a)
        if x.ndim == 0:
            x = x[None, None, None]
        elif x.ndim == 1:
            x = x[None, :, None]
        elif x.ndim == 2:
            x = x[:, :, None]
        out.append(x)
    return out[0] if len(out) == 1 else tuple(out)


def column_stack(tup: Sequence[Any]) -> BlockArray:
    """nums implementation of ``numpy.column_stack`` (1-d arrays become columns)."""
    cols = []
    for a in stacked_sequence(tup):
        x = asarray(a)
        cols.append(x[:, None] if x.ndim == 1 else (x[None, None] if x.ndim == 0
                                                     else atleast_2d(x)))
    return concatenate(cols, axis=1)


def dstack(tup: Sequence[Any]) -> BlockArray:
    """nums implementation of ``numpy.dstack`` (along a third axis)."""
    parts = atleast_3d(*stacked_sequence(tup))
    return concatenate(list(parts) if isinstance(parts, tuple) else [parts], axis=2)


def row_stack(tup: Sequence[Any], *, dtype: Any = None, casting: str = "same_kind"
              ) -> BlockArray:
    """nums implementation of ``numpy.row_stack`` (NumPy's deprecated alias of ``vstack``:
    the same DeprecationWarning)."""
    with warnings.catch_warnings(record=True) as caught:  # NumPy's own message
        warnings.simplefilter("always")
        np.row_stack([np.zeros(1)])
    if caught:
        from runtime.errors import warn

        warn(str(caught[0].message), caught[0].category)
    result = vstack(tup)
    return result if dtype is None else result.astype(dtype, casting=casting)


def append(arr: Any, values: Any, axis: int | None = None) -> BlockArray:
    """nums implementation of ``numpy.append`` (a new array, as in NumPy)."""
    x = asarray(arr)
    v = asarray(values)
    if axis is None:
        if x.ndim != 1:
            x = ravel(x)
        v = ravel(v)
        axis = x.ndim - 1
    return concatenate([x, v], axis=axis)


def kron(a: Any, b: Any) -> BlockArray:
    """nums implementation of ``numpy.kron``: every product ``a[i] * b[j]``, laid out by
    interleaving the axes of ``a`` and ``b`` (broadcasting, then a reshape)."""
    b = asarray(b)
    a = asarray(a)
    if a.ndim < b.ndim:
        a = reshape(a, (1,) * (b.ndim - a.ndim) + a.shape)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim < a.ndim:
        b = reshape(b, (1,) * (a.ndim - b.ndim) + b.shape)
    nd = a.ndim
    # a on the even axes, b on the odd ones: axis 2k of the product is a's axis k, 2k+1 b's
    left = expand_dims(a, tuple(range(1, 2 * nd, 2)))
    right = expand_dims(b, tuple(range(0, 2 * nd, 2)))
    product = left * right
    return reshape(product, tuple(m * n for m, n in zip(a.shape, b.shape)))


__all__ = ["atleast_3d", "column_stack", "dstack", "row_stack", "append", "kron"]
