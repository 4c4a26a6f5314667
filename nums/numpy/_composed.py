"""Elementwise functions NumPy defines in terms of ufuncs, composed the same way here (so
results are NumPy's): ``angle``, ``fix``, ``isposinf``, ``isneginf``, ``iscomplex``,
``isreal``, ``sinc``, ``real_if_close``."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy._convert import asarray


def _ufuncs():
    import nums.numpy as nps

    return nps


def angle(z: Any, deg: bool = False) -> BlockArray:
    """nums implementation of ``numpy.angle``."""
    u = _ufuncs()
    z = asarray(z)
    if z.dtype.kind == "c":
        a = u.arctan2(z.imag, z.real)
    else:
        a = u.arctan2(0, z)
    return a * (180 / np.pi) if deg else a


def fix(x: Any, out: Any = None) -> BlockArray:
    """nums implementation of ``numpy.fix``: rounding towards zero (``trunc``), with the
    result dtype of the installed NumPy's ``fix``."""
    x = asarray(x)
    dtype = np.fix(np.zeros(1, x.dtype)).dtype
    result = _ufuncs().trunc(x, out=out)
    return result if result.dtype == dtype or out is not None else result.astype(dtype)


def _not_for_complex(x: BlockArray) -> None:
    if x.dtype.kind == "c":
        raise TypeError(f"This operation is not supported for {x.dtype} values because it "
                        "would be ambiguous.")


def isposinf(x: Any, out: Any = None) -> BlockArray:
    """nums implementation of ``numpy.isposinf``."""
    u = _ufuncs()
    x = asarray(x)
    _not_for_complex(x)
    return u.logical_and(u.isinf(x), ~u.signbit(x), out=out)


def isneginf(x: Any, out: Any = None) -> BlockArray:
    """nums implementation of ``numpy.isneginf``."""
    u = _ufuncs()
    x = asarray(x)
    _not_for_complex(x)
    return u.logical_and(u.isinf(x), u.signbit(x), out=out)


def iscomplex(x: Any) -> Any:
    """nums implementation of ``numpy.iscomplex``."""
    x = asarray(x)
    if x.dtype.kind == "c":
        return x.imag != 0
    return _ufuncs().zeros(x.shape, dtype=bool)


def isreal(x: Any) -> Any:
    """nums implementation of ``numpy.isreal``."""
    x = asarray(x)
    if x.dtype.kind == "c":
        return x.imag == 0
    # NumPy's ``imag(x) == 0``: the imaginary part of strings is '', which is not 0
    return _ufuncs().full(x.shape, x.dtype.kind not in "SU", dtype=bool)


def sinc(x: Any) -> BlockArray:
    """nums implementation of ``numpy.sinc``: ``sin(pi x) / (pi x)``, 1 at 0."""
    u = _ufuncs()
    y = np.pi * asarray(x)
    eps = np.finfo(y.dtype).eps if y.dtype.kind == "f" else 1e-20
    y = u.where(y != 0, y, eps)
    return u.sin(y) / y


def real_if_close(a: Any, tol: float = 100) -> BlockArray:
    """nums implementation of ``numpy.real_if_close`` (one reduction decides)."""
    u = _ufuncs()
    a = asarray(a)
    if a.dtype.kind != "c":
        return a
    if tol > 1:
        tol = np.finfo(a.dtype).eps * tol
    if bool(u.all(u.absolute(a.imag) < tol)):
        return a.real
    return a


__all__ = ["angle", "fix", "isposinf", "isneginf", "iscomplex", "isreal", "sinc",
           "real_if_close"]
