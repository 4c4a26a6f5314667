"""``fromiter``: an array from a Python iterable, streamed into the store block by block.

The driver consumes the iterable one block-row at a time (NumPy's own ``fromiter`` converts
each stretch, so conversions and errors are NumPy's) and puts each block on its block-cyclic
node as soon as it is full: the driver never holds more than one block-row. With ``count``
the shape is known and the blocks are the session's default ones (or ``block_shape``);
without it, blocks hold ``block_bytes`` each (what the default gives a large array), and a
result that fits in one block is made as ``asarray`` makes it.
"""

from __future__ import annotations

import builtins
import itertools
import math
import operator
from typing import Any

import numpy as np

from nums.core import context
from nums.core.array.blockarray import (
    BlockArray,
    backend,
    make_grid,
    node_of,
    normalize_shape,
)
from nums.core.graph.grid import ArrayGrid
from nums.numpy._convert import asarray


def _rows(it: Any, n: int, dtype: np.dtype) -> np.ndarray:
    """The next (at most) ``n`` items of ``it`` as NumPy's ``fromiter`` makes them."""
    return np.fromiter(itertools.islice(it, n), dtype)


def _too_short(count: int, got: int) -> ValueError:
    return ValueError(f"iterator too short: Expected {count} but iterator had only {got} items.")


def _put_row(grid: ArrayGrid, i: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Put the blocks of block-row ``i`` of ``grid`` (values ``rows``) on their block-cyclic
    nodes: the refs and nodes of that block-row, shaped ``(1, *grid.grid_shape[1:])``."""
    be = backend()
    shape = (1, *grid.grid_shape[1:])
    blocks = np.empty(shape, dtype=object)
    nodes = np.zeros(shape, dtype=np.int64)
    for local in np.ndindex(shape):
        idx = (i, *local[1:])
        part = np.ascontiguousarray(rows[(slice(None), *grid.block_slices(idx)[1:])])
        nodes[local] = node_of(idx)
        blocks[local] = be.put(part, int(nodes[local]))
    return blocks, nodes


def _assembled(grid: ArrayGrid, block_rows: list) -> BlockArray:
    return BlockArray(grid, np.concatenate([b for b, _ in block_rows]),
                      np.concatenate([n for _, n in block_rows]))


def _known_count(it: Any, count: int, dtype: np.dtype, template: np.ndarray,
                 block_shape: Any) -> BlockArray:
    grid = make_grid((count, *template.shape[1:]), template.dtype, block_shape)
    if grid.num_blocks == 1:
        rows = _rows(it, count, dtype)
        if len(rows) < count:
            raise _too_short(count, len(rows))
        return asarray(rows, block_shape=block_shape)
    block_rows, done = [], 0
    for i in range(grid.grid_shape[0]):
        span = grid.block_slices((i,) + (0,) * (len(grid.shape) - 1))[0]
        rows = _rows(it, span.stop - span.start, dtype)
        done += len(rows)
        if len(rows) < span.stop - span.start:
            raise _too_short(count, done)
        block_rows.append(_put_row(grid, i, rows))
    return _assembled(grid, block_rows)


def _unknown_count(it: Any, dtype: np.dtype, template: np.ndarray,
                   block_shape: Any) -> BlockArray:
    inner = template.shape[1:]
    if block_shape is None:
        row_bytes = max(1, template.dtype.itemsize * math.prod(inner))
        length = max(1, context.get().settings.block_bytes // row_bytes)
        shape_of_blocks = make_grid((length, *inner), template.dtype, (length, *inner))
    else:
        length = normalize_shape(block_shape)[0]
        if length == -1:  # one block along the rows: all of it at once
            return asarray(np.fromiter(it, dtype), block_shape=block_shape)
        shape_of_blocks = make_grid((max(length, 1), *inner), template.dtype, block_shape)
    blocks_shape = shape_of_blocks.block_shape
    length = blocks_shape[0]
    rows = _rows(it, length, dtype)
    if len(rows) < length:  # all of it fits in one block-row
        return asarray(rows, block_shape=block_shape)
    block_rows, total = [], 0
    while len(rows):
        total += len(rows)
        grid = ArrayGrid((total, *inner), blocks_shape, template.dtype)
        block_rows.append(_put_row(grid, len(block_rows), rows))
        rows = _rows(it, length, dtype)
    return _assembled(ArrayGrid((total, *inner), blocks_shape, template.dtype), block_rows)


def fromiter(iter: Any, dtype: Any, count: int = -1, *, like: Any = None,
             block_shape: Any = None) -> BlockArray:
    """nums implementation of ``numpy.fromiter``: the driver consumes the iterable one
    block-row at a time (NumPy's ``fromiter`` converts each stretch) and puts each block into
    the store as soon as it is full, so it never holds more than one block-row. With
    ``count`` the blocks are the default ones for that shape; without, each holds
    ``block_bytes`` (a result that fits in one block is made as ``asarray`` makes it).
    ``like`` is accepted and ignored (the result is a BlockArray); ``block_shape`` is nums'
    own."""
    count = operator.index(count)
    dtype = np.dtype(dtype)
    template = np.fromiter((), dtype)  # NumPy's dtype checks, and the result's dtype and rank
    it = builtins.iter(iter)
    if count == -1:
        return _unknown_count(it, dtype, template, block_shape)
    # below -1: nothing is read (NumPy's behaviour)
    return _known_count(it, max(count, 0), dtype, template, block_shape)


__all__ = ["fromiter"]
