"""Covariance and correlation matrices, ``cov`` and ``corrcoef``, in the steps NumPy takes
(centring by the weighted mean, one matrix product, the normalisation); the product and the
means are distributed, and only the small matrix reaches the driver when printed."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.core.array.views import transposed_matrix
from nums.numpy._convert import asarray, made_0d
from runtime.errors import warnings_at_caller


def _nps():
    import nums.numpy as nps

    return nps


def _as_2d(x: BlockArray, dtype: np.dtype) -> BlockArray:
    x = x.astype(dtype) if x.dtype != dtype else x
    return x[None, :] if x.ndim == 1 else (x[None, None] if x.ndim == 0 else x)


def _weights(w: Any, n: int, what: str) -> BlockArray:
    u = _nps()
    w = asarray(w).astype(float)
    if w.ndim > 1:
        raise RuntimeError(f"cannot handle multidimensional {what}")
    if w.shape[0] != n:
        raise RuntimeError(f"incompatible numbers of samples and {what}")
    if bool(u.any(w < 0)):
        raise ValueError(f"{what} cannot be negative")
    return w


def cov(m: Any, y: Any = None, rowvar: bool = True, bias: bool = False, ddof: int | None = None,
        fweights: Any = None, aweights: Any = None, *, dtype: Any = None) -> BlockArray:
    """nums implementation of ``numpy.cov``."""
    u = _nps()
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    m = asarray(m)
    if m.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    if y is not None:
        y = asarray(y)
        if y.ndim > 2:
            raise ValueError("y has more than 2 dimensions")
    if dtype is None:
        dtype = np.result_type(m.dtype, np.float64) if y is None else np.result_type(
            m.dtype, y.dtype, np.float64)
    dtype = np.dtype(dtype)
    # the samples along axis 1 of X, as NumPy lays the data out (``rowvar``); data stored
    # with the samples along its rows (``rowvar=False`` on a 2-d array, or ``rowvar=True``
    # on the transposed view of such an array) stays as it is, with the samples along axis
    # 0: transposing it would copy it before the product
    m_rowvar = rowvar
    if not rowvar and m.ndim < 2:
        m_rowvar = True  # NumPy transposes only 2-d data: a vector is one variable
    base = transposed_matrix(m)
    if base is not None:
        m, m_rowvar = base, not m_rowvar
    X = _as_2d(m, dtype)
    axis = 0 if not m_rowvar and m.ndim != 1 else 1
    if axis == 1 and not m_rowvar:
        X = X.T
    if X.shape[1 - axis] == 0:
        return u.zeros((0, 0))
    if y is not None:
        Y = _as_2d(y, dtype)
        if not rowvar and Y.shape[0] != 1:  # NumPy's layout of y: variables in rows
            Y = Y.T
        X = u.concatenate([X, Y if axis == 1 else Y.T], axis=1 - axis)
    n = X.shape[axis]
    if ddof is None:
        ddof = 1 if not bias else 0
    w = None
    if fweights is not None:
        fw = asarray(fweights).astype(float)
        if not bool(u.all(fw == u.around(fw))):
            raise TypeError("fweights must be integer")
        w = _weights(fw, n, "fweights")
    aw = None
    if aweights is not None:
        aw = _weights(aweights, n, "aweights")
        w = aw if w is None else w * aw
    avg, w_sum = u.average(X, axis=axis, weights=w, returned=True)
    w_sum = w_sum[0]
    if w is None:
        fact = n - ddof
    elif ddof == 0:
        fact = w_sum
    elif aw is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * u.sum(w * aw) / w_sum
    # NumPy's scalar (complex for complex data, whose weights sum is complex: its <= orders
    # complex numbers as NumPy does)
    fact = fact.get()[()] if isinstance(fact, BlockArray) else fact
    if fact <= 0:
        from runtime.errors import warn

        warn("Degrees of freedom <= 0 for slice", RuntimeWarning)
        fact = 0.0
    # NumPy's ``X -= avg``: the centred values in X's dtype (float32 data with float64
    # weights are centred, then rounded to float32)
    if axis == 1:
        X = (X - avg[:, None]).astype(X.dtype, copy=False)
        c = u.dot(X, (X if w is None else X * w).T.conj())
    else:
        X = (X - avg[None, :]).astype(X.dtype, copy=False)
        c = u.dot(X.T, (X if w is None else X * w[:, None]).conj())
    with warnings_at_caller():  # (NumPy's divide-by-zero warning of a zero fact)
        scale = np.true_divide(1, fact)
    # NumPy's c *= scale: c's dtype; its 0-d result of one variable is an array, not a scalar
    return made_0d(u.squeeze((c * scale).astype(c.dtype, copy=False)))


def corrcoef(x: Any, y: Any = None, rowvar: bool = True, *, dtype: Any = None) -> BlockArray:
    """nums implementation of ``numpy.corrcoef``."""
    u = _nps()
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim != 2:  # a single variable: NumPy's c / c (nan for nan, inf or 0, else 1)
        return c / c
    stddev = u.sqrt(u.diag(c).real)
    c = c / stddev[:, None]
    c = c / stddev[None, :]
    if c.dtype.kind == "c":
        return u.clip(c.real, -1, 1) + 1j * u.clip(c.imag, -1, 1)
    return u.clip(c, -1, 1)


__all__ = ["cov", "corrcoef"]
