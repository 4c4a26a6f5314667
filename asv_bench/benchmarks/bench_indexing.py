"""Advanced indexing (issue 12): nums beside NumPy, in one run.

On a float64 matrix of ``n`` rows and 8 columns, each class times one form for each engine:
``logp[arange(n), labels]`` (two integer arrays), ``x[rows]`` (``n // 10`` random rows),
``x[x > 0]`` (a mask of the array's shape), ``x[:, [0, 3, 5]]`` (an integer array after a
slice) and ``x[rows, 2] = 1.0`` (assignment with repeated indices). Default sizes 1e5 and
1e6 rows fit a 2-core machine; ``NUMS_BENCH_SIZES`` (comma separated) selects others. nums
results are computed completely inside the timed region (``persist()``).
"""

from __future__ import annotations

import os

import numpy

from . import _engines

_engines.by_value(__name__)

ENGINES = ["nums", "numpy"]
SIZES = [int(float(v)) for v in os.environ.get("NUMS_BENCH_SIZES", "1e5,1e6").split(",")]


class _Base:
    timeout = 900
    number = 1
    repeat = (3, 5, 60.0)
    warmup_time = 0
    rounds = 1
    params = (ENGINES, SIZES)
    param_names = ["engine", "n"]

    def setup(self, engine, n):
        rng = numpy.random.default_rng(0)
        a = rng.standard_normal((n, 8))
        self.labels = rng.integers(0, 8, n)
        self.rows = rng.integers(0, n, max(1, n // 10))
        self.engine = engine
        if engine == "nums":
            import nums.numpy as nnp

            _engines.start_nums()
            self.x = nnp.array(a).persist()
            self.xp = nnp
        else:
            self.x = a
            self.xp = numpy
        self.run()  # warm up

    def teardown(self, engine, n):
        self.__dict__.clear()
        if engine == "nums":
            _engines.stop_nums()

    def done(self, result):
        return result.persist() if self.engine == "nums" else result


class PickPerRow(_Base):
    def run(self):
        n = self.x.shape[0]
        return self.done(self.x[self.xp.arange(n), self.labels])

    def time_pick_per_row(self, engine, n):
        self.run()


class TakeRows(_Base):
    def run(self):
        return self.done(self.x[self.rows])

    def time_take_rows(self, engine, n):
        self.run()


class Mask(_Base):
    def run(self):
        return self.done(self.x[self.x > 0])

    def time_mask(self, engine, n):
        self.run()


class Columns(_Base):
    def run(self):
        return self.done(self.x[:, [0, 3, 5]])

    def time_columns(self, engine, n):
        self.run()


class AssignRows(_Base):
    def run(self):
        self.x[self.rows, 2] = 1.0
        return self.done(self.x)

    def time_assign_rows(self, engine, n):
        self.run()
