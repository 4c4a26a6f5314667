"""Advanced-index keys, parsed by numpy's rules (no block work here).

A key with integer arrays or boolean masks (numpy's "advanced" indexing) is split into

- a *basic* key (ints, slices, None; each array replaced by full slices), applied first as a
  view: its result ``y`` still has an axis for every array-indexed axis;
- *groups*, one per array: an integer array indexes one axis of ``y``; a boolean mask of
  ``d`` dimensions indexes ``d`` consecutive axes of ``y`` (numpy treats it as its
  ``nonzero()``: ``d`` integer arrays); a boolean scalar indexes none (a new axis of length
  1 or 0);
- the position of the broadcast index dimensions in the result: where the first advanced
  index was when the advanced indices (arrays and ints) are adjacent, else first.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.core.array.indexing import VALID_INDICES
from nums.core.array.indexing import _is_int as is_int


@dataclass
class Group:
    """One index array: ``kind`` "int" (``index`` integer array over axis ``axis`` of ``y``,
    axis ``orig`` of the indexed array, of size ``size``) or "mask" (``index`` boolean array
    over axes ``axis .. axis + index.ndim`` of ``y``)."""

    kind: str
    index: Any  # numpy array or BlockArray
    axis: int
    orig: int
    size: int

    @property
    def ndim_covered(self) -> int:
        return 1 if self.kind == "int" else self.index.ndim


@dataclass
class ParsedKey:
    basic: tuple
    groups: list[Group] = field(default_factory=list)
    place: int = 0  # number of basic result axes before the index dimensions

    def axes(self) -> list[int]:
        """The axes of ``y`` the groups index, in order."""
        return [g.axis + i for g in self.groups for i in range(g.ndim_covered)]


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as numpy's indexing and assignment errors print it: ``(2,4)``, ``(3,)``."""
    return "(" + ",".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _as_index(k: Any) -> Any:
    """An array-like entry of a key as a numpy array or BlockArray (numpy's checks)."""
    if isinstance(k, BlockArray):
        arr = k
    else:
        try:
            arr = np.asarray(k)
        except ValueError:
            raise IndexError(VALID_INDICES) from None
        if arr.dtype == object:
            raise IndexError(VALID_INDICES)
        if arr.size == 0 and arr.dtype.kind == "f" and not isinstance(k, np.ndarray):
            arr = arr.astype(np.intp)  # numpy: an empty list is an empty integer index
    if arr.dtype != np.bool_ and arr.dtype.kind not in "iu":
        raise IndexError(VALID_INDICES)
    return arr


def _consumed(index: Any) -> int:
    """Axes an index array consumes: one, or a boolean mask's number of dimensions."""
    return index.ndim if index.dtype == np.bool_ else 1


def parse(shape: tuple[int, ...], key: Any) -> ParsedKey:
    """Split an advanced ``key`` into a basic key and index groups (numpy's IndexErrors for
    the key's form; the bounds of integer arrays are checked with their values)."""
    items = list(key) if isinstance(key, tuple) else [key]
    entries = []  # (kind, value): None, "slice", "int", "ellipsis", "array"
    for k in items:
        if k is None:
            entries.append(("none", None))
        elif k is Ellipsis:
            entries.append(("ellipsis", None))
        elif isinstance(k, slice):
            entries.append(("slice", k))
        elif is_int(k):
            entries.append(("int", operator.index(k)))
        elif isinstance(k, bool | np.bool_):
            entries.append(("array", np.asarray(k)))
        elif isinstance(k, BlockArray | np.ndarray | list | tuple | range):
            entries.append(("array", _as_index(k)))
        else:
            raise IndexError(VALID_INDICES)
    if sum(1 for kind, _ in entries if kind == "ellipsis") > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(1 if kind in ("slice", "int") else _consumed(v) if kind == "array" else 0
               for kind, v in entries)
    ndim = len(shape)
    if used > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but "
                         f"{used} were indexed")
    if not any(kind == "ellipsis" for kind, _ in entries):
        entries.append(("ellipsis", None))
        implicit = True
    else:
        implicit = False
    basic: list = []
    parsed = ParsedKey(basic=())
    labels = []  # per entry: "adv" or "sep" (for the placement rule)
    ax = ya = 0  # axis of the indexed array, axis of the basic result
    for kind, v in entries:
        if kind == "none":
            basic.append(None)
            labels.append(("sep", ya))
            ya += 1
        elif kind == "ellipsis":
            n = ndim - used
            basic.extend([slice(None)] * n)
            if not implicit:
                labels.append(("sep", ya))
            ax += n
            ya += n
        elif kind == "slice":
            basic.append(v)
            labels.append(("sep", ya))
            ax += 1
            ya += 1
        elif kind == "int":
            n = shape[ax]
            if not -n <= v < n:
                raise IndexError(f"index {v} is out of bounds for axis {ax} with size {n}")
            basic.append(v)
            labels.append(("adv", ya))
            ax += 1
        else:
            if v.dtype == np.bool_:
                for i, m in enumerate(v.shape):
                    if shape[ax + i] != m and math.prod(v.shape):  # numpy: empty ones fit
                        raise IndexError(
                            f"boolean index did not match indexed array along axis {ax + i}; "
                            f"size of axis is {shape[ax + i]} but size of corresponding "
                            f"boolean axis is {m}")
                parsed.groups.append(Group("mask", v, ya, ax, math.prod(shape[ax:ax + v.ndim])))
                d = v.ndim
            else:
                parsed.groups.append(Group("int", v, ya, ax, shape[ax]))
                d = 1
            basic.extend([slice(None)] * d)
            labels.append(("adv", ya))
            ax += d
            ya += d
    parsed.basic = tuple(basic)
    adv = [i for i, (lab, _) in enumerate(labels) if lab == "adv"]
    contiguous = adv and adv[-1] - adv[0] + 1 == len(adv)
    if contiguous:  # the index dimensions go where the first advanced index was
        parsed.place = labels[adv[0]][1]
    return parsed
