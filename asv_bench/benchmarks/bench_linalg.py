"""Linear algebra beside NumPy and Dask in the same run: QR (Q and R) and least squares of a
tall-skinny float64 matrix (4e6 x 32, 1 GiB, by default; sized by ``n``).

Run: ``cd asv_bench && ./isolated asv run --python=same -b bench_linalg``.
"""

from __future__ import annotations

import numpy

from .bench_array import WARMUP_RUNS, _Base, _to_engine

ENGINES = ["nums", "numpy", "dask"]


class _Tall(_Base):
    params = (ENGINES, [4 * 10**6])
    param_names = ["engine", "n"]
    warmups = 1

    def setup(self, engine, n):
        self._start(engine)
        rng = numpy.random.default_rng(0)
        x = rng.standard_normal((n, 32))
        b = x @ numpy.arange(32.0) + rng.standard_normal(n)
        self.x = _to_engine(engine, x, tall=True)
        if engine == "dask":  # dask's lstsq wants b's row chunks to be x's
            import dask.array as da

            self.b = da.from_array(b, chunks=(self.x.chunks[0],)).persist(scheduler="threads")
        else:
            self.b = _to_engine(engine, b)
        for _ in range(min(self.warmups, WARMUP_RUNS)):
            self.run()


class QR(_Tall):
    """``Q, R = qr(X)``, both factors computed and kept."""

    def run(self):
        if self.engine == "numpy":
            return numpy.linalg.qr(self.x)
        if self.engine.startswith("nums"):
            import nums.numpy as nnp

            q, r = nnp.linalg.qr(self.x)
            return q.persist(), r.persist()
        import dask
        import dask.array as da

        return dask.persist(*da.linalg.qr(self.x), scheduler="threads")

    def time_qr(self, engine, n):
        self.run()


class Lstsq(_Tall):
    """``x = lstsq(X, b)``: the solution, the residuals, the rank and the singular values."""

    def run(self):
        if self.engine == "numpy":
            return numpy.linalg.lstsq(self.x, self.b)
        if self.engine.startswith("nums"):
            import nums.numpy as nnp

            return nnp.linalg.lstsq(self.x, self.b)[0].get()
        import dask.array as da

        return da.linalg.lstsq(self.x, self.b)[0].compute(scheduler="threads")

    def time_lstsq(self, engine, n):
        self.run()
