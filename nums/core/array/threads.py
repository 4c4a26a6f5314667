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
