"""NumPy's own view geometry for BlockArrays, through *stand-ins*.

A stand-in is a numpy array with an array's shape, dtype and strides whose data pointer aims
at a one-element buffer: a root array's stand-in is C-contiguous, a view's is derived from
its parent's by the same numpy operation (``g[key]``, ``g.transpose(axes)``, ...). Its data is
never read or written; numpy only computes pointers and strides. So the questions that depend
on memory layout are answered by numpy itself: whether a reshape can be a view, contiguity
flags, read-only results (``np.diagonal``, ``np.broadcast_to``), and ``shares_memory``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided


def memory_order(order: Any, allowed: str = "CFAK") -> str | None:
    """NumPy's check of an ``order=`` argument: its letter in upper case (NumPy accepts
    either case), or None for None; NumPy's TypeError for a non-string, its ValueError for
    another letter or, with ``allowed="CF"`` (the creation functions), 'A' or 'K'. In nums
    the order is a memory layout, which changes no values."""
    if order is None:
        return None
    if not isinstance(order, str):
        raise TypeError(f"order must be str, not {type(order).__name__}")
    letter = order.upper()
    if letter not in ("C", "F", "A", "K"):
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if letter not in allowed:
        raise ValueError("only 'C' or 'F' order is permitted")
    return letter


def c_strides(shape: Sequence[int], itemsize: int) -> tuple[int, ...]:
    """Strides in bytes of a C-contiguous array of ``shape``."""
    strides, step = [], itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= max(int(n), 1)
    return tuple(reversed(strides))


def extent(shape: Sequence[int], strides: Sequence[int], itemsize: int) -> tuple[int, int]:
    """The bytes an array of ``shape`` and ``strides`` spans, from its first element: the
    offsets of its lowest byte (0 or below, for negative strides) and one past its
    highest."""
    low = sum((n - 1) * s for n, s in zip(shape, strides) if s < 0)
    high = sum((n - 1) * s for n, s in zip(shape, strides) if s > 0) + itemsize
    return low, high


def in_layout(values: np.ndarray, g: np.ndarray, spread: int = 4) -> np.ndarray:
    """A copy of ``values`` (C order) laid out in memory as stand-in ``g`` says NumPy's array
    is (``x.T``, ``x[::-1]``: what iteration in memory order, ``nditer``'s ``order="K"``,
    reads). Views spanning more than ``spread`` times their bytes keep the order and signs
    of their strides without the gaps."""
    if g.flags.c_contiguous or not values.size or values.shape != g.shape:
        return values
    item = g.itemsize
    strides = g.strides
    low, high = extent(g.shape, strides, item)
    if high - low > spread * values.nbytes or any(s % item for s in strides):
        compact, step = [0] * g.ndim, item  # (the same order of axes, and directions)
        for axis in sorted(range(g.ndim), key=lambda a: (abs(strides[a]), -a)):
            compact[axis] = -step if strides[axis] < 0 else step
            step *= max(g.shape[axis], 1)
        strides = tuple(compact)
        low, high = extent(g.shape, strides, item)
    buffer = np.empty(-(-(high - low) // item), values.dtype)
    out = np.ndarray(g.shape, values.dtype, buffer=buffer, offset=-low, strides=strides)
    out[...] = values
    return out


def root_stand_in(shape: Sequence[int], dtype: Any) -> np.ndarray:
    """The stand-in of an array that owns its data: C-contiguous, writeable."""
    dtype = np.dtype(dtype)
    buffer = np.zeros(1, dtype=dtype)
    return as_strided(buffer, tuple(shape), c_strides(shape, dtype.itemsize), writeable=True)


def reshaped(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """``g`` reshaped without a copy, or None where numpy would have to copy."""
    try:
        return np.reshape(g, shape, copy=False)
    except ValueError:
        return None
    except TypeError:  # numpy < 2.1 has no copy=: setting .shape never copies
        v = g.view()
        try:
            v.shape = shape
        except AttributeError:
            return None
        return v


def offset_of(g: np.ndarray, root: np.ndarray) -> int:
    """Byte offset of ``g``'s first element from ``root``'s."""
    return g.__array_interface__["data"][0] - root.__array_interface__["data"][0]


def strided(g: np.ndarray, offset: int, shape: Sequence[int], strides: Sequence[int],
            writeable: bool) -> np.ndarray:
    """The stand-in of ``as_strided`` over the C-order values of ``g`` (element units), or a
    fresh one when ``g`` is not C-contiguous (its layout relative to the root is then not a
    strided one; only ``shares_memory`` answers are affected)."""
    item = g.dtype.itemsize
    if g.flags.c_contiguous and g.size:
        flat = np.reshape(g, (-1,))
        start = flat[offset:] if offset < flat.size else flat[flat.size - 1:]
        out = as_strided(start, tuple(shape), tuple(s * item for s in strides), writeable=True)
    else:
        out = root_stand_in(shape, g.dtype)
    if not writeable:
        out.flags.writeable = False
    return out


class Flags:
    """``ndarray.flags`` of a BlockArray: contiguity as numpy would have it, ``writeable``
    (settable as in numpy), ``owndata`` (False for views)."""

    def __init__(self, array: Any):
        self._array = array

    @property
    def _g(self) -> np.ndarray:
        return self._array._geometry()

    @property
    def writeable(self) -> bool:
        return bool(self._g.flags.writeable)

    @writeable.setter
    def writeable(self, value: bool) -> None:
        link = self._array._link
        if value and link is not None and getattr(link.op, "readonly", False):
            raise ValueError("cannot set WRITEABLE flag to True of this array")
        if value and self._g.flags.writeable:
            return  # already (NumPy's stand-ins may refuse the flag they have)
        if value and link is None and not self._g.flags.writeable:
            # an array that owns its data may be made writeable again, as in NumPy (its
            # stand-in, a view of a small buffer, could not)
            self._array._stand_in = root_stand_in(self._g.shape, self._g.dtype)
            return
        self._g.flags.writeable = bool(value)  # numpy's own rules (and errors)

    @property
    def owndata(self) -> bool:
        return self._array._link is None

    @property
    def c_contiguous(self) -> bool:
        return bool(self._g.flags.c_contiguous)

    @property
    def f_contiguous(self) -> bool:
        return bool(self._g.flags.f_contiguous)

    @property
    def contiguous(self) -> bool:
        return self.c_contiguous

    @property
    def aligned(self) -> bool:
        return True

    @property
    def writebackifcopy(self) -> bool:
        return False

    _NAMES = {"C": "c_contiguous", "C_CONTIGUOUS": "c_contiguous", "CONTIGUOUS": "c_contiguous",
              "F": "f_contiguous", "F_CONTIGUOUS": "f_contiguous", "FORTRAN": "f_contiguous",
              "W": "writeable", "WRITEABLE": "writeable", "O": "owndata", "OWNDATA": "owndata",
              "A": "aligned", "ALIGNED": "aligned", "X": "writebackifcopy",
              "WRITEBACKIFCOPY": "writebackifcopy"}

    def __getitem__(self, name: str) -> bool:
        return getattr(self, self._NAMES[name.upper()])

    def __setitem__(self, name: str, value: bool) -> None:
        setattr(self, self._NAMES[name.upper()], value)

    def __repr__(self) -> str:
        names = ["C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED",
                 "WRITEBACKIFCOPY"]
        return "\n".join(f"  {n} : {self[n]}" for n in names)
