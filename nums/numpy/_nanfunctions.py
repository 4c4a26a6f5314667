"""NaN-ignoring reductions, built from the fused elementwise ops and the reduction trees."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray
from nums.core.array.dtypes import dry_run
from nums.numpy import _elementwise as ew
from nums.numpy import _reductions as red
from nums.numpy._convert import asarray
from nums.numpy._logic import where
from nums.numpy._ufunc_methods import stand_where


def _zeroed(a: BlockArray, fill: Any) -> BlockArray:
    return where(ew.isnan(a), fill, a) if a.dtype.kind in "fc" else a


def nansum(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
    *, where: Any = True
) -> BlockArray:
    """nums implementation of numpy.nansum."""
    a = asarray(a)
    dry_run(np.nansum, a, axis=axis, dtype=dtype, keepdims=keepdims, where=stand_where(where))
    return red.sum(_zeroed(a, 0), axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                   where=where)


def nanprod(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False
) -> BlockArray:
    """nums implementation of numpy.nanprod."""
    a = asarray(a)
    dry_run(np.nanprod, a, axis=axis, dtype=dtype, keepdims=keepdims)
    return red.prod(_zeroed(a, 1), axis=axis, dtype=dtype, out=out, keepdims=keepdims)


ALL_NAN = red._numpy_message(np.nanmax, [np.nan])  # "All-NaN slice encountered"


def nanmax(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> BlockArray:
    """nums implementation of numpy.nanmax (all-NaN slices give NaN and numpy's warning)."""
    a = asarray(a)
    dry_run(np.max, a, axis=axis, keepdims=keepdims)
    return red.ufunc_reduce(np.fmax, a, axis, None, out, keepdims, nan_warning=ALL_NAN)


def nanmin(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> BlockArray:
    """nums implementation of numpy.nanmin (all-NaN slices give NaN and numpy's warning)."""
    a = asarray(a)
    dry_run(np.min, a, axis=axis, keepdims=keepdims)
    return red.ufunc_reduce(np.fmin, a, axis, None, out, keepdims, nan_warning=ALL_NAN)


def nanmean(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
    *, where: Any = True
) -> BlockArray:
    """nums implementation of numpy.nanmean."""
    a = asarray(a)
    if a.dtype.kind not in "fc":
        return red.mean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, where=where)
    mask = ew.logical_not(ew.isnan(a))
    if where is not True:
        mask = ew.logical_and(mask, asarray(where, dtype=bool))
    return red._mean(a, axis, dtype, out, keepdims, mask, red.NANMEAN)


def nanvar(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
) -> BlockArray:
    """``var`` over the values that are not NaN."""
    a = asarray(a)
    where = ew.logical_not(ew.isnan(a)) if a.dtype.kind in "fc" else True
    return red._var_std(a, axis, dtype, out, ddof, keepdims, where, None, np.var,
                        kernels.divide_by, red.NANVAR if where is not True else red.VAR)


def nanstd(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
) -> BlockArray:
    """``std`` over the values that are not NaN."""
    a = asarray(a)
    where = ew.logical_not(ew.isnan(a)) if a.dtype.kind in "fc" else True
    return red._var_std(a, axis, dtype, out, ddof, keepdims, where, None, np.std,
                        kernels.sqrt_divide_by, red.NANVAR if where is not True else red.VAR)


def nancumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> BlockArray:
    """nums implementation of numpy.nancumsum (NaN counted as zero)."""
    a = asarray(a)
    dry_run(np.nancumsum, a, axis=axis, dtype=dtype)
    return red.cumsum(_zeroed(a, 0), axis=axis, dtype=dtype, out=out)


def nancumprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> BlockArray:
    """nums implementation of numpy.nancumprod (NaN counted as one)."""
    a = asarray(a)
    dry_run(np.nancumprod, a, axis=axis, dtype=dtype)
    return red.cumprod(_zeroed(a, 1), axis=axis, dtype=dtype, out=out)


def _nanarg(a: Any, axis: Any, out: Any, keepdims: bool, fill: float, arg: Any) -> BlockArray:
    a = asarray(a)
    if a.dtype.kind not in "fc":
        return arg(a, axis=axis, out=out, keepdims=keepdims)
    nan = ew.isnan(a)
    if bool(red.all(nan, axis=axis).any()):  # as NumPy: an all-NaN slice has no answer
        raise ValueError(ALL_NAN)
    return arg(where(nan, fill, a), axis=axis, out=out, keepdims=keepdims)


def nanargmax(a: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False
              ) -> BlockArray:
    """nums implementation of numpy.nanargmax (an all-NaN slice raises ValueError)."""
    return _nanarg(a, axis, out, keepdims, -np.inf, red.argmax)


def nanargmin(a: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False
              ) -> BlockArray:
    """nums implementation of numpy.nanargmin (an all-NaN slice raises ValueError)."""
    return _nanarg(a, axis, out, keepdims, np.inf, red.argmin)


__all__ = ["nansum", "nanprod", "nanmax", "nanmin", "nanmean", "nanvar", "nanstd",
           "nancumsum", "nancumprod", "nanargmax", "nanargmin"]
