"""A working set larger than the store spills to disk and comes back intact."""

from __future__ import annotations

import gc
import os
import time

import numpy as np

import runtime as rt


def test_working_set_twice_the_store(tmp_path):
    spill = tmp_path / "spill"
    if rt.is_initialized():
        rt.shutdown()
    cap = 32 << 20
    rt.init(num_nodes=1, workers_per_node=2, object_store_bytes=cap, spill_dir=str(spill))
    try:
        n = 16  # 16 x 4 MiB = 64 MiB, twice the store
        arrays = [np.full(512 * 1024, i, dtype=np.float64) for i in range(n)]
        refs = [rt.put(a) for a in arrays]
        m = rt.metrics()[0]
        assert m["store_bytes"] <= cap and m["spilled_bytes"] > 0
        assert any(spill.iterdir())
        # tasks read spilled objects and make new ones, which spill others
        plus = rt.remote(lambda a, k: a + k)
        outs = [plus.remote(r, 1000) for r in refs]
        for i, out in enumerate(outs):
            v = rt.get(out)
            assert v.shape == (512 * 1024,) and v[0] == i + 1000 and v[-1] == i + 1000
            del v
        for i, r in enumerate(refs):
            v = rt.get(r)
            np.testing.assert_array_equal(v, arrays[i])
            del v
        assert rt.metrics()[0]["peak_store_bytes"] <= cap
        # an object larger than the whole store goes straight to disk
        big = np.arange(5 << 20, dtype=np.float64)  # 40 MiB
        np.testing.assert_array_equal(rt.get(rt.put(big)), big)
        del refs, outs, r, out  # the loop variables hold refs too
        gc.collect()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(spill.iterdir()):
            rt.metrics()
            time.sleep(0.05)
        assert not any(spill.iterdir()), os.listdir(spill)
        assert rt.metrics()[0]["spilled_bytes"] == 0
    finally:
        rt.shutdown()
