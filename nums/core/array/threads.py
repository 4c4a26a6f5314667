"""The driver's pool of threads for work NumPy does without the GIL (ufunc loops, copies).

Driver-resident arrays are computed in the driver with NumPy (:mod:`nums.core.array.resident`)
and ``get()`` copies blocks into one array there; both use one thread unless split. NumPy
releases the GIL inside its loops, so parts of one large call run at once on the driver's
cores: :func:`run` calls the first part in the calling thread and the others in a pool of
``THREADS - 1`` threads (made on first use, and dropped in a forked child, which has none of
them).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


THREADS = _cores()  # parts run at once (this process's cores)
_pool: list[ThreadPoolExecutor] = []
os.register_at_fork(after_in_child=_pool.clear)


def run(parts: Sequence[Callable[[], Any]]) -> list[Any]:
    """Call every part at once (the first in this thread) and return their results in
    order; once all have ended, the first exception raised by any is raised again. More
    parts than threads are taken in turn by ``THREADS`` loops (this thread's among them), so
    that every core stays busy until the last part."""
    if len(parts) > THREADS > 1:
        return _drained(parts)
    if len(parts) > 1 and not _pool:
        _pool.append(ThreadPoolExecutor(max(1, THREADS - 1), thread_name_prefix="nums-driver"))
    futures = [_pool[0].submit(p) for p in parts[1:]]
    results: list[Any] = []
    failure: BaseException | None = None
    try:
        results.append(parts[0]())
    except BaseException as e:  # noqa: BLE001 - raised once every part has ended
        failure = e
    for f in futures:
        try:
            results.append(f.result())
        except BaseException as e:  # noqa: BLE001
            failure = failure or e
    if failure is not None:
        raise failure
    return results


def _drained(parts: Sequence[Callable[[], Any]]) -> list[Any]:
    results: list[Any] = [None] * len(parts)
    order = iter(range(len(parts)))  # (next() of a range iterator is atomic under the GIL)

    def drain() -> None:
        for i in order:
            results[i] = parts[i]()

    run([drain] * THREADS)
    return results


# pages of a new driver-resident result that the pool's threads write are faulted in by the
# calling thread first, from this size. On this project's VM (a guest whose free memory is
# reported back to the host) the second thread's faults into a new (2e6, 3) float64 result
# often cost about 4 ms per 2 MiB huge page in the kernel: a multiply in two parts took 52
# ms, 2.4-5 ms with the pages faulted here first (NumPy alone: 4.3 ms). Not used for
# get()'s copies into a new array of distributed values: there the threads' own faults were
# the faster (at 1e7 float64, (x * y + 1).get() 8.5 ms against 10.7 ms faulted here).
FAULT_IN_BYTES = 4 << 20
PAGE = 4096


def new_array(shape: Any, dtype: Any) -> np.ndarray:
    """``numpy.empty(shape, dtype)`` for the pool's threads to write in parts (every element
    written), its pages faulted in by this thread when it is large."""
    out = np.empty(shape, dtype)
    if out.nbytes >= FAULT_IN_BYTES and THREADS > 1 and not out.dtype.hasobject:
        out.reshape(-1).view(np.uint8)[::PAGE] = 0
    return out
