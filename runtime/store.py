"""One node's object store: a shared-memory segment, its allocator, and its counters.

The segment is an anonymous ``memfd`` (no name in /dev/shm), created at its full capacity as a
sparse file: pages are only backed once written. Workers receive the descriptor when they start,
so nothing can be left behind after a crash: the memory goes when the last process closes it.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from . import segments
from .allocator import Allocator
from .prefault import Prefaulter
from .serialization import map_fd


class NodeStore:
    """Memory and counters of one (virtual) node; the driver owns it and all its state."""

    def __init__(self, node: int, capacity: int):
        self.node = node
        self.capacity = capacity
        self.fd = os.memfd_create(f"nums-store-node{node}", 0)
        os.ftruncate(self.fd, capacity)
        self.mm = map_fd(self.fd, capacity)
        self.allocator = Allocator(capacity)
        # object id -> None, least recently used first: the spill order of resident replicas
        self.lru: OrderedDict[int, None] = OrderedDict()
        self.store_bytes = 0  # payload bytes of the objects resident here
        self.peak_store_bytes = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        self.tasks_run = 0
        self.written_in_place = 0  # objects handed to a task to write in place (donated)
        self.spilled_bytes = 0
        self.prefaulter: Prefaulter | None = None

    def prefault(self, nbytes: int) -> None:
        """Fault the first ``nbytes`` of the store in, in this process, in the background."""
        self.prefaulter = Prefaulter(self.mm, nbytes)

    def add_bytes(self, n: int) -> None:
        self.store_bytes += n
        if self.store_bytes > self.peak_store_bytes:
            self.peak_store_bytes = self.store_bytes

    def metrics(self) -> dict:
        """The node's figures, as ``runtime.metrics()`` reports them."""
        return {
            "node": self.node,
            "store_bytes": self.store_bytes,
            "peak_store_bytes": self.peak_store_bytes,
            "bytes_received": self.bytes_received,
            "bytes_sent": self.bytes_sent,
            "tasks_run": self.tasks_run,
            "written_in_place": self.written_in_place,
            "num_objects": len(self.lru),
            "spilled_bytes": self.spilled_bytes,
            "capacity_bytes": self.capacity,
        }

    def close(self) -> None:
        if self.prefaulter is not None:
            self.prefaulter.stop()
        segments.forget(self.mm)
        try:
            self.mm.close()
        except BufferError:  # zero-copy views still alive in the user's hands: leave the map
            pass
        try:
            os.close(self.fd)
        except OSError:
            pass
