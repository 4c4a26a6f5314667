"""Logistic regression by Newton's method, written with nums.numpy only.

Usage: python examples/logistic_regression.py [N_ROWS] [N_FEATURES] [MAX_ITERS]

Generates a two-Gaussian dataset of N_ROWS rows (default 100000) and N_FEATURES features
(default 16), fits a logistic regression with Newton's method, printing progress per
iteration, then the training accuracy and times. The d-by-d Newton system is solved on one
worker (``np.linalg.solve``); everything else runs block by block on the nums backend
(``NUMS_BACKEND``, ``NUMS_NUM_NODES``, ... choose it).
"""

from __future__ import annotations

import sys
import time

import nums
import nums.numpy as np


def make_dataset(n: int, d: int, seed: int = 0):
    """Two Gaussian classes with unit variance, means -0.5 and +0.5 in every feature."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=(n,)).astype(np.float64)
    X = rng.standard_normal((n, d)) + (y - 0.5)[:, np.newaxis]
    X = np.concatenate([X, np.ones((n, 1))], axis=1)  # intercept column
    return X.persist(), y.persist()


def newton(X, y, max_iters: int = 10, tol: float = 1e-8):
    b = np.zeros((X.shape[1],))
    for it in range(1, max_iters + 1):
        t0 = time.time()
        mu = 1 / (1 + np.exp(-(X @ b)))
        g = X.T @ (mu - y)
        H = X.T @ (X * (mu * (1 - mu))[:, None])
        b -= np.linalg.solve(H, g)
        gnorm = float(np.linalg.norm(g))
        print(f"iter {it:2d}  |grad| = {gnorm:.3e}  ({time.time() - t0:.2f} s)", flush=True)
        if gnorm < tol * X.shape[0]:
            break
    return b


def main(argv: list[str]) -> None:
    n = int(float(argv[1])) if len(argv) > 1 else 100_000
    d = int(argv[2]) if len(argv) > 2 else 16
    iters = int(argv[3]) if len(argv) > 3 else 10
    nums.init()
    s = nums.settings()
    print(f"nums backend={s.backend} nodes={s.num_nodes} block_bytes={s.block_bytes}")
    t0 = time.time()
    X, y = make_dataset(n, d)
    t1 = time.time()
    print(f"dataset: X {X.shape} in blocks of {X.block_shape}, generated in {t1 - t0:.2f} s")
    b = newton(X, y, iters)
    t2 = time.time()
    accuracy = float(np.mean((X @ b > 0) == (y > 0.5)))
    print(f"accuracy: {accuracy:.4f}")
    print(f"fit time: {t2 - t1:.2f} s   total: {time.time() - t0:.2f} s")
    nums.shutdown()


if __name__ == "__main__":
    main(sys.argv)
