"""How fast this machine streams memory, in the ways NumPy and nums read it, outside asv:
``python asv_bench/quick_bandwidth.py [elements]`` (default 1e8 float64).

Prints the median time of ``x.sum()`` over the array (1) in one process from private
memory, as NumPy reads its arrays (transparent huge pages where the kernel gives them, which
NumPy asks for), (2) in one process from a shared-memory segment, as a nums worker reads the
object store, and (3) by two processes at once, each over half of the shared segment, as
two workers do. When (3) is not clearly below (1), two workers have no more bandwidth than
NumPy's one thread, and no memory-bound operation can be much faster than NumPy here (see
docs/small_arrays.md). The segment asks for huge pages as the store does
(``runtime.serialization.map_fd``); the kernel grants them to shared memory only when
``/sys/kernel/mm/transparent_hugepage/shmem_enabled`` allows it, which is printed too.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from multiprocessing import Barrier, Process, Queue

import numpy

from runtime.serialization import map_fd

REPS = 15


def _median_sum(x: numpy.ndarray, barrier: Barrier | None = None) -> float:
    x.sum()
    times = []
    for _ in range(REPS):
        if barrier is not None:
            barrier.wait()
        t = time.perf_counter()
        x.sum()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _half(fd: int, nbytes: int, which: int, n: int, barrier: Barrier, out: Queue) -> None:
    mm = map_fd(fd, nbytes)
    half = n // 2
    x = numpy.frombuffer(mm, dtype=numpy.float64, count=half, offset=which * half * 8)
    out.put(_median_sum(x, barrier))


def main(n: int) -> None:
    try:
        with open("/sys/kernel/mm/transparent_hugepage/shmem_enabled") as f:
            print("shmem_enabled:", f.read().strip())
    except OSError:
        print("shmem_enabled: unknown")
    private = numpy.random.default_rng(0).random(n)
    print(f"one process, private memory:      {_median_sum(private) * 1e3:7.1f} ms")
    nbytes = n * 8
    fd = os.memfd_create("nums-bandwidth")
    os.ftruncate(fd, nbytes)
    mm = map_fd(fd, nbytes)
    shared = numpy.frombuffer(mm, dtype=numpy.float64, count=n)
    shared[:] = private
    del private
    print(f"one process, shared memory:       {_median_sum(shared) * 1e3:7.1f} ms")
    barrier, out = Barrier(2), Queue()
    procs = [Process(target=_half, args=(fd, nbytes, i, n, barrier, out)) for i in range(2)]
    for p in procs:
        p.start()
    halves = [out.get() for _ in procs]
    for p in procs:
        p.join()
    print(f"two processes, shared memory:     {max(halves) * 1e3:7.1f} ms (the slower half)")
    del shared
    mm.close()
    os.close(fd)


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**8)
