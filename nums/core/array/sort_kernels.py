"""Kernels of sorting, searching, counting and order statistics (run inside tasks).

Like :mod:`nums.core.array.kernels`: plain functions of numpy blocks, inputs read-only,
no driver state. Order is NumPy's own everywhere (``np.sort``/``np.searchsorted`` compare
NaN, complex NaN and NaT as NumPy does: last), so a kernel never re-implements a comparison.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# ---------------------------------------------------------------------------- sorting


def sort_lanes(block: np.ndarray, axis: int, arg: bool, offset: int, kind: Any) -> np.ndarray:
    """``block`` sorted along ``axis`` (whole in the block), or its argsort plus ``offset``."""
    if arg:
        return np.argsort(block, axis=axis, kind=kind) + np.intp(offset)
    return np.sort(block, axis=axis, kind=kind)


def partition_lanes(block: np.ndarray, kth: Any, axis: int, arg: bool, kind: str
                    ) -> np.ndarray:
    """NumPy's partition (or argpartition) of a block along an axis whole in the block."""
    fn = np.argpartition if arg else np.partition
    return fn(block, kth, axis=axis, kind=kind)


def sort_and_sample(block: np.ndarray, arg: bool, offset: int, nsamples: int,
                    kind: Any) -> tuple:
    """A 1-D block sorted (``(values, global indices or None)``, stable when ``arg``) and
    ``nsamples`` regular samples ``(values, positions in the sorted block)``."""
    if arg:
        order = np.argsort(block, kind="stable")
        values = block[order]
        order += np.intp(offset)
    else:
        order = None
        values = np.sort(block, kind=kind)
    n = values.shape[0]
    k = min(n, nsamples)
    pos = np.unique(np.linspace(0, n - 1, k).round().astype(np.intp)) if k else np.zeros(
        0, np.intp)
    return values, order, (values[pos], pos)


def cut_sorted(values: np.ndarray, order: np.ndarray | None, block: int,
               split_values: np.ndarray, split_blocks: np.ndarray,
               split_pos: np.ndarray) -> tuple:
    """Cut a sorted 1-D block by splitters ``(value, block, position)``, ordered by
    (value, block, position in that block's stable sort) = NumPy's stable order: this
    block's entries equal to a splitter's value go left of it when this block precedes the
    splitter's, right when it follows, and at the splitter's position in its own block.

    Returns ``(cuts, piece_0, ..., piece_R-1)`` (pieces are ``(values, indices)`` pairs,
    indices None without ``order``)."""
    left = np.searchsorted(values, split_values, side="left")
    right = np.searchsorted(values, split_values, side="right")
    cuts = np.where(block < split_blocks, right, np.where(block > split_blocks, left, split_pos))
    bounds = np.concatenate(([0], cuts, [values.shape[0]])).astype(np.intp)
    pieces = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        pieces.append((values[lo:hi].copy(), None if order is None else order[lo:hi].copy()))
    return (np.diff(bounds),) + tuple(pieces)


def merge_pieces(arg: bool, kind: Any, *pieces: tuple) -> np.ndarray:
    """One output range: the pieces (in block order, each sorted) merged; the stable order of their
    values (ties keep block order, so global index order) gives the indices for ``arg``."""
    values = np.concatenate([p[0] for p in pieces])
    if not arg:  # timsort merges the sorted runs in linear time
        return np.sort(values, kind="stable")
    idx = np.concatenate([p[1] for p in pieces])
    return idx[np.argsort(values, kind="stable")]


def _differs(a: np.ndarray, b: np.ndarray, equal_nan: bool) -> np.ndarray:
    out = a != b
    if equal_nan and a.dtype.kind in "fcmM":
        nan = np.isnat if a.dtype.kind in "mM" else np.isnan
        out &= ~(nan(a) & nan(b))
    return out


def adjacent(block: np.ndarray, prev: np.ndarray | None, nxt: np.ndarray | None, mode: str,
             equal_nan: bool, fill: Any = None) -> np.ndarray:
    """Each entry of a block of a sorted 1-D array against its neighbours (``prev``: the
    previous block's last entry, ``nxt``: the next block's first; None at the array's ends).

    ``new``: differs from the previous entry (the first entry: True); ``same_prev``/
    ``same_next``: equals the previous/next entry; ``alone``: differs from both; ``gap``:
    the next entry minus this one (the last entry: ``fill`` minus it)."""
    left = block if prev is None else np.concatenate([prev, block])
    if mode == "gap":
        right = np.concatenate([block, np.asarray([fill], block.dtype) if nxt is None else nxt])
        return right[1:] - block
    new = _differs(left[1:], left[:-1], equal_nan)
    if prev is None:
        new = np.concatenate([np.ones(min(1, block.shape[0]), bool), new])
    if mode == "new":
        return new
    if mode == "same_prev":
        return ~new if prev is not None else np.concatenate([[False], ~new[1:]])[:len(new)]
    right = block if nxt is None else np.concatenate([block, nxt])
    after = _differs(right[1:], right[:-1], equal_nan)
    if nxt is None:
        after = np.concatenate([after, np.ones(min(1, block.shape[0]), bool)])
    if mode == "same_next":
        return ~after if nxt is not None else np.concatenate([~after[:-1], [False]])
    return new & after  # alone


def strided_sample(block: np.ndarray, k: int) -> np.ndarray:
    """About ``k`` entries of a block, evenly spaced in position."""
    step = max(1, block.shape[0] // max(k, 1))
    return block[::step].copy()


def bracket(block: np.ndarray, lo: np.ndarray, hi: np.ndarray, lo_open: np.ndarray,
            hi_open: np.ndarray) -> tuple:
    """For each bracket ``[lo[r], hi[r]]`` (open ends: no bound): how many entries lie below
    it, and the entries inside it. Returns ``(counts (2, R), inside_0, ..., inside_R-1)``."""
    below, inside, pieces = [], [], []
    for r in range(len(lo)):
        ge = np.ones(block.shape, bool) if lo_open[r] else block >= lo[r]
        le = ~np.isnan(block) if block.dtype.kind == "f" else np.ones(block.shape, bool)
        if not hi_open[r]:
            le &= block <= hi[r]
        m = ge & le
        below.append(0 if lo_open[r] else int(np.count_nonzero(block < lo[r])))
        pieces.append(block[m])
        inside.append(pieces[-1].shape[0])
    return (np.array([below, inside], dtype=np.int64),) + tuple(pieces)


def pick_sorted(k: int, *pieces: np.ndarray) -> np.ndarray:
    """The entry of rank ``k`` of the pieces together."""
    values = np.concatenate(pieces)
    return np.partition(values, k)[k:k + 1]


# ---------------------------------------------------------------------------- searching


def searchsorted_part(block: np.ndarray, v: np.ndarray, side: str) -> np.ndarray:
    """How many entries of a sorted block lie left of each ``v`` (summed over the blocks of
    a sorted array, that is ``searchsorted`` of the whole array)."""
    return np.searchsorted(block, v, side=side).astype(np.intp, copy=False)


def add_parts(*parts: np.ndarray) -> np.ndarray:
    total = parts[0].copy()
    for p in parts[1:]:
        total += p
    return total


def digitize_part(block: np.ndarray, edges: np.ndarray, right: bool) -> np.ndarray:
    return np.digitize(block, edges, right=right)


def isin_part(block: np.ndarray, test: np.ndarray, kind: Any) -> np.ndarray:
    return np.isin(block, test, kind=kind)


def any_parts(invert: bool, *parts: np.ndarray) -> np.ndarray:
    """Or of boolean parts (``not`` of it when ``invert``)."""
    out = np.logical_or.reduce(parts) if len(parts) > 1 else parts[0].copy()
    return np.logical_not(out) if invert else out


def scatter_inverse(perm: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """``out[perm] = ranks``: the inverse of a permutation applied to ``ranks``."""
    out = np.empty_like(ranks)
    out[perm] = ranks
    return out


# ---------------------------------------------------------------------------- counting


def bincount_part(block: np.ndarray, weights: np.ndarray | None, length: int) -> np.ndarray:
    return np.bincount(block.reshape(-1), None if weights is None else weights.reshape(-1),
                       minlength=length)


def histogram_part(block: np.ndarray, weights: np.ndarray | None, bins: Any,
                   range: Any) -> np.ndarray:
    """Counts (or weight sums) of ``block`` in NumPy's bins (``bins``, ``range``: what
    NumPy derived for the whole array)."""
    counts, _ = np.histogram(block.reshape(-1), bins=bins, range=range,
                             weights=None if weights is None else weights.reshape(-1))
    return counts


def histogram_finish(density: bool, edges: np.ndarray, *parts: np.ndarray) -> np.ndarray:
    n = add_parts(*parts)
    if density:
        db = np.array(np.diff(edges), float)
        return n / db / n.sum()
    return n


def histogramdd_part(rows: np.ndarray, weights: np.ndarray | None, edges: list) -> np.ndarray:
    counts, _ = np.histogramdd(rows, bins=edges, weights=weights)
    return counts


def histogramdd_finish(density: bool, edges: list, *parts: np.ndarray) -> np.ndarray:
    hist = add_parts(*parts)
    if density:
        total = hist.sum()
        for i, e in enumerate(edges):
            shape = [1] * len(edges)
            shape[i] = len(e) - 1
            hist = hist / np.diff(e).reshape(shape)
        hist /= total
    return hist


def quantile_lanes(block: np.ndarray, weights: np.ndarray | None, fn: Any, q: Any,
                   axis: int, method: str) -> np.ndarray:
    """NumPy's ``fn`` (quantile, nanquantile, percentile, ...) along an axis whole in the
    block; the result keeps the reduced axis (length 1) so blocks stay in their grid."""
    kw: dict[str, Any] = {"axis": axis, "method": method, "keepdims": True}
    if weights is not None:
        kw["weights"] = weights
    return np.asarray(fn(block, q, **kw))


def median_lanes(block: np.ndarray, fn: Any, axis: int) -> np.ndarray:
    return np.asarray(fn(block, axis=axis, keepdims=True))
