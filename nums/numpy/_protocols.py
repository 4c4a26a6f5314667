"""NumPy's dispatch protocols for BlockArray: ``__array_ufunc__`` and ``__array_function__``.

``numpy.exp(x)``, ``numpy.add(x, 1)`` and ``numpy.sum(x)`` on a BlockArray run the nums
implementation and return BlockArrays. A numpy function nums does not implement falls back
to gathering its BlockArray arguments on the driver, with a warning (once per function).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray

_warned: set[str] = set()


class GatherWarning(UserWarning):
    """A numpy function without a nums implementation gathered its arguments."""


def array_ufunc(uf: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    from nums.numpy import _products
    from nums.numpy._elementwise import BY_NUMPY

    if uf is np.matmul and method == "__call__":
        return _products.matmul(*inputs, **kwargs)
    wrapper = BY_NUMPY.get(uf)
    if wrapper is None:
        return _fallback(
            getattr(uf, method) if method != "__call__" else uf,
            inputs,
            kwargs,
            f"{uf.__name__}.{method}",
        )
    if "out" in kwargs and isinstance(kwargs["out"], tuple) and len(kwargs["out"]) == 1:
        kwargs = dict(kwargs, out=kwargs["out"][0])
    if method == "__call__":
        return wrapper(*inputs, **kwargs)
    if method in ("reduce", "accumulate", "outer"):
        return getattr(wrapper, method)(*inputs, **kwargs)
    return NotImplemented


def _gather(x: Any) -> Any:
    if isinstance(x, BlockArray):
        return x.get()
    if isinstance(x, list | tuple):
        return type(x)(_gather(v) for v in x)
    if isinstance(x, dict):
        return {k: _gather(v) for k, v in x.items()}
    return x


def _fallback(func: Any, args: tuple, kwargs: dict, name: str) -> Any:
    if name not in _warned:
        _warned.add(name)
        warnings.warn(
            f"nums has no distributed {name}; gathering its arguments on the driver",
            GatherWarning,
            stacklevel=4,
        )
    return func(*_gather(args), **_gather(kwargs))


def array_function(func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
    import nums.numpy as nps

    name = getattr(func, "__name__", "")
    impl = None
    module = getattr(func, "__module__", None)
    if module == "numpy":
        impl = getattr(nps, name, None)
    elif module == "numpy.linalg":
        impl = getattr(nps.linalg, name, None)
    if impl is not None and impl is not func and callable(impl):
        return impl(*args, **kwargs)
    return _fallback(func, args, kwargs, f"{module or 'numpy'}.{name}")


def _to_blockarrays(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return BlockArray.from_numpy(value)
    if isinstance(value, tuple):
        return tuple(_to_blockarrays(v) for v in value)
    if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
        return [BlockArray.from_numpy(v) for v in value]
    return value


def numpy_fallback(name: str) -> Any:
    """``nums.numpy.<name>`` for a numpy function nums does not implement.

    The returned function gathers its BlockArray arguments on the driver (warning once),
    calls numpy, and puts array results back as BlockArrays. Anything that is not a public
    numpy function raises AttributeError.
    """
    func = getattr(np, name, None) if not name.startswith("_") else None
    if func is None or not callable(func) or isinstance(func, type):
        raise AttributeError(f"module 'nums.numpy' has no attribute {name!r}")

    def fallback(*args: Any, **kwargs: Any) -> Any:
        return _to_blockarrays(_fallback(func, args, kwargs, f"numpy.{name}"))

    fallback.__name__ = fallback.__qualname__ = name
    fallback.__doc__ = (
        f"Fallback for numpy.{name}: gathers BlockArray arguments on the driver (with a "
        "GatherWarning, once) and returns array results as BlockArrays."
    )
    return fallback
