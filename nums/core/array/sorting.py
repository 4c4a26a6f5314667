"""Sorting and the operations built on it, without gathering the data.

- Along an axis that lies inside the blocks: one task per block (:func:`sort_along`).
  An n-d array split along the sort axis is first rechunked so the axis is whole.
- A 1-D array in several blocks: a parallel sample sort (:func:`sample_sort`). Tasks sort
  their blocks (argsort: only the local order; the values are read as ``block[order]``)
  and take regular samples. Splitters are ``(value, block, position)`` triples, which
  orders equal values by block and position: the stable order, so ``argsort`` is stable
  and splitting never depends on ties. The driver bounds every sample's global rank from
  the samples around it, so that two samples bracket each boundary of the output grid;
  the blocks report where those cut them, and one small task per boundary finds the exact
  cut among the entries in between (:func:`_exact_cuts`). One task per output block then
  merges its runs, read in place from the sorted blocks, into the block of the default
  grid directly.
- Memory (issue 12): beyond the input, the sorted blocks plus the output, never both
  whole: a sorted block is kept as chunks (separate objects), and a chunk is freed as
  soon as the merges that read it are done; merges gather their runs into one buffer (the
  output block itself for ``sort``). Only runs on another node are cut out and moved.
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
)
from nums.core.array.fusion import consumed, submit_on
from nums.core.array.regions import region
from nums.core.array.relayout import rechunk
from nums.core.graph.grid import default_block_shape

OVERSAMPLE = 32  # samples per block and output range
MIN_CHUNK_BYTES = 256 * 2**10  # smallest chunk of a locally sorted block
SELECT_SAMPLES = 20000  # samples of a selection (all blocks together)


def whole_axis(x: BlockArray, axis: int) -> BlockArray:
    """``x`` rechunked (if needed) so that ``axis`` lies inside every block, the other axes
    split so that blocks keep about the session's block size."""
    if x.grid.grid_shape[axis] <= 1:
        return x
    ctx = context.get()
    n = max(1, x.shape[axis])
    others = [m for d, m in enumerate(x.shape) if d != axis]
    budget = max(x.dtype.itemsize, ctx.settings.block_bytes // n)
    sub = list(default_block_shape(others, x.dtype, budget, ctx.num_workers))
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


def sample_sort(x: BlockArray, arg: bool = False, kind: Any = None,
                payload: BlockArray | None = None) -> BlockArray:
    """The sorted values of the 1-D ``x`` (``arg``: the stable argsort; ``payload``: the
    entries of ``payload``, aligned with ``x``, in the stable sorted order of ``x``)."""
    n = x.shape[0]
    carry = arg or payload is not None
    dtype = np.dtype(np.intp) if arg else (payload.dtype if payload is not None else x.dtype)
    out_grid = make_grid((n,), dtype, spread=True)
    nranges = out_grid.grid_shape[0] if n else 1
    grid = x.grid
    nblocks = grid.grid_shape[0]
    step = grid.block_shape[0]
    lengths = [grid.block_slices((i,))[0].stop - i * step for i in range(nblocks)]
    # per block: regular samples and its local order (the sorted block, or its argsort) in
    # chunks; a run is (values, order chunks, payload, offset, node): the sorted values of
    # the block are values[order] (values None: the chunks hold them)
    runs, sample_refs = [], []
    for i in range(nblocks):
        node = int(x.nodes[(i,)])
        pay = None if payload is None else region(payload, grid.block_slices((i,)), node)[0]
        nchunks = max(1, min(nranges, lengths[i] * x.dtype.itemsize // MIN_CHUNK_BYTES))
        bounds = [(lengths[i] * k) // nchunks for k in range(nchunks + 1)]
        out = submit(sort_kernels.sort_and_sample, x.blocks[(i,)], carry,
                     OVERSAMPLE * nranges, kind, bounds, node=node, num_returns=nchunks + 1)
        chunks = list(zip(out[1:], bounds[:-1], bounds[1:]))
        runs.append((x.blocks[(i,)] if carry else None, chunks, pay, i * step, node))
        sample_refs.append(out[0])
    targets = [r * out_grid.block_shape[0] for r in range(1, nranges)]
    cuts = _exact_cuts(backend().get(sample_refs), lengths, targets, runs)
    blocks = np.empty(out_grid.grid_shape, dtype=object)
    out_nodes = np.zeros(out_grid.grid_shape, dtype=np.int64)
    for r in range(nranges):
        out_nodes[r] = node = node_of((r,))
        specs, refs, _ = _gather_runs(runs, cuts[:, r], cuts[:, r + 1], node, carry)
        blocks[r] = submit(sort_kernels.merge_runs, int((cuts[:, r + 1] - cuts[:, r]).sum()),
                           dtype, carry, specs, *refs, node=node)
    return BlockArray(out_grid, blocks, out_nodes)


def _gather_runs(runs: list, lo: np.ndarray, hi: np.ndarray, node: int, carry: bool
                 ) -> tuple[list, list, list]:
    """The non-empty runs ``[lo[i], hi[i])`` of the blocks' local orders, for a task on
    ``node``: ``(specs, refs)`` as :func:`sort_kernels.merge_runs` reads them, one run per
    chunk it touches. A run on the same node is read in place; the runs on another node are
    cut out there first, in one task per node (only they travel). Third: the block of each
    run."""
    specs, refs, owners = [], [], []
    away: dict[int, list] = {}  # node -> its runs (spec, sources, position in specs)
    for i, (values, chunks, pay, offset, where) in enumerate(runs):
        a, b = int(lo[i]), int(hi[i])
        for chunk, c0, c1 in chunks:
            ca, cb = max(a, c0) - c0, min(b, c1) - c0
            if ca >= cb:
                continue
            owners.append(i)
            srcs = [values, chunk, pay] if values is not None else [chunk, None, pay]
            specs.append((ca, cb, offset))
            refs += srcs
            if where != node:
                away.setdefault(where, []).append(len(specs) - 1)
    # the runs of another node are cut out there, in one task per node (only they travel)
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


def _exact_cuts(samples: list, lengths: Sequence[int], targets: Sequence[int], runs: list
                ) -> np.ndarray:
    """Cut positions ``(blocks, len(targets) + 2)`` of the locally sorted blocks such that
    cut column ``r + 1`` leaves exactly ``targets[r]`` entries (in the stable order) to its
    left; column 0 is 0, the last the block lengths.

    Each sample's global rank is bounded from its neighbours of every block (the samples of
    a block are positions in its sorted order): for each target, the last sample whose
    upper bound is at most the target and the first whose lower bound is at least it
    bracket it. The blocks report where those samples cut them; a target between its
    bracket's cuts is found by one small task on the entries in between
    (:func:`sort_kernels.split_runs`)."""
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
    # lower[j]/upper[j]: bounds of the global rank of sample j (entries before it)
    lower = np.zeros(m, np.int64)
    upper = np.zeros(m, np.int64)
    idx = np.arange(m)
    for b in range(nb):
        mine = bids == b
        at = np.where(mine, idx, -1)
        last = np.maximum.accumulate(at)  # the last sample of b at or before j
        before = np.where(mine, pos, np.where(last >= 0, pos[np.maximum(last, 0)] + 1, 0))
        nxt = np.where(mine, idx, m)
        first = np.minimum.accumulate(nxt[::-1])[::-1]  # the first sample of b at or after j
        after = np.where(mine, pos, np.where(first < m, pos[np.minimum(first, m - 1)],
                                             lengths[b]))
        lower += before
        upper += after
    t = np.asarray(targets, np.int64)
    lo_j = np.searchsorted(upper, t, side="right") - 1  # last with upper <= target
    hi_j = np.searchsorted(lower, t, side="left")  # first with lower >= target
    picks = np.concatenate([np.maximum(lo_j, 0), np.minimum(hi_j, m - 1)])
    sv, sb, sp = values[picks], bids[picks], pos[picks]
    pos_refs = [submit(sort_kernels.cut_positions, run[0], i, sv, sb, sp,
                       *[c[0] for c in run[1]], node=run[4]) for i, run in enumerate(runs)]
    at = np.stack(backend().get(pos_refs)).astype(np.int64)  # (blocks, 2 * targets)
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
        for k, ref in enumerate(refs):
            a, b = max(lo, int(starts[k])), min(hi, int(starts[k + 1]))
            if a < b:
                specs.append((a - int(starts[k]), b - int(starts[k]), a - lo))
                parts.append(ref)
        return submit(kernels.flat_gather, (hi - lo,), grid.dtype, specs, *parts, node=node)

    return BlockArray.build(grid, task)


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
    arrives as a one-entry slice."""
    grid = x.grid
    dtype = x.dtype if mode == "gap" else np.dtype(np.bool_)
    nb = grid.grid_shape[0]
    blocks = x.blocks

    def task(idx: tuple[int, ...], node: int) -> Any:
        i = idx[0]
        prev = None if i == 0 else submit(kernels.take_slices, blocks[(i - 1,)],
                                          (slice(-1, None),), node=int(x.nodes[(i - 1,)]))
        nxt = None if i == nb - 1 else submit(kernels.take_slices, blocks[(i + 1,)],
                                              (slice(0, 1),), node=int(x.nodes[(i + 1,)]))
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
