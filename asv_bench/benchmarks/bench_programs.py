"""Whole programs (issue: fast on real programs): nums beside NumPy and Dask, in one run.

The programs are in :mod:`programs` (stencil sweeps with slices, periodic diffusion with
``roll``, filtering and gathers, power iteration, conjugate gradients, gradient-descent
logistic regression, k-means, standardisation, Monte Carlo, a script mixing a large array
with small vectors, a time series worked on by columns), written once for every engine.
Inputs are about ``NUMS_BENCH_PROGRAM_MB`` megabytes (default 256) of float64 per program,
converted to the
engine's arrays in ``setup``; each program is run once there so the timed runs find memory
already touched. Dask runs its threaded scheduler.
"""

from __future__ import annotations

import os

import numpy

from . import _engines, programs

_engines.by_value(__name__)

MB = float(os.environ.get("NUMS_BENCH_PROGRAM_MB", "256"))
ENGINES = ["nums", "numpy", "dask"]


def _identity(a):
    return a


def engine_hooks(engine: str):
    """``(xp, keep, scalar, convert)`` of an engine; see :mod:`programs`."""
    if engine == "numpy":
        return numpy, _identity, float, _identity
    if engine == "nums":
        import nums.numpy as nnp

        return nnp, _identity, float, lambda a: nnp.array(a).persist()
    if engine == "dask":
        import dask
        import dask.array as da

        dask.config.set(scheduler="threads")
        return (da, lambda a: a.persist(), lambda a: float(a.compute()),
                lambda a: da.from_array(a, chunks="auto").persist())
    raise ValueError(engine)


class Programs:
    """Each program once per sample; the time of the whole program."""

    params = (ENGINES, list(programs.PROGRAMS))
    param_names = ["engine", "program"]
    timeout = 900
    number = 1
    repeat = (3, 7, 60.0)
    warmup_time = 0

    def setup(self, engine, program):
        if engine == "nums":
            _engines.start_nums()
        elif engine == "dask" and not _engines.have("dask"):
            raise NotImplementedError("dask is not installed (pip install -e .[bench])")
        self.xp, self.keep, self.scalar, convert = engine_hooks(engine)
        shape = programs.sizes(MB)[program]
        self.args = [convert(a) for a in programs.make_inputs(program, shape)]
        self.fn = programs.PROGRAMS[program]
        self.run()

    def teardown(self, engine, program):
        self.__dict__.clear()
        if engine == "nums":
            _engines.stop_nums()

    def run(self):
        return self.fn(self.xp, self.keep, self.scalar, *self.args)

    def time_program(self, engine, program):
        self.run()
