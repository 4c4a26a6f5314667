"""``geomspace``: NumPy's steps (rotate the start onto the positive reals, ``logspace`` of the
logarithms, the exact endpoints, rotate back) with nums' ``logspace`` for the values."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> BlockArray:
    """nums implementation of ``numpy.geomspace`` (scalar ``start`` and ``stop``; arrays of
    them run NumPy through the explicit fallback)."""
    import nums.numpy as u

    if np.ndim(start) or np.ndim(stop) or isinstance(start, BlockArray) or isinstance(
            stop, BlockArray):
        from nums.numpy._fallback import numpy_fallback

        return numpy_fallback("geomspace")(start, stop, num, endpoint, dtype, axis)
    first, last = np.asanyarray(start), np.asanyarray(stop)
    if first == 0 or last == 0:
        raise ValueError("Geometric sequence cannot include zero")
    dt = np.result_type(first, last, float(num), np.zeros((), dtype))
    dtype = dt if dtype is None else np.dtype(dtype)
    first, last = first.astype(dt), last.astype(dt)
    sign = np.sign(first)
    first, last = first / sign, last / sign
    result = u.logspace(np.log10(first)[()], np.log10(last)[()], num=num, endpoint=endpoint,
                        base=10.0, dtype=dt)
    if num > 0:  # the endpoints exactly: 10 ** log10(x) need not be x
        result[0] = first
        if num > 1 and endpoint:
            result[-1] = last
    result = result * sign
    return result.astype(dtype, copy=False)


__all__ = ["geomspace"]
