"""The Ray backend: block kernels as Ray tasks, pinned to the node the planner chose.

Nodes are the alive Ray nodes that have CPUs, in a fixed order (by node id), so that node
``k`` of nums is always the same Ray node within a session. Placement uses Ray's node-affinity
scheduling with ``soft=False``: a task runs on its node or fails, never silently elsewhere.
Objects live in Ray's object store and are freed by Ray's reference counting when the last
ObjectRef is dropped, as on the embedded runtime.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from nums.core.backend.base import METRIC_KEYS, Backend, float_error_settings, under_errstate

INSTALL_HINT = ("the ray backend needs Ray and grpcio: pip install -e \".[ray]\" in the nums "
                "checkout")


def _import_ray():
    try:
        import ray
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(INSTALL_HINT) from e
    return ray


def _identity(value: Any) -> Any:
    return value


def _apply(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run a callable that is not a plain function (a ufunc, a partial) in a task."""
    return fn(*args, **kwargs)


class RayBackend(Backend):
    """Backend on Ray.

    Parameters
    ----------
    address : str, optional
        ``None`` starts a local Ray; ``"auto"``, ``"host:port"`` or ``"ray://host:port"`` joins
        a running cluster. If Ray is already initialised in this process, that session is used
        and left running at shutdown.
    num_cpus : int, optional
        CPUs of a local Ray started here (default: all).
    """

    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None):
        ray = _import_ray()
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        self._ray = ray
        self._affinity = NodeAffinitySchedulingStrategy
        self._owns = not ray.is_initialized()
        if self._owns:
            kwargs: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": True,
                "configure_logging": False,
            }
            if address is None and num_cpus is not None:
                kwargs["num_cpus"] = num_cpus
            ray.init(address=address, **kwargs)
        alive = [n for n in ray.nodes() if n.get("Alive") and n["Resources"].get("CPU", 0) > 0]
        if not alive:
            raise RuntimeError("the Ray cluster has no alive node with CPUs")
        alive.sort(key=lambda n: n["NodeID"])
        self._nodes = alive
        self._strategies = [self._affinity(node_id=n["NodeID"], soft=False) for n in alive]
        self._remote_cache: dict[Any, Any] = {}
        self._tasks_run = [0] * len(alive)
        self._identity = ray.remote(_identity)
        self._apply = ray.remote(_apply)

    # ------------------------------------------------------------------ tasks and objects
    def _remote(self, fn: Callable) -> Any:
        try:
            r = self._remote_cache.get(fn)
        except TypeError:  # unhashable callable
            return None
        if r is None and inspect.isfunction(fn):
            r = self._remote_cache[fn] = self._ray.remote(fn)
        return r

    def submit(
        self,
        fn: Callable,
        args: Sequence[Any] = (),
        kwargs: dict | None = None,
        node: int = 0,
        num_returns: int = 1,
    ) -> Any:
        node = int(node)
        self._tasks_run[node] += 1
        errs = float_error_settings()
        if errs is not None:
            fn, args = under_errstate, (errs, fn, *args)
        remote = self._remote(fn)
        if remote is None:  # ray.remote takes plain functions only
            remote, args = self._apply, (fn, *args)
        opts = remote.options(scheduling_strategy=self._strategies[node], num_returns=num_returns)
        return opts.remote(*args, **(kwargs or {}))

    def put(self, value: Any, node: int = 0) -> Any:
        node = int(node)
        if len(self._nodes) == 1 or self._nodes[node]["NodeID"] == self._driver_node_id():
            return self._ray.put(value)
        # ray.put stores on the driver's node: let a task on ``node`` own the value instead
        self._tasks_run[node] += 1
        return self._identity.options(scheduling_strategy=self._strategies[node]).remote(value)

    def _driver_node_id(self) -> str:
        return self._ray.get_runtime_context().get_node_id()

    def get(self, refs: Any) -> Any:
        if isinstance(refs, tuple):
            refs = list(refs)
        return self._ray.get(refs)

    def wait(self, refs: Sequence[Any]) -> None:
        refs = list({id(r): r for r in refs}.values())
        if refs:
            self._ray.wait(refs, num_returns=len(refs), fetch_local=False)

    def wait_some(self, refs: Sequence[Any], timeout: float) -> tuple[list, list]:
        refs = list(refs)
        return self._ray.wait(refs, num_returns=len(refs), timeout=timeout, fetch_local=False)

    # ------------------------------------------------------------------ cluster
    def capacity_bytes(self) -> tuple[int, int] | None:
        """The cluster's object store memory, and the free disk of this machine's temp
        folder, where a local Ray spills (remote nodes' disks are not known here)."""
        import shutil
        import tempfile
        ray = _import_ray()
        try:
            memory = int(ray.cluster_resources().get("object_store_memory", 0))
            disk = shutil.disk_usage(tempfile.gettempdir()).free
        except Exception:  # noqa: BLE001 - no figure: no check
            return None
        return (memory, disk) if memory else None

    def nodes(self) -> list[dict]:
        return [
            {
                "node": i,
                "workers": int(n["Resources"].get("CPU", 1)),
                "node_id": n["NodeID"],
                "address": n["NodeManagerAddress"],
            }
            for i, n in enumerate(self._nodes)
        ]

    def node_id(self, node: int) -> str:
        """Ray's id of nums node ``node``."""
        return self._nodes[node]["NodeID"]

    def metrics(self) -> list[dict]:
        """Per node: what Ray can tell, ``None`` for what it cannot.

        ``store_bytes`` is the node's object store usage as its raylet reports it (None if the
        raylet cannot be asked); ``tasks_run`` counts the tasks this backend submitted to the
        node. Ray does not report a peak nor bytes moved between nodes, so ``peak_store_bytes``,
        ``bytes_sent`` and ``bytes_received`` are None; ``unavailable`` lists them.
        """
        out = []
        for i, n in enumerate(self._nodes):
            used = self._store_bytes_used(n)
            m = dict.fromkeys(METRIC_KEYS)
            m.update(node=i, store_bytes=used, tasks_run=self._tasks_run[i], node_id=n["NodeID"])
            m["unavailable"] = [k for k in METRIC_KEYS if m[k] is None]
            out.append(m)
        return out

    @staticmethod
    def _store_bytes_used(node: dict) -> int | None:
        try:
            from ray._private.internal_api import node_stats

            reply = node_stats(
                node["NodeManagerAddress"], node["NodeManagerPort"], include_memory_info=False
            )
            return int(reply.store_stats.object_store_bytes_used)
        except Exception:  # noqa: BLE001 - a private API of Ray: report unknown, not a guess
            return None

    def shutdown(self) -> None:
        self._remote_cache.clear()
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()
