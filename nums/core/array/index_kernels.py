"""Kernels of advanced indexing (:mod:`nums.core.array.advanced`): plain functions of numpy
blocks, run inside tasks; they never write to their inputs.

A selection of integer-array indexing is held as one array of *linear* indices ``lin``: the
position of each selected element in C order over the indexed axes ``dims`` (the axes the
index arrays address). ``-1`` marks an index that is out of bounds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from nums.core.array.kernels import canonical, own, ufunc_at, writable
from nums.core.backend.buffers import new_block, shared_view


def linear_index(*indices: np.ndarray, sizes: Sequence[int | None],
                 strides: Sequence[int]) -> np.ndarray:
    """The linear index of broadcast ``indices``: ``sum(i_j * strides[j])`` after numpy's
    normalisation of negative entries (for ``sizes[j]`` not None); ``-1`` where an index is
    out of bounds."""
    if len(indices) == 1 and sizes[0] is not None:  # one index array: one pass if in bounds
        v = np.asarray(indices[0])
        if v.dtype.kind in "iu" and v.size and 0 <= v.min() and v.max() < sizes[0]:
            return own(v.astype(np.int64, copy=False)) if strides[0] == 1 else (
                v.astype(np.int64) * strides[0])
    total = np.zeros((), dtype=np.int64)
    bad = np.zeros((), dtype=bool)
    for idx, n, stride in zip(indices, sizes, strides):
        v = np.asarray(idx, dtype=np.int64)
        if n is not None:
            v = np.where(v < 0, v + n, v)
            bad = bad | (v < 0) | (v >= n)
        total = total + v * stride
    return np.where(bad, -1, total)


def value_range(a: np.ndarray) -> tuple[int, int] | None:
    """The least and greatest entries of integer ``a`` (None when it is empty)."""
    return (int(a.min()), int(a.max())) if a.size else None


def touched_blocks(lin: np.ndarray, dims: tuple, block_shape: tuple,
                   grid_shape: tuple) -> np.ndarray:
    """The sorted linear ids (over ``grid_shape``) of the blocks ``lin`` reads, or ``[-1]``
    when an index is out of bounds."""
    lin = np.asarray(lin).reshape(-1)
    if lin.size and lin.min() < 0:
        return np.array([-1], dtype=np.int64)
    counts = np.bincount(block_ids(lin, dims, block_shape, grid_shape),
                         minlength=int(np.prod(grid_shape)))
    return np.flatnonzero(counts).astype(np.int64)


def block_ids(lin: np.ndarray, dims: tuple, block_shape: tuple, grid_shape: tuple) -> np.ndarray:
    """Per linear index, the linear id of the block (of ``block_shape``) holding it (axes of
    one block cost nothing)."""
    ids = None
    stride = int(np.prod(dims))
    gstride = int(np.prod(grid_shape))
    for i, (d, b, g) in enumerate(zip(dims, block_shape, grid_shape)):
        stride //= max(d, 1)
        gstride //= g
        if g == 1:
            continue
        c = lin // stride if stride != 1 else lin
        if i:
            c = c % d
        c = c // b
        if gstride != 1:
            c *= gstride
        ids = c if ids is None else ids + c
    return np.zeros(np.shape(lin), dtype=np.int64) if ids is None else ids.astype(
        np.int64, copy=False)


def buckets(flat: np.ndarray, dims: tuple, block_shape: tuple, grid_shape: tuple,
            ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The positions of ``flat`` grouped by the block they fall in, each group in increasing
    order: ``order[bounds[k]:bounds[k + 1]]`` are the positions in block ``ids[k]`` (``ids``:
    sorted, all the blocks ``flat`` addresses). A counting sort: the block's rank in ``ids``
    as the smallest unsigned type, which numpy's stable argsort sorts by radix."""
    return _group(_ranks(block_ids(flat, dims, block_shape, grid_shape), grid_shape, ids),
                  len(ids))


def _group(rank: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`buckets` of the ranks ``rank`` (of ``m`` blocks)."""
    order = np.argsort(rank, kind="stable")
    bounds = np.zeros(m + 1, dtype=np.intp)
    np.cumsum(np.bincount(rank, minlength=m), out=bounds[1:])
    return order, bounds


def _ranks(bid: np.ndarray, grid_shape: tuple, ids: Sequence[int]) -> np.ndarray:
    """The rank in ``ids`` (sorted, all the block ids of ``bid``) of each block id, as the
    smallest unsigned type that holds them (numpy's stable argsort sorts those by radix)."""
    m = len(ids)
    kind = np.uint8 if m <= 1 << 8 else np.uint16 if m <= 1 << 16 else np.intp
    if m == int(np.prod(grid_shape)):
        return bid.astype(kind)
    lut = np.zeros(int(np.prod(grid_shape)), dtype=kind)
    lut[np.asarray(ids, dtype=np.intp)] = np.arange(m, dtype=kind)
    return lut[bid]


# points routed per piece of this many elements: the piece's positions, ranks and
# coordinates stay in the processor's cache
PIECE = 1 << 16


def gather_points(lin: np.ndarray, rest: tuple, dtype, axes: tuple, dims: tuple,
                  block_shape: tuple, grid_shape: tuple, ids: Sequence[int],
                  *blocks: np.ndarray) -> np.ndarray:
    """``out[p, ...] = source[coords(lin[p]), ...]``: for each block ``blocks[k]`` (block
    ``ids[k]`` of the source over the indexed ``axes``), the points of ``lin`` it holds.
    The result has shape ``lin.shape + rest`` (``rest``: the block's other axes). With
    several blocks the points are routed piece by piece of ``lin`` (:data:`PIECE`
    elements), so that what routes them stays in cache."""
    flat = np.asarray(lin).reshape(-1)
    whole = new_block(np.shape(lin) + tuple(rest), dtype)
    out = whole.reshape((flat.size,) + tuple(rest))  # a view: the points in C order
    if len(ids) > 1 and tuple(axes) == (0,) and len(dims) == 1 and _gather_shared(
            flat, out, block_shape[0], grid_shape[0], ids, blocks):
        return whole
    front = tuple(range(len(axes)))
    moved = [np.moveaxis(block, axes, front) for block in blocks]
    if len(ids) <= 1:
        for (pos, local), block in zip(_by_block(flat, dims, block_shape, grid_shape, ids),
                                       moved):
            out[pos] = block[local]
        return whole
    corners = [np.unravel_index(int(s), grid_shape) for s in ids]
    step = max(1, PIECE // max(1, int(np.prod(rest))))
    for lo in range(0, flat.size, step):
        part, into = flat[lo:lo + step], out[lo:lo + step]
        order, bounds = buckets(part, dims, block_shape, grid_shape, ids)
        for k, block in enumerate(moved):
            if bounds[k] == bounds[k + 1]:
                continue
            pos = order[bounds[k]:bounds[k + 1]]
            into[pos] = block[_local(part[pos], dims, corners[k], block_shape)]
    return whole


def _gather_shared(flat: np.ndarray, out: np.ndarray, size: int, count: int,
                   ids: Sequence[int], blocks: Sequence[np.ndarray]) -> bool:
    """:func:`gather_points` along the first axis of blocks (``size`` rows each, ``count``
    of them) that lie in one store segment: each point's row in the segment is its index
    plus its block's offset there, so one ``take`` from the segment (its rows seen as items
    of the row's bytes) replaces routing the points block by block (at 1e8 elements,
    half the time of a random gather; rows of 8 float64, a quarter). False (nothing
    written) where the blocks are not in one segment at offsets a whole number of rows
    apart, or are not C-contiguous."""
    if not all(b.flags.c_contiguous for b in blocks) or not out.size or out.dtype.hasobject:
        return False  # (objects' rows cannot be seen as bytes)
    item = out.dtype
    if out.ndim > 1:  # rows as items of their bytes
        item = np.dtype((np.void, out.dtype.itemsize * math.prod(out.shape[1:])))
        blocks = [b.reshape(-1).view(item) for b in blocks]
        out = out.reshape(out.shape[0], -1).view(item).reshape(-1)
    shared = shared_view(blocks, item)
    if shared is None:
        return False
    segment, offsets = shared
    shift = np.zeros(count, dtype=np.int64)  # per block of the grid: segment offset - start
    for sid, off in zip(ids, offsets):
        shift[sid] = off - sid * size
    for lo in range(0, flat.size, PIECE):
        part = flat[lo:lo + PIECE]
        where = shift[part // size]
        where += part
        np.take(segment, where, out=out[lo:lo + PIECE], mode="clip")  # indices are valid
    return True


def _local(points: np.ndarray, dims: tuple, corner: tuple, block_shape: tuple) -> tuple:
    """Coordinates inside the block at grid ``corner`` of linear indices ``points``."""
    if len(dims) == 1:
        return (points - int(corner[0]) * block_shape[0],)
    if not dims:
        return ()
    return tuple(c - int(i) * b for c, i, b in zip(np.unravel_index(points, dims), corner,
                                                   block_shape))


def local_coords(lin: np.ndarray, dims: tuple, block_shape: tuple, grid_shape: tuple,
                 ids: Sequence[int], only: int | None = None) -> list[tuple]:
    """Per block id of ``ids`` (all the blocks ``lin`` addresses; or just ``ids[only]``),
    the coordinates inside that block of the points of ``lin`` it holds, in their order."""
    flat = np.asarray(lin).reshape(-1)
    return [tuple(np.ascontiguousarray(c) for c in local)
            for _, local in _by_block(flat, dims, block_shape, grid_shape, ids, only)]


def _by_block(flat: np.ndarray, dims: tuple, block_shape: tuple, grid_shape: tuple,
              ids: Sequence[int], only: int | None = None) -> list[tuple]:
    """Per block id of ``ids`` (all the blocks ``flat`` addresses; or just ``ids[only]``):
    the positions of ``flat`` that block holds and their coordinates inside it."""
    coords = (flat,) if len(dims) == 1 else np.unravel_index(flat, dims) if dims else ()
    if only is None:
        chosen = list(zip(ids, _positions_by_block(flat, dims, block_shape, grid_shape, ids)))
    elif len(ids) == 1:
        chosen = [(ids[0], slice(None))]
    else:
        bid = block_ids(flat, dims, block_shape, grid_shape)
        chosen = [(ids[only], np.nonzero(bid == ids[only])[0])]
    out = []
    for sid, pos in chosen:
        corner = np.unravel_index(sid, grid_shape) if dims else ()
        out.append((pos, tuple(c[pos] - int(i) * b
                               for c, i, b in zip(coords, corner, block_shape))))
    return out


def take_local(block: np.ndarray, axes: tuple, local: tuple) -> np.ndarray:
    """The points ``local`` (coordinates along ``axes``) of ``block``, with the block's other
    axes after them: what one block sends to an output block of a gather."""
    moved = np.moveaxis(block, axes, tuple(range(len(axes))))
    return own(moved[tuple(local)])


def take_locals(axes: tuple, locals_: Sequence[tuple], *blocks: np.ndarray) -> np.ndarray:
    """:func:`take_local` of several blocks of one node (``locals_[k]`` of ``blocks[k]``),
    one after the other: what they send together to an output block of a gather."""
    if len(blocks) == 1:
        return take_local(blocks[0], axes, locals_[0])
    return np.concatenate([take_local(b, axes, loc) for b, loc in zip(blocks, locals_)])


def take_points(lin: np.ndarray, dims: tuple, block_shape: tuple, grid_shape: tuple,
                ids: Sequence[int], ks: Sequence[int], axes: tuple, *blocks: np.ndarray
                ) -> np.ndarray:
    """:func:`take_locals` of the points of ``lin`` that blocks ``ids[k]`` (``k`` in ``ks``)
    hold (``ids``: all the blocks ``lin`` addresses)."""
    if len(ks) == 1:
        locals_ = local_coords(lin, dims, block_shape, grid_shape, ids, only=ks[0])
    else:
        every = local_coords(lin, dims, block_shape, grid_shape, ids)
        locals_ = [every[k] for k in ks]
    return take_locals(axes, locals_, *blocks)


def place_points(lin: np.ndarray, rest: tuple, dtype, dims: tuple, block_shape: tuple,
                 grid_shape: tuple, ids: Sequence[int], groups: Sequence[Sequence[int]],
                 *pieces: np.ndarray) -> np.ndarray:
    """An output block of a gather from the points each node sent (:func:`take_points`,
    :func:`take_locals`: ``pieces[g]`` holds those of blocks ``ids[k]``, ``k`` in
    ``groups[g]``, one block after the other), put back in the order of ``lin``."""
    flat = np.asarray(lin).reshape(-1)
    whole = new_block(np.shape(lin) + tuple(rest), dtype)
    out = whole.reshape((flat.size,) + tuple(rest))
    positions = _positions_by_block(flat, dims, block_shape, grid_shape, ids)
    for group, piece in zip(groups, pieces):
        out[positions[group[0]] if len(group) == 1 else np.concatenate(
            [positions[k] for k in group])] = piece
    return whole


def _positions_by_block(flat: np.ndarray, dims: tuple, block_shape: tuple, grid_shape: tuple,
                        ids: Sequence[int]) -> list:
    """Per block id of ``ids``, the positions of ``flat`` it holds (all of them: a slice)."""
    if len(ids) == 1:
        return [slice(None)]
    order, bounds = buckets(flat, dims, block_shape, grid_shape, ids)
    return [order[bounds[i]:bounds[i + 1]] for i in range(len(ids))]


def nonzero_from(block: np.ndarray, start: int) -> np.ndarray:
    """The positions of a 1-d block's true entries, offset by ``start``."""
    return np.flatnonzero(block).astype(np.int64) + start


def length(a: np.ndarray) -> int:
    return int(len(a))


def concat_pieces(dtype, spans: Sequence[tuple[int, int]], *pieces: np.ndarray,
                  rest: tuple = ()) -> np.ndarray:
    """``concatenate(piece[lo:hi] for each)`` along axis 0: one block of pieces of uneven
    length (each piece's other axes are ``rest``)."""
    parts = [p[lo:hi] for (lo, hi), p in zip(spans, pieces)]
    if not parts:
        return np.zeros((0,) + tuple(rest), dtype)
    return np.concatenate(parts).astype(dtype, copy=False)


def masked_concat(dtype, spans: Sequence[tuple[int, int]], rest: tuple,
                  *pairs: np.ndarray) -> np.ndarray:
    """One block of ``x[mask]`` (a 1-d mask over the rows): from each ``(block, mask)`` of
    ``pairs`` (flattened, in turn), its selected rows ``lo:hi`` of ``spans``, taken
    straight into the block (no piece of selected rows first)."""
    total = sum(hi - lo for lo, hi in spans)
    out = new_block((total,) + tuple(rest), dtype)
    at = 0
    for k, (lo, hi) in enumerate(spans):
        block, mask = pairs[2 * k], pairs[2 * k + 1]
        rows = np.flatnonzero(mask.astype(bool, copy=False))[lo:hi]
        np.take(block, rows, axis=0, out=out[at:at + hi - lo], mode="clip")  # (in range)
        at += hi - lo
    return out


def count_true(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


def masked_runs(block: np.ndarray, mask: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """``block[mask]`` (C order) and how many of its elements each row holds, a row being
    an index over the block's axes before ``axis`` (int64 counts, in C order)."""
    mask = mask.astype(bool, copy=False)
    flat = mask.reshape(-1)
    # positions then take: faster than a boolean index (a block is contiguous)
    values = block.reshape(-1).take(np.flatnonzero(flat))
    rows = math.prod(mask.shape[:axis])
    counts = np.count_nonzero(flat.reshape(rows, -1), axis=1) if rows else np.zeros(0)
    return values, counts.astype(np.int64, copy=False)


def interleave_runs(dtype, plan: Sequence[tuple[int, int, np.ndarray]],
                    *values: np.ndarray) -> np.ndarray:
    """One block of a selection made of runs (:func:`masked_runs`): for each group of
    ``plan``, ``(lo, hi, counts)`` with ``counts`` (members x rows) the members' counts per
    row, elements ``lo:hi`` of the group's sequence, which takes row after row the run of
    each member in turn; ``values``: the members' selected values, group after group."""
    out = new_block((sum(hi - lo for lo, hi, _ in plan),), dtype)
    pos = 0
    k = 0
    for lo, hi, counts in plan:
        members = counts.shape[0]
        group = values[k:k + members]
        k += members
        lengths = counts.T.reshape(-1)  # runs in order: (row, member)
        ends = np.cumsum(lengths)
        starts = (np.cumsum(counts, axis=1) - counts).T.reshape(-1)  # in each member's values
        first = int(np.searchsorted(ends, lo, side="right"))
        last = int(np.searchsorted(ends, hi, side="left")) + 1
        at = lo
        for r, end, length, start in zip(range(first, last), ends[first:last].tolist(),
                                         lengths[first:last].tolist(),
                                         starts[first:last].tolist()):
            take = min(end, hi) - at
            if take > 0:
                src = start + at - (end - length)
                out[pos:pos + take] = group[r % members][src:src + take]
                pos += take
                at += take
    return out


def masked_rows(block: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``block[mask]`` for a mask over the block's leading axes."""
    mask = mask.astype(bool, copy=False)
    if mask.ndim == 1:  # positions then take: a boolean index is slower on a random mask
        return block.take(np.flatnonzero(mask), axis=0)
    return block[mask]


# ---------------------------------------------------------------------------- scatter


def remap_linear(lin: np.ndarray, dims: tuple, starts: Sequence[int], steps: Sequence[int],
                 keep: Sequence[bool], parent_dims: tuple) -> np.ndarray:
    """Linear indices over a basic view's axes ``dims`` as linear indices over its parent's
    axes ``parent_dims``: coordinate ``c`` of a kept axis is ``start + step * c`` there
    (axes not kept are new axes of length 1); ``-1`` stays ``-1``."""
    lin = np.asarray(lin, dtype=np.int64)
    bad = lin < 0
    if lin.size == 0 or bad.all():
        return np.full(lin.shape, -1, dtype=np.int64)
    coords = np.unravel_index(np.where(bad, 0, lin), dims) if dims else ()
    mapped = [s + st * c for c, s, st, k in zip(coords, starts, steps, keep) if k]
    out = (np.ravel_multi_index(mapped, parent_dims) if parent_dims
           else np.zeros(lin.shape, dtype=np.int64))
    return np.where(bad, -1, out).astype(np.int64)



def split_pairs(lin: np.ndarray, starts: tuple, bshape: tuple, values: np.ndarray | None,
                dims: tuple, block_shape: tuple, grid_shape: tuple, ids: Sequence[int]):
    """Split one chunk of (index, value) pairs by the block each index falls in: per block
    ``ids[k]`` a tuple (positions in C order over the whole index ``bshape``, local
    coordinates of shape ``(len(dims), n)``, values of those positions or None).
    ``values`` has the chunk's shape followed by the written box's (or is None)."""
    lin = np.asarray(lin)
    flat = lin.reshape(-1)
    if lin.ndim == 1:  # positions in the whole index: the chunk's start onward
        gpos = None
    else:
        local_pos = np.unravel_index(np.arange(flat.size), lin.shape) if lin.ndim else ()
        gpos = (np.ravel_multi_index([p + s for p, s in zip(local_pos, starts)], bshape)
                if lin.ndim else np.zeros(flat.size, dtype=np.intp))
    box: tuple = ()
    if values is not None:
        box = values.shape[lin.ndim:]
        values = np.broadcast_to(values, lin.shape + box).reshape((flat.size,) + box)
    # each block's pairs, in the order of the chunk, filled piece by piece of the chunk
    # (:data:`PIECE` elements: what groups a piece stays in cache)
    m = len(ids)
    rank = _ranks(block_ids(flat, dims, block_shape, grid_shape), grid_shape, ids)
    counts = np.bincount(rank, minlength=m)
    where = [np.empty(c, dtype=np.intp) for c in counts]
    points = [np.empty(c, dtype=flat.dtype) for c in counts]
    vals = [None if values is None else np.empty((c,) + box, dtype=values.dtype)
            for c in counts]
    filled = np.zeros(m, dtype=np.intp)
    step = max(1, PIECE // max(1, int(np.prod(box))))
    for lo in range(0, flat.size, step):
        part = flat[lo:lo + step]
        order, bounds = _group(rank[lo:lo + step], m)
        at = order + lo if gpos is None else gpos[lo:lo + step][order]
        if gpos is None:
            at += starts[0]
        sorted_points = part[order]
        sorted_vals = None if values is None else values[lo:lo + step][order]
        for k in np.flatnonzero(np.diff(bounds)):
            a, b, f = bounds[k], bounds[k + 1], filled[k]
            where[k][f:f + b - a] = at[a:b]
            points[k][f:f + b - a] = sorted_points[a:b]
            if sorted_vals is not None:
                vals[k][f:f + b - a] = sorted_vals[a:b]
            filled[k] += b - a
    corners = [np.unravel_index(int(s), grid_shape) for s in ids]
    out = []
    for k in range(m):
        if len(dims) == 1:  # in place: the coordinates inside the block
            local = points[k].astype(np.intp, copy=False)
            local -= int(corners[k][0]) * block_shape[0]
        else:
            local = np.array(_local(points[k], dims, corners[k], block_shape),
                             dtype=np.intp)
        local = local.reshape(len(dims), where[k].size)
        out.append((where[k], local, vals[k]))
    return out[0] if len(out) == 1 else tuple(out)


def scatter_pairs(block: np.ndarray, axes: tuple, others: tuple, other_keys: tuple,
                  ufunc, scalar, *pieces: tuple) -> np.ndarray:
    """``block`` (:func:`~nums.core.array.kernels.writable`) with the pairs of ``pieces``
    (from :func:`split_pairs`) written in their C order over the index, so that of repeated
    indices the last wins (numpy's assignment), or applied with ``ufunc.at`` (repeats
    accumulate). The block's ``axes`` take the coordinates, its other axes the keys
    ``other_keys``; ``scalar`` is the value when the pieces carry none."""
    out = writable(block)
    moved = np.moveaxis(out, tuple(axes) + tuple(others), tuple(range(out.ndim)))
    per_value = pieces[0][2] is not None
    used = [p for p in pieces if p[0].size]
    if len(axes) and all(a[0][-1] < b[0][0] for a, b in zip(used, used[1:])):
        # each piece's positions increase (split_pairs keeps them in order) and the pieces
        # follow each other (the chunks of a 1-d index, in order): applied piece by piece,
        # the pairs are applied in C order
        for p in used:
            _write(moved, tuple(p[1]) + tuple(other_keys), p[2] if per_value else scalar,
                   ufunc)
        return out
    gpos = np.concatenate([p[0] for p in pieces])
    order = np.argsort(gpos, kind="stable")
    coords = np.concatenate([p[1] for p in pieces], axis=1)[:, order]
    vals = np.concatenate([p[2] for p in pieces])[order] if per_value else scalar
    if not len(axes):  # boolean scalars only: each pair writes the whole selection
        for i in range(gpos.size):
            v = vals if scalar is not None or vals is None else vals[i]
            _write(moved, tuple(other_keys), v, ufunc)
        return out
    _write(moved, tuple(coords) + tuple(other_keys), vals, ufunc)
    return out


def write_range(ufunc, lo: int, sizes: Sequence[int], size: int, nchunks: int, scalar,
                *args: np.ndarray):
    """New blocks of a 1-d array (of ``size`` elements) for a run of its blocks (``args``
    begins with them; they hold elements ``lo ..`` and have ``sizes``) after the pairs of
    every chunk of index (the next ``nchunks`` of ``args``, 1-d, in bounds, in order) and
    values (the rest of ``args``, blocked like the index; or ``scalar``) that fall in the
    run are written, in the index's order (the last of repeated indices wins), or applied
    with ``ufunc.at`` (repeats accumulate). One new block per size. (The first and the last
    run compare each index once.)"""
    n = len(sizes)
    blocks, chunks, vals = args[:n], args[n:n + nchunks], args[n + nchunks:]
    hi = lo + sum(sizes)
    run = canonical(np.concatenate(blocks))  # a private copy: written in place
    for j, chunk in enumerate(chunks):
        chunk = canonical(chunk)
        values = canonical(vals[j]) if vals else None
        # piece by piece: small temporaries, reused without page faults
        for start in range(0, chunk.size, PIECE):
            c = chunk[start:start + PIECE]
            # positions then take: a boolean index of a random mask is several times slower
            inside = np.flatnonzero((c >= lo) & (c < hi) if lo and hi < size else
                                    c < hi if hi < size else c >= lo)
            at = c.take(inside)
            at -= lo
            v = values[start:start + PIECE].take(inside) if vals else scalar
            _write(run, (at,), v, ufunc)
    out, start = [], 0
    for size in sizes:
        block = new_block((size,), run.dtype)
        block[...] = run[start:start + size]
        out.append(block)
        start += size
    return out[0] if n == 1 else tuple(out)


def _write(target: np.ndarray, key: tuple, values, ufunc) -> None:
    if ufunc is None:
        target[key] = values
    else:
        ufunc_at(ufunc, target, key, values)


def unravel_axis(lin: np.ndarray, shape: tuple, axis: int) -> np.ndarray:
    """Coordinate ``axis`` of C-order positions ``lin`` in an array of ``shape``."""
    return np.unravel_index(lin, shape)[axis].astype(np.int64)


def axes_first(block: np.ndarray, axes: tuple) -> np.ndarray:
    """``block`` with ``axes`` moved to the front (in order)."""
    return own(np.moveaxis(block, axes, tuple(range(len(axes)))))
