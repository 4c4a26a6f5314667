"""nums.numpy.linalg: numpy.linalg on BlockArrays.

Distributed: ``norm``; ``qr``, ``svd``, ``svdvals``, ``lstsq``, ``pinv``, ``matrix_rank`` and
``cond`` of tall-skinny (and, through the transpose, wide) arrays by TSQR (:mod:`._tsqr`,
:mod:`._factor`). On one worker, for operands up to ``MAX_WORKER_BYTES``: ``solve``, ``inv``,
``det``, ``slogdet``, ``cholesky``, ``eigh``, ``eigvalsh`` (:mod:`._dense`), and the small
cases of the factorizations. Every other numpy.linalg function is a fallback.
"""

import numpy as np

from nums.numpy._fallback import numpy_fallback
from nums.numpy.linalg._dense import (
    cholesky,
    det,
    eigh,
    eigvalsh,
    inv,
    norm,
    slogdet,
    solve,
)
from nums.numpy.linalg._factor import cond, lstsq, matrix_rank, pinv, qr, svd, svdvals
from nums.numpy.linalg._worker import MAX_WORKER_BYTES, LinAlgError

__all__ = ["cholesky", "cond", "det", "eigh", "eigvalsh", "inv", "lstsq", "matrix_rank",
           "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "LinAlgError",
           "MAX_WORKER_BYTES"]


def __getattr__(name: str):
    """numpy.linalg functions without a nums implementation: the explicit fallback."""
    return numpy_fallback(name, np.linalg)
