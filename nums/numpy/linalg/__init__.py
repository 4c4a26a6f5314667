"""nums.numpy.linalg: numpy.linalg on BlockArrays.

Distributed: ``norm``; ``qr``, ``svd``, ``svdvals``, ``lstsq``, ``pinv``, ``matrix_rank`` and
``cond`` of tall-skinny (and, through the transpose, wide) arrays by TSQR (:mod:`._tsqr`,
:mod:`._factor`); the Array API functions, ``multi_dot`` and ``matrix_power`` on the
namespace's operations (:mod:`._misc`). On one worker, for operands up to
``MAX_WORKER_BYTES``: ``solve``, ``inv``, ``det``, ``slogdet``, ``cholesky``, ``eigh``,
``eigvalsh``, ``eig``, ``eigvals``, ``tensorsolve``, ``tensorinv`` (:mod:`._dense`,
:mod:`._misc`), and the small cases of the factorizations.
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
from nums.numpy.linalg._misc import (
    cross,
    diagonal,
    eig,
    eigvals,
    matmul,
    matrix_norm,
    matrix_power,
    matrix_transpose,
    multi_dot,
    outer,
    tensordot,
    tensorinv,
    tensorsolve,
    trace,
    vecdot,
    vector_norm,
)
from nums.numpy.linalg._worker import MAX_WORKER_BYTES, LinAlgError

__all__ = ["cholesky", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
           "eigvalsh", "inv", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank",
           "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "qr", "slogdet", "solve",
           "svd", "svdvals", "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot",
           "vector_norm", "LinAlgError", "MAX_WORKER_BYTES"]


def __dir__() -> list[str]:
    """The public names (``__all__``), without the private modules."""
    return list(__all__)


def __getattr__(name: str):
    """numpy.linalg functions without a nums implementation: the explicit fallback."""
    return numpy_fallback(name, np.linalg)
