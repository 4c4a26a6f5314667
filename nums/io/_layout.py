"""Block shapes of arrays read from chunked formats (HDF5, Zarr)."""

from __future__ import annotations


def chunk_aligned(block_shape: tuple, chunks: tuple | None, shape: tuple) -> tuple:
    """``block_shape`` rounded to whole chunks along every axis (at least one chunk, at most
    the whole axis), so that no chunk is read, or decompressed, by two tasks."""
    if not chunks:
        return block_shape
    out = []
    for b, c, n in zip(block_shape, chunks, shape):
        b = max(c, int(round(b / c)) * c)
        out.append(max(1, min(b, n)))
    return tuple(out)
