"""The size sweep of ``bench_small`` outside asv: ``python asv_bench/quick_sizes.py
[sizes]`` (default ``1e3,1e4,1e5,1e6,3e6,1e7``) prints NumPy's time / nums's time (above 1:
nums faster) of ``x * y + 1`` (nums: ``(x * y + 1).get()``), ``float(x.sum())``,
``x[::2] + 1`` (nums: ``(x[::2] + 1).get()``), two compute-bound ufuncs, ``np.sin(x)``
and ``x ** 1.5`` (nums: ``.get()`` of them), ``float(x @ y)``,
``float(np.linalg.norm(x))``, ``x.reshape(-1, 100).mean(axis=1)`` and ``x.astype(np.float32)``
(nums: ``.get()`` of them), ``x - np.roll(x, 1)`` (nums: ``.get()``),
``float(x.reshape(-1, 4)[:, 1].sum())`` and ``np.stack([x, y], axis=1)`` (nums: ``.get()``),
on float64 vectors, medians of 7 repeats of
as many calls as take about a fifth of a second, in a plain Python process."""

from __future__ import annotations

import sys
import time
import timeit

import numpy

import nums
import nums.numpy as nnp


def _median(f) -> float:
    f()
    timer = timeit.Timer(f)
    k, _ = timer.autorange()
    k = max(1, k // 4)
    return sorted(timer.repeat(7, k))[3] / k


def _row(n: int) -> str:
    rng = numpy.random.default_rng(0)
    a, b = rng.random(n), rng.random(n)
    x, y = nnp.asarray(a), nnp.asarray(b)
    ops = {
        "x*y+1": (lambda: a * b + 1, lambda: (x * y + 1).get()),
        "sum": (lambda: float(a.sum()), lambda: float(x.sum())),
        "x[::2]+1": (lambda: a[::2] + 1, lambda: (x[::2] + 1).get()),
        "sin": (lambda: numpy.sin(a), lambda: nnp.sin(x).get()),
        "x**1.5": (lambda: a ** 1.5, lambda: (x ** 1.5).get()),
        "x@y": (lambda: float(a @ b), lambda: float(x @ y)),
        "norm": (lambda: float(numpy.linalg.norm(a)), lambda: float(nnp.linalg.norm(x))),
        "reshape": (lambda: a.reshape(-1, 100).mean(axis=1),
                    lambda: x.reshape(-1, 100).mean(axis=1).get()),
        "astype": (lambda: a.astype(numpy.float32), lambda: x.astype(numpy.float32).get()),
        "x-roll": (lambda: a - numpy.roll(a, 1), lambda: (x - nnp.roll(x, 1)).get()),
        "column": (lambda: float(a.reshape(-1, 4)[:, 1].sum()),
                   lambda: float(x.reshape(-1, 4)[:, 1].sum())),
        "stack": (lambda: numpy.stack([a, b], axis=1), lambda: nnp.stack([x, y], axis=1).get()),
    }
    cells = []
    for name, (f_numpy, f_nums) in ops.items():
        t_numpy, t_nums = _median(f_numpy), _median(f_nums)
        cells.append(f"{name} {t_numpy * 1e6:.3g}/{t_nums * 1e6:.3g} us = "
                     f"{t_numpy / t_nums:.2f}")
    return f"{n:.0e}: " + "   ".join(cells)


def main(sizes: list[int]) -> None:
    nums.init()
    time.sleep(1.5)  # the store's pages are faulted in in the background at start
    for n in sizes:
        print(_row(n), flush=True)
    nums.shutdown()


if __name__ == "__main__":
    arg = sys.argv[1] if len(sys.argv) > 1 else "1e3,1e4,1e5,1e6,3e6,1e7"
    main([int(float(s)) for s in arg.split(",")])
