"""Selection, clipping, rounding and comparisons of whole arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array import advanced
from nums.core.array.advanced_keys import shape_text
from nums.core.array.blockarray import BlockArray, scalar_values
from nums.core.array.dtypes import as_dtype_operand, dry_run
from nums.core.array.elementwise import broadcast_shapes, map_broadcast
from nums.core.array.views import part_view
from nums.core.array.writes import check_out, write_out
from nums.numpy import _reductions as _red
from nums.numpy._convert import asarray, made_0d
from nums.numpy._elementwise import (
    isnan,
    logical_and,
    logical_or,
    maximum,
    minimum,
    positive,
    ufunc,
)
from nums.numpy._manipulation import stack


def _operand(x: Any) -> Any:
    if isinstance(x, BlockArray) or np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        return x
    return asarray(x)


def _shapes(*xs: Any) -> tuple[int, ...]:
    return broadcast_shapes(*[x.shape for x in xs if isinstance(x, BlockArray)])


_NOT_GIVEN = np._NoValue  # (None is a value: ``np.where(c, x, None)`` holds objects)


def where(condition: Any, x: Any = _NOT_GIVEN, y: Any = _NOT_GIVEN, /) -> Any:
    """nums implementation of numpy.where (the one-argument form is ``nonzero``)."""
    if x is _NOT_GIVEN and y is _NOT_GIVEN:
        return nonzero(condition)
    if x is _NOT_GIVEN or y is _NOT_GIVEN:
        raise ValueError("either both or neither of x and y should be given")
    c, x, y = _operand(condition), _operand(x), _operand(y)
    if not any(isinstance(v, BlockArray) for v in (c, x, y)):
        return np.where(c, x, y)
    operands = [as_dtype_operand(v) for v in (c, x, y)]
    dtype = np.asarray(dry_run(np.where, *operands)).dtype
    # (NumPy's result of 0-d operands is a 0-d array, not a scalar)
    return made_0d(map_broadcast(np.where, [c, x, y], dtype, shape=_shapes(c, x, y)))


def nonzero(a: Any) -> tuple[BlockArray, ...]:
    """nums implementation of numpy.nonzero: each block finds its positions where it is;
    only their counts come to the driver (the output size depends on the values)."""
    a = asarray(a)
    if a.ndim == 0:
        return tuple(asarray(i) for i in np.nonzero(a.get()))  # numpy's error
    # truth values, as NumPy's: non-empty strings and true objects count (not only != 0)
    return advanced.nonzero(a if a.dtype == np.bool_ else a.astype(bool))


def argwhere(a: Any) -> BlockArray:
    """nums implementation of numpy.argwhere: the indices of :func:`nonzero` side by side
    (each block finds its positions where it is; only their counts come to the driver)."""
    a = asarray(a)
    if a.ndim == 0:
        return asarray(np.argwhere(a.get()))  # (1, 0) or (0, 0): no data to distribute
    return stack(nonzero(a), axis=1)


def clip(
    a: Any,
    a_min: Any = np._NoValue,
    a_max: Any = np._NoValue,
    out: Any = None,
    *,
    min: Any = np._NoValue,
    max: Any = np._NoValue,
    **kwargs: Any,
) -> BlockArray:
    """nums implementation of numpy.clip. The ufunc keywords (``where``, ``dtype``,
    ``casting``, ...) are those of nums's ufuncs (see :class:`nums.numpy.ufunc`). Differs:
    one bound alone (``clip(x, 0.5)``, the array API's ``clip(x, min)``) clips below, where
    NumPy raises TypeError."""
    given_new = min is not np._NoValue or max is not np._NoValue
    if a_min is np._NoValue and a_max is np._NoValue:  # NumPy's rules for the two spellings
        lo = None if min is np._NoValue else min
        hi = None if max is np._NoValue else max
    elif a_min is not np._NoValue and a_max is not np._NoValue and given_new:
        raise ValueError("Passing `min` or `max` keyword argument when `a_min` and `a_max` "
                         "are provided is forbidden.")
    elif given_new:  # one bound of each spelling: NumPy's TypeError
        missing = "a_min" if a_min is np._NoValue else "a_max"
        raise TypeError(f"clip() missing 1 required positional argument: '{missing}'")
    else:  # (one bound alone, ``clip(x, 0.5)``: the array API's, where NumPy raises)
        lo = None if a_min is np._NoValue else a_min
        hi = None if a_max is np._NoValue else a_max
    a = asarray(a)
    if a.dtype.kind in "iu":  # as NumPy: Python ints beyond the dtype on their side clip nothing
        info = np.iinfo(a.dtype)
        lo = None if type(lo) is int and lo <= info.min else lo
        hi = None if type(hi) is int and hi >= info.max else hi
    if lo is None and hi is None:
        return positive(a, out=out, **kwargs)  # as NumPy (an error for booleans)
    if kwargs or out is not None:  # as NumPy: its clip ufunc (or the bound's) with them
        if lo is None or hi is None:
            uf = minimum if lo is None else maximum
            return uf(a, _operand(hi if lo is None else lo), out=out, **kwargs)
        return _CLIP(a, _operand(lo), _operand(hi), out=out, **kwargs)
    dtype = np.asarray(
        dry_run(np.clip, *[as_dtype_operand(v) for v in (a, _operand(lo), _operand(hi))])
    ).dtype
    # in the result's dtype first, as NumPy's clip loop casts its inputs (``clip(int8, 300,
    # int64_array)``: 300 is an int64, not an int8 out of range)
    result = a if a.dtype == dtype else a.astype(dtype)
    if lo is not None and hi is not None:  # (NumPy's clip loop: it keeps -0.0 at a 0.0
        result = _CLIP(result, _operand(lo), _operand(hi))  # bound, where maximum does not)
    elif lo is not None:
        result = maximum(result, _operand(lo))
    elif hi is not None:
        result = minimum(result, _operand(hi))
    if result.dtype != dtype:
        result = result.astype(dtype)
    return result


_CLIP = ufunc(np._core.umath.clip, "clip")  # NumPy's ufunc behind numpy.clip


def _round_block(x: np.ndarray, decimals: int) -> np.ndarray:
    return np.round(x, decimals)


def round(a: Any, decimals: int = 0, out: Any = None) -> BlockArray:
    """nums implementation of numpy.round."""
    a = asarray(a)
    # NumPy's dtype: float16 for booleans (a copy of the booleans was returned before)
    dtype = np.asarray(dry_run(np.round, a, decimals)).dtype
    if a.dtype.kind in "fc":  # NumPy's first ufunc into ``out``, and its casting error
        check_out(out, dtype, "same_kind", np.rint if decimals == 0 else np.multiply)
    result = a.map_blocks(_round_block, decimals, dtype=dtype)
    if out is not None:
        return write_out(out, result)
    return result


around = round


def _isclose_block(a, b, rtol, atol, equal_nan):
    return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def isclose(
    a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: bool = False
) -> Any:
    """nums implementation of numpy.isclose. Tolerances may be arrays, broadcast with ``a``
    and ``b`` as NumPy broadcasts them (a tolerance per element)."""
    a, b, rtol, atol = _operand(a), _operand(b), _operand(rtol), _operand(atol)
    operands = [a, b, rtol, atol]
    if not any(isinstance(x, BlockArray) for x in operands):
        return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    dry_run(np.isclose, as_dtype_operand(a), as_dtype_operand(b), rtol=as_dtype_operand(rtol),
            atol=as_dtype_operand(atol))
    return map_broadcast(_isclose_block, operands, np.bool_, shape=_shapes(*operands),
                         kwargs={"equal_nan": equal_nan})


def allclose(
    a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """nums implementation of numpy.allclose (returns a Python bool; fetches one value)."""
    return bool(_red.all(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> bool:
    """nums implementation of numpy.array_equal (returns a Python bool)."""
    a1, a2 = asarray(a1), asarray(a2)
    if a1.shape != a2.shape:
        return False
    eq = a1 == a2  # (NumPy's operator: records compare field by field)
    if equal_nan and a1.dtype.kind in "fcmM" and a2.dtype.kind in "fcmM":  # NaN and NaT
        eq = logical_or(eq, logical_and(isnan(a1), isnan(a2)))
    return bool(_red.all(eq))


def array_equiv(a1: Any, a2: Any) -> bool:
    """nums implementation of numpy.array_equiv."""
    a1, a2 = asarray(a1), asarray(a2)
    try:
        np.broadcast_shapes(a1.shape, a2.shape)
    except ValueError:
        return False
    return bool(_red.all(a1 == a2))  # (NumPy's operator: records compare field by field)


def real(val: Any) -> BlockArray:
    """nums implementation of numpy.real: a view, as in numpy."""
    return part_view(asarray(val), "real")


def imag(val: Any) -> BlockArray:
    """nums implementation of numpy.imag: a view for complex arrays; read-only zeros for real
    ones (as in numpy)."""
    return part_view(asarray(val), "imag")


def _nan_to_num(x, nan, posinf, neginf):
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _broadcasts_into(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def nan_to_num(
    x: Any, copy: bool = True, nan: float = 0.0, posinf: Any = None, neginf: Any = None
) -> BlockArray:
    """nums implementation of numpy.nan_to_num (``copy=False`` replaces in place and returns
    ``x`` itself, as NumPy does; of an array with no floating-point values too)."""
    given = x
    x = asarray(x)
    if not copy and isinstance(given, BlockArray) and x.dtype.kind not in "fc":
        return given
    fills = [scalar_values(f) for f in (nan, posinf, neginf)]
    if x.dtype.kind in "fc" and not any(np.ndim(f) for f in fills):  # NumPy's errors for the
        np.nan_to_num(np.array([np.nan, np.inf, -np.inf], x.dtype), nan=fills[0],  # fills
                      posinf=fills[1], neginf=fills[2])  # (at the call, not when read)
    if any(np.ndim(f) for f in fills):  # arrays of values, cut as x's blocks
        fills = [asarray(f) if np.ndim(f) else f for f in fills]
        for f in fills:
            if np.ndim(f) and not _broadcasts_into(f.shape, x.shape):
                raise ValueError("could not broadcast input array from shape "
                                 f"{shape_text(f.shape)} into shape {shape_text(x.shape)}")
        result = map_broadcast(_nan_to_num, [x, *fills], x.dtype, shape=x.shape)
    else:
        result = x.map_blocks(_nan_to_num, *fills)
    if not copy and x.dtype.kind in "fc":
        return write_out(x, result)
    return result


__all__ = [
    "where",
    "nonzero",
    "argwhere",
    "clip",
    "round",
    "around",
    "isclose",
    "allclose",
    "array_equal",
    "array_equiv",
    "real",
    "imag",
    "nan_to_num",
]
