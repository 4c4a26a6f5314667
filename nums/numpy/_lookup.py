"""``interp`` (NumPy's own per block of ``x``; the table ``xp``/``fp`` goes with every task)
and ``lexsort`` (successive stable ``argsort``s, the last key primary, as NumPy orders)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, scalar_values
from nums.core.array.elementwise import map_broadcast
from nums.numpy._convert import asarray


def interp(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None,
           period: Any = None) -> Any:
    """nums implementation of ``numpy.interp``: NumPy's on each block of ``x``; the table
    (``xp``, ``fp``: a function sampled at some points) is fetched and sent with every
    task, so it should be small next to ``x``."""
    left, right, period = scalar_values((left, right, period))  # (0-d results: numbers)
    table_x = xp.get() if isinstance(xp, BlockArray) else np.asarray(xp)
    table_f = fp.get() if isinstance(fp, BlockArray) else np.asarray(fp)
    if not isinstance(x, BlockArray) and np.ndim(x) == 0:
        return np.interp(x, table_x, table_f, left, right, period)
    points = asarray(x)
    # NumPy's checks, on a point of x's dtype (complex or text x: its TypeError at the call)
    probe = np.interp(np.zeros(1, points.dtype), table_x, table_f, left, right, period)
    return map_broadcast(_interp_block, [points], probe.dtype, shape=points.shape,
                         kwargs={"xp": table_x, "fp": table_f, "left": left, "right": right,
                                 "period": period})


def _interp_block(block: np.ndarray, xp: Any, fp: Any, left: Any, right: Any, period: Any
                  ) -> np.ndarray:
    return np.interp(block, xp, fp, left, right, period)


def lexsort(keys: Any, axis: int = -1) -> BlockArray:
    """nums implementation of ``numpy.lexsort`` for 1-d keys: stable ``argsort`` by the first
    key, then by each next key in that order (the last key is the primary one). Keys of other
    dimensions (a 1-d array: 0-d keys) run NumPy through the explicit fallback."""
    import nums.numpy as u

    if isinstance(keys, BlockArray):
        # (a 1-d array is NumPy's sequence of 0-d keys, whose order is the one element's)
        columns = [keys[i] for i in range(keys.shape[0])] if keys.ndim == 2 else None
    else:
        columns = [asarray(k) for k in keys]
    if columns is None or any(c.ndim != 1 for c in columns) or axis not in (-1, 0):
        from nums.numpy._fallback import numpy_fallback

        return numpy_fallback("lexsort")(keys, axis)
    if not columns:
        np.lexsort([])  # NumPy's error for no keys
    if len({c.shape for c in columns}) != 1:
        raise ValueError("all keys need to be the same shape")
    order = u.argsort(columns[0], kind="stable")
    for key in columns[1:]:
        order = u.take(order, u.argsort(u.take(key, order), kind="stable"))
    return order


__all__ = ["interp", "lexsort"]
