"""Dense problems of small matrices (``solve``, ``inv``, ``det``, ``cholesky``, ``eigh``) on
one worker, and ``norm`` (distributed).

The solvers are meant for the d-by-d systems of algorithms such as Newton's method: the
operands are assembled on one worker, numpy.linalg runs there and the results stay there;
operands larger than ``MAX_WORKER_BYTES`` raise rather than being gathered. The blocked
distributed solvers are not written yet.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.linalg._linalg import EighResult, SlogdetResult

from nums.core.array.blockarray import BlockArray
from nums.numpy import _reductions as _red
from nums.numpy._convert import asarray
from nums.numpy._elementwise import absolute, sqrt
from nums.numpy.linalg._cholesky import tiled_cholesky
from nums.numpy.linalg._worker import on_worker, one_worker


@one_worker
def solve(a: Any, b: Any) -> BlockArray:
    """On one worker (small systems)."""
    return on_worker("solve", a, b)


@one_worker
def inv(a: Any) -> BlockArray:
    """On one worker (small matrices)."""
    return on_worker("inv", a)


@one_worker
def det(a: Any) -> Any:
    """On one worker (small matrices); the value is fetched."""
    return on_worker("det", a)


@one_worker
def slogdet(a: Any) -> Any:
    """On one worker (small matrices); the values are fetched."""
    return SlogdetResult(*on_worker("slogdet", a))


def cholesky(a: Any, /, *, upper: bool = False) -> BlockArray:
    """A matrix of one block: numpy on the worker that holds it. Larger square matrices: the
    blocked (tiled) factorization, every tile's task where that tile lives
    (:mod:`._cholesky`)."""
    a = asarray(a)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.grid.num_blocks == 1:
        return on_worker("cholesky", a, **({"upper": True} if upper else {}))
    if not upper:
        return tiled_cholesky(a)
    # upper=True reads the upper triangle (LAPACK's 'U'): U = cholesky(A^H)^H
    ct = a.T.conj() if a.dtype.kind == "c" else a.T
    lower = tiled_cholesky(ct)
    return lower.T.conj() if lower.dtype.kind == "c" else lower.T


@one_worker
def eigh(a: Any, UPLO: str = "L") -> tuple:
    """On one worker (small matrices)."""
    return EighResult(*on_worker("eigh", a, UPLO=UPLO))


@one_worker
def eigvalsh(a: Any, UPLO: str = "L") -> BlockArray:
    """On one worker (small matrices)."""
    return on_worker("eigvalsh", a, UPLO=UPLO)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> BlockArray:
    """nums implementation of numpy.linalg.norm.

    Distributed for ``ord=None`` (2-norm of vectors, Frobenius of matrices), ``ord`` in
    ``(1, inf, -inf)`` for vectors, and ``'fro'``; other orders run on one worker.
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
    return on_worker("norm", x, ord=ord, axis=axis, keepdims=keepdims)


__all__ = ["solve", "inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "norm"]
