"""The serial backend: every task runs at once in the calling process.

Refs are :class:`SerialRef` wrappers around values. Numpy results are made read-only, as the
embedded runtime's shared-memory store makes them, so a kernel that mutates an input fails
here too. A task's warnings are raised again at the user's line, as the embedded runtime
relays a worker's. Nodes are virtual: they only count tasks and bytes for :func:`nums.metrics`,
and keep a log of the last ``TASK_LOG_MAX`` tasks (:meth:`SerialBackend.task_events`), whose
worker is this process.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.backend.base import Backend
from runtime.errors import warnings_at_caller


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, tuple | list):
        return sum(_nbytes(v) for v in value)
    return 0


def _freeze(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        if value.flags.writeable:
            value = value.view()
            value.flags.writeable = False
        return value
    if isinstance(value, tuple):
        return tuple(_freeze(v) for v in value)
    return value


TASK_LOG_MAX = 10_000  # finished tasks kept for task_events (as the embedded runtime keeps)


class SerialRef:
    """A stored value and the node that holds it."""

    __slots__ = ("value", "node", "__weakref__")

    def __init__(self, value: Any, node: int):
        self.value = value
        self.node = node

    def __repr__(self) -> str:
        return f"SerialRef(node={self.node}, type={type(self.value).__name__})"


class SerialBackend(Backend):
    """In-process backend for debugging and tests."""

    name = "serial"
    ref_types = (SerialRef,)
    put_copies = False  # put keeps the object: callers hand it arrays nobody else holds

    def __init__(self, num_nodes: int = 1):
        self._num_nodes = num_nodes
        self._warned: set = set()  # the tasks' warnings raised since a result was read
        self._stats = [
            {
                "node": i,
                "store_bytes": 0,
                "peak_store_bytes": 0,
                "bytes_received": 0,
                "bytes_sent": 0,
                "tasks_run": 0,
            }
            for i in range(num_nodes)
        ]
        self._log: deque = deque(maxlen=TASK_LOG_MAX)  # (name, node, start, end)
        self._running: list[str | None] = [None] * num_nodes  # the task each node runs now
        self._lock = threading.Lock()  # the log is read from other threads (the dashboard)

    def _check_node(self, node: int) -> int:
        node = int(node)
        if not 0 <= node < self._num_nodes:
            raise ValueError(f"node {node} out of range for {self._num_nodes} nodes")
        return node

    def _store(self, value: Any, node: int) -> SerialRef:
        value = _freeze(value)
        ref = SerialRef(value, node)
        size = _nbytes(value)
        if size:
            stats = self._stats[node]
            stats["store_bytes"] += size
            stats["peak_store_bytes"] = max(stats["peak_store_bytes"], stats["store_bytes"])
            weakref.finalize(ref, _release, stats, size)
        return ref

    def _resolve(self, arg: Any, node: int) -> Any:
        if isinstance(arg, SerialRef):
            if arg.node != node:
                size = _nbytes(arg.value)
                self._stats[arg.node]["bytes_sent"] += size
                self._stats[node]["bytes_received"] += size
            return arg.value
        return arg

    def submit(
        self,
        fn: Callable,
        args: Sequence[Any] = (),
        kwargs: dict | None = None,
        node: int = 0,
        num_returns: int = 1,
    ) -> Any:
        node = self._check_node(node)
        args = [self._resolve(a, node) for a in args]
        kwargs = {k: self._resolve(v, node) for k, v in (kwargs or {}).items()}
        name = getattr(fn, "__qualname__", None) or type(fn).__name__
        self._running[node] = name
        start = time.time()
        try:
            # as the runtime relays a worker's warnings: each distinct one once until a
            # result is read (the blocks of one operation, as NumPy's one call)
            with warnings_at_caller(on_error=True, seen=self._warned):
                result = fn(*args, **kwargs)
        finally:
            self._running[node] = None
            with self._lock:
                self._log.append((name, node, start, time.time()))
        self._stats[node]["tasks_run"] += 1
        if num_returns == 1:
            return self._store(result, node)
        result = tuple(result)
        if len(result) != num_returns:
            raise ValueError(f"task returned {len(result)} values, expected {num_returns}")
        return [self._store(r, node) for r in result]

    def put(self, value: Any, node: int = 0) -> SerialRef:
        return self._store(value, self._check_node(node))

    def get(self, refs: Any) -> Any:
        self._warned.clear()
        if isinstance(refs, list | tuple):
            return [r.value for r in refs]
        return refs.value

    def wait(self, refs: Sequence[Any]) -> None:
        self._warned.clear()

    def nodes(self) -> list[dict]:
        return [{"node": i, "workers": 1} for i in range(self._num_nodes)]

    def capacity_bytes(self) -> tuple[int, int] | None:
        """This process's memory: the machine's RAM and swap (blocks are NumPy arrays here)."""
        total = 0
        try:
            with open("/proc/meminfo") as f:
                for line in f:
                    if line.startswith(("MemTotal:", "SwapTotal:")):
                        total += int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            return None
        return (total, 0) if total else None

    def metrics(self) -> list[dict]:
        return [dict(s) for s in self._stats]

    def task_events(self, limit: int | None = None) -> list[dict]:
        """The most recent tasks (at most ``limit``), oldest first; ``worker`` is this
        process's pid (every task runs here, at once)."""
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be >= 0 or None, got {limit}")
        with self._lock:
            entries = list(self._log)
        if limit is not None:
            entries = entries[len(entries) - limit:] if limit else []
        pid = os.getpid()
        return [{"name": name, "node": node, "worker": pid, "start": start, "end": end}
                for name, node, start, end in entries]

    def activity(self) -> list[dict]:
        """Per node one worker, this process: it runs a task while ``submit`` calls it, and
        nothing is ever queued."""
        pid = os.getpid()
        out = []
        for n, task in enumerate(list(self._running)):
            out.append({"node": n, "alive": True, "queued": 0,
                        "workers": [{"pid": pid, "actor": None, "running": int(task is not None),
                                     "queued": 0, "blocked": False, "task": task}]})
        return out

    def shutdown(self) -> None:
        return None


def _release(stats: dict, size: int) -> None:
    stats["store_bytes"] -= size
