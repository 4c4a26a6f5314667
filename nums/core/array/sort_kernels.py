"""Kernels of sorting, searching, counting and order statistics (run inside tasks).

Like :mod:`nums.core.array.kernels`: plain functions of numpy blocks, inputs read-only,
no driver state. Order is NumPy's own everywhere (``np.sort``/``np.searchsorted`` compare
NaN, complex NaN and NaT as NumPy does: last), so a kernel never re-implements a comparison.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.backend.buffers import new_block, numpy_input

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


def _samples(n: int, nsamples: int) -> np.ndarray:
    """Positions of ``nsamples`` (at most ``n``) regular samples of a sorted run of ``n``."""
    k = min(n, nsamples)
    if not k:
        return np.zeros(0, np.intp)
    return np.unique(np.linspace(0, n - 1, k).round().astype(np.intp))


def sort_and_sample(block: np.ndarray, carry: bool, nsamples: int, kind: Any,
                    bounds: list) -> tuple:
    """A 1-D block's local order, as chunks ``[bounds[k], bounds[k + 1])`` (separate objects,
    so that each is freed once the tasks that read it are done), and ``nsamples`` regular
    samples ``(values, positions in the sorted block)``. The order is the sorted block, or
    with ``carry`` the block's stable argsort (the sorted values are then ``block[order]``,
    never materialised). Returns ``(samples, chunk_0, ...)``."""
    order = np.argsort(block, kind="stable") if carry else np.sort(block, kind=kind)
    pos = _samples(block.shape[0], nsamples)
    values = block[order[pos]] if carry else order[pos]
    return ((values, pos),) + tuple(order[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:]))


def sort_group(carry: bool, nsamples: int, kind: Any, bounds: list, offset: int,
               payload: np.ndarray | None, *blocks: np.ndarray) -> tuple:
    """Consecutive 1-D blocks sorted together, as :func:`sort_and_sample` sorts one: returns
    ``(samples, chunk_0, ..., chunk_k-1)`` of the sorted values and, with ``carry``, then
    ``k`` chunks of what they carry in that order: the entries of ``payload`` (aligned
    with the blocks), or the global indices (``offset``: that of the first entry). With
    ``carry`` the order is the stable one."""
    values = np.concatenate(blocks)
    if carry:
        order = np.argsort(values, kind="stable")
        values = values[order]
        carried = payload[order] if payload is not None else order + np.intp(offset)
    else:
        values.sort(kind=kind)  # (a new array: sorted in place)
    pos = _samples(values.shape[0], nsamples)
    spans = list(zip(bounds[:-1], bounds[1:]))
    out = ((values[pos], pos),) + tuple(values[lo:hi] for lo, hi in spans)
    return out + tuple(carried[lo:hi] for lo, hi in spans) if carry else out


def cut_positions(bid: int, split_values: np.ndarray, split_blocks: np.ndarray,
                  split_pos: np.ndarray, *chunks: np.ndarray | None) -> np.ndarray:
    """Where splitters ``(value, run, position)`` cut sorted run ``bid``, given as its
    consecutive chunks, pairs ``(values, order)``: sorted values (order None), or a block
    and a chunk of its argsort. Splitters are ordered by (value, run, position in that
    run's stable sort) = NumPy's stable order: this run's entries equal to a splitter's
    value go left of it when this run precedes the splitter's, right when it follows, and
    at the splitter's position in its own run."""
    left = np.zeros(len(split_values), np.intp)
    right = np.zeros(len(split_values), np.intp)
    for k in range(0, len(chunks), 2):
        block, order = chunks[k], chunks[k + 1]
        values = block if order is None else block[order]
        left += np.searchsorted(values, split_values, side="left")
        right += np.searchsorted(values, split_values, side="right")
    return np.where(bid < split_blocks, right,
                    np.where(bid > split_blocks, left, split_pos)).astype(np.intp)


def run_values(values: np.ndarray, order: np.ndarray | None, lo: int, hi: int) -> np.ndarray:
    """The sorted values ``[lo, hi)`` of a block: a view of a sorted block, or gathered."""
    return values[lo:hi] if order is None else values[order[lo:hi]]


def run_carried(order: np.ndarray | None, payload: np.ndarray | None, lo: int, hi: int,
                offset: int) -> np.ndarray:
    """What a carrying sort moves with the values ``[lo, hi)``: the entries of ``payload``
    (``order`` None: already in sorted order), or the global indices ``order + offset``."""
    if order is None:
        return payload[lo:hi]
    if payload is not None:
        return payload[order[lo:hi]]
    return order[lo:hi] + np.intp(offset)


def run_pieces(carry: bool, specs: list, *refs: np.ndarray) -> tuple:
    """The runs ``specs`` (``(lo, hi, offset)``, three arrays each in ``refs``, as
    :func:`merge_runs` reads them) of one node's blocks, one after the other, as two objects
    ``(values, carried or None)``: how the runs of a node travel to another together."""
    values, carried = _runs(specs, refs, carry)
    if len(values) == 1:
        return values[0].copy(), carried[0].copy() if carry else None
    return np.concatenate(values), np.concatenate(carried) if carry else None


def _runs(specs: list, refs: tuple, carry: bool) -> tuple[list, list]:
    """The runs of ``specs`` (``(lo, hi, offset)``, three arrays each in ``refs``:
    values, order, payload)."""
    values, carried = [], []
    for k, (lo, hi, offset) in enumerate(specs):
        v, o, p = refs[3 * k:3 * k + 3]
        values.append(run_values(v, o, lo, hi))
        if carry:
            carried.append(run_carried(o, p, lo, hi, offset))
    return values, carried


def split_runs(j: int, specs: list, *refs: np.ndarray) -> np.ndarray:
    """How many entries of each sorted run (in block order) the first ``j`` entries of
    their union take, in the stable order: everything below the ``j``-th smallest value,
    then its equals in block order."""
    runs, _ = _runs(specs, refs, False)
    out = np.zeros(len(runs), np.intp)
    if j <= 0:
        return out
    v = np.partition(np.concatenate(runs), j - 1)[j - 1:j]
    need = j
    for k, r in enumerate(runs):
        out[k] = np.searchsorted(r, v, side="left")[0]
        need -= out[k]
    for k, r in enumerate(runs):
        take = min(need, int(np.searchsorted(r, v, side="right")[0]) - out[k])
        out[k] += take
        need -= take
    return out


MERGE_PART = 1 << 20  # about how many entries a merge handles at a time (its temporaries)


def _below(pivots: np.ndarray, v: np.ndarray, o: np.ndarray | None, lo: int, hi: int
           ) -> np.ndarray:
    """How many sorted values of a run (``v[lo:hi]``, or ``v[o[lo:hi]]``) lie below each of
    the sorted ``pivots``, in NumPy's order: a binary search for all pivots at once."""
    first = np.full(len(pivots), lo, np.intp)
    last = np.full(len(pivots), hi, np.intp)
    rank = np.arange(len(pivots))
    while np.any(first < last):
        mid = (first + last) // 2
        probe = np.minimum(mid, hi - 1)
        x = v[probe] if o is None else v[o[probe]]
        # x sorts before pivots[p] exactly when at most p pivots are <= x
        before = (np.searchsorted(pivots, x, side="right") <= rank) & (first < last)
        first = np.where(before, mid + 1, first)
        last = np.where(before | (first >= last), last, mid)
    return first - lo


def merge_runs(sizes: list, dtype: Any, carry: bool, specs: list, *refs: np.ndarray,
               values_dtype: Any = None) -> np.ndarray | tuple:
    """Consecutive output blocks of ``sizes`` from sorted runs (in run order; ties keep run
    order, so global index order): their values merged, or (``carry``) what they carry in
    the merged order, and then (``values_dtype`` given) the merged values too. Merged in
    parts of about ``MERGE_PART`` entries split at pivot values sampled from the runs
    (every entry below a pivot precedes it), so that the temporaries of a merge stay
    small; a part inside one output block is merged into the block (a block of the
    store), one across blocks into a buffer copied to them. Returns the block (one) or a
    tuple of them."""
    outs = [[new_block((n,), dtype) for n in sizes]]
    if values_dtype is not None:
        outs.append([new_block((n,), values_dtype) for n in sizes])
    starts = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
    size = int(starts[-1])
    runs = [(refs[3 * k], refs[3 * k + 1], refs[3 * k + 2], lo, hi, off)
            for k, (lo, hi, off) in enumerate(specs)]
    nparts = max(1, -(-size // MERGE_PART))
    if nparts > 1:
        per = 4 * nparts
        sample = np.sort(np.concatenate([
            run_values(v, o, lo, hi)[::max(1, (hi - lo) // per)] for v, o, _, lo, hi, _ in runs]))
        pivots = sample[(np.arange(1, nparts) * len(sample)) // nparts]
        cuts = [np.concatenate(([0], _below(pivots, v, o, lo, hi), [hi - lo]))
                for v, o, _, lo, hi, _ in runs]
    else:
        cuts = [np.array([0, hi - lo]) for _, _, _, lo, hi, _ in runs]
    at = 0
    for part in range(nparts):
        pieces = [(v, o, p, lo + int(c[part]), lo + int(c[part + 1]), off)
                  for (v, o, p, lo, _, off), c in zip(runs, cuts) if c[part] < c[part + 1]]
        n = sum(b - a for _, _, _, a, b, _ in pieces)
        k = int(np.searchsorted(starts, at, side="right")) - 1
        if n and at + n <= starts[k + 1]:  # inside one output block
            lo = at - int(starts[k])
            _merge_part([o[k][lo:lo + n] for o in outs], carry, pieces)
        elif n:
            merged = [np.empty(n, o[0].dtype) for o in outs]
            _merge_part(merged, carry, pieces)
            for part_out, o in zip(merged, outs):
                _scatter(part_out, at, o, starts)
        at += n
    flat = [b for o in outs for b in o]
    return flat[0] if len(flat) == 1 else tuple(flat)


def _scatter(part: np.ndarray, at: int, outs: list, starts: np.ndarray) -> None:
    """Copy ``part``, entries ``at...`` of the concatenated ``outs``, into them."""
    k = int(np.searchsorted(starts, at, side="right")) - 1
    done = 0
    while done < len(part):
        lo = at + done - int(starts[k])
        take = min(len(part) - done, len(outs[k]) - lo)
        outs[k][lo:lo + take] = part[done:done + take]
        done += take
        k += 1


def _merge_part(outs: list, carry: bool, pieces: list) -> None:
    """Merge sorted runs ``(values, order, payload, lo, hi, offset)`` into ``outs[0]`` (the
    values, or with ``carry`` what they carry) and ``outs[1]`` if given (the values)."""
    out = outs[0]
    size = out.shape[0]
    values = out if not carry else np.empty(size, pieces[0][0].dtype if pieces else out.dtype)
    at = 0
    for v, o, _, lo, hi, _ in pieces:
        if o is None:
            values[at:at + hi - lo] = v[lo:hi]
        else:
            np.take(v, o[lo:hi], out=values[at:at + hi - lo], mode="clip")
        at += hi - lo
    if not carry:  # timsort merges the sorted runs in linear time
        out.sort(kind="stable")
        return
    perm = np.argsort(values, kind="stable")
    if len(outs) > 1:
        np.take(values, perm, out=outs[1], mode="clip")
    del values
    carried = np.empty(size, out.dtype)
    at = 0
    for _, o, p, lo, hi, offset in pieces:
        dst = carried[at:at + hi - lo]
        if o is None:
            dst[...] = p[lo:hi]
        elif p is not None:
            np.take(p, o[lo:hi], out=dst, mode="clip")
        else:
            np.add(o[lo:hi], offset, out=dst, casting="unsafe")
        at += hi - lo
    np.take(carried, perm, out=out, mode="clip")  # indices valid: no buffer


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


def ends(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first and the last entry of a block, as one-entry arrays."""
    return block[:1].copy(), block[-1:].copy()


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


def searchsorted_part(v: np.ndarray, side: str, *blocks: np.ndarray) -> np.ndarray:
    """How many entries of the sorted ``blocks`` lie left of each ``v`` (summed over the
    blocks of a sorted array, that is ``searchsorted`` of the whole array)."""
    blocks = [b for b in blocks if b.size]
    v = np.asarray(v)
    total = np.zeros(v.shape, np.intp)
    numbers = v.dtype.kind in "biu" or v.dtype.kind == "f" and not np.isnan(v).any()
    if not numbers or any(b.dtype.kind not in "biuf" or b.dtype.kind == "f" and np.isnan(
            b[-1]) for b in blocks) or len(blocks) < 2:
        for block in blocks:
            total += np.searchsorted(block, v, side=side)
        return total
    # numbers: a sorted array's blocks in order; a value counts every block before the one
    # it falls in, and is searched in that block only
    lasts = np.array([b[-1] for b in blocks])
    k = np.searchsorted(lasts, v, side=side)  # the blocks wholly left of each value
    total += np.concatenate(([0], np.cumsum([b.size for b in blocks])))[k]
    flat_k, flat_v, flat_total = k.reshape(-1), v.reshape(-1), total.reshape(-1)
    order = np.argsort(flat_k, kind="stable")
    bounds = np.searchsorted(flat_k[order], np.arange(len(blocks) + 1))
    for j, block in enumerate(blocks):
        sel = order[bounds[j]:bounds[j + 1]]
        if sel.size:
            flat_total[sel] += np.searchsorted(block, flat_v[sel], side=side)
    return total


def extremes(block: np.ndarray, _: Any = None, axis: int | None = None) -> np.ndarray:
    """``[min, max]`` of a block (NaN where it holds one, as NumPy's), or along ``axis``
    (stacked: shape 2 by the other axes); empty if the block is."""
    if not block.size:
        return np.empty(0, block.dtype)
    data = numpy_input(block)
    return np.stack([np.min(data, axis=axis), np.max(data, axis=axis)]).astype(
        block.dtype, copy=False)


def add_parts(*parts: np.ndarray) -> np.ndarray:
    """The sum of partial counts or weight sums (bincount's, histogram's): quiet, as
    NumPy's own loops that add the weights (``inf`` and ``-inf`` in different blocks make
    ``nan`` without a warning, as in NumPy's one pass)."""
    total = parts[0].copy()
    with np.errstate(all="ignore"):
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
    # (bincount copies read-only arguments first)
    return np.bincount(numpy_input(block.reshape(-1)),
                       None if weights is None else numpy_input(weights.reshape(-1)),
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
