"""Sorting and order statistics (issue 12): nums beside NumPy, in one run.

Each class times one operation on a float64 vector of ``n`` uniform values for each engine:
``sort``, ``argsort``, ``unique`` (of values rounded to 3 decimals, so there are repeats),
``median``, ``percentile`` (5, 50, 95) and ``histogram`` (100 bins). Default sizes 1e6 and
1e7 fit a 2-core machine; ``NUMS_BENCH_SIZES=1e6,1e7,1e8`` (comma separated) selects others,
1e8 included. nums results are computed completely inside the timed region (``persist()`` for
arrays, ``get()`` for small results).

Every class (here and in ``bench_vector_indexing``) also reports the peak memory its
operation needs beyond its inputs (``_memory``): ``track_peak_mib`` in MiB and
``track_peak_per_input`` as a multiple of the inputs' bytes. For nums that is the memory of
the driver and all workers, store included, measured on a fresh session; for NumPy the
process's peak resident size in a forked process. The target is at most about 2.
"""

from __future__ import annotations

import os

import numpy

from . import _engines, _memory

_engines.by_value(__name__)

ENGINES = ["nums", "numpy"]
SIZES = [int(float(v)) for v in os.environ.get("NUMS_BENCH_SIZES", "1e6,1e7").split(",")]
WARMUP_RUNS = 2
MIB = 2**20


class _Base:
    """One operation on 1-D inputs of ``n`` elements: subclasses define ``inputs`` (numpy
    arrays by name, the same for every engine) and ``operation(xp, **inputs)``."""

    timeout = 900
    number = 1
    repeat = (3, 5, 60.0)
    warmup_time = 0
    rounds = 1
    params = (ENGINES, SIZES)
    param_names = ["engine", "n"]

    def inputs(self, n: int) -> dict[str, numpy.ndarray]:
        return {"x": numpy.random.default_rng(0).random(n)}

    def operation(self, xp, x):
        raise NotImplementedError

    def setup(self, engine, n):
        self.engine = engine
        if engine == "nums":
            import nums.numpy as nnp

            _engines.start_nums()
            self.xp = nnp
        else:
            self.xp = numpy
        self.args = self._engine_inputs(self.inputs(n))
        for _ in range(WARMUP_RUNS):
            self.run()

    def _engine_inputs(self, arrays: dict) -> dict:
        if self.engine != "nums":
            return arrays
        return {k: self.xp.array(v).persist() for k, v in arrays.items()}

    def teardown(self, engine, n):
        self.__dict__.clear()
        if engine == "nums":
            _engines.stop_nums()

    def run(self):
        return self.done(self.operation(self.xp, **self.args))

    def done(self, result):
        """Wait for a nums result (arrays persisted, small results fetched)."""
        if self.engine != "nums":
            return result
        if isinstance(result, tuple):
            return tuple(self.done(r) for r in result)
        return result.persist() if result.size > 1000 else result.get()

    def peak_bytes(self, n: int) -> int:
        """Bytes the operation needs at its peak beyond its inputs (see ``_memory``)."""
        if self.engine == "numpy":
            return _memory.numpy_peak_extra(lambda: (self.inputs(n),),
                                            lambda d: self.operation(numpy, **d))
        _engines.stop_nums()  # a fresh session: workers whose heaps have not grown yet
        _engines.start_nums()
        small = self._engine_inputs(self.inputs(10_000))
        self.done(self.operation(self.xp, **small))  # workers import what the tasks need
        del small
        self.args = self._engine_inputs(self.inputs(n))
        return _memory.nums_peak_extra(self.run)

    def track_peak_mib(self, engine, n):
        return self.peak_bytes(n) / MIB

    track_peak_mib.unit = "MiB"

    def track_peak_per_input(self, engine, n):
        """The peak beyond the inputs as a multiple of the inputs' bytes."""
        return self.peak_bytes(n) / sum(v.nbytes for v in self.inputs(n).values())

    track_peak_per_input.unit = "inputs"


class Sort(_Base):
    def operation(self, xp, x):
        return xp.sort(x)

    def time_sort(self, engine, n):
        self.run()


class Argsort(_Base):
    def operation(self, xp, x):
        return xp.argsort(x)

    def time_argsort(self, engine, n):
        self.run()


class Unique(_Base):
    def inputs(self, n: int) -> dict[str, numpy.ndarray]:
        return {"x": numpy.round(super().inputs(n)["x"], 3)}

    def operation(self, xp, x):
        return xp.unique(x)

    def time_unique(self, engine, n):
        self.run()


class Median(_Base):
    def operation(self, xp, x):
        return xp.median(x)

    def time_median(self, engine, n):
        self.run()


class Percentile(_Base):
    def operation(self, xp, x):
        return xp.percentile(x, [5, 50, 95])

    def time_percentile(self, engine, n):
        self.run()


class Histogram(_Base):
    def operation(self, xp, x):
        return xp.histogram(x, bins=100)

    def time_histogram(self, engine, n):
        self.run()
