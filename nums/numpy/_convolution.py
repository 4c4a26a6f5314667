"""One-dimensional ``convolve`` and ``correlate``, block by block: each output block reads
the stretch of the longer input it overlaps plus ``len(kernel) - 1`` values on one side (a
halo, from the neighbouring block), and computes its part with NumPy's own ``convolve``
(in ``"full"`` mode, cut to the part: near the input's ends, no products beyond it). The
kernel (the shorter input) goes to every task once as one object. Results equal NumPy's up
to the rounding of the dot products."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, make_grid, submit
from nums.core.array.regions import region
from nums.core.graph.grid import ArrayGrid
from nums.numpy._convert import asarray

_MODES = {"valid": 0, "same": 1, "full": 2, 0: 0, 1: 1, 2: 2}


def _mode(mode: Any) -> int:
    try:
        return _MODES[mode]  # (NumPy's names are lower case: "SAME" is its ValueError)
    except (KeyError, TypeError):
        raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})"
                         ) from None


def _as_1d(x: Any) -> BlockArray:
    x = asarray(x)
    return x[None] if x.ndim == 0 else x


def _full_part(a_part: np.ndarray, lo_pad: int, hi_pad: int, kernel: np.ndarray,
               dtype: np.dtype) -> np.ndarray:
    """Outputs of the full convolution over one stretch of the input, which reaches
    ``lo_pad`` and ``hi_pad`` values beyond the input's ends: the stretch's own full
    convolution, cut to them (near the ends NumPy leaves out the products beyond the input;
    zeros padded there would make NaN of an infinity or NaN of the kernel)."""
    m = len(kernel)
    count = len(a_part) + lo_pad + hi_pad - m + 1
    full = np.convolve(a_part, kernel, "full")
    return full[m - 1 - lo_pad: m - 1 - lo_pad + count].astype(dtype, copy=False)


def _convolve(a: BlockArray, v: BlockArray, mode: int) -> BlockArray:
    """``numpy.convolve(a, v, mode)`` with ``len(a) >= len(v) >= 1``."""
    n, m = a.shape[0], v.shape[0]
    dtype = np.convolve(np.zeros(1, a.dtype), np.zeros(1, v.dtype)).dtype
    start, length = {2: (0, n + m - 1), 1: ((m - 1) // 2, n), 0: (m - 1, n - m + 1)}[mode]
    grid = make_grid((length,), dtype)
    parts = a.grid.grid_shape[0]
    if grid.num_blocks < parts:
        # a result of one block from a split input: as many blocks as the input, each
        # computed next to its stretch of it (a product per kernel entry and output: worth
        # all the workers at sizes where an elementwise result would stay one block)
        grid = make_grid((length,), dtype, block_shape=(max(1, -(-length // parts)),))
    kernel, _ = region(v, [slice(0, m)])
    a_work = a.astype(dtype) if a.dtype != dtype else a

    def task(idx: tuple, node: int) -> Any:
        out = grid.block_slices(idx)[0]
        lo, hi = start + out.start, start + out.stop  # positions in the full output
        first, last = lo - (m - 1), hi  # full[k] reads a[k - m + 1 .. k]
        src = slice(max(first, 0), min(last, n))
        part, _ = region(a_work, [src], node)
        return submit(_full_part, part, src.start - first, last - src.stop, kernel, dtype,
                      node=node)

    return BlockArray.build(
        ArrayGrid((length,), grid.block_shape, dtype), task,
        reads=lambda idx: [(a_work, [slice(max(start + grid.block_slices(idx)[0].start - m + 1,
                                                   0),
                                             min(start + grid.block_slices(idx)[0].stop, n))])],
        name="convolve")


def convolve(a: Any, v: Any, mode: str = "full") -> BlockArray:
    """nums implementation of ``numpy.convolve`` (see the module docstring)."""
    a, v = _as_1d(a), _as_1d(v)
    if a.ndim != 1 or v.ndim != 1:
        np.convolve(np.zeros((1,) * a.ndim), np.zeros((1,) * v.ndim))  # NumPy's error
    if v.shape[0] > a.shape[0]:
        a, v = v, a
    if a.shape[0] == 0:
        raise ValueError("a cannot be empty")
    if v.shape[0] == 0:
        raise ValueError("v cannot be empty")
    return _convolve(a, v, _mode(mode))


def correlate(a: Any, v: Any, mode: str = "valid") -> BlockArray:
    """nums implementation of ``numpy.correlate`` (a convolution with the conjugated ``v``
    reversed; see the module docstring)."""
    u = __import__("nums.numpy", fromlist=["conjugate"])
    a, v = _as_1d(a), _as_1d(v)
    if a.ndim != 1 or v.ndim != 1:
        np.correlate(np.zeros((1,) * a.ndim), np.zeros((1,) * v.ndim))  # NumPy's error
    if a.shape[0] == 0 or v.shape[0] == 0:
        np.correlate(np.zeros(a.shape[0]), np.zeros(v.shape[0]))  # NumPy's error
    mode = _mode(mode)
    swapped = v.shape[0] > a.shape[0]
    if swapped:
        a, v = v, a
    kernel = (u.conjugate(v) if v.dtype.kind == "c" else v)[::-1]
    result = _convolve(a, kernel, mode)
    if not swapped:
        return result
    # correlate(a, v) is correlate(v, a) reversed and conjugated
    flipped = result[::-1]
    return u.conjugate(flipped) if flipped.dtype.kind == "c" else flipped.copy()


__all__ = ["convolve", "correlate"]
