"""Special matrices and their index arrays: ``diagflat``, ``vander``, ``tril_indices``,
``triu_indices`` (and ``_from``), ``mask_indices``; composed of ``diag``, ``cumprod``,
``tri`` and ``nonzero`` as NumPy defines them."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, local_limit, resident
from nums.numpy._convert import asarray
from nums.numpy._creation import tri_layout


def _nps():
    import nums.numpy as nps

    return nps


def diagflat(v: Any, k: int = 0) -> BlockArray:
    """nums implementation of ``numpy.diagflat``: the flattened input on diagonal ``k``."""
    u = _nps()
    return u.diag(u.ravel(asarray(v)), k)


def vander(x: Any, N: int | None = None, increasing: bool = False) -> BlockArray:
    """nums implementation of ``numpy.vander``: powers of ``x`` by repeated multiplication
    along the rows (``cumprod``), as NumPy computes them."""
    u = _nps()
    x = asarray(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = x.shape[0]
    N = n if N is None else operator.index(N)
    if N < 0:
        raise ValueError("negative dimensions are not allowed")
    dtype = np.promote_types(x.dtype, int)
    cols = [u.ones((n, min(N, 1)), dtype=dtype)]
    if N > 1:
        powers = u.broadcast_to(x.astype(dtype)[:, None], (n, N - 1))
        cols.append(u.cumprod(powers, axis=1))
    v = u.concatenate(cols, axis=1)
    return v if increasing else v[:, ::-1].copy()


def tril_indices(n: int, k: int = 0, m: int | None = None) -> tuple[BlockArray, BlockArray]:
    """nums implementation of ``numpy.tril_indices`` (``nonzero`` of ``tri``; float ``n``,
    ``k``, ``m`` as NumPy's ``tri`` takes them)."""
    here = _indices_here(np.tril_indices, n, k, m)
    if here is not None:
        return here
    u = _nps()
    return u.nonzero(u.tri(n, m, k=k, dtype=bool))


def _indices_here(fn: Callable, n: Any, k: Any, m: Any) -> tuple[BlockArray, ...] | None:
    """NumPy's ``fn(n, k, m)`` in the driver when the index arrays it makes are
    driver-resident; None: the distributed ``nonzero``."""
    lower = fn is np.tril_indices
    # the mask keeps column - row <= d (tril: tri(k)) or >= d + 1 (triu: ~tri(k - 1))
    rows, cols, d = tri_layout(n, m, k if lower else k - 1)
    last = np.arange(rows) + d  # each row's last column kept (tril) or not (triu)
    per_row = np.clip(last + 1, 0, cols)
    if not lower:
        per_row = cols - per_row
    if int(per_row.sum()) * np.dtype(np.intp).itemsize > local_limit():
        return None
    return tuple(resident(a) for a in fn(n, k, m))


def triu_indices(n: int, k: int = 0, m: int | None = None) -> tuple[BlockArray, BlockArray]:
    """nums implementation of ``numpy.triu_indices`` (``nonzero`` of the complement of
    ``tri``; float ``n``, ``k``, ``m`` as NumPy's ``tri`` takes them)."""
    here = _indices_here(np.triu_indices, n, k, m)
    if here is not None:
        return here
    u = _nps()
    return u.nonzero(~u.tri(n, m, k=k - 1, dtype=bool))


def _two_d(arr: Any) -> tuple[int, int]:
    shape = arr.shape if isinstance(arr, BlockArray) else np.shape(arr)
    if len(shape) != 2:
        raise ValueError("input array must be 2-d")
    return shape


def tril_indices_from(arr: Any, k: int = 0) -> tuple[BlockArray, BlockArray]:
    """nums implementation of ``numpy.tril_indices_from``."""
    rows, cols = _two_d(arr)
    return tril_indices(rows, k=k, m=cols)


def triu_indices_from(arr: Any, k: int = 0) -> tuple[BlockArray, BlockArray]:
    """nums implementation of ``numpy.triu_indices_from``."""
    rows, cols = _two_d(arr)
    return triu_indices(rows, k=k, m=cols)


def mask_indices(n: int, mask_func: Callable, k: int = 0) -> tuple[BlockArray, BlockArray]:
    """nums implementation of ``numpy.mask_indices``: ``nonzero`` of ``mask_func`` applied
    to an ``n`` by ``n`` array of ones (``mask_func`` receives a BlockArray)."""
    u = _nps()
    a = mask_func(u.ones((n, n), dtype=int), k)
    return u.nonzero(asarray(a) != 0)


__all__ = ["diagflat", "vander", "tril_indices", "triu_indices", "tril_indices_from",
           "triu_indices_from", "mask_indices"]
