"""Advanced indexing for reading: ``x[key]`` with integer arrays and boolean masks, in every
form numpy has, as a distributed gather (the indexed array is never fetched).

1. The key is parsed (:mod:`nums.core.array.advanced_keys`); its basic part (ints, slices,
   None) selects ``y`` block-wise first.
2. The index arrays (numpy arrays, lists or BlockArrays) are broadcast together and folded
   into one array of linear indices over the indexed axes of ``y``
   (:func:`~nums.core.array.index_kernels.linear_index`): on the driver when they are numpy
   arrays, block-wise when one is a BlockArray. A boolean mask is its ``flatnonzero``; for a
   BlockArray mask that costs one round of per-block counts (:func:`flatnonzero`), never a
   gather of the mask.
3. Each chunk of linear indices names the blocks of ``y`` it reads (on the driver, or a
   round of small tasks that also finds out-of-bounds indices). An output block that reads
   one block, or blocks all on the node it runs on, is one task
   (:func:`~nums.core.array.index_kernels.gather_points`, which reads them in place in the
   node's store); otherwise the blocks of each node take just the points asked of them
   where they are, in one task per node
   (:func:`~nums.core.array.index_kernels.take_points`) and the output block puts them in
   the order of the index (:func:`~nums.core.array.index_kernels.place_points`).
4. The index dimensions are moved where numpy puts them.

The result is a new array (numpy's advanced indexing copies).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array import index_kernels as ik
from nums.core.array import resident
from nums.core.array.advanced_keys import Group, ParsedKey, parse, shape_text
from nums.core.array.blockarray import (
    BlockArray,
    backend,
    block_limit,
    local_limit,
    local_value,
    make_grid,
    submit,
)
from nums.core.array.blockarray import resident as driver_resident
from nums.core.array.elementwise import map_broadcast
from nums.core.array.indexing import basic_spec, basic_values
from nums.core.array.relayout import rechunk, reshape, transpose
from nums.core.graph.grid import ArrayGrid


def getitem(x: BlockArray, key: Any) -> BlockArray:
    """``x[key]`` for a key with integer arrays or boolean masks (a new array)."""
    local = resident.take(x, key)  # a driver-resident array: NumPy's indexing in the driver
    if local is not None:
        return local
    here = gather_here(x, key)
    if here is None:
        here = gather_assembled(x, key)
    if here is not None:
        return here
    parsed = parse(x.shape, key)
    if not parsed.groups:  # 0-d integer arrays only: ints that select a copy
        return basic_values(x, basic_spec(x.shape, parsed.basic))
    g = parsed.groups[0] if len(parsed.groups) == 1 else None
    lin = None if g is not None and (_compressible(x.shape, g) or _in_runs(x, g)) else (
        linear_indices(x.shape, parsed)[0])
    y = x
    if any(not (isinstance(k, slice) and k == slice(None)) for k in parsed.basic):
        y = basic_values(x, basic_spec(x.shape, parsed.basic))
    axes = parsed.axes()
    if lin is None and _compressible(y, g):
        out = compress(y, g.axis, g.index)
    elif lin is None and _in_runs(y, g):
        out = compress_runs(y, g.index)
    else:
        if lin is None:
            lin = linear_indices(x.shape, parsed)[0]
        out = gather(y, tuple(axes), lin, parsed)
    nb, place = out.ndim - (y.ndim - len(axes)), parsed.place
    if place and nb and out.ndim > nb:
        rest = out.ndim - nb
        order = (*range(nb, nb + place), *range(nb), *range(nb + place, nb + rest))
        out = transpose(out, order)
    return out


GATHER_HERE_BYTES = 4 << 20


def gather_here(x: BlockArray, key: Any) -> BlockArray | None:
    """``x[key]`` gathered by the driver, as a driver-resident array, when the result is
    small (at most ``GATHER_HERE_BYTES``, ``local_bytes`` and a sixteenth of the session's
    block size), the index arrays are NumPy arrays or driver-resident, and the driver maps
    the blocks; None otherwise. A task's round trip costs more than such a gather. Keys:

    - an integer array over the first axis, then ints and slices: a batch of rows
      ``X[batch]``, ``X[idx, 2]`` (where the column would be made first), ``img[rows]``.
      Each row block reads its rows with NumPy's own indexing, ``block[local, ...]``: the
      rest of the key keeps NumPy's rules and errors. Axes after the first may be split
      only where the rest of the key takes them whole;
    - integer arrays over the first axes, the others whole: ``img[np.ix_(rows, cols)]`` (a
      submatrix: each block reads its rows and columns at once) and points ``img[r, c]``.
    """
    lead = _leading_arrays(x, key)
    if lead is None:
        return None
    arrays, rest = lead
    limit = min(GATHER_HERE_BYTES, local_limit(), block_limit() // 16)
    if len(arrays) > 1:
        if any(type(k) is not slice or k != slice(None) for k in rest):
            return None  # (a mask, an int, a partial slice: the general path)
        try:
            bshape = np.broadcast_shapes(*[a.shape for a in arrays])
        except ValueError:
            return None  # NumPy's error, from the general path
        if math.prod(bshape + x.shape[len(arrays):]) * x.itemsize > limit:
            return None
        return driver_resident(_gather_arrays(x, arrays, bshape))
    first = arrays[0]
    if (not all(type(k) is slice or type(k) is int for k in rest)
            or len(rest) >= x.ndim):
        return None
    whole = all(k == slice(None) for k in rest)
    gshape = x.grid.grid_shape
    if not whole and any(n > 1 for n in gshape[1:]):
        return None
    if rest:
        tail = np.broadcast_to(np.zeros((), np.int8), (1,) + x.shape[1:])[(slice(None), *rest)]
        tail_shape = tail.shape[1:]
    else:
        tail_shape = x.shape[1:]
    shape = first.shape + tail_shape
    if math.prod(shape) * x.itemsize > limit:
        return None
    flat, which, starts = _routed(x, first.reshape(-1), 0)
    out = np.empty((flat.size,) + tail_shape, x.dtype)
    cols = list(itertools.product(*[range(g) for g in gshape[1:]]))
    groups = _row_groups(which, gshape[0])
    refs = [x.blocks[(i, *c)] for i, _ in groups for c in cols]
    values = iter(progress.get(refs, "index"))
    for i, rows in groups:
        local = flat[rows] - starts[i]
        for c in cols:
            block = next(values)
            # the block's columns: split axes are taken whole by the key; otherwise one block
            cut = x.grid.block_slices((i, *c))[1:] if whole and len(cols) > 1 else ()
            out[(rows, *cut)] = block[(local, *rest)]
    return driver_resident(out.reshape(shape))


# a gather whose result is at least this fraction of its source is NumPy's on the source
# assembled in the driver
ASSEMBLED_SHARE = 0.25


def gather_assembled(x: BlockArray, key: Any) -> BlockArray | None:
    """``x[arrays]`` (integer arrays over the first axes, the others whole: ``S[iu]`` of
    ``triu_indices``) as NumPy's own indexing of ``x``'s value assembled in the driver, when
    the result is driver-resident and at least ``ASSEMBLED_SHARE`` of ``x``, and the driver
    maps the blocks: one copy of ``x`` costs less than routing every point to its block
    (twice NumPy's time per block for each index array). None otherwise."""
    lead = _leading_arrays(x, key)
    if lead is None or any(type(k) is not slice or k != slice(None) for k in lead[1]):
        return None
    arrays = lead[0]
    try:
        bshape = np.broadcast_shapes(*[a.shape for a in arrays])
    except ValueError:
        return None  # NumPy's error, from the general path
    nbytes = math.prod(bshape + x.shape[len(arrays):]) * x.itemsize
    if nbytes > local_limit() or nbytes < ASSEMBLED_SHARE * x.nbytes:
        return None
    return driver_resident(np.asarray(x.get()[tuple(arrays)]))


def _row_groups(which: np.ndarray, n: int) -> list[tuple[int, Any]]:
    """The positions of ``which`` (a block number in ``range(n)`` per index) that fall in
    each block, for the blocks that have any: a slice where they are consecutive (sorted
    indices: each block's rows are copied at once), else an integer array."""
    if not which.size:
        return []
    if n == 1:
        return [(0, slice(None))]
    if (which[1:] >= which[:-1]).all():
        order = None  # (sorted: the positions of each block are a run)
        ordered = which
    else:
        order = np.argsort(which, kind="stable")
        ordered = which[order]
    bounds = np.searchsorted(ordered, np.arange(n + 1)).tolist()
    groups = []
    for i in range(n):
        a, b = bounds[i], bounds[i + 1]
        if a < b:
            groups.append((i, slice(a, b) if order is None else order[a:b]))
    return groups


def _leading_arrays(x: BlockArray, key: Any) -> tuple[list[np.ndarray], tuple] | None:
    """The integer arrays that lead ``key`` (NumPy arrays, driver-resident values) and the
    rest of it, for a gather the driver makes from the blocks it maps; None: not such a
    key, or the driver does not map the blocks."""
    if not backend().blocks_in_driver_memory or x.dtype.hasobject or not x.ndim:
        return None
    items = key if type(key) is tuple else (key,)
    arrays = []
    for k in items:
        a = _index_array(k)
        if a is None:
            break
        arrays.append(a)
    if not arrays or len(items) > x.ndim:
        return None
    return arrays, items[len(arrays):]


def _index_array(k: Any) -> np.ndarray | None:
    """An entry of a key as an integer NumPy array (a driver-resident BlockArray's value, a
    list of ints), else None."""
    if isinstance(k, BlockArray):
        k = local_value(k)
    elif type(k) is list and k and all(type(i) is int for i in k):
        k = np.asarray(k)
    if isinstance(k, np.ndarray) and k.dtype.kind in "iu":
        return k
    return None


def _routed(x: BlockArray, idx: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray,
                                                                np.ndarray]:
    """Integer indices ``idx`` along ``axis`` of ``x`` with NumPy's bounds error, made
    non-negative; the block along ``axis`` of each; the blocks' first indices."""
    n = x.shape[axis]
    idx = idx.astype(np.int64, copy=False)
    low, high = (int(idx.min()), int(idx.max())) if idx.size else (0, -1)
    if low < -n or high >= n:
        bad = (idx < -n) | (idx >= n)
        first = idx.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]]
        raise IndexError(f"index {first} is out of bounds for axis {axis} with size {n}")
    if low < 0:
        idx = np.where(idx < 0, idx + n, idx)
    starts = np.asarray(x.grid.boundaries(axis)[:-1], dtype=np.int64)
    return idx, np.searchsorted(starts, idx, side="right") - 1, starts


def _gather_arrays(x: BlockArray, arrays: list[np.ndarray], bshape: tuple) -> np.ndarray:
    """``x[arrays]`` for integer arrays over the first ``len(arrays)`` axes (the others
    whole), read from the blocks in place: an outer selection (``np.ix_``: each array
    varies along its own axis) block by block as a submatrix, other index shapes point by
    point."""
    k = len(arrays)
    rest = x.shape[k:]
    out = np.empty(bshape + rest, x.dtype)
    others = list(itertools.product(*[range(g) for g in x.grid.grid_shape[k:]]))
    outer = len(bshape) == k and all(
        all(n == 1 for j, n in enumerate(a.shape) if j != i) and a.ndim == k
        for i, a in enumerate(arrays))
    if outer:
        routes = [_routed(x, a.reshape(-1), axis) for axis, a in enumerate(arrays)]
        per_axis = [[(int(b), np.flatnonzero(which == b)) for b in np.unique(which)]
                    for _, which, _ in routes]
        combos = list(itertools.product(*per_axis))
    else:
        flat = [np.broadcast_to(a, bshape).reshape(-1) for a in arrays]
        routes = [_routed(x, f, axis) for axis, f in enumerate(flat)]
        bid = np.zeros(math.prod(bshape), np.int64)
        for axis, (_, which, _) in enumerate(routes):
            bid = bid * x.grid.grid_shape[axis] + which
        combos = [tuple(int(c) for c in np.unravel_index(int(b), x.grid.grid_shape[:k]))
                  for b in np.unique(bid)]
    ids_of = [tuple(p[0] for p in combo) if outer else combo for combo in combos]
    blocks = iter(progress.get([x.blocks[(*ids, *o)] for ids in ids_of for o in others],
                               "index"))
    flat_out = out.reshape((-1,) + rest)
    for combo, ids in zip(combos, ids_of):
        if outer:  # the rows and columns this block holds, at once
            where = np.ix_(*[p[1] for p in combo])
            local = np.ix_(*[routes[a][0][p[1]] - routes[a][2][p[0]]
                             for a, p in enumerate(combo)])
        else:  # the points this block holds
            m = np.flatnonzero(bid == np.ravel_multi_index(ids, x.grid.grid_shape[:k]))
            where = (m,)
            local = tuple(routes[a][0][m] - routes[a][2][ids[a]] for a in range(k))
        for o in others:
            block = next(blocks)
            cut = x.grid.block_slices((*ids, *o))[k:]
            if outer:
                out[(*where, *cut)] = block[(*local, *([slice(None)] * len(rest)))]
            else:
                flat_out[(*where, *cut)] = block[local]
    return out


def _compressible(y: Any, g: Group) -> bool:
    """Whether mask ``g`` of ``y`` is blocked like ``y``'s axes it covers, and those are split
    along their first axis only: each block's selected elements are then one run of the
    result (C order), taken where the block is."""
    if not (g.kind == "mask" and isinstance(g.index, BlockArray) and g.index.ndim):
        return False
    if not isinstance(y, BlockArray):  # a shape: whether it may be, once ``y`` is made
        return True
    d = g.index.ndim
    covered = range(g.axis, g.axis + d)
    return (g.index.block_shape == tuple(y.block_shape[a] for a in covered)
            and all(y.grid_shape[a] == 1 for a in covered[1:]))


def compress(y: BlockArray, axis: int, mask: BlockArray) -> BlockArray:
    """``y[..., mask, ...]`` for a mask over axes ``axis ..`` of ``y`` blocked as they are and
    split along ``axis`` only: every block takes its own elements; one round of per-block
    counts places them. The mask's axes become one, first (as :func:`gather` returns)."""
    d = mask.ndim
    n = mask.grid.grid_shape[0]
    before = list(range(axis))
    after = list(range(axis + d, y.ndim))
    rest = before + after
    others = [range(y.grid_shape[a]) for a in rest]
    mnodes = [int(mask.nodes[(i,) + (0,) * (d - 1)]) for i in range(n)]
    counts = progress.get([submit(ik.count_true, mask.blocks[(i,) + (0,) * (d - 1)],
                                  node=mnodes[i]) for i in range(n)], "count")
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def src(i: int, r: tuple) -> tuple[int, ...]:
        full = [0] * y.ndim
        full[axis] = i
        for a, c in zip(rest, r):
            full[a] = c
        return tuple(full)

    direct = not before and d == 1  # rows: taken straight into the result's blocks
    pieces = {}
    for r in itertools.product(*others):
        for i in range(n):
            if counts[i] and not direct:
                idx = src(i, r)
                block = y.blocks[idx] if not before else submit(
                    ik.axes_first, y.blocks[idx], tuple(range(axis, axis + d)),
                    node=int(y.nodes[idx]))
                pieces[(i, r)] = submit(ik.masked_rows, block,
                                        mask.blocks[(i,) + (0,) * (d - 1)],
                                        node=int(y.nodes[idx]))
    rest_shape = tuple(y.shape[a] for a in rest)
    total = int(offsets[-1])
    rows = make_grid((total,) + rest_shape, y.dtype, spread=True).block_shape[0]
    grid = ArrayGrid((total,) + rest_shape, (rows,) + tuple(y.block_shape[a] for a in rest),
                     y.dtype)

    def spans(idx):
        a, b = grid.axis_start(0, idx[0]), grid.axis_stop(0, idx[0])
        return [(i, int(max(a, offsets[i]) - offsets[i]), int(min(b, offsets[i + 1]) - offsets[i]))
                for i in range(n) if counts[i] and offsets[i] < b and offsets[i + 1] > a]

    def task(idx, node):
        used = spans(idx)
        if direct:
            pairs = [ref for i, _, _ in used for ref in (y.blocks[src(i, idx[1:])],
                                                         mask.blocks[(i,)])]
            return submit(ik.masked_concat, y.dtype, [(lo, hi) for _, lo, hi in used],
                          grid.block_shape_at(idx)[1:], *pairs, node=node)
        return submit(ik.concat_pieces, y.dtype, [(lo, hi) for _, lo, hi in used],
                      *[pieces[(i, idx[1:])] for i, _, _ in used],
                      rest=grid.block_shape_at(idx)[1:], node=node)

    return BlockArray.build(
        grid, task, name="compress",
        reads=lambda idx: [(y, y.grid.block_slices(src(i, idx[1:]))) for i, _, _ in spans(idx)])


# a mask's selection is taken in runs (one per row of a block) when they average at least
# this many elements of the array; shorter runs: the general gather by positions
RUN_ELEMENTS = 256


def _in_runs(y: BlockArray, g: Group | None) -> bool:
    """Whether ``y[mask]`` (a mask of ``y``'s shape, blocked as ``y``, split along one axis
    after the first, and maybe the first) is taken by :func:`compress_runs`."""
    if g is None or g.kind != "mask" or not isinstance(g.index, BlockArray) or g.axis:
        return False
    mask = g.index
    if (mask.ndim != y.ndim or y.ndim < 2 or mask.shape != y.shape
            or mask.block_shape != y.block_shape or y.size == 0):
        return False
    split = [a for a, n in enumerate(y.grid.grid_shape) if n > 1]
    if not split or split == [0] or len(set(split) - {0}) > 1:
        return False  # (one block, rows: :func:`compress`; two later axes split: a row's
        # runs come from blocks of both, and a group of blocks is not one stretch)
    s = split[-1]
    runs = math.prod(y.shape[:s]) * y.grid.grid_shape[s]
    return runs * RUN_ELEMENTS <= y.size


def compress_runs(y: BlockArray, mask: BlockArray) -> BlockArray:
    """``y[mask]`` for a mask of ``y``'s shape blocked as ``y``, split along one axis ``s``
    after the first (and maybe the first): each block takes its selected elements where it
    is, with their counts per row (its axes before ``s``); only the counts come to the
    driver. In C order the result takes, for each row, the runs of the blocks along ``s``
    in turn (the blocks of one block row of axis 0 are one stretch of it): each result
    block interleaves the runs it holds, so the selected elements move once."""
    grid = y.grid
    gs = grid.grid_shape
    s = max(a for a, n in enumerate(gs) if n > 1)
    tail = (0,) * (y.ndim - s - 1)
    parts = {idx: submit(ik.masked_runs, y.blocks[idx], mask.blocks[idx], s,
                         node=int(y.nodes[idx]), num_returns=2) for idx in grid.indices()}
    counts = dict(zip(parts, progress.get([p[1] for p in parts.values()], "count")))
    groups = []  # (members' block indices, counts (members x rows), first element, total)
    start = 0
    for g in itertools.product(*[range(n) for n in gs[:s]]):
        members = [g + (j,) + tail for j in range(gs[s])]
        c = np.stack([counts[m] for m in members])
        total = int(c.sum())
        groups.append((members, c, start, total))
        start += total
    out_grid = ArrayGrid((start,), make_grid((start,), y.dtype, spread=True).block_shape,
                         y.dtype)

    def plan(idx: tuple) -> list:
        a, b = out_grid.axis_start(0, idx[0]), out_grid.axis_stop(0, idx[0])
        return [(members, max(a, lo) - lo, min(b, lo + n) - lo, c)
                for members, c, lo, n in groups if lo < b and lo + n > a]

    def task(idx: tuple, node: int) -> Any:
        used = plan(idx)
        return submit(ik.interleave_runs, y.dtype, [(lo, hi, c) for _, lo, hi, c in used],
                      *[parts[m][0] for members, _, _, _ in used for m in members],
                      node=node)

    return BlockArray.build(
        out_grid, task, name="compress",
        reads=lambda idx: [(y, grid.block_slices(m)) for members, _, _, _ in plan(idx)
                           for m in members])


# ---------------------------------------------------------------------------- index arrays


def _group_index(g: Group) -> Any:
    """The group's index array: an integer array of the axis, or a mask's flat nonzero."""
    if g.kind == "int":
        return g.index
    mask = g.index
    if mask.ndim == 0:
        count = int(bool(mask.get() if isinstance(mask, BlockArray) else mask))
        return np.zeros(count, dtype=np.int64)
    if isinstance(mask, BlockArray):
        return flatnonzero(mask)
    return np.flatnonzero(mask).astype(np.int64)


def linear_indices(shape: tuple[int, ...], parsed: ParsedKey) -> tuple[Any, tuple[int, ...]]:
    """The linear indices of the selection over the indexed axes (a numpy array or a
    BlockArray, ``-1`` where out of bounds) and the broadcast shape of the index arrays.
    Bounds of numpy index arrays are checked here, with numpy's message."""
    groups = parsed.groups
    indices = [_group_index(g) for g in groups]
    try:
        bshape = np.broadcast_shapes(*[np.shape(i) for i in indices])
    except ValueError:
        shapes = " ".join(shape_text(tuple(np.shape(i))) for i in indices)
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together "
                         f"with shapes {shapes} ") from None
    sizes = [g.size if g.kind == "int" else None for g in groups]
    # a driver-resident index is a numpy array here: index_chunks splits it over the workers
    indices = [v if isinstance(i, BlockArray) and (v := local_value(i)) is not None else i
               for i in indices]
    if (len(indices) == 1 and sizes[0] is not None and isinstance(indices[0], BlockArray)
            and indices[0].dtype == np.int64 and _in_bounds(indices[0], sizes[0])):
        return indices[0], tuple(indices[0].shape)  # the index is its own linear index
    spans = [g.size for g in groups]  # elements each group addresses
    strides = [math.prod(spans[j + 1:]) for j in range(len(groups))]
    if not any(isinstance(i, BlockArray) for i in indices):
        for g, i in zip(groups, indices):
            if g.kind == "int" and math.prod(bshape):  # numpy: no selection, no bounds
                _check_bounds(g, np.asarray(i))
        lin = ik.linear_index(*indices, sizes=sizes, strides=strides)
        return np.array(np.broadcast_to(lin, bshape)), bshape  # (ascontiguousarray: 1-d)
    operands = [i if isinstance(i, BlockArray) else BlockArray.from_numpy(np.asarray(i))
                for i in indices]
    lin = map_broadcast(ik.linear_index, operands, np.int64, shape=bshape,
                        kwargs={"sizes": sizes, "strides": strides})
    return lin, bshape


def _in_bounds(idx: BlockArray, n: int) -> bool:
    """Whether every entry of int64 ``idx`` is in ``[0, n)`` (one round of per-block
    ranges; no copy of the index)."""
    ranges = progress.get([submit(ik.value_range, idx.blocks[j], node=int(idx.nodes[j]))
                           for j in idx.grid.indices()], "index")
    return all(r is None or (r[0] >= 0 and r[1] < n) for r in ranges)


def _check_bounds(g: Group, idx: np.ndarray) -> None:
    n = g.size
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        first = idx.reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]]
        raise IndexError(f"index {first} is out of bounds for axis {g.orig} with size {n}")


def raise_bounds(parsed: ParsedKey) -> None:
    """Out-of-bounds BlockArray indices were found: numpy's error for the first (the index
    arrays are fetched; this is the error path only)."""
    for g in parsed.groups:
        if g.kind == "int":
            idx = g.index.get() if isinstance(g.index, BlockArray) else np.asarray(g.index)
            _check_bounds(g, idx)
    raise IndexError("index out of bounds")  # not reached: some index was out of bounds


def flatnonzero(mask: BlockArray) -> BlockArray:
    """``numpy.flatnonzero`` of a boolean BlockArray, as int64: the positions of each block
    are found where the block is and only their counts come to the driver."""
    m = mask if mask.ndim == 1 else reshape(mask, (mask.size,))
    starts = m.grid.boundaries(0)
    nblocks = m.grid.grid_shape[0]
    nodes = [int(m.nodes[(i,)]) for i in range(nblocks)]
    pieces = [submit(ik.nonzero_from, m.blocks[(i,)], starts[i], node=nodes[i])
              for i in range(nblocks)]
    counts = progress.get([submit(ik.length, p, node=n) for p, n in zip(pieces, nodes)],
                          "count")
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    grid = make_grid((int(offsets[-1]),), np.int64, spread=True)

    def spans(idx):
        a, b = grid.axis_start(0, idx[0]), grid.axis_stop(0, idx[0])
        return [(i, max(a, offsets[i]) - offsets[i], min(b, offsets[i + 1]) - offsets[i])
                for i in range(nblocks) if offsets[i] < b and offsets[i + 1] > a or (
                    a == b and i == 0)]

    def task(idx, node):
        used = spans(idx)
        return submit(ik.concat_pieces, np.int64, [(int(lo), int(hi)) for _, lo, hi in used],
                      *[pieces[i] for i, _, _ in used], node=node)

    return BlockArray.build(
        grid, task, reads=lambda idx: [(m, m.grid.block_slices((i,))) for i, _, _ in spans(idx)],
        name="nonzero")


def nonzero(mask: BlockArray) -> tuple[BlockArray, ...]:
    """``numpy.nonzero`` of a boolean BlockArray of at least one dimension, distributed as
    :func:`flatnonzero` (one round of counts)."""
    flat = flatnonzero(mask)
    if mask.ndim == 1:
        return (flat,)
    return tuple(flat.map_blocks(ik.unravel_axis, mask.shape, axis, dtype=np.int64)
                 for axis in range(mask.ndim))


# ---------------------------------------------------------------------------- the gather


def index_chunks(lin: Any, dims: tuple, bs: tuple, gs: tuple, parsed: ParsedKey,
                 rest_shape: tuple = (), dtype: Any = np.float64) -> tuple[ArrayGrid, dict]:
    """The chunks of the linear indices ``lin`` (its blocks, or a blocking of a numpy
    ``lin`` sized for a result with ``rest_shape`` axes after the index dimensions) and,
    per chunk, the linear ids of the blocks (of ``bs`` over ``gs``) it addresses. For a
    BlockArray ``lin`` that is one round of small tasks, which also finds out-of-bounds
    indices (numpy's IndexError here, before anything is written)."""
    if isinstance(lin, BlockArray):
        lgrid = lin.grid
        refs = [submit(ik.touched_blocks, lin.blocks[j], dims, bs, gs, node=int(lin.nodes[j]))
                for j in lgrid.indices()]
        found = progress.get(refs, "index")
        if any(f.size and f[0] < 0 for f in found):
            raise_bounds(parsed)
        return lgrid, dict(zip(lgrid.indices(), found))
    bshape = lin.shape
    default = make_grid(bshape + tuple(rest_shape), dtype, spread=True).block_shape[:len(bshape)]
    lgrid = ArrayGrid(bshape, default, np.int64)
    return lgrid, {j: ik.touched_blocks(lin[lgrid.block_slices(j)], dims, bs, gs)
                   for j in lgrid.indices()}


def chunk(lin: Any, lgrid: ArrayGrid, j: tuple[int, ...]) -> Any:
    """Chunk ``j`` of the linear indices: a block ref, or a numpy slice."""
    return lin.blocks[j] if isinstance(lin, BlockArray) else lin[lgrid.block_slices(j)]


def gather(y: BlockArray, axes: tuple[int, ...], lin: Any, parsed: ParsedKey) -> BlockArray:
    """``y`` at the linear indices ``lin`` over its ``axes``: shape ``lin.shape`` followed by
    the other axes of ``y``."""
    rest = [a for a in range(y.ndim) if a not in axes]
    dims = tuple(y.shape[a] for a in axes)
    bs = tuple(y.block_shape[a] for a in axes)
    gs = tuple(y.grid_shape[a] for a in axes)
    rest_shape = tuple(y.shape[a] for a in rest)
    rest_bs = tuple(y.block_shape[a] for a in rest)
    bshape = tuple(np.shape(lin))
    nb = len(bshape)
    if isinstance(lin, BlockArray) and rest_shape:  # result blocks sized for the result (a
        # mask's positions over a matrix's columns, in one block, made one 72 MB block)
        default = make_grid(bshape + rest_shape, y.dtype, spread=True).block_shape[:nb]
        if math.prod(lin.block_shape) > math.prod(default):
            lin = rechunk(lin, default)
    lgrid, touched = index_chunks(lin, dims, bs, gs, parsed, rest_shape, y.dtype)
    grid = ArrayGrid(bshape + rest_shape, lgrid.block_shape + rest_bs, y.dtype)

    def source(sid: int, r: tuple) -> tuple[int, ...]:
        full = [0] * y.ndim
        for a, c in zip(axes, np.unravel_index(sid, gs) if gs else ()):
            full[a] = int(c)
        for a, c in zip(rest, r):
            full[a] = c
        return tuple(full)

    locals_of: dict = {}

    def task(idx, node):
        j, r = idx[:nb], idx[nb:]
        ids = [int(s) for s in touched[j]]
        c = chunk(lin, lgrid, j)
        rest_block = grid.block_shape_at(idx)[nb:]
        sources = [source(s, r) for s in ids]
        if len(ids) <= 1 or all(int(y.nodes[src]) == node for src in sources):
            # one source block, or all of them in this node's store (read in place): one task
            return submit(ik.gather_points, c, rest_block, y.dtype, axes, dims, bs, gs, ids,
                          *[y.blocks[src] for src in sources], node=node)
        # the source blocks of each node send only the points asked of them, taken where
        # they are, in one task per node (not per block: blocks x blocks tasks)
        groups: dict[int, list[int]] = {}
        for k, src in enumerate(sources):
            groups.setdefault(int(y.nodes[src]), []).append(k)
        if isinstance(c, np.ndarray):
            if j not in locals_of:  # the same for every output block of this chunk
                locals_of[j] = ik.local_coords(c, dims, bs, gs, ids)
            pieces = [submit(ik.take_locals, axes, [locals_of[j][k] for k in ks],
                             *[y.blocks[sources[k]] for k in ks], node=where)
                      for where, ks in groups.items()]
        else:
            pieces = [submit(ik.take_points, c, dims, bs, gs, ids, ks, axes,
                             *[y.blocks[sources[k]] for k in ks], node=where)
                      for where, ks in groups.items()]
        return submit(ik.place_points, c, rest_block, y.dtype, dims, bs, gs, ids,
                      list(groups.values()), *pieces, node=node)

    def reads(idx):
        j, r = idx[:nb], idx[nb:]
        out = [(y, y.grid.block_slices(source(int(s), r))) for s in touched[j]]
        if isinstance(lin, BlockArray):
            out.append((lin, lgrid.block_slices(j)))
        return out

    return BlockArray.build(grid, task, reads=reads, name="gather")
