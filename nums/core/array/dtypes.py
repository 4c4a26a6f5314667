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


def dtype_of(result: Any, *operands: Any) -> np.dtype:
    """The dtype of a dry run's ``result``: NumPy's, except where a reduction of object
    arrays gave an element itself (a Python object, of object dtype; the stand-in's element
    is the int 0, whose dtype would be int64), or one of StringDType arrays a ``str`` (of
    their StringDType, not ``<U1``)."""
    if not isinstance(result, np.ndarray | np.generic):
        for kind in ("O", "T"):  # (T: a reduction of StringDType strings gives a str)
            for a in operands:
                if isinstance(a, BlockArray) and a.dtype.kind == kind:
                    return a.dtype if kind == "T" else np.dtype(object)
    return np.asarray(result).dtype


def stand_in(x: Any, empty: bool = False) -> Any:
    """A tiny numpy array with ``x``'s dtype and rank (axes clipped to length 0 or 1)."""
    if isinstance(x, BlockArray):
        shape = (0,) if empty else tuple(min(n, 1) for n in x.shape)
        return np.zeros(shape, dtype=x.dtype)
    if isinstance(x, list | tuple):
        return type(x)(stand_in(v, empty) for v in x)
    return x


def dry_run(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` on stand-ins of BlockArray arguments; raises what numpy raises.

    A dry run depends only on the function, the operands' dtypes and ranks and the other
    arguments, so its result is remembered (:data:`_DRY_RUNS`) for arguments that can be
    keyed: a script's repeated calls skip it (it costs more than NumPy on a small array).
    """
    try:
        key = (fn, *[_key(a) for a in args], *[(k, _key(v)) for k, v in kwargs.items()])
        hash(key)
    except TypeError:
        key = None
    else:
        hit = _DRY_RUNS.get(key, _MISSING)
        if hit is not _MISSING:
            return _fresh(hit)
    args = tuple(stand_in(a) for a in args)
    kwargs = {k: stand_in(v) for k, v in kwargs.items()}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fn(*args, **kwargs)
    if key is not None:
        if len(_DRY_RUNS) >= _DRY_RUNS_MAX:
            _DRY_RUNS.clear()
        _DRY_RUNS[key] = _fresh(result)
    return result


_MISSING = object()
_DRY_RUNS: dict = {}  # (fn, argument keys) -> result of the dry run
_DRY_RUNS_MAX = 4096


def _key(x: Any) -> Any:
    """What a dry run sees of argument ``x``, as a dict key (TypeError: not keyable)."""
    t = type(x)
    if t is BlockArray:
        return (t, x.dtype, tuple([1 if n else 0 for n in x.shape]))
    if x is None or t is bool or t is int or t is str:
        return (t, x)
    if isinstance(x, np.ndarray):
        if x.size > 64 or x.dtype.hasobject:
            raise TypeError("not keyed")
        return ("A", x.dtype, x.shape, x.tobytes())
    if isinstance(x, list | tuple):
        return (type(x), tuple(_key(v) for v in x))
    if isinstance(x, float | complex | np.inexact) and x != x:
        raise TypeError("NaN is not equal to itself")
    hash(x)
    return (type(x), x)


def _fresh(result: Any) -> Any:
    """A copy of a remembered dry-run result (callers may change what they get)."""
    if isinstance(result, np.ndarray):
        return result.copy()
    if isinstance(result, tuple | list):
        return type(result)(_fresh(r) for r in result)
    return result


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
