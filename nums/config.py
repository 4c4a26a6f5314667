"""Settings of a nums session.

Every setting is an argument of :func:`nums.init`; an environment variable of the same name
in upper case with the ``NUMS_`` prefix gives its default (``NUMS_BACKEND``,
``NUMS_NUM_NODES``, ``NUMS_WORKERS_PER_NODE``, ``NUMS_CLUSTER_SHAPE``, ``NUMS_BLOCK_BYTES``,
``NUMS_ADDRESS``, ``NUMS_OPTIMIZER``, ``NUMS_OBJECT_STORE_BYTES``, ``NUMS_SPILL_DIR``,
``NUMS_PROGRESS``, ``NUMS_PROGRESS_DELAY``, ``NUMS_LOCAL_BYTES``, ``NUMS_DASHBOARD``,
``NUMS_DASHBOARD_PORT``).

On the ray backend the nodes are those of the Ray cluster: ``num_nodes`` and, unless given,
``cluster_shape`` are left open here (0 and ``()``) and filled in when the backend starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

BACKENDS = ("serial", "embedded", "ray")
OPTIMIZERS = ("tree", "cyclic")
DEFAULT_BLOCK_BYTES = 64 * 2**20
# arrays of at most this many bytes (and one block) live in the driver as numpy arrays
# (nums.core.array.resident); measured in asv_bench/benchmarks/bench_small.py, see
# docs/small_arrays.md
DEFAULT_LOCAL_BYTES = 64 * 2**20  # = DEFAULT_BLOCK_BYTES: every one-block array


@dataclass(frozen=True)
class Settings:
    """Resolved settings of a session (see :func:`nums.init`)."""

    backend: str = "embedded"
    num_nodes: int = 1
    workers_per_node: int | None = None
    cluster_shape: tuple[int, ...] = (1,)
    block_bytes: int = DEFAULT_BLOCK_BYTES
    address: str | None = None
    optimizer: str = "tree"
    object_store_bytes: int | None = None  # embedded: each node's store (runtime's default)
    spill_dir: str | None = None  # embedded: where objects beyond the store go
    task_retries: int = 3  # times a task is run again when its worker process dies
    progress: bool | None = None  # progress bars: None = when stderr is a terminal
    progress_delay: float = 2.0  # seconds of work before a bar appears
    local_bytes: int = DEFAULT_LOCAL_BYTES  # driver-resident arrays up to this size (0: none)
    dashboard: bool = False  # start nums.dashboard() with the session
    dashboard_port: int = 0  # its port on 127.0.0.1 (0: a free port)


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"environment variable {name}={value!r} is not an integer") from None


def _env_bool(name: str) -> bool | None:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return None
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"environment variable {name}={value!r} is not 0 or 1")


def _parse_shape(value: str | tuple | list | int) -> tuple[int, ...]:
    if isinstance(value, str):
        parts = [p for p in value.replace("(", "").replace(")", "").replace("x", ",").split(",")]
        value = tuple(int(p) for p in parts if p.strip())
    elif isinstance(value, int):
        value = (value,)
    shape = tuple(int(v) for v in value)
    if not shape or any(v < 1 for v in shape):
        raise ValueError(f"cluster_shape must be non-empty positive integers, got {shape}")
    return shape


def _dashboard(dashboard: bool | None, port: int | None) -> tuple[bool, int]:
    if dashboard is None:
        dashboard = bool(_env_bool("NUMS_DASHBOARD"))
    elif not isinstance(dashboard, bool):
        raise TypeError(f"dashboard must be True or False, got {dashboard!r}")
    if port is None:
        port = _env_int("NUMS_DASHBOARD_PORT") or 0
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"dashboard_port must be an int in [0, 65535] (0: a free port), "
                         f"got {port!r}")
    return dashboard, port


def resolve(
    backend: str | None = None,
    num_nodes: int | None = None,
    workers_per_node: int | None = None,
    cluster_shape: tuple[int, ...] | str | None = None,
    block_bytes: int | None = None,
    address: str | None = None,
    optimizer: str | None = None,
    object_store_bytes: int | None = None,
    spill_dir: str | None = None,
    task_retries: int | None = None,
    progress: bool | None = None,
    progress_delay: float | None = None,
    local_bytes: int | None = None,
    dashboard: bool | None = None,
    dashboard_port: int | None = None,
) -> Settings:
    """Merge explicit arguments with ``NUMS_*`` environment variables and defaults."""
    explicit_backend = backend is not None or "NUMS_BACKEND" in os.environ
    if backend is None:
        backend = os.environ.get("NUMS_BACKEND", "embedded")
    backend = backend.strip().lower()
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; valid backends are {BACKENDS}")
    if backend == "embedded" and not explicit_backend:
        try:
            import runtime  # noqa: F401
        except ImportError:
            backend = "serial"
    if num_nodes is None:
        num_nodes = _env_int("NUMS_NUM_NODES")
    if workers_per_node is None:
        workers_per_node = _env_int("NUMS_WORKERS_PER_NODE")
    if cluster_shape is None:
        cluster_shape = os.environ.get("NUMS_CLUSTER_SHAPE") or None
    if block_bytes is None:
        block_bytes = _env_int("NUMS_BLOCK_BYTES") or DEFAULT_BLOCK_BYTES
    if address is None:
        address = os.environ.get("NUMS_ADDRESS") or None
    if optimizer is None:
        optimizer = os.environ.get("NUMS_OPTIMIZER") or "tree"
    optimizer = optimizer.strip().lower()
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; valid optimizers are {OPTIMIZERS}")
    dashboard, dashboard_port = _dashboard(dashboard, dashboard_port)
    if object_store_bytes is None:
        object_store_bytes = _env_int("NUMS_OBJECT_STORE_BYTES")
    if spill_dir is None:
        spill_dir = os.environ.get("NUMS_SPILL_DIR") or None
    if progress is None:
        progress = _env_bool("NUMS_PROGRESS")
    elif not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {progress!r}")
    if progress_delay is None:
        value = os.environ.get("NUMS_PROGRESS_DELAY", "").strip()
        try:
            progress_delay = float(value) if value else 2.0
        except ValueError:
            raise ValueError(f"environment variable NUMS_PROGRESS_DELAY={value!r} is not a "
                             "number of seconds") from None
    progress_delay = float(progress_delay)
    if not progress_delay >= 0:
        raise ValueError(f"progress_delay must be >= 0 seconds, got {progress_delay}")
    if (object_store_bytes is not None or spill_dir is not None) and backend != "embedded":
        raise ValueError("object_store_bytes and spill_dir are settings of backend='embedded', "
                         f"not {backend!r}")
    if object_store_bytes is not None and object_store_bytes < 1:
        raise ValueError(f"object_store_bytes must be >= 1, got {object_store_bytes}")
    if task_retries is None:
        task_retries = _env_int("NUMS_TASK_RETRIES")
    task_retries = 3 if task_retries is None else task_retries
    if isinstance(task_retries, bool) or not isinstance(task_retries, int) or task_retries < 0:
        raise ValueError(f"task_retries must be an int >= 0, got {task_retries!r}")
    if address is not None and backend != "ray":
        raise ValueError(f"address={address!r} is for backend='ray', not {backend!r}")
    if cluster_shape is not None:
        cluster_shape = _parse_shape(cluster_shape)
        prod = 1
        for c in cluster_shape:
            prod *= c
        if num_nodes is None:
            num_nodes = prod
        elif prod != num_nodes:
            raise ValueError(
                f"cluster_shape {cluster_shape} has {prod} nodes but num_nodes is {num_nodes}"
            )
    if local_bytes is None:
        local_bytes = _env_int("NUMS_LOCAL_BYTES")
    local_bytes = DEFAULT_LOCAL_BYTES if local_bytes is None else local_bytes
    if isinstance(local_bytes, bool) or not isinstance(local_bytes, int) or local_bytes < 0:
        raise ValueError(f"local_bytes must be an int >= 0, got {local_bytes!r}")
    if backend == "ray":
        if num_nodes is not None and cluster_shape is None:
            raise ValueError("on the ray backend the nodes are the Ray cluster's: give "
                             "cluster_shape to arrange them, not num_nodes")
        if block_bytes < 1:
            raise ValueError(f"block_bytes must be >= 1, got {block_bytes}")
        return Settings(backend, int(num_nodes or 0), workers_per_node, cluster_shape or (),
                        int(block_bytes), address, optimizer, progress=progress,
                        progress_delay=progress_delay, task_retries=task_retries,
                        dashboard=dashboard, dashboard_port=dashboard_port,
                        local_bytes=local_bytes)
    if num_nodes is None:
        num_nodes = 1
    if num_nodes < 1:
        raise ValueError(f"num_nodes must be >= 1, got {num_nodes}")
    if cluster_shape is None:
        cluster_shape = (num_nodes,)
    if workers_per_node is not None and workers_per_node < 1:
        raise ValueError(f"workers_per_node must be >= 1, got {workers_per_node}")
    if block_bytes < 1:
        raise ValueError(f"block_bytes must be >= 1, got {block_bytes}")
    return Settings(backend, int(num_nodes), workers_per_node, cluster_shape, int(block_bytes),
                    address, optimizer, object_store_bytes, spill_dir,
                    task_retries=task_retries, progress=progress, progress_delay=progress_delay,
                    dashboard=dashboard, dashboard_port=dashboard_port,
                    local_bytes=local_bytes)
