"""Kernels of the fallback: one NumPy call on one worker, on copies of its array arguments.

The driver sends the call's arguments as a *template* (the arguments with every array replaced
by an :class:`Arg` slot) and the arrays themselves, each whole. :func:`numpy_call` rebuilds
the arguments, calls the function and describes what came out, so that the driver can:

- return each array result (kept on the worker as a part of the task's value, see
  :func:`pick`) as a BlockArray;
- return a result that is a view of an argument as a view of that argument (offset, shape
  and strides in elements of the argument's C-order values);
- write back every argument NumPy wrote into.
"""

from __future__ import annotations

from typing import Any

import cloudpickle
import numpy as np


class Arg:
    """The place of array argument ``k`` in a call's template."""

    __slots__ = ("k",)

    def __init__(self, k: int) -> None:
        self.k = k

    def __reduce__(self):
        return Arg, (self.k,)


class Slot:
    """Array result ``i`` of a call (``pick(result, i)``)."""

    __slots__ = ("i",)

    def __init__(self, i: int) -> None:
        self.i = i

    def __reduce__(self):
        return Slot, (self.i,)


class View:
    """A result that is a view of argument ``k``: ``offset``, ``shape``, ``strides`` in
    elements of its C-order values."""

    __slots__ = ("k", "offset", "shape", "strides", "writeable")

    def __init__(self, k, offset, shape, strides, writeable) -> None:
        self.k, self.offset, self.shape = k, offset, shape
        self.strides, self.writeable = strides, writeable

    def __reduce__(self):
        return View, (self.k, self.offset, self.shape, self.strides, self.writeable)


def fill(template: Any, values: list) -> Any:
    """``template`` with each :class:`Arg` replaced by its value."""
    if isinstance(template, Arg):
        return values[template.k]
    if isinstance(template, list | tuple):
        return type(template)(fill(v, values) for v in template)
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    return template


def numpy_call(func: Any, args: Any, kwargs: Any, writeable: tuple, *arrays: np.ndarray):
    """``func(*args, **kwargs)`` (templates) on writeable copies of ``arrays`` (read-only
    where ``writeable`` says so). Returns ``(light, parts)``: ``light`` is ``(skeleton,
    written, shapes)`` (the result with :class:`Slot` and :class:`View` for arrays, the
    ``(argument, slot)`` pairs of arguments numpy changed, and each slot's shape and dtype),
    ``parts`` the arrays of the slots. ``light`` is None when the result cannot be pickled
    (the driver then runs the call itself)."""
    copies = []
    for a, w in zip(arrays, writeable):
        c = np.array(a, copy=True, order="C")
        c.flags.writeable = bool(w)
        copies.append(c)
    before = [c.copy() if c.flags.writeable else None for c in copies]
    result = func(*fill(args, copies), **fill(kwargs, copies))
    parts: list[np.ndarray] = []
    skeleton = _describe(result, copies, parts)
    try:  # a result that cannot leave the worker (an iterator, ...): the driver runs it
        cloudpickle.dumps(skeleton)
    except Exception:  # noqa: BLE001 - whatever pickling raises
        return None, []
    written = []
    for k, (c, b) in enumerate(zip(copies, before)):
        if b is not None and c.tobytes() != b.tobytes():
            written.append((k, len(parts)))
            parts.append(c)
    return (skeleton, written, [(p.shape, p.dtype) for p in parts]), parts


def _describe(value: Any, copies: list, parts: list) -> Any:
    if isinstance(value, np.ndarray):
        for k, c in enumerate(copies):
            if c.size and value.size and np.may_share_memory(value, c):
                return _view(k, c, value)
        parts.append(np.asarray(value))
        return Slot(len(parts) - 1)
    if isinstance(value, tuple):
        items = [_describe(v, copies, parts) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
        return [_describe(v, copies, parts) for v in value]
    return value


def _view(k: int, c: np.ndarray, value: np.ndarray) -> View:
    item = c.dtype.itemsize
    offset = value.__array_interface__["data"][0] - c.__array_interface__["data"][0]
    if value.dtype != c.dtype or offset % item or any(s % item for s in value.strides):
        raise NotImplementedError(
            "this numpy function returns a view of its argument with another dtype or "
            "alignment, which nums cannot represent; call it on a numpy array (x.get())")
    return View(k, offset // item, value.shape, tuple(s // item for s in value.strides),
                bool(value.flags.writeable))


def pick(parts: list, i: int) -> np.ndarray:
    """Array ``i`` of a call's parts."""
    return parts[i]
