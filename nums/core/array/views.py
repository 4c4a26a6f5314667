"""Views: arrays that show another array's current values and write through to it.

A view is a BlockArray with a :class:`ViewLink`: its parent, the :class:`ViewOp` that derives
it and its root (the array that owns the values, numpy's ``base``). An op knows three things:

- ``values(parent)``: the view's values as a new array, from the parent's current blocks;
- ``stand_in(g)``: the view's numpy geometry from the parent's (:mod:`~nums.core.array.geometry`):
  the same numpy operation on the parent's stand-in;
- ``write(parent, spec, value)``: a write of ``value`` into the view's selection ``spec`` (a
  basic spec without new axes, see :func:`~nums.core.array.indexing.basic_spec`), translated
  into a write into the parent (:func:`nums.core.array.writes.write_basic`).

Views compute their blocks lazily and again after their root is written (``BlockArray._sync``).
Which numpy operations return views, and which of them are read-only, follows numpy: a reshape
is a view exactly when numpy's stand-in reshapes without a copy.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.array import advanced, kernels, mapped, regions, relayout, resident
from nums.core.array.blockarray import (
    ZERO_NODES,
    BlockArray,
    Pending,
    make_grid,
    stands_for_scalar,
    submit,
)
from nums.core.array.elementwise import map_broadcast
from nums.core.array.geometry import offset_of, reshaped, strided
from nums.core.array.indexing import (
    basic_spec,
    basic_values,
    full_spec,
    is_basic,
    plain_key,
    scalar_indices,
    spec_key,
)
from nums.core.array.writes import reshape_value, transpose_value, write_basic
from nums.core.graph.grid import ArrayGrid


def link_view(view: BlockArray, parent: BlockArray, op: ViewOp) -> ViewLink:
    """Make ``view`` a view of ``parent`` through ``op``; its root counts it among its live
    views (``_views``: :func:`nums.core.array.resident.writable_value` tells from them
    whether a write may change the root's value in place)."""
    view._link = made = ViewLink(parent, op)
    root = made.root
    views = root.__dict__.get("_views")
    if views is None:  # [weak reference] (no callbacks: they cost more than the view)
        root._views = views = []
    else:
        n = len(views)
        if n >= 64 and not n & (n - 1):  # at each power of two: the dead ones dropped
            views[:] = [r for r in views if r() is not None]
    views.append(weakref.ref(view))
    return made


class ViewLink:
    """How a view derives from its parent; ``root`` owns the values."""

    __slots__ = ("parent", "op", "root")

    def __init__(self, parent: BlockArray, op: ViewOp):
        self.parent = parent
        self.op = op
        self.root = parent if parent._link is None else parent._link.root


class ViewOp:
    """One way of deriving a view (see the module docstring)."""

    readonly = False  # numpy's result refuses writes
    # the stand-in is numpy's own geometry of the view over its root's memory (offsets and
    # strides that locate its values: see :mod:`nums.core.array.mapped`)
    exact_geometry = True

    def values(self, parent: BlockArray) -> BlockArray:
        raise NotImplementedError

    def stand_in(self, g: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def write(self, parent: BlockArray, spec: list, value: Any) -> None:
        raise ValueError("assignment destination is read-only")


class _NotSynced(Pending):
    """A view's state before its first sync (``BlockArray._sync`` replaces it)."""

    kind = "view"


def make_view(parent: BlockArray, op: ViewOp) -> BlockArray:
    """A view of ``parent`` through ``op``; its blocks are computed on first use."""
    g = op.stand_in(parent._geometry())
    # a placeholder grid of one block (the first sync sets the real one) and its node
    grid = ArrayGrid.one_block(g.shape, g.dtype)
    view = BlockArray(grid, None, ZERO_NODES[g.ndim], _NotSynced(), check=False)
    link_view(view, parent, op)
    view._stand_in = g
    return view


def getitem(x: BlockArray, key: Any) -> BlockArray:
    """nums implementation of ``ndarray.__getitem__``: a basic key gives a view, an
    integer-array or boolean key a new array (as in numpy). A key of one integer per axis
    gives an independent 0-d array, where numpy gives a scalar (a copy too)."""
    if x._element and x.dtype.names is not None:
        item = _record_item(x, key)
        if item is not None:
            return item
    plain = plain_key(key)  # (the common keys first: ``x[i, j]``, ``x[1:-1]``)
    if not plain and (type(key) is BlockArray or type(key) is tuple):
        key = scalar_indices(key)
        plain = plain_key(key)
    if plain:
        if x._link is not None:
            x._sync()  # a view: its current value (a view of a driver-resident root too)
        if x._local is not None:
            view = _resident_view(x, key)
            if view is not None:
                return view
    if _is_field_key(x, key):
        return _fields(x, key)
    if is_basic(key):
        spec = basic_spec(x.shape, key)
        if len(spec) == x.ndim and all(s[0] == "int" for s in spec) and Ellipsis not in (
                key if isinstance(key, tuple) else (key,)):
            if x.dtype.names is not None:  # a record: NumPy's np.void is a view of x
                record = make_view(x, IndexOp(spec))  # (``x[i]['k'] = v`` writes x)
                record._element = True
                return record
            element = basic_values(x, spec)  # one element: numpy gives a scalar, not a view
            if x.dtype.kind in _AS_SCALARS:
                return element.get()[()]  # the object itself, or NumPy's str_ or bytes_
            element._element = True
            return element
        return make_view(x, IndexOp(spec))
    return advanced.getitem(x, key)


# dtypes whose elements are NumPy's own (an object array's objects; the str_ and bytes_ of
# text, which are Python strings: ``[s.split("@")[0] for s in emails]``); numbers are 0-d
# arrays (see ``BlockArray._element``)
_AS_SCALARS = "OUS"


def iterate(x: BlockArray) -> Any:
    """``iter(x)``: ``x[0]``, ``x[1]``, ... as ``getitem`` gives them. The elements of a
    distributed 1-d array of numbers or text come from its blocks, fetched a few thousand
    elements at a time (not a task per element: ``max(x)``, ``list(x)``), again when the
    array is written meanwhile, as NumPy's iteration sees such writes."""
    if x.ndim != 1 or x._local is not None or x.dtype.names is not None or not x.size:
        return x._iter_items()
    return _elements(x)


_ITERATION_CHUNK = 4096  # elements fetched at a time (whole blocks, at least one)


def _elements(x: BlockArray) -> Any:
    root = x if x._link is None else x._link.root
    as_objects = x.dtype.kind in _AS_SCALARS
    bounds = x.grid.boundaries(0)
    chunks = [0]  # (consecutive blocks together, up to about a chunk's elements)
    for b in bounds[1:]:
        if b - chunks[-1] >= _ITERATION_CHUNK or b == bounds[-1]:
            chunks.append(b)
    for start, stop in zip(chunks[:-1], chunks[1:]):
        i = start
        while i < stop:
            version, values = root._version, x[i:stop].get()
            for j, value in enumerate(values, i):
                if root._version != version:  # (written by the loop: fetch the rest again)
                    i = j
                    break
                if as_objects:
                    yield value  # the object itself, or NumPy's str_ or bytes_
                else:
                    element = resident.resident(np.array(value))
                    element._element = True
                    yield element
            else:
                i = stop


def _record_item(x: BlockArray, key: Any) -> Any:
    """``x[key]`` of a record ``x`` (an element of a structured array, NumPy's ``np.void``):
    a field by position (``rec[1]``), or a field of text or objects by name, as NumPy's
    scalar (``rec['name'].upper()``); None for other keys (numeric fields by name are 0-d
    arrays, as elements of numeric arrays are)."""
    if isinstance(key, int | np.integer) and not isinstance(key, bool):
        return x.get()[()][key]
    if isinstance(key, str) and key in x.dtype.names and x.dtype[key].kind in _AS_SCALARS:
        return x.get()[()][key]
    return None


def _is_field_key(x: BlockArray, key: Any) -> bool:
    """Whether ``key`` names fields of structured ``x`` (``x['a']``, ``x[['a', 'b']]``)."""
    if x.dtype.names is None:
        return False
    return isinstance(key, str) or (isinstance(key, list) and bool(key)
                                    and all(isinstance(k, str) for k in key))


def _fields(x: BlockArray, key: Any) -> BlockArray:
    """``x[key]`` of field names: NumPy gives a view; here a read-only copy, so that a write
    into it raises rather than being lost (``x['a'] = v`` writes a field of ``x``)."""
    stand = np.zeros(0, x.dtype)[key]  # NumPy's KeyError/ValueError for unknown names
    sub = x.dtype[key].subdtype if isinstance(key, str) else None  # (NumPy gives its
    if sub is not None:  # elements as more axes: ``('v', 'f8', (3,))`` is 3 more values)
        raise NotImplementedError("nums reads fields of scalar dtypes only (this field is a "
                                  f"subarray of shape {sub[1]}); read x.get()[{key!r}]")
    out = x.map_blocks(kernels.field, key, dtype=stand.dtype)
    out.setflags(write=False)
    return out


def _resident_view(x: BlockArray, key: Any) -> BlockArray | None:
    """The view ``x[key]`` of driver-resident ``x`` (a root, or a synced view) for a plain
    basic key, made from numpy's view of its value (the fast path of :func:`getitem`: its
    spec is worked out only if the view is written or its root changes), or the 0-d array
    of the one element a key of integers selects; None when the key is invalid (the
    general path raises nums's error)."""
    try:
        value = x._local[key]
    except (IndexError, TypeError, ValueError):
        return None
    if type(value) is not np.ndarray:
        if x.dtype.kind in _AS_SCALARS:
            return value  # the object itself, or NumPy's str_ or bytes_
        # one element (x[i]): an independent 0-d array, as the general path gives it (a
        # record, NumPy's view of x: the general path's)
        if not isinstance(value, np.generic) or x.dtype.names is not None:
            return None
        element = resident.resident(np.array(value))
        element._element = True
        return element
    return _linked_value(x, value, IndexOp(None, x.shape, key), x._geometry()[key])


def _linked_value(x: BlockArray, value: np.ndarray, op: ViewOp, stand_in: np.ndarray
                  ) -> BlockArray:
    """The view of driver-resident ``x`` (a root, or a synced view) through ``op``, made at
    once from ``value`` (NumPy's view of ``x``'s value; the root's values are immutable, so
    it shares them) and synced as any view when its root changes."""
    view = resident.resident(value)
    made = link_view(view, x, op)
    view._stand_in = stand_in
    view._seen = made.root._version
    return view


# ---------------------------------------------------------------------------- ops


def compose(outer: list, inner: list) -> tuple[list, list[int]] | None:
    """The parent spec of selection ``inner`` of the view ``parent[outer]``, and the axes of
    the selection that have no parent axis (they come from new axes and have length 1);
    None when the selection is empty along such an axis (nothing to write)."""
    out, extra = [], []
    it = iter(inner)
    pos = 0  # axis of the selection (slices of inner, in order)
    for s in outer:
        if s is not None and s[0] == "int":
            out.append(s)
            continue
        t = next(it)
        if s is None:
            if t[0] == "slice":
                if t[3] == 0:
                    return None
                extra.append(pos)
                pos += 1
            continue
        _, start, step, _ = s
        if t[0] == "int":
            out.append(("int", start + t[1] * step))
        else:
            out.append(("slice", start + t[1] * step, t[2] * step, t[3]))
            pos += 1
    return out, extra


class IndexOp(ViewOp):
    """``parent[key]`` for a basic key, held as its spec (worked out from the key on first
    use when made from ``parent_shape`` and ``key``)."""

    def __init__(self, spec: list | None, parent_shape: tuple[int, ...] = (),
                 key: Any = None):
        self._spec, self._parent_shape, self._key = spec, parent_shape, key

    @property
    def spec(self) -> list:
        if self._spec is None:
            self._spec = basic_spec(self._parent_shape, self._key)
        return self._spec

    def values(self, parent: BlockArray) -> BlockArray:
        link = parent._link
        if (link is not None and isinstance(link.op, DerivedOp) and link.op.part is not None
                and parent._local is None and parent.pending() is not None):
            # (its blocks not computed, nor held in the driver: only the part selected)
            out = link.op.part(link.parent, self.spec, *link.op.args)
            if out is not None:
                return out
        return basic_values(parent, self.spec)

    def stand_in(self, g: np.ndarray) -> np.ndarray:
        # (the Ellipsis: a key of ints gives numpy's 0-d view, not a read-only scalar)
        return g[(*spec_key(self.spec), Ellipsis)]

    def write(self, parent: BlockArray, spec: list, value: Any) -> None:
        composed = compose(self.spec, spec)
        if composed is None:
            return
        parent_spec, extra = composed
        if extra and getattr(value, "ndim", 0):
            keep = [n for a, n in enumerate(value.shape) if a not in extra]
            value = reshape_value(value, tuple(keep))
        write_basic(parent, parent_spec, value)


class TransposeOp(ViewOp):
    """``parent.transpose(axes)``."""

    def __init__(self, axes: Sequence[int]):
        self.axes = tuple(axes)

    def values(self, parent: BlockArray) -> BlockArray:
        return relayout.transpose(parent, self.axes)

    def stand_in(self, g: np.ndarray) -> np.ndarray:
        return g.transpose(self.axes)

    def write(self, parent: BlockArray, spec: list, value: Any) -> None:
        parent_spec: list = [None] * len(spec)
        for i, s in enumerate(spec):
            parent_spec[self.axes[i]] = s
        kept = [i for i, s in enumerate(spec) if s[0] == "slice"]
        order = sorted(range(len(kept)), key=lambda k: self.axes[kept[k]])
        write_basic(parent, parent_spec, transpose_value(value, order))


class ReshapeOp(ViewOp):
    """``parent.reshape(shape)`` where numpy returns a view: the same values in C order, so a
    write is made on the view's values and those are reshaped back into the parent."""

    def __init__(self, shape: tuple[int, ...]):
        self.shape = tuple(shape)

    def values(self, parent: BlockArray) -> BlockArray:
        return relayout.reshape(parent, self.shape)

    def stand_in(self, g: np.ndarray) -> np.ndarray:
        out = reshaped(g, self.shape)
        assert out is not None, "ReshapeOp made for a reshape numpy copies"
        return out

    def write(self, parent: BlockArray, spec: list, value: Any) -> None:
        values = self.values(parent).copy()
        write_basic(values, spec, value)
        write_basic(parent, full_spec(parent.shape), relayout.reshape(values, parent.shape))


class PartOp(ViewOp):
    """``parent.real`` or ``parent.imag`` of a complex array."""

    def __init__(self, part: str):
        self.part = part

    def values(self, parent: BlockArray) -> BlockArray:
        fn = np.real if self.part == "real" else np.imag
        return parent.map_blocks(fn, dtype=np.real(np.zeros(0, parent.dtype)).dtype)

    def stand_in(self, g: np.ndarray) -> np.ndarray:
        return getattr(g, self.part)

    def write(self, parent: BlockArray, spec: list, value: Any) -> None:
        selected = basic_values(parent, spec)
        new = map_broadcast(kernels.with_part, [selected, value], parent.dtype,
                            shape=selected.shape, kwargs={"part": self.part})
        write_basic(parent, spec, new)


class DtypeOp(ViewOp):
    """``parent.view(dtype)`` for a dtype of the parent's itemsize: each block's bytes read
    as ``dtype``."""

    def __init__(self, dtype: np.dtype):
        self.dtype = dtype

    def values(self, parent: BlockArray) -> BlockArray:
        return parent.map_blocks(kernels.reinterpret, self.dtype, dtype=self.dtype)

    def stand_in(self, g: np.ndarray) -> np.ndarray:
        return g.view(self.dtype)

    def write(self, parent: BlockArray, spec: list, value: Any) -> None:
        selected = basic_values(parent, spec)
        new = map_broadcast(kernels.with_bytes_of, [selected, value], parent.dtype,
                            shape=selected.shape, kwargs={"view": self.dtype})
        write_basic(parent, spec, new)


def dtype_view(x: BlockArray, dtype: Any) -> BlockArray:
    """``x.view(dtype)``: NumPy's errors (checked on one line of ``x``'s last axis), a view
    reinterpreting the bytes when ``dtype`` has ``x``'s itemsize; other itemsizes (which
    change the last axis's length) raise NotImplementedError."""
    dtype = np.dtype(dtype)
    np.empty((1,) * (x.ndim - 1) + x.shape[-1:], x.dtype).view(dtype)  # NumPy's errors
    if dtype == x.dtype:
        return make_view(x, IndexOp(full_spec(x.shape)))
    if dtype.itemsize != x.dtype.itemsize:
        raise NotImplementedError(
            f"nums supports ndarray.view(dtype) for dtypes of the array's itemsize only "
            f"({x.dtype} has {x.dtype.itemsize} bytes, {dtype} {dtype.itemsize})")
    return make_view(x, DtypeOp(dtype))


class StridedOp(ViewOp):
    """A strided view of the parent's values in C order (offset, shape and strides in
    elements): what a numpy function reached through the fallback returned as a view of its
    argument. Computed and written on one node from the whole parent."""

    exact_geometry = False  # (a parent not C-contiguous gets a fresh stand-in)

    def __init__(self, offset: int, shape: Sequence[int], strides: Sequence[int],
                 writeable: bool):
        self.offset, self.shape, self.strides = int(offset), tuple(shape), tuple(strides)
        self.readonly = not writeable

    def values(self, parent: BlockArray) -> BlockArray:
        local = resident.kernel(kernels.strided_copy, [parent, self.offset, self.shape,
                                                       self.strides])
        if local is not None:
            return local
        whole, node = regions.region(parent, [slice(0, n) for n in parent.shape])
        ref = submit(kernels.strided_copy, whole, self.offset, self.shape, self.strides,
                            node=node)
        grid = ArrayGrid(self.shape, tuple(max(1, n) for n in self.shape), parent.dtype)
        one = BlockArray(grid, np.array([ref], dtype=object).reshape(grid.grid_shape),
                         np.full(grid.grid_shape, node, dtype=np.int64))
        return relayout.rechunk(one, make_grid(self.shape, parent.dtype).block_shape)

    def stand_in(self, g: np.ndarray) -> np.ndarray:
        return strided(g, self.offset, self.shape, self.strides, not self.readonly)

    def write(self, parent: BlockArray, spec: list, value: Any) -> None:
        local = resident.kernel(kernels.strided_set, [parent, self.offset, self.shape,
                                                      self.strides, spec_key(spec), value])
        if local is not None:
            write_basic(parent, full_spec(parent.shape), local)
            return
        whole, node = regions.region(parent, [slice(0, n) for n in parent.shape])
        if isinstance(value, BlockArray):
            value = regions.region(value, [slice(0, n) for n in value.shape], node)[0]
        ref = submit(kernels.strided_set, whole, self.offset, self.shape, self.strides,
                            spec_key(spec), value, node=node)
        grid = ArrayGrid(parent.shape, tuple(max(1, n) for n in parent.shape), parent.dtype)
        one = BlockArray(grid, np.array([ref], dtype=object).reshape(grid.grid_shape),
                         np.full(grid.grid_shape, node, dtype=np.int64))
        write_basic(parent, full_spec(parent.shape), relayout.rechunk(one, parent.block_shape))


class DerivedOp(ViewOp):
    """A view numpy makes (``diagonal``, ``broadcast_to``: read-only; ``einsum('ii->i', a)``:
    written through ``writes``, the same view as a :class:`StridedOp`): ``values`` by a nums
    function, the geometry by the numpy one."""

    readonly = True

    def __init__(self, fn: Callable, np_fn: Callable, *args: Any,
                 writes: StridedOp | None = None, part: Callable | None = None):
        self.fn, self.np_fn, self.args = fn, np_fn, args
        self.writes = writes
        # ``part(parent, spec, *args)``: the values of a basic selection of the view made
        # without all of its values (or None): the windows ``[::hop]`` of a framing
        self.part = part
        if writes is not None:
            self.readonly = False

    def write(self, parent: BlockArray, spec: list, value: Any) -> None:
        if self.writes is None:
            super().write(parent, spec, value)
        self.writes.write(parent, spec, value)

    def values(self, parent: BlockArray) -> BlockArray:
        v = resident.local_value(parent)
        if v is not None:  # NumPy's own view of the (immutable) value, if the driver would
            out = self.np_fn(v, *self.args)  # hold its values (a broadcast may be large)
            if out.nbytes <= resident.local_limit():
                return resident.resident(out)
        return self.fn(parent, *self.args)

    def stand_in(self, g: np.ndarray) -> np.ndarray:
        out = self.np_fn(g, *self.args)
        if self.readonly:
            out.flags.writeable = False
        return out


# ---------------------------------------------------------------------------- view makers


def transpose_view(x: BlockArray, axes: Sequence[int]) -> BlockArray:
    op = TransposeOp(axes)
    link = x._link
    if link is not None and link.root._local is not None:
        x._sync()  # a view of a driver-resident root: its current value
    if x._local is not None and (link is None or link.root._local is not None):
        # driver-resident: the value transposed at once (as _resident_view does for keys)
        return _linked_value(x, x._local.transpose(op.axes), op,
                             x._geometry().transpose(op.axes))
    return make_view(x, op)


def transposed_matrix(x: BlockArray) -> BlockArray | None:
    """The 2-d array that ``x`` is the transposed view of (``x = a.T``), or None: for
    operations that can read ``a`` in its own layout instead of transposing its blocks."""
    link = x._link
    if x.ndim == 2 and link is not None and isinstance(link.op, TransposeOp) and (
            link.op.axes == (1, 0)):
        return link.parent
    return None


def resident_reshape(x: BlockArray, shape: Any) -> BlockArray | None:
    """``x.reshape(shape)`` of a driver-resident root at once (the views :func:`reshape_view`
    makes: an index view where axes of length 1 are added or removed, else a reshape view):
    NumPy parses the shape on the value; None for any other case (the general path, with its
    errors)."""
    v = x._local
    try:
        r = v.reshape(shape)
    except (TypeError, ValueError):
        return None
    if not r.ndim:
        return None
    if v.shape == r.shape or 1 in v.shape or 1 in r.shape:
        key = _unit_axes_key(v.shape, r.shape)
        if key is not None:  # axes of length 1 added or removed: an index view
            return _resident_view(x, key)
    # (a root's stand-in is C-contiguous: reshaped without a copy)
    return _linked_value(x, r, ReshapeOp(r.shape), x._geometry().reshape(r.shape))


def reshape_view(x: BlockArray, shape: tuple[int, ...], copy: bool | None = None) -> BlockArray:
    """``x.reshape(shape)``: a view where numpy gives one (``copy=False`` requires it), else
    an independent array. Adding or removing axes of length 1 is an index view."""
    g = reshaped(x._geometry(), shape) if copy is not True else None
    if g is None:
        if copy is False:
            raise ValueError("Unable to avoid creating a copy while reshaping.")
        return relayout.reshape(x, shape)
    key = _unit_axes_key(x.shape, shape)
    if key is not None and shape:  # (to 0-d: integer keys would give numpy's read-only scalar)
        return make_view(x, IndexOp(basic_spec(x.shape, key)))
    if x._local is not None and x._link is None:  # a driver-resident root: its value
        # reshaped at once (as _resident_view does for keys)
        return _linked_value(x, x._local.reshape(shape), ReshapeOp(shape), g)
    return make_view(x, ReshapeOp(shape))


def _unit_axes_key(old: tuple[int, ...], new: tuple[int, ...]) -> tuple | None:
    """A basic key turning ``old`` into ``new`` by removing and inserting axes of length 1
    (``0`` drops one, ``None`` inserts one), or None when the reshape moves values."""
    if [n for n in old if n != 1] != [n for n in new if n != 1]:
        return None
    key: list = []
    i = 0
    for n in new:
        while i < len(old) and old[i] == 1 and n != 1:
            key.append(0)
            i += 1
        if n != 1:
            key.append(slice(None))
            i += 1
        elif i < len(old) and old[i] == 1:
            key.append(slice(None))
            i += 1
        else:
            key.append(None)
    key.extend([0] * (len(old) - i))
    return tuple(key)


def ravel_view(x: BlockArray) -> BlockArray:
    """``x.ravel()``: a view when ``x`` is C-contiguous (as numpy), else a copy."""
    if x._local is not None and x._link is None:  # a driver-resident root: C-contiguous
        view = resident_reshape(x, (x.size,))
        if view is not None:
            return view
    if x._geometry().flags.c_contiguous:
        return reshape_view(x, (x.size,))
    return relayout.reshape(x, (x.size,))


def part_view(x: BlockArray, part: str) -> BlockArray:
    """``x.real`` / ``x.imag``: views of a complex array; of a real one, ``real`` is a view
    of all of it and ``imag`` read-only zeros (as numpy). Of a 0-d array that stands for a
    scalar, a new one (NumPy's scalar has no views)."""
    if stands_for_scalar(x):
        out = make_view(x, PartOp(part)).copy() if x.dtype.kind == "c" else (
            x.copy() if part == "real" else BlockArray.full((), 0, x.dtype))
        out._array0d = False  # (a new value that stands for NumPy's scalar too)
        return out
    if x.dtype.kind == "c":
        return make_view(x, PartOp(part))
    if part == "real":
        return make_view(x, IndexOp(full_spec(x.shape)))
    # NumPy's zeros of the dtype: '' for strings, the epoch for dates, 0 for objects
    zero = 0 if x.dtype.kind == "O" else np.zeros((), x.dtype)[()]
    zeros = BlockArray.full(x.shape, zero, x.dtype, x.block_shape)
    zeros._geometry().flags.writeable = False
    return zeros


def derived_view(x: BlockArray, fn: Callable, np_fn: Callable, *args: Any,
                 writes: StridedOp | None = None, part: Callable | None = None) -> BlockArray:
    return make_view(x, DerivedOp(fn, np_fn, *args, writes=writes, part=part))


def strided_op(offset: int, shape: Sequence[int], strides: Sequence[int],
               writeable: bool = True) -> StridedOp:
    return StridedOp(offset, shape, strides, writeable)


def strided_view(x: BlockArray, offset: int, shape: Sequence[int], strides: Sequence[int],
                 writeable: bool = True) -> BlockArray:
    return make_view(x, StridedOp(offset, shape, strides, writeable))


def root_offsets(x: BlockArray) -> np.ndarray | None:
    """The byte offset in its root of each element of ``x`` (C order), from its stand-in;
    None when a view on the way to the root has no exact geometry (``as_strided`` of a
    parent that is not C-contiguous)."""
    if not mapped.exact_geometry(x):
        return None
    root = x if x._link is None else x._link.root
    g = x._geometry()
    out = np.full(g.shape, offset_of(g, root._geometry()), dtype=np.int64)
    for axis, (n, stride) in enumerate(zip(g.shape, g.strides)):
        out += (np.arange(n, dtype=np.int64) * stride).reshape(
            (1,) * axis + (n,) + (1,) * (g.ndim - axis - 1))
    return out


def shares_memory(a: Any, b: Any, exact: bool = True, max_work: Any = None) -> bool:
    """numpy's ``shares_memory`` (``may_share_memory`` when not ``exact``; ``max_work`` as
    NumPy's) for BlockArrays: arrays with different roots never share; views of one root
    are compared by numpy on their stand-ins."""
    if not isinstance(a, BlockArray) or not isinstance(b, BlockArray):
        return False
    ra = a if a._link is None else a._link.root
    rb = b if b._link is None else b._link.root
    if ra is not rb:
        return False
    fn = np.shares_memory if exact else np.may_share_memory
    return bool(fn(a._geometry(), b._geometry(), max_work=max_work))

