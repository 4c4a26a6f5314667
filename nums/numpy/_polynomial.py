"""Polynomial coefficient arithmetic of NumPy's old polynomial API, distributed: ``polyadd``,
``polysub`` (the shorter operand padded with leading zeros, then added), ``polymul``
(:func:`nums.numpy.convolve`), ``polyder`` and ``polyint`` (elementwise with ``arange``
factors, slicing and the concatenated integration constants) and ``poly`` (a product of
linear factors: one task per block of the roots, then a pairwise tree of distributed
convolutions). Each follows NumPy's code step for step with nums's operations, so dtypes,
the leading zeros NumPy keeps (or trims, in ``polymul``) and errors are NumPy's.

A ``poly1d`` argument gives a ``poly1d`` result, as in NumPy: that object is NumPy's and
holds its coefficients on the driver, so such a result is fetched. ``polyval`` and
``polyfit`` are in :mod:`nums.numpy._vectors`. ``roots`` builds the companion matrix block
by block but finds its eigenvalues on one worker (``linalg.eigvals``), and so does ``poly``
for a square matrix; ``polydiv``, a sequential long division, runs NumPy on the driver
(:mod:`nums.numpy._small_on_driver`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, submit
from nums.core.array.dtypes import ufunc_result_dtypes
from nums.core.array.elementwise import broadcast_shapes
from nums.core.array.regions import region
from nums.core.graph.grid import ArrayGrid
from nums.numpy._convert import asarray


def _nps():
    import nums.numpy as nps

    return nps


def _is_poly1d(*args: Any) -> bool:
    return any(isinstance(a, np.poly1d) for a in args)


def _as_poly1d(val: Any) -> np.poly1d:
    """NumPy's ``poly1d(val)`` of a result (its coefficients fetched: poly1d is NumPy's)."""
    return np.poly1d(val.get() if isinstance(val, BlockArray) else val)


def _iterable_argument(x: Any) -> None:
    """NumPy's error for an argument that ``poly``'s and ``roots``'s dispatchers (which
    return the argument itself) cannot iterate: a scalar or a 0-d array."""
    if x.ndim == 0 if isinstance(x, BlockArray | np.ndarray) else not np.iterable(x):
        raise TypeError("dispatcher for __array_function__ did not return an iterable")


def _atleast_1d(x: Any) -> BlockArray:
    return _nps().atleast_1d(asarray(x))


def _aligned(a1: Any, a2: Any, op: Any) -> Any:
    """``op`` of two coefficient arrays, the shorter padded on the left with zeros of its own
    dtype (NumPy's ``polyadd``/``polysub``; leading zeros are kept)."""
    u = _nps()
    truepoly = _is_poly1d(a1, a2)
    a1, a2 = _atleast_1d(a1), _atleast_1d(a2)
    diff = a2.shape[0] - a1.shape[0]
    if diff > 0:
        a1 = u.concatenate((u.zeros(diff, a1.dtype), a1))
    elif diff < 0:
        a2 = u.concatenate((u.zeros(-diff, a2.dtype), a2))
    val = op(a1, a2)
    return _as_poly1d(val) if truepoly else val


def polyadd(a1: Any, a2: Any) -> Any:
    """nums implementation of ``numpy.polyadd``: the shorter operand padded with leading
    zeros, then added block by block (NumPy keeps leading zeros here; so does nums)."""
    return _aligned(a1, a2, lambda x, y: x + y)


def polysub(a1: Any, a2: Any) -> Any:
    """nums implementation of ``numpy.polysub``: the shorter operand padded with leading
    zeros, then subtracted block by block."""
    return _aligned(a1, a2, lambda x, y: x - y)


def _poly1d_coeffs(p: Any) -> BlockArray:
    """The coefficients ``numpy.poly1d(p)`` would hold: at least 1-d, leading zeros trimmed,
    ``[0]`` when nothing is left."""
    u = _nps()
    if isinstance(p, np.poly1d):
        return asarray(p.coeffs)
    c = _atleast_1d(p)
    if c.ndim > 1:
        raise ValueError("Polynomial must be 1d only.")
    c = u.trim_zeros(c, trim="f")
    return u.zeros(1, c.dtype) if c.shape[0] == 0 else c


def polymul(a1: Any, a2: Any) -> Any:
    """nums implementation of ``numpy.polymul``: the distributed ``convolve`` of the two
    coefficient arrays (leading zeros trimmed first, as NumPy's ``poly1d`` does)."""
    truepoly = _is_poly1d(a1, a2)
    val = _nps().convolve(_poly1d_coeffs(a1), _poly1d_coeffs(a2))
    return _as_poly1d(val) if truepoly else val


def _order(m: Any, what: str, other: str) -> int:
    m = int(m)
    if m < 0:
        raise ValueError(f"Order of {what} must be positive (see {other})")
    return m


def polyder(p: Any, m: Any = 1) -> Any:
    """nums implementation of ``numpy.polyder``: ``m`` times ``p[:-1] * arange(n, 0, -1)``,
    block by block."""
    u = _nps()
    m = _order(m, "derivative", "polyint")
    truepoly = isinstance(p, np.poly1d)
    val = asarray(p)
    for level in range(m + 1):
        n = len(val) - 1
        if level == m:  # NumPy forms this product too, unused: only its errors matter
            broadcast_shapes((max(len(val) - 1, 0), *val.shape[1:]), (max(n, 0),))
            ufunc_result_dtypes(np.multiply, (val, np.arange(1)))
            break
        val = val[:-1] * u.arange(n, 0, -1)
    return _as_poly1d(val) if truepoly else val


def _constants(k: Any, m: int) -> np.ndarray:
    """NumPy's integration constants of ``polyint``: ``m`` values (the user's parameters,
    one per integration, used by the driver's loop; a BlockArray of them is fetched)."""
    if isinstance(k, BlockArray):
        k = k.get()
    if k is None:
        k = np.zeros(m, float)
    k = np.atleast_1d(k)
    if len(k) == 1 and m > 1:
        k = k[0] * np.ones(m, float)
    if len(k) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    return k


def polyint(p: Any, m: Any = 1, k: Any = None) -> Any:
    """nums implementation of ``numpy.polyint``: ``m`` times ``p / arange(len(p), 0, -1)``
    block by block, each followed by its integration constant (``k``, a handful of scalars,
    is read on the driver)."""
    u = _nps()
    m = _order(m, "integral", "polyder")
    k = _constants(k, m)
    truepoly = isinstance(p, np.poly1d)
    val = asarray(p)
    for i in range(m):
        quotient = val / u.arange(len(val), 0, -1)
        val = u.concatenate((quotient, asarray(np.asarray([k[i]]))))
    return _as_poly1d(val) if truepoly else val


def _product_of_factors(zeros: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Kernel: coefficients of ``prod(x - z for z in zeros)``, by NumPy's own recurrence."""
    a = np.ones((1,), dtype=dtype)
    for zero in zeros:
        a = np.convolve(a, np.array([1, -zero], dtype=dtype), mode="full")
    return a


def _block_products(z: BlockArray) -> list[BlockArray]:
    """One coefficient array per block of the roots ``z``: the product of its factors."""
    parts = []
    for (i,) in z.grid.indices():
        (rows,) = z.grid.block_slices((i,))
        length = rows.stop - rows.start + 1
        grid = ArrayGrid((length,), (length,), z.dtype)

        def task(idx: tuple, node: int, rows: slice = rows) -> Any:
            zeros, _ = region(z, [rows], node)
            return submit(_product_of_factors, zeros, z.dtype, node=node)

        parts.append(BlockArray.build(grid, task, reads=lambda idx, rows=rows: [(z, [rows])],
                                      name="poly"))
    return parts


def poly(seq_of_zeros: Any) -> Any:
    """nums implementation of ``numpy.poly``: the product of the factors ``x - z`` of each
    block of roots in one task, then a pairwise tree of distributed convolutions. A square
    matrix's roots are its eigenvalues (``nums.numpy.linalg.eigvals``, on one worker).
    Coefficients equal
    NumPy's up to rounding (the products are grouped by blocks)."""
    u = _nps()
    _iterable_argument(seq_of_zeros)
    z = _atleast_1d(seq_of_zeros)
    shape = z.shape
    if len(shape) == 2 and shape[0] == shape[1] and shape[0] != 0:
        z = u.linalg.eigvals(z)
    elif len(shape) == 1:
        if z.dtype != object:
            z = z.astype(np.mintypecode(z.dtype.char))
    else:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    if z.shape[0] == 0:
        return 1.0
    parts = _block_products(z)
    while len(parts) > 1:
        pairs = [u.convolve(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        parts = pairs + parts[len(pairs) * 2:]
    a = parts[0]
    if issubclass(a.dtype.type, np.complexfloating):
        # roots that come in conjugate pairs make a real polynomial (NumPy's test)
        roots = z.astype(complex)
        if bool(u.all(u.sort(roots) == u.sort(u.conjugate(roots)))):
            a = u.real(a).copy()
    return a


def roots(p: Any) -> BlockArray:
    """nums implementation of ``numpy.roots``: the companion matrix of the coefficients
    (without leading and trailing zeros) is built block by block, and its eigenvalues are
    computed by ``nums.numpy.linalg.eigvals`` on one worker; the zero roots (trailing zeros)
    are appended."""
    u = _nps()
    _iterable_argument(p)
    p = _atleast_1d(p)
    if p.ndim != 1:
        raise ValueError("Input must be a rank-1 array.")
    non_zero = u.flatnonzero(p)
    if non_zero.shape[0] == 0:
        return u.array([])
    first, last = int(non_zero[0]), int(non_zero[-1])
    trailing_zeros = p.shape[0] - last - 1
    p = p[first:last + 1]
    if not issubclass(p.dtype.type, np.floating | np.complexfloating):
        p = p.astype(float)
    n = p.shape[0]
    if n > 1:
        companion = u.diag(u.ones((n - 2,), p.dtype), -1)
        companion[0, :] = -p[1:] / p[0]
        found = u.linalg.eigvals(companion)
    else:
        found = u.array([])
    return u.hstack((found, u.zeros(trailing_zeros, found.dtype)))


roots._nums_status = "one worker (small operands)"  # type: ignore[attr-defined]

__all__ = ["poly", "polyadd", "polysub", "polymul", "polyder", "polyint", "roots"]
