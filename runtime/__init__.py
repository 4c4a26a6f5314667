"""The embedded engine of NumS: tasks, actors and a shared-memory object store.

A small, Ray-like runtime for one machine, optionally split into several virtual nodes::

    import runtime as rt
    rt.init(num_nodes=1)
    @rt.remote
    def add(a, b):
        return a + b
    ref = add.remote(1, rt.put(2))
    assert rt.get(ref) == 3
    rt.shutdown()

This package knows nothing about arrays and never imports ``nums``.
"""

from __future__ import annotations

import atexit
import os
import threading

from . import context
from .api import ActorHandle, donated, get, output_buffer, put, remote, wait
from .errors import (
    ActorDiedError,
    GetTimeoutError,
    NotInitializedError,
    ObjectFreedError,
    ObjectLostError,
    SerializationError,
    ShutdownError,
    TaskError,
    WorkerCrashedError,
)
from .refs import ObjectRef

__all__ = [
    "init", "shutdown", "is_initialized", "in_worker", "remote", "put", "get", "wait", "nodes",
    "metrics", "task_events", "activity",
    "kill_node", "ObjectLostError",
    "output_buffer",
    "donated",
    "ObjectRef", "ActorHandle", "TaskError", "WorkerCrashedError", "ActorDiedError",
    "ObjectFreedError", "GetTimeoutError", "NotInitializedError", "SerializationError",
    "ShutdownError",
]

_init_lock = threading.Lock()


def init(num_nodes: int = 1, workers_per_node: int | None = None,
         object_store_bytes: int | None = None, spill_dir: str | None = None,
         worker_env: dict[str, str] | None = None,
         max_lineage_depth: int | None = None, keep_puts: bool = False,
         prefault_bytes: int | None = None) -> None:
    """Start the runtime: ``num_nodes`` virtual nodes, each with a store and workers.

    Parameters
    ----------
    num_nodes : int
        Virtual nodes on this machine; objects read across nodes are copied and counted.
    workers_per_node : int, optional
        Worker processes per node (default: cores divided by nodes, at least one).
    object_store_bytes : int, optional
        Capacity of each node's store (default: 30% of the machine's memory, divided among
        the nodes). Objects beyond it are spilled to ``spill_dir``.
    spill_dir : str, optional
        The folder under which this session makes its private spill folder (mode 0700,
        files 0600; default: the system temp directory). The session removes it at shutdown,
        at exit and on SIGTERM; after a SIGKILL or a crash, the next session started with
        the same ``spill_dir`` removes it.
    worker_env : dict, optional
        Extra environment variables for worker processes.
    max_lineage_depth : int, optional
        How many tasks back a lost object can be made again from the tasks that made it
        (default 100; 0 keeps no lineage). See :func:`kill_node`.
    keep_puts : bool
        Keep a private copy of every ``put`` value larger than an inline object in the
        driver's memory, so that a put lost with its node or spill file is served again (as
        an inline object) instead of failing with ``ObjectLostError``. Costs that memory.
    prefault_bytes : int, optional
        Bytes at the start of each node's store that the driver and the node's workers fault
        into their page tables in a background thread at start-up, so
        that the first ``put`` and the first task outputs are as fast as later ones: the
        allocator reuses the lowest addresses first. Default: 256 MiB shared among the nodes,
        at most a quarter of a store; 0 turns it off. That memory is in use from start-up.
    """
    from .driver import Driver

    if not isinstance(num_nodes, int) or num_nodes < 1:
        raise ValueError(f"num_nodes must be an int >= 1, got {num_nodes!r}")
    if workers_per_node is not None and (not isinstance(workers_per_node, int)
                                         or workers_per_node < 1):
        raise ValueError(f"workers_per_node must be None or an int >= 1, "
                         f"got {workers_per_node!r}")
    with _init_lock:
        if context.current is not None:
            raise RuntimeError("the runtime is already initialised; call shutdown() first")
        from .lineage import MAX_LINEAGE_DEPTH
        depth = MAX_LINEAGE_DEPTH if max_lineage_depth is None else int(max_lineage_depth)
        context.current = Driver(num_nodes, workers_per_node, object_store_bytes, spill_dir,
                                 worker_env, depth, keep_puts, prefault_bytes)


def is_initialized() -> bool:
    """True between ``init`` and ``shutdown`` (in the driver or inside a task)."""
    return context.current is not None


def in_worker() -> bool:
    """True in a worker process (inside a task or an actor), False in the driver's."""
    return getattr(context.current, "is_worker", False)


def shutdown() -> None:
    """Stop every worker, free every store and remove spilled files; safe to call twice."""
    with _init_lock:
        ctx = context.current
        if ctx is None or not hasattr(ctx, "shutdown"):
            return
        context.current = None
        ctx.shutdown()


def nodes() -> list[dict]:
    """One dict per node: ``node``, ``workers``, ``worker_pids``, ``actors``, ``store_capacity``,
    ``spill_dir`` (the session's spill folder) and ``spill_free_bytes`` (what spilling may
    still write there)."""
    return context.get_context().nodes()


def metrics() -> list[dict]:
    """One dict per node: ``node``, ``store_bytes``, ``peak_store_bytes``, ``bytes_received``,
    ``bytes_sent``, ``tasks_run`` (and ``written_in_place``: objects handed to a task to
    write in place, see :func:`donated`; ``num_objects``, ``spilled_bytes``,
    ``capacity_bytes``).

    Byte counts are payload bytes (pickle header plus buffers) of objects; ``bytes_sent`` and
    ``bytes_received`` count objects copied between nodes.
    """
    return context.get_context().metrics()


def task_events(limit: int | None = None) -> list[dict]:
    """The most recent finished tasks (at most ``limit``; the runtime keeps the last
    ``runtime.tasklog.TASK_LOG_MAX``), oldest first: dicts with ``name``, ``node``,
    ``worker`` (the worker's pid), ``start`` and ``end`` (seconds since the epoch; the run
    time the worker measured, ending when the driver heard of it)."""
    from . import tasklog

    return tasklog.task_events(_driver("task_events"), limit)


def activity() -> list[dict]:
    """What runs now, per node: ``node``, ``alive``, ``queued`` (ready tasks waiting for a
    worker of the node) and ``workers``: per live worker ``pid``, ``actor`` (class name, or
    None for a pool worker), ``running`` (0 or 1), ``queued`` (tasks sent ahead to it),
    ``blocked`` (its task waits in ``get``) and ``task`` (the running task's name)."""
    from . import tasklog

    return tasklog.activity(_driver("activity"))


def _driver(what: str):
    ctx = context.get_context()
    if not hasattr(ctx, "task_log"):
        raise RuntimeError(f"runtime.{what}() is only available in the driver, not in a task")
    return ctx


def kill_node(node: int) -> None:
    """Lose virtual node ``node`` as a cluster loses a machine (for fault-injection tests and
    drills): its workers are killed and every object copy in its store is gone. Its tasks,
    queued and later, run on the other nodes; an object whose only copy was there is made
    again from the task that made it (its lineage, up to ``max_lineage_depth`` tasks back),
    or fails with ``ObjectLostError`` when it was ``put``. The last live node cannot be
    killed."""
    context.get_context().kill_node(node)


def _child_pids() -> list[int]:
    """Pids of the worker processes (for tests)."""
    return context.get_context().child_pids()


def __dir__() -> list[str]:
    """The public names (``__all__``) and the ``errors`` module (``runtime.errors.warn``),
    without the internal modules."""
    return __all__ + ["errors"]


atexit.register(shutdown)
del os
