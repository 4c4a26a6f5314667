"""The fallback: a NumPy function without a nums implementation, run by NumPy in one task on
one worker, next to the data, with a warning (once per function).

Where: the node that holds most of the bytes of the call's BlockArray arguments; each of them
is assembled whole there (one task per argument), numpy runs on copies of them, and the
results stay on that worker: array results come back as BlockArrays (split into the
session's blocks from there), other values (scalars, Python objects) as they are. What NumPy
does to its arguments is not lost:

- an argument numpy wrote into (``np.fill_diagonal``, ``out=``, ``ufunc.at``, ...) is written
  back: a BlockArray (and so its views) from the worker's copy, a numpy array on the driver;
- a result that is a view of a BlockArray argument (``np.flip``, ``np.split``, ...) is
  returned as a view of that BlockArray (:class:`~nums.core.array.views.StridedOp`), so later
  writes on either side are seen as in numpy;
- read-only BlockArrays are copied as read-only arrays, so numpy raises where it would.

Calls without BlockArray arguments, calls whose BlockArray arguments are all driver-resident
(small arrays, :mod:`nums.core.array.resident`: the driver is next to their data), and calls
whose arguments or results cannot travel to a worker (open files, iterators), run NumPy on the
driver (gathering BlockArray arguments).
Callables among the arguments travel with cloudpickle: they run on the worker, so their
side effects on driver objects are not seen. NumPy's warnings reach the user's line.

Fallback functions carry NumPy's signature and docstring.
"""

from __future__ import annotations

import functools
from typing import Any

import cloudpickle
import numpy as np

from nums.core.array import fallback_kernels
from nums.core.array.blockarray import BlockArray, backend, local_value, one_block, submit
from nums.core.array.fallback_kernels import Arg, Slot, View
from nums.core.array.regions import region
from nums.core.array.relayout import rechunk
from nums.core.array.views import strided_view
from nums.core.array.writes import write_out
from nums.numpy._docstrings import compose
from runtime.errors import warn, warnings_at_caller

_warned: set[str] = set()


class GatherWarning(UserWarning):
    """A numpy function without a distributed nums implementation ran by NumPy in one place
    (one worker, or the driver) on whole copies of its arguments."""


def gathered(x: Any) -> Any:
    """``x`` with every BlockArray in it (also inside lists, tuples, dicts) fetched."""
    if isinstance(x, BlockArray):
        return x.get()
    if isinstance(x, list | tuple):
        return type(x)(gathered(v) for v in x)
    if isinstance(x, dict):
        return {k: gathered(v) for k, v in x.items()}
    return x


def has_blockarray(x: Any) -> bool:
    """Whether ``x`` is a BlockArray or holds one (in lists, tuples, dicts)."""
    if isinstance(x, BlockArray):
        return True
    if isinstance(x, list | tuple):
        return any(has_blockarray(v) for v in x)
    if isinstance(x, dict):
        return any(has_blockarray(v) for v in x.values())
    return False


class _Call:
    """The array arguments of one call: each distinct BlockArray or numpy array once."""

    def __init__(self) -> None:
        self.arrays: list[Any] = []
        self._index: dict[int, int] = {}

    def template(self, x: Any) -> Any:
        """``x`` with each array replaced by its :class:`Arg` slot."""
        if isinstance(x, BlockArray | np.ndarray) and type(x) in (BlockArray, np.ndarray):
            k = self._index.get(id(x))
            if k is None:
                k = self._index[id(x)] = len(self.arrays)
                self.arrays.append(x)
            return Arg(k)
        if isinstance(x, list | tuple) and not hasattr(x, "_fields"):
            return type(x)(self.template(v) for v in x)
        if isinstance(x, dict):
            return {k: self.template(v) for k, v in x.items()}
        return x

    def blockarrays(self) -> list[BlockArray]:
        return [x for x in self.arrays if isinstance(x, BlockArray)]

    def node(self) -> int:
        """The node that holds most bytes of the BlockArray arguments."""
        held: dict[int, int] = {}
        for x in self.blockarrays():
            item = x.dtype.itemsize
            for idx in x.grid.indices():
                n = int(x.nodes[idx])
                held[n] = held.get(n, 0) + item * int(np.prod(x.grid.block_shape_at(idx)))
        return max(sorted(held), key=lambda n: held[n]) if held else 0


def warn_gather(name: str, where: str) -> None:
    """The GatherWarning of ``name`` (once per function and session): NumPy runs on
    ``where`` on whole copies of its arguments."""
    if name not in _warned:
        _warned.add(name)
        warn(f"nums has no distributed {name}; running NumPy on {where} on whole copies of "
             "its arguments", GatherWarning)


def run_fallback(func: Any, args: tuple, kwargs: dict, name: str) -> Any:
    """``func(*args, **kwargs)`` by numpy in one task next to the data (see the module
    docstring); on the driver when no argument is a BlockArray or the call cannot travel."""
    call = _Call()
    t_args, t_kwargs = call.template(args), call.template(kwargs)
    if not call.blockarrays() or not _travels(func, t_args, t_kwargs) or all(
            local_value(x) is not None for x in call.blockarrays()):
        # driver-resident arguments (small arrays): the driver is next to the data
        return run_on_driver(func, args, kwargs, name)
    warn_gather(name, "one worker")
    node = call.node()
    refs = [region(x, [slice(0, n) for n in x.shape], node)[0] if isinstance(x, BlockArray)
            else x for x in call.arrays]
    writeable = tuple(bool(x.flags.writeable) for x in call.arrays)
    light_ref, parts_ref = submit(fallback_kernels.numpy_call, func, t_args, t_kwargs,
                                  writeable, *refs, node=node, num_returns=2)
    light = backend().get([light_ref])[0]  # numpy's errors are raised here, at the call
    if light is None:  # the result cannot leave the worker
        return run_on_driver(func, args, kwargs, name)
    skeleton, written, shapes = light

    def part(i: int) -> BlockArray:
        ref = submit(fallback_kernels.pick, parts_ref, i, node=node)
        return one_block(ref, tuple(shapes[i][0]), shapes[i][1], node)

    for k, i in written:
        x = call.arrays[k]
        if isinstance(x, BlockArray):
            write_out(x, rechunk(part(i), x.block_shape))
        else:
            np.copyto(x, part(i).get())
    return _results(skeleton, call, part, name)


def _travels(func: Any, t_args: Any, t_kwargs: Any) -> bool:
    """Whether the function and the call's non-array arguments can be sent to a worker."""
    try:
        cloudpickle.dumps((func, t_args, t_kwargs))
    except Exception:  # noqa: BLE001 - whatever pickling raises (open files, locks, ...)
        return False
    return True


def _results(value: Any, call: _Call, part: Any, name: str) -> Any:
    if isinstance(value, Slot):
        one = part(value.i)
        return rechunk(one, None) if one.ndim else one
    if isinstance(value, View):
        x = call.arrays[value.k]
        if value.offset == 0 and tuple(value.shape) == x.shape and tuple(
                value.strides) == _c_strides(x.shape) and (
                value.writeable or not x.flags.writeable):
            return x  # the argument itself (an ``out=`` returned, ...), as in numpy
        if isinstance(x, BlockArray):
            return strided_view(x, value.offset, value.shape, value.strides, value.writeable)
        if not x.flags.c_contiguous:
            raise NotImplementedError(
                f"{name} returns a view of a numpy argument that is not C-contiguous, which "
                "a worker cannot return; call it with numpy arrays only")
        item = x.dtype.itemsize  # the same view of the driver's numpy array
        return np.lib.stride_tricks.as_strided(
            x.reshape(-1)[value.offset:], value.shape, [s * item for s in value.strides],
            writeable=value.writeable and x.flags.writeable)
    if isinstance(value, tuple):
        items = [_results(v, call, part, name) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list) and value and all(isinstance(v, Slot | View) for v in value):
        return [_results(v, call, part, name) for v in value]
    return value


def _c_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """C-order strides of ``shape``, in elements."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


# ---------------------------------------------------------------------------- on the driver


class _Gathered:
    """The BlockArray arguments of one driver call and their numpy copies."""

    def __init__(self) -> None:
        self.entries: dict[int, tuple[BlockArray, np.ndarray, np.ndarray | None]] = {}

    def __call__(self, x: Any) -> Any:
        if isinstance(x, BlockArray):
            entry = self.entries.get(id(x))
            if entry is None:
                g = x.get()
                if x.flags.writeable:
                    entry = (x, g, g.copy())
                else:
                    g.flags.writeable = False
                    entry = (x, g, None)
                self.entries[id(x)] = entry
            return entry[1]
        if isinstance(x, list | tuple):
            return type(x)(self(v) for v in x)
        if isinstance(x, dict):
            return {k: self(v) for k, v in x.items()}
        return x

    def write_back(self) -> None:
        """Every argument numpy changed takes its new values."""
        for x, g, before in self.entries.values():
            if before is not None and g.tobytes() != before.tobytes():
                write_out(x, BlockArray.from_numpy(g, x.block_shape))

    def wrap(self, value: Any, name: str) -> Any:
        """numpy results as BlockArrays: views of an argument as views of its BlockArray."""
        if isinstance(value, np.ndarray):
            for x, g, _ in self.entries.values():
                if g.size and value.size and np.may_share_memory(value, g):
                    v = fallback_kernels._view(0, g, value)
                    return strided_view(x, v.offset, v.shape, v.strides, v.writeable)
            return BlockArray.from_numpy(value)
        if isinstance(value, tuple):
            return type(value)(*(self.wrap(v, name) for v in value)) if hasattr(
                value, "_fields") else tuple(self.wrap(v, name) for v in value)
        if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
            return [self.wrap(v, name) for v in value]
        return value


def run_on_driver(func: Any, args: tuple, kwargs: dict, name: str, wrap: bool = True) -> Any:
    """``func(*args, **kwargs)`` by numpy on the driver, on gathered copies of the BlockArray
    arguments (a GatherWarning, once); writes and views as in
    :func:`run_fallback`. For files and objects that only the driver has. With ``wrap``
    False the result is NumPy's object as it is (a masked array, an assertion's None)."""
    gather = _Gathered()
    warn_gather(name, "the driver")
    g_args, g_kwargs = gather(args), gather(kwargs)
    with warnings_at_caller():  # NumPy's own warnings name the user's line
        result = func(*g_args, **g_kwargs)
    gather.write_back()
    return gather.wrap(result, name) if wrap else result


def numpy_fallback(name: str, module: Any = np) -> Any:
    """``nums.numpy.<name>`` for a numpy function nums does not implement.

    The returned function runs numpy in one task next to its BlockArray arguments (warning
    once), writes back what numpy wrote into them, and returns array results as BlockArrays
    (views of an argument where numpy returns views). Anything that is not a public numpy
    function raises AttributeError.
    """
    func = getattr(module, name, None) if not name.startswith("_") else None
    where = module.__name__
    if func is None or not callable(func) or isinstance(func, type):
        raise AttributeError(f"module 'nums.{where}' has no attribute {name!r}")

    def fallback(*args: Any, **kwargs: Any) -> Any:
        return run_fallback(func, args, kwargs, f"{where}.{name}")

    functools.update_wrapper(fallback, func)  # numpy's name, signature and docstring
    fallback.__module__ = f"nums.{where}"
    fallback.__doc__ = compose(
        func, f"{where}.{name}",
        f"Fallback for ``{where}.{name}``: runs NumPy in one task on the worker that holds "
        "most of the BlockArray arguments' bytes, on whole copies of them (with a "
        "GatherWarning, once), writes back any argument NumPy changed, and returns array "
        "results as BlockArrays (views where NumPy returns views).")
    return fallback
