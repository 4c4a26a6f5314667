"""Kernels: plain functions of numpy blocks, the only code that touches block data.

Every kernel runs inside a task. Input blocks are read-only: a kernel never writes to an
argument and always returns a new array (or a view of an input). Kernels take no driver
state; everything they need arrives as arguments.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.array.expressions import (  # noqa: F401  (kernels of fused expressions)
    CHUNK_BYTES,
    fused_eval,
    fused_eval_into,
    matmul_expr,
    on_lazy_operand,
    on_operand,
    operand_value,
    reduce_partial_expr,
    row_chunks,
    widened,
)
from nums.core.backend.buffers import donated, in_store, new_block, numpy_input
from runtime.errors import warn

# ---------------------------------------------------------------------------- creation


def full(shape: tuple, value: Any, dtype: np.dtype) -> np.ndarray:
    out = new_block(shape, dtype)
    out[...] = value
    return out


FILL_CHUNK = 1 << 15  # elements of a progression computed at a time (in the cache)


def arange(start: Any, step: Any, offset: int, count: int, dtype: np.dtype) -> np.ndarray:
    """Elements ``offset`` to ``offset + count`` of ``numpy.arange(start, ..., step,
    dtype)``, computed as NumPy fills its result: the first two are ``start`` and ``start +
    step`` cast to ``dtype``, element ``i`` after them ``first + i * (second - first)`` in the
    dtype's arithmetic (float16's in float32, integers' modulo 2**64, complex numbers' part
    by part). Dates and durations: ``start`` and ``step`` are integers of their unit. The
    block is written once, a stretch at a time (no temporaries as large as the block)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "mM":
        return (start + np.arange(offset, offset + count, dtype=np.int64) * step).astype(dtype)
    if dtype.kind == "O":  # Python objects (ints beyond int64): Python's arithmetic
        out = new_block((count,), dtype)
        delta = (start + step) - start
        out[...] = [start + (offset + j) * delta if offset + j else start
                    for j in range(count)]
        return out
    head = np.array([start, start + step]).astype(dtype)
    if dtype.kind in "iub":
        wide = head.astype(np.uint64 if dtype.kind == "u" else np.int64)
        parts = [wide]
    elif dtype.kind == "f":
        parts = [head.astype(np.float32 if dtype == np.float16 else dtype)]
    else:
        parts = [head.real, head.imag]
    out = new_block((count,), dtype)
    views = [out] if len(parts) == 1 else [out.real, out.imag]
    steps = [(p[:1], p[1:] - p[:1]) for p in parts]  # (arrays: integers wrap quietly)
    for a in range(0, count, FILL_CHUNK):
        b = min(count, a + FILL_CHUNK)
        i = np.arange(offset + a, offset + b, dtype=np.int64)
        for (first, delta), view in zip(steps, views):
            inplace = view.dtype == first.dtype
            value = view[a:b] if inplace else np.empty(b - a, first.dtype)
            value[...] = i  # (the index in the arithmetic's dtype)
            np.multiply(value, delta, out=value)
            np.add(value, first, out=value)
            if not inplace:
                with np.errstate(over="ignore"):  # (NumPy's fill casts silently: inf)
                    view[a:b] = value  # (cast to the dtype: integers wrap, float16 rounds)
    for j in (0, 1):  # the first two elements are NumPy's casts themselves
        if offset <= j < offset + count:
            out[j - offset] = head[j]
    return out


def linspace(start: Any, delta: Any, div: int, offset: int, count: int, last: int, stop: Any,
             dt: np.dtype, dtype) -> np.ndarray:
    """Points ``offset`` to ``offset + count`` of NumPy's ``linspace`` (its arithmetic, in its
    order and in the precision ``dt`` it computes in; ``last``: the index that is ``stop``,
    -1 without an endpoint)."""
    y = np.arange(offset, offset + count, dtype=np.float64).astype(dt)  # (NumPy's arange)
    if div > 0:
        step = delta / div
        if step == 0:  # (denormal steps, as NumPy)
            y /= div
            y *= delta
        else:
            y *= step
    else:
        y = y * delta
    y += start
    if last > 0 and count and offset + count - 1 == last:
        y[-1] = stop
    if np.issubdtype(dtype, np.integer):
        np.floor(y, out=y)
    return y.astype(dtype, copy=False)


def eye(shape: tuple, row0: int, col0: int, k: int, dtype) -> np.ndarray:
    """The block at ``(row0, col0)`` of an identity with ones on diagonal ``k``: zeros (their
    pages mapped when touched, as NumPy's eye) and the diagonal's entries in it."""
    out = np.zeros(shape, dtype)
    first, stop = max(row0, col0 - k), min(row0 + shape[0], col0 + shape[1] - k)
    if stop > first:
        i = np.arange(first, stop)
        out[i - row0, i + k - col0] = 1
    return out


def tri(shape: tuple, row0: int, col0: int, k: int, dtype) -> np.ndarray:
    rows = np.arange(row0, row0 + shape[0])[:, None]
    cols = np.arange(col0, col0 + shape[1])[None, :]
    return (cols - rows <= k).astype(dtype)


def tri_mask(block: np.ndarray, row0: int, col0: int, k: int, lower: bool) -> np.ndarray:
    rows = np.arange(row0, row0 + block.shape[-2])[:, None]
    cols = np.arange(col0, col0 + block.shape[-1])[None, :]
    keep = (cols - rows <= k) if lower else (cols - rows >= k)
    return np.where(keep, block, np.zeros(1, dtype=block.dtype))


def diag_from_vector(shape: tuple, v: np.ndarray | None, row0: int, col0: int, k: int, dtype):
    out = np.zeros(shape, dtype=dtype)
    if v is None:
        return out
    rows = np.arange(row0, row0 + shape[0])
    cols = rows + k
    ok = (cols >= col0) & (cols < col0 + shape[1])
    rows, cols = rows[ok], cols[ok]
    vidx = rows if k >= 0 else cols
    if len(vidx):
        out[rows - row0, cols - col0] = v[vidx - vidx[0]]
    return out


def diag_piece(block: np.ndarray, row0: int, col0: int, lo: int, hi: int, k: int) -> np.ndarray:
    """Entries ``block[i - row0, i + k - col0]`` for diagonal positions ``i`` in [lo, hi)."""
    i = np.arange(lo, hi)
    rows = i + (0 if k >= 0 else -k) - row0
    cols = i + (k if k >= 0 else 0) - col0
    return block[rows, cols]


# ---------------------------------------------------------------------------- layout


def own(view: np.ndarray) -> np.ndarray:
    """``view`` copied into a new C-contiguous block.

    For kernels whose natural result is a view of an input: inputs are read-only, and a view
    would be stored with a read-only (or, if not contiguous, in-band) pickle whose size is not
    the one the planner's size model predicts. The copy goes straight into the store
    (:func:`new_block`), so it replaces the copy storing the view would make.
    """
    out = new_block(view.shape, view.dtype)
    out[...] = view
    return out


def writable(block: np.ndarray, shared: bool = False) -> np.ndarray:
    """``block`` to change in part and return: the block itself, written in place, when the
    task is the only reader left of its object (:func:`~nums.core.backend.buffers.donated`:
    a write into a root's block that no view, copy or other task holds), else a copy
    (:func:`own`). ``shared``: the task reads the same block as another argument too, all
    of them before it writes."""
    out = donated(block, shared)
    return own(block) if out is None else out


def take_slices(block: np.ndarray, slices: tuple) -> np.ndarray:
    part = block[slices]
    if not isinstance(part, np.ndarray):  # an element of an object array (a list, ...)
        out = np.empty((), block.dtype)
        out[()] = part
        return out
    return own(part)


def sliding_windows(block: np.ndarray, window_shape: tuple, axis: tuple,
                    steps: tuple | None = None) -> np.ndarray:
    """Every window of ``window_shape`` over ``axis`` of ``block`` (numpy's
    ``sliding_window_view``), or every ``steps``-th along the block's own axes (the
    windows ``[::hop]`` of a framing), copied into a new block."""
    windows = np.lib.stride_tricks.sliding_window_view(block, window_shape, axis)
    if steps is not None:
        windows = windows[tuple(slice(None, None, k) for k in steps)]
    return own(windows)


def diagonal(block: np.ndarray, axis1: int, axis2: int) -> np.ndarray:
    """The main diagonal of ``block`` over ``axis1`` and ``axis2`` (as the last axis)."""
    return own(np.diagonal(block, 0, axis1, axis2))


def assemble(shape: tuple, dtype, placements: Sequence[tuple], *blocks: np.ndarray):
    """A new array of ``shape`` with ``out[dst] = blocks[i][src]`` for each placement."""
    out = new_block(shape, dtype)
    for (dst, src), block in zip(placements, blocks):
        out[dst] = block[src]
    return out


def reshape(block: np.ndarray, shape: tuple) -> np.ndarray:
    return own(block.reshape(shape))


def transpose(block: np.ndarray, axes: tuple) -> np.ndarray:
    return own(np.transpose(block, axes))


def field(block: np.ndarray, key: Any) -> np.ndarray:
    """A copy of field(s) ``key`` of a block of a structured array."""
    return own(block[key])


def with_field(block: np.ndarray, value: Any, key: str, source: str | None = None
               ) -> np.ndarray:
    """A block of a structured array with field ``key`` set to ``value`` (its field
    ``source`` when given: a subarray field's values held as records) (:func:`writable`)."""
    out = writable(block)
    out[key] = value if source is None else value[source]
    return out


def astype(block: np.ndarray, dtype, casting: str = "unsafe") -> np.ndarray:
    return block.astype(dtype, casting=casting)


def ready(*blocks: Any) -> None:
    """Nothing: a task that runs once its arguments are computed (their tasks' errors
    become its own, raised where its result is fetched)."""
    return None


def cast_dtype(block: np.ndarray, dtype) -> np.dtype:
    """The dtype NumPy's cast of ``block`` to ``dtype`` gives (a string length found from
    the values)."""
    return block.astype(dtype).dtype


def flat_gather(shape: tuple, dtype, pieces: Sequence[tuple], *blocks: np.ndarray):
    """Fill a block of ``shape`` in C order from flat ranges ``(src_lo, src_hi, dst_lo)``."""
    out = np.empty(int(np.prod(shape)), dtype=dtype)
    for (lo, hi, dst), block in zip(pieces, blocks):
        out[dst : dst + hi - lo] = block.reshape(-1)[lo:hi]
    return out.reshape(shape)


def take_ix(block: np.ndarray, index_lists: Sequence[Sequence[int]]) -> np.ndarray:
    return block[np.ix_(*index_lists)] if block.ndim else block


def gather_rows(shape: tuple, dtype, specs: Sequence[tuple], *blocks: np.ndarray):
    """Rows ``out[dst] = block[src]`` along axis 0 for ``(dst, src)`` index arrays."""
    out = np.empty(shape, dtype=dtype)
    for (dst, src), block in zip(specs, blocks):
        out[dst] = block[src]
    return out


def concatenate(axis: int, *blocks: np.ndarray) -> np.ndarray:
    return np.concatenate(blocks, axis=axis)


def join_parts(axis: int, shape: tuple, dtype: Any, parts: Sequence[tuple],
               *refs: Any) -> np.ndarray:
    """A block of ``shape`` joined along ``axis`` from ``parts``, each ``(kind, arg, n)``
    over the next ``n`` of ``refs``: ``("slices", local)`` a block's part (``local`` None:
    all of it), ``("expr", spec)`` a pending expression evaluated straight into its place
    (see :func:`fused_eval`). One task for what took a task per part and one to join."""
    out = new_block(shape, dtype)
    at, pos = 0, 0
    lead = (slice(None),) * axis
    for kind, arg, n in parts:
        leaves = refs[pos:pos + n]
        pos += n
        if kind == "expr":
            width = arg[1][axis]
            fused_eval_into(out[lead + (slice(at, at + width),)], arg, *leaves)
        else:
            piece = leaves[0] if arg is None else leaves[0][tuple(arg)]
            width = piece.shape[axis]
            out[lead + (slice(at, at + width),)] = piece
        at += width
    return out


def lines(fn: Callable, axis: int, shape: tuple, dtype: Any, args: tuple, kwargs: dict,
          part: tuple, *refs: Any) -> np.ndarray:
    """A block of ``shape`` and ``dtype``: ``fn(value, *args, **kwargs)`` of a function of
    whole lines along ``axis`` (an FFT, ``np.unwrap``), where ``value`` is the part
    ``(kind, arg, n)`` over ``refs`` (as :func:`join_parts` reads one). Lines are computed
    apart, so when ``axis`` is not 0 ``fn`` runs on a chunk of rows at a time: each chunk's
    input and result stay in the cache, and a pending expression is computed a chunk at a
    time (:func:`row_chunks`)."""
    kind, arg, _ = part
    if kind == "expr":
        in_shape = tuple(arg[1])
        value = None
    else:
        value = refs[0] if arg is None else refs[0][tuple(arg)]
        in_shape = value.shape
    row_bytes = max(np.dtype(dtype).itemsize * math.prod(shape[1:]),
                    8 * math.prod(in_shape[1:]), 1)
    step = max(1, CHUNK_BYTES // row_bytes) if axis != 0 and len(in_shape) > 1 else 0
    if value is not None and not in_store() or not step or not in_shape[0]:
        # one call (and NumPy's error, for no rows): a value that is there already costs no
        # chunks' copies where the result is not written into the store
        whole = operand_value(arg, refs) if value is None else value
        result = np.asarray(fn(whole, *args, **kwargs))
        _check_lines(result, shape)
        return result if result.dtype == dtype else result.astype(dtype)
    out = new_block(tuple(shape), dtype)
    if value is None:
        for r0, r1, rows in row_chunks(arg, refs, step):
            _put(out[r0:r1], fn(rows, *args, **kwargs))
    else:
        for r0 in range(0, in_shape[0], step):
            _put(out[r0:r0 + step], fn(value[r0:r0 + step], *args, **kwargs))
    return out


def _put(dst: np.ndarray, result: Any) -> None:
    """``dst[...] = result`` of exactly ``dst``'s shape (never broadcast into it)."""
    result = np.asarray(result)
    _check_lines(result, dst.shape)
    dst[...] = result


def _check_lines(result: np.ndarray, shape: tuple) -> None:
    if result.shape != tuple(shape):
        raise ValueError(f"a function of lines gave shape {result.shape} for {tuple(shape)}")


# ---------------------------------------------------------------------------- elementwise


def blockwise(fn: Callable, shape: tuple, dtype, kwargs: dict, *args: Any) -> np.ndarray:
    """``fn(*args, **kwargs)`` broadcast to ``shape`` and cast to ``dtype``."""
    result = np.asarray(fn(*args, **kwargs))
    if result.dtype != dtype:
        result = result.astype(dtype)
    if result.shape != tuple(shape):
        result = np.broadcast_to(result, shape).copy()
    return result


def ufunc_call(
    ufunc: np.ufunc,
    shape: tuple,
    dtypes: tuple,
    kwargs: dict,
    nin: int,
    has_where: bool,
    n_out_blocks: int,
    *args: Any,
):
    """Apply ``ufunc`` to one block of each operand; with ``where``, start from ``out``.

    ``args`` holds the ``nin`` inputs, then the where-mask (if any), then the current blocks
    of the ``out`` arrays (if any). Returns one array, or a tuple for several outputs.
    """
    inputs = args[:nin]
    rest = args[nin:]
    mask = rest[0] if has_where else None
    outs_in = rest[1:] if has_where else rest
    if has_where:
        outs = []
        for i, dt in enumerate(dtypes):
            if i < n_out_blocks and outs_in[i] is not None:
                outs.append(np.array(np.broadcast_to(outs_in[i], shape), dtype=dt, copy=True))
            else:
                outs.append(np.zeros(shape, dtype=dt))
        ufunc(*inputs, out=tuple(outs), where=mask, **kwargs)
        results = tuple(outs)
    else:
        results = ufunc(*inputs, **kwargs)
        if not isinstance(results, tuple):
            results = (results,)
        results = tuple(
            np.broadcast_to(np.asarray(r, dtype=dt), shape).copy()
            if np.shape(r) != tuple(shape) or np.asarray(r).dtype != dt
            else r
            for r, dt in zip(results, dtypes)
        )
    return results[0] if len(results) == 1 else results


# ---------------------------------------------------------------------------- reductions


def reduce_partial(fn: Callable, axes: tuple, kwargs: dict, block: np.ndarray, *extra):
    """``fn(block, *extra, axis=axes, keepdims=True, **kwargs)``: one block's partial result."""
    return fn(block, *extra, axis=axes, keepdims=True, **kwargs)


def dot_partial(a: np.ndarray, b: np.ndarray, axis, keepdims, dtype) -> np.ndarray:
    """One block's share of the dot product of two vectors: NumPy's ``dot`` of the pieces
    in ``dtype``, as a one-element array (the partials are added)."""
    return np.asarray(np.dot(widened(a, dtype), widened(b, dtype))).reshape((1,) * a.ndim)


def all_finite(block: np.ndarray, axis, keepdims) -> np.ndarray:
    """Whether every value of a block is finite, as a one-element array: its least and
    greatest values are (NaN is the least when there is one), which reads the block once or
    twice and allocates nothing, where ``isfinite(block).all()`` writes a mask of it."""
    parts = (block.real, block.imag) if block.dtype.kind == "c" else (block,)
    finite = all(bool(np.isfinite(p.min())) and bool(np.isfinite(p.max()))
                 for p in parts if p.size)
    return np.asarray(finite).reshape((1,) * block.ndim)


def sqnorm_partial(block: np.ndarray, axis, keepdims) -> np.ndarray:
    """One block's sum of squared magnitudes as NumPy's ``norm`` computes it: the ``dot`` of
    the raveled values with themselves (of the real and imaginary parts, for complex)."""
    v = block.ravel()
    if v.dtype.kind == "c":
        r = np.dot(v.real, v.real) + np.dot(v.imag, v.imag)
    else:
        r = np.dot(v, v)
    return np.asarray(r).reshape((1,) * block.ndim)


# partial kernels whose NumPy call is BLAS's (for floating-point blocks): multi-threaded
BLAS_PARTIALS = frozenset((dot_partial, sqnorm_partial))


def reduce_combine(combine: Callable, *parts: Any) -> Any:
    return _pairwise(combine, list(parts))


def _pairwise(combine: Callable, parts: list) -> Any:
    """``parts`` combined pairwise, neighbours first (as NumPy sums): the rounding error of a
    sum of n partial results grows as log n, not n; the order of the parts is kept."""
    while len(parts) > 1:
        paired = [combine(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        parts = paired + parts[len(parts) - len(parts) % 2:]
    return parts[0]


def reduce_finalize(
    combine: Callable | None, finalize: Callable | None, shape: tuple, dtype, fkw: dict, *parts
):
    result = _pairwise(combine, list(parts)) if len(parts) > 1 else parts[0]
    if finalize is not None:
        result = finalize(result, **fkw)
    result = np.asarray(result)
    if dtype is not None and result.dtype != dtype:
        # partials of halves are float32: their overflow is NumPy's "in reduce", not a cast's
        narrows = result.dtype.kind == "f" and np.dtype(dtype).kind == "f"
        result = sum_as(result, dtype) if narrows else result.astype(dtype)
    return result.reshape(shape)


def sqdev_sum(block: np.ndarray, mean: np.ndarray, axis, keepdims, dtype=None,
              sum_dtype=None) -> np.ndarray:
    """Sum (in ``sum_dtype``) of squared absolute deviations from ``mean`` (broadcast against
    ``block``), the deviations and squares in ``dtype``."""
    d = np.subtract(block, mean, dtype=dtype)
    if np.iscomplexobj(d):
        sq = d.real * d.real + d.imag * d.imag
    else:
        sq = np.square(d)  # (NumPy's var squares: its overflow warning names ``square``)
    return np.sum(sq, axis=axis, keepdims=keepdims, dtype=sum_dtype)


def weighted_sum(block: np.ndarray, weights: np.ndarray, axis, keepdims, dtype=None):
    return np.sum(np.multiply(block, weights, dtype=dtype), axis=axis, keepdims=keepdims)


def divide_by(total: np.ndarray, count: Any, dtype=None, scalar: bool = False,
              total_dtype=None) -> np.ndarray:
    """``total / count`` warning as numpy's mean and var do when ``count`` is 0: an array
    result "invalid value encountered in divide", a scalar one (``scalar``: the reduction's
    result is 0-d) "... in scalar divide". ``total_dtype``: the dtype NumPy's sum gives
    ``total`` first (float16 for a variance of halves: beyond 65504 it overflows, and NumPy
    warns "overflow encountered in reduce")."""
    total = np.asarray(total)
    if total_dtype is not None:
        total = sum_as(total, total_dtype)
    if dtype is not None and np.dtype(dtype).kind == "c" and total.dtype.kind != "c":
        total = total.astype(dtype)  # NumPy divides a complex sum: 0 / 0 is nan+nanj
    if scalar:  # numpy scalars, as numpy's 0-d results divide
        out = total.reshape(())[()] / np.asarray(count).reshape(())[()]
    else:
        out = np.true_divide(total, count)
    out = np.asarray(out)
    return out.astype(dtype) if dtype is not None else out


def arg_partial(
    block: np.ndarray,
    mode: str,
    axis: int | None,
    starts: tuple,
    shape: tuple,
) -> tuple[np.ndarray, np.ndarray]:
    """Local extreme values and their global indices, keepdims shaped."""
    func = np.argmax if mode == "max" else np.argmin
    data = numpy_input(block)  # (argmax copies a read-only block first)
    if axis is None:
        local = int(func(data))
        vals = block.reshape(-1)[local : local + 1].reshape((1,) * block.ndim)
        multi = np.unravel_index(local, block.shape) if block.ndim else ()
        glob = tuple(int(m) + s for m, s in zip(multi, starts))
        idx = np.full((1,) * block.ndim, np.ravel_multi_index(glob, shape) if shape else 0)
        return vals, idx.astype(np.intp)
    local = func(data, axis=axis, keepdims=True)
    vals = np.take_along_axis(block, local, axis=axis)
    return vals, (local + starts[axis]).astype(np.intp)


def arg_combine(mode: str, a: tuple, b: tuple) -> tuple[np.ndarray, np.ndarray]:
    va, ia = a
    vb, ib = b
    # complex NaNs set "invalid" in these comparisons; NaN is handled below and NumPy's
    # argmax does not warn
    with np.errstate(invalid="ignore"):
        better = vb > va if mode == "max" else vb < va
        tie = (vb == va) & (ib < ia)
    if va.dtype.kind in "fcmM":  # NaN (and dates' NaT) is the extreme of both, first wins
        na, nb = (np.isnat(va), np.isnat(vb)) if va.dtype.kind in "mM" else (np.isnan(va),
                                                                          np.isnan(vb))
        better = (better & ~na) | (nb & ~na) | (nb & na & (ib < ia))
    take_b = better | tie
    return np.where(take_b, vb, va), np.where(take_b, ib, ia)


def arg_finalize(pair: tuple) -> np.ndarray:
    return pair[1]


def _dtype_argument(dtype, *arrays: Any) -> Any:
    """``dtype`` for a ufunc's ``dtype=``, or None where the arrays have it and it is a
    datetime or timedelta with a unit (NumPy's ufuncs refuse those as ``dtype=``)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "mM" and all(getattr(a, "dtype", None) == dtype for a in arrays):
        return None
    return dtype


def cumulative(ufunc: np.ufunc, axis: int, dtype, block: np.ndarray) -> np.ndarray:
    """``ufunc.accumulate`` of a block along ``axis``, on its own (into a store buffer:
    returned without a copy)."""
    dt = _dtype_argument(dtype, block)
    if dt is None or np.dtype(dt).hasobject or block.size == 0:
        return ufunc.accumulate(block, axis=axis, dtype=dt)
    return ufunc.accumulate(block, axis=axis, dtype=dt, out=new_block(block.shape, dt))


def cumulative_carry(ufunc: np.ufunc, axis: int, dtype, local: np.ndarray,
                     block: Any, prev: np.ndarray | None = None) -> np.ndarray | None:
    """The last slice along ``axis`` of a block's final accumulation: its own (``local``, of
    ``block``) continued from ``prev``, the carry of the blocks before it (None: none)."""
    if local.shape[axis] == 0:
        return prev
    last = np.take(local, [-1], axis=axis)
    if prev is None:
        return last
    out = ufunc(last, prev, dtype=_dtype_argument(dtype, last, prev))
    if _overflowed(ufunc, out):
        return np.take(_continued(ufunc, axis, dtype, prev, _value(block)), [-1], axis=axis)
    return out


def cumulative_continue(ufunc: np.ufunc, axis: int, dtype, local: np.ndarray,
                        block: Any, carry: np.ndarray | None) -> np.ndarray:
    """A block's accumulation ``local`` (of ``block``, or a function computing it) continued
    from the blocks before it."""
    if carry is None:
        return local
    dt = _dtype_argument(dtype, local, carry)
    if dt is None or np.dtype(dt).hasobject:
        out = ufunc(local, carry, dtype=dt)
    else:
        out = ufunc(local, carry, dtype=dt, out=new_block(local.shape, dt))
    if _overflowed(ufunc, out):
        return _continued(ufunc, axis, dtype, carry, _value(block))
    return out


def _value(block: Any) -> np.ndarray:
    """A block, given as itself or as a function computing it (``on_lazy_operand``)."""
    return block() if callable(block) else block


def _overflowed(ufunc: np.ufunc, out: np.ndarray) -> bool:
    """Whether a sum or product of floats regrouped (a carry combined with a block's own
    accumulation) has infinities or NaNs: an overflow along the way may have made them,
    and NumPy's one element after the other may give others (inf where the regrouping
    gives NaN), so the block is accumulated again in NumPy's order (:func:`_continued`).
    Finite values differ from NumPy's only in rounding."""
    return (ufunc in (np.add, np.multiply) and out.dtype.kind in "fc"
            and not np.isfinite(out).all())


def _continued(ufunc: np.ufunc, axis: int, dtype, carry: np.ndarray,
               block: np.ndarray) -> np.ndarray:
    """``block`` accumulated from ``carry``, one slice after the other as NumPy does."""
    with np.errstate(all="ignore"):  # (the first computation gave the warnings)
        both = np.concatenate([carry, block.astype(carry.dtype, copy=False)], axis=axis)
        out = ufunc.accumulate(both, axis=axis, dtype=_dtype_argument(dtype, both))
    return out[(slice(None),) * axis + (slice(1, None),)]


# ---------------------------------------------------------------------------- products


def einsum_pair(spec: str, dtype, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(np.einsum(spec, a, b)).astype(dtype, copy=False)


def tensordot(a: np.ndarray, b: np.ndarray, axes, dtype) -> np.ndarray:
    a, b = widened(a, dtype), widened(b, dtype)
    return np.asarray(np.tensordot(a, b, axes=axes)).astype(dtype, copy=False)


def matmul(a: np.ndarray, b: np.ndarray, dtype) -> np.ndarray:
    return np.matmul(widened(a, dtype), widened(b, dtype)).astype(dtype, copy=False)


def add(*parts: np.ndarray) -> np.ndarray:
    return functools.reduce(np.add, parts)


# ---------------------------------------------------------------------------- random


def block_stream(entropy: int, spawn_key: tuple) -> np.random.Generator:
    """The random stream of one block: ``PCG64(SeedSequence(entropy, spawn_key))``."""
    return np.random.Generator(np.random.PCG64(
        np.random.SeedSequence(entropy, spawn_key=spawn_key)))


def random_block(
    entropy: int, spawn_key: tuple, method: str, shape: tuple, dtype, kwargs: dict
) -> np.ndarray:
    """Draw one block from its own stream: ``SeedSequence(entropy, spawn_key)``."""
    out = np.asarray(getattr(block_stream(entropy, spawn_key), method)(size=shape, **kwargs))
    if dtype is not None and out.dtype != dtype:
        out = out.astype(dtype)
    return out


def random_with_params(entropy: int, key: tuple, method: str, names: tuple, scalars: dict,
                       *pieces: Any, block: int, size: tuple) -> np.ndarray:
    """One block of a draw whose parameters are arrays: ``pieces`` (the parts of the
    parameters ``names`` that broadcast onto the block) with the ``scalars``, from the
    block's own stream ``SeedSequence(entropy, spawn_key=key + (block,))``."""
    gen = block_stream(entropy, (*key, block))
    return np.asarray(getattr(gen, method)(**scalars, **dict(zip(names, pieces)),
                                           size=tuple(size)))


def random_multivariate_normal(entropy: int, spawn_key: tuple, size: tuple, mean: np.ndarray,
                               factor: np.ndarray) -> np.ndarray:
    """``size`` samples of N(mean, factor @ factor.T): ``mean + z @ factor.T`` with ``z``
    standard normal from the block's own stream."""
    z = block_stream(entropy, spawn_key).standard_normal(tuple(size) + mean.shape)
    return mean + z @ factor.T


def random_permuted(x: np.ndarray, *, entropy: int, key: tuple, axis: int, block: int
                    ) -> np.ndarray:
    """``x`` with each 1-d slice along ``axis`` shuffled independently, from the block's
    own stream ``SeedSequence(entropy, spawn_key=key + (block,))``."""
    return block_stream(entropy, (*key, block)).permuted(x, axis=axis)


def choice_take(idx: np.ndarray, offsets: Sequence[int], *blocks: np.ndarray) -> np.ndarray:
    """``a[idx]`` where ``a`` is the concatenation of 1-d ``blocks`` starting at ``offsets``."""
    out = np.empty(idx.shape, dtype=blocks[0].dtype)
    for off, block in zip(offsets, blocks):
        sel = (idx >= off) & (idx < off + block.shape[0])
        out[sel] = block[idx[sel] - off]
    return out


def set_region(block: np.ndarray, dst: tuple, value: Any) -> np.ndarray:
    """``block`` with ``out[dst] = value`` (numpy's casting and broadcasting), in place or in a
    copy (:func:`writable`)."""
    out = writable(block)
    out[dst] = element_value(out, dst, value)
    return out


def element_value(target: np.ndarray, key: Any, value: Any) -> Any:
    """``value`` to write as ``target[key] = value``: the object a 0-d object array holds
    when ``key`` selects one element of an object array (NumPy's ``o[0] = [1]`` holds the
    list, which the write path carries in a 0-d array; written as it is, the element would
    be the array)."""
    if target.dtype.kind == "O" and type(value) is np.ndarray and not value.ndim and (
            value.dtype.kind == "O"):
        ints = key if type(key) is tuple else (key,)
        if len(ints) == target.ndim and all(
                isinstance(k, int | np.integer) and not isinstance(k, bool) for k in ints):
            return value[()]
    return value


def set_region_expr(block: np.ndarray, dst: tuple, spec: tuple, *leaves: Any) -> np.ndarray:
    """``block`` with ``out[dst]`` = the fused expression ``spec`` over ``leaves`` (see
    :func:`fused_eval`), in place or in a copy (:func:`writable`)."""
    out = writable(block, shared=True)  # the value is computed whole before it is written
    out[dst] = fused_eval(spec, *leaves)
    return out


def masked_fill(block: np.ndarray, mask: np.ndarray, value: Any) -> np.ndarray:
    """``block`` with ``out[mask] = value`` (``mask`` broadcasts; :func:`writable`)."""
    out = writable(block)
    out[np.broadcast_to(mask, out.shape)] = value
    return out


def canonical(a: Any) -> Any:
    """``a`` (an array of a number dtype) as a view with numpy's own descriptor of its dtype.

    An unpickled array (every block read from the store) carries a new descriptor object
    equal to the builtin one, and ``ufunc.at`` then skips its fast loop: ``np.add.at`` with
    such values runs 15-30 times slower. Other arrays are returned as they are."""
    if isinstance(a, np.ndarray) and a.dtype.kind in "biufc" and not a.dtype.isbuiltin:
        d = np.dtype(a.dtype.str)
        if d.isbuiltin:
            return a.view(d)
    return a


def ufunc_at(ufunc: Any, target: np.ndarray, key: Any, values: Any = None) -> None:
    """``ufunc.at(target, key[, values])`` on views of ``target`` and ``values`` with numpy's
    descriptors of their dtypes (:func:`canonical`: its fast loop)."""
    target = canonical(target)
    key = tuple(canonical(k) for k in key) if isinstance(key, tuple) else canonical(key)
    ufunc.at(target, key, *(() if values is None else (canonical(values),)))


def scatter(block: np.ndarray, coords: tuple, values: Any, ufunc: Any = None) -> np.ndarray:
    """``block`` (:func:`writable`) with ``out[coords] = values`` (the last of repeated coordinates
    wins, as in numpy), or ``ufunc.at(out, coords, values)`` (repeats accumulate)."""
    out = writable(block)
    if ufunc is None:
        out[coords] = values
    else:
        ufunc_at(ufunc, out, coords, values)
    return out


def with_part(block: np.ndarray, value: Any, part: str) -> np.ndarray:
    """Complex ``block`` (:func:`writable`) with its ``part`` ("real" or "imag") set to
    ``value``."""
    out = writable(block)
    getattr(out, part)[...] = value
    return out


def reinterpret(block: np.ndarray, dtype: Any) -> np.ndarray:
    """The bytes of ``block`` read as ``dtype`` (of the same itemsize), as a new block."""
    return own(block.view(dtype))


def with_bytes_of(block: np.ndarray, value: Any, view: Any) -> np.ndarray:
    """``block`` (:func:`writable`) whose bytes, read as ``view`` (a dtype of its itemsize),
    were set to ``value`` (cast to ``view``, as an assignment into ``block.view(view)``
    casts)."""
    out = writable(block)
    out.view(view)[...] = value
    return out


def _strided(whole: np.ndarray, offset: int, shape: tuple, strides: tuple) -> np.ndarray:
    flat = whole.reshape(-1)
    item = flat.itemsize
    return np.lib.stride_tricks.as_strided(flat[offset:], shape, tuple(s * item for s in strides))


def strided_copy(whole: np.ndarray, offset: int, shape: tuple, strides: tuple) -> np.ndarray:
    """``as_strided`` over the C-order values of ``whole`` (element units), copied."""
    return own(_strided(whole, offset, shape, strides))


def strided_set(whole: np.ndarray, offset: int, shape: tuple, strides: tuple, key: tuple,
                value: Any) -> np.ndarray:
    """A copy of ``whole`` with ``as_strided(...)[key] = value`` written through."""
    out = np.array(whole, copy=True, order="C")
    _strided(out, offset, shape, strides)[key] = value
    return out


def ufunc_reduce(block: np.ndarray, *mask: np.ndarray, axis, keepdims, ufunc,
                 out_dtype=None, **kwargs):
    """``ufunc.reduce`` of a block over ``axis`` (tuple), optionally with a where-mask;
    ``out_dtype``: into a new array of that dtype, as NumPy reduces into an ``out=``."""
    if mask:
        kwargs["where"] = np.broadcast_to(mask[0], block.shape)
    if out_dtype is not None:
        shape = tuple(1 if i in axis else n for i, n in enumerate(block.shape)
                      if keepdims or i not in axis)
        kwargs["out"] = np.empty(shape, out_dtype)
    out = ufunc.reduce(block, axis=axis, keepdims=keepdims, **kwargs)
    if block.dtype.kind == "O" and not isinstance(out, np.ndarray):
        out = object_0d(out)  # (the partial stays an object, not a str or float array)
    return out


def object_0d(value: Any) -> np.ndarray:
    """A 0-d object array holding ``value`` (``np.array(value, object)`` would unpack a
    sequence)."""
    out = np.empty((), dtype=object)
    out[()] = value
    return out


def ufunc_reduceat(part: np.ndarray, ufunc, indices: np.ndarray, axis: int, dtype,
                   keep: int) -> np.ndarray:
    """``ufunc.reduceat`` of a stretch of an array along ``axis``; the first ``keep``
    results (a last index may only mark where the stretch's last segment ends)."""
    out = ufunc.reduceat(part, indices, axis=axis, dtype=dtype)
    return out[(slice(None),) * axis + (slice(0, keep),)]


def result_itemsize(*blocks: Any, fn) -> np.ndarray:
    """The itemsize of ``fn(*blocks)``'s result at each of its elements (a function whose
    result's width depends on the data: its blocks' widths, then the widest, make the
    result's dtype)."""
    result = np.asarray(fn(*blocks))
    return np.full(result.shape, result.dtype.itemsize, dtype=np.int64)


def count_nonzero(block: np.ndarray, axis, keepdims) -> np.ndarray:
    if keepdims and set(axis) == set(range(block.ndim)):
        # NumPy counts a whole array in one pass; with ``axis`` it sums the values cast
        # to intp (ten times slower)
        return np.full((1,) * block.ndim, np.count_nonzero(block), dtype=np.intp)
    return np.asarray(np.count_nonzero(block, axis=axis, keepdims=keepdims), dtype=np.intp)


def divide_counts(total: np.ndarray, count: np.ndarray, message: str | None,
                  divide_warns: bool, scalar: bool, variance: bool = False) -> np.ndarray:
    """``total / count`` of a masked mean or variance, warning as numpy does where a count is
    zero: ``message`` (numpy's own, e.g. "Mean of empty slice"), then the division's warnings
    when ``divide_warns`` (mean and var) or none (nanmean and nanvar divide quietly, and
    give NaN where a count is zero, as numpy's nanvar does for ``variance`` with ``ddof``
    beyond it; nanmean's empty slices are its division's 0 / 0, nan+nanj if complex)."""
    if message and np.any(np.asarray(count) <= 0):
        warn(message, RuntimeWarning)  # in a task: relayed to the user's line
    if divide_warns:
        return divide_by(total, count, None, scalar)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.true_divide(total, count)
    if variance and out.dtype.kind in "fc":  # (a complex array's sum of squares is complex)
        out = np.where(np.asarray(count) <= 0, out.dtype.type(np.nan), out)
    return out


def sum_as(total: np.ndarray, dtype) -> np.ndarray:
    """A sum accumulated in a wider dtype, as NumPy's sum gives it in ``dtype`` (float16
    for halves): beyond its range infinite, with NumPy's "overflow encountered in reduce"
    as the error state in force makes it (a warning, an error, nothing, a call)."""
    with np.errstate(over="ignore"):
        rounded = np.asarray(total).astype(dtype)
    if np.any(np.isinf(rounded) & np.isfinite(total)):
        big = np.finfo(dtype).max
        np.add.reduce(np.array([big, big], dtype=dtype))  # NumPy's own overflow, signalled
    return rounded


def sqrt_divide_by(total: np.ndarray, count: Any, dtype=None, scalar: bool = False,
                   total_dtype=None) -> np.ndarray:
    """``sqrt(total / count)`` (numpy's std: the variance's warnings, then the root)."""
    return np.sqrt(divide_by(total, count, dtype, scalar, total_dtype))


def warn_if_nan(result: np.ndarray, message: str) -> np.ndarray:
    """``result``, with a RuntimeWarning ``message`` if it holds a NaN."""
    if np.isnan(result).any():
        warn(message, RuntimeWarning)  # in a task: relayed to the user's line
    return result


def apply_initial(result: np.ndarray, ufunc, initial) -> np.ndarray:
    """``initial`` combined with a reduced ``result`` as NumPy's reduce combines it (cast to
    the loop's dtype: ``bitwise_xor.reduce`` of booleans takes ``initial=2`` as True)."""
    return ufunc.reduce(np.asarray(result)[np.newaxis], axis=0, initial=initial)


def matmul_t(a: np.ndarray, b: np.ndarray, ta: bool, tb: bool, dtype) -> np.ndarray:
    """``op(a) @ op(b)`` where ``op`` transposes when its flag is set (no copies); a large
    result is written into a store buffer (returned without a copy: ``X @ w`` of a tall
    block writes its rows once)."""
    a, b = widened(a, dtype), widened(b, dtype)
    a, b = (a.T if ta else a), (b.T if tb else b)
    shape = _product_shape(a, b)
    if (shape is not None and math.prod(shape) * np.dtype(dtype).itemsize >= OUT_BUFFER_BYTES
            and np.result_type(a.dtype, b.dtype) == dtype and np.dtype(dtype).kind in "fc"):
        return np.matmul(a, b, out=new_block(shape, dtype))
    return np.matmul(a, b).astype(dtype, copy=False)


OUT_BUFFER_BYTES = 1 << 20  # results from this size are computed into store buffers


def _product_shape(a: np.ndarray, b: np.ndarray) -> tuple[int, ...] | None:
    """The shape of ``a @ b`` for operands of one or two axes whose inner lengths agree
    (None: let NumPy work it out, or raise)."""
    if a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0]:
        return (a.shape[0], b.shape[1])
    if a.ndim == 2 and b.ndim == 1 and a.shape[1] == b.shape[0]:
        return (a.shape[0],)
    if a.ndim == 1 and b.ndim == 2 and a.shape[0] == b.shape[0]:
        return (b.shape[1],)
    return None


def matmul_sum(ta: bool, tb: bool, dtype, n: int, *blocks: np.ndarray) -> np.ndarray:
    """``sum_k op(a_k) @ op(b_k)`` of the ``n`` blocks ``a_k`` then ``n`` blocks ``b_k``
    (``op`` transposes when its flag is set), accumulated in place in the first product."""
    out = None
    for a, b in zip(blocks[:n], blocks[n:]):
        a, b = widened(a, dtype), widened(b, dtype)
        p = np.matmul(a.T if ta else a, b.T if tb else b)
        if out is None:
            out = p
        else:
            out += p
    return out.astype(dtype, copy=False)


def _byte_range(offset: int, shape: tuple, dtype, slices: tuple) -> tuple[int, int] | None:
    """``(start, length)`` in the file of ``slices`` of the C-order array of ``shape`` and
    ``dtype`` stored at byte ``offset``, when the region is one contiguous byte range (whole
    along every axis after the first); None otherwise."""
    slices = tuple(slices)
    if not shape or any(s.start not in (0, None) or s.stop not in (n, None) or s.step not in
                        (1, None) for s, n in zip(slices[1:], shape[1:])):
        return None
    first = slices[0]
    if first.step not in (1, None):
        return None
    lo, hi, _ = first.indices(shape[0])
    row = int(np.prod(shape[1:], dtype=np.int64)) * np.dtype(dtype).itemsize
    return offset + lo * row, max(0, hi - lo) * row


def read_raw_region(path: str, offset: int, shape: tuple, dtype, fortran: bool,
                    slices: tuple) -> np.ndarray:
    """``slices`` of the raw array of ``shape`` and ``dtype`` (C order, or Fortran order)
    stored at byte ``offset`` of the file at ``path``, as an array in memory: read straight
    into the result when the region is one byte range (``.npy`` files, members of ``.npz``
    archives stored uncompressed, ``numpy.fromfile``'s binary files), else from a memory
    map."""
    span = None if fortran else _byte_range(offset, shape, dtype, slices)
    if span is not None:
        out = new_block(tuple(len(range(*s.indices(n))) for s, n in zip(slices, shape)), dtype)
        view = memoryview(out.reshape(-1).view(np.uint8))
        start, length = span
        with open(path, "rb", buffering=0) as f:
            done = 0
            while done < length:
                got = os.preadv(f.fileno(), [view[done:]], start + done)
                if got <= 0:  # (NumPy's error for a short file)
                    raise ValueError(f"{path}: the file ends before byte {start + length} "
                                     "(file seems not fully written?)")
                done += got
        return out
    m = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=tuple(shape),
                  order="F" if fortran else "C")
    out = np.array(m[tuple(slices)], order="C")
    del m
    return out


def write_raw_region(path: str, offset: int, shape: tuple, dtype, slices: tuple,
                     block: np.ndarray) -> None:
    """Write ``block`` into ``slices`` of the raw C-order array of ``shape`` and ``dtype``
    at byte ``offset`` of the file at ``path`` (the file has its full size): one write of
    its bytes when the region is one byte range, else through a memory map. As NumPy's
    ``save``, the data goes to the operating system's cache (no ``fsync``)."""
    span = _byte_range(offset, shape, dtype, slices)
    if span is not None:
        data = memoryview(np.ascontiguousarray(block, dtype=dtype).reshape(-1).view(np.uint8))
        start, length = span
        with open(path, "r+b", buffering=0) as f:
            done = 0
            while done < length:
                done += os.pwrite(f.fileno(), data[done:], start + done)
        return
    m = np.memmap(path, dtype=dtype, mode="r+", offset=offset, shape=tuple(shape))
    m[tuple(slices)] = block
    del m


def crc32_range(path: str, start: int, stop: int) -> int:
    """CRC-32 of bytes ``[start, stop)`` of the file at ``path``."""
    import zlib

    crc = 0
    with open(path, "rb") as f:
        f.seek(start)
        left = stop - start
        while left > 0:
            chunk = f.read(min(left, 1 << 22))
            if not chunk:
                break
            crc = zlib.crc32(chunk, crc)
            left -= len(chunk)
    return crc
