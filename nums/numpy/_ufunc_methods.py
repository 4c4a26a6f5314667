"""``ufunc.reduce`` and ``ufunc.accumulate`` as trees of block tasks, ``ufunc.reduceat`` by
stretches of the array, and the argument helpers every reduction shares (axes, ``where=``,
``out=``)."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, local_value, make_grid, raising_now, submit
from nums.core.array.blockarray import resident as driver_resident
from nums.core.array.dtypes import dry_run, dtype_of
from nums.core.array.reduction import REORDERABLE, cumulate, keeps_order, tree_reduce
from nums.core.array.regions import region
from nums.core.array.relayout import rechunk, whole_axis
from nums.core.array.writes import write_out
from nums.numpy._convert import asarray
from runtime.errors import warnings_at_caller

_NoValue = np._NoValue


def axes_of(a: BlockArray, axis: Any) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(a.ndim))
    return tuple(sorted(normalize_axis_tuple(axis, a.ndim)))


def single_out(out: Any) -> Any:
    """``out`` of a one-output ufunc method: NumPy's one-element tuple taken apart."""
    return out[0] if isinstance(out, tuple) and len(out) == 1 else out


def finish(result: BlockArray, out: Any) -> BlockArray:
    if out is None:
        return raising_now(result)
    return raising_now(write_out(out, result))


def loop_dtype(dtype: Any, out: Any, operand: np.dtype) -> Any:
    """The dtype a reduction or accumulation of an ``operand``-typed array computes in:
    ``dtype``; else the floating-point or complex dtype of its ``out=`` array when integers
    or booleans are cast to it (as NumPy: a product of int64 into a float64 ``out`` is
    computed in floats, not wrapped); else None (the operand's rules, the result cast into
    ``out``). NumPy's other choices of a loop for ``out=`` are not all followed."""
    if dtype is not None:
        return dtype
    out = single_out(out)
    if (isinstance(out, BlockArray) and np.dtype(operand).kind in "biu"
            and out.dtype.kind in "fc" and np.can_cast(operand, out.dtype, "same_kind")):
        return out.dtype
    return None


def where_operand(where: Any) -> list:
    if where is True:
        return []
    return [where_mask(where)]


def where_mask(where: Any) -> BlockArray:
    """A ``where=`` argument as a boolean BlockArray (NumPy's TypeError for an array of
    another dtype: :func:`check_where`)."""
    check_where(where)
    return asarray(where, dtype=bool)


def check_where(where: Any) -> None:
    """NumPy's TypeError for a ``where=`` array that is not boolean (a list or a scalar is
    converted; an integer or float array is not cast)."""
    if isinstance(where, BlockArray | np.ndarray) and not np.can_cast(where.dtype, bool,
                                                                      "safe"):
        raise TypeError(f"Cannot cast array data from dtype({str(where.dtype)!r}) to "
                        "dtype('bool') according to the rule 'safe'")


def ufunc_reduce(
    uf: np.ufunc,
    a: Any,
    axis: Any = 0,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = _NoValue,
    where: Any = True,
    nan_warning: str | None = None,
) -> Any:
    """``uf.reduce`` over ``axis`` as a tree: per-block reduce, then ``uf`` on partials.
    ``nan_warning``: a RuntimeWarning raised where a result is NaN (``nanmax``/``nanmin``:
    numpy's "All-NaN slice encountered")."""
    if not isinstance(a, BlockArray):
        a = asarray(a)
    out = single_out(out)
    # a 0-d operand has no axis to reduce; NumPy accepts an int axis 0 or -1 for it
    axes = axes_of(a, axis) if a.ndim else ()
    # an ``out=`` of another dtype (and no ``dtype=``) is where NumPy's loop writes: each
    # block is reduced into a buffer of that dtype, as NumPy reduces into ``out``
    out_loop = dtype is None and isinstance(out, BlockArray) and out.dtype != a.dtype
    # ... but into a narrower ``out`` of floating-point values NumPy's loop runs in their
    # dtype and casts its partial result into ``out`` after each buffer: the value reduced
    # whole, cast once (that, unless the cast rounds other than monotonically)
    narrowed = out_loop and a.dtype.kind in "fc" and not np.can_cast(a.dtype, out.dtype)
    if narrowed:
        exact = _reduced_here(uf, a, axis, out, keepdims, initial, where)
        if exact is not None:
            return exact
        _check_cast_once(uf, a.dtype, out.dtype)
    dtype = None if out_loop else loop_dtype(dtype, out, a.dtype)
    kw: dict[str, Any] = {}
    if dtype is not None:
        kw["dtype"] = dtype
    if initial is not _NoValue:
        kw["initial"] = initial
    if out_loop:  # NumPy's loop and casting errors for that ``out``
        shape = tuple(1 if n or i in axes else 0 for i, n in enumerate(a.shape)
                      if keepdims or i not in axes)
        kw["out"] = np.zeros(shape, out.dtype)
    res = dry_run(uf.reduce, a, axis=axis, keepdims=keepdims, where=stand_where(where), **kw)
    kw.pop("out", None)
    res_dtype = dtype_of(res, a)
    if a.size == 0 and initial is not _NoValue:  # nothing to reduce: ``initial`` everywhere
        shape = tuple(1 if i in axes else n for i, n in enumerate(a.shape)
                      if keepdims or i not in axes)
        fill = uf.reduce(np.empty(0, a.dtype), **kw)
        return finish(BlockArray.full(shape, fill, res_dtype), out)
    # NumPy's left fold: its one axis whole in each block (and the sum or product of
    # strings or objects, which concatenate or multiply in order: partials are not swapped)
    folds = uf not in REORDERABLE or keeps_order(uf, a.dtype)
    if folds and len(axes) == 1 and a.grid.grid_shape[axes[0]] > 1:
        a = whole_axis(a, axes[0])
    pkw = {"ufunc": uf}
    if dtype is not None:
        pkw["dtype"] = dtype
    elif uf is np.add and res_dtype == np.float16 and not out_loop:
        pkw["dtype"] = np.float32  # as NumPy's sum of halves, in float32, rounded once
    if out_loop and not narrowed:
        pkw["out_dtype"] = out.dtype
    # ``initial`` counts once: a fold starts from it, and blocks fully masked out need it
    # where the ufunc has no identity (maximum, fmin: combining it again changes nothing);
    # otherwise it is combined with the reduced value at the end
    in_blocks = initial is not _NoValue and (folds or (where is not True
                                                       and uf.identity is None))
    if in_blocks:
        pkw["initial"] = initial
    finalize, fkw = None, {}
    if initial is not _NoValue and not in_blocks:
        finalize, fkw = kernels.apply_initial, {"ufunc": uf, "initial": initial}
    elif nan_warning and res_dtype.kind in "fcmM":  # (NaN, and NaT of dates and times)
        finalize, fkw = kernels.warn_if_nan, {"message": nan_warning}
    redo = None
    if (uf in (np.add, np.multiply) and res_dtype.kind in "fc" and not folds
            and not out_loop and any(a.grid.grid_shape[i] > 1 for i in axes)):
        # in NumPy's order (each reduced axis whole in a block), if it may have overflowed
        whole = tuple(a.shape[i] or 1 if i in axes else n
                      for i, n in enumerate(a.block_shape))

        def redo(snapshot: BlockArray) -> BlockArray:
            return ufunc_reduce(uf, rechunk(snapshot, whole), axis, dtype, None, keepdims,
                                initial, where)

    result = tree_reduce(
        a,
        axes,
        keepdims,
        kernels.ufunc_reduce,
        pkw,
        uf,
        res_dtype,
        finalize,
        fkw,
        extras=where_operand(where),
        redo=redo,
        regroups=not folds,
    )
    return finish(result, out)


def _reduced_here(uf: np.ufunc, a: BlockArray, axis: Any, out: BlockArray, keepdims: bool,
                  initial: Any, where: Any) -> BlockArray | None:
    """``uf.reduce`` of driver-resident ``a`` into ``out`` by NumPy itself (its casts of
    partial results included), ``out`` given the result as any write; None when ``a`` (or
    ``where``) is distributed."""
    v = local_value(a)
    w = where if not isinstance(where, BlockArray) else local_value(where)
    if v is None or w is None:
        return None
    buf = out.get()  # (a new copy: NumPy leaves unselected elements as they are)
    kw = {} if initial is _NoValue else {"initial": initial}
    with warnings_at_caller():
        uf.reduce(v, axis=axis, out=buf, keepdims=keepdims, where=w, **kw)
    return write_out(out, driver_resident(buf))


# reductions whose result cast once equals NumPy's casts of partial results (casts keep
# order; logical ones' partial results are booleans)
_CAST_ONCE = frozenset((np.maximum, np.minimum, np.fmax, np.fmin, np.logical_and,
                        np.logical_or, np.logical_xor))


def _check_cast_once(uf: np.ufunc, dtype: np.dtype, out_dtype: np.dtype) -> None:
    """Raise for a distributed reduction whose result cast once into ``out_dtype`` may not
    be NumPy's: integers (or booleans) from floating-point or complex sums and products, where
    NumPy truncates the partial result of each of its buffers (its value depends on its
    buffer size), and real parts of complex products."""
    if uf in _CAST_ONCE or (out_dtype.kind == "c" or (out_dtype.kind == "f" and (
            dtype.kind == "f" or uf is np.add))):
        return  # (floats: rounded once, within an ulp of NumPy's roundings per buffer)
    raise NotImplementedError(
        f"nums: {uf.__name__}.reduce of {dtype} values into an out= of {out_dtype} casts "
        "NumPy's partial results after each of its buffers, which nums does not reproduce "
        "on distributed arrays; reduce without out= and cast the result, or pass dtype=")


def stand_where(where: Any) -> Any:
    if where is True:
        return True
    check_where(where)
    if isinstance(where, BlockArray | np.ndarray | list):
        shape = where.shape if isinstance(where, BlockArray) else np.shape(where)
        return np.ones(tuple(builtins.min(n, 1) for n in shape), dtype=bool)
    return where


def ufunc_accumulate(
    uf: np.ufunc, a: Any, axis: int = 0, dtype: Any = None, out: Any = None
) -> BlockArray:
    """``uf.accumulate`` along ``axis`` (block after block)."""
    a = asarray(a)
    out = single_out(out)
    if isinstance(axis, tuple) and len(axis) == 1:
        axis = axis[0]  # (NumPy's accumulate takes a one-axis tuple)
    if (dtype is None and isinstance(out, BlockArray) and out.dtype != a.dtype
            and np.can_cast(a.dtype, out.dtype, "safe")):
        # a wider ``out=``: NumPy's loop computes in its dtype (no overflow of the narrower)
        stand = tuple(builtins.min(n, 1) for n in a.shape)  # (the shape of a's stand-in)
        dry_run(uf.accumulate, a, axis=axis, out=np.zeros(stand, out.dtype))
        a = a.astype(out.dtype)
    dtype = loop_dtype(dtype, out, a.dtype)
    res = dry_run(uf.accumulate, a, axis=axis, **({"dtype": dtype} if dtype else {}))
    ax = normalize_axis_index(axis, a.ndim)
    return finish(cumulate(a, ax, uf, np.asarray(res).dtype), out)


def ufunc_reduceat(uf: np.ufunc, a: Any, indices: Any, axis: Any = 0, dtype: Any = None,
                   out: Any = None) -> BlockArray:
    """``uf.reduceat`` along ``axis``: segment ``k`` is ``a[indices[k]:indices[k+1]]``
    reduced, or ``a[indices[k]]`` where ``indices[k] >= indices[k+1]``; the last runs to the
    end.

    Each output block's task reads the stretch of ``a`` that its segments cover (the other
    axes cut as ``a``'s blocks) and runs NumPy's ``reduceat`` on it, so every value is
    NumPy's, bit for bit: a segment is reduced whole, in one task, in NumPy's order (NumPy
    starts from the segment's first element and adds the rest pairwise; partial results per
    block would round differently). A segment that spans many blocks is assembled on one node.
    """
    a = asarray(a)
    if isinstance(indices, BlockArray):
        indices = indices.get()
    out = single_out(out)
    ax = _reduceat_axis(a, axis)
    # NumPy's checks (binary ufunc, scalar, indices and their bounds, axis, dtype) on a
    # stand-in of no data: the real length along the axis (stride 0), the other axes empty
    shape = tuple(n if i == ax else 0 for i, n in enumerate(a.shape))
    kw = {} if dtype is None else {"dtype": dtype}
    if ax is not None:
        shape, axis = shape + (0,) * (a.ndim == 1), ax  # 1-d: no loop over its length
    res = uf.reduceat(np.broadcast_to(np.zeros((), a.dtype), shape), indices, axis=axis, **kw)
    ind = np.asarray(indices).astype(np.intp) if isinstance(indices, np.ndarray) else np.array(
        indices, dtype=np.intp)
    m, n = len(ind), a.shape[ax]
    ends = np.empty(m, dtype=np.intp)  # where each segment's stretch ends
    if m:
        ends[:-1] = np.where(ind[:-1] < ind[1:], ind[1:], ind[:-1] + 1)
        ends[-1] = n
    shape = a.shape[:ax] + (m,) + a.shape[ax + 1:]
    if 0 in shape:  # no segment, or nothing in each: no data to read
        return finish(BlockArray.from_numpy(np.empty(shape, res.dtype)), out)
    block_shape = list(a.block_shape)
    block_shape[ax] = min(m, block_shape[ax])
    grid = make_grid(shape, res.dtype, block_shape)

    def stretch(idx: tuple) -> tuple[list, np.ndarray, int]:
        sl = list(grid.block_slices(idx))
        k = sl[ax]
        lo, hi = int(ind[k].min()), int(ends[k].max())
        local, end = ind[k] - lo, int(ends[k.stop - 1])
        if end < hi:  # where the last segment ends, when the stretch runs beyond it
            local = np.append(local, end - lo)
        sl[ax] = slice(lo, hi)
        return sl, local, k.stop - k.start

    def task(idx: tuple, node: int) -> Any:
        sl, local, keep = stretch(idx)
        part, _ = region(a, sl, node)
        return submit(kernels.ufunc_reduceat, part, uf, local, ax, dtype, keep, node=node)

    result = BlockArray.build(grid, task, reads=lambda idx: [(a, stretch(idx)[0])],
                              name=f"{uf.__name__}.reduceat")
    return finish(result, out)


def _reduceat_axis(a: BlockArray, axis: Any) -> int | None:
    """The one axis of a reduceat (None where NumPy will raise: its dry run says why)."""
    if isinstance(axis, tuple) and len(axis) == 1:
        axis = axis[0]
    if axis is None and a.ndim == 1:
        return 0
    try:
        return normalize_axis_index(axis, a.ndim) if a.ndim else None
    except (TypeError, np.exceptions.AxisError):
        return None
