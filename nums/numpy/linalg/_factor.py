"""Factorizations built on TSQR: ``qr``, ``svd``, ``svdvals``, ``lstsq``, ``pinv``,
``matrix_rank`` and ``cond``.

A tall array (``m >= n``) is factored by TSQR (:mod:`._tsqr`), then the small ``n x n``
problem on one worker; a wide one through its transpose (``qr``: the first ``m`` columns,
then ``Q^H`` times the rest). Arrays of at most ``MAX_WORKER_BYTES`` whose factors numpy's
``mode``/``full_matrices`` ask in full run numpy.linalg on one worker. Arrays that are not
tall-skinny (an ``n x n`` factor larger than ``MAX_FACTOR_BYTES``) raise: the blocked
algorithm for them is not written yet.

Differences from numpy: the signs of the columns of ``Q`` (and rows of ``R``), and of
singular vectors, may differ from numpy's (QR and SVD are unique only up to them); the values
agree. ``mode='raw'`` and ``mode='complete'`` of a tall array, and ``full_matrices=True`` of
a tall or wide array, are available on one worker only (the complete ``m x m`` factor).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.linalg._linalg import QRResult, SVDResult

from nums.core.array import linalg_kernels as lk
from nums.core.array.blockarray import BlockArray, submit
from nums.numpy._convert import asarray
from nums.numpy._elementwise import conjugate, multiply, subtract
from nums.numpy._manipulation import concatenate
from nums.numpy._products import matmul
from nums.numpy._reductions import sum as _sum
from nums.numpy.linalg._householder import blocked_qr
from nums.numpy.linalg._tsqr import r_augmented, result_dtype, tsqr
from nums.numpy.linalg._worker import (
    MAX_WORKER_BYTES,
    LinAlgError,
    on_worker,
    one_block,
    unpack,
    whole,
)
from runtime.errors import warn

MAX_FACTOR_BYTES = 64 * 2**20  # the largest n x n factor TSQR passes between nodes


def _matrix(a: Any, what: str) -> BlockArray:
    a = asarray(a)
    if a.ndim < 2:
        raise LinAlgError(f"{a.ndim}-dimensional array given. Array must be at least "
                          "two-dimensional")
    return a


def _small(a: BlockArray) -> bool:
    """One block, a stack of matrices, or no elements: numpy itself on one worker (numpy's
    exact results; a stack over ``MAX_WORKER_BYTES`` raises there)."""
    return a.ndim > 2 or a.size == 0 or (a.nbytes <= MAX_WORKER_BYTES
                                         and a.grid.num_blocks == 1)


def _full_on_worker(a: BlockArray, what: str, option: str) -> None:
    """Complete square factors are computed by numpy on one worker: small arrays only."""
    if a.nbytes > MAX_WORKER_BYTES:
        raise NotImplementedError(
            f"nums.numpy.linalg.{what}: {option} runs numpy on one worker, for arrays of at "
            f"most {MAX_WORKER_BYTES} bytes; this {a.shape} array has {a.nbytes} bytes")


def _check_skinny(n: int, dtype: Any, what: str) -> None:
    if n * n * np.dtype(dtype).itemsize > MAX_FACTOR_BYTES:
        raise NotImplementedError(
            f"nums.numpy.linalg.{what}: an {n} x {n} factor is larger than {MAX_FACTOR_BYTES} "
            "bytes; the blocked algorithm for arrays that are not tall-skinny is not written "
            "yet")


def _tall_qr(a: BlockArray, want_q: bool) -> tuple[BlockArray | None, BlockArray]:
    """TSQR when its ``n x n`` factors are small enough to pass between nodes, else the
    blocked Householder QR by columns of tiles."""
    n = a.shape[1]
    if n * n * np.dtype(a.dtype).itemsize <= MAX_FACTOR_BYTES:
        return tsqr(a, want_q=want_q)
    return blocked_qr(a, want_q=want_q)


def _ct(x: BlockArray) -> BlockArray:
    """The conjugate transpose."""
    return conjugate(x.T) if x.dtype.kind == "c" else x.T


def qr(a: Any, mode: str = "reduced") -> Any:
    """Tall arrays by TSQR (``Q`` assembled down the tree), or by blocked Householder QR
    when ``R`` is over 64 MiB (:mod:`._householder`); wide arrays as the QR of the first
    ``m`` columns, then ``Q^H`` times the rest. ``'raw'`` and ``'complete'`` of a tall
    array run on one worker (small arrays only). Column signs may differ from numpy's."""
    if mode in ("f", "full"):  # NumPy's deprecated names, with its warnings
        warn("The 'full' option is deprecated in favor of 'reduced'.\nFor backward "
             "compatibility let mode default.", DeprecationWarning)
        mode = "reduced"
    elif mode in ("e", "economic"):
        a = _matrix(a, "qr")
        _full_on_worker(a, "qr", f"mode={mode!r}")
        return on_worker("qr", a, mode=mode)  # (NumPy's warning, from the worker)
    if mode not in ("reduced", "complete", "r", "raw"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    a = _matrix(a, "qr")
    result_dtype(a.dtype)  # numpy's TypeError for unsupported dtypes
    m, n = a.shape[-2:]
    full = mode == "raw" or (mode == "complete" and m > n)
    if full:
        _full_on_worker(a, "qr", f"mode={mode!r}")
    if _small(a) or full:
        out = on_worker("qr", a, mode=mode)
        return QRResult(*out) if mode in ("reduced", "complete") else out
    if m >= n:
        q, r = _tall_qr(a, want_q=mode != "r")
        return r if mode == "r" else QRResult(q, r)
    q, r1 = _tall_qr(a[:, :m], want_q=True)
    r = concatenate([r1, matmul(_ct(q), a[:, m:])], axis=1)
    return r if mode == "r" else QRResult(q, r)


def _svd_parts(a: BlockArray, what: str) -> tuple[BlockArray, BlockArray, BlockArray,
                                                 BlockArray, bool]:
    """``(Q, U_r, s, Vh, transposed)``: ``a`` (or its conjugate transpose, when wide) is
    ``Q U_r diag(s) Vh`` with ``Q`` from TSQR and the rest from the SVD of ``R``."""
    transposed = a.shape[0] < a.shape[1]
    t = _ct(a) if transposed else a
    _check_skinny(t.shape[1], t.dtype, what)
    q, r = tsqr(t)
    k, n = r.shape
    node = int(r.nodes.flat[0])
    u, s, vh = submit(lk.svd_small, r.blocks.flat[0], node=node, num_returns=3)
    real = np.zeros(0, r.dtype).real.dtype
    values = one_block(s, (k,), real, node)._errors_now()  # (NumPy's LinAlgError: here)
    return (q, one_block(u, (k, k), r.dtype, node), values,
            one_block(vh, (k, n), r.dtype, node), transposed)


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Any:
    """TSQR, then the SVD of ``R`` on one worker; ``U = Q U_r``. ``full_matrices=True`` of a
    tall or wide array (the complete square factor) and ``hermitian=True`` run numpy on one
    worker (small arrays only). Singular vectors' signs may differ from numpy's."""
    a = _matrix(a, "svd")
    result_dtype(a.dtype)
    m, n = a.shape[-2:]
    full = hermitian or (full_matrices and compute_uv and m != n)
    if full:
        _full_on_worker(a, "svd", "full_matrices=True (pass full_matrices=False for the "
                        "distributed reduced factors)" if not hermitian else "hermitian=True")
    if _small(a) or full:
        out = on_worker("svd", a, full_matrices=full_matrices, compute_uv=compute_uv,
                        hermitian=hermitian)
        return SVDResult(*out) if compute_uv else out
    if not compute_uv:
        return svdvals(a)
    q, u, s, vh, transposed = _svd_parts(a, "svd")
    left = matmul(q, u)
    if transposed:  # a^H = left diag(s) vh, so a = vh^H diag(s) left^H
        return SVDResult(_ct(vh), s, _ct(left))
    return SVDResult(left, s, vh)


def svdvals(x: Any, /) -> BlockArray:
    """The singular values: TSQR's ``R`` only, then its singular values on one worker."""
    a = _matrix(x, "svdvals")
    result_dtype(a.dtype)
    if _small(a):
        return on_worker("svd", a, compute_uv=False)
    t = _ct(a) if a.shape[0] < a.shape[1] else a
    _check_skinny(t.shape[1], t.dtype, "svdvals")
    _, r = tsqr(t, want_q=False)
    node = int(r.nodes.flat[0])
    real = np.zeros(0, r.dtype).real.dtype
    return one_block(submit(lk.svdvals_small, r.blocks.flat[0], node=node),
                     (min(r.shape),), real, node)._errors_now()  # (LinAlgError at the call)


def _cutoff(s: np.ndarray, rcond: Any, m: int, n: int, dtype: Any) -> float:
    if rcond is None:
        rcond = np.finfo(dtype).eps * max(m, n)
    return float(rcond * s.max()) if s.size else 0.0


def lstsq(a: Any, b: Any, rcond: Any = None) -> tuple:
    """Least squares through TSQR and the SVD of ``R``: ``x = V diag(1/s) U_r^H Q^H b``
    (``Q^H b`` is a distributed product; nothing of size ``m`` is gathered). Returns numpy's
    ``(x, residuals, rank, s)``; residuals as numpy gives them (empty unless full rank and
    ``m > n``)."""
    a = _matrix(a, "lstsq")
    b = asarray(b)
    if a.ndim != 2:  # numpy's LinAlgError
        return on_worker("lstsq", a, b, rcond=rcond)
    m, n = a.shape
    if b.ndim not in (1, 2):
        raise LinAlgError(f"{b.ndim}-dimensional array given. Array must be one or "
                          "two-dimensional")
    if b.shape[0] != m:
        raise LinAlgError("Incompatible dimensions")
    if _small(a) and b.nbytes <= MAX_WORKER_BYTES:
        return on_worker("lstsq", a, b, rcond=rcond)
    dtype, out = _lstsq_types(a.dtype, b.dtype)
    if rcond is None:
        rcond = np.finfo(dtype).eps * max(m, n)
    elif rcond < 0:
        rcond = np.finfo(dtype).eps  # LAPACK's rule, which NumPy follows: machine precision
    # NumPy's LAPACK call raises no floating-point warnings (an inf in ``b`` makes NaNs of
    # the products here, silently in NumPy); its results are computed under this state too
    with np.errstate(all="ignore"):
        return _in_dtype(_lstsq(a, b, rcond, dtype), out)


def _lstsq_types(a: np.dtype, b: np.dtype) -> tuple[np.dtype, np.dtype]:
    """NumPy's dtypes of ``lstsq``: it computes in double precision (complex if either is),
    and returns single precision when both operands are single precision."""
    for d in (a, b):
        if d.kind in "fc" and np.dtype(d).type not in (np.float32, np.float64, np.complex64,
                                                       np.complex128):
            raise TypeError(f"array type {d} is unsupported in linalg")
    cplx = a.kind == "c" or b.kind == "c"
    single = all(d.type in (np.float32, np.complex64) for d in (a, b))
    compute = np.dtype(np.complex128 if cplx else np.float64)
    out = np.dtype((np.complex64 if cplx else np.float32) if single else compute)
    return compute, out


def _in_dtype(result: tuple, dtype: np.dtype) -> tuple:
    """``lstsq``'s ``(x, residuals, rank, s)`` with ``x`` in ``dtype`` and the residuals and
    singular values in its real dtype."""
    x, resid, rank, s = result
    real = np.zeros(0, dtype).real.dtype
    return (x.astype(dtype, copy=False), resid.astype(real, copy=False), rank,
            s.astype(real, copy=False))


def _lstsq(a: BlockArray, b: BlockArray, rcond: float, dtype: np.dtype) -> tuple:
    m, n = a.shape
    if m >= n:
        fast = _lstsq_normal(a.astype(dtype, copy=False), b.astype(dtype, copy=False), rcond)
        if fast is not None:
            return fast
    if m >= n:  # one pass: the R of [a | b] holds R, Q^H b and the residuals
        _check_skinny(n + (b.shape[1] if b.ndim == 2 else 1), dtype, "lstsq")
        raug, node = r_augmented(a.astype(dtype, copy=False), b.astype(dtype, copy=False))
        result = submit(lk.lstsq_from_r, raug, n, m, rcond, b.ndim == 1, node=node)
        return unpack(result, node)
    q, u, s, vh, transposed = _svd_parts(a.astype(dtype, copy=False), "lstsq")
    s_values = s.get()
    cutoff = _cutoff(s_values, rcond, m, n, dtype)
    rank = np.int32(np.count_nonzero(s_values > cutoff))  # as LAPACK reports it in NumPy
    node = int(u.nodes.flat[0])
    bb = b.astype(dtype, copy=False)
    if transposed:  # a = vh^H diag(s) (q u)^H, so x = q (u diag(1/s) vh b): b is small
        small = submit(lk.lstsq_small, u.blocks.flat[0], s.blocks.flat[0], vh.blocks.flat[0],
                       whole(bb, node)[0], cutoff, True, node=node)
        x = matmul(q, one_block(small, (u.shape[0],) + b.shape[1:], dtype, node))
    else:
        qtb = matmul(_ct(q), bb)
        xref = submit(lk.lstsq_small, u.blocks.flat[0], s.blocks.flat[0], vh.blocks.flat[0],
                      whole(qtb, node)[0], cutoff, False, node=node)
        x = one_block(xref, (n,) + b.shape[1:], dtype, node)
    if rank == n and m > n:
        r = subtract(bb, matmul(a.astype(dtype, copy=False), x))
        resid = _sum(multiply(r, conjugate(r)).real if dtype.kind == "c" else
                     multiply(r, r), axis=0)
        if b.ndim == 1:
            resid = resid.reshape(1)
    else:
        resid = asarray(np.empty((0,), np.zeros(0, dtype).real.dtype))
    return x, resid, rank, s


NORMAL_COND = 1e4  # normal equations with one refinement step up to this condition number


def _lstsq_normal(a: BlockArray, b: BlockArray, rcond: Any) -> tuple | None:
    """Least squares by the normal equations (``A^H A`` and ``A^H b``: fast distributed
    products) and one step of iterative refinement (a second pass over ``A``), when ``A`` is
    full rank and ``cond(A) <= NORMAL_COND``: then the refined solution is as accurate as a
    QR's (the step gains a factor ``cond(A)^2 eps``). None otherwise."""
    m, n = a.shape
    ah = _ct(a)
    gram, c = matmul(ah, a), matmul(ah, b)
    node = int(gram.nodes.flat[0])
    x0, ok = unpack(submit(lk.normal_solve, whole(gram, node)[0], whole(c, node)[0], m, rcond,
                           NORMAL_COND, node=node), node)
    if not ok:
        return None
    r = subtract(b, matmul(a, x0))
    grad = matmul(ah, r)
    rr = _sum(multiply(r, conjugate(r)).real if r.dtype.kind == "c" else multiply(r, r),
              axis=0)
    result = submit(lk.normal_refine, whole(gram, node)[0], whole(x0, node)[0],
                    whole(grad, node)[0], whole(rr, node)[0], m, b.ndim == 1, node=node)
    return unpack(result, node)


def pinv(a: Any, rcond: Any = None, hermitian: bool = False, *,
         rtol: Any = np._NoValue) -> BlockArray:
    """``V diag(1/s) U_r^H`` on one worker, times ``Q^H`` (a distributed product): the
    ``n x m`` result is never gathered. Small arrays and ``hermitian=True`` run numpy on one
    worker."""
    a = _matrix(a, "pinv")
    m, n = a.shape[-2:]
    if rcond is not None and rtol is not np._NoValue:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    if rcond is None and rtol is None:
        rcond = max(m, n) * np.finfo(a.dtype).eps  # NumPy's (a ValueError for integers)
    if _small(a) or hermitian:
        kwargs = {"hermitian": hermitian}
        if rcond is not None:
            kwargs["rcond"] = rcond
        elif rtol is not np._NoValue:
            kwargs["rtol"] = rtol
        return on_worker("pinv", a, **kwargs)
    q, u, s, vh, transposed = _svd_parts(a, "pinv")
    s_values = s.get()
    if rcond is None:  # NumPy's default without ``rtol``: 1e-15
        rcond = 1e-15 if rtol is np._NoValue else rtol
    cutoff = float(np.asarray(rcond) * s_values.max()) if s_values.size else 0.0
    node = int(u.nodes.flat[0])
    k = u.shape[0]
    small = one_block(submit(lk.pinv_small, u.blocks.flat[0], s.blocks.flat[0],
                             vh.blocks.flat[0], cutoff, node=node),
                      (vh.shape[1], k), u.dtype, node)
    result = matmul(small, _ct(q))  # pinv of the (possibly transposed) tall array
    return _ct(result) if transposed else result


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *,
                rtol: Any = None) -> Any:
    """Singular values above ``tol`` (numpy's default ``S.max() * max(M, N) * eps``)."""
    a = asarray(A)
    if rtol is not None and tol is not None:
        raise ValueError("`tol` and `rtol` can't be both set.")
    if a.ndim < 2:
        return int(not bool(np.all(a.get() == 0)))
    if a.ndim > 2:  # a stack: numpy on one worker
        return on_worker("matrix_rank", a, tol=tol, hermitian=hermitian, rtol=rtol)
    if hermitian and a.shape[0] != a.shape[1]:
        raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
    s = (on_worker("svd", a, compute_uv=False, hermitian=True) if hermitian and _small(a)
         else svdvals(a)).get()
    m, n = a.shape[-2:]
    if tol is None:
        if rtol is None:
            rtol = max(m, n) * np.finfo(s.dtype).eps
        tol = s.max() * rtol if s.size else 0.0
    return np.count_nonzero(s > tol)


def cond(x: Any, p: Any = None) -> Any:
    """``p`` None, 2 or -2 from the singular values (distributed); other norms on one worker
    (small square arrays)."""
    a = _matrix(x, "cond")
    if a.size == 0 and math.prod(a.shape[-2:]) == 0:
        raise np.linalg.LinAlgError("cond is not defined on empty arrays")
    if p in (None, 2, -2) and a.ndim == 2:
        s = svdvals(a).get()
        with np.errstate(all="ignore"):
            value = s[0] / s[-1] if p in (None, 2) else s[-1] / s[0]
        if np.isnan(value) and not np.isnan(a.get() if _small(a) else s).any():
            value = s.dtype.type(np.inf)  # numpy: 0/0 becomes inf unless the input holds nans
        return value
    return on_worker("cond", a, p=p)


__all__ = ["qr", "svd", "svdvals", "lstsq", "pinv", "matrix_rank", "cond"]
