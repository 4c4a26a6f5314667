"""Printing BlockArrays as numpy prints them, fetching only the edges of large arrays.

A 0-d array prints as the NumPy scalar that NumPy's operation would have returned
(``np.float64(45.0)``, ``45.0``; a reduction's result is the common case), arrays as
``numpy.ndarray`` does (the same ``str``; ``repr`` with the class name ``BlockArray`` and
the block layout appended). Print options (``numpy.set_printoptions``,
``numpy.printoptions``, ``legacy=``) apply, since NumPy formats the values.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
from numpy._core.arrayprint import _array_repr_implementation  # numpy's repr, with a hook

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, backend, stands_for_scalar, submit


def _edge_indices(n: int, edge: int) -> list[int]:
    if n <= 2 * edge:
        return list(range(n))
    # one middle index keeps the axis longer than 2 * edge, so numpy still summarises it
    return list(range(edge)) + [n // 2] + list(range(n - edge, n))


def printable(x: BlockArray) -> tuple[np.ndarray, bool | None]:
    """Values to print: the whole array, or only its edges when numpy would summarise (then
    True; False: the whole array, not summarised; None: the whole array, which NumPy
    summarises itself)."""
    options = np.get_printoptions()
    if x.size <= options["threshold"]:
        return x.get(), False
    if options["edgeitems"] == 0:  # NumPy sizes the fields from the whole array (its
        return x.get(), None  # a[-0:]) and prints the last item of each axis

    wanted = [_edge_indices(n, options["edgeitems"]) for n in x.shape]
    out = np.empty(tuple(len(w) for w in wanted), dtype=x.dtype)
    refs, targets = [], []
    for idx in x.grid.indices():
        slices = x.grid.block_slices(idx)
        local, pos = [], []
        for w, s in zip(wanted, slices):
            sel = [(j, i - s.start) for j, i in enumerate(w) if s.start <= i < s.stop]
            local.append([loc for _, loc in sel])
            pos.append([j for j, _ in sel])
        if all(local):
            refs.append(submit(kernels.take_ix, x.blocks[idx], local, node=int(x.nodes[idx])))
            targets.append(pos)
    for pos, value in zip(targets, backend().get(refs)):
        out[np.ix_(*pos)] = value
    return out, True


def print_threshold(summarised: bool | None) -> int:
    """NumPy's ``threshold`` that prints :func:`printable`'s values as ``x``'s."""
    if summarised is None:
        return np.get_printoptions()["threshold"]
    return 0 if summarised else sys.maxsize


def scalar(x: BlockArray) -> Any:
    """The NumPy scalar (``numpy.float64``, ``numpy.bool``, ..., or the object of an object
    array) that a 0-d ``x`` holds: what NumPy's operation would have returned."""
    return x.get()[()]


def _array2string(x: BlockArray, max_line_width: Any = None, precision: Any = None,
                  suppress_small: Any = None, separator: str = " ", prefix: str = "",
                  suffix: str = "") -> str:
    """``numpy.array2string`` of ``x`` from its fetched values (its edges when summarised)."""
    values, summarised = printable(x)
    return np.array2string(values, max_line_width, precision, suppress_small, separator,
                           prefix, suffix=suffix, threshold=print_threshold(summarised))


def to_str(x: BlockArray) -> str:
    """``str(x)`` as numpy's (a 0-d array as its scalar's)."""
    if x.ndim == 0:
        return str(scalar(x))
    return _array2string(x)


def to_repr(x: BlockArray) -> str:
    """``repr(x)``: a 0-d result that stands for NumPy's scalar as that scalar's, a 0-d
    array made as one (``np.array(3.5)``) as NumPy's 0-d array's; otherwise numpy's ``repr``
    (its ``shape=``/``dtype=`` rules and line wrapping) with the block layout appended."""
    if x.ndim == 0:
        return repr(scalar(x)) if stands_for_scalar(x) else repr(x.get())
    text = _array_repr_implementation(x, array2string=_array2string)
    return f"{text[:-1]}, block_shape={x.block_shape}, grid_shape={x.grid_shape})"


def to_format(x: BlockArray, spec: str) -> str:
    """``format(x, spec)``: a 0-d array formats as its scalar (``f"{x:.3f}"``); other arrays
    take only the empty spec, as ``numpy.ndarray``."""
    if x.ndim == 0:
        return format(scalar(x), spec)
    if spec:
        raise TypeError("unsupported format string passed to BlockArray.__format__")
    return to_str(x)
