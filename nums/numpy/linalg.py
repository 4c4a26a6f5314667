"""nums.numpy.linalg: norms run distributed; small dense solvers run on the driver.

``solve``, ``inv``, ``lstsq``, ``det``, ``eigh`` and ``cholesky`` gather their (small)
operands to the driver, call numpy.linalg, and put the result back as a BlockArray. They
are meant for the d-by-d systems of algorithms such as Newton's method; they refuse
operands larger than ``MAX_DRIVER_BYTES`` rather than silently gathering big arrays.
Distributed factorizations (TSQR, QR, SVD, Cholesky) belong to ``nums.linalg``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy import _reductions as _red
from nums.numpy._convert import asarray
from nums.numpy._elementwise import absolute, sqrt

MAX_DRIVER_BYTES = 256 * 2**20
LinAlgError = np.linalg.LinAlgError


def _locals(*xs: Any) -> list[np.ndarray]:
    """Every operand on the driver; pending operations are all submitted before any value
    is awaited, so that they run side by side (``solve(H, g)`` of a Newton step)."""
    for x in xs:
        if isinstance(x, BlockArray) and x.nbytes <= MAX_DRIVER_BYTES:
            x.blocks  # noqa: B018  (submits the tasks of a planned result)
    return [_local(x) for x in xs]


def _local(x: Any) -> np.ndarray:
    if isinstance(x, BlockArray):
        if x.nbytes > MAX_DRIVER_BYTES:
            raise ValueError(
                f"nums.numpy.linalg would gather a {x.shape} array ({x.nbytes} bytes) to the "
                f"driver; the limit is {MAX_DRIVER_BYTES} bytes"
            )
        return x.get()
    return np.asarray(x)


def _wrap(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return BlockArray.from_numpy(value)
    return value


def solve(a: Any, b: Any) -> BlockArray:
    """nums implementation of numpy.linalg.solve (on the driver; small systems only)."""
    return _wrap(np.linalg.solve(*_locals(a, b)))


def inv(a: Any) -> BlockArray:
    """nums implementation of numpy.linalg.inv (on the driver; small matrices only)."""
    return _wrap(np.linalg.inv(_local(a)))


def det(a: Any) -> Any:
    """nums implementation of numpy.linalg.det (on the driver; small matrices only)."""
    return np.linalg.det(_local(a))


def lstsq(a: Any, b: Any, rcond: Any = None) -> tuple:
    """nums implementation of numpy.linalg.lstsq (on the driver; small systems only)."""
    x, res, rank, sv = np.linalg.lstsq(*_locals(a, b), rcond=rcond)
    return _wrap(x), _wrap(res), rank, _wrap(sv)


def cholesky(a: Any) -> BlockArray:
    """nums implementation of numpy.linalg.cholesky (on the driver; small matrices only)."""
    return _wrap(np.linalg.cholesky(_local(a)))


def eigh(a: Any, UPLO: str = "L") -> tuple:
    """nums implementation of numpy.linalg.eigh (on the driver; small matrices only)."""
    w, v = np.linalg.eigh(_local(a), UPLO=UPLO)
    return _wrap(w), _wrap(v)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> BlockArray:
    """nums implementation of numpy.linalg.norm.

    Distributed for ``ord=None`` (2-norm of vectors, Frobenius of matrices), ``ord`` in
    ``(1, inf, -inf)`` for vectors, and ``'fro'``; other orders gather to the driver.
    """
    x = asarray(x)
    vector = x.ndim == 1 or (isinstance(axis, int)) or (isinstance(axis, tuple) and len(axis) == 1)
    if ord is None or ord == "fro" or (ord == 2 and vector):
        a = absolute(x) if x.dtype.kind == "c" else x
        s = _red.sum(a * a, axis=axis, keepdims=keepdims)
        return sqrt(s.astype(np.result_type(s.dtype, np.float64)) if s.dtype.kind in "iub" else s)
    if vector and ord == 1:
        return _red.sum(absolute(x), axis=axis, keepdims=keepdims)
    if vector and ord == np.inf:
        return _red.max(absolute(x), axis=axis, keepdims=keepdims)
    if vector and ord == -np.inf:
        return _red.min(absolute(x), axis=axis, keepdims=keepdims)
    return _wrap(np.linalg.norm(_local(x), ord=ord, axis=axis, keepdims=keepdims))


__all__ = ["solve", "inv", "det", "lstsq", "cholesky", "eigh", "norm", "LinAlgError"]
