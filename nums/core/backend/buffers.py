"""Where a kernel allocates a large result block.

On the embedded runtime, ``runtime.output_buffer`` places the block directly in the node's
object store, so that returning it from the task costs no copy; elsewhere (serial and Ray
backends, small blocks) it is ``numpy.empty``. A kernel fills the block completely and
returns it whole.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:
    from runtime import output_buffer as _output_buffer
except ImportError:  # pragma: no cover - nums without its runtime
    _output_buffer = None


def new_block(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """An uninitialised writable block for a kernel's result."""
    if _output_buffer is None:
        return np.empty(shape, dtype)
    return _output_buffer(shape, dtype)
