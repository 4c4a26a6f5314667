"""``nums.read_csv`` beside pandas' ``read_csv``, pyarrow's reader (one thread, and all
threads) and Dask's
``dask.dataframe.read_csv(...).to_dask_array()`` (when dask[dataframe] is installed), in the
same run, on a numeric CSV of ``mb`` megabytes (default 1024; 16 float columns) written once
to a temporary folder.

Run: ``cd asv_bench && ./isolated asv run --python=same -b bench_csv``.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy

from . import _engines
from .bench_array import _Base

ENGINES = ["nums", "pandas", "pyarrow-1thread", "pyarrow", "dask"]


class ReadCSV(_Base):
    params = (ENGINES, [int(os.environ.get("NUMS_BENCH_CSV_MB", "1024"))])
    param_names = ["engine", "mb"]
    repeat = (3, 5, 60.0)

    def setup(self, engine, mb):
        if engine == "dask" and not _engines.have("dask.dataframe"):
            raise NotImplementedError("dask[dataframe] is not installed")
        if engine == "pandas" and not _engines.have("pandas"):
            raise NotImplementedError("pandas is not installed")
        self._start(engine)
        import pyarrow as pa
        import pyarrow.csv as pcsv

        self.dir = tempfile.mkdtemp(prefix="nums-bench-csv-")
        self.path = os.path.join(self.dir, "x.csv")
        rng = numpy.random.default_rng(0)
        rows = 10**6
        chunk = pa.table({f"c{j}": rng.standard_normal(rows) for j in range(16)})
        with pcsv.CSVWriter(self.path, chunk.schema) as writer:
            while os.path.getsize(self.path) < mb * 10**6:
                writer.write_table(chunk)
        self.run()

    def teardown(self, engine, *params):
        shutil.rmtree(self.dir, ignore_errors=True)
        super().teardown(engine, *params)

    def run(self):
        if self.engine == "nums":
            import nums

            return nums.read_csv(self.path).persist()
        if self.engine == "pandas":
            import pandas

            return pandas.read_csv(self.path).to_numpy()
        if self.engine.startswith("pyarrow"):
            import pyarrow.csv as pcsv

            table = pcsv.read_csv(self.path, read_options=pcsv.ReadOptions(
                use_threads=self.engine == "pyarrow"))
            return numpy.column_stack([c.to_numpy() for c in table.columns])
        import dask.dataframe as dd

        return dd.read_csv(self.path).to_dask_array(lengths=True).persist(scheduler="threads")

    def time_read_csv(self, engine, mb):
        self.run()
