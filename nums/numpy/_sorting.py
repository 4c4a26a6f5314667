"""Sorting, searching and sets: ``sort argsort partition argpartition searchsorted unique
unique_* isin intersect1d union1d setdiff1d setxor1d``.

Arguments are checked by a dry run of NumPy's function at the call; the work is done by
:mod:`nums.core.array.sorting` (one task per block along an axis inside the blocks, a
sample sort along a split axis). Only samples, splitters and counts reach the driver.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array import sort_kernels, sorting
from nums.core.array.blockarray import BlockArray, make_grid, submit
from nums.core.array.dtypes import dry_run, stand_in
from nums.numpy._convert import asarray
from nums.numpy._elementwise import subtract
from nums.numpy._fallback import run_fallback
from nums.numpy._manipulation import concatenate, flip, ravel, reshape

# ---------------------------------------------------------------------------- sort


def _objects_now(result: Any, a: BlockArray) -> Any:
    """``result`` of sorting objects, computed at the call: Python's comparisons of them
    raise there, as in NumPy (``[1, 'a', None]``), not when the result is read."""
    if a.dtype.hasobject and isinstance(result, BlockArray):
        result._errors_now()
    return result


def _sort(a: Any, axis: Any, kind: Any, order: Any, stable: Any, arg: bool,
          descending: bool = False) -> BlockArray:
    a = asarray(a)
    return _objects_now(_sorted(a, axis, kind, order, stable, arg, descending), a)


def _sorted(a: BlockArray, axis: Any, kind: Any, order: Any, stable: Any, arg: bool,
            descending: bool) -> BlockArray:
    fn = np.argsort if arg else np.sort
    dry_run(fn, a, axis=axis, kind=kind, order=order, stable=stable)
    if order is not None and a.dtype.names is not None:
        if descending:
            raise NotImplementedError("nums sorts by fields (order=) in ascending order only")
        # fields compared in the order given, then the rest: NumPy's own sort
        return run_fallback(fn, (a,), {"axis": axis, "kind": kind, "order": order,
                                       "stable": stable}, f"numpy.{fn.__name__}(order=...)")
    if axis is None or (arg and a.ndim == 0):  # (NumPy's argsort of 0-d: [0])
        a, axis = ravel(a), 0
    axis = normalize_axis_index(axis, a.ndim)
    if stable:
        kind = "stable"
    if not descending:
        return sorting.sort_along(a, axis, arg, kind)
    # descending, ties in index order: the stable ascending order of the reversed axis,
    # reversed, and (for indices) mapped back to the positions before the reversal
    result = flip(sorting.sort_along(flip(a, axis), axis, arg, "stable"), axis)
    return subtract(a.shape[axis] - 1, result) if arg else result


def sort(a: Any, axis: int | None = -1, kind: str | None = None, order: Any = None, *,
         stable: bool | None = None, descending: bool = False) -> BlockArray:
    """nums implementation of numpy.sort: along an axis inside the blocks one task per
    block; along a split axis of a 1-D array a parallel sample sort; an n-d array split
    along the axis is rechunked so the axis is whole. With ``order`` (the fields of a
    structured array to compare first) NumPy sorts next to the data (a fallback, with its
    ``GatherWarning``). ``descending=True`` (the Array API's
    keyword, which NumPy lacks) sorts from largest to smallest, ties in index order."""
    return _sort(a, axis, kind, order, stable, False, descending)


def argsort(a: Any, axis: int | None = -1, kind: str | None = None, order: Any = None, *,
            stable: bool | None = None, descending: bool = False) -> BlockArray:
    """nums implementation of numpy.argsort, as :func:`sort`. The order is always the stable
    one (ties keep index order), a valid answer for every ``kind``; ``descending=True``
    (the Array API's keyword) as in :func:`sort`."""
    return _sort(a, axis, kind, order, stable, True, descending)


def _kth(a: BlockArray, kth: Any, axis: Any) -> int | None:
    if isinstance(kth, BlockArray):
        kth = kth.get()
    k = np.asarray(kth)
    if k.dtype.kind not in "iub":
        raise TypeError("Partition index must be integer")
    if k.dtype.kind == "b":  # (NumPy's, in any layout: not an index 0 or 1)
        raise ValueError("Booleans unacceptable as partition index")
    if k.ndim > 1:
        raise ValueError("object too deep for desired array")
    if axis is None:
        n = a.size
    else:
        n = a.shape[normalize_axis_index(axis, a.ndim)] if a.ndim else None
    if n:  # (an empty axis takes any kth, as in NumPy)
        for v in k.reshape(-1):
            if not -n <= int(v) < n:
                raise ValueError(f"kth(={int(v)}) out of bounds ({n})")
    return n


def _partition(a: Any, kth: Any, axis: Any, kind: str, order: Any, arg: bool) -> BlockArray:
    a = asarray(a)
    if arg and a.ndim == 0:  # NumPy's argpartition takes a 0-d array as its one element
        a = ravel(a)  # (partition raises its AxisError)
    fn = np.argpartition if arg else np.partition
    if order is not None and a.dtype.names is not None:
        return run_fallback(fn, (a, kth), {"axis": axis, "kind": kind, "order": order},
                            f"numpy.{fn.__name__}(order=...)")
    n = _kth(a, kth, axis)
    if n:
        dry_run(fn, a, 0, axis=axis, kind=kind, order=order)
    elif a.ndim == 0 and axis is not None:
        dry_run(fn, a, kth, axis=axis, kind=kind, order=order)
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis_index(axis, a.ndim)
    kth = kth.get() if isinstance(kth, BlockArray) else kth
    if a.size == 0:
        return sorting.sort_along(a, axis, arg)
    return _objects_now(sorting.partition_along(a, kth, axis, arg, kind), a)


def partition(a: Any, kth: Any, axis: int | None = -1, kind: str = "introselect",
              order: Any = None) -> BlockArray:
    """nums implementation of numpy.partition: NumPy's own partition of every block when
    the axis lies inside the blocks (so NumPy's exact result); a 1-D array larger than one
    block is sorted by the sample sort instead, a valid partition for every ``kth`` (NumPy
    leaves the order inside the parts unspecified)."""
    return _partition(a, kth, axis, kind, order, False)


def argpartition(a: Any, kth: Any, axis: int | None = -1, kind: str = "introselect",
                 order: Any = None) -> BlockArray:
    """nums implementation of numpy.argpartition, as :func:`partition` (a large split 1-D
    array gets the stable argsort, a valid answer)."""
    return _partition(a, kth, axis, kind, order, True)


def sort_complex(a: Any) -> BlockArray:
    """nums implementation of numpy.sort_complex (a distributed sort, then NumPy's complex
    dtype for the input's)."""
    a = asarray(a)
    probe = dry_run(np.sort_complex, a)
    return sort(a).astype(probe.dtype, copy=False)


# ---------------------------------------------------------------------------- searching


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None) -> BlockArray:
    """nums implementation of numpy.searchsorted: the blocks of ``a`` on each node count
    the entries left of each ``v`` (one task per node and block of ``v``) and the counts are
    added (``a`` sorted, so that is the insertion point). ``sorter`` is applied with
    :func:`nums.numpy.take`, which fetches the indices. A scalar ``v`` gives a 0-d
    BlockArray."""
    a = asarray(a)
    # NumPy's checks on a stand-in (an empty one of objects: its element, 0, would be
    # compared with the values, strings in an object array)
    probe = np.zeros(0, a.dtype) if a.dtype.hasobject else a
    dry_run(np.searchsorted, probe, stand_in(v) if isinstance(v, BlockArray) else v, side=side,
            sorter=None if sorter is None else np.zeros(min(probe.size, 1), np.intp))
    if sorter is not None:
        from nums.numpy._manipulation import take

        sorter = asarray(sorter)
        if sorter.shape != a.shape:
            raise ValueError("sorter.size must equal a.size")
        try:
            a = take(a, sorter)
        except IndexError:
            raise ValueError("Sorter index out of range.") from None  # NumPy's
    v = asarray(v)
    grid = v.grid.with_dtype(np.intp)
    if a.size == 0:
        return BlockArray.full(v.shape, 0, np.intp, v.block_shape)
    by_node = sorting.packs(a)  # the blocks of each node, counted in one task there

    def task(idx: tuple[int, ...], node: int) -> Any:
        parts = [submit(sort_kernels.searchsorted_part, v.blocks[idx], side, *blocks,
                        node=where) for where, blocks in by_node.items()]
        if len(parts) == 1:
            return parts[0]
        return submit(sort_kernels.add_parts, *parts, node=node)

    return BlockArray.build(grid, task)



# ---------------------------------------------------------------------------- unique


def _unique(ar: Any, return_index: bool, return_inverse: bool, return_counts: bool,
            equal_nan: bool) -> tuple[BlockArray, ...]:
    """``(values, [index], [inverse], [counts])`` of the flattened ``ar``."""
    from nums.numpy._creation import arange
    from nums.numpy._reductions import cumsum

    ar = asarray(ar)
    a = ravel(ar)
    n = a.size
    if n == 0:
        res = np.unique(np.empty(ar.shape, ar.dtype), return_index=return_index,
                        return_inverse=return_inverse, return_counts=return_counts,
                        equal_nan=equal_nan)
        return tuple(BlockArray.from_numpy(r) for r in (res if isinstance(res, tuple)
                                                           else (res,)))
    # the sorted values: from the stable argsort's own sort when there is one (a gather
    # a[perm] reads every block for every block), else sorted
    perm, s = sorting.argsort_values(a) if return_index or return_inverse else (None, None)
    if s is None:
        s = sorting.sort_along(a, 0, False) if perm is None else a[perm]
    mask = sorting.adjacent(s, "new", equal_nan)
    out = [sorting.compact(s, mask)]
    if return_index:
        out.append(sorting.compact(perm, mask))
    if return_inverse:
        ranks = cumsum(mask, dtype=np.intp) - np.intp(1)
        inverse = sorting.sample_sort(perm, payload=ranks) if perm.grid.grid_shape[0] > 1 \
            else _scatter_one_block(perm, ranks)
        out.append(reshape(inverse, _inverse_shape(ar)))
    if return_counts:
        starts = sorting.compact(arange(n, dtype=np.intp), mask)
        out.append(sorting.adjacent(starts, "gap", fill=n))
    return tuple(out)


def _scatter_one_block(perm: BlockArray, ranks: BlockArray) -> BlockArray:
    """``inverse[perm] = ranks`` for a one-block ``perm`` (its own task)."""
    from nums.core.array.regions import region

    node = int(perm.nodes[0])
    ref = submit(sort_kernels.scatter_inverse, perm.blocks[(0,)],
                 region(ranks, (slice(0, ranks.shape[0]),), node)[0], node=node)
    return sorting.from_pieces([ref], [perm.shape[0]], make_grid(perm.shape, np.intp))


def _inverse_shape(ar: BlockArray) -> tuple[int, ...]:
    probe = np.unique(np.zeros(ar.shape if ar.size <= 64 else (1,) * ar.ndim, ar.dtype),
                      return_inverse=True)[1]
    return ar.shape if probe.ndim == ar.ndim else (ar.size,)


def unique(ar: Any, return_index: bool = False, return_inverse: bool = False,
           return_counts: bool = False, axis: int | None = None, *, equal_nan: bool = True,
           sorted: bool = True) -> Any:
    """nums implementation of numpy.unique: a distributed sort, the starts of runs of
    equal values, and compaction (``return_inverse`` sorts once more, by position).
    The result is always sorted (a valid answer for ``sorted=False``). With ``axis``
    (unique rows/slices) this is a fallback: NumPy on the whole array in one task next to
    its blocks, with a ``GatherWarning``."""
    if axis is not None:
        return run_fallback(np.unique, (ar,), dict(
            return_index=return_index, return_inverse=return_inverse,
            return_counts=return_counts, axis=axis, equal_nan=equal_nan, sorted=sorted),
            "numpy.unique(axis=...)")
    ar = asarray(ar)
    dry_run(np.unique, ar, return_index=return_index, return_inverse=return_inverse,
            return_counts=return_counts, equal_nan=equal_nan, sorted=sorted)
    if not (equal_nan or return_index or return_inverse or return_counts):
        equal_nan = _merges_nat(ar.dtype, np.unique, equal_nan=False, sorted=sorted)
    out = _unique(ar, return_index, return_inverse, return_counts, equal_nan)
    return out[0] if len(out) == 1 else out


def _merges_nat(dtype: np.dtype, fn: Any, **kwargs: Any) -> bool:
    """Whether NumPy's ``fn`` (unique values only) counts NaTs of ``dtype`` as one value
    although NaNs are distinct: NumPy 2.3+'s hash-based path does so for datetime64 (not
    for timedelta64, nor with counts or indices), so the answer is NumPy's own."""
    if dtype.kind != "M":
        return False
    return fn(np.array(["NaT", "NaT"], dtype), **kwargs).size == 1


_RESULTS = {name: type(getattr(np, name)(np.array([1]))) for name in
            ("unique_all", "unique_counts", "unique_inverse")}


def unique_all(x: Any) -> Any:
    """nums implementation of numpy.unique_all (sorted values; NaNs are distinct)."""
    return _RESULTS["unique_all"](*_unique(x, True, True, True, False))


def unique_counts(x: Any) -> Any:
    """nums implementation of numpy.unique_counts (sorted values; NaNs are distinct)."""
    return _RESULTS["unique_counts"](*_unique(x, False, False, True, False))


def unique_inverse(x: Any) -> Any:
    """nums implementation of numpy.unique_inverse (sorted values; NaNs are distinct)."""
    values, inverse = _unique(x, False, True, False, False)
    return _RESULTS["unique_inverse"](values, reshape(inverse, asarray(x).shape))


def unique_values(x: Any) -> BlockArray:
    """nums implementation of numpy.unique_values: the values are sorted (NumPy 2.3+
    leaves their order unspecified); NaNs are distinct (NaTs of datetimes as NumPy's)."""
    x = asarray(x)
    return _unique(x, False, False, False, _merges_nat(x.dtype, np.unique_values))[0]


# ---------------------------------------------------------------------------- sets


def isin(element: Any, test_elements: Any, assume_unique: bool = False,
         invert: bool = False, *, kind: str | None = None) -> BlockArray:
    """nums implementation of numpy.isin: one task per pair of a block of ``element`` and
    a pack of ``test_elements``' blocks (:func:`nums.core.array.sorting.packs`) runs
    NumPy's isin; the answers are or-ed per block."""
    e = asarray(element)
    t = ravel(asarray(test_elements))
    dry_run(np.isin, e, t, assume_unique=assume_unique, invert=invert, kind=kind)
    grid = e.grid.with_dtype(np.bool_)
    if t.size == 0:
        return BlockArray.full(e.shape, bool(invert), np.bool_, e.block_shape)
    if kind == "table" and t.dtype.kind in "iu":  # NumPy's check of the whole range (each
        low, high = int(t.min()), int(t.max())  # pair of blocks sees only part of it)
        if high - low > np.iinfo(t.dtype).max:
            raise RuntimeError(
                "You have specified kind='table', but the range of values in `ar2` or `ar1` "
                "exceed the maximum integer of the datatype. Please set `kind` to None or "
                "'sort'.")
    tparts = [ref for refs in sorting.packs(t).values() for ref in refs]

    def task(idx: tuple[int, ...], node: int) -> Any:
        parts = [submit(sort_kernels.isin_part, e.blocks[idx], ref, kind,
                        node=int(e.nodes[idx])) for ref in tparts]
        return submit(sort_kernels.any_parts, invert, *parts, node=node)

    return BlockArray.build(grid, task)


def intersect1d(ar1: Any, ar2: Any, assume_unique: bool = False,
                return_indices: bool = False) -> Any:
    """nums implementation of numpy.intersect1d (unique, isin and compaction; with
    ``assume_unique``, NumPy's own sort of both arrays)."""
    from nums.numpy._elementwise import subtract

    ar1, ar2 = asarray(ar1), asarray(ar2)
    dtype = np.result_type(ar1.dtype, ar2.dtype)
    if not assume_unique:
        u1 = _unique(ar1, return_indices, False, False, True)
        u2 = _unique(ar2, return_indices, False, False, True)
        m1 = isin(u1[0], u2[0])
        common = sorting.compact(u1[0], m1).astype(dtype, copy=False)
        if not return_indices:
            return common
        m2 = isin(u2[0], u1[0])
        return common, sorting.compact(u1[1], m1), sorting.compact(u2[1], m2)
    a1, a2 = ravel(ar1), ravel(ar2)
    aux = concatenate([a1.astype(dtype, copy=False), a2.astype(dtype, copy=False)])
    if aux.size == 0:
        empty = BlockArray.full((0,), 0, dtype)
        idx = BlockArray.full((0,), 0, np.intp)
        return (empty, idx, idx) if return_indices else empty
    s = sorting.sort_along(aux, 0, False)
    after = sorting.adjacent(s, "same_next")
    common = sorting.compact(s, after)
    if not return_indices:
        return common
    perm = sorting.sort_along(aux, 0, True)
    i1 = sorting.compact(perm, after)
    i2 = sorting.compact(perm, sorting.adjacent(s, "same_prev"))
    return common, i1, subtract(i2, np.intp(a1.size))


def union1d(ar1: Any, ar2: Any) -> BlockArray:
    """nums implementation of numpy.union1d: unique of the concatenation."""
    return unique(concatenate([ravel(asarray(ar1)), ravel(asarray(ar2))]))


def setdiff1d(ar1: Any, ar2: Any, assume_unique: bool = False) -> BlockArray:
    """nums implementation of numpy.setdiff1d."""
    if assume_unique:
        a1 = ravel(asarray(ar1))
    else:
        a1, ar2 = unique(ar1), unique(ar2)
    return sorting.compact(a1, isin(a1, ar2, assume_unique=True, invert=True))


def setxor1d(ar1: Any, ar2: Any, assume_unique: bool = False) -> BlockArray:
    """nums implementation of numpy.setxor1d."""
    if not assume_unique:
        ar1, ar2 = unique(ar1), unique(ar2)
    aux = concatenate([ravel(asarray(ar1)), ravel(asarray(ar2))])
    if aux.size == 0:
        return aux
    aux = sorting.sort_along(aux, 0, False)
    return sorting.compact(aux, sorting.adjacent(aux, "alone"))


__all__ = ["sort", "sort_complex", "argsort", "partition", "argpartition", "searchsorted",
           "unique", "unique_all", "unique_counts", "unique_inverse", "unique_values", "isin",
           "intersect1d", "union1d", "setdiff1d", "setxor1d"]
