"""Picking and building index arrays, composed of ``where``, ``nonzero``, ``take``, views
and ``arange``: ``select``, ``piecewise`` (block by block), ``extract``, ``flatnonzero``,
``compress``, ``ix_``, ``indices``, ``fromfunction``, ``diag_indices``, ``diag_indices_from``."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array.blockarray import BlockArray, local_limit
from nums.core.array.elementwise import map_broadcast
from nums.core.array.writes import check_out, to_out
from nums.numpy._convert import asarray, numpy_results


def _nps():
    import nums.numpy as nps

    return nps


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> BlockArray:
    """nums implementation of ``numpy.select``: the first true condition's choice, else
    ``default`` (a chain of ``where``, as NumPy applies them)."""
    u = _nps()
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    # Python numbers among the choices and the default are weak (NEP 50), as in NumPy's
    # result_type of them: ``select([c], [5], default=int8_array)`` is int8
    weak = (int, float, complex)
    items = [c if type(c) in weak or isinstance(c, BlockArray) else np.asarray(c)
             for c in [*choicelist, default]]
    try:
        dtype = np.result_type(*[c.dtype if isinstance(c, BlockArray | np.ndarray) else c
                                 for c in items])
    except TypeError as e:
        raise TypeError(f"Choicelist and default value do not have a common dtype: {e}"
                        ) from None
    choices, default = items[:-1], items[-1]
    for c in choices:  # NumPy copies each choice in with its 'same_kind' rule
        have = c.dtype if isinstance(c, BlockArray | np.ndarray) else np.asarray(c).dtype
        if not np.can_cast(have, dtype, "same_kind"):
            raise TypeError(f"Cannot cast array data from {have!r} to {dtype!r} according to "
                            "the rule 'same_kind'")
    conds = [asarray(c) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype != np.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    shape = np.broadcast_shapes(*[c.shape for c in conds], *[np.shape(c) for c in choices],
                                np.shape(default))
    result = u.broadcast_to(asarray(default).astype(dtype), shape)
    for cond, choice in zip(conds[::-1], choices[::-1]):
        result = u.where(cond, asarray(choice).astype(dtype), result)
    return result.copy() if result.base is not None else result


def piecewise(x: Any, condlist: Any, funclist: Sequence[Any], *args: Any,
              **kw: Any) -> BlockArray:
    """nums implementation of ``numpy.piecewise``, block by block: each block's task
    evaluates NumPy's ``piecewise`` on that block of ``x`` and of each condition, so the
    functions (user callables, with ``args`` and ``kw``) run in tasks on block data, and
    constants are placed there too.

    Differs from NumPy: a function is called once per block, on the block's selected values
    (NumPy calls it once, on all of them), so it must be elementwise, as NumPy's
    documentation describes it (a value's result may not depend on other values). Conditions
    of another shape than ``x`` (NumPy's corner cases) run through the fallback.
    """
    x = asarray(x)
    n2 = len(funclist)
    n, conds = _conditions(x, condlist)
    if n != n2 and n != n2 - 1:
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    if conds is None:  # not one condition per element of x: numpy's own rules, on a worker
        from nums.numpy._fallback import run_fallback

        return run_fallback(np.piecewise, (x, condlist, funclist) + args, kw,
                            "numpy.piecewise")
    return map_broadcast(_piecewise_block, [x] + conds, x.dtype, shape=x.shape,
                         kwargs={"funclist": list(funclist), "args": args, "kw": kw})


def _conditions(x: BlockArray, condlist: Any) -> tuple[int, list[BlockArray] | None]:
    """How many conditions NumPy sees, and they as bool BlockArrays of ``x``'s shape (None:
    another case)."""
    if isinstance(condlist, BlockArray):
        if condlist.ndim == 0:
            return 1, None
        if condlist.ndim == 1 and x.ndim != 0:
            condlist = [condlist]
        else:
            condlist = [condlist[i] for i in range(condlist.shape[0])]
    elif np.isscalar(condlist) or (
            not isinstance(condlist[0], list | np.ndarray | BlockArray) and x.ndim != 0):
        condlist = [condlist]
    conds = []
    for c in condlist:
        c = asarray(c) if isinstance(c, BlockArray) else asarray(np.asarray(c, dtype=bool))
        if c.shape != x.shape:
            return len(condlist), None
        conds.append(c if c.dtype == np.bool_ else c.astype(bool))
    return len(conds), conds


def _piecewise_block(x: np.ndarray, *conds: np.ndarray, funclist: list, args: tuple,
                     kw: dict) -> np.ndarray:
    """NumPy's piecewise on one block (the kernel of :func:`piecewise`)."""
    return np.piecewise(x, list(conds), funclist, *args, **kw)


def flatnonzero(a: Any) -> BlockArray:
    """nums implementation of ``numpy.flatnonzero``."""
    u = _nps()
    return u.nonzero(u.ravel(asarray(a)))[0]


def extract(condition: Any, arr: Any) -> BlockArray:
    """nums implementation of ``numpy.extract``: ``ravel(arr)`` where ``ravel(condition)``
    is true."""
    u = _nps()
    return u.take(u.ravel(asarray(arr)), flatnonzero(condition))


def compress(condition: Any, a: Any, axis: int | None = None, out: Any = None) -> BlockArray:
    """nums implementation of ``numpy.compress``: the slices along ``axis`` where the 1-d
    ``condition`` is true."""
    u = _nps()
    cond = asarray(condition)
    if cond.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    x = asarray(a)
    check_out(out, x.dtype, "safe")  # as ``take``
    if axis is None:
        x, axis = u.ravel(x), 0
    axis = normalize_axis_index(axis, x.ndim)
    picked = u.nonzero(cond)[0]  # (``take`` checks the bounds, as NumPy's compress)
    return to_out(out, u.take(x, picked, axis=axis))


def ix_(*args: Any) -> tuple[BlockArray, ...]:
    """nums implementation of ``numpy.ix_``: open-mesh index arrays (views of the inputs,
    or of their ``nonzero`` for booleans)."""
    u = _nps()
    out = []
    nd = len(args)
    for k, new in enumerate(args):
        new = asarray(new)
        if new.ndim != 1:
            raise ValueError("Cross index must be 1 dimensional")
        if new.size == 0:
            new = new.astype(np.intp)
        if new.dtype == np.bool_:
            (new,) = u.nonzero(new)
        out.append(u.reshape(new, (1,) * k + (new.size,) + (1,) * (nd - k - 1)))
    return tuple(out)


def indices(dimensions: Sequence[int], dtype: Any = int, sparse: bool = False) -> Any:
    """nums implementation of ``numpy.indices``."""
    u = _nps()
    dimensions = tuple(operator.index(d) for d in dimensions)
    n = len(dimensions)
    size = sum(dimensions) if sparse else math.prod(dimensions) * n
    if size * np.dtype(dtype).itemsize <= local_limit():  # small: NumPy's, here
        return numpy_results(np.indices(dimensions, dtype=dtype, sparse=sparse))
    grids = []
    for i, dim in enumerate(dimensions):
        shape = (1,) * i + (dim,) + (1,) * (n - i - 1)
        grids.append(u.reshape(u.arange(dim, dtype=dtype), shape))
    if sparse:
        return tuple(grids)
    if n == 0:
        return u.zeros((0,), dtype=dtype)
    return u.stack([u.broadcast_to(g, dimensions) for g in grids])


def fromfunction(function: Callable, shape: Sequence[int], *, dtype: Any = float,
                 like: Any = None, **kwargs: Any) -> Any:
    """nums implementation of ``numpy.fromfunction``: ``function`` called once with the
    index arrays (BlockArrays) of ``shape``."""
    return function(*indices(shape, dtype=dtype), **kwargs)


def diag_indices(n: int, ndim: int = 2) -> tuple[BlockArray, ...]:
    """nums implementation of ``numpy.diag_indices``."""
    idx = _nps().arange(operator.index(n))
    return (idx,) * ndim


def diag_indices_from(arr: Any) -> tuple[BlockArray, ...]:
    """nums implementation of ``numpy.diag_indices_from``."""
    shape = np.shape(arr) if not isinstance(arr, BlockArray) else arr.shape
    if len(shape) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return diag_indices(shape[0], len(shape))


__all__ = ["select", "piecewise", "flatnonzero", "extract", "compress", "ix_", "indices",
           "fromfunction", "diag_indices", "diag_indices_from"]
