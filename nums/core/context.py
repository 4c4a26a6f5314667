"""The process-wide session: settings plus the running backend.

``get()`` starts a session with default settings on first use; :func:`nums.init` starts one
explicitly and :func:`nums.shutdown` ends it.
"""

from __future__ import annotations

import dataclasses
import sys
import threading

from nums.config import Settings, resolve
from nums.core.backend.base import Backend


class Context:
    """A running session: its settings and its backend."""

    def __init__(self, settings: Settings, backend: Backend):
        self.settings = settings
        self.backend = backend

    @property
    def num_workers(self) -> int:
        return self.backend.num_workers()

    def node_of(self, grid_index: tuple[int, ...]) -> int:
        """Block-cyclic node of a grid entry over the cluster shape."""
        from nums.core.graph.grid import cyclic_node

        return cyclic_node(grid_index, self.settings.cluster_shape)


_lock = threading.RLock()
_current: Context | None = None
# called with each new session, after it started (nums.dashboard sets it: a service of a
# higher layer, given as data)
SESSION_STARTED: list = []


def _make_backend(settings: Settings) -> Backend:
    if settings.backend == "ray":
        from nums.core.backend.ray import RayBackend

        return RayBackend(settings.address, task_retries=settings.task_retries)
    if settings.backend == "serial":
        from nums.core.backend.serial import SerialBackend

        return SerialBackend(settings.num_nodes)
    from nums.core.backend.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.num_nodes, settings.workers_per_node,
                           settings.object_store_bytes, settings.spill_dir,
                           task_retries=settings.task_retries)


def init(**kwargs) -> Context:
    global _current
    with _lock:
        settings = resolve(**kwargs)
        if _current is not None:
            shutdown()
        backend = _make_backend(settings)
        _current = Context(_fit_nodes(settings, backend), backend)
        for hook in SESSION_STARTED:
            hook(_current)
        return _current


def _fit_nodes(settings: Settings, backend: Backend) -> Settings:
    """Settings whose nodes are the backend's: a runtime the user had already started, or a
    Ray cluster (one entry of cluster_shape per node unless the user arranged them)."""
    n = backend.num_nodes()
    shape = settings.cluster_shape
    if settings.backend == "ray" and shape:
        prod = 1
        for c in shape:
            prod *= c
        if prod != n:
            backend.shutdown()
            raise ValueError(f"cluster_shape {shape} has {prod} nodes but the Ray cluster has "
                             f"{n} alive nodes with CPUs")
        return dataclasses.replace(settings, num_nodes=n)
    if n != settings.num_nodes or not shape:
        return dataclasses.replace(settings, num_nodes=n, cluster_shape=(n,))
    return settings


def get() -> Context:
    with _lock:
        if _current is None:
            return init(**IN_TASK_SETTINGS) if in_task() else init()
        return _current


# A session started inside a task: user code that a task runs (the function given to
# apply_along_axis, piecewise, vectorize, ...) and that calls nums.numpy on the NumPy data it
# is given computes in this process with NumPy (every array one driver-resident block), as
# that code does under ``import numpy as np``: it starts no workers of its own.
IN_TASK_SETTINGS = {"backend": "serial", "num_nodes": 1, "block_bytes": 1 << 50,
                    "local_bytes": 1 << 50, "progress": False, "dashboard": False}


def in_task() -> bool:
    """Whether this process is a worker running tasks of a session (the embedded runtime's or
    Ray's), rather than a user's process."""
    runtime = sys.modules.get("runtime")
    if runtime is not None and runtime.in_worker():
        return True
    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        try:
            return ray.get_runtime_context().worker.mode == ray.WORKER_MODE
        except AttributeError:  # a Ray without these: assume the driver
            return False
    return False


def is_initialized() -> bool:
    return _current is not None


def current() -> Context | None:
    """The running session, or None (never starts one)."""
    return _current


def shutdown() -> None:
    global _current
    with _lock:
        if _current is not None:
            ctx, _current = _current, None
            ctx.backend.shutdown()
