"""Faulting in the first pages of a store mapping ahead of use, in a background thread.

Every process maps each store with its own page tables, and the first touch of a page costs
a page fault in that process (and, for a page the segment has never held, the allocation and
zeroing of the page). Measured on this project's 2-core VM: writing 100 MB into fresh store
pages took 166 ms, into pages this process had touched before 16 ms, and into pages another
process had touched 103 ms. The allocator reuses the lowest free addresses first, so the
pages a session uses most are the first ones; a thread in the driver and in each worker maps
the first ``nbytes`` of its node's store with ``MADV_POPULATE_WRITE`` (Linux 5.14+), so that
the first ``put`` or task output is as fast as later ones (at the normal CPU priority: at
nice 10 the thread got so little of a loaded machine that the first put still paid the
faults). On a kernel without it nothing is done. The memory populated counts as used shared
memory from start-up: that is the cost, bounded by ``nbytes``.
"""

from __future__ import annotations

import ctypes
import mmap
import threading

MADV_POPULATE_WRITE = 23  # linux/mman.h; Python 3.11's mmap module lacks the constant
CHUNK = 2 << 20  # bytes per madvise call: the thread can be stopped between two calls
DEFAULT_TOTAL = 256 << 20  # bytes per session, shared among the nodes


def default_bytes(capacity: int, num_nodes: int, total: int = DEFAULT_TOTAL) -> int:
    """Bytes of each node's store to fault in: ``total`` shared among the nodes, at most a
    quarter of the store."""
    return min(total // max(1, num_nodes), capacity // 4)


def _libc_madvise():
    try:
        fn = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


class Prefaulter:
    """Fault in ``[0, nbytes)`` of ``mm`` in this process; :meth:`stop` before unmapping."""

    def __init__(self, mm: mmap.mmap, nbytes: int):
        self.nbytes = min(nbytes, len(mm)) // mmap.PAGESIZE * mmap.PAGESIZE
        self.done = 0  # bytes faulted in so far (tests read it)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._madvise = _libc_madvise() if self.nbytes > 0 else None
        if self._madvise is None:
            return
        view = ctypes.c_char.from_buffer(mm)
        self._base = ctypes.addressof(view)
        del view  # release the buffer export: the map must stay closable
        self._thread = threading.Thread(target=self._run, name="rt-prefault", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        off = 0
        while off < self.nbytes and not self._stop.is_set():
            n = min(CHUNK, self.nbytes - off)
            # ctypes releases the GIL for the call: the driver's threads go on meanwhile
            if self._madvise(self._base + off, n, MADV_POPULATE_WRITE) != 0:
                return  # EINVAL: kernel too old; anything else: leave the pages to first use
            off += n
            self.done = off

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the pages to be in; True when finished (or nothing to do)."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def stop(self) -> None:
        """Stop and wait for the thread (it is between two short calls at most)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
