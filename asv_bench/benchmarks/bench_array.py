"""Array benchmarks (issue 3): nums beside NumPy and Dask's threaded scheduler, in one run.

Every class holds the same operation for each engine, so ratios come from one run:

- ``Elementwise``: ``z = x * y + 1`` on two float64 vectors (default 1e8 elements), plus the
  peak memory it needs (``track_peak_mib``, ``track_extra_mib``).
- ``Sum``: ``x.sum()`` on a float64 vector (default 1e8).
- ``Gram``: ``X.T @ X`` with X of shape (4e6, 32).
- ``MatMul``: ``A @ B`` on two 6000 x 6000 matrices.
- ``NewtonStep``: one Newton step of ``examples/logistic_regression.py`` on (2e6, 32), with
  Dask both as configured by default and with one BLAS thread per worker thread
  (``dask-blas1``, needs threadpoolctl; skipped without it).

Inputs are created and persisted in ``setup`` (identical values for every engine), and every
operation is run once there so that the timed runs find memory already touched (a running
program's steady state; first-touch page faults are very slow on some VMs). Inside the timed
region nums results are computed completely: large ones with ``persist()``, small ones with
``get()``; Dask's large results with ``persist()``, small ones with ``compute()``.
"""

from __future__ import annotations

import tracemalloc

import numpy

from . import _engines
from ._memory import store_peak_bytes

_engines.by_value(__name__)

# "nums" runs on the embedded runtime, "nums-ray" on a local one-node Ray (run asv through
# asv_bench/isolated so that Ray stays on loopback)
ENGINES = ["nums", "nums-ray", "numpy", "dask"]
MIB = 2**20


def _start_nums(engine: str) -> None:
    if engine == "nums-ray":
        if not _engines.have("ray"):
            raise NotImplementedError("ray is not installed (pip install -e .[bench])")
        _engines.start("ray")  # a local Ray with 2 CPUs on loopback
        _engines.start_nums(backend="ray")
    else:
        _engines.start_nums()


def _stop_nums(engine: str) -> None:
    _engines.stop_nums()
    if engine == "nums-ray":
        _engines.stop("ray")


def _to_engine(engine: str, value: numpy.ndarray, tall: bool = False):
    """``value`` as the engine's array, computed and held in memory."""
    if engine == "numpy":
        return value
    if engine.startswith("nums"):
        import nums.numpy as nnp

        return nnp.array(value).persist()
    import dask.array as da

    chunks = ("auto", -1) if tall else "auto"
    return da.from_array(value, chunks=chunks).persist(scheduler="threads")


# Runs of the operation in setup, before timing. A new session's workers map the store's
# pages one page fault at a time as they first read or write them (slow on some VMs, see
# docs/runtime.md); after a few runs every worker has mapped them, as in a running program.
WARMUP_RUNS = 5


class _Base:
    """Start and stop the engine; subclasses fill ``self.inputs`` and define ``run``."""

    timeout = 600
    number = 1
    repeat = (3, 10, 30.0)
    warmup_time = 0
    rounds = 1

    def _start(self, engine: str) -> None:
        self.engine = engine
        if engine.startswith("nums"):
            _start_nums(engine)
        elif engine.startswith("dask-blas1") and not _engines.have("threadpoolctl"):
            raise NotImplementedError("threadpoolctl is not installed")

    def teardown(self, engine, *params):
        self.__dict__.clear()
        if engine.startswith("nums"):
            _stop_nums(engine)


class Elementwise(_Base):
    """``z = x * y + 1`` on float64 vectors of ``n`` elements (the result is kept)."""

    params = (ENGINES, [10**8])
    param_names = ["engine", "n"]

    def setup(self, engine, n):
        self._start(engine)
        rng = numpy.random.default_rng(0)
        self.x = _to_engine(engine, rng.random(n))
        self.y = _to_engine(engine, rng.random(n))
        self.nbytes = 8 * n
        for _ in range(WARMUP_RUNS):
            self.run()

    def run(self):
        x, y = self.x, self.y
        if self.engine == "numpy":
            return x * y + 1
        if self.engine.startswith("nums"):
            return (x * y + 1).persist()
        return (x * y + 1).persist(scheduler="threads")

    def time_elementwise(self, engine, n):
        self.run()

    def _peak_bytes(self) -> int:
        """Bytes of array data held at the peak of one run, inputs and output included."""
        if self.engine == "nums-ray":
            raise NotImplementedError("Ray does not report a peak of its object store")
        if self.engine.startswith("nums"):
            self.run()
            return store_peak_bytes()
        tracemalloc.start()
        try:
            z = self.run()
            _, peak = tracemalloc.get_traced_memory()
            del z
        finally:
            tracemalloc.stop()
        return 2 * self.nbytes + peak

    def track_peak_mib(self, engine, n):
        return self._peak_bytes() / MIB

    track_peak_mib.unit = "MiB"

    def track_extra_mib(self, engine, n):
        """Peak beyond the two inputs and the output (ideal: about one block per worker)."""
        return (self._peak_bytes() - 3 * self.nbytes) / MIB

    track_extra_mib.unit = "MiB"


class Sum(_Base):
    """``x.sum()`` of a float64 vector of ``n`` elements."""

    params = (ENGINES, [10**8])
    param_names = ["engine", "n"]

    def setup(self, engine, n):
        self._start(engine)
        self.x = _to_engine(engine, numpy.random.default_rng(0).random(n))
        for _ in range(WARMUP_RUNS):
            self.time_sum(engine, n)

    def time_sum(self, engine, n):
        if engine == "numpy":
            self.x.sum()
        elif engine.startswith("nums"):
            self.x.sum().get()
        else:
            self.x.sum().compute(scheduler="threads")


class Gram(_Base):
    """``X.T @ X`` with X tall and skinny, ``(n, 32)``."""

    params = (ENGINES, [4 * 10**6])
    param_names = ["engine", "n"]

    def setup(self, engine, n):
        self._start(engine)
        self.X = _to_engine(engine, numpy.random.default_rng(0).random((n, 32)), tall=True)
        for _ in range(WARMUP_RUNS):
            self.time_gram(engine, n)

    def time_gram(self, engine, n):
        X = self.X
        if engine == "numpy":
            X.T @ X
        elif engine.startswith("nums"):
            (X.T @ X).get()
        else:
            (X.T @ X).compute(scheduler="threads")


class MatMul(_Base):
    """``A @ B`` on two ``n`` x ``n`` float64 matrices (the result is kept distributed)."""

    params = (ENGINES, [6000])
    param_names = ["engine", "n"]
    repeat = (3, 5, 60.0)

    def setup(self, engine, n):
        self._start(engine)
        rng = numpy.random.default_rng(0)
        self.A = _to_engine(engine, rng.random((n, n)))
        self.B = _to_engine(engine, rng.random((n, n)))
        for _ in range(WARMUP_RUNS):
            self.time_matmul(engine, n)

    def time_matmul(self, engine, n):
        if engine == "numpy":
            self.A @ self.B
        elif engine.startswith("nums"):
            (self.A @ self.B).persist()
        else:
            (self.A @ self.B).persist(scheduler="threads")


def _two_gaussians(n: int, d: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The example's dataset: classes with means -0.5 and +0.5, plus an intercept column."""
    rng = numpy.random.default_rng(0)
    y = rng.integers(0, 2, size=n).astype(numpy.float64)
    X = numpy.empty((n, d))
    X[:, : d - 1] = rng.standard_normal((n, d - 1)) + (y - 0.5)[:, None]
    X[:, d - 1] = 1.0
    return X, y


class NewtonStep(_Base):
    """One Newton step of logistic regression (``examples/logistic_regression.py``) on
    ``(n, 32)``: ``mu = 1/(1+exp(-X@b)); g = X.T@(mu-y); H = X.T@(X*(mu*(1-mu))[:,None]);
    b -= solve(H, g)``, the 32 x 32 solve on the driver."""

    params = (ENGINES + ["dask-blas1"], [2 * 10**6])
    param_names = ["engine", "n"]

    def setup(self, engine, n):
        self._start(engine)
        X, y = _two_gaussians(n, 32)
        kind = "dask" if engine.startswith("dask") else engine
        self.X = _to_engine(kind, X, tall=True)
        self.y = _to_engine(kind, y)
        for _ in range(WARMUP_RUNS):
            self.step()

    def step(self):
        X, y = self.X, self.y
        if self.engine == "numpy":
            b = numpy.zeros(X.shape[1])
            mu = 1 / (1 + numpy.exp(-(X @ b)))
            g = X.T @ (mu - y)
            H = X.T @ (X * (mu * (1 - mu))[:, None])
            b -= numpy.linalg.solve(H, g)
            return b
        if self.engine.startswith("nums"):
            import nums.numpy as nnp

            b = nnp.zeros((X.shape[1],))
            mu = 1 / (1 + nnp.exp(-(X @ b)))
            g = X.T @ (mu - y)
            H = X.T @ (X * (mu * (1 - mu))[:, None])
            b -= nnp.linalg.solve(H, g)
            return b.get()
        import dask
        import dask.array as da

        b = numpy.zeros(X.shape[1])
        mu = 1 / (1 + da.exp(-(X @ b)))
        g = X.T @ (mu - y)
        H = X.T @ (X * (mu * (1 - mu))[:, None])
        if self.engine == "dask-blas1":
            from threadpoolctl import threadpool_limits

            with threadpool_limits(limits=1, user_api="blas"):
                g, H = dask.compute(g, H, scheduler="threads")
        else:
            g, H = dask.compute(g, H, scheduler="threads")
        b -= numpy.linalg.solve(H, g)
        return b

    def time_newton_step(self, engine, n):
        self.step()
