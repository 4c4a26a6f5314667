"""Memory measured by the benchmarks: the session's processes (nums) and NumPy's process.

- :func:`pss` and :class:`PeakSampler`: the summed proportional set size (PSS) of the driver
  and the runtime's workers, sampled every 20 ms (``bench_outofcore``: everything, store
  pages included).
- :func:`store_peak_bytes`: the object stores' peak of payload bytes (``nums.metrics()``).
- :func:`nums_peak_extra`: the peak memory a nums operation needs beyond its inputs, as the
  memory of the driver and all workers: the rise of their summed private (anonymous) PSS,
  sampled, plus the rise of the store's exact peak of object bytes. The store is counted
  by its objects rather than its pages because the runtime prefaults the store: its pages
  are resident whether or not objects use them. The two peaks are added, so the figure is
  an upper bound when they do not coincide.
- :func:`numpy_peak_extra`: the peak memory a NumPy operation needs beyond its inputs, in a
  forked process: the inputs are made there, the kernel's peak resident set size (VmHWM) is
  reset (``/proc/self/clear_refs``), the operation runs, and the rise of VmHWM over the
  resident size before it is the answer. This counts every byte NumPy touches, including
  buffers its C/C++ sorts allocate with ``malloc`` that ``tracemalloc`` does not see; it is
  page-exact and does not depend on what the benchmark process did before.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

_KEYS = {"pss": "Pss:", "anon": "Pss_Anon:"}


def pss(pid: int, kind: str = "pss") -> int:
    """Bytes of ``pid``'s proportional set size (``kind="pss"``) or of its private anonymous
    part (``"anon"``: heap and other anonymous memory, no shared memory or files); 0 when the
    process is gone."""
    key = _KEYS[kind]
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def session_pids() -> list[int]:
    """This process (the driver) and the runtime's worker processes."""
    import runtime as rt

    return [os.getpid()] + rt._child_pids()


def session_bytes(kind: str = "pss") -> int:
    return sum(pss(p, kind) for p in session_pids())


class PeakSampler(threading.Thread):
    """The peak of the summed PSS (or anonymous PSS) of this process and the runtime's
    workers, sampled every ``interval`` seconds while it runs (``stop.set()`` ends it)."""

    def __init__(self, kind: str = "pss", interval: float = 0.02):
        super().__init__(daemon=True)
        self.kind, self.interval = kind, interval
        self.peak, self.stop = session_bytes(kind), threading.Event()

    def run(self):
        while not self.stop.wait(self.interval):
            self.peak = max(self.peak, session_bytes(self.kind))

    def __enter__(self) -> PeakSampler:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.join()
        self.peak = max(self.peak, session_bytes(self.kind))


def store_bytes() -> int:
    import nums

    return sum(int(m["store_bytes"]) for m in nums.metrics())


def store_peak_bytes() -> int:
    import nums

    return sum(int(m["peak_store_bytes"]) for m in nums.metrics())


def nums_peak_extra(operation: Callable[[], object]) -> int:
    """Bytes the nums ``operation`` needs at its peak beyond what the session holds before it
    (its inputs): the rise of the driver's and workers' anonymous PSS plus the rise of the
    stores' peak object bytes. Run it on a fresh session (workers whose heaps have not yet
    grown), with the inputs computed; its result is dropped before the figures are read."""
    held = store_bytes()  # the inputs; the stores' peak so far is theirs on a fresh session
    with PeakSampler("anon") as sampler:
        idle = sampler.peak
        result = operation()
        del result
    # the stores' peak since the session started: an upper bound of the operation's
    store_rise = max(0, store_peak_bytes() - held)
    return max(0, sampler.peak - idle) + store_rise


def numpy_peak_extra(make_inputs: Callable[[], tuple], operation: Callable[..., object]) -> int:
    """Bytes NumPy's ``operation(*make_inputs())`` needs at its peak beyond its inputs,
    measured in a forked process by the kernel's peak resident set size (see the module
    docstring)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no exception may escape into the benchmark's process
        code = 1
        try:
            os.close(r)
            inputs = make_inputs()
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # reset VmHWM to the current resident size
            before = _status_kib("VmRSS")
            result = operation(*inputs)
            peak = _status_kib("VmHWM")
            del result
            os.write(w, str((peak - before) * 1024).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r) as f:
        text = f.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not text:
        raise RuntimeError("the NumPy memory probe failed")
    return int(text)


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)
