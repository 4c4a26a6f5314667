"""Utilities that take arrays only for their dtype, shape or flags (``common_type``,
``mintypecode``, ``min_scalar_type``, ``isfortran``, ``astype``, ``asfortranarray``,
``require``, ``asarray_chkfinite``), the printing functions on BlockArrays (``array_str``,
``array_repr``, ``array2string``: only the printed edges are fetched), and NumPy's own
functions that hold no array data (formatting of scalars, error settings, build info)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy import (  # noqa: F401 - re-exported: no array data, NumPy's own
    base_repr,
    binary_repr,
    datetime_data,
    format_float_positional,
    format_float_scientific,
    frompyfunc,
    get_include,
    getbufsize,
    geterr,
    geterrcall,
    info,
    iterable,
    setbufsize,
    seterr,
    seterrcall,
    show_config,
    show_runtime,
    typename,
)

from nums.core.array.blockarray import BlockArray
from nums.core.array.printing import print_threshold, printable
from nums.numpy._convert import asarray, in_order
from nums.numpy._device import check_device


def _stand_in(x: Any) -> Any:
    """A zero-size NumPy array of ``x``'s dtype (``x`` itself when it is not a BlockArray)."""
    return np.empty(0, x.dtype) if isinstance(x, BlockArray) else x


def common_type(*arrays: Any) -> type:
    """nums implementation of ``numpy.common_type`` (from the dtypes)."""
    return np.common_type(*[_stand_in(a) for a in arrays])


def mintypecode(typechars: Any, typeset: str = "GDFgdf", default: str = "d") -> str:
    """nums implementation of ``numpy.mintypecode`` (from the dtypes)."""
    return np.mintypecode([_stand_in(t) for t in typechars], typeset, default)


def min_scalar_type(a: Any, /) -> np.dtype:
    """nums implementation of ``numpy.min_scalar_type``: an array's dtype (a 0-d one's
    value is fetched)."""
    if isinstance(a, BlockArray):
        return np.min_scalar_type(a.get() if a.ndim == 0 else np.empty((0,) * a.ndim, a.dtype))
    return np.min_scalar_type(a)


def isfortran(a: Any) -> bool:
    """nums implementation of ``numpy.isfortran`` (from ``a.flags``)."""
    if isinstance(a, BlockArray):
        return bool(a.flags.f_contiguous and not a.flags.c_contiguous)
    return np.isfortran(a)


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> BlockArray:
    """nums implementation of ``numpy.astype``."""
    check_device(device)
    if not isinstance(x, BlockArray):
        raise TypeError(f"Input should be a NumPy array. It is a {type(x)} instead.")
    return x.astype(dtype, copy=copy)


def asfortranarray(a: Any, dtype: Any = None, *, like: Any = None) -> BlockArray:
    """nums implementation of ``numpy.asfortranarray``: ``a`` itself where it is
    F-contiguous, else a copy, as NumPy's (whose blocks are C-ordered: the flags report the
    layout of the blocks)."""
    x = asarray(a, dtype=dtype, order="F")
    return x[None] if x.ndim == 0 else x


def require(a: Any, dtype: Any = None, requirements: Any = None, *, like: Any = None
            ) -> BlockArray:
    """nums implementation of ``numpy.require``: ``W`` (writeable) and ``O`` (owns its data)
    copy a view that is read-only or a view; ``C`` and ``F`` copy an array without that
    contiguity, as NumPy (the copy's blocks are C-ordered); ``A`` and ``E`` are always met."""
    x = asarray(a, dtype=dtype)
    reqs = set()
    for r in ([requirements] if isinstance(requirements, str) else requirements or []):
        key = {"C_CONTIGUOUS": "C", "CONTIGUOUS": "C", "F_CONTIGUOUS": "F", "FORTRAN": "F",
               "ALIGNED": "A", "WRITEABLE": "W", "OWNDATA": "O", "ENSUREARRAY": "E"}.get(
            str(r).upper(), str(r).upper())
        if key not in "CFAWOE" or len(key) != 1:
            raise KeyError(f"{r!r} is not a valid requirement")
        reqs.add(key)
    if "C" in reqs and "F" in reqs:
        raise ValueError("Cannot specify both C and Fortran contiguous.")
    if ("O" in reqs and x.base is not None) or ("W" in reqs and not x.flags.writeable):
        x = x.copy()
    for order in ("C", "F"):
        if order in reqs and not in_order(x, order):
            x = x.copy()
    return x


def asarray_chkfinite(a: Any, dtype: Any = None, order: Any = None) -> BlockArray:
    """nums implementation of ``numpy.asarray_chkfinite`` (one reduction checks)."""
    import nums.numpy as u

    x = asarray(a, dtype=dtype)
    if x.dtype.kind in "fc" and not bool(u.isfinite(x).all()):
        raise ValueError("array must not contain infs or NaNs")
    return x


def _values(a: Any) -> tuple[Any, bool | None]:
    if isinstance(a, BlockArray):
        return printable(a)
    return np.asarray(a), None  # (NumPy's own summary)


def array_str(a: Any, max_line_width: Any = None, precision: Any = None,
              suppress_small: Any = None) -> str:
    """nums implementation of ``numpy.array_str`` (only the printed values are fetched)."""
    values, summarised = _values(a)
    with np.printoptions(threshold=print_threshold(summarised)):
        return np.array_str(values, max_line_width, precision, suppress_small)


def array_repr(arr: Any, max_line_width: Any = None, precision: Any = None,
               suppress_small: Any = None) -> str:
    """nums implementation of ``numpy.array_repr``: NumPy's ``array(...)`` text (only the
    printed values are fetched)."""
    if not isinstance(arr, BlockArray):
        return np.array_repr(arr, max_line_width, precision, suppress_small)
    from numpy._core.arrayprint import _array_repr_implementation  # NumPy's, with a hook

    # NumPy's repr of an ndarray of this shape and dtype (a zero-strided stand-in), whose
    # text of values is that of ``arr``
    stand_in = np.broadcast_to(np.zeros((), arr.dtype), arr.shape)
    return _array_repr_implementation(
        stand_in, max_line_width, precision, suppress_small,
        array2string=lambda _, *args, **kwargs: _array2string(arr, *args, **kwargs))


def _array2string(x: BlockArray, *args: Any, **kwargs: Any) -> str:
    values, summarised = printable(x)
    kwargs["threshold"] = print_threshold(summarised)
    return np.array2string(values, *args, **kwargs)


def array2string(a: Any, max_line_width: Any = None, precision: Any = None,
                 suppress_small: Any = None, separator: str = " ", prefix: str = "", *,
                 formatter: Any = None, threshold: Any = None, edgeitems: Any = None,
                 sign: Any = None, floatmode: Any = None, suffix: str = "",
                 legacy: Any = None) -> str:
    """nums implementation of ``numpy.array2string`` (only the printed values are
    fetched)."""
    options = {k: v for k, v in (("threshold", threshold), ("edgeitems", edgeitems))
               if v is not None}
    with np.printoptions(**options):
        values, summarised = _values(a)
        shown = print_threshold(summarised)
    return np.array2string(values, max_line_width, precision, suppress_small, separator,
                           prefix, formatter=formatter, threshold=shown,
                           edgeitems=edgeitems, sign=sign, floatmode=floatmode, suffix=suffix,
                           legacy=legacy)


__all__ = ["common_type", "mintypecode", "min_scalar_type", "isfortran", "astype",
           "asfortranarray", "require", "asarray_chkfinite", "array_str", "array_repr",
           "array2string", "base_repr", "binary_repr", "datetime_data",
           "format_float_positional", "format_float_scientific", "frompyfunc", "get_include",
           "getbufsize", "geterr", "geterrcall", "info", "iterable", "setbufsize", "seterr",
           "seterrcall", "show_config", "show_runtime", "typename"]
