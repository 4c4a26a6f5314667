"""Small arrays (issue 16): nums beside NumPy at every size, in one run.

Each operation runs for vectors of 1e3 to 1e7 float64 elements with three engines:

- ``numpy``: the reference;
- ``nums``: the default session, where an array of one block of at most ``local_bytes``
  (64 MiB, 8e6 float64) lives in the driver and operations on it run there with NumPy
  (driver-resident);
- ``nums-distributed``: the same with ``local_bytes=0``, every array in the store and every
  operation a task (what every size cost before), so the threshold can be read off the
  sweep: driver-resident wins where its time is below this one's.

Operations, each materialised (a numpy array or a Python float at the end):
``x * y + 1`` (``time_elementwise``), ``float(x.sum())`` (``time_sum``),
``(x[::2] + 1).get()`` (``time_strided``), ``float(x @ y)`` (``time_dot``),
``float(np.linalg.norm(x))`` (``time_norm``), ``x.reshape(-1, 100).mean(axis=1)``
(``time_reshape_mean``), ``x.astype(np.float32)`` (``time_astype``) and the bookkeeping loop
of power iteration, 100 times ``v = v / np.linalg.norm(v)`` on a vector of 100 elements
(``Bookkeeping``), and small work on a large matrix (``SmallOfLarge``).
"""

from __future__ import annotations

import time

import numpy

from . import _engines

_engines.by_value(__name__)

ENGINES = ["numpy", "nums", "nums-distributed"]
SIZES = [10**3, 10**4, 10**5, 10**6, 3 * 10**6, 10**7]


def start(engine: str):
    """The engine's numpy namespace (a nums session started for the nums engines, or the
    running one kept)."""
    if engine == "numpy":
        return numpy
    import nums.numpy as nnp

    if _engines.start_nums(local_bytes=0 if engine == "nums-distributed" else None):
        # a new session faults its store's first pages in, in background threads of every
        # process, for about half a second: samples of microseconds taken meanwhile would
        # time the start-up, not the operation
        time.sleep(1.5)
    return nnp


def stop(engine: str) -> None:
    if engine != "numpy":
        _engines.stop_nums()


def materialise(value):
    """A numpy array of ``value`` (``get()`` of a BlockArray)."""
    return value.get() if hasattr(value, "get") else value


class SizeSweep:
    """One operation per method on float64 vectors of ``n`` elements.

    No ``setup``: asv_runner 0.3 re-runs a benchmark's setup before every sample and then
    times a single call per sample, cold. The inputs are made on first use instead (the
    first call of asv's calibration, within ``warmup_time``), so that asv times batches of
    as many calls as a sample needs, as a loop in a script runs them.
    """

    params = (ENGINES, SIZES)
    param_names = ["engine", "n"]
    timeout = 300
    number = 0  # asv picks how many calls make a sample (microseconds to milliseconds)
    repeat = (5, 20, 10.0)
    warmup_time = 4.0  # the first call starts the session (about 2 s)

    def _inputs(self, engine, n):
        self.xp = start(engine)
        rng = numpy.random.default_rng(0)
        self.x = self.xp.asarray(rng.random(n))
        self.y = self.xp.asarray(rng.random(n))
        if engine != "numpy":
            (self.x * self.y + 1).get()  # a session's first tasks start its workers
        return self.x, self.y

    def teardown(self, engine, n):
        stop(engine)

    # nums materialises in the expression itself, as the issue writes it and a script
    # does: ``get()`` of a temporary hands its value over, while ``get()`` of an array that
    # a name (such as ``materialise``'s parameter) still holds must copy it
    def time_elementwise(self, engine, n):
        try:
            x, y = self.x, self.y
        except AttributeError:
            x, y = self._inputs(engine, n)
        if engine == "numpy":
            x * y + 1
        else:
            (x * y + 1).get()

    def time_sum(self, engine, n):
        try:
            x = self.x
        except AttributeError:
            x, _ = self._inputs(engine, n)
        float(x.sum())

    def time_strided(self, engine, n):
        try:
            x = self.x
        except AttributeError:
            x, _ = self._inputs(engine, n)
        if engine == "numpy":
            x[::2] + 1
        else:
            (x[::2] + 1).get()

    def time_dot(self, engine, n):
        try:
            x, y = self.x, self.y
        except AttributeError:
            x, y = self._inputs(engine, n)
        float(x @ y)

    def time_norm(self, engine, n):
        try:
            x = self.x
        except AttributeError:
            x, _ = self._inputs(engine, n)
        float(self.xp.linalg.norm(x))

    def time_reshape_mean(self, engine, n):
        try:
            x = self.x
        except AttributeError:
            x, _ = self._inputs(engine, n)
        if engine == "numpy":
            x.reshape(-1, 100).mean(axis=1)
        else:
            x.reshape(-1, 100).mean(axis=1).get()

    def time_astype(self, engine, n):
        try:
            x = self.x
        except AttributeError:
            x, _ = self._inputs(engine, n)
        if engine == "numpy":
            x.astype(numpy.float32)
        else:
            x.astype(numpy.float32).get()

    def time_roll_difference(self, engine, n):
        try:
            x = self.x
        except AttributeError:
            x, _ = self._inputs(engine, n)
        if engine == "numpy":
            x - self.xp.roll(x, 1)
        else:
            (x - self.xp.roll(x, 1)).get()

    def time_column_sum(self, engine, n):
        try:
            x = self.x
        except AttributeError:
            x, _ = self._inputs(engine, n)
        float(x.reshape(-1, 4)[:, 1].sum())

    def time_stack(self, engine, n):
        try:
            x, y = self.x, self.y
        except AttributeError:
            x, y = self._inputs(engine, n)
        if engine == "numpy":
            self.xp.stack([x, y], axis=1)
        else:
            self.xp.stack([x, y], axis=1).get()


class Bookkeeping:
    """100 iterations of ``v = v / np.linalg.norm(v)`` with ``v`` of 100 elements, and the
    overlap-add of a short-time Fourier resynthesis: 2000 ``rec[i:i + 64] += frame`` into a
    1e6-element signal (inputs made on first use, as in :class:`SizeSweep`)."""

    params = [ENGINES]
    param_names = ["engine"]
    timeout = 300
    number = 0
    repeat = (5, 20, 10.0)
    warmup_time = 4.0

    def teardown(self, engine):
        stop(engine)

    def time_normalize_loop(self, engine):
        try:
            np, v = self.xp, self.v
        except AttributeError:
            np = self.xp = start(engine)
            v = self.v = np.asarray(numpy.random.default_rng(0).random(100))
        for _ in range(100):
            v = v / np.linalg.norm(v)
        return materialise(v)

    def time_overlap_add(self, engine):
        try:
            np, rec, frame = self.xp, self.rec, self.frame
        except AttributeError:
            np = self.xp = start(engine)
            rec = self.rec = np.zeros(10**6)
            frame = self.frame = np.asarray(numpy.hanning(64))
        for i in range(0, 32_000, 16):
            rec[i:i + 64] += frame
        return materialise(rec)


def _no_dask_sort(engine):
    """A method's own setup (asv calls it with the parameters only): raised there, asv skips
    the case."""
    if engine == "dask":
        raise NotImplementedError("dask.array has no sort")


class SmallOfLarge:
    """Small work on a large array, as scripts do between the big steps: a batch of 256
    random rows ``X[batch]`` and ``X[batch, 2]`` of a (4e6, 8) float64 matrix (256 MB), ten
    element writes ``X[i, 2] = 0.5`` (materialised: ``persist()``), and ``np.sort(X[::256],
    axis=1)`` of every 256th row (a view of 125 kB), functions of the first 1e5 rows
    (``stack`` of two columns, row sums, a percentile of a column), beside NumPy and
    Dask's threaded scheduler (which has no sort) (inputs made on first use, as in
    :class:`SizeSweep`)."""

    params = [["numpy", "nums", "dask"]]
    param_names = ["engine"]
    timeout = 300
    number = 0
    repeat = (5, 20, 10.0)
    warmup_time = 4.0
    ROWS = 4 * 10**6

    def teardown(self, engine):
        if engine != "dask":
            stop(engine)

    def _inputs(self, engine):
        rng = numpy.random.default_rng(0)
        X = rng.random((self.ROWS, 8))
        self.batch = rng.integers(0, self.ROWS, 256)
        if engine == "dask":
            if not _engines.have("dask"):
                raise NotImplementedError("dask is not installed (pip install -e .[bench])")
            import dask
            import dask.array as da

            dask.config.set(scheduler="threads")
            self.xp, self.X = da, da.from_array(X, chunks="auto").persist()
            self.out = lambda a: a.compute()
        else:
            self.xp = start(engine)
            self.X = self.xp.asarray(X)
            self.out = materialise
        return self.X

    def time_batch_rows(self, engine):
        try:
            X = self.X
        except AttributeError:
            X = self._inputs(engine)
        self.out(X[self.batch])

    def time_batch_column(self, engine):
        try:
            X = self.X
        except AttributeError:
            X = self._inputs(engine)
        self.out(X[self.batch, 2])

    def time_element_writes(self, engine):
        try:
            X = self.X
        except AttributeError:
            X = self._inputs(engine)
        for i in range(0, self.ROWS, self.ROWS // 10):
            X[i, 2] = 0.5
        if engine == "nums":
            X.persist()
        elif engine == "dask":
            X.persist()

    def time_join_slices(self, engine):
        """``stack(axis=1)`` of a column of the first 1e5 rows and an expression of another
        (views within one block, read in place by the driver: ``nums.core.array.mapped``)."""
        try:
            X = self.X
        except AttributeError:
            X = self._inputs(engine)
        self.out(self.xp.stack([X[:10**5, 0], X[:10**5, 1] ** 2], axis=1))

    def time_row_sums_of_slice(self, engine):
        try:
            X = self.X
        except AttributeError:
            X = self._inputs(engine)
        self.out(X[:10**5].sum(axis=1))

    def time_percentile_of_slice(self, engine):
        try:
            X = self.X
        except AttributeError:
            X = self._inputs(engine)
        self.out(self.xp.percentile(X[:10**5, 3], 90))

    def time_sort_strided_view(self, engine):
        try:
            X = self.X
        except AttributeError:
            X = self._inputs(engine)
        self.out(self.xp.sort(X[::256], axis=1))

    time_sort_strided_view.setup = _no_dask_sort
