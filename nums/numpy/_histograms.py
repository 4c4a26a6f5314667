"""Counting: ``bincount histogram histogram_bin_edges histogram2d histogramdd digitize``.

The driver computes only small things: the data's minimum and maximum (two scalars per
dimension) and the bin edges, which NumPy itself derives from a two-point stand-in of the
data (``[min, max]`` is all NumPy reads of the data for integer and sequence bins). Every
block then counts its values with NumPy in a task, and the per-block counts are added in
a tree of tasks. Weighted sums may differ from NumPy's in the last bits (another summation
order), as for ``sum``.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.lib import _histograms_impl as _np_hist

from nums.core.array import sort_kernels
from nums.core.array.blockarray import (
    BlockArray,
    backend,
    fits_local,
    local_value,
    one_block,
    resident,
    submit,
)
from nums.core.array.dtypes import dry_run
from nums.core.array.fusion import consumed, submit_on
from nums.core.array.regions import region
from nums.core.array.relayout import rechunk
from nums.core.array.sorting import compact
from nums.numpy._convert import asarray
from nums.numpy._manipulation import ravel
from runtime.errors import warn

FAN_IN = 8  # partial counts added per task


def _numpy(x: Any) -> Any:
    return x.get() if isinstance(x, BlockArray) else x


def _tree_add(parts: list, finish: Any = None, finish_args: tuple = ()) -> tuple[Any, int]:
    """Add ``(ref, node)`` partials in a tree of tasks; ``finish(*finish_args, total)`` at
    the root. Returns the root's ``(ref, node)``."""
    while len(parts) > 1 or (finish is not None and parts):
        groups = [parts[i:i + FAN_IN] for i in range(0, len(parts), FAN_IN)]
        last = len(groups) == 1
        nxt = []
        for g in groups:
            node = g[0][1]
            if last and finish is not None:
                ref = submit(finish, *finish_args, *[r for r, _ in g], node=node)
            else:
                ref = submit(sort_kernels.add_parts, *[r for r, _ in g], node=node)
            nxt.append((ref, node))
        parts = nxt
        if last:
            break
    return parts[0]


def _per_block(x: BlockArray, fn: Any, *args: Any, extra: BlockArray | None = None,
               passes: int = 1) -> list:
    """``fn(block, extra_region, *args)`` on every block of ``x`` (on its node); a column
    ``X[:, k]`` is read in the blocks of ``X`` (the range and the counts both read it).
    ``passes``: how often ``fn`` reads its block (see ``fusion.submit_on``)."""
    x = consumed(x, once=False)
    out = []
    for idx in x.grid.indices():
        node = int(x.nodes[idx])
        w = None if extra is None else region(extra, x.grid.block_slices(idx), node)[0]
        out.append((submit_on(fn, x, idx, w, *args, node=node, passes=passes), node))
    return out


def _result(ref: Any, node: int, shape: tuple[int, ...], dtype: Any) -> BlockArray:
    """A result computed as one block, in the session's default grid."""
    return rechunk(one_block(ref, shape, dtype, node), None)


def _minmax(a: BlockArray, axis: int | None = None) -> tuple[Any, Any]:
    """The smallest and largest value of ``a`` (NaN if any is NaN, as NumPy's ``min`` and
    ``max``), or of each column along ``axis`` 0 of a 2-d ``a`` whose blocks hold whole
    rows: one pass over each block, the per-block pairs fetched."""
    pairs = backend().get([ref for ref, _ in _per_block(a, sort_kernels.extremes, axis, passes=2)])
    pairs = np.stack([p for p in pairs if p.size])
    return np.min(pairs[:, 0], axis=0), np.max(pairs[:, 1], axis=0)


# ---------------------------------------------------------------------------- bincount


def bincount(x: Any, weights: Any = None, minlength: int = 0) -> BlockArray:
    """nums implementation of numpy.bincount: the largest value (fetched) sets the length;
    each block counts, the counts are added in a tree."""
    x = asarray(_bincount_sequence(x))
    w = None if weights is None else asarray(weights)
    dry_run(np.bincount, x, weights=w, minlength=minlength)
    if w is not None and w.shape != x.shape:
        raise ValueError("The weights and list don't have the same length.")
    here = _bincount_here(x, w, minlength)
    if here is not None:
        return here
    dtype = np.dtype(np.intp) if w is None else np.dtype(np.float64)
    length = operator.index(minlength)
    if x.size:
        lo, hi = _minmax(x)
        if lo < 0 or int(hi) > np.iinfo(np.intp).max:  # (NumPy casts to intp: negative)
            raise ValueError("'list' argument must have no negative elements")
        length = max(int(hi) + 1, length)
    if x.size == 0:  # NumPy's integer zeros, with weights too
        return BlockArray.full((length,), 0, np.intp)
    ref, node = _tree_add(_per_block(x, sort_kernels.bincount_part, length, extra=w))
    return _result(ref, node, (length,), dtype)


def _bincount_sequence(x: Any) -> Any:
    """A sequence that is not an array as NumPy's ``bincount`` converts it: empty, as
    integers; other values that do not cast safely to integers, cast unsafely with NumPy's
    DeprecationWarning (``[0.0, 1.0]``). Arrays are ``x`` itself (NumPy refuses floats)."""
    if isinstance(x, BlockArray | np.ndarray):
        return x
    v = np.asarray(x)
    if v.ndim != 1 or v.dtype.kind in "biu":
        return v  # (other ranks: NumPy's error from the dry run)
    if v.size:
        warn("Non-integer input passed to bincount. In a future version of NumPy, this will "
             "be an error. (Deprecated NumPy 2.1)", DeprecationWarning)
    return np.array(x, dtype=np.intp)


def _bincount_here(x: BlockArray, w: BlockArray | None, minlength: Any) -> BlockArray | None:
    """NumPy's ``bincount`` in the driver when ``x`` is driver-resident and the weights are
    distributed but no larger than ``local_bytes`` (a weighted group-by of a column of a
    large matrix, ``bincount(g, weights=X[:, 0])``): the weights are fetched, read from their
    blocks in place, rather than ``x`` put in the store and both counted by tasks. None
    otherwise (calls on driver-resident arrays alone take NumPy's call at once)."""
    xv = local_value(x)
    if (xv is None or w is None or not xv.size or local_value(w) is not None
            or not fits_local(w.shape, w.dtype)):
        return None
    length = max(int(xv.max()) + 1, operator.index(minlength))
    if not fits_local((length,), np.dtype(np.float64)):
        return None
    return resident(np.bincount(xv, w.get(), minlength=minlength))


# ---------------------------------------------------------------------------- histogram


def _stand_in(a: BlockArray) -> np.ndarray:
    """Two points with the data's minimum and maximum (what NumPy's bins read)."""
    if a.size == 0:
        return np.empty(0, a.dtype)
    return np.array(_minmax(a), dtype=a.dtype)


def _bins(a: BlockArray, bins: Any, range: Any, weights: Any) -> tuple[Any, Any, Any]:
    """``(bins for each block, range for each block, edges)``, as NumPy derives them."""
    bins = _numpy(bins)
    if isinstance(bins, str):
        if bins not in _np_hist._hist_bin_selectors:
            raise ValueError(f"{bins!r} is not a valid estimator for `bins`")
        if weights is not None:
            raise TypeError("Automated estimation of the number of bins is not supported "
                            "for weighted data")
        first, last = _np_hist._get_outer_edges(_stand_in(a), range)
        data = a
        if range is not None:
            from nums.numpy._elementwise import greater_equal, less_equal, logical_and

            data = compact(a, logical_and(greater_equal(a, first), less_equal(a, last)))
        n = 1
        if data.size:
            width = _np_hist._hist_bin_selectors[bins](data, (first, last))
            width = np.asarray(_numpy(width))[()]
            if width:
                if np.issubdtype(a.dtype, np.integer) and width < 1:
                    width = 1
                n = int(np.ceil(_np_hist._unsigned_subtract(last, first) / width))
        bins, range = n, (first, last)
    if np.ndim(bins) == 0:
        stand_in = _stand_in(a)
        edges = np.histogram_bin_edges(stand_in, bins, range=range)
        first, last = _np_hist._get_outer_edges(stand_in, range)
        return bins, (first, last), edges
    edges = np.histogram_bin_edges(np.empty(0, a.dtype), bins)  # numpy's checks
    return edges, None, edges


def _histogram_input(a: Any, weights: Any) -> tuple[BlockArray, BlockArray | None]:
    """``a`` and ``weights`` flattened, as NumPy's ``_ravel_and_check_weights``: booleans as
    uint8 with NumPy's warning; the weights' shape checked against ``a``'s before raveling."""
    a = asarray(a)
    if a.dtype == bool:
        warn(f"Converting input from {a.dtype} to {np.uint8} for compatibility.",
             RuntimeWarning)
        a = a.astype(np.uint8)
    w = None
    if weights is not None:
        w = asarray(weights)
        if w.shape != a.shape:
            raise ValueError("weights should have the same shape as a.")
        w = ravel(w)
    return ravel(a), w


def histogram_bin_edges(a: Any, bins: Any = 10, range: Any = None,
                        weights: Any = None) -> BlockArray:
    """nums implementation of numpy.histogram_bin_edges (the minimum and maximum are
    fetched; string estimators use nums' distributed ``std``/``percentile``/
    ``histogram``)."""
    a, w = _histogram_input(a, weights)
    return BlockArray.from_numpy(_bins(a, bins, range, w)[2])


def histogram(a: Any, bins: Any = 10, range: Any = None, density: Any = None,
              weights: Any = None) -> tuple[BlockArray, BlockArray]:
    """nums implementation of numpy.histogram: every block counts its values in NumPy's
    bins (computed from the fetched minimum and maximum); counts are added in a tree."""
    a, w = _histogram_input(a, weights)
    # (edges in blocks: two of their dtype, which dates and times need; NumPy makes no
    # uniform bins of them)
    stand = np.zeros(2, bins.dtype) if isinstance(bins, BlockArray) and bins.ndim == 1 else (
        10 if isinstance(bins, str | BlockArray) else bins)
    probe = dry_run(np.histogram, a, bins=stand, range=range, density=density, weights=w)
    block_bins, block_range, edges = _bins(a, bins, range, w)
    dtype = probe[0].dtype
    nbins = len(edges) - 1
    if a.size == 0:
        res = np.histogram(np.empty(0, a.dtype), bins=edges, density=density,
                           weights=None if w is None else np.empty(0, w.dtype))[0]
        return BlockArray.from_numpy(res), BlockArray.from_numpy(edges)
    parts = _per_block(a, sort_kernels.histogram_part, block_bins, block_range, extra=w)
    ref, node = _tree_add(parts, sort_kernels.histogram_finish, (bool(density), edges))
    return _result(ref, node, (nbins,), dtype), BlockArray.from_numpy(edges)


def histogramdd(sample: Any, bins: Any = 10, range: Any = None, density: Any = None,
                weights: Any = None) -> tuple[BlockArray, list[BlockArray]]:
    """nums implementation of numpy.histogramdd: the edges come from the fetched minima and
    maxima per dimension; every block of rows counts with NumPy; counts add in a tree."""
    if isinstance(sample, list | tuple):
        cols = [ravel(asarray(c)) for c in sample]
        n = cols[0].shape[0] if cols else 0
        if any(c.shape[0] != n for c in cols):
            raise ValueError("all the input array dimensions except for the concatenation "
                             "axis must match exactly")
        from nums.numpy._manipulation import stack

        sample = stack(cols, axis=1) if cols else asarray(np.empty((0, 0)))
    sample = asarray(sample)
    if sample.ndim < 2:  # numpy: atleast_2d, then transposed
        sample = sample.reshape((sample.size, 1))
    if sample.ndim != 2:
        raise ValueError("sample must be 1-d or 2-d")  # numpy: atleast_2d then (N, D)
    w = None if weights is None else asarray(weights)
    n, d = sample.shape
    full = sample if sample.grid.grid_shape[1] == 1 else rechunk(
        sample, (sample.block_shape[0], max(d, 1)))  # whole rows in every block
    if n and d:
        stand = np.stack(_minmax(full, 0)).astype(sample.dtype)
    else:
        stand = np.empty((0, d), sample.dtype)
    bins = _numpy(bins)
    bins = [_numpy(b) for b in bins] if isinstance(bins, list | tuple) else bins
    _, edges = np.histogramdd(stand, bins=bins, range=range)  # numpy's edges and checks
    if w is not None:  # NumPy's checks: its bincount of the bin numbers reads the weights
        dry_run(np.bincount, np.zeros(min(n, 1), np.intp), weights=w)
        if w.shape != (n,):
            raise ValueError("The weights and list don't have the same length.")
    shape = tuple(len(e) - 1 for e in edges)
    dtype = dry_run(np.histogramdd, stand[:0], bins=edges, density=density,
                    weights=None if w is None else np.empty(0, w.dtype))[0].dtype
    if n == 0:
        res = np.histogramdd(np.empty((0, d), sample.dtype), bins=edges, density=density,
                             weights=None if w is None else np.empty(0, w.dtype))[0]
        return BlockArray.from_numpy(res), [BlockArray.from_numpy(e) for e in edges]
    parts = []
    for idx in full.grid.indices():
        node = int(full.nodes[idx])
        rows = full.grid.block_slices(idx)[0]
        wr = None if w is None else region(w, (rows,), node)[0]
        parts.append((submit(sort_kernels.histogramdd_part, full.blocks[idx], wr, edges,
                             node=node), node))
    ref, node = _tree_add(parts, sort_kernels.histogramdd_finish, (bool(density), edges))
    return _result(ref, node, shape, dtype), [BlockArray.from_numpy(e) for e in edges]


def histogram2d(x: Any, y: Any, bins: Any = 10, range: Any = None, density: Any = None,
                weights: Any = None) -> tuple[BlockArray, BlockArray, BlockArray]:
    """nums implementation of numpy.histogram2d (through :func:`histogramdd`)."""
    x, y = asarray(x), asarray(y)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must have the same 1-d shape")
    bins = _numpy(bins)
    try:
        nb = len(bins)
    except TypeError:
        nb = 1
    if nb != 1 and nb != 2:
        bins = [np.asarray(bins)] * 2
    hist, edges = histogramdd([x, y], bins, range, density, weights)
    return hist, edges[0], edges[1]


# ---------------------------------------------------------------------------- digitize


def digitize(x: Any, bins: Any, right: bool = False) -> BlockArray:
    """nums implementation of numpy.digitize: ``bins`` (small) goes to every block's task."""
    x = asarray(x)
    edges = np.asarray(_numpy(bins))
    np.digitize(np.empty(0, x.dtype), edges, right=right)  # numpy's errors at the call
    return x.map_blocks(sort_kernels.digitize_part, edges, right, dtype=np.intp)


__all__ = ["bincount", "histogram", "histogram_bin_edges", "histogramdd", "histogram2d",
           "digitize"]
