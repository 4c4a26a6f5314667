"""Writing and reading an array beside NumPy and Dask in the same run: a float64 array of
``n`` elements (default 1e8, 800 MB) in nums's native block format (``nums.write`` /
``nums.read``, every block flushed to disk) and as ``.npy`` (``nums.numpy.save`` /
``load``), against ``numpy.save``/``numpy.load`` and Dask's ``to_npy_stack`` /
``from_npy_stack``. Files go to a temporary folder on the disk that holds ``TMPDIR``.

Run: ``cd asv_bench && ./isolated asv run --python=same -b bench_io``.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy

from .bench_array import _Base, _to_engine

ENGINES = ["nums", "nums-npy", "numpy", "dask"]


class _IO(_Base):
    params = (ENGINES, [10**8])
    param_names = ["engine", "n"]
    repeat = (3, 5, 60.0)

    def setup(self, engine, n):
        self._start("nums" if engine.startswith("nums") else engine)
        self.engine = engine
        self.dir = tempfile.mkdtemp(prefix="nums-bench-io-")
        value = numpy.random.default_rng(0).random(n).reshape(-1, 1000)
        self.x = _to_engine("nums" if engine.startswith("nums") else engine, value)
        self.path = os.path.join(self.dir, "x")
        self.write()

    def teardown(self, engine, *params):
        shutil.rmtree(self.dir, ignore_errors=True)
        super().teardown(engine, *params)

    def write(self):
        if self.engine == "nums":
            import nums

            nums.write(self.path, self.x)
        elif self.engine == "nums-npy":
            import nums.numpy as nnp

            nnp.save(self.path + ".npy", self.x)
        elif self.engine == "numpy":
            with open(self.path + ".npy", "wb") as f:
                numpy.save(f, self.x)
                f.flush()
                os.fsync(f.fileno())
        else:
            import dask.array as da

            shutil.rmtree(self.path, ignore_errors=True)
            da.to_npy_stack(self.path, self.x)

    def read(self):
        if self.engine == "nums":
            import nums

            return nums.read(self.path).persist()
        if self.engine == "nums-npy":
            import nums.numpy as nnp

            return nnp.load(self.path + ".npy").persist()
        if self.engine == "numpy":
            return numpy.load(self.path + ".npy")
        import dask.array as da

        return da.from_npy_stack(self.path).persist(scheduler="threads")


class Write(_IO):
    def time_write(self, engine, n):
        self.write()


class Read(_IO):
    def time_read(self, engine, n):
        self.read()
