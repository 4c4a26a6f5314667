"""NumPy's index tricks and iteration objects: ``r_``, ``c_``, ``mgrid``, ``ogrid``, ``s_``,
``index_exp``, ``ndindex``, ``ndenumerate``, ``nditer`` and ``broadcast``.

- ``r_`` and ``c_`` of a small result whose items are held in the driver (or are slices,
  numbers, NumPy's arrays) are NumPy's own, made here. Otherwise they turn their items into
  BlockArrays (slices with nums's ``arange`` and ``linspace``, BlockArrays as views of
  themselves) and join them with nums's ``concatenate``: BlockArray items are never
  gathered. NumPy's matrix forms (a string key, the ``'r'`` and ``'c'`` directives) raise
  ``NotImplementedError``: nums has no ``numpy.matrix``, and ``nums.numpy.asmatrix``
  gathers, so the user asks for it explicitly.
- ``mgrid`` and ``ogrid`` of a small grid are NumPy's own, made here; larger ones build
  each axis's values with nums's ``arange`` (as ``nums.numpy.indices`` does), and
  ``mgrid`` broadcasts and stacks them, block by block.
- ``s_``, ``index_exp`` and ``ndindex`` only build slices and index tuples: NumPy's own.
- ``ndenumerate`` of a BlockArray fetches its values one block-row at a time
  (``block_rows`` of ``nums/numpy/_flatiter.py``), never the whole array at once.
- ``broadcast`` answers ``shape``, ``size``, ... from the operands' shapes (NumPy's object
  on stand-ins without data, so its errors are NumPy's); iterating it fetches the broadcast
  operands block-row by block-row.
- ``nditer`` is NumPy's iterator over gathered copies of BlockArray operands (on the driver,
  a ``GatherWarning``); operands it would write into raise (see
  ``refuse_writes`` in ``nums/numpy/_numpy_objects.py``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, local_limit, local_value, stands_for_scalar
from nums.core.array.dtypes import result_type
from nums.core.array.geometry import in_layout
from nums.numpy._convert import array, numpy_results
from nums.numpy._creation import arange, linspace
from nums.numpy._flatiter import block_rows
from nums.numpy._manipulation import broadcast_to, concatenate, stack, swapaxes, transpose
from nums.numpy._numpy_objects import ITERATORS, _gathered_once, refuse_writes
from nums.numpy._selection import indices

s_ = np.s_
index_exp = np.index_exp
ndindex = np.ndindex

_SCALAR_TYPES = tuple(np.ScalarType)  # what r_ keeps as a (weak) scalar


def _matrix_error(name: str) -> NotImplementedError:
    return NotImplementedError(
        f"nums.numpy.{name}: NumPy's matrix forms (a string key, the 'r' and 'c' directives) "
        "make a numpy.matrix, which nums does not have; build the array with "
        f"nums.numpy.{name}[...] and call nums.numpy.asmatrix on it (it gathers the values "
        "on the driver)")


class AxisConcatenator:
    """Joins the items of an index expression along an axis (``r_``, ``c_``).

    nums notes: the result is a BlockArray made by nums's ``concatenate`` (BlockArray items
    are joined where they are, never gathered); NumPy arrays, lists and scalars are put into
    blocks. The matrix forms (a string key, the ``'r'`` and ``'c'`` directives) raise
    ``NotImplementedError``.
    """

    __slots__ = ("axis", "matrix", "ndmin", "trans1d")

    def __init__(self, axis: int = 0, matrix: bool = False, ndmin: int = 1,
                 trans1d: int = -1) -> None:
        self.axis, self.matrix, self.ndmin, self.trans1d = axis, matrix, ndmin, trans1d

    def _name(self) -> str:
        return "c_" if isinstance(self, CClass) else "r_"

    def __getitem__(self, key: Any) -> BlockArray:
        if isinstance(key, str) or self.matrix:
            raise _matrix_error(self._name())
        if not isinstance(key, tuple):
            key = (key,)
        here = _small_items(key)
        if here is not None:  # NumPy's, on the values (its result is a new array)
            return numpy_results(getattr(np, self._name())[here])
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        objs: list[Any] = []
        kinds: list[Any] = []  # dtypes, and scalars as themselves (NEP 50's weak scalars)
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                if item in ("r", "c"):
                    raise _matrix_error(self._name())
                axis, ndmin, trans1d = _directive(item, axis, ndmin, trans1d)
                continue
            if isinstance(item, slice):
                obj = _from_slice(item, ndmin, trans1d)
            elif type(item) in _SCALAR_TYPES:
                objs.append(item)
                kinds.append(item)
                continue
            elif isinstance(item, BlockArray):
                obj = _raised(item, ndmin, trans1d)
            else:
                obj = _raised_numpy(item, ndmin, trans1d)
            objs.append(obj)
            kinds.append(obj.dtype)
        if kinds:
            dtype = result_type(*kinds)
            objs = [o.astype(dtype, copy=False) if isinstance(o, BlockArray) else
                    np.array(o, copy=None, ndmin=ndmin, dtype=dtype) for o in objs]
        return concatenate(objs, axis=axis)

    def __len__(self) -> int:
        return 0


def _small_items(key: tuple) -> tuple | None:
    """The items of an ``r_``/``c_`` key as NumPy takes them (values of arrays held in the
    driver, NumPy's scalars for 0-d results), when the result is small; None when an item
    is in blocks, is a string directive (nums's own path), or the result would be large."""
    items, count = [], 0
    for item in key:
        if isinstance(item, BlockArray):
            v = local_value(item)
            if v is None:
                return None
            item = v[()] if not v.ndim and stands_for_scalar(item) else v
            count += v.size
        elif isinstance(item, slice):
            n = _grid_length(item)
            if n is None:
                return None
            count += n
        elif isinstance(item, str):
            return None
        else:
            count += np.size(item)
        items.append(item)
    return tuple(items) if count * 16 <= local_limit() else None


def _grid_length(item: slice) -> int | None:
    """The number of values of slice ``item`` in an index trick (``arange``'s, or N of a
    complex step ``Nj``); None for what is not numbers."""
    start = 0 if item.start is None else item.start
    step = 1 if item.step is None else item.step
    try:
        if isinstance(step, complex | np.complexfloating):
            return int(abs(step))
        return max(0, math.ceil((item.stop - start) / step))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None


def _directive(item: str, axis: int, ndmin: int, trans1d: int) -> tuple[int, int, int]:
    """``(axis, ndmin, trans1d)`` after a string directive (``'1'``, ``'0,2'``, ``'0,2,1'``);
    NumPy's ValueError for any other string."""
    if "," in item:
        parts = item.split(",")
        try:
            axis, ndmin = (int(p) for p in parts[:2])
            if len(parts) == 3:
                trans1d = int(parts[2])
        except Exception as e:
            raise ValueError(f"unknown special directive {item!r}") from e
        return axis, ndmin, trans1d
    try:
        return int(item), ndmin, trans1d
    except (ValueError, TypeError) as e:
        raise ValueError("unknown special directive") from e


def _from_slice(item: slice, ndmin: int, trans1d: int) -> BlockArray:
    """``start:stop:step`` as nums's ``arange``, or ``linspace`` for a complex step (its
    magnitude is the number of points, the stop included)."""
    start = 0 if item.start is None else item.start
    step = 1 if item.step is None else item.step
    if isinstance(step, complex | np.complexfloating):
        obj = linspace(start, item.stop, num=int(abs(step)))
    else:
        obj = arange(start, item.stop, step)
    if ndmin > 1:
        obj = array(obj, copy=None, ndmin=ndmin)
        if trans1d != -1:
            obj = swapaxes(obj, -1, trans1d)
    return obj


def _raised_axes(ndim: int, ndmin: int, trans1d: int) -> list[int] | None:
    """The axes order that puts an array raised from ``ndim`` to ``ndmin`` dimensions (ones in
    front) into the place ``trans1d`` asks for; None to keep it."""
    if trans1d == -1 or ndim >= ndmin:
        return None
    k2, k1 = ndmin - ndim, trans1d
    if k1 < 0:
        k1 += k2 + 1
    axes = list(range(ndmin))
    return axes[:k1] + axes[k2:] + axes[k1:k2]


def _raised(item: BlockArray, ndmin: int, trans1d: int) -> BlockArray:
    """A BlockArray item with at least ``ndmin`` dimensions (a view)."""
    axes = _raised_axes(item.ndim, ndmin, trans1d)
    obj = array(item, copy=None, ndmin=ndmin)
    return obj if axes is None else transpose(obj, axes)


def _raised_numpy(item: Any, ndmin: int, trans1d: int) -> np.ndarray:
    """Any other item as a NumPy array of at least ``ndmin`` dimensions (put into blocks by
    ``concatenate``)."""
    axes = _raised_axes(np.ndim(item), ndmin, trans1d)
    obj = np.array(item, copy=None, subok=True, ndmin=ndmin)
    return obj if axes is None else obj.transpose(axes)


class RClass(AxisConcatenator):
    """Joins slices, arrays and scalars along the first axis (``numpy.r_``).

    nums notes: a BlockArray made by nums's ``concatenate`` (BlockArray items are never
    gathered; ``start:stop:step`` and ``start:stop:Nj`` are nums's ``arange`` and
    ``linspace``). The matrix forms (a string key, the ``'r'`` and ``'c'`` directives)
    raise ``NotImplementedError``: use ``nums.numpy.asmatrix`` on the result.
    """

    __slots__ = ()

    def __init__(self) -> None:
        AxisConcatenator.__init__(self, 0)


class CClass(AxisConcatenator):
    """Joins slices, arrays and scalars along the last axis, as columns (``numpy.c_``).

    nums notes: as ``nums.numpy.r_['-1,2,0', ...]``: a BlockArray made by nums's
    ``concatenate``; the matrix forms raise ``NotImplementedError``.
    """

    __slots__ = ()

    def __init__(self) -> None:
        AxisConcatenator.__init__(self, -1, ndmin=2, trans1d=0)


r_ = RClass()
c_ = CClass()


# ---------------------------------------------------------------------------- grids


class GridClass:
    """Dense (``mgrid``) or open (``ogrid``) mesh grids from slices.

    nums notes: each axis's values are nums's ``arange`` (a complex step ``Nj``: N points,
    the stop included); ``mgrid`` broadcasts and stacks them into a BlockArray, block by
    block, ``ogrid`` returns them as BlockArrays with one axis longer than 1.
    """

    __slots__ = ("sparse",)

    def __init__(self, sparse: bool = False) -> None:
        self.sparse = sparse

    def __getitem__(self, key: Any) -> Any:
        if _grid_fits(key):  # small: NumPy's grid (new arrays), here
            return numpy_results((np.ogrid if self.sparse else np.mgrid)[key])
        try:
            axes = _grid_axes(key)
        except (IndexError, TypeError):
            return _grid_1d(key)
        typ = axes[0] if axes else result_type(0)
        sizes = [size for size, _, _ in axes[1:]]
        if not self.sparse and any(n < 0 for n in sizes):
            raise ValueError("negative dimensions are not allowed")
        vectors = indices([max(n, 0) for n in sizes], dtype=typ, sparse=True)
        vectors = [v * step + start for v, (_, step, start) in zip(vectors, axes[1:])]
        if self.sparse:
            return tuple(vectors)
        if not vectors:
            return arange(0, dtype=typ)
        return stack([broadcast_to(v.astype(typ, copy=False), tuple(sizes)) for v in vectors])


def _grid_fits(key: Any) -> bool:
    """Whether the dense grid of slice(s) ``key`` is small enough to be made here."""
    items = key if isinstance(key, tuple) else (key,)
    if not items or not all(isinstance(k, slice) for k in items):
        return False
    lengths = [_grid_length(k) for k in items]
    return None not in lengths and math.prod(lengths) * len(items) * 16 <= local_limit()


def _grid_axes(key: Any) -> list[Any]:
    """For a sequence of slices: the grid's dtype, then ``(size, step, start)`` per axis;
    IndexError or TypeError (as NumPy's) for one slice."""
    sizes, steps, numbers = [], [], [0]
    for k in range(len(key)):
        item = key[k]
        step, start, stop = item.step, item.start, item.stop
        start = 0 if start is None else start
        step = 1 if step is None else step
        if isinstance(step, complex | np.complexfloating):
            step = abs(step)
            sizes.append(int(step))
        else:
            sizes.append(math.ceil((stop - start) / step))
        numbers += [start, stop, step]
        steps.append((item.step, start, stop))
    axes: list[Any] = [result_type(*numbers)]
    for size, (step, start, stop) in zip(sizes, steps):
        step = 1 if step is None else step
        if isinstance(step, complex | np.complexfloating):
            step = int(abs(step))
            if step != 1:
                step = (stop - start) / float(step - 1)
        axes.append((size, step, start))
    return axes


def _grid_1d(key: Any) -> BlockArray:
    """The grid of one slice: ``arange``, or N points for a complex step ``Nj``."""
    step, stop = key.step, key.stop
    start = 0 if key.start is None else key.start
    if isinstance(step, complex | np.complexfloating):
        length = int(abs(step))
        typ = result_type(start, stop, abs(step))
        step = (stop - start) / float(length - 1) if length != 1 else length
        return arange(0, length, 1, dtype=typ) * step + start
    return arange(start, stop, step)


class MGridClass(GridClass):
    """A dense mesh grid from slices (``numpy.mgrid``).

    nums notes: a BlockArray; a small one is NumPy's grid, made here, a larger one has each
    axis's values made by nums's ``arange``, broadcast and stacked block by block.
    """

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(sparse=False)


class OGridClass(GridClass):
    """An open mesh grid from slices (``numpy.ogrid``).

    nums notes: BlockArrays made by nums's ``arange``.
    """

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(sparse=True)


mgrid = MGridClass()
ogrid = OGridClass()


# ---------------------------------------------------------------------------- iteration


class ndenumerate:  # noqa: N801 - NumPy's name
    """Pairs of array coordinates and values (``numpy.ndenumerate``).

    nums notes: the values of a BlockArray are fetched one block-row at a time (the blocks
    of one grid row along the first axis), never the whole array at once; values are
    NumPy scalars, coordinates tuples of ints, as in NumPy.

    Parameters
    ----------
    arr : array_like
        Input array.
    """

    def __init__(self, arr: Any) -> None:
        if isinstance(arr, BlockArray):
            self._it = zip(np.ndindex(arr.shape), _values(arr))
        else:
            self._it = iter(np.ndenumerate(arr))

    def __iter__(self) -> ndenumerate:
        return self

    def __next__(self) -> tuple[tuple[int, ...], Any]:
        return next(self._it)


def _values(x: BlockArray) -> Iterator[Any]:
    """The elements of ``x`` in C order, as NumPy scalars, one block-row in memory."""
    for rows in block_rows(x):
        yield from rows.reshape(-1)


class broadcast:  # noqa: N801 - NumPy's name
    """The broadcast of the arguments against each other (``numpy.broadcast``).

    nums notes: ``shape``, ``ndim``, ``nd``, ``size`` and ``numiter`` come from the
    arguments' shapes (no array data is read). Iterating fetches the broadcast BlockArray
    arguments one block-row at a time. ``iters`` (NumPy's flat iterators over the operands)
    is not available for BlockArray arguments.

    Parameters
    ----------
    *args : array_likes
        Input parameters.
    """

    def __init__(self, *args: Any) -> None:
        flat: list[Any] = []
        for a in args:
            flat.extend(a._args if isinstance(a, broadcast) else [a])
        self._args = [a if isinstance(a, BlockArray) else np.asarray(a) for a in flat]
        stand_ins = [np.broadcast_to(np.empty((), np.bool_), a.shape) for a in self._args]
        self._shape = np.broadcast(*stand_ins).shape  # NumPy's errors, no data
        self.index = 0
        self._it: Iterator[tuple] | None = None

    shape = property(lambda self: self._shape, doc="Shape of broadcasted result.")
    ndim = property(lambda self: len(self._shape), doc="Number of dimensions of the result.")
    nd = ndim
    size = property(lambda self: math.prod(self._shape), doc="Total size of the result.")
    numiter = property(lambda self: len(self._args), doc="Number of iterators possessed.")

    @property
    def iters(self) -> tuple:
        """NumPy's flat iterators: only for arguments that are not BlockArrays."""
        if any(isinstance(a, BlockArray) for a in self._args):
            raise NotImplementedError(
                "nums.numpy.broadcast.iters: NumPy's flat iterators are not available for "
                "BlockArray arguments; iterate the broadcast object instead")
        return np.broadcast(*self._args).iters

    def reset(self) -> None:
        """Reset the broadcasted result's iterator(s)."""
        self.index, self._it = 0, None

    def __iter__(self) -> broadcast:
        return self

    def __next__(self) -> tuple:
        if self.index >= self.size:
            raise StopIteration
        if self._it is None:
            self._it = zip(*[_broadcast_values(a, self._shape) for a in self._args])
        value = next(self._it)
        self.index += 1
        return value


def _broadcast_values(a: Any, shape: tuple) -> Iterator[Any]:
    if isinstance(a, BlockArray):
        return _values(broadcast_to(a, shape))
    return iter(np.broadcast_to(a, shape).flat)


class _NumpyInstances(type):
    """A class whose instances are NumPy's objects: ``isinstance`` asks NumPy's class."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, cls._numpy_class)


class nditer(metaclass=_NumpyInstances):  # noqa: N801 - NumPy's name
    """NumPy's multi-dimensional iterator (``numpy.nditer``) over gathered copies.

    nums notes: the BlockArray operands are gathered on the driver (a ``GatherWarning``) and
    NumPy's ``nditer`` iterates the copies, so it can only read them: ``op_flags`` that
    write into a BlockArray operand (``readwrite``, ``writeonly``, ``allocate``,
    ``writemasked``) raise ``NotImplementedError``, since the writes would be lost. Iterate
    ``x.get()`` and assign the result back instead.
    """

    _numpy_class = np.nditer

    def __new__(cls, op: Any, flags: Any = None, op_flags: Any = None, op_dtypes: Any = None,
                order: str = "K", casting: str = "safe", op_axes: Any = None,
                itershape: Any = None, buffersize: int = 0) -> np.nditer:
        refuse_writes("nditer", op, op_flags)
        given = op
        (op,) = _gathered_once("nditer", op)
        # each copy laid out in memory as NumPy's array would be (``order="K"`` reads it so)
        if isinstance(given, BlockArray):
            op = in_layout(op, given._geometry())
        elif isinstance(given, list | tuple):
            op = type(op)(in_layout(v, g._geometry()) if isinstance(g, BlockArray) else v
                          for v, g in zip(op, given))
        return np.nditer(op, flags=flags, op_flags=op_flags, op_dtypes=op_dtypes, order=order,
                         casting=casting, op_axes=op_axes, itershape=itershape,
                         buffersize=buffersize)


AxisConcatenator._nums_status = "distributed"  # type: ignore[attr-defined]
GridClass._nums_status = "distributed"  # type: ignore[attr-defined]
ndenumerate._nums_status = "through the driver (block-row by block-row)"  # type: ignore
broadcast._nums_status = (  # type: ignore[attr-defined]
    "shapes only (no array data; iterated block-row by block-row)")
nditer._nums_status = ITERATORS  # type: ignore[attr-defined]

__all__ = ["r_", "c_", "s_", "index_exp", "mgrid", "ogrid", "ndindex", "ndenumerate",
           "nditer", "broadcast"]
