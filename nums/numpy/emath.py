"""``nums.numpy.emath`` (NumPy's ``numpy.emath``, also ``numpy.lib.scimath``): mathematical
functions whose results are complex where real inputs leave the real domain.

NumPy's rule, kept here: a real argument with a value outside the function's real domain (a
negative value for ``sqrt``, ``log``, ``log2``, ``log10``, ``logn`` and the base of ``power``;
a value of magnitude above 1 for ``arccos``, ``arcsin``, ``arctanh``) is converted to complex
first: to ``complex64`` for ``float32``, ``int8``, ``int16``, ``uint8``, ``uint16`` (and
``complex64``), to ``complex128`` for every other dtype; a negative exponent of ``power``
makes an integer exponent floating (``p * 1.0``). Otherwise the result is the ordinary
ufunc's, with NumPy's dtypes. Complex arguments whose values are real and out of the domain
follow the same rule, as in NumPy.

On a BlockArray, whether a value is out of the domain is one distributed ``any`` reduction
(one boolean fetched); the arrays are never gathered. Python and NumPy scalars alone give
NumPy's own result (a NumPy scalar), as the ufuncs of ``nums.numpy`` do; NumPy arrays and
lists become BlockArrays, and scalars beside BlockArrays become 0-d arrays, as NumPy makes
them (so they take part in type promotion as NumPy's 0-d arrays do).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy import _elementwise as _uf
from nums.numpy._composed import isreal as _isreal
from nums.numpy._convert import asarray as _asarray

# dtypes whose out-of-domain values become complex64 (all others: complex128), NumPy's list
_SINGLE = (np.single, np.byte, np.short, np.ubyte, np.ushort, np.csingle)


def _arrays(*args: Any) -> list[BlockArray] | None:
    """The arguments as BlockArrays (NumPy's ``asarray`` of each), or None when none of them
    is an array or a sequence (NumPy's function then runs on the scalars)."""
    if not any(isinstance(a, BlockArray | np.ndarray | list | tuple) for a in args):
        return None
    return [a if isinstance(a, BlockArray) else _asarray(np.asarray(a)) for a in args]


def _out_of_domain(x: BlockArray, magnitude: bool) -> bool:
    """Whether a real-valued element of ``x`` is negative (``magnitude``: of magnitude above
    1): one distributed reduction."""
    if x.dtype.kind in "ub" and not magnitude:
        return False  # never negative
    out = (abs(x) > 1) if magnitude else (x < 0)
    if x.dtype.kind == "c":
        out = _isreal(x) & out
    return bool(out.any())


def _complex(x: BlockArray) -> BlockArray:
    """``x`` as complex of NumPy's precision for its dtype."""
    single = issubclass(x.dtype.type, _SINGLE)
    return x.astype(np.complex64 if single else np.complex128)


def _real_lt_zero(x: BlockArray) -> BlockArray:
    return _complex(x) if _out_of_domain(x, False) else x


def _real_abs_gt_1(x: BlockArray) -> BlockArray:
    return _complex(x) if _out_of_domain(x, True) else x


def _unary(name: str, fix: Any) -> Any:
    """``numpy.emath.<name>``: the ufunc of that name on ``fix(x)``."""
    np_fn, ufunc = getattr(np.emath, name), getattr(_uf, name)

    def fn(x: Any) -> Any:
        arrays = _arrays(x)
        if arrays is None:
            return np_fn(x)
        return ufunc(fix(arrays[0]))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"nums implementation of ``numpy.emath.{name}``: complex exactly where "
                  "NumPy's is, decided by one distributed ``any`` (see "
                  ":mod:`nums.numpy.emath`).")
    return fn


sqrt = _unary("sqrt", _real_lt_zero)
log = _unary("log", _real_lt_zero)
log2 = _unary("log2", _real_lt_zero)
log10 = _unary("log10", _real_lt_zero)
arccos = _unary("arccos", _real_abs_gt_1)
arcsin = _unary("arcsin", _real_abs_gt_1)
arctanh = _unary("arctanh", _real_abs_gt_1)


def logn(n: Any, x: Any) -> Any:
    """nums implementation of ``numpy.emath.logn``: ``log(x) / log(n)``, complex
    exactly where NumPy's is, decided by distributed ``any`` reductions (see
    :mod:`nums.numpy.emath`)."""
    arrays = _arrays(n, x)
    if arrays is None:
        return np.emath.logn(n, x)
    n, x = arrays
    return _uf.true_divide(_uf.log(_real_lt_zero(x)), _uf.log(_real_lt_zero(n)))


def power(x: Any, p: Any) -> Any:
    """nums implementation of ``numpy.emath.power``: complex exactly
    where NumPy's is, decided by two distributed ``any`` (see :mod:`nums.numpy.emath`)."""
    arrays = _arrays(x, p)
    if arrays is None:
        return np.emath.power(x, p)
    x, p = arrays
    if _out_of_domain(p, False):
        p = p * 1.0
    return _uf.power(_real_lt_zero(x), p)


__all__ = ["sqrt", "log", "log2", "logn", "log10", "power", "arccos", "arcsin", "arctanh"]


def __dir__() -> list[str]:
    return list(__all__)
