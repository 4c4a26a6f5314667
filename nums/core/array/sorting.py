"""Sorting and the operations built on it, without gathering the data.

- Along an axis that lies inside the blocks: one task per block (:func:`sort_along`).
  An n-d array split along the sort axis is first rechunked so the axis is whole.
- A 1-D array in several blocks: a parallel sample sort (:func:`sample_sort`). Runs of
  consecutive blocks are sorted by one task each (a run of one block, argsort: only its
  local order, the values read as ``block[order]``), which also takes regular samples.
  Splitters are ``(value, run, position)`` triples, which orders equal values by run and
  position: the stable order, so ``argsort`` is stable and splitting never depends on
  ties. The driver bounds every sample's global rank from the samples around it, so that
  two samples bracket each bucket boundary (buckets: consecutive blocks of the default
  output grid); the runs report where those cut them, and one small task per boundary
  finds the exact cut among the entries in between (:func:`_exact_cuts`). One task per
  bucket then merges its parts of the runs, read in place, into its output blocks.
  Runs and buckets are sized so that their pairs (the pieces exchanged) number about the
  blocks (:func:`sort_parts`): the cost grows with the blocks, not their square.
- Memory (issue 12): beyond the input, the sorted runs plus the output, never both
  whole: a sorted run is kept as chunks (separate objects), and a chunk is freed as
  soon as the merges that read it are done; merges work in parts of a bounded size. Only
  parts of runs on another node are cut out and moved.
- :func:`compact`: the entries of a 1-D array where a mask is true (``x[mask]`` without
  fetching the mask), from per-block pieces and their counts.

Values reach the driver only as samples, splitters and counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from nums.core import context
from nums.core.array import kernels, sort_kernels
from nums.core.array.blockarray import (
    BlockArray,
    backend,
    block_limit,
    fits_local,
    make_grid,
    node_of,
    resident,
    submit,
    worker_count,
)
from nums.core.array.fusion import consumed, submit_on
from nums.core.array.regions import region
from nums.core.array.relayout import rechunk
from nums.core.graph.grid import default_block_shape

OVERSAMPLE = 32  # samples per run and bucket
MIN_CHUNK_BYTES = 256 * 2**10  # smallest chunk of a sorted run
SELECT_SAMPLES = 20000  # samples of a selection (all blocks together)
# The sample sort's units of work, runs (input blocks sorted by one task) and buckets
# (output blocks merged by one task), number about the square root of the blocks, so that
# the pieces exchanged, runs x buckets (a task argument each), number about the blocks
# (every block its own run and bucket made blocks^2: 1e6 float64 in 4 KiB blocks sorted
# in 47 s); each holds at least RUN_MIN_BYTES (a task's overhead is small beside sorting
# that much) and at most RUN_MAX_BYTES or one block (a task's memory); one per worker.
RUN_MIN_BYTES = 256 * 2**10
RUN_MAX_BYTES = 64 * 2**20


def whole_axis(x: BlockArray, axis: int) -> BlockArray:
    """``x`` rechunked (if needed) so that ``axis`` lies inside every block, the other axes
    split so that blocks keep about the session's block size, or the input's blocks' extents
    along them while such blocks hold at most ``RUN_MIN_BYTES`` and there are at least as
    many as workers (each input block then goes to one block, not to many thin ones:
    (1000, 400) in 4 KiB blocks, 44 x 18 of them, into 500 blocks of two rows took 0.4 s)."""
    if x.grid.grid_shape[axis] <= 1:
        return x
    ctx = context.get()
    n = max(1, x.shape[axis])
    others = [m for d, m in enumerate(x.shape) if d != axis]
    budget = max(x.dtype.itemsize, ctx.settings.block_bytes // n)
    sub = list(default_block_shape(others, x.dtype, budget, ctx.num_workers))
    kept = [b for d, b in enumerate(x.grid.block_shape) if d != axis]
    if (math.prod(kept) * n * x.dtype.itemsize <= max(RUN_MIN_BYTES, ctx.settings.block_bytes)
            and math.prod(-(-m // k) for m, k in zip(others, kept)) >= ctx.num_workers):
        sub = [max(s, k) for s, k in zip(sub, kept)]
    sub.insert(axis, n)
    return rechunk(x, tuple(sub))


def sort_along(x: BlockArray, axis: int, arg: bool, kind: Any = None) -> BlockArray:
    """``np.sort``/``np.argsort`` (stable) of ``x`` along ``axis``."""
    dtype = np.dtype(np.intp) if arg else x.dtype
    if x.ndim == 1 and x.grid.grid_shape[0] > 1:
        return sample_sort(x, arg, kind)
    x = whole_axis(x, axis)
    return x.map_blocks(sort_kernels.sort_lanes, axis, arg, 0,
                        "stable" if arg else kind, dtype=dtype)


FETCH_BLOCKS = 4  # a 1-D array of at most this many blocks' bytes is partitioned in the driver


def partition_along(x: BlockArray, kth: Any, axis: int, arg: bool, kind: str) -> BlockArray:
    """``np.partition``/``np.argpartition`` along ``axis``: NumPy's own per block when the
    axis fits in blocks (a 1-D array that fits one default block is put in one); a split
    1-D array small enough to be driver-resident, in a few of the session's blocks, is
    fetched and partitioned by NumPy in the driver (a top-k of a 4e6 vector of row norms:
    one copy and NumPy's selection, where a sort took 15 times as long); a larger one, or
    one split in many blocks on purpose, is sorted (a valid partition for every ``kth``)."""
    if x.ndim == 1 and x.grid.grid_shape[0] > 1:
        if (fits_local(x.shape, x.dtype) and x.nbytes <= FETCH_BLOCKS * block_limit()
                and not x.dtype.hasobject):
            fn = np.argpartition if arg else np.partition
            return resident(fn(x.get(), kth, kind=kind))
        if make_grid(x.shape, x.dtype, spread=True).grid_shape != (1,):
            return sort_along(x, axis, arg)
        x = rechunk(x, None)
    x = whole_axis(x, axis)
    return x.map_blocks(sort_kernels.partition_lanes, kth, axis, arg, kind,
                        dtype=np.intp if arg else x.dtype)


def sort_parts(nbytes: int, nblocks: int) -> int:
    """How many runs (or buckets) the sample sort makes of ``nbytes`` in ``nblocks`` blocks
    (see ``RUN_MIN_BYTES``)."""
    part = min(max(nbytes / math.sqrt(nblocks), RUN_MIN_BYTES),
               max(RUN_MAX_BYTES, nbytes / nblocks))
    return max(1, min(nblocks, max(math.ceil(nbytes / part), worker_count())))


def sample_sort(x: BlockArray, arg: bool = False, kind: Any = None,
                payload: BlockArray | None = None, with_values: bool = False) -> Any:
    """The sorted values of the 1-D ``x`` (``arg``: the stable argsort; ``payload``: the
    entries of ``payload``, aligned with ``x``, in the stable sorted order of ``x``), in the
    default grid; ``with_values`` (with ``arg`` or ``payload``): a pair, that and the sorted
    values in the same grid. Consecutive input blocks are sorted together in runs, and
    consecutive output blocks are merged together in buckets (:func:`sort_parts`)."""
    n = x.shape[0]
    carry = arg or payload is not None
    dtype = np.dtype(np.intp) if arg else (payload.dtype if payload is not None else x.dtype)
    out_grid = make_grid((n,), dtype, spread=True)
    nout = out_grid.grid_shape[0] if n else 1
    nb = x.grid.grid_shape[0]
    nbuckets = sort_parts(n * dtype.itemsize, nout)
    nruns = sort_parts(n * x.dtype.itemsize, nb)
    groups = [nb * r // nruns for r in range(nruns + 1)]
    buckets = [nout * b // nbuckets for b in range(nbuckets + 1)]
    # a run is (chunks, offset, node); a chunk (values, order, payload, start, stop) is
    # what merge_runs reads: sorted values, or with ``order`` the block and its argsort
    runs, sample_refs, lengths = [], [], []
    for r in range(nruns):
        run, samples, length = _sort_run(x, groups[r], groups[r + 1], carry, kind,
                                         OVERSAMPLE * nbuckets, nbuckets, payload, r)
        runs.append(run)
        sample_refs.append(samples)
        lengths.append(length)
    step = out_grid.block_shape[0]
    targets = [buckets[b] * step for b in range(1, nbuckets)]
    cuts = _exact_cuts(backend().get(sample_refs), lengths, targets, runs)
    outs = 2 if with_values else 1
    blocks = [np.empty(out_grid.grid_shape, dtype=object) for _ in range(outs)]
    out_nodes = np.zeros(out_grid.grid_shape, dtype=np.int64)
    for b in range(nbuckets):
        node = node_of((b,))
        k0, k1 = buckets[b], buckets[b + 1]
        sizes = [min(step, n - k * step) for k in range(k0, k1)]
        specs, refs, _ = _gather_runs(runs, cuts[:, b], cuts[:, b + 1], node, carry)
        out = submit(sort_kernels.merge_runs, sizes, dtype, carry, specs, *refs,
                     values_dtype=x.dtype if with_values else None, node=node,
                     num_returns=outs * len(sizes))
        out = out if outs * len(sizes) > 1 else [out]
        for j in range(outs):
            for k in range(k0, k1):
                blocks[j][k] = out[j * len(sizes) + k - k0]
        out_nodes[k0:k1] = node
    result = BlockArray(out_grid, blocks[0], out_nodes)
    if not with_values:
        return result
    return result, BlockArray(out_grid.with_dtype(x.dtype), blocks[1], out_nodes.copy())


def argsort_values(x: BlockArray) -> tuple[BlockArray, BlockArray | None]:
    """The stable argsort of the 1-D ``x`` and, when ``x`` is in several blocks, ``x`` in
    that order from the same sort (None for one block: ``x[perm]`` is one task then)."""
    if x.grid.grid_shape[0] > 1:
        return sample_sort(x, arg=True, with_values=True)
    return sort_along(x, 0, True), None


def _sort_run(x: BlockArray, g0: int, g1: int, carry: bool, kind: Any, nsamples: int,
              nchunks: int, payload: BlockArray | None, r: int) -> tuple[tuple, Any, int]:
    """Submit the sort of run ``r``, blocks ``[g0, g1)`` of the 1-D ``x``: ``(run, ref of
    its samples, its length)``, the run in chunks of at least ``MIN_CHUNK_BYTES`` (at most
    ``nchunks``). One block keeps only its argsort when carrying (its sorted values are
    ``block[order]``); several are sorted into new arrays, values and what they carry."""
    step, n = x.grid.block_shape[0], x.shape[0]
    lo, hi = g0 * step, min(g1 * step, n)
    length = hi - lo
    nchunks = max(1, min(nchunks, length * x.dtype.itemsize // MIN_CHUNK_BYTES))
    bounds = [(length * k) // nchunks for k in range(nchunks + 1)]
    spans = list(zip(bounds[:-1], bounds[1:]))
    node = _run_node(x.nodes[g0:g1], r)
    pay = None if payload is None else region(payload, (slice(lo, hi),), node)[0]
    if g1 - g0 == 1:
        block = x.blocks[(g0,)]
        out = submit(sort_kernels.sort_and_sample, block, carry, nsamples, kind, bounds,
                     node=node, num_returns=nchunks + 1)
        chunks = [(block, c, pay, a, b) if carry else (c, None, None, a, b)
                  for c, (a, b) in zip(out[1:], spans)]
    else:
        out = submit(sort_kernels.sort_group, carry, nsamples, kind, bounds, lo, pay,
                     *[x.blocks[(i,)] for i in range(g0, g1)], node=node,
                     num_returns=1 + nchunks * (2 if carry else 1))
        carried = out[1 + nchunks:] if carry else [None] * nchunks
        chunks = [(v, None, c, a, b) for v, c, (a, b) in zip(out[1:1 + nchunks], carried, spans)]
    return (chunks, lo, node), out[0], length


def _run_node(nodes: np.ndarray, r: int) -> int:
    """The node of a run's task: the one holding most of its blocks (``nodes``), run ``r``'s
    block-cyclic node among equals (runs of blocks spread evenly over the nodes are too)."""
    counts = np.bincount(np.asarray(nodes, np.int64).reshape(-1))
    pref = node_of((r,))
    if pref < len(counts) and counts[pref] == counts.max():
        return pref
    return int(np.argmax(counts))


def _gather_runs(runs: list, lo: np.ndarray, hi: np.ndarray, node: int, carry: bool
                 ) -> tuple[list, list, list]:
    """The non-empty parts ``[lo[i], hi[i])`` of the sorted runs, for a task on ``node``:
    ``(specs, refs)`` as :func:`sort_kernels.merge_runs` reads them, one per chunk it
    touches. A chunk on the same node is read in place; those on another node are cut out
    there first, in one task per node (only they travel). Third: the run of each part."""
    specs, refs, owners = [], [], []
    away: dict[int, list] = {}  # node -> its parts (positions in specs)
    for i, (chunks, offset, where) in enumerate(runs):
        a, b = int(lo[i]), int(hi[i])
        for values, order, pay, c0, c1 in chunks:
            ca, cb = max(a, c0) - c0, min(b, c1) - c0
            if ca >= cb:
                continue
            owners.append(i)
            specs.append((ca, cb, offset))
            refs += [values, order, pay]
            if where != node:
                away.setdefault(where, []).append(len(specs) - 1)
    for where, ks in away.items():
        v, c = submit(sort_kernels.run_pieces, carry, [specs[k] for k in ks],
                      *[r for k in ks for r in refs[3 * k:3 * k + 3]], node=where,
                      num_returns=2)
        at = 0
        for k in ks:
            n = specs[k][1] - specs[k][0]
            specs[k] = (at, at + n, 0)
            refs[3 * k:3 * k + 3] = [v, None, c]
            at += n
    return specs, refs, owners


def _rank_bounds(pos: np.ndarray, bids: np.ndarray, lengths: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of the global rank (entries before it) of each sample, the samples given in
    sorted order by their run ``bids`` and position ``pos`` in that run's sorted order.

    A sample has at least, from each other run, the entries up to and including that
    run's last sample before it, and at most those before that run's next sample after
    it. Walking the samples in order, only the sample's own run changes its term: the
    bounds are running sums of those changes."""
    m = len(pos)
    by_run = np.argsort(bids, kind="stable")  # each run's samples, in order
    first = np.ones(m, bool)
    first[1:] = bids[by_run[1:]] != bids[by_run[:-1]]
    last = np.ones(m, bool)
    last[:-1] = first[1:]
    prev = np.empty(m, np.int64)  # the position of the run's previous sample (-1: none)
    prev[by_run] = np.where(first, -1, np.roll(pos[by_run], 1))
    nxt = np.empty(m, np.int64)  # of its next sample (the run's length: none)
    nxt[by_run] = np.where(last, lengths[bids[by_run]], np.roll(pos[by_run], -1))
    lower = np.cumsum(pos - prev) - 1
    upper = int(lengths.sum()) - np.cumsum((nxt - pos)[::-1])[::-1]
    return lower, upper


def _exact_cuts(samples: list, lengths: Sequence[int], targets: Sequence[int], runs: list
                ) -> np.ndarray:
    """Cut positions ``(runs, len(targets) + 2)`` of the sorted runs such that cut column
    ``r + 1`` leaves exactly ``targets[r]`` entries (in the stable order) to its left;
    column 0 is 0, the last the run lengths.

    Splitters are ``(value, run, position)`` triples (:func:`_rank_bounds` bounds their
    global ranks): for each target, the last sample whose upper bound is at most the target
    and the first whose lower bound is at least it bracket it. The runs report where those
    samples cut them; a target between its bracket's cuts is found by one small task on the
    entries in between (:func:`sort_kernels.split_runs`)."""
    nb = len(lengths)
    lengths = np.asarray(lengths, np.int64)
    cuts = np.zeros((nb, len(targets) + 2), np.int64)
    cuts[:, -1] = lengths
    if not targets:
        return cuts
    values = np.concatenate([s[0] for s in samples])
    pos = np.concatenate([s[1] for s in samples]).astype(np.int64)
    bids = np.concatenate([np.full(len(s[1]), i, np.intp) for i, s in enumerate(samples)])
    order = np.lexsort((pos, bids, values))
    values, pos, bids = values[order], pos[order], bids[order]
    m = len(order)
    lower, upper = _rank_bounds(pos, bids, lengths)
    t = np.asarray(targets, np.int64)
    lo_j = np.searchsorted(upper, t, side="right") - 1  # last with upper <= target
    hi_j = np.searchsorted(lower, t, side="left")  # first with lower >= target
    picks = np.concatenate([np.maximum(lo_j, 0), np.minimum(hi_j, m - 1)])
    sv, sb, sp = values[picks], bids[picks], pos[picks]
    pos_refs = [submit(sort_kernels.cut_positions, i, sv, sb, sp,
                       *[ref for v, o, _, _, _ in chunks for ref in (v, o)], node=where)
                for i, (chunks, _, where) in enumerate(runs)]
    at = np.stack(backend().get(pos_refs)).astype(np.int64)  # (runs, 2 * targets)
    k = len(targets)
    lo_cut = np.where(lo_j[None, :] >= 0, at[:, :k], 0)
    hi_cut = np.where(hi_j[None, :] < m, at[:, k:], lengths[:, None])
    found = {}
    for r, target in enumerate(targets):
        below = int(lo_cut[:, r].sum())
        if below == target:
            cuts[:, r + 1] = lo_cut[:, r]
        elif int(hi_cut[:, r].sum()) == target:
            cuts[:, r + 1] = hi_cut[:, r]
        else:
            node = node_of((r,))
            specs, refs, owners = _gather_runs(runs, lo_cut[:, r], hi_cut[:, r], node, False)
            found[r] = (owners, submit(sort_kernels.split_runs, target - below, specs, *refs,
                                     node=node))
            cuts[:, r + 1] = lo_cut[:, r]
    if found:
        taken = backend().get([f[1] for f in found.values()])
        for (r, (owners, _)), add in zip(found.items(), taken):
            np.add.at(cuts[:, r + 1], owners, np.asarray(add, np.int64))
    return cuts


def from_pieces(refs: Sequence[Any], sizes: Sequence[int], grid: Any) -> BlockArray:
    """A 1-D BlockArray on ``grid`` holding the concatenation of 1-D pieces (``refs[i]`` of
    ``sizes[i]`` entries; None for an empty piece)."""
    starts = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
    if int(starts[-1]) != grid.shape[0]:
        raise ValueError(f"pieces hold {int(starts[-1])} entries, the grid {grid.shape[0]}")

    def task(idx: tuple[int, ...], node: int) -> Any:
        sl = grid.block_slices(idx)[0]
        lo, hi = sl.start, sl.stop
        specs, parts = [], []
        first = int(np.searchsorted(starts, lo, side="right")) - 1  # (pieces it overlaps)
        for k in range(first, int(np.searchsorted(starts, hi, side="left"))):
            a, b = max(lo, int(starts[k])), min(hi, int(starts[k + 1]))
            if a < b:
                specs.append((a - int(starts[k]), b - int(starts[k]), a - lo))
                parts.append(refs[k])
        return submit(kernels.flat_gather, (hi - lo,), grid.dtype, specs, *parts, node=node)

    return BlockArray.build(grid, task)


def packs(x: BlockArray) -> dict[int, list]:
    """The blocks of the 1-D ``x`` as fewer objects, for tasks that each read all of them
    (searchsorted, isin): per node, its blocks in grid order joined into packs of at
    most ``RUN_MAX_BYTES`` (a block that large on its own: as it is), one task each; every
    block its own argument made blocks x blocks (searchsorted of 391 blocks in 4 KiB
    blocks: 2.1 s). A sorted array's blocks on one node, joined in order, are sorted.
    Returns node -> its packs."""
    step = x.grid.block_shape[0]
    itemsize = max(1, x.dtype.itemsize)
    out: dict[int, list] = {}
    groups: dict[int, list] = {}  # node -> blocks of the pack being filled
    sizes: dict[int, int] = {}

    def close(node: int) -> None:
        ids = groups.pop(node)
        sizes.pop(node)
        refs = [x.blocks[(i,)] for i in ids]
        out.setdefault(node, []).append(
            refs[0] if len(refs) == 1 else submit(kernels.concatenate, 0, *refs, node=node))

    for i in range(x.grid.grid_shape[0]):
        node = int(x.nodes[(i,)])
        nbytes = min(step, x.shape[0] - i * step) * itemsize
        if node in groups and sizes[node] + nbytes > RUN_MAX_BYTES:
            close(node)
        groups.setdefault(node, []).append(i)
        sizes[node] = sizes.get(node, 0) + nbytes
    for node in list(groups):
        close(node)
    return out


def compact(x: BlockArray, mask: BlockArray) -> BlockArray:
    """``x[mask]`` for 1-D ``x`` and a boolean ``mask`` of its shape, in the default grid;
    only the per-block counts reach the driver."""
    grid = x.grid
    refs, count_refs = [], []
    for idx in grid.indices():
        node = int(x.nodes[idx])
        m = region(mask, grid.block_slices(idx), node)[0]
        piece, count = submit(_select, x.blocks[idx], m, node=node, num_returns=2)
        refs.append(piece)
        count_refs.append(count)
    counts = [int(c) for c in backend().get(count_refs)] if count_refs else []
    total = sum(counts)
    out = make_grid((total,), x.dtype, spread=True)
    return from_pieces([r if c else None for r, c in zip(refs, counts)], counts, out)


def adjacent(x: BlockArray, mode: str, equal_nan: bool = False, fill: Any = None
             ) -> BlockArray:
    """Compare every entry of a sorted 1-D array with its neighbours, one task per block
    (see :func:`nums.core.array.sort_kernels.adjacent`); a neighbour in another block
    arrives as a one-entry slice (:func:`nums.core.array.sort_kernels.ends`)."""
    grid = x.grid
    dtype = x.dtype if mode == "gap" else np.dtype(np.bool_)
    nb = grid.grid_shape[0]
    blocks = x.blocks
    # each block's first and last entry, in one task per block
    ends = [submit(sort_kernels.ends, blocks[(i,)], node=int(x.nodes[(i,)]), num_returns=2)
            for i in range(nb)] if nb > 1 else []

    def task(idx: tuple[int, ...], node: int) -> Any:
        i = idx[0]
        prev = None if i == 0 else ends[i - 1][1]
        nxt = None if i == nb - 1 else ends[i + 1][0]
        return submit(sort_kernels.adjacent, blocks[idx], prev, nxt, mode, equal_nan, fill,
                      node=node)

    return BlockArray.build(grid.with_dtype(dtype), task)


def _select(block: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, int]:
    out = block[mask]
    return out, int(out.shape[0])


def take_sorted(s: BlockArray, positions: np.ndarray) -> np.ndarray:
    """The entries of a 1-D BlockArray at a few ``positions`` (fetched to the driver)."""
    positions = np.asarray(positions, dtype=np.intp).reshape(-1)
    if positions.size == 0:
        return np.empty(0, s.dtype)
    grid = s.grid
    step = grid.block_shape[0]
    refs, where = [], []
    wanted: dict[int, list[int]] = {}
    for k, p in enumerate(positions):
        wanted.setdefault(int(p) // step, []).append(k)
    for b, ks in wanted.items():
        local = [int(positions[k]) - b * step for k in ks]
        refs.append(submit(kernels.take_ix, s.blocks[(b,)], [local], node=int(s.nodes[(b,)])))
        where.append(ks)
    out = np.empty(positions.size, s.dtype)
    for ks, v in zip(where, backend().get(refs)):
        out[ks] = v
    return out



def select(x: BlockArray, ranks: Sequence[int], n_valid: int) -> np.ndarray | None:
    """The entries of the given ranks (0-based, ascending order, NaNs excluded: ``n_valid``
    entries are not NaN) of a 1-D int or float array, without sorting it: samples give each
    rank a bracket of values; every block counts the entries below each bracket and cuts out
    those inside (the counts reach the driver); one task per rank picks it from the
    bracket's entries. None when a bracket misses its rank or holds too many entries (the
    caller sorts instead)."""
    ranks = np.asarray(ranks, dtype=np.int64).reshape(-1)
    grid = x.grid
    nb = grid.grid_shape[0]
    per = max(1, SELECT_SAMPLES // max(nb, 1))
    x = consumed(x, once=False)  # a column is read in its matrix's blocks, by both passes
    refs = [submit_on(sort_kernels.strided_sample, x, (i,), per, node=int(x.nodes[(i,)]))
            for i in range(nb)]
    samples = np.concatenate(backend().get(refs))
    if samples.dtype.kind == "f":
        samples = samples[~np.isnan(samples)]
    samples = np.sort(samples)
    m = samples.shape[0]
    if m == 0 or n_valid == 0:
        return None
    margin = int(4 * math.sqrt(m)) + 2
    centre = ranks * (m / n_valid)
    lo_i = np.floor(centre).astype(np.int64) - margin
    hi_i = np.ceil(centre).astype(np.int64) + margin
    lo_open, hi_open = lo_i < 0, hi_i > m - 1
    lo = samples[np.clip(lo_i, 0, m - 1)]
    hi = samples[np.clip(hi_i, 0, m - 1)]
    cuts = [submit_on(sort_kernels.bracket, x, (i,), lo, hi, lo_open, hi_open, passes=6,
                      node=int(x.nodes[(i,)]), num_returns=1 + len(ranks)) for i in range(nb)]
    counts = np.stack(backend().get([c[0] for c in cuts]))  # (blocks, 2, ranks)
    below, inside = counts[:, 0].sum(axis=0), counts[:, 1].sum(axis=0)
    limit = max(n_valid // 4, 4 * SELECT_SAMPLES)
    if np.any(ranks < below) or np.any(ranks >= below + inside) or np.any(inside > limit):
        return None
    picks = []
    for r, k in enumerate(ranks):
        parts = [cuts[i][1 + r] for i in range(nb) if counts[i, 1, r]]
        picks.append(submit(sort_kernels.pick_sorted, int(k - below[r]), *parts,
                            node=node_of((r,))))
    return np.concatenate(backend().get(picks)).astype(x.dtype, copy=False)
