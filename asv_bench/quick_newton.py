"""``bench_array.NewtonStep``'s step outside asv: ``python asv_bench/quick_newton.py [n]``
prints NumPy's time and nums's for one Newton step of logistic regression on (n, 32)
(default 2e6), medians of ``REPS`` runs (environment, default 7) after two warm runs, in
one process, and checks that the two steps agree. Dask is left to asv (``-b NewtonStep``)."""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy

import nums
import nums.numpy as nnp


def main(n: int) -> None:
    reps = int(os.environ.get("REPS", "7"))
    nums.init()
    rng = numpy.random.default_rng(0)
    x0, y0 = rng.standard_normal((n, 32)), (rng.random(n) > 0.5) * 1.0
    x, y = nnp.asarray(x0), nnp.asarray(y0)

    def numpy_step():
        b = numpy.zeros(32)
        mu = 1 / (1 + numpy.exp(-(x0 @ b)))
        g = x0.T @ (mu - y0)
        h = x0.T @ (x0 * (mu * (1 - mu))[:, None])
        return b - numpy.linalg.solve(h, g)

    def nums_step():
        b = nnp.zeros((32,))
        mu = 1 / (1 + nnp.exp(-(x @ b)))
        g = x.T @ (mu - y)
        h = x.T @ (x * (mu * (1 - mu))[:, None])
        return (b - nnp.linalg.solve(h, g)).get()

    times = {}
    for name, step in (("numpy", numpy_step), ("nums", nums_step)):
        step()
        step()
        samples = []
        for _ in range(reps):
            t = time.perf_counter()
            step()
            samples.append(time.perf_counter() - t)
        times[name] = statistics.median(samples)
    numpy.testing.assert_allclose(nums_step(), numpy_step(), rtol=1e-6, atol=1e-9)
    print(f"newton step ({n}, 32): numpy {times['numpy'] * 1e3:.1f} ms, nums "
          f"{times['nums'] * 1e3:.1f} ms, numpy/nums {times['numpy'] / times['nums']:.2f}")
    nums.shutdown()


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 2_000_000)
