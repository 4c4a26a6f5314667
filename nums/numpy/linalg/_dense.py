"""Dense square problems (``solve``, ``inv``, ``det``, ``slogdet``, ``cholesky``, ``eigh``)
and ``norm`` (distributed).

A matrix larger than ``_tiles.SMALL_BYTES`` (and of more than one block) is solved blocked,
by tiles placed over the grid (:mod:`._cholesky`, :mod:`._lu`); smaller matrices and stacks
of matrices are assembled on one worker, where numpy.linalg runs and the results stay
(operands larger than ``MAX_WORKER_BYTES`` raise rather than being gathered). ``eigh`` and
``eigvalsh`` always run on one worker.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index
from numpy.linalg._linalg import EighResult, SlogdetResult

from nums.core.array import kernels, resident
from nums.core.array.blockarray import BlockArray, backend
from nums.core.array.reduction import tree_reduce
from nums.numpy import _reductions as _red
from nums.numpy._convert import asarray
from nums.numpy._creation import eye
from nums.numpy._elementwise import absolute, sqrt
from nums.numpy.linalg._cholesky import tiled_cholesky
from nums.numpy.linalg._lu import eliminate, lu_slogdet
from nums.numpy.linalg._tiles import (
    dtypes,
    is_hermitian_positive_diagonal,
    row_tiles,
    square_tiles,
    triangular_solve,
    use_tiles,
)
from nums.numpy.linalg._worker import LinAlgError, on_worker, one_worker
from runtime.errors import warnings_at_caller


def solve(a: Any, b: Any) -> BlockArray:
    """Large matrices: blocked, by Cholesky when ``a`` is exactly Hermitian with a positive
    diagonal and the factorization succeeds (as MATLAB's backslash; the result agrees with
    numpy's LU to rounding), else by LU with partial pivoting (:mod:`._lu`); raises numpy's
    LinAlgError("Singular matrix") on an exactly zero pivot. Small matrices and stacks: one
    worker."""
    a, b = asarray(a), asarray(b)
    if not use_tiles(a) or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        return on_worker("solve", a, b)
    computing, result = dtypes(a.dtype, b.dtype)
    a = square_tiles(a, computing)
    b = row_tiles(b, a.block_shape[0], computing)
    if is_hermitian_positive_diagonal(a):
        try:
            lower = tiled_cholesky(a)
        except LinAlgError:
            pass  # not positive definite: LU below
        else:
            y = triangular_solve(lower.blocks, b, lower=True, trans="N")
            return triangular_solve(lower.blocks, y, lower=True, trans="C").astype(result,
                                                                                   copy=False)
    factor, y, swaps = eliminate(a, b)
    x = triangular_solve(factor, y, lower=False, trans="N")
    backend().get(swaps)  # numpy raises LinAlgError at the call: wait for every panel
    return x.astype(result, copy=False)



def inv(a: Any) -> BlockArray:
    """Large matrices: ``solve(a, I)`` blocked. Small matrices and stacks: one worker."""
    a = asarray(a)
    if not use_tiles(a):
        return on_worker("inv", a)
    return solve(a, eye(a.shape[0], dtype=dtypes(a.dtype)[1]))


def det(a: Any) -> Any:
    """Large matrices: from the blocked LU (:mod:`._lu`). Small matrices and stacks: one
    worker. The value is fetched."""
    a = asarray(a)
    if not use_tiles(a):
        return on_worker("det", a)
    computing, result = dtypes(a.dtype)
    sign, logdet = lu_slogdet(square_tiles(a, computing))
    with warnings_at_caller():  # numpy warns on overflow: at the user's line
        return np.asarray(sign * np.exp(logdet)).astype(result)[()]


def slogdet(a: Any) -> Any:
    """Large matrices: from the blocked LU (:mod:`._lu`). Small matrices and stacks: one
    worker. The values are fetched."""
    a = asarray(a)
    if not use_tiles(a):
        return SlogdetResult(*on_worker("slogdet", a))
    computing, result = dtypes(a.dtype)
    sign, logdet = lu_slogdet(square_tiles(a, computing))
    return SlogdetResult(result.type(sign), np.finfo(result).dtype.type(logdet))


def cholesky(a: Any, /, *, upper: bool = False) -> BlockArray:
    """Large matrices: the blocked (tiled) factorization, every tile's task where that tile
    lives (:mod:`._cholesky`). Small matrices and stacks: one worker."""
    a = asarray(a)
    if not use_tiles(a):
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


def norm_operand(x: BlockArray) -> BlockArray:
    """``x`` as NumPy's norms take it: other than inexact or object dtypes (integers, bools,
    timedelta64) as float64 (squares and absolute values of integers would wrap)."""
    return x if x.dtype.kind in "fcO" else x.astype(np.float64)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> BlockArray:
    """nums implementation of numpy.linalg.norm.

    A driver-resident array's norm is NumPy's, computed in the driver. Distributed for
    ``ord=None`` (2-norm of vectors, Frobenius of matrices), ``ord`` in
    ``(1, inf, -inf)`` for vectors, and ``'fro'``; other orders run on one worker.
    """
    x = asarray(x)
    # a driver-resident (or small fetched) array: NumPy's own norm, its value bit for bit
    local = resident.kernel(functools.partial(np.linalg.norm, ord=ord, axis=axis,
                                              keepdims=keepdims), [x])
    if local is not None:
        return local
    _check_norm_axes(x.ndim, ord, axis)
    if axis is not None and not isinstance(axis, tuple):
        axis = int(axis)  # (NumPy's: a float axis counts as its int)
    x = norm_operand(x)
    vector = x.ndim == 1 or (isinstance(axis, int)) or (isinstance(axis, tuple) and len(axis) == 1)
    if vector and isinstance(ord, str) and (axis is not None or x.ndim == 1):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")  # numpy's error
    if ord is not None and axis is None and x.ndim > 2:
        raise ValueError("Improper number of dimensions to norm.")  # NumPy's, for any ord
    if ord == "fro" and (vector or (isinstance(axis, tuple) and len(axis) > 2)):
        raise ValueError("Improper number of dimensions to norm.")
    if (ord is None or ord == "fro" or (ord == 2 and x.ndim == 1)) and (
            axis is None or x.ndim == 1) and x.size and x.dtype.kind in "fc":
        # NumPy's way for the whole array: the square root of the dot of the values with
        # themselves (no array of squares), block by block
        real = np.empty(0, x.dtype).real.dtype
        return sqrt(tree_reduce(x, tuple(range(x.ndim)), keepdims, kernels.sqnorm_partial,
                                {}, np.add, real))
    if (ord is None or ord == "fro" or (ord == 2 and x.ndim == 1)) and (
            axis is None or x.ndim == 1) and x.dtype.kind == "O":
        # NumPy's for objects: the square root of their dot, a Python number (NumPy's
        # ``sqrt`` of it is a float64; of a 0-d object array, each object's ``sqrt``)
        return asarray(np.sqrt(_red.sum(x * x).get()[()]))
    if ord is None or ord == "fro" or (ord == 2 and vector):
        a = absolute(x) if x.dtype.kind == "c" else x
        return sqrt(_red.sum(a * a, axis=axis, keepdims=keepdims))
    if vector and ord == 1:
        return _red.sum(absolute(x), axis=axis, keepdims=keepdims)
    if vector and ord == np.inf:  # (0 of an empty array, as NumPy: its max starts from 0)
        return _red.max(absolute(x), axis=axis, keepdims=keepdims, initial=0)
    if vector and ord == -np.inf:
        return _red.min(absolute(x), axis=axis, keepdims=keepdims)
    return on_worker("norm", x, ord=ord, axis=axis, keepdims=keepdims)


def _check_norm_axes(ndim: int, ord: Any, axis: Any) -> None:
    """NumPy's checks of ``norm``'s ``axis``, in its order: one axis (a vector norm, no
    string order) or two distinct ones (a matrix norm), each in range."""
    if axis is None:
        return
    if not isinstance(axis, tuple):
        try:
            axis = (int(axis),)
        except Exception as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        normalize_axis_index(axis[0], ndim)
    elif len(axis) == 2:
        if normalize_axis_index(axis[0], ndim) == normalize_axis_index(axis[1], ndim):
            raise ValueError("Duplicate axes given.")
    else:
        raise ValueError("Improper number of dimensions to norm.")


__all__ = ["solve", "inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "norm"]
