"""The rest of numpy.linalg, built on the namespace's distributed operations: the Array API
functions (``matmul``, ``vecdot``, ``vector_norm``, ``matrix_norm``, ``cross``, ...),
``multi_dot`` (choosing the product order), ``matrix_power`` and the tensor solvers; ``eig``
and ``eigvals`` on one worker (small matrices)."""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple
from numpy.linalg._linalg import EigResult

from nums.core.array.blockarray import BlockArray
from nums.core.array.dtypes import result_type
from nums.core.array.writes import check_out, write_out
from nums.numpy import _reductions as _red
from nums.numpy._convert import asarray
from nums.numpy._creation import eye
from nums.numpy._elementwise import absolute, multiply, power
from nums.numpy._manipulation import broadcast_to, reshape, swapaxes
from nums.numpy._manipulation import diagonal as _diagonal
from nums.numpy._products import dot as _dot
from nums.numpy._products import matmul as _matmul
from nums.numpy._products import tensordot as _tensordot
from nums.numpy._products import trace as _trace
from nums.numpy._vectors import cross as _np_cross
from nums.numpy._vectors import vecdot as _np_vecdot
from nums.numpy.linalg._dense import inv, norm_operand, solve
from nums.numpy.linalg._factor import svdvals
from nums.numpy.linalg._worker import LinAlgError, on_worker, one_worker


def matmul(x1: Any, x2: Any, /) -> BlockArray:
    """``numpy.matmul`` (distributed)."""
    return _matmul(x1, x2)


def tensordot(x1: Any, x2: Any, /, *, axes: Any = 2) -> BlockArray:
    """``numpy.tensordot`` (distributed)."""
    return _tensordot(x1, x2, axes=axes)


def outer(x1: Any, x2: Any, /) -> BlockArray:
    """Of 1-d arrays only, as numpy.linalg (distributed)."""
    a, b = asarray(x1), asarray(x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are {a.ndim=} and "
                         f"{b.ndim=}.")
    return multiply(a[:, None], b[None, :])


def diagonal(x: Any, /, *, offset: int = 0) -> BlockArray:
    """The diagonal of the last two axes (a read-only view, as numpy's)."""
    return _diagonal(asarray(x), offset, -2, -1)


def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> BlockArray:
    """The trace of the last two axes (distributed)."""
    return _trace(asarray(x), offset, -2, -1, dtype)


def matrix_transpose(x: Any, /) -> BlockArray:
    """The last two axes swapped (a view)."""
    x = asarray(x)
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return swapaxes(x, -1, -2)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> BlockArray:
    """``sum(conj(x1) * x2, axis)``: ``numpy.vecdot``'s (distributed)."""
    return _np_vecdot(x1, x2, axis=axis)


def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False,
                ord: Any = 2) -> BlockArray:
    """Any ``ord`` (``sum(|x|**ord)**(1/ord)``, 0, inf, -inf), distributed."""
    x = asarray(x)
    if ord is None:  # (NumPy's default: the 2-norm)
        ord = 2
    if axis is not None and not isinstance(axis, tuple):
        axis = int(axis)  # (NumPy's norm takes a float axis as its int)
    if axis is not None:
        normalize_axis_tuple(axis, x.ndim)  # NumPy's AxisError (a 0-d array has no axis)
    x = norm_operand(x)
    if axis is None:
        flat = reshape(x, (x.size,))
        out = vector_norm(flat, axis=0, ord=ord)
        return reshape(out, (1,) * x.ndim) if keepdims else out
    a = absolute(x)
    real = np.zeros(0, x.dtype).real.dtype if x.dtype.kind in "fc" else np.float64
    if ord == np.inf:  # (0 of an empty array, as NumPy: its max starts from 0)
        return _red.max(a, axis=axis, keepdims=keepdims, initial=0).astype(real, copy=False)
    if ord == -np.inf:
        return _red.min(a, axis=axis, keepdims=keepdims).astype(real, copy=False)
    if ord == 0:
        return _red.sum(a != 0, axis=axis, keepdims=keepdims, dtype=real)
    if ord == 1:
        return _red.sum(a, axis=axis, keepdims=keepdims, dtype=real)
    if ord == 2:
        return power(_red.sum(multiply(a, a), axis=axis, keepdims=keepdims, dtype=real), 0.5)
    p = float(ord)
    return power(_red.sum(power(a.astype(real, copy=False), p), axis=axis,
                          keepdims=keepdims), 1.0 / p)


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> BlockArray:
    """Of 2-d arrays: ``'fro'``, the 1/-1/inf/-inf norms distributed; ``'nuc'`` and 2/-2 from
    the singular values (TSQR)."""
    x = asarray(x)
    if ord is None:  # (NumPy's default: Frobenius)
        ord = "fro"
    x = norm_operand(x)
    if x.ndim != 2:
        return _stacked_matrix_norm(x, keepdims, ord)
    a = absolute(x)
    if ord == "fro":
        out = power(_red.sum(multiply(a, a)), 0.5)
    elif ord in (1, -1):
        cols = _red.sum(a, axis=0)
        out = _red.max(cols, initial=0) if ord == 1 else _red.min(cols)
    elif ord in (np.inf, -np.inf):
        rows = _red.sum(a, axis=1)
        out = _red.max(rows, initial=0) if ord == np.inf else _red.min(rows)
    elif ord in ("nuc", 2, -2):
        s = svdvals(x)
        out = _red.sum(s) if ord == "nuc" else (
            _red.max(s, initial=0) if ord == 2 else _red.min(s))
    else:
        raise ValueError("Invalid norm order for matrices.")
    return reshape(out, (1, 1)) if keepdims else out


def _stacked_matrix_norm(x: BlockArray, keepdims: bool, ord: Any) -> BlockArray:
    """:func:`matrix_norm` of a stack of matrices (the last two axes)."""
    np.linalg.matrix_norm(np.ones((1,) * x.ndim, dtype=x.dtype), ord=ord)  # numpy's errors
    a = absolute(x)
    if ord == "fro":
        out = power(_red.sum(multiply(a, a), axis=(-2, -1)), 0.5)
    elif ord in (1, -1, np.inf, -np.inf):
        sums = _red.sum(a, axis=-2 if ord in (1, -1) else -1)
        out = _red.max(sums, axis=-1, initial=0) if ord > 0 else _red.min(sums, axis=-1)
    else:
        s = svdvals(x)
        out = _red.sum(s, axis=-1) if ord == "nuc" else (
            _red.max(s, axis=-1, initial=0) if ord == 2 else _red.min(s, axis=-1))
    return reshape(out, out.shape + (1, 1)) if keepdims else out


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> BlockArray:
    """Of 3-element vectors along ``axis``, as numpy.linalg (distributed)."""
    a, b = asarray(x1), asarray(x2)
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"Both input arrays must be (arrays of) 3-dimensional vectors, but "
                         f"they are {a.shape[axis]} and {b.shape[axis]} dimensional instead.")
    return _np_cross(a, b, axis=axis)  # numpy.cross's (its operands broadcast)


def _chain_order(shapes: list[tuple[int, int]]) -> list[list[int]]:
    """Where to split each sub-chain so that the products cost the fewest multiplications
    (the matrix-chain problem)."""
    n = len(shapes)
    dims = [shapes[0][0]] + [s[1] for s in shapes]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain_product(arrays: list[BlockArray], split: Any, i: int, j: int) -> BlockArray:
    # a module function: a closure calling itself would be a reference cycle holding arrays
    if i == j:
        return arrays[i]
    k = split[i][j]
    return _matmul(_chain_product(arrays, split, i, k), _chain_product(arrays, split, k + 1, j))


def multi_dot(arrays: Any, *, out: Any = None) -> BlockArray:
    """The product of the chain in the order that costs the fewest multiplications."""
    arrays = [asarray(a) for a in arrays]
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    if len(arrays) == 2:  # (NumPy's: dot, of arrays of any rank)
        return _dot(arrays[0], arrays[1], out=out)
    first_1d, last_1d = arrays[0].ndim == 1, arrays[-1].ndim == 1
    if first_1d:
        arrays[0] = arrays[0][None, :]
    if last_1d:
        arrays[-1] = arrays[-1][:, None]
    for a in arrays:
        if a.ndim != 2:
            raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be "
                              "two-dimensional")
    # NumPy's last product is a dot into ``out``: its dtype exactly, before any work
    check_out(out, result_type(*arrays), "exact")
    split = _chain_order([a.shape for a in arrays])
    result = _chain_product(arrays, split, 0, len(arrays) - 1)
    if out is not None:  # (NumPy's: ``out`` takes the 2-d product; 1-d ends are its views)
        if out.shape != result.shape:
            raise ValueError("output array is not acceptable (must have the right datatype, "
                             "number of dimensions, and be a C-Array)")
        result = write_out(out, result)
    if first_1d and last_1d:
        return result[0, 0]
    if first_1d:
        return result[0]
    if last_1d:
        return result[:, 0]
    return result


def matrix_power(a: Any, n: int) -> BlockArray:
    """By repeated squaring (distributed products); negative powers invert first (one
    worker)."""
    a = asarray(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be at least "
                          "two-dimensional" if a.ndim < 2 else
                          "Last 2 dimensions of the array must be square")
    n = operator.index(n)
    if n == 0:
        return broadcast_to(eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
    if n < 0:
        a, n = inv(a), -n
    result, square = None, a  # n == 1 gives a itself, as numpy
    while n:
        if n & 1:
            result = square if result is None else _matmul(result, square)
        n >>= 1
        if n:
            square = _matmul(square, square)
    return result


@one_worker
def tensorsolve(a: Any, b: Any, axes: Any = None) -> BlockArray:
    """``solve`` of ``a`` reshaped to a square matrix (one worker)."""
    a, b = asarray(a), asarray(b)
    if axes is not None:
        order = [i for i in range(a.ndim) if i not in axes] + list(axes)
        a = a.transpose(order)
    cols_shape = a.shape[a.ndim - (a.ndim - b.ndim):]  # (NumPy's rule, its errors:
    cols = math.prod(cols_shape)  # a square matrix of a; b's size is solve's to check)
    if a.size != cols ** 2:
        raise LinAlgError("Input arrays must satisfy the requirement "
                          "prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    x = solve(reshape(a, (cols, cols)), reshape(b, (b.size,)))
    return reshape(x, cols_shape)


@one_worker
def tensorinv(a: Any, ind: int = 2) -> BlockArray:
    """``inv`` of ``a`` reshaped to a square matrix (one worker)."""
    a = asarray(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    old = a.shape
    rows = math.prod(old[:ind])
    inv_shape = old[ind:] + old[:ind]
    if rows != math.prod(old[ind:]):
        raise LinAlgError("Last 2 dimensions of the array must be square")
    return reshape(inv(reshape(a, (rows, -1))), inv_shape)


@one_worker
def eig(a: Any) -> Any:
    """On one worker (small matrices)."""
    return EigResult(*on_worker("eig", a))


@one_worker
def eigvals(a: Any) -> BlockArray:
    """On one worker (small matrices)."""
    return on_worker("eigvals", a)


__all__ = ["matmul", "tensordot", "outer", "diagonal", "trace", "matrix_transpose", "vecdot",
           "vector_norm", "matrix_norm", "cross", "multi_dot", "matrix_power", "tensorsolve",
           "tensorinv", "eig", "eigvals"]
