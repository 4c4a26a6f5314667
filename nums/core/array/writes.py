"""Writes: the one path by which an array's values change.

``x[key] = value``, augmented operators, ``out=``, ``ufunc.at`` and the in-place functions
(``copyto``, ``put``, ``fill_diagonal``, ...) all end here. A write to a view is translated
into a write to its parent by the view's op (:mod:`nums.core.array.views`), down to the root.
The root takes new blocks for just the blocks the write touches and counts a new version, so
every view of it sees the write. Untouched blocks keep their refs: writing ``x[0, 0] = 1``
copies one block, never the whole array.

Values follow numpy's assignment rules: a scalar is cast to the target dtype on the driver
(numpy's errors, e.g. ``OverflowError``, at the call); arrays broadcast to the selection
(numpy's error messages) and are cast by numpy inside the task.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from nums.core.array import kernels, regions, relayout, resident
from nums.core.array.blockarray import BlockArray, submit
from nums.core.array.elementwise import map_broadcast
from nums.core.array.indexing import (
    basic_spec,
    full_spec,
    is_basic,
    spec_key,
    spec_shape,
    take_rows,
)
from nums.core.graph.grid import stride_overlap


def check_writeable(x: BlockArray, message: str = "assignment destination is read-only") -> None:
    """numpy's ``ValueError`` for a write to a read-only array."""
    if not x._geometry().flags.writeable:
        raise ValueError(message)


def assign(x: BlockArray, key: Any, value: Any) -> None:
    """``x[key] = value`` with numpy's semantics, for every kind of key."""
    check_writeable(x)
    if is_basic(key):
        spec = basic_spec(x.shape, key)
        value = _prepare(value, x.dtype, spec_shape(spec), "basic")
        selected = [s for s in spec if s is None or s[0] == "slice"]
        new_axes = [i for i, s in enumerate(selected) if s is None]
        if new_axes:
            value = reshape_value(value, tuple(
                n for i, n in enumerate(value.shape) if i not in new_axes))
        write_basic(x, [s for s in spec if s is not None], value)
        return
    mask = _full_mask(x, key)
    if mask is not None and not isinstance(value, BlockArray) and np.size(value) == 1:
        fill = _scalar(np.reshape(np.asarray(value), ()), x.dtype)
        new = map_broadcast(kernels.masked_fill, [x, mask, fill], x.dtype, shape=x.shape)
        write_basic(x, full_spec(x.shape), new)
        return
    _advanced_write(x, key, value, None)


def ufunc_at(x: BlockArray, ufunc: np.ufunc, key: Any, b: Any = None) -> None:
    """``ufunc.at(x, key, b)``: unbuffered, so repeated indices apply repeatedly."""
    check_writeable(x)
    probe = np.zeros(1, x.dtype)  # numpy's casting errors at the call
    stand = b if not isinstance(b, BlockArray | np.ndarray) else np.zeros(1, b.dtype)
    ufunc.at(probe, [0], *(() if b is None else (stand,)))
    _advanced_write(x, key, b, ufunc)


def write_out(out: Any, result: BlockArray) -> BlockArray:
    """Write ``result`` into ``out`` (the ``out=`` argument of any function) and return it."""
    if not isinstance(out, BlockArray):
        raise TypeError("nums supports only BlockArray 'out' arguments")
    if out.shape != result.shape:
        raise ValueError(f"output parameter has shape {out.shape}, expected {result.shape}")
    check_writeable(out, "output array is read-only")
    write_basic(out, full_spec(out.shape), result)
    return out


def to_out(out: Any, result: BlockArray) -> BlockArray:
    """``result``, or, when the ``out=`` argument is given, ``result`` written into it."""
    return result if out is None else write_out(out, result)


def write_basic(x: BlockArray, spec: list, value: Any) -> None:
    """Write ``value`` into the selection ``spec`` of ``x`` (a basic spec without new axes;
    ``value`` a cast scalar, or an array with one axis per slice of ``spec`` that broadcasts
    to the selection)."""
    if x._link is not None:
        x._link.op.write(x._link.parent, spec, value)
    else:
        _root_write(x, spec, value)


def reshape_value(value: Any, shape: tuple[int, ...]) -> Any:
    if isinstance(value, BlockArray):
        return relayout.reshape(value, shape)
    if isinstance(value, np.ndarray) and value.ndim:  # 0-d: a cast scalar
        return value.reshape(shape)
    return value


def transpose_value(value: Any, axes: list[int]) -> Any:
    if isinstance(value, BlockArray):
        return relayout.transpose(value, axes)
    if isinstance(value, np.ndarray) and value.ndim:
        return value.transpose(axes)
    return value


# ---------------------------------------------------------------------------- values


def _scalar(value: Any, dtype: np.dtype) -> np.ndarray:
    """``value`` cast as numpy casts a scalar assigned into an array of ``dtype``."""
    probe = np.empty((), dtype=dtype)
    probe[()] = value
    return probe


def _prepare(value: Any, dtype: np.dtype, sel: tuple[int, ...], kind: str) -> Any:
    """A value ready to write into a selection of shape ``sel``: a cast scalar, or an array
    (numpy or BlockArray) with ``len(sel)`` axes that broadcasts to ``sel``."""
    if not isinstance(value, BlockArray):
        if not isinstance(value, np.ndarray) and np.ndim(value) == 0:
            return _scalar(value, dtype)  # Python and numpy scalars: numpy's scalar rules
        if not isinstance(value, np.ndarray):  # sequences convert to the target dtype
            value = np.array(value, dtype=dtype)
        if value.ndim == 0:
            return _scalar(value, dtype)
    shape = list(value.shape)
    while len(shape) > len(sel) and shape[0] == 1:
        shape.pop(0)
    fits = len(shape) <= len(sel) and all(
        v in (s, 1) for v, s in zip(reversed(shape), reversed(sel)))
    if not fits:
        raise ValueError(_mismatch(tuple(value.shape), sel, kind))
    return reshape_value(value, (1,) * (len(sel) - len(shape)) + tuple(shape))


def _mismatch(shape: tuple, sel: tuple, kind: str) -> str:
    if kind == "mask":
        count = int(np.prod(sel))
        return (f"NumPy boolean array indexing assignment cannot assign {int(np.prod(shape))} "
                f"input values to the {count} output values where the mask is true")
    if kind == "advanced":
        return (f"shape mismatch: value array of shape {shape} could not be broadcast to "
                f"indexing result of shape {sel}")
    return f"could not broadcast input array from shape {shape} into shape {sel}"


def _full_mask(x: BlockArray, key: Any) -> BlockArray | None:
    """``key`` as a BlockArray when it is one boolean mask of ``x``'s shape."""
    if isinstance(key, BlockArray | np.ndarray) and key.dtype == np.bool_ and (
            key.shape == x.shape and x.ndim > 0):
        return key if isinstance(key, BlockArray) else BlockArray.from_numpy(
            key, x.block_shape)
    return None


# ---------------------------------------------------------------------------- roots


def _root_write(x: BlockArray, spec: list, value: Any) -> None:
    if resident.write(x, spec_key(spec), value):
        return
    grid = x.grid
    if all(s == ("slice", 0, 1, n) for s, n in zip(spec, x.shape)):
        if isinstance(value, BlockArray) and value.shape == x.shape:
            x._assume(value.astype(x.dtype) if value.dtype != x.dtype else value.copy())
            return
        if not isinstance(value, BlockArray | np.ndarray) or value.ndim == 0:
            x._assume(BlockArray.full(x.shape, value, x.dtype, x.block_shape))
            return
    sel = tuple(s[3] for s in spec if s[0] == "slice")
    per_axis = []  # per axis: (grid index, local key, selection range or None)
    for axis, s in enumerate(spec):
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
        per_axis.append(hits)
    blocks = None
    for combo in itertools.product(*per_axis):
        if blocks is None:
            blocks = x.blocks.copy()
        idx = tuple(h[0] for h in combo)
        local = tuple(h[1] for h in combo)
        box = [slice(*h[2]) for h in combo if h[2] is not None]
        node = int(x.nodes[idx])
        if isinstance(value, BlockArray):
            piece = regions.broadcast_region(value, box, sel, node)
        elif isinstance(value, np.ndarray) and value.ndim:
            piece = np.ascontiguousarray(value[tuple(regions.broadcast_slices(value, box, sel))])
        else:
            piece = value
        blocks[idx] = submit(kernels.set_region, x.blocks[idx], local, piece, node=node)
    if blocks is not None:
        x._assume(BlockArray(grid, blocks, x.nodes.copy()))


def _gathered_key(key: Any) -> Any:
    """A key with its BlockArray index arrays fetched (numpy then checks and applies it)."""
    if isinstance(key, BlockArray):
        return key.get()
    if isinstance(key, tuple):
        return tuple(_gathered_key(k) for k in key)
    return key


def advanced_coords(shape: tuple[int, ...], key: Any) -> tuple[np.ndarray, ...]:
    """Per axis, the coordinates of the elements ``key`` selects from an array of ``shape``
    (arrays of the selection's shape), by numpy's own indexing rules and errors."""
    key = _gathered_key(key)
    coords = []
    for axis, n in enumerate(shape):
        ramp = np.arange(n, dtype=np.intp).reshape((n,) + (1,) * (len(shape) - axis - 1))
        coords.append(np.asarray(np.broadcast_to(ramp, shape)[key]))
    return tuple(coords)


def _advanced_write(x: BlockArray, key: Any, value: Any, ufunc: np.ufunc | None) -> None:
    if x._link is not None or x.ndim == 0:
        # a view (or a 0-d array): the write is made on a copy of its values, written back
        values = x.copy()
        _advanced_write(values, key, value, ufunc)
        write_basic(x, full_spec(x.shape), values)
        return
    coords = advanced_coords(x.shape, key)
    sel = coords[0].shape
    if value is not None:
        kind = "mask" if _is_mask_key(key) else "advanced"
        value = _prepare(value, x.dtype, sel, kind) if ufunc is None else (
            _prepare_operand(value, sel))
    scatter(x, coords, value, ufunc)


def _is_mask_key(key: Any) -> bool:
    k = key[0] if isinstance(key, tuple) and len(key) == 1 else key
    return isinstance(k, BlockArray | np.ndarray) and k.dtype == np.bool_


def _prepare_operand(value: Any, sel: tuple) -> Any:
    """The ``b`` of ``ufunc.at``: broadcast to the selection, not cast."""
    if isinstance(value, BlockArray):
        np.broadcast_shapes(value.shape, sel)
        return value
    value = np.asarray(value)
    return value if value.ndim == 0 else np.broadcast_to(value, sel)


def scatter(x: BlockArray, coords: tuple[np.ndarray, ...], value: Any,
            ufunc: np.ufunc | None = None) -> None:
    """Root ``x`` with ``x[coords] = value`` (or ``ufunc.at``), block by block: the
    coordinates are grouped by block on the driver, keeping their order."""
    if resident.scatter(x, coords, value, ufunc):
        return
    grid = x.grid
    flat = [c.reshape(-1) for c in coords]
    m = flat[0].size if flat else 0
    if m == 0:
        return
    block_id = np.ravel_multi_index(
        [c // b for c, b in zip(flat, grid.block_shape)], grid.grid_shape)
    order = np.argsort(block_id, kind="stable")
    ids = block_id[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(ids)) + 1, [m]])
    sel = coords[0].shape
    if isinstance(value, BlockArray):
        if value.shape != sel:
            value = map_broadcast(np.asarray, [value], value.dtype, shape=sel)
        value = take_rows(relayout.reshape(value, (m,)), order)
    elif isinstance(value, np.ndarray) and value.ndim:
        value = np.broadcast_to(value, sel).reshape(-1)[order]
    blocks = x.blocks.copy()
    for a, b in zip(starts[:-1], starts[1:]):
        idx = np.unravel_index(ids[a], grid.grid_shape)
        idx = tuple(int(i) for i in idx)
        offsets = grid.block_starts(idx)
        local = tuple(c[order[a:b]] - o for c, o in zip(flat, offsets))
        node = int(x.nodes[idx])
        if isinstance(value, BlockArray):
            vals = regions.region(value, [slice(int(a), int(b))], node)[0]
        elif isinstance(value, np.ndarray) and value.ndim:
            vals = value[a:b]
        else:
            vals = value
        blocks[idx] = submit(kernels.scatter, blocks[idx], local, vals, ufunc, node=node)
    x._assume(BlockArray(grid, blocks, x.nodes.copy()))
