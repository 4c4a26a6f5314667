"""Sorting and order statistics (issue 12): nums beside NumPy, in one run.

Each class times one operation on a float64 vector of ``n`` uniform values for each engine:
``sort``, ``argsort``, ``unique`` (of values rounded to 3 decimals, so there are repeats),
``median``, ``percentile`` (5, 50, 95) and ``histogram`` (100 bins). Default sizes 1e6 and
1e7 fit a 2-core machine; ``NUMS_BENCH_SIZES=1e6,1e7,1e8`` (comma separated) selects others,
1e8 included. nums results are computed completely inside the timed region (``persist()`` for
arrays, ``get()`` for small results).
"""

from __future__ import annotations

import os

import numpy

from . import _engines

_engines.by_value(__name__)

ENGINES = ["nums", "numpy"]
SIZES = [int(float(v)) for v in os.environ.get("NUMS_BENCH_SIZES", "1e6,1e7").split(",")]
WARMUP_RUNS = 2


class _Base:
    timeout = 900
    number = 1
    repeat = (3, 5, 60.0)
    warmup_time = 0
    rounds = 1
    params = (ENGINES, SIZES)
    param_names = ["engine", "n"]

    def data(self, n: int) -> numpy.ndarray:
        return numpy.random.default_rng(0).random(n)

    def setup(self, engine, n):
        self.engine = engine
        a = self.data(n)
        if engine == "nums":
            import nums
            import nums.numpy as nnp

            nums.init()
            self.x = nnp.array(a).persist()
            self.xp = nnp
        else:
            self.x = a
            self.xp = numpy
        for _ in range(WARMUP_RUNS):
            self.run()

    def teardown(self, engine, n):
        self.__dict__.clear()
        if engine == "nums":
            import nums

            nums.shutdown()

    def done(self, result):
        """Wait for a nums result (arrays persisted, small results fetched)."""
        if self.engine != "nums":
            return result
        if isinstance(result, tuple):
            return tuple(self.done(r) for r in result)
        return result.persist() if result.size > 1000 else result.get()


class Sort(_Base):
    def run(self):
        return self.done(self.xp.sort(self.x))

    def time_sort(self, engine, n):
        self.run()


class Argsort(_Base):
    def run(self):
        return self.done(self.xp.argsort(self.x))

    def time_argsort(self, engine, n):
        self.run()


class Unique(_Base):
    def data(self, n: int) -> numpy.ndarray:
        return numpy.round(super().data(n), 3)

    def run(self):
        return self.done(self.xp.unique(self.x))

    def time_unique(self, engine, n):
        self.run()


class Median(_Base):
    def run(self):
        return self.done(self.xp.median(self.x))

    def time_median(self, engine, n):
        self.run()


class Percentile(_Base):
    def run(self):
        return self.done(self.xp.percentile(self.x, [5, 50, 95]))

    def time_percentile(self, engine, n):
        self.run()


class Histogram(_Base):
    def run(self):
        return self.done(self.xp.histogram(self.x, bins=100))

    def time_histogram(self, engine, n):
        self.run()
