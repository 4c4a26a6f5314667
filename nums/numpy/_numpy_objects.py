"""Functions whose results are NumPy objects rather than arrays, run on the driver:
``asmatrix`` and ``bmat`` (a ``numpy.matrix``), ``nested_iters`` (NumPy's ``nditer``
iteration machinery), and ``test`` (NumPy's own test runner).

Why on the driver: a ``numpy.matrix`` is a NumPy subclass whose operators (``*`` is a matrix
product) and shapes (always 2-d) a BlockArray does not have, and an ``nditer`` walks memory
in the driver's process; neither can be made of blocks without changing what it is. So the
BlockArray arguments are gathered on the driver (with a ``GatherWarning``, once per function),
as the support page says ("on the driver"), and NumPy's object is returned. NumPy itself
recommends regular arrays over ``numpy.matrix``; with nums, use BlockArrays and ``@``.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy._fallback import gathered, has_blockarray, warn_gather
from runtime.errors import warnings_at_caller

MATRIX = "on the driver (returns a numpy.matrix)"
ITERATORS = "on the driver (NumPy's nditer iterators)"


def _gathered_once(name: str, *values: Any) -> Any:
    if any(has_blockarray(v) for v in values):
        warn_gather(f"numpy.{name}", "the driver")
    return gathered(values)


WRITE_FLAGS = frozenset({"readwrite", "writeonly", "allocate", "writemasked"})


def refuse_writes(name: str, op: Any, op_flags: Any) -> None:
    """NotImplementedError when NumPy's iterator ``name`` would write into a BlockArray
    operand (``op_flags`` as NumPy's: one list for every operand, or one list per operand):
    it iterates over a gathered copy, so the writes would be lost."""
    ops = list(op) if isinstance(op, list | tuple) else [op]
    per_op = op_flags if op_flags and isinstance(op_flags[0], list | tuple) else [
        op_flags or []] * len(ops)
    for x, flags in zip(ops, per_op):
        writes = WRITE_FLAGS & set([flags] if isinstance(flags, str) else flags or [])
        if isinstance(x, BlockArray) and writes:
            raise NotImplementedError(
                f"nums.numpy.{name} iterates over a copy of a BlockArray gathered on the "
                f"driver, so writes through it ({', '.join(sorted(writes))}) would be lost; "
                "iterate x.get() and assign back")


def asmatrix(data: Any, dtype: Any = None) -> np.matrix:
    """A ``numpy.matrix`` of the gathered values of ``data`` (on the driver, a
    ``GatherWarning``): nums has no distributed matrix class (see the module notes)."""
    (data,) = _gathered_once("asmatrix", data)
    with warnings_at_caller():  # NumPy's PendingDeprecationWarning names the user's line
        return np.asmatrix(data, dtype=dtype)


def bmat(obj: Any, ldict: Any = None, gdict: Any = None) -> np.matrix:
    """A ``numpy.matrix`` built by NumPy from the gathered blocks (on the driver, a
    ``GatherWarning``). A string ``obj`` names arrays of the caller's scope, as in NumPy;
    only the names it uses are looked up (and gathered)."""
    if isinstance(obj, str):
        if gdict is None:
            frame = sys._getframe(1)
            gdict, ldict = frame.f_globals, frame.f_locals
        names = set(re.findall(r"[A-Za-z_]\w*", obj))
        scope = {**gdict, **(ldict or {})}
        used = {n: scope[n] for n in names if n in scope}
        (used,) = _gathered_once("bmat", used)
        with warnings_at_caller():
            return np.bmat(obj, used, {})
    (obj,) = _gathered_once("bmat", obj)
    with warnings_at_caller():
        return np.bmat(obj)


def nested_iters(op: Any, axes: Any, flags: Any = None, op_flags: Any = None,
                 op_dtypes: Any = None, order: str = "K", casting: str = "safe",
                 buffersize: int = 0) -> tuple:
    """NumPy's ``nditer`` objects over gathered copies of the BlockArray operands (on the
    driver, a ``GatherWarning``). Writing through the iterators into a BlockArray
    (``readwrite``, ``writeonly``, ``allocate`` or ``writemasked`` in its ``op_flags``)
    would change only the copy, so it raises; iterate ``x.get()`` and assign back instead."""
    refuse_writes("nested_iters", op, op_flags)
    (op,) = _gathered_once("nested_iters", op)
    return np.nested_iters(op, axes, flags=flags, op_flags=op_flags, op_dtypes=op_dtypes,
                           order=order, casting=casting, buffersize=buffersize)


def test(*args: Any, **kwargs: Any) -> Any:
    """NumPy's own test runner (``numpy.test``): it tests NumPy, not nums, and touches no
    array data of nums. nums's tests run with pytest (see the README)."""
    return np.test(*args, **kwargs)


asmatrix._nums_status = MATRIX  # type: ignore[attr-defined]
bmat._nums_status = MATRIX  # type: ignore[attr-defined]
nested_iters._nums_status = ITERATORS  # type: ignore[attr-defined]
test._nums_status = "NumPy's own test runner (tests NumPy, not nums)"  # type: ignore

__all__ = ["asmatrix", "bmat", "nested_iters", "test"]
