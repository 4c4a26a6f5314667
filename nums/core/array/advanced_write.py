"""Advanced indexing for writing: ``x[key] = value`` and ``ufunc.at(x, key, b)`` with
integer arrays and boolean masks, routed to the blocks that own the written elements.

The key is parsed and its index arrays folded into linear indices as for reading
(:mod:`nums.core.array.advanced`); ints and slices stay ints and slices (no coordinates are
made for them). For each box of blocks the slices cross, every chunk of the index splits
its (index, value) pairs by the block they fall in
(:func:`~nums.core.array.index_kernels.split_pairs`: on the driver for numpy indices and
values, else a task next to the chunk), and each touched block takes its pairs in one task
(:func:`~nums.core.array.index_kernels.scatter_pairs`), in C order over the index: of
repeated indices the last wins, as in numpy's loop; ``ufunc.at`` accumulates them.
A write into a basic-index view of a root is made on the root (:func:`through_index_view`).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array import index_kernels as ik
from nums.core.array import regions, relayout
from nums.core.array.advanced import chunk, index_chunks, raise_bounds
from nums.core.array.advanced_keys import ParsedKey
from nums.core.array.blockarray import BlockArray, backend, submit
from nums.core.graph.grid import ArrayGrid, stride_overlap


def axis_hits(grid: ArrayGrid, axis: int, s: tuple) -> list[tuple]:
    """The blocks along ``axis`` that the basic spec entry ``s`` (``("int", i)`` or
    ``("slice", start, step, n)``) selects from: per block its grid index, the local key and
    the range of the selection it holds (None for an int)."""
    hits = []
    for i in range(grid.grid_shape[axis]):
        lo, hi = grid.axis_start(axis, i), grid.axis_stop(axis, i)
        if s[0] == "int":
            if lo <= s[1] < hi:
                hits.append((i, s[1] - lo, None))
            continue
        _, start, step, n = s
        k0, k1 = stride_overlap(start, step, n, lo, hi)
        if k0 < k1:
            first = start + k0 * step - lo
            stop = first + (k1 - k0 - 1) * step + (1 if step > 0 else -1)
            hits.append((i, slice(first, None if stop < 0 else stop, step), (k0, k1)))
    return hits


def scatter(x: BlockArray, parsed: ParsedKey, lin: Any, axes: list[int], others: list[tuple],
            value: Any, ufunc: np.ufunc | None = None) -> None:
    """Write ``value`` at the selection of root ``x``: index dimensions ``lin`` (linear
    indices over ``x``'s ``axes``) by the basic entries ``others`` (``(axis, spec entry)``
    for the other axes of ``x``). ``value`` is a cast scalar, None (``ufunc.at`` without
    operand) or an array (numpy or BlockArray) of the index dimensions followed by one axis
    per slice of ``others``, that broadcasts to the selection."""
    grid = x.grid
    dims = tuple(x.shape[a] for a in axes)
    bs = tuple(x.block_shape[a] for a in axes)
    gs = tuple(x.grid_shape[a] for a in axes)
    bshape = tuple(np.shape(lin))
    sel = bshape + tuple(s[3] for _, s in others if s[0] == "slice")
    per_value = isinstance(value, BlockArray) or (
        isinstance(value, np.ndarray) and value.ndim > 0)
    scalar = None if per_value else value
    if _in_one_store(x, lin, axes, others, value):
        # an index that is its own linear index was found in bounds already
        if not (len(parsed.groups) == 1 and lin is parsed.groups[0].index):
            lows = progress.get([submit(ik.value_range, lin.blocks[j],
                                        node=int(lin.nodes[j])) for j in lin.grid.indices()],
                                "index")
            if any(r is not None and r[0] < 0 for r in lows):  # -1: out of bounds
                raise_bounds(parsed)
        if 0 not in sel:
            _write_ranges(x, lin, value, scalar, ufunc)
        return
    lgrid, touched = index_chunks(lin, dims, bs, gs, parsed)  # numpy's IndexErrors first
    if 0 in sel:
        return
    blocks = x.blocks.copy()
    other_axes = tuple(a for a, _ in others)
    for combo in itertools.product(*[axis_hits(grid, a, s) for a, s in others]):
        box = [slice(*h[2]) for h in combo if h[2] is not None]
        pieces: dict[int, list] = {}
        for j in lgrid.indices():
            sids = [int(s) for s in touched[j]]
            if not sids:
                continue
            out_slices = list(lgrid.block_slices(j)) + box
            args = (chunk(lin, lgrid, j), lgrid.block_starts(j), bshape)
            rest = (dims, bs, gs, sids)
            if isinstance(value, BlockArray):
                piece, node = regions.region(
                    value, regions.broadcast_slices(value, out_slices, sel),
                    int(lin.nodes[j]) if isinstance(lin, BlockArray) else None)
            else:
                piece = None
                if per_value:
                    piece = np.ascontiguousarray(
                        value[tuple(regions.broadcast_slices(value, out_slices, sel))])
                node = int(lin.nodes[j]) if isinstance(lin, BlockArray) else None
            if node is None:  # numpy indices and values: split on the driver
                parts = ik.split_pairs(*args, piece, *rest)
            else:
                parts = submit(ik.split_pairs, *args, piece, *rest, node=node,
                               num_returns=len(sids))
            parts = [parts] if len(sids) == 1 else list(parts)
            for sid, part in zip(sids, parts):
                pieces.setdefault(sid, []).append(part)
        for sid, parts in pieces.items():
            idx = [0] * x.ndim
            for a, c in zip(axes, np.unravel_index(sid, gs) if gs else ()):
                idx[a] = int(c)
            for a, h in zip(other_axes, combo):
                idx[a] = h[0]
            idx = tuple(idx)
            local = tuple(h[1] for h in combo)
            blocks[idx] = submit(ik.scatter_pairs, blocks[idx], tuple(axes), other_axes, local,
                                 ufunc, scalar, *parts, node=int(x.nodes[idx]))
    x._assume(BlockArray(grid, blocks, x.nodes.copy()))


def _in_one_store(x: BlockArray, lin: Any, axes: list[int], others: list[tuple],
                  value: Any) -> bool:
    """Whether the write is of a 1-d ``x`` at a 1-d BlockArray index, with a scalar or a
    BlockArray value blocked like the index, and every block of them on one node: then
    :func:`_write_ranges` reads the index and values in place, with no routing of pairs."""
    if x.ndim != 1 or len(axes) != 1 or others or not isinstance(lin, BlockArray) or (
            lin.ndim != 1):
        return False
    operands = [x, lin]
    if isinstance(value, BlockArray):
        if value.shape != lin.shape or value.block_shape != lin.block_shape:
            return False
        operands.append(value)
    elif isinstance(value, np.ndarray) and value.ndim:
        return False
    return len({int(n) for a in operands for n in a.nodes.flat}) == 1


def _write_ranges(x: BlockArray, lin: BlockArray, value: Any, scalar: Any,
                  ufunc: np.ufunc | None) -> None:
    """The write of :func:`scatter` when :func:`_in_one_store`: the blocks of ``x`` are cut
    into one run of neighbouring blocks per worker of the node, and each run's task reads
    every chunk of the index and values where they are, keeps the pairs that fall in its
    run, in their order, and applies them (:func:`~nums.core.array.index_kernels.
    write_range`): each pass over the index is a compare per element, and the pairs of every
    element are applied in the index's order, as numpy applies them."""
    node = int(x.nodes.flat[0])
    be = backend()
    workers = max(1, be.num_workers() // max(1, be.num_nodes()))
    nblocks = x.grid.grid_shape[0]
    chunks = [lin.blocks[j] for j in lin.grid.indices()]
    vals = [value.blocks[j] for j in value.grid.indices()] if isinstance(
        value, BlockArray) else []
    blocks = x.blocks.copy()
    for run in np.array_split(np.arange(nblocks), min(workers, nblocks)):
        if not run.size:
            continue
        sizes = [x.grid.block_shape_at((int(i),))[0] for i in run]
        lo = x.grid.axis_start(0, int(run[0]))
        refs = submit(ik.write_range, ufunc, lo, sizes, x.shape[0], len(chunks), scalar,
                      *[x.blocks[(int(i),)] for i in run], *chunks, *vals, node=node,
                      num_returns=len(sizes))
        for i, ref in zip(run, [refs] if len(sizes) == 1 else refs):
            blocks[(int(i),)] = ref
    x._assume(BlockArray(x.grid, blocks, x.nodes.copy()))


def _root_map(v: BlockArray) -> tuple | None:
    """For a view made by basic indexing only (any depth): its root, per view axis the root
    axis it shows with start and step (None for a new axis), and the root axes held at one
    index ``{axis: index}``; None for other views."""
    shown: list | None = None  # per axis of the current array, in terms of its parent...
    fixed: dict = {}
    x = v
    while x._link is not None:
        spec = getattr(x._link.op, "spec", None)  # views.IndexOp (basic index) has a spec
        if spec is None:
            return None
        level, ra, level_fixed = [], 0, {}
        for s in spec:
            if s is None:
                level.append(None)
                continue
            if s[0] == "slice":
                level.append((ra, s[1], s[2]))
            else:
                level_fixed[ra] = s[1]
            ra += 1
        if shown is None:
            shown, fixed = level, level_fixed
        else:  # compose: the current axes through this level onto its parent's axes
            fixed = {level[a][0]: level[a][1] + level[a][2] * i for a, i in fixed.items()
                     if level[a] is not None}
            fixed.update(level_fixed)
            shown = [None if m is None or level[m[0]] is None else
                     (level[m[0]][0], level[m[0]][1] + level[m[0]][2] * m[1],
                      level[m[0]][2] * m[2]) for m in shown]
        x = x._link.parent
    return x, shown, fixed


def through_index_view(v: BlockArray, parsed: ParsedKey, lin: Any, axes: list[int],
                       others: list[tuple], value: Any, ufunc: np.ufunc | None) -> bool:
    """:func:`scatter` into ``v``, a view made by basic indexing (of a root or of such
    views), made on the root directly (only the root's blocks the write touches change);
    False for other views (the caller then writes a copy of the view's values back)."""
    mapped = _root_map(v)
    if mapped is None:
        return False
    root, shown, fixed = mapped
    root_others, drop = [], []
    for a, s in others:
        m = shown[a]
        if m is None:  # a new axis of the view: int 0 or a slice of length 0 or 1
            if s[0] == "slice":
                if s[3] == 0:
                    return False  # nothing selected (the caller still checks the index)
                drop.append(sum(1 for b, t in others if b < a and t[0] == "slice"))
            continue
        r, start, step = m
        if s[0] == "int":
            root_others.append((r, ("int", start + s[1] * step)))
        else:
            root_others.append((r, ("slice", start + s[1] * step, s[2] * step, s[3])))
    root_others += [(r, ("int", i)) for r, i in fixed.items()]
    root_others.sort()
    keep = [shown[a] is not None for a in axes]
    root_axes = [shown[a][0] for a in axes if shown[a] is not None]
    args = (tuple(v.shape[a] for a in axes), [shown[a][1] if shown[a] else 0 for a in axes],
            [shown[a][2] if shown[a] else 1 for a in axes], keep,
            tuple(root.shape[r] for r in root_axes))
    if isinstance(lin, BlockArray):
        lin = lin.map_blocks(ik.remap_linear, *args, dtype=np.int64)
    else:
        lin = ik.remap_linear(lin, *args)
    if drop and getattr(value, "ndim", 0):
        nb = len(np.shape(lin))
        value = _drop_axes(value, [nb + d for d in drop])
    scatter(root, parsed, lin, root_axes, root_others, value, ufunc)
    return True


def _drop_axes(value: Any, axes: list[int]) -> Any:
    """``value`` without its ``axes`` (of length 1)."""
    shape = tuple(n for i, n in enumerate(value.shape) if i not in axes)
    if isinstance(value, BlockArray):
        return relayout.reshape(value, shape)
    return value.reshape(shape)
