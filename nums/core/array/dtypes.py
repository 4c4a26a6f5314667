"""Dtype rules: the one helper that decides result dtypes, by asking numpy itself.

NumPy 2 promotion (NEP 50: Python scalars are weak, numpy scalars and 0-d arrays are not)
and numpy's argument errors are reproduced by a *dry run*: the same numpy function called on
tiny stand-ins of the operands (empty or 1-element arrays of the same dtype and rank), with
Python and numpy scalars passed as they are. Whatever numpy raises there (``TypeError``,
``AxisError``, ``OverflowError``, ``ValueError``) is raised at the call, before any task.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray


def as_dtype_operand(x: Any) -> Any:
    """What numpy's promotion sees of ``x``: an empty array of an array's dtype (BlockArray or
    numpy), or the scalar itself (NEP 50: Python scalars are weak)."""
    if isinstance(x, BlockArray) or (isinstance(x, np.ndarray) and x.ndim):
        return np.empty((0,), dtype=x.dtype)
    return x


def result_type(*args: Any) -> np.dtype:
    """``numpy.result_type`` with BlockArrays standing for their dtype (NEP 50 rules)."""
    return np.result_type(*[a.dtype if isinstance(a, BlockArray) else a for a in args])


def stand_in(x: Any, empty: bool = False) -> Any:
    """A tiny numpy array with ``x``'s dtype and rank (axes clipped to length 0 or 1)."""
    if isinstance(x, BlockArray):
        shape = (0,) if empty else tuple(min(n, 1) for n in x.shape)
        return np.zeros(shape, dtype=x.dtype)
    if isinstance(x, list | tuple):
        return type(x)(stand_in(v, empty) for v in x)
    return x


def dry_run(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` on stand-ins of BlockArray arguments; raises what numpy raises."""
    args = tuple(stand_in(a) for a in args)
    kwargs = {k: stand_in(v) for k, v in kwargs.items()}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def ufunc_result_dtypes(
    ufunc: np.ufunc,
    inputs: tuple,
    out: tuple | None = None,
    where: Any = True,
    **kwargs: Any,
) -> tuple[np.dtype, ...]:
    """Dtypes of ``ufunc(*inputs, **kwargs)``'s outputs; raises numpy's errors."""
    proxies = tuple(as_dtype_operand(x) for x in inputs)
    kw = dict(kwargs)
    if out is not None:
        kw["out"] = tuple(np.empty((0,), dtype=o.dtype) if o is not None else None for o in out)
    if where is not True:
        kw["where"] = np.empty((0,), dtype=bool) if isinstance(where, BlockArray) else where
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ufunc(*proxies, **kw)
    if not isinstance(res, tuple):
        res = (res,)
    return tuple(np.asarray(r).dtype for r in res)
