"""Advanced indexing of a 1-D vector (issue 12): nums beside NumPy, in one run.

On a float64 vector ``x`` of ``n`` uniform values (the sizes of ``bench_sorting``:
``NUMS_BENCH_SIZES``, default 1e6 and 1e7), each class times one operation for each engine:

- ``x[mask]`` with ``mask = x > 0.5`` (about half selected; for nums computed by nums, so it
  is blocked like ``x``, and in the store before timing);
- ``x[idx]`` with ``idx`` ``n`` random int64 indices in ``[0, n)``;
- ``np.add.at(a, idx, vals)`` with ``a`` ``n`` zeros, ``idx`` ``n`` random indices (many
  repeated) and ``vals`` ``n`` floats: nums gives NumPy's result bit for bit.

nums results are computed completely inside the timed region (``persist()``). Each class
reports the peak memory its operation needs beyond its inputs as ``bench_sorting`` does
(``track_peak_mib``, ``track_peak_per_input``).
"""

from __future__ import annotations

import numpy

from . import _engines
from .bench_sorting import _Base

_engines.by_value(__name__)


class Mask(_Base):
    def inputs(self, n: int) -> dict[str, numpy.ndarray]:
        x = super().inputs(n)["x"]
        return {"x": x, "mask": x > 0.5}

    def _engine_inputs(self, arrays: dict) -> dict:
        if self.engine != "nums":
            return arrays
        x = self.xp.array(arrays["x"]).persist()
        return {"x": x, "mask": (x > 0.5).persist()}  # blocked like x, as a program makes it

    def operation(self, xp, x, mask):
        return x[mask]

    def time_mask(self, engine, n):
        self.run()


class Take(_Base):
    def inputs(self, n: int) -> dict[str, numpy.ndarray]:
        rng = numpy.random.default_rng(1)
        return {"x": super().inputs(n)["x"], "idx": rng.integers(0, n, n, dtype=numpy.int64)}

    def operation(self, xp, x, idx):
        return x[idx]

    def time_take(self, engine, n):
        self.run()


class AddAt(_Base):
    def inputs(self, n: int) -> dict[str, numpy.ndarray]:
        rng = numpy.random.default_rng(1)
        return {"a": numpy.full(n, 0.0),  # written, so its pages are resident like the others
                "idx": rng.integers(0, n, n, dtype=numpy.int64), "vals": rng.random(n)}

    def operation(self, xp, a, idx, vals):
        xp.add.at(a, idx, vals)
        return a

    def time_add_at(self, engine, n):
        self.run()
