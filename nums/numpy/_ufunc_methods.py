"""``ufunc.reduce`` and ``ufunc.accumulate`` as trees of block tasks, and the argument
helpers every reduction shares (axes, ``where=``, ``out=``)."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray
from nums.core.array.dtypes import dry_run
from nums.core.array.reduction import cumulate, tree_reduce
from nums.core.array.writes import write_out
from nums.numpy._convert import asarray

_NoValue = np._NoValue


def axes_of(a: BlockArray, axis: Any) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(a.ndim))
    return tuple(sorted(normalize_axis_tuple(axis, a.ndim)))


def finish(result: BlockArray, out: Any) -> BlockArray:
    if out is None:
        return result
    return write_out(out, result)


def where_operand(where: Any) -> list:
    if where is True:
        return []
    return [asarray(where, dtype=bool)]


def ufunc_reduce(
    uf: np.ufunc,
    a: Any,
    axis: Any = 0,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = _NoValue,
    where: Any = True,
    nan_warning: str | None = None,
) -> Any:
    """``uf.reduce`` over ``axis`` as a tree: per-block reduce, then ``uf`` on partials.
    ``nan_warning``: a RuntimeWarning raised where a result is NaN (``nanmax``/``nanmin``:
    numpy's "All-NaN slice encountered")."""
    if not isinstance(a, BlockArray):
        a = asarray(a)
    kw: dict[str, Any] = {}
    if dtype is not None:
        kw["dtype"] = dtype
    if initial is not _NoValue:
        kw["initial"] = initial
    res = dry_run(uf.reduce, a, axis=axis, keepdims=keepdims, where=stand_where(where), **kw)
    res_dtype = np.asarray(res).dtype
    axes = axes_of(a, axis)
    pkw = {"ufunc": uf}
    if dtype is not None:
        pkw["dtype"] = dtype
    if initial is not _NoValue and where is not True:
        pkw["initial"] = initial  # blocks fully masked out need the initial value
    finalize, fkw = None, {}
    if initial is not _NoValue and where is True:
        finalize, fkw = kernels.apply_initial, {"ufunc": uf, "initial": initial}
    elif nan_warning and res_dtype.kind in "fc":
        finalize, fkw = kernels.warn_if_nan, {"message": nan_warning}
    result = tree_reduce(
        a,
        axes,
        keepdims,
        kernels.ufunc_reduce,
        pkw,
        uf,
        res_dtype,
        finalize,
        fkw,
        extras=where_operand(where),
    )
    return finish(result, out)


def stand_where(where: Any) -> Any:
    if where is True:
        return True
    if isinstance(where, BlockArray | np.ndarray | list):
        shape = where.shape if isinstance(where, BlockArray) else np.shape(where)
        return np.ones(tuple(builtins.min(n, 1) for n in shape), dtype=bool)
    return where


def ufunc_accumulate(
    uf: np.ufunc, a: Any, axis: int = 0, dtype: Any = None, out: Any = None
) -> BlockArray:
    """``uf.accumulate`` along ``axis`` (block after block)."""
    a = asarray(a)
    res = dry_run(uf.accumulate, a, axis=axis, **({"dtype": dtype} if dtype else {}))
    ax = normalize_axis_index(axis, a.ndim)
    return finish(cumulate(a, ax, uf, np.asarray(res).dtype), out)
