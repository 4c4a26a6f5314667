"""Indexing of BlockArrays: basic indexing (ints, slices, None, Ellipsis) runs block-wise;
``take_rows`` gathers rows block by block. Integer-array and boolean-mask keys are
:mod:`nums.core.array.advanced`."""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from nums.core.array import kernels, resident
from nums.core.array.blockarray import BlockArray, make_grid, scalar_of, submit
from nums.core.array.fusion import dropped, expand_dims, window
from nums.core.array.regions import region
from nums.core.graph.grid import ArrayGrid

VALID_INDICES = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) "
                 "and integer or boolean arrays are valid indices")


def _expand_key(ndim: int, key: Any) -> list:
    if not isinstance(key, tuple):
        key = (key,)
    n_ellipsis = sum(1 for k in key if k is Ellipsis)
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if used > ndim:
        raise IndexError(
            f"too many indices for array: array is {ndim}-dimensional, but {used} were indexed"
        )
    out = []
    for k in key:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - used))
        else:
            out.append(k)
    if n_ellipsis == 0:
        out.extend([slice(None)] * (ndim - used))
    return out


def _is_int(k: Any) -> bool:
    if isinstance(k, bool | np.bool_):
        return False
    if isinstance(k, BlockArray):
        return k.ndim == 0 and k.dtype.kind in "iu"
    try:
        operator.index(k)
        return True
    except TypeError:
        return False


def _without_none(spec: list) -> list:
    return [s for s in spec if s is not None]


def plain_key(key: Any) -> bool:
    """Whether ``key`` is a slice, a Python int, or a tuple of slices, Python ints, None and
    Ellipsis."""
    if type(key) is slice or type(key) is int:
        return True
    if type(key) is not tuple:
        return False
    for k in key:
        t = type(k)
        if not (t is slice or t is int or k is None or k is Ellipsis):
            return False
    return True


def is_basic(key: Any, zero_d_arrays: bool = False) -> bool:
    """Whether ``key`` is a basic index (ints, slices, None, Ellipsis): a view in numpy.
    A 0-d integer array selects as an int does, but numpy's result is then a copy: it counts
    as basic only with ``zero_d_arrays`` (for writes, where that makes no difference)."""
    items = key if isinstance(key, tuple) else (key,)
    for k in items:
        if isinstance(k, np.ndarray | BlockArray) and not zero_d_arrays:
            return False
        if k is None or k is Ellipsis or isinstance(k, slice) or _is_int(k):
            continue
        return False
    return True


def basic_spec(shape: tuple[int, ...], key: Any) -> list:
    """A basic key normalised against ``shape``: per entry ``("int", i)`` (an axis dropped),
    ``("slice", start, step, length)`` or None (a new axis), with numpy's IndexErrors."""
    spec = []
    axis = 0
    for k in _expand_key(len(shape), key):
        if k is None:
            spec.append(None)
            continue
        n = shape[axis]
        if _is_int(k):
            i = operator.index(k)
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
            spec.append(("int", i % n))
        elif isinstance(k, slice):
            start, stop, step = k.indices(n)
            spec.append(("slice", start, step, len(range(start, stop, step))))
        else:
            raise IndexError(VALID_INDICES)
        axis += 1
    return spec


def spec_shape(spec: list) -> tuple[int, ...]:
    """Shape of the selection of a basic spec (new axes have length 1)."""
    return tuple(1 if s is None else s[3] for s in spec if s is None or s[0] == "slice")


def spec_key(spec: list) -> tuple:
    """The numpy key of a basic spec."""
    key = []
    for s in spec:
        if s is None:
            key.append(None)
        elif s[0] == "int":
            key.append(s[1])
        elif s[3] == 0:  # empty (``slice.indices`` may give start -1 for a negative step)
            key.append(slice(0, 0))
        else:
            _, start, step, n = s
            stop = start + n * step
            key.append(slice(start, None if stop < 0 else stop, step))
    return tuple(key)


def full_spec(shape: tuple[int, ...]) -> list:
    """The spec selecting all of an array of ``shape``."""
    return [("slice", 0, 1, n) for n in shape]


def basic_values(x: BlockArray, spec: list) -> BlockArray:
    """The values of ``x`` selected by a basic spec, as a new array (no view)."""
    local = resident.index(x, spec_key(spec))
    if local is not None:
        return local
    out_shape, out_bs = [], []
    axis = 0
    for s in spec:
        if s is None:
            out_shape.append(1)
            out_bs.append(1)
            continue
        if s[0] == "slice":
            out_shape.append(s[3])
            out_bs.append(max(1, math.ceil(x.block_shape[axis] / abs(s[2]))))
        axis += 1
    grid = ArrayGrid(tuple(out_shape), tuple(out_bs), x.dtype)
    if all(s is None or s == ("slice", 0, 1, n) for s, n in zip(_without_none(spec), x.shape)):
        if all(s is not None for s in spec):
            return x.copy()
        expanded = expand_dims(x, grid)  # only new axes: computed with the expression
        if expanded is not None:
            return expanded
    if all(s is not None and s[0] == "slice" and s[2] > 0 and s[3] > 0 for s in spec):
        # slices: read where used (a stencil's shifted slices cost no task of their own)
        return window(x, tuple(s[1] for s in spec), tuple(s[2] for s in spec), grid)
    if (all(s is not None and (s[0] == "int" or s[2] > 0 and s[3] > 0) for s in spec)
            and any(s[0] == "slice" for s in spec)):
        # integers and slices (``X[:, 3]``, ``pts.reshape(-1, 3)[:, 0]``): a window of every
        # axis, whose use drops the integers' axes
        bs = iter(grid.block_shape)
        whole = ArrayGrid(tuple(1 if s[0] == "int" else s[3] for s in spec),
                          tuple(1 if s[0] == "int" else next(bs) for s in spec), x.dtype)
        kept = tuple(a for a, s in enumerate(spec) if s[0] == "slice")
        return dropped(window(x, tuple(s[1] for s in spec),
                              tuple(1 if s[0] == "int" else s[2] for s in spec), whole),
                       kept, grid)

    def source(idx):
        """The region of ``x`` that output block ``idx`` reads, and the key taking it."""
        it = iter(range(len(idx)))
        region_slices, local_key = [], []
        simple = True
        for s in spec:
            if s is None:
                next(it)
                local_key.append(None)
                simple = False
                continue
            if s[0] == "int":
                region_slices.append(slice(s[1], s[1] + 1))
                local_key.append(0)
                simple = False
                continue
            o = next(it)
            a, b = grid.axis_start(o, idx[o]), grid.axis_stop(o, idx[o])
            _, start, step, _ = s
            if b <= a:
                region_slices.append(slice(0, 0))
                local_key.append(slice(0, 0))
                continue
            if step > 0:
                lo, hi = start + step * a, start + step * (b - 1) + 1
                local_key.append(slice(0, None, step))
            else:
                lo, hi = start + step * (b - 1), start + step * a + 1
                local_key.append(slice(hi - lo - 1, None, step))
            if step != 1:
                simple = False
            region_slices.append(slice(lo, hi))
        return region_slices, (None if simple else tuple(local_key))

    def task(idx, node):
        region_slices, key = source(idx)
        ref, _ = region(x, region_slices, node)
        return ref if key is None else submit(kernels.take_slices, ref, key, node=node)

    return BlockArray.build(grid, task, reads=lambda idx: [(x, source(idx)[0])], name="index")


def take_rows(x: BlockArray, idx: np.ndarray) -> BlockArray:
    """``x[idx]`` along axis 0 for a 1-d numpy array of non-negative indices."""
    idx = np.asarray(idx, dtype=np.intp)
    bs0 = x.block_shape[0] if x.ndim else 1
    shape = (len(idx),) + x.shape[1:]
    # the result's rows per block: the session's default for its size, never fewer than the
    # source's (rows taken from a small array would otherwise make one block per few rows)
    rows = max(bs0, make_grid(shape, x.dtype).block_shape[0] if len(idx) else 1)
    grid = ArrayGrid(shape, (rows,) + x.block_shape[1:], x.dtype)
    src_block = idx // bs0
    src_local = idx - src_block * bs0

    def task(out_idx, node):
        a, b = grid.axis_start(0, out_idx[0]), grid.axis_stop(0, out_idx[0])
        specs, refs = [], []
        blocks_here = src_block[a:b]
        for sb in np.unique(blocks_here):
            pos = np.nonzero(blocks_here == sb)[0]
            specs.append((pos, src_local[a:b][pos]))
            refs.append(x.blocks[(int(sb),) + tuple(out_idx[1:])])
        return submit(
            kernels.gather_rows, grid.block_shape_at(out_idx), x.dtype, specs, *refs, node=node
        )

    def reads(out_idx):
        a, b = grid.axis_start(0, out_idx[0]), grid.axis_stop(0, out_idx[0])
        return [(x, x.grid.block_slices((int(sb),) + tuple(out_idx[1:])))
                for sb in np.unique(src_block[a:b])]

    return BlockArray.build(grid, task, reads=reads, name="take")


def scalar_indices(key: Any) -> Any:
    """``key`` with its 0-d integer BlockArrays that stand for NumPy's integers (an element
    ``idx[k]``, ``argmax``'s result, a value of ``for i in np.arange(n)``) as those integers:
    NumPy indexes with an integer scalar as with an int, a basic index (``A[i]`` is a view,
    so ``A[i][j] = 1`` writes ``A``), where a 0-d array index would be advanced (a copy)."""
    if type(key) is BlockArray:
        return _scalar_index(key)
    if any(type(k) is BlockArray for k in key):
        return tuple(_scalar_index(k) if type(k) is BlockArray else k for k in key)
    return key


def _scalar_index(k: BlockArray) -> Any:
    return scalar_of(k) if k.dtype.kind in "iu" else k
