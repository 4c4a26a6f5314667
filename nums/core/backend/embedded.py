"""The embedded backend: tasks on the ``runtime`` package's workers and object stores."""

from __future__ import annotations

import functools
import math
import pickle
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.backend.base import Backend, float_error_settings, under_errstate


@functools.lru_cache(maxsize=4096)
def _header_bytes(shape: tuple[int, ...], dtype: np.dtype) -> int:
    # the in-band part of a C-contiguous array pickled with out-of-band buffers (protocol 5),
    # as runtime.serialization stores it; np.empty does not touch the data pages
    return len(pickle.dumps(np.empty(shape, dtype), protocol=5, buffer_callback=lambda b: None))


class EmbeddedBackend(Backend):
    """Backend on the embedded runtime (``import runtime``)."""

    name = "embedded"
    blocks_in_driver_memory = True  # the runtime's stores are on this machine, mapped here

    def __init__(self, num_nodes: int = 1, workers_per_node: int | None = None,
                 object_store_bytes: int | None = None, spill_dir: str | None = None,
                 task_retries: int = 3):
        import runtime as rt

        self._rt = rt
        self.ref_types = (rt.ObjectRef,)
        if rt.is_initialized():
            if object_store_bytes is not None or spill_dir is not None:
                raise RuntimeError("the runtime is already running (runtime.init set its store "
                                   "size and spill folder); call runtime.shutdown() first or "
                                   "leave object_store_bytes and spill_dir unset")
            self._owns_runtime = False
        else:
            rt.init(num_nodes=num_nodes, workers_per_node=workers_per_node,
                    object_store_bytes=object_store_bytes, spill_dir=spill_dir)
            self._owns_runtime = True
        self._remote_cache: dict[Any, Any] = {}
        self._nodes = rt.nodes()
        self._retries = task_retries

    def _remote(self, fn: Callable) -> Any:
        try:
            return self._remote_cache[fn]
        except KeyError:
            remote = self._rt.remote(fn)
            self._remote_cache[fn] = remote
            return remote
        except TypeError:  # unhashable callable
            return self._rt.remote(fn)

    def submit(
        self,
        fn: Callable,
        args: Sequence[Any] = (),
        kwargs: dict | None = None,
        node: int = 0,
        num_returns: int = 1,
    ) -> Any:
        errs = float_error_settings()
        if errs is not None:
            fn, args = under_errstate, (errs, fn, *args)
        remote = self._remote(fn).options(node=int(node), num_returns=num_returns,
                                          max_retries=self._retries)
        return remote.remote(*args, **(kwargs or {}))

    def payload_bytes(self, shape: tuple[int, ...], dtype: Any) -> int:
        """Data bytes plus the pickle header the runtime stores with an array (its ``size``)."""
        return _header_bytes(tuple(shape), np.dtype(dtype)) + math.prod(shape) * np.dtype(
            dtype
        ).itemsize

    def put(self, value: Any, node: int = 0) -> Any:
        return self._rt.put(value, node=int(node))

    def get(self, refs: Any) -> Any:
        if isinstance(refs, tuple):
            refs = list(refs)
        return self._rt.get(refs)

    def wait(self, refs: Sequence[Any]) -> None:
        refs = list({id(r): r for r in refs}.values())  # a ref may appear twice
        if refs:
            self._rt.wait(refs, num_returns=len(refs))

    def wait_some(self, refs: Sequence[Any], timeout: float) -> tuple[list, list]:
        refs = list(refs)
        return self._rt.wait(refs, num_returns=len(refs), timeout=timeout)

    def nodes(self) -> list[dict]:
        return self._nodes

    def capacity_bytes(self) -> tuple[int, int]:
        """The nodes' stores, and the room left in the spill folder (asked each time)."""
        nodes = self._rt.nodes()
        return (sum(n["store_capacity"] for n in nodes),
                nodes[0].get("spill_free_bytes", 0) if nodes else 0)

    def metrics(self) -> list[dict]:
        return self._rt.metrics()

    def task_events(self, limit: int | None = None) -> list[dict]:
        """The runtime's log of finished tasks (``runtime.task_events``)."""
        return self._rt.task_events(limit)

    def activity(self) -> list[dict]:
        """Running and queued tasks per worker (``runtime.activity``)."""
        return self._rt.activity()

    def shutdown(self) -> None:
        self._remote_cache.clear()
        if self._owns_runtime and self._rt.is_initialized():
            self._rt.shutdown()
