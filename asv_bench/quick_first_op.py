"""A script's first distributed operation, as a user times it: ``python
asv_bench/quick_first_op.py [runs]`` (default 3) starts that many fresh processes, each
timing ``nums.init()`` and then ``float(nums.numpy.random.rand(1e7).sum())`` (the workers
start and load the kernels here) and the same again, against NumPy's ``rand`` and ``sum``
in the same process; prints the medians and, per process, the nums modules a worker loaded
and its CPU seconds by then."""

from __future__ import annotations

import statistics
import subprocess
import sys

_CHILD = """
import time
import numpy as np
import nums
import nums.numpy as nps
import runtime.api as rt

nums.init()
t0 = time.perf_counter()
float(nps.random.rand(10**7).sum())
t1 = time.perf_counter()
float(nps.random.rand(10**7).sum())
t2 = time.perf_counter()
float(np.random.rand(10**7).sum())
t3 = time.perf_counter()


@rt.remote
def loaded():
    import resource
    import sys
    return (sum(m.startswith("nums") for m in sys.modules),
            resource.getrusage(resource.RUSAGE_SELF).ru_utime)


mods, cpu = rt.get(loaded.remote())
print(t1 - t0, t2 - t1, t3 - t2, mods, cpu)
nums.shutdown()
"""


def main(runs: int) -> None:
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True,
                             check=True).stdout.split()
        rows.append([float(v) for v in out])
        print(f"first {rows[-1][0]:.3f} s, again {rows[-1][1]:.3f} s, NumPy {rows[-1][2]:.3f} s;"
              f" a worker: {int(rows[-1][3])} nums modules, {rows[-1][4]:.2f} s CPU", flush=True)
    first, again, numpy = (statistics.median(r[k] for r in rows) for k in range(3))
    print(f"median: first {first:.3f} s, again {again:.3f} s, NumPy {numpy:.3f} s "
          f"(NumPy / nums: first {numpy / first:.2f}, again {numpy / again:.2f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
