"""Functions whose inputs are small or not arrays, run by NumPy on the driver and returned
as BlockArrays: arrays made from text (``fromstring``, ``fromregex``; ``from_dlpack`` is in
:mod:`nums.numpy._array_api`, ``fromiter`` streams blocks into the store in
:mod:`nums.numpy._from_iterable`) and the sequential
step of polynomial arithmetic: ``polydiv`` (long division, one coefficient after another,
whose trimming of the remainder depends on rounding). The other polynomial functions are
in :mod:`nums.numpy._polynomial` and :mod:`nums.numpy._vectors`."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy._convert import asarray

MADE = "made on the driver (from Python objects, text or another library's array)"
COEFFICIENTS = "on the driver (small coefficient arrays)"


def _values(x: Any) -> Any:
    return x.get() if isinstance(x, BlockArray) else x


def _wrap(result: Any) -> Any:
    if isinstance(result, np.ndarray):
        return asarray(result)
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    return result  # poly1d results stay poly1d, as in NumPy


def _on_driver(name: str, status: str):
    numpy_fn = getattr(np, name)

    @functools.wraps(numpy_fn)
    def fn(*args: Any, **kwargs: Any) -> Any:
        args = tuple(_values(a) for a in args)
        kwargs = {k: _values(v) for k, v in kwargs.items()}
        return _wrap(numpy_fn(*args, **kwargs))

    fn.__module__ = __name__
    fn.__doc__ = (f"nums implementation of ``numpy.{name}``: NumPy runs it on the driver "
                  "(its inputs are small, or not arrays) and the result is a BlockArray.")
    fn._nums_status = status  # type: ignore[attr-defined]
    return fn


fromstring = _on_driver("fromstring", MADE)
fromregex = _on_driver("fromregex", MADE)
polydiv = _on_driver("polydiv", COEFFICIENTS)

__all__ = ["fromstring", "fromregex", "polydiv"]
