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


def qr_block_r(block: np.ndarray, rhs: np.ndarray | None = None) -> np.ndarray:
    """``R`` of one block (reduced; no ``Q`` is formed), by cache-sized chunks as
    :func:`qr_block` (about 3x faster than one LAPACK call at 250000 x 32). With ``rhs``,
    the ``R`` of ``[block | rhs]`` (right-hand sides appended chunk by chunk): its last
    columns are ``Q^H rhs`` and the residual factor, for least squares."""
    rows = _chunk_rows(block)

    def part(i: int, j: int) -> np.ndarray:
        if rhs is None:
            return block[i:j]
        right = rhs[i:j] if rhs.ndim == 2 else rhs[i:j, None]
        return np.concatenate([block[i:j], right.astype(block.dtype, copy=False)], axis=1)

    m = block.shape[0]
    if m <= 2 * rows:
        return np.linalg.qr(part(0, m), mode="r")
    rs = [np.linalg.qr(part(i, min(i + rows, m)), mode="r") for i in range(0, m, rows)]
    return np.linalg.qr(np.concatenate(rs, axis=0), mode="r")


def lstsq_from_r(raug: np.ndarray, n: int, m: int, rcond, one_d: bool) -> tuple:
    """numpy's ``lstsq`` result ``(x, residuals, rank, s)`` from the ``R`` of ``[A | b]``
    (``A`` is ``m x n``): ``R_A = U diag(s) Vh``, ``x = Vh^H diag(1/s) U^H (Q^H b)`` with
    singular values at or below ``rcond * s.max()`` dropped; the residuals are the squared
    column norms of the trailing block (full rank and ``m > n`` only, as numpy)."""
    r, c, t = raug[:n, :n], raug[:n, n:], raug[n:, n:]
    u, s, vh = np.linalg.svd(r)
    if rcond is None:
        rcond = np.finfo(r.dtype).eps * max(m, n)
    cutoff = rcond * s.max() if s.size else 0.0
    rank = np.int32(np.count_nonzero(s > cutoff))  # as LAPACK reports it in NumPy
    inv = np.where(s > cutoff, 1.0 / np.where(s > cutoff, s, 1.0), 0.0)
    x = vh.conj().T @ (inv[:, None] * (u.conj().T @ c))
    real = s.dtype
    if rank == n and m > n:
        resid = (np.abs(t) ** 2).sum(axis=0).astype(real)
    else:
        resid = np.empty((0,), real)
    return (x[:, 0] if one_d else x), resid, rank, s


def qr_stacked(*rs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(Q, R)`` of the ``R`` factors stacked on top of each other: one step of the tree."""
    return qr_block(np.concatenate(rs, axis=0))


def qr_stacked_r(*rs: np.ndarray) -> np.ndarray:
    return qr_block_r(np.concatenate(rs, axis=0))


def inverse_upper(r: np.ndarray) -> np.ndarray:
    """``R^-1`` of an upper-triangular ``R`` (by triangular solves, not LU)."""
    from scipy.linalg import solve_triangular

    return solve_triangular(r, np.eye(r.shape[0], dtype=r.dtype), lower=False,
                            check_finite=False)  # (NaN propagates, as in NumPy)


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


def condition_2(r: np.ndarray) -> float:
    """The 2-norm condition number of ``r``; infinite when it is singular, holds NaN or
    infinities, or its SVD does not converge (a choice of method, not a result: NumPy's
    QR of such an array returns NaNs, it does not raise)."""
    if not np.isfinite(r).all():
        return np.inf
    try:
        values = np.linalg.svd(r, compute_uv=False)
    except np.linalg.LinAlgError:
        return np.inf
    return float(values[0] / values[-1]) if values.size and values[-1] > 0 else np.inf


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


def normal_solve(g: np.ndarray, c: np.ndarray, m: int, rcond, max_cond: float) -> tuple:
    """``(x, True)`` from the normal equations ``G x = c`` (``G = A^H A``, ``c = A^H b``) when
    ``A`` is full rank with ``cond(A) <= max_cond`` (so one refinement step restores
    accuracy); ``(None, False)`` otherwise (the caller factors ``A`` instead)."""
    n = g.shape[0]
    if not (np.isfinite(g).all() and np.isfinite(c).all()):
        # products that overflowed (data scaled to 1e155 and beyond), or NaN/inf in ``b``:
        # the QR path computes what NumPy's does, without squaring the data
        return None, False
    try:
        lower = np.linalg.cholesky(g)
    except np.linalg.LinAlgError:
        return None, False
    s = np.linalg.svd(lower, compute_uv=False)  # the singular values of A
    if rcond is None:
        rcond = np.finfo(s.dtype).eps * max(m, n)
    if not s.size or s[-1] <= 0 or s[0] / s[-1] > max_cond or s[-1] <= rcond * s[0]:
        return None, False
    return _cho_solve(lower, c), True


def _cho_solve(lower: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    from scipy.linalg import solve_triangular

    # NaN or inf in ``rhs`` (a missing value in ``b``) propagate, as NumPy's lstsq gives them
    y = solve_triangular(lower, rhs, lower=True, check_finite=False)
    return solve_triangular(lower.conj().T, y, lower=False, check_finite=False)


def normal_refine(g: np.ndarray, x0: np.ndarray, grad: np.ndarray, rr: np.ndarray, m: int,
                  one_d: bool) -> tuple:
    """numpy's ``lstsq`` result ``(x, residuals, rank, s)`` after one refinement step:
    ``x = x0 + G^-1 A^H (b - A x0)`` (``grad = A^H (b - A x0)``, ``rr = ||b - A x0||^2`` per
    column); the residuals of ``x`` follow from those of ``x0`` without another pass."""
    lower = np.linalg.cholesky(g)
    dx = _cho_solve(lower, grad)
    x = x0 + dx
    s = np.linalg.svd(lower, compute_uv=False)
    n = g.shape[0]
    d2, g2 = (dx[:, None], grad[:, None]) if dx.ndim == 1 else (dx, grad)
    resid = (np.atleast_1d(rr) - 2 * np.real(np.sum(d2.conj() * g2, axis=0))
             + np.real(np.sum(d2.conj() * (g @ d2), axis=0)))
    # a sum of squares that overflowed stays inf (NumPy's), not inf - inf
    resid = np.where(np.isfinite(np.atleast_1d(rr)), resid, np.atleast_1d(rr))
    resid = np.maximum(resid, 0).astype(s.dtype) if m > n else np.empty((0,), s.dtype)
    return x, resid, np.int32(n), s  # full rank; an int32 as NumPy reports it


def potrf(tile: np.ndarray) -> np.ndarray:
    """The lower Cholesky factor of a diagonal tile (numpy's LinAlgError if not positive
    definite)."""
    return np.linalg.cholesky(tile)


def trsm_lower_t(lkk: np.ndarray, tile: np.ndarray) -> np.ndarray:
    """``tile @ inv(Lkk)^H``: a tile below the diagonal of the Cholesky factor."""
    from scipy.linalg import solve_triangular

    return solve_triangular(lkk, tile.conj().T, lower=True, check_finite=False).conj().T


def update_tile(tile: np.ndarray, lik: np.ndarray, ljk: np.ndarray) -> np.ndarray:
    """``tile - Lik @ Ljk^H``: the trailing update of a tile (one copy of it, updated in
    place)."""
    out = np.array(tile, order="C")
    subtract_product(out, lik, np.ascontiguousarray(ljk.conj().T))
    return out


def zero_tile(shape: tuple, dtype) -> np.ndarray:
    return np.zeros(shape, dtype)


def hermitian_tiles(tij: np.ndarray, tji: np.ndarray, diagonal: bool) -> bool:
    """Whether tile ``(i, j)`` is the conjugate transpose of tile ``(j, i)`` exactly (and, on
    the diagonal, whether its diagonal is real and positive)."""
    if not np.array_equal(tij, tji.conj().T):
        return False
    if diagonal:
        d = np.diagonal(tij)
        return bool(np.all(d.real > 0) and not np.any(d.imag))
    return True


def tile_solve(diag: np.ndarray, rhs: np.ndarray, lower: bool, trans: str, unit: bool,
               *pairs: np.ndarray) -> np.ndarray:
    """One tile of a blocked triangular solve: ``op(D)^-1 (rhs - sum op(M) @ x)`` over the
    ``(M, x)`` pairs, ``op`` the conjugate transpose when ``trans == "C"``."""
    from scipy.linalg import solve_triangular

    r = rhs
    for m, x in zip(pairs[::2], pairs[1::2]):
        r = r - (m.conj().T @ x if trans == "C" else m @ x)
    return solve_triangular(diag, r, lower=lower, trans=trans, unit_diagonal=unit,
                            check_finite=False)


def lu_panel(raise_singular: bool, *tiles: np.ndarray) -> tuple:
    """LU with partial pivoting of a column of tiles stacked (LAPACK's getrf): ``(LU of the
    top tile, L below it, the rows' permutation, the top tile's row swaps)``. A pivot exactly
    zero raises numpy's LinAlgError("Singular matrix") when ``raise_singular`` (as
    numpy.linalg.solve); else it stays zero in ``U`` (as getrf, for det)."""
    from scipy.linalg import get_lapack_funcs

    panel = np.concatenate(tiles, axis=0)
    (getrf,) = get_lapack_funcs(("getrf",), (panel,))
    lu, piv, info = getrf(panel, overwrite_a=True)
    if info > 0 and raise_singular:
        raise np.linalg.LinAlgError("Singular matrix")
    b = panel.shape[1]
    perm = np.arange(panel.shape[0])
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    swaps = int(np.count_nonzero(piv != np.arange(len(piv))))
    return np.ascontiguousarray(lu[:b]), np.ascontiguousarray(lu[b:]), perm, swaps


def lu_update(lu_kk: np.ndarray, l_below: np.ndarray, perm: np.ndarray, *tiles: np.ndarray
              ) -> tuple:
    """A trailing column of tiles after a panel step: its rows permuted as the panel's, the
    top tile solved by the panel's unit lower factor (a tile of ``U``) and the tiles below
    it updated (``A_ij - L_ik U_kj``); one array per tile."""
    from scipy.linalg import solve_triangular

    sizes = [t.shape[0] for t in tiles]
    col = np.concatenate(tiles, axis=0)
    moved = np.flatnonzero(perm != np.arange(perm.size))
    col[moved] = col[perm[moved]]  # only the pivots' rows move: no second copy of the column
    b = lu_kk.shape[0]
    u = solve_triangular(lu_kk, col[:b], lower=True, unit_diagonal=True, check_finite=False)
    rest = col[b:]
    subtract_product(rest, l_below, u)
    if len(sizes) == 1:
        return u
    return (u, *np.split(rest, np.cumsum(sizes[1:-1], dtype=np.int64), axis=0))


def subtract_product(c: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """``c -= a @ b`` in place by one BLAS gemm (no temporary of ``c``'s size); ``c``
    C-contiguous, as the transposed (Fortran-ordered) problem ``c^T -= b^T a^T``."""
    from scipy.linalg import get_blas_funcs

    if c.size == 0 or a.shape[1] == 0:
        return
    if c.ndim == 1:
        c -= a @ b
        return
    (gemm,) = get_blas_funcs(("gemm",), (c, a, b))
    r = gemm(-1.0, b.T, a.T, beta=1.0, c=c.T, overwrite_c=True)
    if not np.shares_memory(r, c):  # BLAS worked on a copy (another dtype or layout)
        c[...] = r.T


def diagonal_slogdet(lu_kk: np.ndarray) -> tuple:
    """``(sign, log|det|)`` of the diagonal of an ``U`` tile."""
    d = np.diagonal(lu_kk)
    absd = np.abs(d)
    if not absd.all():
        return 0, -np.inf
    # the sign of each pivot (of an infinite one too: inf / inf would be NaN)
    sign = np.sign(d) if d.dtype.kind != "c" else d / absd
    return np.prod(sign), np.sum(np.log(absd))


def _householder_funcs(x: np.ndarray) -> tuple:
    from scipy.linalg import get_lapack_funcs

    return get_lapack_funcs(("geqrt", "gemqrt"), (x,))


# the width of each compact-WY T (geqrt of 8000 x 1000 here: 32: 0.69 s, 64: 0.28, 128: 0.25)
QR_INNER_BLOCK = 128


def qr_panel(*tiles: np.ndarray) -> tuple:
    """Householder QR of a column of tiles stacked (LAPACK's geqrt): ``(V and R packed, the
    compact-WY T factors, R's top tile)``."""
    panel = np.concatenate(tiles, axis=0)
    geqrt, _ = _householder_funcs(panel)
    b = panel.shape[1]
    packed, t, info = geqrt(min(QR_INNER_BLOCK, b), panel, overwrite_a=True)
    if info < 0:
        raise ValueError(f"geqrt: illegal argument {-info}")
    return packed, t, np.triu(packed[:b])


def qr_apply(v: np.ndarray, t: np.ndarray, adjoint: bool, *tiles: np.ndarray):
    """``Q^H C`` (``adjoint``) or ``Q C`` for a panel's reflectors ``(V, T)`` and the column of
    tiles ``C`` stacked (LAPACK's gemqrt); one array per tile."""
    c = np.concatenate(tiles, axis=0)
    _, gemqrt = _householder_funcs(c)
    trans = ("C" if c.dtype.kind == "c" else "T") if adjoint else "N"
    out, info = gemqrt(v, t, c, side="L", trans=trans, overwrite_c=True)
    if info < 0:
        raise ValueError(f"gemqrt: illegal argument {-info}")
    if len(tiles) == 1:
        return out
    cuts = np.cumsum([x.shape[0] for x in tiles[:-1]], dtype=np.int64)
    return tuple(np.split(out, cuts, axis=0))
