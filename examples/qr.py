"""QR factorization of a tall matrix by TSQR, written with nums.numpy only.

Usage: python examples/qr.py [N_ROWS] [N_COLS] [--compare]

Generates a random N_ROWS x N_COLS matrix (defaults 4000000 32, 1 GiB), factors it with
``np.linalg.qr`` (TSQR on the nums backend: a tree of local QRs, Q assembled back down the
tree) and prints the time, the residual ||QR - X|| / ||X|| and the orthogonality
||Q^T Q - I||, both computed block by block. With --compare, NumPy factors the first
200000 rows (or all, if fewer) and the same figures are printed for it.
"""

from __future__ import annotations

import sys
import time

import numpy

import nums
import nums.numpy as np


def quality(q, r, x, xp) -> tuple[float, float]:
    """``(||QR - X|| / ||X||, ||Q^T Q - I||)`` with the array module ``xp``."""
    k = q.shape[1]
    residual = float(xp.linalg.norm(q @ r - x) / xp.linalg.norm(x))
    orthogonality = float(xp.linalg.norm(q.T @ q - xp.eye(k)))
    return residual, orthogonality


def main(argv: list[str]) -> None:
    args = [a for a in argv[1:] if not a.startswith("--")]
    n = int(float(args[0])) if args else 4_000_000
    d = int(args[1]) if len(args) > 1 else 32
    nums.init()
    s = nums.settings()
    print(f"nums backend={s.backend} nodes={s.num_nodes} block_bytes={s.block_bytes}")
    t0 = time.time()
    x = np.random.default_rng(0).standard_normal((n, d)).persist()
    print(f"X {x.shape} in blocks of {x.block_shape}, generated in {time.time() - t0:.2f} s")
    t0 = time.time()
    q, r = np.linalg.qr(x)
    q.persist()
    r.persist()
    took = time.time() - t0
    res, orth = quality(q, r, x, np)
    print(f"nums  qr: {took:.2f} s   ||QR - X||/||X|| = {res:.2e}   ||Q^T Q - I|| = {orth:.2e}")
    if "--compare" in argv:
        m = min(n, 200_000)
        sample = x[:m].get()
        t0 = time.time()
        nq, nr = numpy.linalg.qr(sample)
        took = time.time() - t0
        res, orth = quality(nq, nr, sample, numpy)
        print(f"numpy qr of the first {m} rows: {took:.2f} s   ||QR - X||/||X|| = {res:.2e}"
              f"   ||Q^T Q - I|| = {orth:.2e}")


if __name__ == "__main__":
    main(sys.argv)
