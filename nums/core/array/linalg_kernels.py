"""Kernels of the linear algebra in :mod:`nums.numpy.linalg`: plain functions of numpy blocks
(LAPACK through numpy), run inside tasks. Inputs are never written."""

from __future__ import annotations

import numpy as np

CHUNK_BYTES = 256 * 1024  # rows of a block factored together: about an L2 cache


def _chunk_rows(block: np.ndarray) -> int:
    n = block.shape[1]
    return max(2 * n, CHUNK_BYTES // max(1, n * block.itemsize))


def qr_block(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(Q, R)`` of one block (reduced). A tall block is factored as a TSQR of
    cache-sized chunks: LAPACK's QR of a tall block streams it once per column; chunks stay
    in cache (about 2x faster at 250000 x 32)."""
    rows = _chunk_rows(block)
    m, n = block.shape
    if m <= 2 * rows:
        q, r = np.linalg.qr(block)
        return q, r
    qs, rs = zip(*(np.linalg.qr(block[i:i + rows]) for i in range(0, m, rows)))
    q2, r = np.linalg.qr(np.concatenate(rs, axis=0))
    q = np.empty((m, r.shape[0]), dtype=q2.dtype)
    k = 0
    for i, qi in zip(range(0, m, rows), qs):
        q[i:i + qi.shape[0]] = qi @ q2[k:k + qi.shape[1]]
        k += qi.shape[1]
    return q, r


def qr_block_r(block: np.ndarray) -> np.ndarray:
    """``R`` of one block (reduced; no ``Q`` is formed), by cache-sized chunks as
    :func:`qr_block` (about 3x faster than one LAPACK call at 250000 x 32)."""
    rows = _chunk_rows(block)
    if block.shape[0] <= 2 * rows:
        return np.linalg.qr(block, mode="r")
    rs = [np.linalg.qr(block[i:i + rows], mode="r") for i in range(0, block.shape[0], rows)]
    return np.linalg.qr(np.concatenate(rs, axis=0), mode="r")


def qr_stacked(*rs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(Q, R)`` of the ``R`` factors stacked on top of each other: one step of the tree."""
    return qr_block(np.concatenate(rs, axis=0))


def qr_stacked_r(*rs: np.ndarray) -> np.ndarray:
    return qr_block_r(np.concatenate(rs, axis=0))


def inverse_upper(r: np.ndarray) -> np.ndarray:
    """``R^-1`` of an upper-triangular ``R`` (by triangular solves, not LU)."""
    from scipy.linalg import solve_triangular

    return solve_triangular(r, np.eye(r.shape[0], dtype=r.dtype), lower=False)


def rows_times(q: np.ndarray, start: int, stop: int, m: np.ndarray | None) -> np.ndarray:
    """``q[start:stop] @ m`` (``m`` None: the identity): the factor a child of a tree step
    passes down towards its leaves."""
    part = q[start:stop]
    return np.ascontiguousarray(part) if m is None else part @ m


def times(a: np.ndarray, m: np.ndarray | None) -> np.ndarray:
    """``a @ m`` (``m`` None: ``a`` itself)."""
    return a if m is None else a @ m


def svd_small(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(U, s, Vh)`` of a small matrix (reduced)."""
    u, s, vh = np.linalg.svd(r, full_matrices=False)
    return u, s, vh


def svdvals_small(r: np.ndarray) -> np.ndarray:
    return np.linalg.svd(r, compute_uv=False)


def lstsq_small(u: np.ndarray, s: np.ndarray, vh: np.ndarray, qtb: np.ndarray,
                cutoff: float, swap: bool = False) -> np.ndarray:
    """``Vh^H diag(1/s) U^H qtb``: the least-squares ``x`` of ``(Q U) diag(s) Vh x = b`` given
    ``qtb = Q^H b``; with ``swap``, ``U diag(1/s) Vh qtb`` (the transposed problem). Singular
    values at or below ``cutoff`` count as zero (numpy's rule)."""
    if swap:
        u, vh = vh.conj().T, u.conj().T
    inv = np.where(s > cutoff, 1.0 / np.where(s > cutoff, s, 1.0), 0.0)
    y = u.conj().T @ qtb
    y = inv[:, None] * y if y.ndim == 2 else inv * y
    return vh.conj().T @ y


def pinv_small(u: np.ndarray, s: np.ndarray, vh: np.ndarray, cutoff: float) -> np.ndarray:
    """``V diag(1/s) U^H`` with singular values at or below ``cutoff`` dropped."""
    inv = np.where(s > cutoff, 1.0 / np.where(s > cutoff, s, 1.0), 0.0)
    return (vh.conj().T * inv) @ u.conj().T


def numpy_linalg(name: str, *args, **kwargs):
    """``numpy.linalg.<name>(*args, **kwargs)`` on one worker (small operands); a tuple of
    results becomes a plain tuple."""
    result = getattr(np.linalg, name)(*args, **kwargs)
    return tuple(result) if isinstance(result, tuple) else result


def describe(result) -> list[tuple]:
    """Per part of a result: ``(shape, dtype, None)`` for an array, ``(None, None, value)``
    for a scalar (returned as it is)."""
    parts = result if isinstance(result, tuple) else (result,)
    return [(p.shape, p.dtype, None) if isinstance(p, np.ndarray) and p.ndim else
            (None, None, p[()] if isinstance(p, np.ndarray) else p) for p in parts]


def pick(result: tuple, i: int) -> np.ndarray:
    """Part ``i`` of a tuple result."""
    return result[i]
