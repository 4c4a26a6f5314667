"""The Ray backend: block kernels as Ray tasks, pinned to the node the planner chose.

Nodes are the alive Ray nodes that have CPUs, in a fixed order (by node id), so that node
``k`` of nums is always the same Ray node within a session. Placement uses Ray's node-affinity
scheduling with ``soft=False``: a task runs on its node or fails, never silently elsewhere.
Objects live in Ray's object store and are freed by Ray's reference counting when the last
ObjectRef is dropped, as on the embedded runtime.

Warnings: every task runs through :func:`_run`, which records the warnings its kernel raises;
a value whose task warned is stored wrapped with them (:class:`_Warned`). Tasks that read it
unwrap it and carry its warnings on, and ``get`` unwraps it and raises them again in the
caller (same category and message, as the embedded runtime does).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from nums.core.backend.base import METRIC_KEYS, Backend, float_error_settings, under_errstate
from runtime import malloc
from runtime.serialization import task_arguments

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


class _Warned:
    """A task's value with the warnings raised while making it (``describe_warnings``)."""

    __slots__ = ("value", "warned")

    def __init__(self, value: Any, warned: list):
        self.value, self.warned = value, warned

    def __reduce__(self):
        return (_Warned, (self.value, self.warned))


def _unwrap(value: Any, warned: list) -> Any:
    if isinstance(value, _Warned):
        warned.extend(w for w in value.warned if w not in warned)
        return value.value
    return value


def _run(fn: Callable, num_returns: int, *args: Any, **kwargs: Any) -> Any:
    """Every task: ``fn(*args, **kwargs)`` with its arguments' warnings carried on and its
    own recorded (see the module docstring)."""
    from runtime.errors import describe_warnings

    warned: list = []
    args = [_unwrap(a, warned) for a in args]
    kwargs = {k: _unwrap(v, warned) for k, v in kwargs.items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # the caller's filters decide, not ours
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:  # its warnings go with its error (NumPy warns of what it
            # met before the error it raises): ``get`` raises them before the error
            exc._nums_warned = warned + [w for w in describe_warnings(caught)
                                         if w not in warned]
            raise
    for w in describe_warnings(caught):
        if w not in warned:
            warned.append(w)
    if not warned:
        return value
    if num_returns == 1:
        return _Warned(value, warned)
    values = list(value)
    values[0] = _Warned(values[0], warned) if values else values
    return tuple(values)


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
    task_retries : int
        Ray's ``max_retries`` of every task (a task whose worker dies runs again).
    """

    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None,
                 task_retries: int = 3):
        ray = _import_ray()
        malloc.tune()  # driver-resident arrays are computed in this process
        self._retries = task_retries
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        self._ray = ray
        self.ref_types = (ray.ObjectRef,)
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
        self._tasks_run = [0] * len(alive)
        self._identity = ray.remote(_identity)
        self._run = ray.remote(_run)

    # ------------------------------------------------------------------ tasks and objects
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
        opts = self._run.options(scheduling_strategy=self._strategies[node],
                                 num_returns=num_returns, max_retries=self._retries)
        with task_arguments():  # (Ray pickles them here: see BlockArray.__reduce_ex__)
            return opts.remote(fn, num_returns, *args, **(kwargs or {}))

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
        try:
            values = self._ray.get(refs)
        except Exception as exc:  # a task's error: the warnings its task met first
            from runtime.errors import reissue_warnings

            reissue_warnings(getattr(getattr(exc, "cause", None), "_nums_warned", []))
            raise
        warned: list = []
        if isinstance(refs, list):
            values = [_unwrap(v, warned) for v in values]
        else:
            values = _unwrap(values, warned)
        if warned:
            from runtime.errors import reissue_warnings

            reissue_warnings(warned)
        return values

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
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()
