"""Shape manipulation: transpose, axes moves, reshape, broadcasting, joining, diagonals."""

from __future__ import annotations

import inspect
import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from nums.core.array import kernels, regions, relayout
from nums.core.array.blockarray import (
    BlockArray,
    fits_local,
    local_value,
    make_grid,
    normalize_shape,
    resident,
    submit,
)
from nums.core.array.dtypes import result_type
from nums.core.array.elementwise import map_broadcast
from nums.core.array.fusion import region_part, rolled, take_for_regions
from nums.core.array.geometry import memory_order
from nums.core.array.joins import Joined
from nums.core.array.views import derived_view, ravel_view, reshape_view, transpose_view
from nums.core.array.writes import check_out, write_out
from nums.core.graph.grid import ArrayGrid
from nums.numpy._convert import asarray, intp_values
from runtime.errors import warn


def transpose(a: Any, axes: Sequence[int] | None = None) -> BlockArray:
    """nums implementation of numpy.transpose: a view, as in numpy (each block is transposed
    where it lives when the view's values are first used)."""
    a = asarray(a)
    if axes is None:
        axes = tuple(range(a.ndim))[::-1]
    else:
        axes = tuple(axes)
        if len(axes) != a.ndim:
            raise ValueError("axes don't match array")
        axes = normalize_axis_tuple(axes, a.ndim)
    return transpose_view(a, axes)


def permute_dims(a: Any, axes: Sequence[int] | None = None) -> BlockArray:
    """nums implementation of numpy.permute_dims."""
    return transpose(a, axes)


def swapaxes(a: Any, axis1: int, axis2: int) -> BlockArray:
    """nums implementation of numpy.swapaxes."""
    a = asarray(a)
    axis1 = normalize_axis_index(axis1, a.ndim)
    axis2 = normalize_axis_index(axis2, a.ndim)
    perm = list(range(a.ndim))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return transpose_view(a, perm)


def moveaxis(a: Any, source: Any, destination: Any) -> BlockArray:
    """nums implementation of numpy.moveaxis."""
    a = asarray(a)
    source = normalize_axis_tuple(source, a.ndim, "source")
    destination = normalize_axis_tuple(destination, a.ndim, "destination")
    if len(source) != len(destination):
        raise ValueError(
            "`source` and `destination` arguments must have the same number of elements"
        )
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return transpose_view(a, order)


_NEWSHAPE = "newshape" in inspect.signature(np.reshape).parameters  # (NumPy < 2.4)


def _reshape_shape(shape: Any, kwargs: dict) -> Any:
    """The shape argument of :func:`reshape`, with NumPy's errors for the keywords it does
    not take and its deprecation of ``newshape`` where it still takes it."""
    newshape = kwargs.pop("newshape", np._NoValue) if _NEWSHAPE else np._NoValue
    if kwargs:
        raise TypeError(f"reshape() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if newshape is not np._NoValue:
        if shape is not np._NoValue:
            raise TypeError("You cannot specify 'newshape' and 'shape' arguments at the "
                            "same time.")
        warn("`newshape` keyword argument is deprecated, use `shape=...` or pass shape "
             "positionally instead. (deprecated in NumPy 2.1)", DeprecationWarning)
        return newshape
    if shape is np._NoValue:
        raise TypeError("reshape() missing 1 required positional argument: 'shape'")
    return shape


def _resolve_shape(size: int, shape: Any) -> tuple[int, ...]:
    shape = normalize_shape(shape)
    if math.prod(shape) == size and min(shape, default=0) >= 0:
        return shape  # (the common case: a shape of the right size)
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise ValueError("can only specify one unknown dimension")
    if any(n < -1 for n in shape):
        raise ValueError("negative dimensions not allowed")
    if unknown:
        known = math.prod(n for n in shape if n != -1)
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
        shape = tuple(size // known if n == -1 else n for n in shape)
    if math.prod(shape) != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
    return shape


def reshape(
    a: Any,
    shape: Any = np._NoValue,
    order: str = "C",
    *,
    block_shape: Any = None,
    copy: bool | None = None,
    **kwargs: Any,
) -> BlockArray:
    """nums implementation of numpy.reshape (orders 'C' and 'F').

    A view where numpy returns one (``copy=False`` requires it), else a new array. Adding or
    removing axes of length 1 reshapes each block; otherwise values move between blocks
    through row blocks. ``block_shape=`` chooses the result's blocks (and makes a copy).
    ``newshape=`` is taken where the installed NumPy takes it (with its warning).
    """
    shape = _reshape_shape(shape, kwargs)
    a = asarray(a)
    shape = _resolve_shape(a.size, shape)
    order = memory_order(order)
    if order == "K":
        raise ValueError("order 'K' is not permitted for reshaping")
    if order == "F" or order == "A" and _fortran(a):
        return transpose(reshape(transpose(a), shape[::-1], copy=copy, block_shape=block_shape))
    if block_shape is not None:
        if copy is False:
            raise ValueError("Unable to avoid creating a copy while reshaping.")
        return relayout.reshape(a, shape, block_shape)
    return reshape_view(a, shape, copy)


def _fortran(a: BlockArray) -> bool:
    """Whether order 'A' means 'F' for ``a`` (F-contiguous and not C-contiguous)."""
    return a.ndim > 1 and bool(a.flags.f_contiguous) and not a.flags.c_contiguous


def _in_order(a: BlockArray, order: str) -> BlockArray:
    """``a`` with its axes in the order ``ravel``/``flatten`` read them for ``order``: 'C' as
    it is, 'F' reversed, 'A' reversed when ``a`` is F-contiguous, and 'K' in the order of
    its memory (axes by decreasing stride size, as NumPy; an axis of negative stride keeps
    its own direction)."""
    order = memory_order(order)
    if order == "F" or order == "A" and _fortran(a):
        return transpose(a)
    if order == "K" and a.ndim > 1:
        strides = a._geometry().strides
        perm = sorted(range(a.ndim), key=lambda i: -abs(strides[i]))
        return transpose_view(a, perm) if perm != list(range(a.ndim)) else a
    return a


def ravel(a: Any, order: str = "C") -> BlockArray:
    """nums implementation of numpy.ravel: a view when the elements in ``order`` are
    contiguous, as in numpy."""
    return ravel_view(_in_order(asarray(a), order))


def flatten(a: Any, order: str = "C") -> BlockArray:
    """nums implementation of numpy.ndarray.flatten (always a copy)."""
    a = _in_order(asarray(a), order)
    return relayout.reshape(a, (a.size,))


def expand_dims(a: Any, axis: Any) -> BlockArray:
    """nums implementation of numpy.expand_dims."""
    a = asarray(a)
    if not isinstance(axis, tuple | list):
        axis = (axis,)
    out_ndim = len(axis) + a.ndim
    axis = normalize_axis_tuple(axis, out_ndim)
    it = iter(a.shape)
    shape = tuple(1 if ax in axis else next(it) for ax in range(out_ndim))
    return reshape_view(a, shape)


def squeeze(a: Any, axis: Any = None) -> BlockArray:
    """nums implementation of numpy.squeeze."""
    a = asarray(a)
    if axis is None:
        axes = tuple(i for i, n in enumerate(a.shape) if n == 1)
    elif a.ndim == 0 and not isinstance(axis, tuple) and axis in (0, -1):
        axes = ()  # NumPy lets a 0-d array squeeze its one notional axis (an int, not a tuple)
    else:
        if not isinstance(axis, tuple):
            axis = operator.index(axis)  # (NumPy's TypeError for a list or a float)
        axes = normalize_axis_tuple(axis, a.ndim)
        if any(a.shape[i] != 1 for i in axes):
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    key = tuple(0 if i in axes else slice(None) for i in range(a.ndim))
    return a[(*key, Ellipsis)]  # (a view also when no axis is left: not x[0]'s element)


def flip(m: Any, axis: Any = None) -> BlockArray:
    """A view with the order of elements reversed along ``axis`` (all axes when None), as in
    numpy; no data moves until the view is used."""
    m = asarray(m)
    axes = range(m.ndim) if axis is None else normalize_axis_tuple(axis, m.ndim)
    return m[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(m.ndim))]


def roll(a: Any, shift: Any, axis: Any = None) -> BlockArray:
    """Elements shifted cyclically along ``axis`` (the flattened array when None). Of a
    distributed array: a pending expression that its consumers read from ``a``'s blocks
    (:func:`nums.core.array.fusion.rolled`); of a driver-resident one, NumPy's roll in the
    driver."""
    a = asarray(a)
    value = local_value(a)
    if value is not None:  # NumPy's roll here: a new value, of the same size
        return resident(np.roll(value, shift, axis))
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.shape)
    pairs = np.broadcast(np.asarray(shift), np.asarray(
        normalize_axis_tuple(axis, a.ndim, allow_duplicate=True)))
    if pairs.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    total: dict[int, int] = {}
    for sh, ax in pairs:
        total[int(ax)] = total.get(int(ax), 0) + int(sh)  # (NumPy's int(): floats truncate)
    if any(total.values()):
        out = rolled(a, tuple(total.get(ax, 0) for ax in range(a.ndim)))
        if out is not None:
            return out
    out = a
    for ax, sh in total.items():
        n = a.shape[ax]
        k = sh % n if n else 0
        if k == 0:
            continue
        head = tuple(slice(n - k, None) if i == ax else slice(None) for i in range(a.ndim))
        tail = tuple(slice(None, n - k) if i == ax else slice(None) for i in range(a.ndim))
        out = concatenate([out[head], out[tail]], axis=ax)
    return out.copy() if out is a else out


def _identity(x: np.ndarray) -> np.ndarray:
    return x


def broadcast_to(array: Any, shape: Any, subok: bool = False, *,
                 block_shape: Any = None) -> BlockArray:
    """nums implementation of numpy.broadcast_to: a read-only view, as in numpy (its blocks
    hold the broadcast values; there are no subclasses for ``subok`` to keep)."""
    array = asarray(array)
    shape = normalize_shape(shape)
    ok = len(shape) >= array.ndim and all(
        n == m or n == 1 for n, m in zip(array.shape[::-1], shape[::-1])
    )
    if not ok:
        raise ValueError(
            "operands could not be broadcast together with remapped shapes "
            f"[original->remapped]: {array.shape} and requested shape {shape}"
        )
    return derived_view(array, _broadcast_values, _broadcast_geometry, shape, block_shape)


def _broadcast_geometry(g: np.ndarray, shape: tuple, block_shape: Any) -> np.ndarray:
    return np.broadcast_to(g, shape)


def _broadcast_values(array: BlockArray, shape: tuple, block_shape: Any) -> BlockArray:
    return map_broadcast(_identity, [array], array.dtype, shape=shape, block_shape=block_shape)


def broadcast_arrays(*args: Any, subok: bool = False) -> tuple[BlockArray, ...]:
    """nums implementation of numpy.broadcast_arrays (there are no subclasses for ``subok``
    to keep).

    Differs: arrays that are broadcast are read-only views (numpy still lets them be written
    with a FutureWarning); arrays that already have the shape are returned as they are.
    """
    arrays = [asarray(a) for a in args]
    shape = tuple(np.broadcast_shapes(*[a.shape for a in arrays]))
    return tuple(a if a.shape == shape else broadcast_to(a, shape) for a in arrays)


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """numpy.broadcast_shapes (re-exported)."""
    return np.broadcast_shapes(*shapes)


def _joined_grid(arrays: Sequence[BlockArray], axis: int, shape: tuple[int, ...],
                 dtype: np.dtype) -> ArrayGrid:
    """The grid of arrays joined along ``axis``: the largest one's blocks (its blocks are
    then taken as they are), a single block along the axis where every array has one; the
    session's default grid when that would make many more blocks than the default (the
    blocks of a small first piece, ``concatenate([[0], x])``, are no measure of the
    result's)."""
    largest = max(arrays, key=lambda a: a.size)
    block_shape = list(largest.block_shape)
    if all(a.grid_shape[axis] == 1 for a in arrays):
        block_shape[axis] = max(1, shape[axis])  # single blocks along the axis stay single
    grid = make_grid(shape, dtype, tuple(block_shape))
    default = make_grid(shape, dtype)
    if grid.num_blocks > 2 * default.num_blocks + len(arrays):
        return default
    return grid


def concatenate(
    arrays: Sequence[Any],
    axis: int | None = 0,
    out: Any = None,
    *,
    dtype: Any = None,
    casting: str = "same_kind",
    block_shape: Any = None,
) -> BlockArray:
    """nums implementation of numpy.concatenate."""
    if out is not None:
        if dtype is not None:
            raise TypeError("concatenate() only takes `out` or `dtype` as an argument, "
                            "but both were provided.")
        result = concatenate(arrays, axis, dtype=out.dtype, casting=casting)
        return write_out(out, result)
    if not hasattr(arrays, "__getitem__") or isinstance(arrays, dict):  # NumPy's sequences
        raise TypeError("The first input argument needs to be a sequence")
    arrays = [asarray(a) for a in arrays]
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    ndim = arrays[0].ndim
    if ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = normalize_axis_index(axis, ndim)
    for i, a in enumerate(arrays):
        if a.ndim != ndim:
            raise ValueError(
                "all the input array dimensions except for the concatenation axis must match "
                f"exactly, but along dimension 0, the array at index 0 has {ndim} dimension(s) "
                f"and the array at index {i} has {a.ndim} dimension(s)"
            )
        for d in range(ndim):
            if d != axis and a.shape[d] != arrays[0].shape[d]:
                raise ValueError(
                    "all the input array dimensions except for the concatenation axis must "
                    f"match exactly, but along dimension {d}, the array at index 0 has size "
                    f"{arrays[0].shape[d]} and the array at index {i} has size {a.shape[d]}"
                )
    out_dtype = np.dtype(dtype) if dtype is not None else result_type(*arrays)
    if out_dtype.kind in "SU" and out_dtype.itemsize == 0:  # ``dtype="U"``: NumPy's size,
        # the widest of each array's own cast (a float64 is U32 where its strings are U1)
        out_dtype = np.result_type(*[np.empty(0, a.dtype).astype(out_dtype).dtype
                                     for a in arrays])
    arrays = [a.astype(out_dtype, casting=casting, copy=False) for a in arrays]
    offsets = [0]
    for a in arrays:
        offsets.append(offsets[-1] + a.shape[axis])
    shape = list(arrays[0].shape)
    shape[axis] = offsets[-1]
    if block_shape is None:
        grid = _joined_grid(arrays, axis, tuple(shape), out_dtype)
    else:
        grid = make_grid(tuple(shape), out_dtype, block_shape)
    # pending expressions (``x ** 2`` of np.column_stack([x, x ** 2])) are evaluated by
    # the joining tasks, straight into their place
    fused_of = [take_for_regions(a) for a in arrays]
    in_driver = all(n == 1 for n in grid.grid_shape) and fits_local(grid.shape, out_dtype)
    if not in_driver:  # the blocks are made on first use: of the arrays as they are now
        arrays = [a.copy() for a in arrays]
    fused = {id(a): f for a, f in zip(arrays, fused_of)}

    def parts(idx):
        """The regions of the joined arrays that output block ``idx`` is made of."""
        slices = grid.block_slices(idx)
        lo, hi = slices[axis].start, slices[axis].stop
        out = []
        for a, start, stop in zip(arrays, offsets[:-1], offsets[1:]):
            s, e = max(lo, start), min(hi, stop)
            if s < e or (lo == hi and start == stop == lo):
                sl = list(slices)
                sl[axis] = slice(s - start, e - start)
                out.append((a, sl))
        return out

    def task(idx, node):
        here = parts(idx)
        if len(here) == 1:  # (an expression's blocks are then computed, and kept)
            return regions.region(here[0][0], here[0][1], node)[0]
        specs, refs = [], []
        for a, sl in here:
            spec, r = region_part(a, fused[id(a)], sl, node)
            specs.append(spec)
            refs += r
        return submit(kernels.join_parts, axis, grid.block_shape_at(idx), out_dtype, specs,
                      *refs, node=node)

    def build() -> BlockArray:
        return BlockArray.build(grid, task, reads=parts, name="concatenate")

    if in_driver:
        return build()
    return BlockArray(grid, None, None, pending=Joined(arrays, axis, build))


concat = concatenate


def stacked_sequence(arrays: Any) -> Any:
    """``arrays`` of the stacking functions, refused as NumPy refuses it when it is not a
    sequence (a generator, a set)."""
    if not hasattr(arrays, "__getitem__"):
        raise TypeError('arrays to stack must be passed as a "sequence" type such as list '
                        "or tuple.")
    return arrays


def stack(arrays: Sequence[Any], axis: int = 0, out: Any = None, *, dtype: Any = None,
          casting: str = "same_kind") -> BlockArray:
    """nums implementation of numpy.stack."""
    arrays = [asarray(a) for a in stacked_sequence(arrays)]
    if not arrays:
        raise ValueError("need at least one array to stack")
    if any(a.shape != arrays[0].shape for a in arrays):
        raise ValueError("all input arrays must have the same shape")
    axis = normalize_axis_index(axis, arrays[0].ndim + 1)
    return concatenate([expand_dims(a, axis) for a in arrays], axis=axis, out=out, dtype=dtype,
                       casting=casting)


def vstack(tup: Sequence[Any], *, dtype: Any = None, casting: str = "same_kind"
           ) -> BlockArray:
    """nums implementation of numpy.vstack."""
    return concatenate([_at_least(a, 2) for a in stacked_sequence(tup)], axis=0, dtype=dtype,
                       casting=casting)


def hstack(tup: Sequence[Any], *, dtype: Any = None, casting: str = "same_kind"
           ) -> BlockArray:
    """nums implementation of numpy.hstack."""
    arrs = [_at_least(a, 1) for a in stacked_sequence(tup)]
    return concatenate(arrs, axis=0 if arrs and arrs[0].ndim == 1 else 1, dtype=dtype,
                       casting=casting)


def _at_least(a: Any, ndim: int) -> BlockArray:
    """``a`` with leading axes of length 1 up to ``ndim`` (a view, as in numpy)."""
    a = asarray(a)
    return a[(None,) * (ndim - a.ndim)] if a.ndim < ndim else a


def atleast_1d(*arys: Any) -> Any:
    """nums implementation of numpy.atleast_1d (views as in numpy; a tuple for several)."""
    out = tuple(_at_least(a, 1) for a in arys)
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys: Any) -> Any:
    """nums implementation of numpy.atleast_2d (views as in numpy; a tuple for several)."""
    out = tuple(_at_least(a, 2) for a in arys)
    return out[0] if len(out) == 1 else out


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> BlockArray:
    """nums implementation of numpy.diagonal: a read-only view, as in numpy. 2-d arrays move
    only the diagonal's stretches; n-d arrays compute each output block from the square of
    ``(axis1, axis2)`` that holds its stretch of the diagonal, next to those blocks."""
    a = asarray(a)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    offset = operator.index(offset)
    axis1 = normalize_axis_index(axis1, a.ndim)
    axis2 = normalize_axis_index(axis2, a.ndim)
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    values = _diagonal_values if a.ndim == 2 else _diagonal_nd_values
    return derived_view(a, values, np.diagonal, offset, axis1, axis2)


def _diagonal_nd_values(a: BlockArray, offset: int, axis1: int, axis2: int) -> BlockArray:
    roff, coff = max(0, -offset), max(0, offset)
    length = max(0, min(a.shape[axis1] - roff, a.shape[axis2] - coff))
    others = [i for i in range(a.ndim) if i not in (axis1, axis2)]
    grid = ArrayGrid(tuple(a.shape[i] for i in others) + (length,),
                     tuple(a.block_shape[i] for i in others) + (max(1, a.block_shape[axis1]),),
                     a.dtype)

    def slices(idx):
        """The region of ``a`` that holds output block ``idx`` on its diagonal."""
        out = grid.block_slices(idx)
        sl = [slice(0, 0)] * a.ndim
        for ax, s in zip(others, out[:-1]):
            sl[ax] = s
        d = out[-1]
        sl[axis1] = slice(d.start + roff, d.stop + roff)
        sl[axis2] = slice(d.start + coff, d.stop + coff)
        return sl

    def task(idx, node):
        ref, _ = regions.region(a, slices(idx), node)
        return submit(kernels.diagonal, ref, axis1, axis2, node=node)

    return BlockArray.build(grid, task, reads=lambda idx: [(a, slices(idx))], name="diagonal")


def _diagonal_values(a: BlockArray, offset: int, axis1: int, axis2: int) -> BlockArray:
    if axis1 > axis2:
        a, offset = transpose(a), offset
    k = operator.index(offset)
    roff, coff = max(0, -k), max(0, k)
    n, m = a.shape
    length = max(0, min(n - roff, m - coff))
    grid = ArrayGrid((length,), (max(a.block_shape),), a.dtype)
    pieces = []  # (i_lo, i_hi, block index) along the diagonal
    for idx in a.grid.indices():
        (r0, r1), (c0, c1) = ((s.start, s.stop) for s in a.grid.block_slices(idx))
        lo, hi = max(r0 - roff, c0 - coff, 0), min(r1 - roff, c1 - coff, length)
        if lo < hi:
            pieces.append((lo, hi, idx))
    pieces.sort()

    def parts(idx):
        """The (start, stop, block) stretches of the diagonal in output block ``idx``."""
        lo, hi = grid.axis_start(0, idx[0]), grid.axis_stop(0, idx[0])
        return [(max(lo, plo), min(hi, phi), bidx) for plo, phi, bidx in pieces
                if max(lo, plo) < min(hi, phi)]

    def task(idx, node):
        # each stretch is cut from its block on the block's node (only the diagonal moves)
        refs = [submit(kernels.diag_piece, a.blocks[bidx], *a.grid.block_starts(bidx), s, e, k,
                       node=int(a.nodes[bidx])) for s, e, bidx in parts(idx)]
        if not refs:
            return submit(kernels.full, grid.block_shape_at(idx), 0, a.dtype, node=node)
        if len(refs) == 1:
            return refs[0]
        return submit(kernels.concatenate, 0, *refs, node=node)

    return BlockArray.build(
        grid, task, reads=lambda idx: [(a, a.grid.block_slices(b)) for _, _, b in parts(idx)],
        name="diagonal")


def take(a: Any, indices: Any, axis: int | None = None, out: Any = None,
         mode: str = "raise") -> BlockArray:
    """nums implementation of numpy.take (always a new array, as in numpy).

    Integer indices are fetched to the driver (they are usually small); rows are then
    gathered block by block.
    """
    a = asarray(a)
    check_out(out, a.dtype, "safe")  # NumPy casts ``out`` to ``a``'s dtype and back
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis_index(axis, a.ndim)
    idx = intp_values(indices)
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    n = a.shape[axis]
    shape = a.shape[:axis] + idx.shape + a.shape[axis + 1:]
    if n == 0 and math.prod(shape):
        raise IndexError("cannot do a non-empty take from an empty axes.")
    if math.prod(a.shape[:axis]) == 0 or (n == 0 and mode != "raise"):
        # an empty result of which NumPy takes no line, so checks no index
        result = BlockArray.full(shape, 0, a.dtype)
        return write_out(out, result) if out is not None else result
    if mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = np.clip(idx, 0, n - 1)
    key = (slice(None),) * axis + ((int(idx),) if idx.ndim == 0 else (idx,))
    result = a[key].copy() if idx.ndim == 0 else a[key]
    return write_out(out, result) if out is not None else result


def ndim(a: Any) -> int:
    """nums implementation of numpy.ndim."""
    return a.ndim if isinstance(a, BlockArray) else np.ndim(a)


def shape(a: Any) -> tuple[int, ...]:
    """nums implementation of numpy.shape."""
    return a.shape if isinstance(a, BlockArray) else np.shape(a)


def size(a: Any, axis: int | None = None) -> int:
    """nums implementation of numpy.size."""
    if not isinstance(a, BlockArray):
        return np.size(a, axis)
    if axis is None:
        return a.size
    if isinstance(axis, tuple):  # NumPy 2.4+: the product of those axes' lengths
        np.size(np.empty((0,) * a.ndim), axis)  # (NumPy's errors, and on older NumPy its own)
        return math.prod(a.shape[i] for i in normalize_axis_tuple(axis, a.ndim))
    return a.shape[normalize_axis_index(axis, a.ndim)]


__all__ = [
    "concat",
    "flip",
    "roll",
    "transpose",
    "permute_dims",
    "swapaxes",
    "moveaxis",
    "reshape",
    "ravel",
    "flatten",
    "expand_dims",
    "squeeze",
    "broadcast_to",
    "broadcast_arrays",
    "broadcast_shapes",
    "concatenate",
    "stack",
    "vstack",
    "hstack",
    "atleast_1d",
    "atleast_2d",
    "diagonal",
    "ndim",
    "take",
    "shape",
    "size",
]
