"""Linear algebra beside NumPy and Dask in the same run: QR (Q and R) and least squares of a
tall-skinny float64 matrix (4e6 x 32, 1 GiB, by default; sized by ``n``), and the solve and
Cholesky factor of square matrices (8000 x 8000 by default, sized by ``n``) beside SciPy's
LAPACK too.

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


SQUARE_ENGINES = ["nums", "numpy", "scipy", "dask"]


class _Square(_Base):
    """An ``n x n`` float64 matrix (1000: 8 MB, and 8000: 512 MB): symmetric positive definite
    (``M M^T + n I``) for ``kind="spd"``, Gaussian for ``kind="general"``; a vector ``b``.
    "scipy" is SciPy's LAPACK on all cores (``assume_a="pos"`` for the SPD solve); Dask's
    arrays are in 2000 x 2000 chunks (square uniform chunks, as its LU and Cholesky need)."""

    params = (SQUARE_ENGINES, [1000, 8000])  # a small size too: the per-task cost shows
    param_names = ["engine", "n"]
    warmups = 1

    def setup(self, engine, n):
        self._start(engine)
        rng = numpy.random.default_rng(0)
        m = rng.standard_normal((n, n))
        self.a_np = m @ m.T + n * numpy.eye(n) if self.kind == "spd" else m
        b = rng.standard_normal(n)
        if engine == "dask":
            import dask.array as da

            self.a = da.from_array(self.a_np, chunks=(2000, 2000)).persist(scheduler="threads")
            self.b = da.from_array(b, chunks=2000).persist(scheduler="threads")
        else:
            self.a = _to_engine("numpy" if engine == "scipy" else engine, self.a_np)
            self.b = _to_engine("numpy" if engine == "scipy" else engine, b)
        for _ in range(min(self.warmups, WARMUP_RUNS)):
            self.run()


class SolveSPD(_Square):
    """``x = solve(A, b)`` with ``A`` SPD (nums detects it and factors by Cholesky)."""

    kind = "spd"

    def run(self):
        if self.engine == "numpy":
            return numpy.linalg.solve(self.a, self.b)
        if self.engine == "scipy":
            import scipy.linalg

            return scipy.linalg.solve(self.a, self.b, assume_a="pos")
        if self.engine == "nums":
            import nums.numpy as nnp

            return nnp.linalg.solve(self.a, self.b).get()
        import dask.array as da

        return da.linalg.solve(self.a, self.b, assume_a="pos").compute(scheduler="threads")

    def time_solve(self, engine, n):
        self.run()


class Cholesky(_Square):
    """``L = cholesky(A)``, the factor computed and kept."""

    kind = "spd"

    def run(self):
        if self.engine == "numpy":
            return numpy.linalg.cholesky(self.a)
        if self.engine == "scipy":
            import scipy.linalg

            return scipy.linalg.cholesky(self.a, lower=True)
        if self.engine == "nums":
            import nums.numpy as nnp

            return nnp.linalg.cholesky(self.a).persist()
        import dask.array as da

        return da.linalg.cholesky(self.a, lower=True).persist(scheduler="threads")

    def time_cholesky(self, engine, n):
        self.run()


class SolveGeneral(_Square):
    """``x = solve(A, b)`` with a general ``A`` (LU with partial pivoting everywhere)."""

    kind = "general"

    def run(self):
        if self.engine == "numpy":
            return numpy.linalg.solve(self.a, self.b)
        if self.engine == "scipy":
            import scipy.linalg

            return scipy.linalg.solve(self.a, self.b)
        if self.engine == "nums":
            import nums.numpy as nnp

            return nnp.linalg.solve(self.a, self.b).get()
        import dask.array as da

        return da.linalg.solve(self.a, self.b).compute(scheduler="threads")

    def time_solve(self, engine, n):
        self.run()


class QRSquare(_Base):
    """``Q, R = qr(A)`` of a square ``n x n`` float64 matrix (default 6000, 288 MB): blocked
    Householder QR in nums (TSQR's ``R`` would be too large to pass between nodes). Dask's
    QR needs a single column of blocks, so it factors the whole matrix as one block; it is
    not in this comparison."""

    params = (["nums", "numpy"], [6000])
    param_names = ["engine", "n"]

    def setup(self, engine, n):
        self._start(engine)
        self.a = _to_engine(engine, numpy.random.default_rng(0).standard_normal((n, n)))
        self.run()

    def run(self):
        if self.engine == "numpy":
            return numpy.linalg.qr(self.a)
        import nums.numpy as nnp

        q, r = nnp.linalg.qr(self.a)
        return q.persist(), r.persist()

    def time_qr(self, engine, n):
        self.run()
