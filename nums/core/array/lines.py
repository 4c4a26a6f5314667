"""Functions of whole lines along one axis (FFTs, ``np.unwrap``, ``packbits``), computed
without laying the input out again first.

Each block of the result holds whole lines along the axis (:func:`whole_axis_blocks`). Its
task reads the rows of the input it covers where they lie: a part of one input block is
sliced inside the task, a pending elementwise expression (``np.fft.rfft(frames *
window)``) is computed there a chunk of rows at a time (:func:`kernels.lines`), and only
rows spread over several blocks are assembled first. A transform thus reads its input
once and stores no rechunked copy of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, local_value, submit
from nums.core.array.fusion import region_part, take_for_regions
from nums.core.array.relayout import rechunk, whole_axis_blocks
from nums.core.graph.grid import ArrayGrid


def along_axis(x: BlockArray, axis: int, out_len: int | None, dtype: np.dtype, fn: Callable,
               args: tuple = (), kwargs: dict | None = None, name: str = "lines"
               ) -> BlockArray:
    """``fn(lines, *args, **kwargs)`` over the lines of ``x`` along ``axis`` (``fn`` gets
    an array of whole lines, its other axes any part of ``x``'s, and returns the same rows
    with ``out_len`` along ``axis``, or without ``axis`` when ``out_len`` is None), as an
    array of ``dtype``. ``fn`` must be picklable."""
    src_blocks = whole_axis_blocks(x, axis, dtype, x.shape[axis] if out_len is None
                                   else out_len)
    if local_value(x) is not None or x.size == 0:
        x = rechunk(x, src_blocks)  # (in the driver: the blocks are its value's parts)
    shape, block_shape = list(x.shape), list(src_blocks)
    if out_len is None:
        del shape[axis], block_shape[axis]
    else:
        shape[axis], block_shape[axis] = out_len, max(1, out_len)
    grid = ArrayGrid(tuple(shape), tuple(block_shape), dtype)
    fused = take_for_regions(x)
    whole = slice(0, x.shape[axis])
    kwargs = kwargs or {}

    def reads(idx: tuple[int, ...]) -> list:
        sl = list(grid.block_slices(idx))
        if out_len is None:
            sl.insert(axis, whole)
        else:
            sl[axis] = whole
        return [(x, sl)]

    def task(idx: tuple[int, ...], node: int) -> Any:
        part, refs = region_part(x, fused, reads(idx)[0][1], node)
        return submit(kernels.lines, fn, axis, grid.block_shape_at(idx), dtype, args, kwargs,
                      part, *refs, node=node)

    return BlockArray.build(grid, task, reads=reads, name=name)
