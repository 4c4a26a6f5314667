"""NumPy's dispatch protocols for BlockArray: ``__array_ufunc__`` and ``__array_function__``.

``numpy.exp(x)``, ``numpy.add(x, 1)`` and ``numpy.sum(x)`` on a BlockArray run the nums
implementation declared in the registry and return BlockArrays; a numpy function nums does
not implement runs through the fallback (:mod:`nums.numpy._fallback`).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from nums.numpy._elementwise import for_ufunc
from nums.numpy._fallback import gathered, run_fallback
from nums.numpy._products import matmul
from nums.numpy._registry import BY_NUMPY

_active = threading.local()  # numpy functions whose nums implementation is running


def array_ufunc(uf: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    if _numpy_out(kwargs):
        # a NumPy array's out= (``w /= x.sum()``, ``y -= x`` of a NumPy array): NumPy's
        # ufunc writes into it, here, from the operands' values (a 0-d result is a number)
        return getattr(uf, method)(*gathered(inputs), **gathered(kwargs))
    if uf is np.matmul and method == "__call__":
        return matmul(*inputs, **kwargs)
    wrapper = for_ufunc(uf)
    if wrapper is None:
        return run_fallback(
            getattr(uf, method) if method != "__call__" else uf,
            inputs,
            kwargs,
            f"{uf.__name__}.{method}",
        )
    if "out" in kwargs and isinstance(kwargs["out"], tuple) and len(kwargs["out"]) == 1:
        kwargs = dict(kwargs, out=kwargs["out"][0])
    if method == "__call__":
        return wrapper(*inputs, **kwargs)
    if method == "reduceat" and len(inputs) == 2:
        kwargs = {k: v for k, v in kwargs.items() if k != "indices"}  # NumPy passes it twice
    if method in ("reduce", "accumulate", "reduceat", "outer", "at"):
        return getattr(wrapper, method)(*inputs, **kwargs)
    # any later method: NumPy in one task next to the data
    return run_fallback(getattr(uf, method), inputs, kwargs, f"{uf.__name__}.{method}")


def _numpy_out(kwargs: dict) -> bool:
    """Whether the ``out=`` of a NumPy call is (or holds) a NumPy array."""
    out = kwargs.get("out")
    return any(isinstance(o, np.ndarray) for o in (out if isinstance(out, tuple) else (out,)))


def array_function(func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
    if _numpy_out(kwargs):  # (``numpy.clip(a, 0, x.max(), out=b)``: NumPy's own, into b)
        return func(*gathered(args), **gathered(kwargs))
    try:
        impl = BY_NUMPY.get(func)
    except TypeError:
        impl = None
    running = _active.__dict__.setdefault("funcs", set())
    # a nums implementation that hands a BlockArray back to the same numpy function would
    # recurse without end: that inner call runs numpy on gathered copies instead
    if impl is not None and func not in running:
        running.add(func)
        try:
            return impl(*args, **kwargs)
        finally:
            running.discard(func)
    module = getattr(func, "__module__", None) or "numpy"
    return run_fallback(func, args, kwargs, f"{module}.{getattr(func, '__name__', '')}")
