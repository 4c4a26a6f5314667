"""Einstein summation: einsum and einsum_path, distributed.

Every form NumPy accepts runs distributed: the subscripts string with or without ``->``,
ellipses, the interleaved ``operand, sublist, ...`` form, repeated indices in one operand
(diagonals), indices summed away, and size-1 dimensions broadcasting against longer ones.

How: NumPy's own :func:`numpy.einsum_path`, called on stand-ins that have the operands'
shapes and dtypes but no memory (``broadcast_to`` of a 0-d array), parses the subscripts,
raises NumPy's errors and chooses the order of pairwise contractions (ellipses become
letters there). Each step of that plan, one or two operands with letter subscripts, maps onto
the distributed building blocks:

1. an axis of length 1 whose index is longer elsewhere is dropped (it broadcasts);
2. an index repeated within an operand takes the diagonal (:func:`diagonal`, n-d);
3. an index found in one operand only and not in the step's output is summed (:func:`sum`);
4. two operands: indices they share and keep are batch axes, shared indices they drop are
   contracted. No batch axis: :func:`tensordot` (or a broadcast multiply when nothing is
   contracted); batch axes: :func:`matmul` over the batch axes (free and contracted indices
   grouped by :func:`reshape`), or a broadcast multiply when nothing is contracted, or
   NumPy's einsum block by block when neither operand has an index of its own
   (``ij,ij->i``: one pass, no small products);
5. :func:`transpose` (and length-1 axes for broadcast indices) into the step's output order.

The operands are cast to the result dtype first (NumPy's, with ``dtype=`` and ``casting=``
checked by a dry run), so every step computes in it. ``optimize=False`` (NumPy's default,
one pass over all operands in NumPy) is planned as ``'greedy'`` too: a pass over all operands
at once would materialise their whole broadcast product; the result is the same up to float
rounding. ``order=`` is checked and otherwise has no effect (blocks have no memory order).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, submit
from nums.core.array.dtypes import dry_run, dtype_of
from nums.core.array.relayout import rechunk
from nums.core.array.views import derived_view, strided_op
from nums.core.array.writes import to_out
from nums.core.graph.grid import ArrayGrid
from nums.numpy import _reductions as _red
from nums.numpy._convert import asarray
from nums.numpy._elementwise import multiply
from nums.numpy._manipulation import diagonal, expand_dims, reshape, squeeze, transpose
from nums.numpy._products import _tensordot, matmul


def _array_positions(operands: tuple) -> list[int]:
    """Which entries of einsum's ``*operands`` are arrays (the rest: subscripts, sublists)."""
    if operands and isinstance(operands[0], str):
        return list(range(1, len(operands)))
    return list(range(0, len(operands) - len(operands) % 2, 2))


def _shape_stand_in(x: Any) -> Any:
    """``x``'s shape and dtype in an array that costs no memory."""
    return np.broadcast_to(np.zeros((), x.dtype), x.shape)


def _with(operands: tuple, positions: list[int], values: list) -> list:
    out = list(operands)
    for p, v in zip(positions, values):
        out[p] = v
    return out


def _plan(operands: list, optimize: Any) -> list[tuple[tuple[int, ...], str]]:
    """NumPy's contraction list for ``operands`` (stand-ins): ``(positions, 'ab,bc->ac')``."""
    _, steps = np.einsum_path(*operands, optimize=optimize, einsum_call=True)
    plan = []
    for step in steps:
        spec = next(s for s in step[1:] if isinstance(s, str) and "->" in s)
        plan.append((tuple(step[0]), spec))
    return plan


def einsum(*operands: Any, out: Any = None, dtype: Any = None, order: str = "K",
           casting: str = "safe", optimize: Any = False) -> Any:
    """nums implementation of numpy.einsum (see :func:`_einsum`). Without ``optimize``,
    NumPy's own loop checks no floating-point errors (an overflow gives inf silently, even
    under ``errstate(over="raise")``): so here; with it, its products warn as NumPy's."""
    if optimize is False:
        with np.errstate(all="ignore"):
            return _einsum(*operands, out=out, dtype=dtype, order=order, casting=casting,
                           optimize=optimize)
    return _einsum(*operands, out=out, dtype=dtype, order=order, casting=casting,
                   optimize=optimize)


def _einsum(*operands: Any, out: Any = None, dtype: Any = None, order: str = "K",
            casting: str = "safe", optimize: Any = False) -> Any:
    """Distributed for every form NumPy accepts: subscripts with or without ``->``,
    ellipses, the interleaved ``operand, sublist, ..., [output]`` form, repeated indices
    (diagonals), summed indices, size-1 dimensions broadcasting, ``dtype=``, ``casting=``,
    ``order=``, ``out=`` and ``optimize=``.

    NumPy's own ``einsum_path``, run on stand-ins with the operands' shapes and dtypes that
    hold no data, checks the call and chooses the order of pairwise contractions. Each step
    then runs on blocks: a length-1 axis whose index is longer elsewhere is dropped (it
    broadcasts); an index repeated in an operand takes the (n-d) ``diagonal``; an index in
    one operand only and not kept is ``sum``-med; two operands meet in ``tensordot``
    (no shared kept index), ``matmul`` over the shared kept (batch) indices, or a broadcast
    ``multiply`` (nothing to sum); ``transpose`` puts the axes in order. Operands are cast
    to the result dtype first (NumPy's, with ``casting=`` checked).

    Differs from NumPy: ``optimize=False`` is planned as ``'greedy'`` too (a single pass
    over all operands would hold their whole broadcast product); results agree up to float
    rounding. ``order=`` has no effect (blocks have no memory order). A one-operand einsum
    that only permutes axes or takes a diagonal returns a writeable view, as NumPy does.
    """
    positions = _array_positions(operands)
    if not any(isinstance(operands[p], BlockArray) for p in positions) and not isinstance(
            out, BlockArray):
        return np.einsum(*operands, out=out, dtype=dtype, order=order, casting=casting,
                         optimize=optimize)
    arrays = [asarray(operands[p]) for p in positions]
    # NumPy's errors at the call: subscripts and shapes (the plan), dtype, casting, order
    plan = _plan(_with(operands, positions, [_shape_stand_in(a) for a in arrays]),
                 "greedy" if optimize is False or optimize is None else optimize)
    for inds, spec in _first_uses(plan, len(arrays)):
        for k, sub in zip(inds, spec.split("->")[0].split(",")):
            if k >= 0:
                _check_repeated(sub, arrays[k].shape)
    kwargs = {"dtype": dtype, "order": order, "casting": casting, "optimize": optimize}
    # NumPy computes in the operands' (or ``dtype``'s) type and casts into ``out``: its
    # dtype decides nothing but the casting check (a float product into an int ``out`` with
    # casting='unsafe' is 4.5 cast to 4, not 1.5 cast to 1 first)
    res_dtype = dtype_of(dry_run(np.einsum, *_with(operands, positions, arrays), **kwargs),
                         *arrays)
    if out is not None:
        dry_run(np.einsum, *_with(operands, positions, arrays), out=out, **kwargs)
    if len(arrays) == 1 and (dtype is None or np.dtype(dtype) == arrays[0].dtype):
        view = _view(arrays[0], plan[0][1])
        if view is not None:
            return to_out(out, view)
    current = [a if a.dtype == res_dtype else a.astype(res_dtype) for a in arrays]
    for inds, spec in plan:
        taken = [current.pop(i) for i in inds]
        current.append(_contract(spec, taken, res_dtype))
    return to_out(out, current[0])


def _first_uses(plan: list, n: int) -> list[tuple[list[int], str]]:
    """Per step, which of its operands are the caller's (their positions in ``arrays``),
    with the step's subscripts; an intermediate has position -1."""
    where = list(range(n))
    uses = []
    for inds, spec in plan:
        taken = [where.pop(i) for i in inds]
        uses.append((taken, spec))
        where.append(-1)
    return uses


def _check_repeated(sub: str, shape: tuple[int, ...]) -> None:
    """NumPy's error for an index repeated in one operand with two lengths."""
    for c in set(sub):
        lengths = {shape[k] for k, x in enumerate(sub) if x == c}
        if len(lengths) > 1:
            a, b = sorted(lengths)
            raise ValueError(f"dimensions in single operand for collapsing index '{c}' "
                             f"don't match ({a} != {b})")


def einsum_path(*operands: Any, optimize: Any = "greedy", einsum_call: bool = False) -> Any:
    """Shapes only: NumPy's ``einsum_path`` on stand-ins with the operands' shapes and
    dtypes (no array data is read or moved)."""
    positions = _array_positions(operands)
    standins = [_shape_stand_in(asarray(operands[p])) if isinstance(operands[p], BlockArray)
                else operands[p] for p in positions]
    return np.einsum_path(*_with(operands, positions, standins), optimize=optimize,
                          einsum_call=einsum_call)


einsum_path._nums_status = "shapes only (no array data)"  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- one step


def _view(a: BlockArray, spec: str) -> BlockArray | None:
    """The view NumPy returns for a one-operand einsum that sums nothing, else None."""
    ins, outs = spec.split("->")
    if set(ins) != set(outs):
        return None
    if len(set(ins)) == len(ins):
        return transpose(a, [ins.index(c) for c in outs])
    # NumPy's diagonal of einsum is a writable view: its offset and strides, in elements of
    # ``a``'s values in C order, from einsum on an array of that geometry (no memory read)
    item = np.dtype(np.int64).itemsize
    c_strides = [item * math.prod(a.shape[k + 1:]) for k in range(a.ndim)]
    fake = np.lib.stride_tricks.as_strided(np.zeros(1, np.int64), a.shape, c_strides)
    v = np.einsum(spec, fake)
    offset = (v.__array_interface__["data"][0] - fake.__array_interface__["data"][0]) // item
    writes = strided_op(offset, v.shape, [s // item for s in v.strides],
                        a._geometry().flags.writeable)
    return derived_view(a, _view_values, _view_geometry, spec, writes=writes)


def _view_geometry(g: np.ndarray, spec: str) -> np.ndarray:
    return np.einsum(spec, g)


def _view_values(a: BlockArray, spec: str) -> BlockArray:
    return _contract(spec, [a], a.dtype)


def _contract(spec: str, arrays: list[BlockArray], dtype: np.dtype) -> BlockArray:
    """One step of the plan: ``numpy.einsum(spec, *arrays)`` with letter subscripts."""
    ins, output = spec.split("->")
    subs = ins.split(",")
    if len(arrays) > 2:  # a step of many operands (no index to sum, or an explicit path)
        current = list(arrays)  # runs pairwise, left to right
        pairwise = ["einsum_path"] + [(0, 1)] * (len(arrays) - 1)
        for inds, sub_spec in _plan([spec] + [_shape_stand_in(a) for a in arrays], pairwise):
            taken = [current.pop(i) for i in inds]
            current.append(_contract(sub_spec, taken, dtype))
        return current[0]
    sizes: dict[str, int] = {}
    for s, a in zip(subs, arrays):
        for c, n in zip(s, a.shape):
            sizes[c] = max(sizes.get(c, 1), n)
    terms = [_diagonals(*_drop_broadcast(s, a, sizes)) for s, a in zip(subs, arrays)]
    summed = []
    for i, (s, a) in enumerate(terms):
        keep = set(output).union(*(t[0] for j, t in enumerate(terms) if j != i))
        axes = tuple(k for k, c in enumerate(s) if c not in keep)
        if axes:
            a = _red.sum(a, axis=axes, dtype=dtype)
            s = "".join(c for c in s if c in keep)
        summed.append((s, a))
    s, a = summed[0] if len(summed) == 1 else _pair(*summed[0], *summed[1], output, dtype)
    return _arrange(s, a, output)


def _drop_broadcast(s: str, a: BlockArray, sizes: dict) -> tuple[str, BlockArray]:
    """Length-1 axes whose index is longer in another operand: dropped (they broadcast)."""
    axes = tuple(k for k, c in enumerate(s) if a.shape[k] == 1 and sizes[c] > 1)
    if not axes:
        return s, a
    return "".join(c for k, c in enumerate(s) if k not in axes), squeeze(a, axis=axes)


def _diagonals(s: str, a: BlockArray) -> tuple[str, BlockArray]:
    """Every index repeated in ``s``: the diagonal over its axes (the index moves last)."""
    while len(set(s)) != len(s):
        c = next(c for c in s if s.count(c) > 1)
        p = s.index(c)
        q = s.index(c, p + 1)
        a = diagonal(a, 0, p, q)
        s = "".join(x for k, x in enumerate(s) if k not in (p, q)) + c
    return s, a


def _pair(sa: str, a: BlockArray, sb: str, b: BlockArray, output: str,
          dtype: np.dtype) -> tuple[str, BlockArray]:
    """The product of two terms, each index in one of them or kept by ``output``; returns
    the result's subscripts and value."""
    batch = [c for c in sa if c in sb and c in output]
    inner = [c for c in sa if c in sb and c not in output]
    free_a = [c for c in sa if c not in sb]
    free_b = [c for c in sb if c not in sa]
    if not batch and inner:
        r = _tensordot(a, b, axes=([sa.index(c) for c in inner], [sb.index(c) for c in inner]))
        return "".join(free_a + free_b), r
    if not inner:  # no sum: a broadcast multiply, axes (batch, free_a, free_b)
        a2 = transpose(a, [sa.index(c) for c in batch + free_a])
        b2 = transpose(b, [sb.index(c) for c in batch + free_b])
        if free_b:
            a2 = expand_dims(a2, tuple(range(a2.ndim, a2.ndim + len(free_b))))
        if free_a:
            b2 = expand_dims(b2, tuple(range(len(batch), len(batch) + len(free_a))))
        return "".join(batch + free_a + free_b), multiply(a2, b2, dtype=dtype)
    if not free_a and not free_b:  # ``ij,ij->i``: a product summed over the inner axes
        a2 = transpose(a, [sa.index(c) for c in batch + inner])
        b2 = transpose(b, [sb.index(c) for c in batch + inner])
        s2 = "".join(batch + inner)
        r = _batch_blocks(s2, a2, s2, b2, batch, [], [], dtype)
        return "".join(batch), (r if r is not None else _red.sum(
            multiply(a2, b2, dtype=dtype), axis=tuple(range(len(batch), a2.ndim)), dtype=dtype))
    by_blocks = _batch_blocks(sa, a, sb, b, batch, free_a, free_b, dtype)
    if by_blocks is not None:  # ``nij,nj->ni``: small products per batch row, in NumPy
        return "".join(batch + free_a + free_b), by_blocks
    # batch axes and a sum: matmul of (batch..., free_a, inner) by (batch..., inner, free_b)
    shape = {c: n for s, x in ((sa, a), (sb, b)) for c, n in zip(s, x.shape)}
    batch_shape = tuple(shape[c] for c in batch)

    def grouped(x: BlockArray, s: str, first: list, second: list) -> BlockArray:
        x = transpose(x, [s.index(c) for c in batch + first + second])
        return reshape(x, batch_shape + (math.prod(shape[c] for c in first),
                                         math.prod(shape[c] for c in second)))

    r = matmul(grouped(a, sa, free_a, inner), grouped(b, sb, inner, free_b), dtype=dtype)
    r = reshape(r, batch_shape + tuple(shape[c] for c in free_a + free_b))
    return "".join(batch + free_a + free_b), r


def _batch_blocks(sa: str, a: BlockArray, sb: str, b: BlockArray, batch: list,
                  free_a: list, free_b: list, dtype: np.dtype) -> BlockArray | None:
    """The batched product (axes ``batch + free_a + free_b``) as NumPy's einsum on each pair
    of blocks, when the batch axes lead both operands (in that order) and every other axis
    lies whole in their blocks: the larger operand's blocks decide the batch split (the other
    is cut alike). NumPy's loop over many small products (``nij,nj->ni`` of 3 x 3 matrices)
    is several times faster than a batched matmul, and NumPy's einsum sums short rows
    (``ij,ij->i``) several times faster than a product and a reduction; None for other
    layouts."""
    nb = len(batch)
    if sa[:nb] != "".join(batch) or sb[:nb] != "".join(batch) or 0 in a.shape + b.shape:
        return None
    if a.shape[:nb] != b.shape[:nb]:
        return None  # (a length-1 batch axis that broadcasts)
    big, small = (a, b) if a.size >= b.size else (b, a)
    if any(n != 1 for n in big.grid_shape[nb:]):
        return None
    whole = big.block_shape[:nb]
    cut = rechunk(small, whole + small.shape[nb:])
    a, b = (big, cut) if big is a else (cut, big)
    out = "".join(batch + free_a + free_b)
    spec = f"{sa},{sb}->{out}"
    free = tuple(n for s, x in ((sa, a), (sb, b)) for c, n in zip(s, x.shape)
                 if c in free_a + free_b and s.index(c) >= nb)
    grid = ArrayGrid(a.shape[:nb] + free, whole + free, dtype)
    rest_a, rest_b = (0,) * (a.ndim - nb), (0,) * (b.ndim - nb)

    def task(idx, node):
        k = idx[:nb]
        return submit(kernels.einsum_pair, spec, dtype, a.blocks[k + rest_a],
                      b.blocks[k + rest_b], node=node)

    def reads(idx):
        k = idx[:nb]
        return [(a, a.grid.block_slices(k + rest_a)), (b, b.grid.block_slices(k + rest_b))]

    return BlockArray.build(grid, task, reads=reads, name="einsum")


def _arrange(s: str, a: BlockArray, output: str) -> BlockArray:
    """``a`` (subscripts ``s``) with its axes in ``output``'s order; an output index that
    ``s`` lacks (it broadcast) becomes a length-1 axis."""
    present = [c for c in output if c in s]
    if present != list(s):
        a = transpose(a, [s.index(c) for c in present])
    missing = tuple(k for k, c in enumerate(output) if c not in s)
    return expand_dims(a, missing) if missing else a


__all__ = ["einsum", "einsum_path"]
