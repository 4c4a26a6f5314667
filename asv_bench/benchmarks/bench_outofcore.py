"""Out of core (issue: reliability): a sum, ``X.T @ X`` and one Newton step of logistic
regression on an array twice the size of the object store, against the same work on a
store that holds it all; and the peak memory of all the session's processes meanwhile.

The array is 1 GiB by default (``NUMS_BENCH_OOC_GIB`` sets another size); the store is half
of it ("twice the store") or four times it ("in memory"). ``track_peak_pss`` reports the
largest sum of proportional set sizes (PSS: shared store pages counted once) of the driver
and its workers while the three operations run, sampled every 20 ms; the target is the store
size plus two blocks per worker, which ``track_peak_pss_above_idle`` compares with: the peak
less what the same processes hold idle (Python and NumPy in the driver and each worker).
"""

from __future__ import annotations

import os
import time

from . import _engines
from ._memory import PeakSampler, session_bytes

_engines.by_value(__name__)

GIB = 1 << 30
COLS = 16


def _data_bytes() -> int:
    return int(float(os.environ.get("NUMS_BENCH_OOC_GIB", "1")) * GIB)


def _start(store: str):
    data = _data_bytes()
    _engines.start_nums(backend="embedded", object_store_bytes=data // 2
                        if store == "twice the store" else 4 * data)
    import nums.numpy as np
    import runtime as rt

    np.zeros(10).get()  # the workers have started and imported what tasks need
    idle = session_bytes()
    rows = data // (8 * COLS)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, COLS))
    y = (rng.random(rows) < 0.5).astype(float)
    X.blocks, y.blocks  # noqa: B018 (computed now, not inside the timing)
    rt.wait([*X.blocks.flat, *y.blocks.flat], num_returns=X.grid.num_blocks + y.grid.num_blocks)
    return X, y, idle


def _newton_step(X, y):
    import nums.numpy as np

    beta = np.zeros(COLS)
    mu = 1 / (1 + np.exp(-(X @ beta)))
    g = X.T @ (mu - y)
    H = X.T @ (X * (mu * (1 - mu))[:, None])
    return np.linalg.solve(H, g).get()


class OutOfCore:
    params = ["in memory", "twice the store"]
    param_names = ["store"]
    timeout = 900
    number = 1
    repeat = (2, 3, 300.0)

    def setup(self, store):
        self.X, self.y, self.idle = _start(store)

    def teardown(self, store):
        del self.X, self.y
        _engines.stop_nums()

    def time_sum(self, store):
        float(self.X.sum())

    def time_gram(self, store):
        (self.X.T @ self.X).get()

    def time_newton_step(self, store):
        _newton_step(self.X, self.y)

    def track_peak_pss(self, store):
        sampler = PeakSampler()
        sampler.start()
        try:
            float(self.X.sum())
            (self.X.T @ self.X).get()
            _newton_step(self.X, self.y)
        finally:
            sampler.stop.set()
            sampler.join()
        time.sleep(0)
        return sampler.peak / GIB

    track_peak_pss.unit = "GiB"

    def track_peak_pss_above_idle(self, store):
        return self.track_peak_pss(store) - self.idle / GIB

    track_peak_pss_above_idle.unit = "GiB"
