"""The interface every backend implements.

A backend stores objects and runs kernels. An object reference (a "ref") is opaque to the
array layer: it is passed back to ``submit`` as an argument, to ``get`` and to ``wait``.
Top-level ref arguments of a task are resolved to their values before the kernel runs
(numpy arrays arrive read-only); refs nested in containers are not resolved. An object is
freed when the last ref to it is dropped.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

METRIC_KEYS = (
    "node",
    "store_bytes",
    "peak_store_bytes",
    "bytes_received",
    "bytes_sent",
    "tasks_run",
)


# the module of nums's floating-point recorder, the errcall of its "warn"-as-"call" settings
# (``nums.core.array.fperrors``; named, not imported: the backend sits below the arrays)
_RECORDER_MODULE = "nums.core.array.fperrors"
_NUMPY_DEFAULT_ERR = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}


def float_error_settings() -> dict | None:
    """``np.geterr()`` when the caller changed it (``np.errstate``, ``np.seterr``), else None.

    Tasks submitted meanwhile run under the same settings (:func:`under_errstate`), so a
    division by zero inside ``np.errstate(divide="raise")`` raises FloatingPointError. The
    ``"call"`` and ``"log"`` modes need the driver's callback and raise NotImplementedError.
    """
    settings = np.geterr()
    if settings == _NUMPY_DEFAULT_ERR:
        return None
    if any(v in ("call", "log") for v in settings.values()):
        if getattr(np.geterrcall(), "__module__", None) == _RECORDER_MODULE:
            # NumPy run by nums under its recorder called back into nums (a nums array among
            # its arguments): the recorder's "call" modes stand for the caller's "warn"
            settings = {k: "warn" if v == "call" else v for k, v in settings.items()}
            return None if settings == _NUMPY_DEFAULT_ERR else settings
        raise NotImplementedError(
            f"np.errstate/np.seterr mode 'call' or 'log' ({settings}) does not reach nums "
            "tasks; use 'ignore', 'warn', 'raise' or 'print'")
    return settings


def under_errstate(settings: dict, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` in a task under the driver's floating-point error settings."""
    with np.errstate(**settings):
        return fn(*args, **kwargs)


class Backend(ABC):
    """Submit kernels with a placement, put values, get and wait for results."""

    name: str = "base"
    #: whether the driver reads every block in place in its own memory (``get`` returns
    #: views of a store on this machine that it maps): then it may compute a result that it
    #: returns from the blocks themselves, on its threads, instead of tasks writing blocks
    #: for it to copy (see ``Pending.value_here``)
    blocks_in_driver_memory: bool = False

    @abstractmethod
    def submit(
        self,
        fn: Callable,
        args: Sequence[Any] = (),
        kwargs: dict | None = None,
        node: int = 0,
        num_returns: int = 1,
    ) -> Any:
        """Run ``fn(*args, **kwargs)`` on ``node``; a ref, or a list of ``num_returns`` refs."""

    #: whether ``put`` stores a copy of the value (serialized into a store), so that the
    #: caller may change its array afterwards; the serial backend keeps the object itself
    put_copies: bool = True

    @abstractmethod
    def put(self, value: Any, node: int = 0) -> Any:
        """Store ``value`` on ``node`` and return its ref."""

    @abstractmethod
    def get(self, refs: Any) -> Any:
        """The value of a ref, or a list of values for a list of refs."""

    @abstractmethod
    def wait(self, refs: Sequence[Any]) -> None:
        """Block until every ref is computed and stored."""

    def wait_some(self, refs: Sequence[Any], timeout: float) -> tuple[list, list]:
        """``(ready, pending)``: wait until every ref is computed or ``timeout`` seconds
        passed (progress bars count blocks with it). Default: wait for all."""
        self.wait(refs)
        return list(refs), []

    def free(self, refs: Sequence[Any]) -> None:
        """Hint that ``refs`` are no longer needed. Objects are freed when their last ref is
        dropped, so the default does nothing; the caller must drop its refs too."""
        return None

    @abstractmethod
    def nodes(self) -> list[dict]:
        """One dict per node with at least ``node`` and ``workers``."""

    @abstractmethod
    def metrics(self) -> list[dict]:
        """One dict per node with the keys of :data:`METRIC_KEYS`."""

    def task_events(self, limit: int | None = None) -> list[dict] | None:
        """The most recent finished tasks (at most ``limit``), oldest first: dicts with
        ``name``, ``node``, ``worker``, ``start`` and ``end`` (seconds since the epoch); None
        when the backend cannot tell (the dashboard says so)."""
        return None

    def activity(self) -> list[dict] | None:
        """Per node, what runs now: ``node``, ``queued`` (tasks waiting for a worker) and
        ``workers`` (per worker ``pid``, ``running``, ``queued``, ``task``, ...; see
        ``runtime.activity``); None when the backend cannot tell."""
        return None

    @abstractmethod
    def shutdown(self) -> None:
        """Release every object and stop every process of the backend."""

    ref_types: tuple[type, ...] = ()  # the classes of this backend's object references

    def is_ref(self, value: Any) -> bool:
        """Whether ``value`` is an object reference of this backend (not a value)."""
        return isinstance(value, self.ref_types)

    def capacity_bytes(self) -> tuple[int, int] | None:
        """``(memory, disk)``: the bytes of objects this backend can hold in memory, and what
        it may still spill to disk; None when it cannot tell. Arrays larger than the sum
        raise MemoryError before any task runs (:func:`nums.core.array.capacity.check_fits`).
        """
        return None

    def payload_bytes(self, shape: tuple[int, ...], dtype: Any) -> int:
        """Bytes the backend counts for a block of ``shape`` and ``dtype`` (stored, moved).

        The planner's size model (:mod:`nums.core.graph`). Default: the data bytes.
        """
        return math.prod(shape) * np.dtype(dtype).itemsize

    def num_nodes(self) -> int:
        return len(self.nodes())

    def num_workers(self) -> int:
        return max(1, sum(int(n.get("workers", 1)) for n in self.nodes()))
