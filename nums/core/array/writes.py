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
from numpy._core._exceptions import _UFuncOutputCastingError  # NumPy's error for ``out=``

from nums.core.array import advanced_write, kernels, regions, relayout, resident
from nums.core.array.advanced import linear_indices
from nums.core.array.advanced_keys import parse, shape_text
from nums.core.array.advanced_write import axis_hits
from nums.core.array.blockarray import BlockArray, raising_now, submit, written_as_scalar
from nums.core.array.elementwise import broadcasts_to, map_broadcast
from nums.core.array.fusion import region_pieces, take_for_regions
from nums.core.array.indexing import (
    basic_spec,
    full_spec,
    is_basic,
    plain_key,
    scalar_indices,
    spec_key,
    spec_shape,
)
from nums.core.backend.base import float_error_settings
from runtime.errors import warnings_at_caller


def check_writeable(x: BlockArray, message: str = "assignment destination is read-only") -> None:
    """numpy's ``ValueError`` for a write to a read-only array."""
    if not x._geometry().flags.writeable:
        raise ValueError(message)


def _itself(x: BlockArray, key: Any, value: BlockArray) -> bool:
    """Whether ``value`` is the view ``x[key]`` (made by that same key)."""
    made = value._link
    if made is None or made.parent is not x:
        return False
    own = getattr(made.op, "_key", None)  # (an index view made from its key)
    if own is None or type(own) is not type(key):
        return False
    if type(key) is tuple:
        return len(own) == len(key) and all(
            type(a) is type(b) and (a is b or type(a) in (int, slice) and a == b)
            for a, b in zip(own, key))
    return own is key or type(key) in (int, slice) and own == key


def _check_element_write(x: BlockArray, key: Any, value: Any) -> None:
    """NumPy's error for a sequence or an array written into one element (``x[1, 2] =
    [1.5]``: NumPy 2.4 raises where nums took its one value), by NumPy's own write of it
    into an element of ``x``'s dtype."""
    ints = key if type(key) is tuple else (key,)
    if value is None or x.ndim == 0 or len(ints) != x.ndim or not all(
            isinstance(k, int | np.integer) and not isinstance(k, bool) for k in ints):
        return
    stand = np.zeros(value.shape, value.dtype) if isinstance(value, BlockArray) else value
    np.zeros(1, x.dtype)[0] = stand


def converted(values: Any, dtype: Any) -> np.ndarray:
    """``values`` (numbers, lists of them, numpy arrays) as numpy converts what is written
    into an array of ``dtype``: into an integer or boolean dtype, Python numbers out of its
    range raise OverflowError and NaN ValueError (numpy arrays and numpy scalars are cast,
    wrapping, as numpy casts them); a Python complex number into a real dtype raises NumPy's
    TypeError (a numpy complex value is cast, with NumPy's ComplexWarning); other dtypes
    later, as the write casts."""
    dtype = np.dtype(dtype)
    if dtype.kind in "biuf" and not isinstance(values, np.ndarray | np.generic):
        return np.asarray(values, dtype=dtype)
    return np.asarray(values)


def assign(x: BlockArray, key: Any, value: Any) -> None:
    """``x[key] = value`` with numpy's semantics, for every kind of key; under an
    ``np.errstate`` that raises, a cast's FloatingPointError comes from this line, as
    NumPy's (the written blocks are computed now, and the array keeps its values)."""
    settings = float_error_settings() if x._local is None else None
    if settings is None or "raise" not in settings.values():
        _assign(x, key, value)
        return
    root = x if x._link is None else x._link.root
    before = root.copy()  # (its blocks, shared: a new state for the root if the write fails)
    _assign(x, key, value)
    try:
        root._errors_now()
    except FloatingPointError:
        root._assume(before)
        raise


def _assign(x: BlockArray, key: Any, value: Any) -> None:
    if (type(key) is BlockArray or type(key) is tuple) and not plain_key(key):
        key = scalar_indices(key)  # (``A[i] = v`` of an integer NumPy gives as a scalar)
    if type(value) is BlockArray and _itself(x, key, value):
        check_writeable(x)
        return  # ``x[k] = x[k]`` (every ``x[k] += v`` ends so): nothing changes
    if not isinstance(value, int | float | complex | np.generic | str | bytes) and not (
            type(value) is BlockArray and not value.ndim):  # (a 0-d value fits an element)
        _check_element_write(x, key, value)
    if (x._local is not None or x._link is not None) and (
            plain_key(key) or type(key) is BlockArray) and resident.assign_here(x, key, value):
        return  # a small array (or a view of one): NumPy's assignment, here
    check_writeable(x)
    if isinstance(key, str) and x.dtype.names is not None:
        # a field of a structured array: NumPy's assignment of the field in every block
        if key not in x.dtype.names:
            raise ValueError(f"no field of name {key}")
        field = x.dtype.fields[key][0]
        source = None
        if field.subdtype is not None and np.ndim(value) != 0:
            # a subarray field (``P['x'] = positions``): NumPy's assignment of the values
            # into records holding that field alone (its broadcasting and errors), whose
            # blocks then write it
            sub = field.shape
            values = np.asarray(value.get() if isinstance(value, BlockArray) else value)
            full = x.shape + sub
            while values.ndim > len(full) and values.shape[0] == 1:
                values = values[0]  # (leading axes of length 1 are dropped, as NumPy)
            if not broadcasts_to(values.shape, full):
                raise ValueError(f"could not broadcast input array from shape {values.shape} "
                                 f"into shape {full}")
            # as many records as the values have outside the field's axes (they broadcast
            # to x's records in the blocks' tasks): not x's size, for a few values
            values = values.reshape((1,) * (len(sub) - values.ndim) + values.shape)
            held = np.empty(values.shape[:values.ndim - len(sub)], dtype=[("v", field)])
            held["v"] = values  # (NumPy's conversion into the field's dtype, its errors)
            value, source = held, "v"
        elif not isinstance(value, BlockArray):
            # NumPy's conversion into the field's dtype: its OverflowError for a Python int
            # beyond it, ValueError for NaN into integers, a tuple as a nested record
            value = np.asarray(value, dtype=None if field.subdtype else field)
        _write_fields(x, key, value, source)
        return
    if type(key) is list and key and x.dtype.names is not None and all(
            isinstance(k, str) for k in key):
        # several fields (``x[['a', 'c']] = (7, True)``): NumPy's assignment to the fields
        # as one record of them (a tuple, records or a structured array by position, a
        # number into each field)
        stand = np.zeros(1, x.dtype)[key]  # (NumPy's KeyError, ValueError for the names)
        if isinstance(value, BlockArray):
            stand[...] = np.zeros(1, value.dtype)  # (NumPy's TypeError for other fields)
        else:
            value = np.array(value, dtype=[(n, x.dtype.fields[n][0]) for n in key])
        _write_fields(x, key, value, None)
        return
    if is_basic(key, zero_d_arrays=True):
        spec = basic_spec(x.shape, key)
        value = _prepare(value, x.dtype, spec_shape(spec), "basic")
        selected = [s for s in spec if s is None or s[0] == "slice"]
        new_axes = [i for i, s in enumerate(selected) if s is None]
        if new_axes:
            value = reshape_value(value, tuple(
                n for i, n in enumerate(value.shape) if i not in new_axes))
        write_basic(x, [s for s in spec if s is not None], value)
        return
    if type(value) is int or type(value) is float or type(value) is complex:
        # NumPy's OverflowError, ValueError or TypeError, even if nothing is selected (after
        # the key's IndexError; a basic key's value is cast by _prepare after its check)
        converted(value, x.dtype)
    if x.dtype.names is not None and isinstance(value, tuple | list):
        value = np.array(value, dtype=x.dtype)  # a record (nested tuples too), or records
    mask = _full_mask(x, key)
    if mask is not None and not isinstance(value, BlockArray) and np.size(value) == 1:
        fill = _scalar(np.reshape(np.asarray(value), ()), x.dtype)
        new = map_broadcast(kernels.masked_fill, [x, mask, fill], x.dtype, shape=x.shape)
        write_basic(x, full_spec(x.shape), new)
        return
    _advanced_write(x, key, value, None)


def _write_fields(x: BlockArray, key: str | list, value: Any, source: str | None) -> None:
    """Write field ``key`` of structured ``x`` (or fields, a list of names) in every block
    from ``value`` (a scalar, a numpy array or a BlockArray broadcast to ``x``'s shape; its
    field ``source`` when given)."""
    if value.ndim and not broadcasts_to(value.shape, x.shape):
        raise ValueError(f"could not broadcast input array from shape {value.shape} into "
                         f"shape {x.shape}")
    if not isinstance(value, BlockArray) and value.ndim:
        value = BlockArray.from_numpy(value)  # (a scalar goes to every task; an array in
        # blocks)
    new = map_broadcast(kernels.with_field, [x, value], x.dtype, shape=x.shape,
                        kwargs={"key": key, "source": source})
    write_basic(x, full_spec(x.shape), new)


def ufunc_at(x: BlockArray, ufunc: np.ufunc, key: Any, b: Any = None) -> None:
    """``ufunc.at(x, key, b)``: unbuffered, so repeated indices apply repeatedly."""
    check_writeable(x)
    if isinstance(b, list | tuple):
        b = np.asarray(b)  # (as NumPy takes a sequence of values)
    probe = np.zeros(1, x.dtype)  # numpy's casting errors at the call
    stand = b if not isinstance(b, BlockArray | np.ndarray) else np.zeros(1, b.dtype)
    with np.errstate(all="ignore"):  # (the probe's own arithmetic, 0 / 0, is not the user's)
        ufunc.at(probe, [0], *(() if b is None else (stand,)))
    _advanced_write(x, key, b, ufunc)
    raising_now(x)


def write_out(out: Any, result: BlockArray) -> BlockArray:
    """Write ``result`` into ``out`` (the ``out=`` argument of any function) and return it."""
    if not isinstance(out, BlockArray):
        raise TypeError("nums supports only BlockArray 'out' arguments")
    if out._element:  # (``t = x[0]``: NumPy's scalar, not an array to write into)
        raise TypeError("return arrays must be of ArrayType")
    if out.shape != result.shape:
        raise ValueError(f"output parameter has shape {out.shape}, expected {result.shape}")
    check_writeable(out, "output array is read-only")
    write_basic(out, full_spec(out.shape), result)
    return out


def resize_root(x: BlockArray, new: BlockArray) -> None:
    """``ndarray.resize``: the root ``x`` takes ``new``'s contents and shape. Views are
    defined on their root's shape, so the caller makes sure that no view of ``x`` exists."""
    writeable = x._geometry().flags.writeable
    x._take_state(new)
    x._version += 1
    x._stand_in = None  # (a root's geometry is C-contiguous, of its new shape)
    x._array0d = new.ndim == 0
    if not writeable:  # (NumPy resizes a read-only array that owns its data, and keeps it so)
        x._geometry().flags.writeable = False


def check_out(out: Any, dtype: Any, rule: str, ufunc: np.ufunc | None = None) -> None:
    """NumPy's check of the ``out=`` array of a function whose result has ``dtype``, raised
    before any work (an ``out`` that is not a BlockArray is :func:`write_out`'s error):

    - ``"same_kind"``: the result is a ufunc's output (``round``, ``std``, ``ptp``,
      ``matmul``), cast with NumPy's default rule: its ``UFuncTypeError``, naming ``ufunc``;
    - ``"exact"``: ``dot``, which writes only into a C-contiguous array of the result's dtype;
    - ``"safe"``: functions that cast ``out`` to the result's dtype and back (``take``,
      ``compress``, ``argmax``): ``out``'s dtype must cast safely to it.
    """
    if not isinstance(out, BlockArray):
        return
    dtype = np.dtype(dtype)
    if rule == "same_kind" and not np.can_cast(dtype, out.dtype, "same_kind"):
        raise _UFuncOutputCastingError(ufunc, "same_kind", dtype, out.dtype, 0)
    if rule == "exact" and (out.dtype != dtype or not out._geometry().flags.c_contiguous):
        raise ValueError("output array is not acceptable (must have the right datatype, "
                         "number of dimensions, and be a C-Array)")
    if rule == "safe" and not np.can_cast(out.dtype, dtype, "safe"):
        raise TypeError(f"Cannot cast array data from {out.dtype!r} to {dtype!r} according "
                        "to the rule 'safe'")


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
    if isinstance(value, BlockArray) and kind == "basic" and written_as_scalar(value, dtype):
        return _scalar(np.asarray(value.get())[()], dtype)
    if not isinstance(value, BlockArray):
        if dtype.kind == "O" and not isinstance(value, np.ndarray | np.generic):
            # NumPy unpacks sequences only as deep as the selection: ``o[0] = [1]`` holds the
            # list, ``o[:] = [[1], (2, 3), None]`` three objects
            held = np.empty(sel, dtype=object)
            held[...] = value
            if not sel:
                return held  # (the object, 0-d: _scalar would hold the array itself)
            value = held
        elif dtype.names is not None and not isinstance(value, np.ndarray | np.generic):
            # a record (a tuple, nested ones for nested fields) or a sequence of them
            value = np.array(value, dtype=dtype)
        elif not isinstance(value, np.ndarray) and np.ndim(value) == 0:
            if kind != "basic" and isinstance(value, np.generic):
                value = np.asarray(value)  # NumPy casts it as an array into a fancy selection
            return _scalar(value, dtype)  # Python and numpy scalars: numpy's scalar rules
        if not isinstance(value, np.ndarray):  # sequences convert to the target dtype
            value = np.array(value, dtype=dtype)
        if value.ndim == 0:
            return _scalar(value, dtype)
        if (value.dtype != dtype and value.dtype.kind in "biufc" and dtype.kind in "biufc"
                and not np.can_cast(value.dtype, dtype, "safe")):
            # NumPy's cast of the values here, at the write (its warnings, "invalid value
            # encountered in cast", and its np.errstate at the user's line, not at a later
            # read of the blocks)
            with warnings_at_caller():
                value = value.astype(dtype)
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
        return (f"shape mismatch: value array of shape {shape_text(shape)} could not be "
                f"broadcast to indexing result of shape {shape_text(sel)}")
    return (f"could not broadcast input array from shape {shape_text(shape)} into shape "
            f"{shape_text(sel)}")


def _full_mask(x: BlockArray, key: Any) -> BlockArray | None:
    """``key`` as a BlockArray when it is one boolean mask of ``x``'s shape."""
    if isinstance(key, BlockArray | np.ndarray) and key.dtype == np.bool_ and (
            key.shape == x.shape and x.ndim > 0):
        return key if isinstance(key, BlockArray) else BlockArray.from_numpy(
            key, x.block_shape)
    return None


# ---------------------------------------------------------------------------- roots


def _root_write(x: BlockArray, spec: list, value: Any) -> None:
    whole = all(s == ("slice", 0, 1, n) for s, n in zip(spec, x.shape))
    if resident.write(x, spec_key(spec), value, whole):
        return
    grid = x.grid
    if whole:
        if isinstance(value, BlockArray) and value.shape == x.shape:
            x._assume(value.astype(x.dtype) if value.dtype != x.dtype else value.copy())
            return
        if not isinstance(value, BlockArray | np.ndarray) or value.ndim == 0:
            x._assume(BlockArray.full(x.shape, value, x.dtype, x.block_shape))
            return
    sel = tuple(s[3] for s in spec if s[0] == "slice")
    per_axis = [axis_hits(grid, axis, s) for axis, s in enumerate(spec)]
    # a pending expression of the selection's shape is evaluated block by block where written
    fused = take_for_regions(value) if getattr(value, "shape", None) == sel else None
    blocks = None
    for combo in itertools.product(*per_axis):
        if blocks is None:
            blocks = x.blocks.copy()
        idx = tuple(h[0] for h in combo)
        local = tuple(h[1] for h in combo)
        box = [slice(*h[2]) for h in combo if h[2] is not None]
        node = int(x.nodes[idx])
        if fused is not None:  # computed into this block's copy, in its task
            spec, refs = region_pieces(fused, value.shape, box, node)
            blocks[idx] = submit(kernels.set_region_expr, x.blocks[idx], local, spec, *refs,
                                 node=node)
            continue
        if isinstance(value, BlockArray):
            piece = regions.broadcast_region(value, box, sel, node)
        elif isinstance(value, np.ndarray) and value.ndim:
            piece = np.ascontiguousarray(value[tuple(regions.broadcast_slices(value, box, sel))])
        else:
            piece = value
        blocks[idx] = submit(kernels.set_region, x.blocks[idx], local, piece, node=node)
    if blocks is not None:
        x._assume(BlockArray(grid, blocks, x.nodes.copy()))


def _advanced_write(x: BlockArray, key: Any, value: Any, ufunc: np.ufunc | None) -> None:
    new = resident.assigned(x, key, value, ufunc)  # a driver-resident array: NumPy's write
    if new is not None:
        if x._link is None:
            x._assume(new)
        else:
            write_basic(x, full_spec(x.shape), new)
        return
    parsed = parse(x.shape, key)
    lin, bshape = linear_indices(x.shape, parsed)
    spec = basic_spec(x.shape, parsed.basic)
    y_shape = spec_shape(spec)
    axes = parsed.axes()  # of the basic selection; the same axes of x
    rest = [a for a in range(len(y_shape)) if a not in axes]
    place, nb = parsed.place, len(bshape)
    rest_shape = tuple(y_shape[a] for a in rest)
    sel = rest_shape[:place] + bshape + rest_shape[place:]
    if value is not None:
        kind = "mask" if _is_mask_key(key) else "advanced"
        value = _prepare(value, x.dtype, sel, kind) if ufunc is None else (
            _prepare_operand(value, sel))
        if getattr(value, "ndim", 0):  # to the index dimensions first, without new axes
            value = transpose_value(value, [*range(place, place + nb), *range(place),
                                            *range(place + nb, len(sel))])
            spec_rest = [s for s in spec if s is None or s[0] == "slice"]
            keep = [n for i, n in enumerate(value.shape)
                    if i < nb or spec_rest[rest[i - nb]] is not None]
            value = reshape_value(value, tuple(keep))
    x_axes = _x_axes(spec, axes)
    others = [(a, s) for a, s in enumerate(_without_none(spec)) if a not in x_axes]
    if x._link is None:
        advanced_write.scatter(x, parsed, lin, x_axes, others, value, ufunc)
    elif not advanced_write.through_index_view(x, parsed, lin, x_axes, others, value, ufunc):
        # another view: the write is made on a copy of its values, written back
        values = x.copy()
        advanced_write.scatter(values, parsed, lin, x_axes, others, value, ufunc)
        write_basic(x, full_spec(x.shape), values)


def _x_axes(spec: list, axes: list[int]) -> list[int]:
    """The axes of ``x`` behind the axes ``axes`` of its basic selection ``spec``."""
    selected = []  # per selection axis: its axis of x, or None for a new axis
    a = 0
    for s in spec:
        if s is None:
            selected.append(None)
            continue
        if s[0] == "slice":
            selected.append(a)
        a += 1
    return [selected[i] for i in axes]


def _without_none(spec: list) -> list:
    return [s for s in spec if s is not None]


def _is_mask_key(key: Any) -> bool:
    k = key[0] if isinstance(key, tuple) and len(key) == 1 else key
    return isinstance(k, BlockArray | np.ndarray) and k.dtype == np.bool_


def _prepare_operand(value: Any, sel: tuple) -> Any:
    """The ``b`` of ``ufunc.at``: broadcast to the selection, not cast."""
    if isinstance(value, BlockArray):
        np.broadcast_shapes(value.shape, sel)
        if value.ndim > len(sel):
            value = reshape_value(value, value.shape[value.ndim - len(sel):])
        return reshape_value(value, (1,) * (len(sel) - value.ndim) + value.shape)
    value = np.asarray(value)
    return value if value.ndim == 0 else np.broadcast_to(value, sel)
