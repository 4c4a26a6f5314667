"""A quick timing of ``x[mask]``, ``x[idx]`` and ``np.add.at`` on a 1-D float64 vector,
nums beside NumPy, outside asv: ``python asv_bench/quick_vector_indexing.py 1e8 5``
(size, runs per engine). The engines alternate run by run, so that both see the same load
of a shared machine; the medians and minima are printed, and whether nums's result equals
NumPy's bit for bit. ``bench_vector_indexing.py`` holds the same operations for asv."""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy

import nums
import nums.numpy as nnp


def main(n: int, reps: int) -> None:
    rng = numpy.random.default_rng(0)
    x = rng.random(n)
    mask = x > 0.5
    idx = rng.integers(0, n, n)
    vals = rng.random(n)
    nums.init()
    X, I, V = (nnp.array(a).persist() for a in (x, idx, vals))
    M = (X > 0.5).persist()  # blocked like X, as a program makes it

    def run(op: str, engine: str):
        if engine == "numpy":
            if op == "mask":
                return x[mask]
            if op == "take":
                return x[idx]
            a = numpy.zeros(n)
            numpy.add.at(a, idx, vals)
            return a
        if op == "mask":
            return X[M].persist()
        if op == "take":
            return X[I].persist()
        a = nnp.zeros(n)
        nnp.add.at(a, I, V)
        return a.persist()

    print("blocks", X.grid.grid_shape, flush=True)
    for op in ("mask", "take", "add.at"):
        times: dict[str, list] = {"numpy": [], "nums": []}
        for _ in range(reps):
            for engine in times:
                t = time.perf_counter()
                run(op, engine)
                times[engine].append(time.perf_counter() - t)
        same = numpy.array_equal(run(op, "numpy"), run(op, "nums").get())
        for engine, ts in times.items():
            print(f"{op:7s} {engine:6s} median {statistics.median(ts):.3f} s  "
                  f"min {min(ts):.3f} s", flush=True)
        print(f"{op:7s} identical to NumPy: {same}; load average {os.getloadavg()}", flush=True)
    nums.shutdown()


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**7,
         int(sys.argv[2]) if len(sys.argv) > 2 else 5)
