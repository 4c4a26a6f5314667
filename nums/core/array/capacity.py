"""Whether an array fits the session: NumPy's MemoryError before any task, not a full disk."""

from __future__ import annotations

import math

import numpy as np

from nums.core import context

CHECK_FITS_ABOVE = 1 << 28  # arrays larger than this are checked against the capacity


def _unable_to_allocate(shape: tuple[int, ...], dtype: np.dtype) -> str:
    """NumPy's own message for an allocation that fails (read from the installed NumPy)."""
    nbytes = math.prod(shape) * dtype.itemsize
    try:
        from numpy._core._exceptions import _ArrayMemoryError
        return str(_ArrayMemoryError(shape, dtype))
    except Exception:  # noqa: BLE001 - a NumPy without it: the same sentence in bytes
        return (f"Unable to allocate {nbytes} bytes for an array with shape {shape} and "
                f"data type {dtype}")


def _size_text(nbytes: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if nbytes < 1024 or unit == "PiB":
            return f"{nbytes:.3g} {unit}" if unit != "bytes" else f"{int(nbytes)} bytes"
        nbytes /= 1024
    return ""  # unreachable


def check_fits(shape: tuple[int, ...], dtype: np.dtype) -> None:
    """Raise NumPy's MemoryError, before any task runs, for an array larger than what the
    session can hold: its object stores plus what it may still spill to disk (as the
    backend tells it); ``np.zeros(10**12)`` would otherwise fill blocks until the disk is
    full."""
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes <= CHECK_FITS_ABOVE:
        return
    if nbytes > np.iinfo(np.intp).max:  # beyond any array, as NumPy says
        raise ValueError("array is too big; `arr.size * arr.dtype.itemsize` is larger than "
                         "the maximum possible size.")
    capacity = context.get().backend.capacity_bytes()
    if capacity is None:
        return
    memory, disk = capacity
    if nbytes > memory + disk:
        raise MemoryError(
            f"{_unable_to_allocate(shape, dtype)} (nums: this session holds "
            f"{_size_text(memory)} in memory and may spill {_size_text(disk)} more to disk)")
