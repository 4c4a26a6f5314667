"""Printing BlockArrays as numpy prints them, fetching only the edges of large arrays."""

from __future__ import annotations

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, backend, submit


def _edge_indices(n: int, summarise: bool, edge: int = 3) -> list[int]:
    if not summarise or n <= 2 * edge:
        return list(range(n))
    return list(range(edge)) + [n // 2] + list(range(n - edge, n))


def printable(x: BlockArray) -> tuple[np.ndarray, bool]:
    """Values to print: the whole array, or only its edges when numpy would summarise."""
    threshold = np.get_printoptions()["threshold"]
    summarise = x.size > threshold
    if not summarise:
        return x.get(), False
    wanted = [_edge_indices(n, True) for n in x.shape]
    out = np.empty(tuple(len(w) for w in wanted), dtype=x.dtype)
    refs, targets = [], []
    for idx in x.grid.indices():
        slices = x.grid.block_slices(idx)
        local, pos = [], []
        for w, s in zip(wanted, slices):
            sel = [(j, i - s.start) for j, i in enumerate(w) if s.start <= i < s.stop]
            local.append([loc for _, loc in sel])
            pos.append([j for j, _ in sel])
        if all(local):
            refs.append(submit(kernels.take_ix, x.blocks[idx], local, node=int(x.nodes[idx])))
            targets.append(pos)
    for pos, value in zip(targets, backend().get(refs)):
        out[np.ix_(*pos)] = value
    return out, True


def to_str(x: BlockArray) -> str:
    """``str(x)`` as numpy's."""
    values, summarised = printable(x)
    return np.array2string(values, threshold=0 if summarised else 10**18)


def to_repr(x: BlockArray) -> str:
    """``repr(x)``: numpy's with the block layout."""
    values, summarised = printable(x)
    body = np.array2string(
        values, separator=", ", prefix="BlockArray(", threshold=0 if summarised else 10**18
    )
    dtype = "" if x.dtype in (np.float64, np.int64, np.bool_) else f", dtype={x.dtype}"
    return f"BlockArray({body}{dtype}, block_shape={x.block_shape}, grid_shape={x.grid_shape})"
