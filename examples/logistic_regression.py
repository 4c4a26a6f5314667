"""Logistic regression on generated data with ``nums.models.LogisticRegression``.

Usage: python examples/logistic_regression.py [N_ROWS] [N_FEATURES] [MAX_ITERS] [--solver S]

Generates a two-Gaussian dataset of N_ROWS rows (default 1000000) and N_FEATURES features
(default 32) with ``nums.numpy``, fits a logistic regression (Newton's method by default:
one pass over the data per iteration for the gradient and the Hessian together, at most
MAX_ITERS iterations, default 10), printing one line per iteration, then whether it
converged, the training accuracy and the times. Everything runs block by block on the nums
backend (``NUMS_BACKEND``, ``NUMS_NUM_NODES``, ... choose it).
"""

from __future__ import annotations

import sys
import time
import warnings

import nums
import nums.numpy as np
from nums.models import ConvergenceWarning, LogisticRegression


def make_dataset(n: int, d: int, seed: int = 0):
    """Two Gaussian classes with unit variance, means -0.5 and +0.5 in every feature."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=(n,))
    X = rng.standard_normal((n, d)) + (y - 0.5)[:, np.newaxis]
    return X.persist(), y.persist()


def main(argv: list[str]) -> None:
    solver = "newton"
    if "--solver" in argv:
        i = argv.index("--solver")
        solver = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    n = int(float(argv[1])) if len(argv) > 1 else 1_000_000
    d = int(argv[2]) if len(argv) > 2 else 32
    iters = int(argv[3]) if len(argv) > 3 else 10
    nums.init()
    s = nums.settings()
    print(f"nums backend={s.backend} nodes={s.num_nodes} block_bytes={s.block_bytes}")
    t0 = time.time()
    X, y = make_dataset(n, d)
    t1 = time.time()
    print(f"dataset: X {X.shape} in blocks of {X.block_shape}, generated in {t1 - t0:.2f} s")
    model = LogisticRegression(solver=solver, max_iter=iters, verbose=1)
    print("per iteration: the objective (mean log-loss + L2 penalty), the largest |gradient| "
          f"entry (converged once <= tol {model.tol}), seconds since the fit began")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X, y)
    t2 = time.time()
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    print(f"{'converged' if converged else 'did not converge'} after {model.n_iter_[0]} "
          f"iteration(s) (solver {solver}, tol {model.tol})")
    accuracy = model.score(X, y)
    print(f"accuracy: {accuracy:.4f}")
    print(f"fit time: {t2 - t1:.2f} s   total: {time.time() - t0:.2f} s")
    nums.shutdown()


if __name__ == "__main__":
    main(sys.argv)
