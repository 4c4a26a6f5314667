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
from nums.numpy._ufunc_methods import stand_where, where_mask

_NoValue = np._NoValue


def _zeroed(a: BlockArray, fill: Any) -> BlockArray:
    return where(ew.isnan(a), fill, a) if a.dtype.kind in "fc" else a


def nansum(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
    initial: Any = _NoValue, where: Any = True
) -> BlockArray:
    """nums implementation of numpy.nansum."""
    a = asarray(a)
    dry_run(np.nansum, a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial,
            where=stand_where(where))
    return red.sum(_zeroed(a, 0), axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                   initial=initial, where=where)


def nanprod(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
    initial: Any = _NoValue, where: Any = True
) -> BlockArray:
    """nums implementation of numpy.nanprod."""
    a = asarray(a)
    dry_run(np.nanprod, a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial,
            where=stand_where(where))
    return red.prod(_zeroed(a, 1), axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                    initial=initial, where=where)


ALL_NAN = red._numpy_message(np.nanmax, [np.nan])  # "All-NaN slice encountered"


def _named(fn: Any, npfunc: Any, doc: str) -> Any:
    """``fn`` (a closure made for ``npfunc``) with NumPy's name and ``doc``."""
    fn.__name__ = fn.__qualname__ = npfunc.__name__
    fn.__doc__ = doc
    return fn


def _nan_extreme(uf: np.ufunc, npfunc: Any) -> Any:
    def reduction(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False,
                  initial: Any = _NoValue, where: Any = True) -> BlockArray:
        a = asarray(a)
        dry_run(npfunc, a, axis=axis, keepdims=keepdims, initial=initial,
                where=stand_where(where))
        return red.ufunc_reduce(uf, a, axis, None, out, keepdims, initial, where,
                                nan_warning=ALL_NAN)

    return _named(reduction, npfunc, f"nums implementation of numpy.{npfunc.__name__} "
                  "(all-NaN slices give NaN and numpy's warning).")


nanmax = _nan_extreme(np.fmax, np.nanmax)
nanmin = _nan_extreme(np.fmin, np.nanmin)


def _inexact_only(a: BlockArray, dtype: Any, out: Any) -> None:
    """NumPy's nanmean/nanvar/nanstd checks: floating-point data keeps an inexact dtype."""
    if a.dtype.kind not in "fc":
        return
    if dtype is not None and np.dtype(dtype).kind not in "fc":
        raise TypeError("If a is inexact, then dtype must be inexact")
    if out is not None and getattr(out, "dtype", np.dtype(float)).kind not in "fc":
        raise TypeError("If a is inexact, then out must be inexact")


def nanmean(
    a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
    *, where: Any = True
) -> BlockArray:
    """nums implementation of numpy.nanmean."""
    a = asarray(a)
    _inexact_only(a, dtype, out)
    if a.dtype.kind not in "fc":
        return red.mean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, where=where)
    mask = ew.logical_not(ew.isnan(a))
    if where is not True:
        mask = ew.logical_and(mask, where_mask(where))
    return red._mean(a, axis, dtype, out, keepdims, mask, red.NANMEAN)


def _nan_spread(npfunc: Any, finalize: Any) -> Any:
    def reduction(a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
                  ddof: float = 0, keepdims: bool = False, *, where: Any = True,
                  mean: Any = None, correction: Any = None) -> BlockArray:
        a = asarray(a)
        _inexact_only(a, dtype, out)
        mask = ew.logical_not(ew.isnan(a)) if a.dtype.kind in "fc" else True
        if where is not True:
            mask = where_mask(where) if mask is True else ew.logical_and(
                mask, where_mask(where))
        base = {np.nanvar: np.var, np.nanstd: np.std}[npfunc]
        return red._var_std(a, axis, dtype, out, ddof, keepdims, mask, correction, base,
                            finalize, red.NANVAR if a.dtype.kind in "fc" else red.VAR,
                            mean=mean)

    return _named(reduction, npfunc, f"``{npfunc.__name__[3:]}`` over the values that are not "
                  "NaN (``where=`` masks more of them; ``mean=`` as NumPy's).")


nanvar = _nan_spread(np.nanvar, kernels.divide_by)
nanstd = _nan_spread(np.nanstd, kernels.sqrt_divide_by)


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
