"""``vectorize(..., signature=...)`` on distributed arrays: core dimensions whole per task.

NumPy's generalized ``vectorize`` calls the function once per index of the broadcast *loop*
dimensions (the leading ones) on the *core* dimensions (the trailing ones the signature
names). Here the result's loop dimensions are split into blocks and each block is one task:
it reads, from every argument, the part of its loop dimensions that broadcasts onto the block
with the core dimensions whole (a region of several blocks when they are split), and runs the
function over the block's loop indices into arrays of the output types, as NumPy fills its
outputs.

As in NumPy, the sizes of the core dimensions come from the arguments' shapes, checked
first; output core dimensions the arguments do not name, and the output types when ``otypes``
is not given, come from the function's results on the first loop index, computed once on the
driver (the first core slab of each argument is fetched). Every block thus has the same
core sizes and dtypes; NumPy's errors on these are raised at the call. A later result of
another shape is broadcast into the outputs or raises, in the task, as NumPy's assignment
does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, make_grid, submit
from nums.core.array.regions import region
from nums.core.graph.grid import ArrayGrid
from nums.core.graph.grid import broadcast_slices as grid_broadcast_slices
from nums.numpy._convert import asarray


def fixed_dtypes(otypes: Any) -> list[np.dtype] | None:
    """The output types as dtypes that every block can hold alone, or None when one of them
    NumPy sizes from all the values (objects, void, strings of no length, datetimes of no
    unit)."""
    dtypes = [np.dtype(t) for t in otypes]
    for dt in dtypes:
        if dt.kind in "OV" or (dt.kind in "SU" and dt.itemsize == 0) or (
                dt.kind in "Mm" and np.datetime_data(dt)[0] == "generic"):
            return None
    return dtypes


def _core_sizes(sizes: dict, arg: Any, core_dims: tuple) -> None:
    """Record the sizes of ``core_dims`` from the trailing axes of ``arg`` (NumPy's checks)."""
    if not core_dims:
        return
    if arg.ndim < len(core_dims):
        raise ValueError(f"{arg.ndim}-dimensional argument does not have enough dimensions "
                         f"for all core dimensions {core_dims!r}")
    for dim, n in zip(core_dims, arg.shape[-len(core_dims):]):
        if sizes.setdefault(dim, n) != n:
            raise ValueError(f"inconsistent size for core dimension {dim!r}: {n!r} vs "
                             f"{sizes[dim]!r}")


def _number(results: Any, nout: int) -> tuple:
    """``results`` as a tuple of ``nout`` outputs (NumPy's error when their count differs)."""
    count = len(results) if isinstance(results, tuple) else 1
    if count != nout:
        raise ValueError(f"wrong number of outputs from pyfunc: expected {nout!r}, got "
                         f"{count!r}")
    return results if nout > 1 else (results,)


def signature_block(func: Any, loop: tuple, in_cores: list, out_cores: list, dtypes: list,
                    *pieces: Any) -> Any:
    """The kernel: ``func`` at every index of the block's ``loop`` shape on the arguments'
    core slabs, into new arrays of ``dtypes``."""
    args = [np.broadcast_to(np.asanyarray(p), loop + core) for p, core in zip(pieces, in_cores)]
    outs = tuple(np.empty(loop + core, dtype=dt) for core, dt in zip(out_cores, dtypes))
    for index in np.ndindex(*loop):
        for out, result in zip(outs, _number(func(*(a[index] for a in args)), len(outs))):
            out[index] = result
    return outs if len(outs) > 1 else outs[0]


def call(func: Any, vargs: list, core_dims: tuple, otypes: Any, name: str) -> Any:
    """``func`` vectorized over ``vargs`` with the signature's ``core_dims`` (NumPy's
    ``(input core dims, output core dims)``); None when an output type is one a block cannot
    hold alone (objects, strings of unknown length: the caller runs NumPy whole)."""
    in_core, out_core = core_dims
    if len(vargs) != len(in_core):
        raise TypeError(f"wrong number of positional arguments: expected {len(in_core)!r}, "
                        f"got {len(vargs)!r}")
    args = [_operand(v) for v in vargs]
    sizes: dict = {}
    loops = []
    for a, dims in zip(args, in_core):
        _core_sizes(sizes, a, dims)
        loops.append(np.shape(a)[:np.ndim(a) - len(dims)])
    loop = tuple(np.broadcast_shapes(*loops))
    nout = len(out_core)
    known = all(d in sizes for dims in out_core for d in dims)
    dtypes = None if otypes is None else [np.dtype(t) for t in otypes]
    if math.prod(loop) == 0:
        if dtypes is None:
            raise ValueError("cannot call `vectorize` on size 0 inputs unless `otypes` is set")
        if not known:
            raise ValueError("cannot call `vectorize` with a signature including new output "
                             "dimensions on size 0 inputs")
    elif dtypes is None or not known:  # NumPy's first call, here on the driver
        firsts = [a[(0,) * (a.ndim - len(dims))].get() if isinstance(a, BlockArray) else
                  np.asanyarray(a)[(0,) * (np.ndim(a) - len(dims))]
                  for a, dims in zip(args, in_core)]
        results = _number(func(*firsts), nout)
        for result, dims in zip(results, out_core):
            _core_sizes(sizes, result, dims)
        dtypes = dtypes or [np.asarray(r).dtype for r in results]
    dtypes = fixed_dtypes(dtypes)
    if dtypes is None:
        return None
    shapes = [loop + tuple(sizes[d] for d in dims) for dims in out_core]
    if math.prod(loop) == 0:
        outs = [BlockArray.full(s, 0, dt) for s, dt in zip(shapes, dtypes)]
        return tuple(outs) if nout > 1 else outs[0]
    return _blocks(func, args, in_core, out_core, sizes, loop, shapes, dtypes, name)


def _operand(v: Any) -> Any:
    """An argument as a BlockArray, or a numpy value when it is a scalar (sent to every
    task as it is)."""
    if isinstance(v, BlockArray):
        return v.get() if v.ndim == 0 else v
    value = np.asanyarray(v)
    return asarray(value) if value.ndim else value


def _loop_block_shape(args: list, in_core: tuple, loop: tuple) -> tuple:
    """Blocks along the loop axes: those of an argument whose loop shape is the result's,
    else the session's default for the loop shape."""
    for a, dims in zip(args, in_core):
        if isinstance(a, BlockArray) and a.shape[:a.ndim - len(dims)] == loop:
            return a.block_shape[:len(loop)]
    return make_grid(loop, np.float64).block_shape


def _blocks(func: Any, args: list, in_core: tuple, out_core: tuple, sizes: dict,
            loop: tuple, shapes: list, dtypes: list, name: str) -> Any:
    nout, nloop = len(out_core), len(loop)
    bs = _loop_block_shape(args, in_core, loop)
    grids = [ArrayGrid(s, bs + tuple(max(1, n) for n in s[nloop:]), dt)
             for s, dt in zip(shapes, dtypes)]
    in_cores = [tuple(sizes[d] for d in dims) for dims in in_core]
    out_cores = [tuple(sizes[d] for d in dims) for dims in out_core]
    others: dict = {}  # outputs after the first, by block

    def reads(idx: tuple) -> list:
        out = grids[0].block_slices(idx)[:nloop]
        return [(a, grid_broadcast_slices(a.shape[:a.ndim - len(dims)], out, loop)
                 + [slice(0, n) for n in a.shape[a.ndim - len(dims):]])
                for a, dims in zip(args, in_core) if isinstance(a, BlockArray)]

    def task(idx: tuple, node: int) -> Any:
        regions = iter(region(a, slices, node)[0] for a, slices in reads(idx))
        pieces = [next(regions) if isinstance(a, BlockArray) else a for a in args]
        block_loop = grids[0].block_shape_at(idx)[:nloop]
        refs = submit(signature_block, func, block_loop, in_cores, out_cores, dtypes, *pieces,
                      node=node, num_returns=nout)
        if nout == 1:
            return refs
        others[idx[:nloop]] = refs[1:]
        return refs[0]

    first = BlockArray.build(grids[0], task, reads=reads, name=name)
    if nout == 1:
        return first
    first.blocks  # noqa: B018  (the tasks are submitted: every block's refs are known)
    outs = [first]
    for k, grid in enumerate(grids[1:]):
        blocks = np.empty(grid.grid_shape, dtype=object)
        nodes = np.zeros(grid.grid_shape, dtype=np.int64)
        for idx in np.ndindex(*grid.grid_shape[:nloop]):
            full = idx + (0,) * (grid.ndim - nloop)
            blocks[full] = others[idx][k]
            nodes[full] = first.nodes[idx + (0,) * (first.ndim - nloop)]
        outs.append(BlockArray(grid, blocks, nodes))
    return tuple(outs)
