"""The process-wide current context: the driver in the user's process, a client in a worker.

Both kinds implement the same methods (``submit``, ``put``, ``get``, ``wait``, ``incref``,
``decref``, ...), so ``ObjectRef`` and the public API do not care where they run.
"""

from __future__ import annotations

from typing import Any

from .errors import NotInitializedError

current: Any = None


def get_context() -> Any:
    """The active context; raises NotInitializedError when there is none."""
    if current is None:
        raise NotInitializedError("the runtime is not initialised: call runtime.init() first")
    return current
