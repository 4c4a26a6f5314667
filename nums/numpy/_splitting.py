"""Splitting arrays into views: ``split``, ``array_split``, ``hsplit``, ``vsplit``, ``dsplit``,
``unstack``. Each piece is a basic slice of the input, so a view (writes reach the input), as
in NumPy; no data moves until a piece is used."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array.blockarray import BlockArray
from nums.numpy._convert import asarray


def _along(x: BlockArray, axis: int, start: int, stop: int) -> BlockArray:
    return x[(slice(None),) * axis + (slice(start, stop),)]


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[BlockArray]:
    """nums implementation of ``numpy.array_split``: views of ``ary``."""
    x = asarray(ary)
    total = x.shape[axis]  # (NumPy's errors: IndexError out of range, TypeError not an int)
    axis = operator.index(axis) % x.ndim
    try:
        cuts = [operator.index(i) for i in indices_or_sections]
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extras = divmod(total, sections)
        sizes = [each + 1] * extras + [each] * (sections - extras)
        bounds = np.cumsum([0] + sizes).tolist()
    else:
        bounds = [0] + cuts + [total]
    return [_along(x, axis, a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[BlockArray]:
    """nums implementation of ``numpy.split``: views of ``ary``, in equal parts or at the
    given indices."""
    x = asarray(ary)
    try:
        len(indices_or_sections)
    except TypeError:
        sections = indices_or_sections
        if x.shape[axis] % sections:
            raise ValueError("array split does not result in an equal division") from None
    return array_split(x, indices_or_sections, axis)


def hsplit(ary: Any, indices_or_sections: Any) -> list[BlockArray]:
    """nums implementation of ``numpy.hsplit`` (axis 1, or 0 for 1-d arrays)."""
    x = asarray(ary)
    if x.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


def vsplit(ary: Any, indices_or_sections: Any) -> list[BlockArray]:
    """nums implementation of ``numpy.vsplit`` (axis 0)."""
    x = asarray(ary)
    if x.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(x, indices_or_sections, 0)


def dsplit(ary: Any, indices_or_sections: Any) -> list[BlockArray]:
    """nums implementation of ``numpy.dsplit`` (axis 2)."""
    x = asarray(ary)
    if x.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(x, indices_or_sections, 2)


def unstack(x: Any, /, *, axis: int = 0) -> tuple[BlockArray, ...]:
    """nums implementation of ``numpy.unstack``: the views ``x`` has along ``axis``."""
    x = asarray(x)
    if x.ndim == 0:
        raise ValueError("Input array must be at least 1-d.")
    axis = normalize_axis_index(axis, x.ndim)
    return tuple(x[(slice(None),) * axis + (i,)] for i in range(x.shape[axis]))


__all__ = ["split", "array_split", "hsplit", "vsplit", "dsplit", "unstack"]
