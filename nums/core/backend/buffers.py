"""Where a kernel allocates a large result block, and how it reads many blocks as one.

On the embedded runtime, ``runtime.output_buffer`` places the block directly in the node's
object store, so that returning it from the task costs no copy; elsewhere (serial and Ray
backends, small blocks) it is ``numpy.empty``. A kernel fills the block completely and
returns it whole. A kernel that changes part of an input block asks for the block itself
(:func:`donated`), which it gets when nothing else reads it. A kernel handed many blocks of
one store may read them through one view of the store's segment (:func:`shared_view`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

try:
    from runtime import donated as _donated
    from runtime import output_buffer as _output_buffer
    from runtime.segments import shared_view as _shared_view
    from runtime.segments import writable_alias as _writable_alias
except ImportError:  # pragma: no cover - nums without its runtime
    _output_buffer = _shared_view = _writable_alias = _donated = None


def new_block(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """An uninitialised writable block for a kernel's result."""
    if _output_buffer is None:
        return np.empty(shape, dtype)
    return _output_buffer(shape, dtype)


def in_store() -> bool:
    """Whether :func:`new_block` gives memory of the store (a task of the embedded runtime),
    where a result written there is not copied again; elsewhere (the driver, the serial and
    Ray backends) a kernel's own result costs no copy either."""
    return _output_buffer is not None


def donated(block: np.ndarray, shared: bool = False) -> np.ndarray | None:
    """``block`` (a task's argument) as a writable array over its own memory when the task
    is the only holder of its object (``runtime.donated``: no array, view or other task
    reads it any more), to write in place and return as the task's result; None elsewhere
    (the kernel copies it). ``shared``: the task reads the block among its other arguments
    too, all of them before it writes."""
    if _donated is None:
        return None
    return _donated(block, shared)


def shared_view(blocks: Sequence[np.ndarray], dtype: Any) -> tuple[np.ndarray, list[int]] | None:
    """A read-only array of ``dtype`` over the store segment holding all of ``blocks`` (C
    contiguous, of ``dtype``) and each block's element offset in it; None where they are
    not all in one store segment of the embedded runtime (serial and Ray backends, blocks
    made in this task)."""
    if _shared_view is None:
        return None
    return _shared_view(blocks, dtype)


def numpy_input(block: np.ndarray) -> np.ndarray:
    """``block`` as NumPy's functions that copy read-only arguments (``argmax``, ``argmin``,
    ``bincount``) read it without the copy: a writable alias of a store block of the
    embedded runtime, the block itself elsewhere. Never write through it."""
    if _writable_alias is None:
        return block
    return _writable_alias(block)
