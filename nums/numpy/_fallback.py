"""The fallback: a NumPy function without a nums implementation, run by NumPy on copies of
its BlockArray arguments gathered on the driver, with a warning (once per function). What
NumPy does to those copies is not lost:

- an argument numpy wrote into (``np.fill_diagonal``, ``out=``, ``ufunc.at``, ...) is written
  back into the BlockArray (and so reaches its views);
- a result that is a view of an argument (``np.flip``, ``np.split``, ...) is returned as a
  view of that BlockArray (:class:`~nums.core.array.views.StridedOp`), so later writes on
  either side are seen as in numpy;
- read-only BlockArrays are gathered as read-only copies, so numpy raises where it would.

Fallback functions carry NumPy's signature and docstring.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.core.array.views import strided_view
from nums.core.array.writes import write_out
from nums.numpy._docstrings import compose
from runtime.errors import warn, warnings_at_caller

_warned: set[str] = set()


class GatherWarning(UserWarning):
    """A numpy function without a nums implementation gathered its arguments."""


def gathered(x: Any) -> Any:
    """``x`` with every BlockArray in it (also inside lists, tuples, dicts) fetched."""
    if isinstance(x, BlockArray):
        return x.get()
    if isinstance(x, list | tuple):
        return type(x)(gathered(v) for v in x)
    if isinstance(x, dict):
        return {k: gathered(v) for k, v in x.items()}
    return x


class _Gathered:
    """The BlockArray arguments of one fallback call and their numpy copies."""

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
                    return _as_view(x, g, value, name)
            return BlockArray.from_numpy(value)
        if isinstance(value, tuple):
            return type(value)(*(self.wrap(v, name) for v in value)) if hasattr(
                value, "_fields") else tuple(self.wrap(v, name) for v in value)
        if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
            return [self.wrap(v, name) for v in value]
        return value


def _as_view(x: BlockArray, g: np.ndarray, value: np.ndarray, name: str) -> BlockArray:
    item = g.dtype.itemsize
    offset = value.__array_interface__["data"][0] - g.__array_interface__["data"][0]
    if value.dtype != g.dtype or offset % item or any(s % item for s in value.strides):
        raise NotImplementedError(
            f"{name} returns a view of its argument with another dtype or alignment, which "
            "nums cannot represent; call it on a numpy array (x.get()) instead")
    return strided_view(x, offset // item, value.shape, [s // item for s in value.strides],
                        bool(value.flags.writeable))


def run_fallback(func: Any, args: tuple, kwargs: dict, name: str) -> Any:
    """``func(*args, **kwargs)`` by numpy on gathered copies (see the module docstring)."""
    if name not in _warned:
        _warned.add(name)
        warn(f"nums has no distributed {name}; gathering its arguments on the driver",
             GatherWarning)
    gather = _Gathered()
    with warnings_at_caller():  # NumPy's own warnings name the user's line
        result = func(*gather(args), **gather(kwargs))
    gather.write_back()
    return gather.wrap(result, name)


def numpy_fallback(name: str, module: Any = np) -> Any:
    """``nums.numpy.<name>`` for a numpy function nums does not implement.

    The returned function runs numpy on gathered copies of its BlockArray arguments (warning
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
        f"Fallback for ``{where}.{name}``: nums runs NumPy on copies of the BlockArray "
        "arguments gathered on the driver (with a GatherWarning, once), writes back any "
        "argument NumPy changed, and returns array results as BlockArrays (views where NumPy "
        "returns views).")
    return fallback
