"""Kernels of advanced indexing (:mod:`nums.core.array.advanced`): plain functions of numpy
blocks, run inside tasks; they never write to their inputs.

A selection of integer-array indexing is held as one array of *linear* indices ``lin``: the
position of each selected element in C order over the indexed axes ``dims`` (the axes the
index arrays address). ``-1`` marks an index that is out of bounds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nums.core.backend.buffers import new_block


def linear_index(*indices: np.ndarray, sizes: Sequence[int | None],
                 strides: Sequence[int]) -> np.ndarray:
    """The linear index of broadcast ``indices``: ``sum(i_j * strides[j])`` after numpy's
    normalisation of negative entries (for ``sizes[j]`` not None); ``-1`` where an index is
    out of bounds."""
    total = np.zeros((), dtype=np.int64)
    bad = np.zeros((), dtype=bool)
    for idx, n, stride in zip(indices, sizes, strides):
        v = np.asarray(idx, dtype=np.int64)
        if n is not None:
            v = np.where(v < 0, v + n, v)
            bad = bad | (v < 0) | (v >= n)
        total = total + v * stride
    return np.where(bad, -1, total)


def touched_blocks(lin: np.ndarray, dims: tuple, block_shape: tuple,
                   grid_shape: tuple) -> np.ndarray:
    """The sorted linear ids (over ``grid_shape``) of the blocks ``lin`` reads, or ``[-1]``
    when an index is out of bounds."""
    lin = np.asarray(lin).reshape(-1)
    if lin.size and lin.min() < 0:
        return np.array([-1], dtype=np.int64)
    return np.unique(block_ids(lin, dims, block_shape, grid_shape))


def block_ids(lin: np.ndarray, dims: tuple, block_shape: tuple, grid_shape: tuple) -> np.ndarray:
    """Per linear index, the linear id of the block (of ``block_shape``) holding it."""
    if not dims:
        return np.zeros(lin.shape, dtype=np.int64)
    coords = np.unravel_index(lin, dims)
    return np.ravel_multi_index(
        [c // b for c, b in zip(coords, block_shape)], grid_shape).astype(np.int64)


def gather_points(lin: np.ndarray, rest: tuple, dtype, axes: tuple, dims: tuple,
                  block_shape: tuple, grid_shape: tuple, ids: Sequence[int],
                  *blocks: np.ndarray) -> np.ndarray:
    """``out[p, ...] = source[coords(lin[p]), ...]``: for each block ``blocks[k]`` (block
    ``ids[k]`` of the source over the indexed ``axes``), the points of ``lin`` it holds.
    The result has shape ``lin.shape + rest`` (``rest``: the block's other axes)."""
    flat = np.asarray(lin).reshape(-1)
    out = new_block((flat.size,) + tuple(rest), dtype)
    bid = block_ids(flat, dims, block_shape, grid_shape)
    coords = np.unravel_index(flat, dims) if dims else ()
    k = len(axes)
    for sid, block in zip(ids, blocks):
        pos = np.nonzero(bid == sid)[0]
        corner = np.unravel_index(sid, grid_shape) if dims else ()
        local = tuple(c[pos] - int(i) * b for c, i, b in zip(coords, corner, block_shape))
        moved = np.moveaxis(block, axes, tuple(range(k)))
        out[pos] = moved[local]
    return out.reshape(np.shape(lin) + tuple(rest))


def nonzero_from(block: np.ndarray, start: int) -> np.ndarray:
    """The positions of a 1-d block's true entries, offset by ``start``."""
    return np.flatnonzero(block).astype(np.int64) + start


def length(a: np.ndarray) -> int:
    return int(len(a))


def concat_pieces(dtype, spans: Sequence[tuple[int, int]], *pieces: np.ndarray) -> np.ndarray:
    """``concatenate(piece[lo:hi] for each)``: one block of pieces of uneven length."""
    parts = [p[lo:hi] for (lo, hi), p in zip(spans, pieces)]
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)
