"""Window functions (``bartlett``, ``blackman``, ``hamming``, ``hanning``, ``kaiser``), made
with nums' ``arange`` and ufuncs in NumPy's formulas, so values are NumPy's."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray


def _nps():
    import nums.numpy as nps

    return nps


def _points(M: Any) -> tuple[Any, BlockArray | None]:
    """``M`` as a float (at least float64, as NumPy), and the window for ``M < 2``."""
    u = _nps()
    values = np.array([0.0, M])
    m = values[1]
    if m < 1:
        return m, u.asarray(np.array([], dtype=values.dtype))
    if m == 1:
        return m, u.ones(1, dtype=values.dtype)
    return m, None


def _window(M: int, formula: Any) -> BlockArray:
    """``formula(u, n, m)`` over NumPy's points ``n = arange(1 - m, m, 2)`` (the windows
    for ``M < 2`` as NumPy makes them)."""
    u = _nps()
    m, small = _points(M)
    if small is not None:
        return small
    return formula(u, u.arange(1 - m, m, 2), m)


def bartlett(M: int) -> BlockArray:
    """nums implementation of ``numpy.bartlett``."""
    return _window(M, lambda u, n, m: u.where(n <= 0, 1 + n / (m - 1), 1 - n / (m - 1)))


def blackman(M: int) -> BlockArray:
    """nums implementation of ``numpy.blackman``."""
    return _window(M, lambda u, n, m: 0.42 + 0.5 * u.cos(np.pi * n / (m - 1))
                   + 0.08 * u.cos(2.0 * np.pi * n / (m - 1)))


def hamming(M: int) -> BlockArray:
    """nums implementation of ``numpy.hamming``."""
    return _window(M, lambda u, n, m: 0.54 + 0.46 * u.cos(np.pi * n / (m - 1)))


def hanning(M: int) -> BlockArray:
    """nums implementation of ``numpy.hanning``."""
    return _window(M, lambda u, n, m: 0.5 + 0.5 * u.cos(np.pi * n / (m - 1)))


def kaiser(M: int, beta: float) -> BlockArray:
    """nums implementation of ``numpy.kaiser``."""
    u = _nps()
    values = np.array([0.0, M, beta])
    m, b = values[1], values[2]
    if m == 1:
        return u.ones(1, dtype=values.dtype)
    n = u.arange(0, m)
    alpha = (m - 1) / 2.0
    return u.i0(b * u.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / np.i0(b)


__all__ = ["bartlett", "blackman", "hamming", "hanning", "kaiser"]
