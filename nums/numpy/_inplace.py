"""Functions that write into an argument (``copyto``, ``put``, ``putmask``, ``place``,
``fill_diagonal``, ``put_along_axis``), the in-place ``ndarray`` methods, and the memory
questions that views raise (``shares_memory``, ``may_share_memory``).

Every write goes through :mod:`nums.core.array.writes`, so it reaches the array the user holds
and every view of it. Index arguments are fetched to the driver (numpy checks them there).
"""

from __future__ import annotations

import builtins
import gc
import math
import operator
import sys
import types
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array import resident, views, writes
from nums.core.array.blockarray import BlockArray, normalize_shape
from nums.core.array.dtypes import as_dtype_operand, dry_run
from nums.numpy._convert import asarray, intp_values
from nums.numpy._logic import where as _where
from nums.numpy._registry import lookup
from nums.numpy._ufunc_methods import check_where


def _numpy(x: Any) -> Any:
    return x.get() if isinstance(x, BlockArray) else x


def copyto(dst: Any, src: Any, casting: str = "same_kind", where: Any = True) -> None:
    """nums implementation of numpy.copyto: ``dst`` and its views see the new values."""
    if not isinstance(dst, BlockArray):
        np.copyto(dst, _numpy(src), casting=casting, where=_numpy(where))
        return
    if resident.mutate_here(np.copyto, dst, (src,), {"casting": casting, "where": where}):
        return  # a small array: NumPy's copyto on its value
    check_where(where)
    dry_run(np.copyto, np.empty((0,), dst.dtype), as_dtype_operand(  # NumPy's casting errors
        src if isinstance(src, BlockArray) or np.ndim(src) == 0 else np.asarray(src)),
        casting=casting)
    src_shape = tuple(src.shape if isinstance(src, BlockArray) else np.shape(src))
    if len(src_shape) > dst.ndim and all(n == 1 for n in src_shape[:len(src_shape) - dst.ndim]):
        # leading axes of length 1 beyond dst's are dropped, as NumPy's copyto does
        src_shape = src_shape[len(src_shape) - dst.ndim:]
        src = src.reshape(src_shape) if isinstance(src, BlockArray) else np.reshape(
            np.asarray(src), src_shape)
    try:
        full = np.broadcast_shapes(src_shape, dst.shape)
    except ValueError:
        full = None
    if full != dst.shape:
        raise ValueError(f"could not broadcast input array from shape {src_shape} "
                         f"into shape {dst.shape}")
    if where is True:
        if isinstance(src, BlockArray | np.ndarray | np.generic | float | complex) and (
                np.ndim(src) == 0):
            # a numpy scalar, 0-d array or Python float or complex is cast as an array
            # (wrapping; NumPy's ComplexWarning), as NumPy's copyto does; Python integers
            # keep the assignment's range errors (NEP 50)
            src = np.asarray(src.get() if isinstance(src, BlockArray) else src)
        dst[...] = src
        return
    writes.write_out(dst, _where(where, src, dst).astype(dst.dtype, copy=False))


def _flat_coords(a: BlockArray, flat: np.ndarray) -> tuple[np.ndarray, ...]:
    return np.unravel_index(flat, a.shape) if a.ndim else ()


def put(a: Any, ind: Any, v: Any, mode: str = "raise") -> None:
    """nums implementation of numpy.put: ``a.flat[ind] = v`` (``v`` repeated to ``len(ind)``;
    of repeated indices the last wins)."""
    if not isinstance(a, BlockArray):
        np.put(a, _numpy(ind), _numpy(v), mode=mode)
        return
    if resident.mutate_here(np.put, a, (ind, v), {"mode": mode}):
        return
    writes.check_writeable(a)
    ind = intp_values(_numpy(ind)).reshape(-1)
    values = writes.converted(_numpy(v), a.dtype).reshape(-1)
    n = a.size
    if n == 0 and ind.size and mode in ("raise", "wrap", "clip"):
        raise IndexError("cannot replace elements of an empty array")
    if values.size == 0 or ind.size == 0:
        return
    if mode == "raise":
        bad = ind[(ind >= n) | (ind < -n)]
        if bad.size:
            raise IndexError(f"index {bad[0]} is out of bounds for axis 0 with size {n}")
        ind = ind % n
    elif mode == "wrap":
        ind = ind % n
    elif mode == "clip":
        ind = np.clip(ind, 0, n - 1)
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    values = np.resize(values, ind.size)
    if a.ndim == 0:  # every index is the one element: the last value wins
        writes.assign(a, (), values[-1:].reshape(()))
        return
    writes.assign(a, _flat_coords(a, ind), values)


def putmask(a: Any, mask: Any, values: Any) -> None:
    """nums implementation of numpy.putmask: ``a.flat[n] = values[n % len(values)]`` where
    ``mask.flat[n]``; distributed when ``values`` is a scalar or has ``a``'s shape."""
    if not isinstance(a, BlockArray):
        np.putmask(a, _numpy(mask), _numpy(values))
        return
    if resident.mutate_here(np.putmask, a, (mask, values)):
        return
    writes.check_writeable(a)
    mask = asarray(mask)
    if mask.size != a.size:  # NumPy compares sizes, and reads the mask flat
        raise ValueError("putmask: mask and data must be the same size")
    if mask.shape != a.shape:
        mask = mask.reshape(a.shape)
    if not isinstance(values, BlockArray) and np.size(values) == 0:
        return  # no values: NumPy writes nothing
    _cast_safely(values, a.dtype)
    if isinstance(values, BlockArray) and values.shape == a.shape:
        pass
    elif np.size(values) != 1:
        values = np.resize(writes.converted(_numpy(values), a.dtype), a.shape)
    else:
        values = np.reshape(writes.converted(_numpy(values), a.dtype), ())
    writes.write_out(a, _where(mask.astype(bool), values, a).astype(a.dtype, copy=False))


def _cast_safely(values: Any, dtype: np.dtype) -> None:
    """NumPy's rule for the values of ``putmask`` and ``place``: arrays are cast safely."""
    if isinstance(values, np.ndarray | BlockArray) and not np.can_cast(values.dtype, dtype,
                                                                        "safe"):
        what = "array data" if values.ndim else "scalar"
        raise TypeError(f"Cannot cast {what} from {values.dtype!r} to {dtype!r} according "
                        "to the rule 'safe'")


def place(arr: Any, mask: Any, vals: Any) -> None:
    """nums implementation of numpy.place: the true positions of ``mask`` take ``vals`` in
    order, repeated as needed."""
    if not isinstance(arr, BlockArray):
        np.place(arr, _numpy(mask), _numpy(vals))
        return
    # (NumPy reads ``vals`` as it writes: values of ``arr`` itself are those written by then)
    if resident.mutate_here(np.place, arr, (mask, vals), live=True):
        return
    writes.check_writeable(arr)
    mask = np.asarray(_numpy(mask), dtype=bool)
    if mask.size != arr.size:
        raise ValueError("place: mask and data must be the same size")
    mask = mask.reshape(arr.shape)
    count = int(mask.sum())
    _cast_safely(vals, arr.dtype)
    source = vals
    vals = writes.converted(_numpy(vals), arr.dtype).reshape(-1)
    if count == 0:
        return
    if vals.size == 0:
        raise ValueError("Cannot insert from an empty array!")
    values = np.resize(vals, count)
    if (isinstance(source, BlockArray) and source.dtype == arr.dtype
            and arr.flags.c_contiguous and source.flags.c_contiguous
            and views.shares_memory(arr, source, exact=False)):
        # NumPy reads contiguous values of arr's dtype where they are, as it writes into
        # contiguous arr (others it copies first: what they held before the call)
        values = _read_as_written(arr, mask, source, values)
    writes.assign(arr, mask, values)


def _read_as_written(arr: BlockArray, mask: np.ndarray, source: BlockArray,
                     values: np.ndarray) -> np.ndarray:
    """The values NumPy's ``place`` writes when it reads ``source`` (whose values before any
    write, repeated, are ``values``) where it lies, in ``arr``'s memory: NumPy writes the
    true positions of ``mask`` in order, reading the next value of ``source`` each time, so
    a value read from a position written before is the value written there."""
    written, read = views.root_offsets(arr), views.root_offsets(source)
    if written is None or read is None:
        raise NotImplementedError(
            "np.place with values that share memory with the array written, through a view "
            "nums cannot locate in its root: pass a copy of the values")
    written = written[mask]  # the position each step writes, in order
    count = written.size
    step = np.arange(count)
    reads = read.reshape(-1)[step % read.size]  # the position each step reads
    order = np.argsort(written, kind="stable")
    ordered = written[order]
    if count > 1 and not np.all(ordered[1:] != ordered[:-1]):
        raise NotImplementedError(
            "np.place into an array whose elements share memory, with values that share "
            "memory with it: pass a copy of the values")
    at = np.minimum(np.searchsorted(ordered, reads), count - 1)
    # the step that wrote the position a step reads, if it came before; else -1 (the value
    # from before the call)
    before = np.where((ordered[at] == reads) & (order[at] < step), order[at], -1)
    source_step = np.where(before < 0, step, before)
    while True:  # follow each chain of reads of written values back to its first read
        earlier = before[source_step]
        if not (earlier >= 0).any():
            return values[source_step]
        source_step = np.where(earlier >= 0, earlier, source_step)


def fill_diagonal(a: Any, val: Any, wrap: bool = False) -> None:
    """nums implementation of numpy.fill_diagonal (``val`` repeated along the diagonal)."""
    if not isinstance(a, BlockArray):
        np.fill_diagonal(a, _numpy(val), wrap=wrap)
        return
    if resident.mutate_here(np.fill_diagonal, a, (val,), {"wrap": wrap}):
        return
    if a.ndim < 2:
        raise ValueError("array must be at least 2-d")
    end = None
    if a.ndim == 2:
        step = a.shape[1] + 1
        if not wrap:
            end = a.shape[1] * a.shape[1]
    else:
        if any(n != a.shape[0] for n in a.shape):
            raise ValueError("All dimensions of input must be of equal length")
        step = 1 + int(np.cumprod(a.shape[:-1]).sum())
    writes.check_writeable(a)
    flat = np.arange(0, a.size if end is None else min(end, a.size), step, dtype=np.intp)
    values = writes.converted(_numpy(val), a.dtype)
    if values.ndim:
        if values.size == 0:
            return
        values = np.resize(values.reshape(-1), flat.size)
    writes.assign(a, _flat_coords(a, flat), values)


def put_along_axis(arr: Any, indices: Any, values: Any, axis: int | None) -> None:
    """nums implementation of numpy.put_along_axis."""
    if not isinstance(arr, BlockArray):
        np.put_along_axis(arr, _numpy(indices), _numpy(values), axis)
        return
    if resident.mutate_here(np.put_along_axis, arr, (indices, values, axis)):
        return
    writes.check_writeable(arr)
    indices = np.asarray(_numpy(indices))
    if indices.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        flat = np.where(indices < 0, indices + arr.size, indices)
        writes.assign(arr, _flat_coords(arr, flat), values)
        return
    axis = normalize_axis_index(axis, arr.ndim)
    if indices.ndim != arr.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    key = []
    for d, n in enumerate(arr.shape):
        if d == axis:
            key.append(indices)
        else:
            shape = [1] * arr.ndim
            shape[d] = n
            key.append(np.arange(n).reshape(shape))
    writes.assign(arr, tuple(key), values)


def shares_memory(a: Any, b: Any, max_work: Any = None) -> bool:
    """nums implementation of numpy.shares_memory: views of one array are compared by numpy
    on their layouts; separate BlockArrays (and a BlockArray and a numpy array) never share."""
    if not isinstance(a, BlockArray) and not isinstance(b, BlockArray):
        return np.shares_memory(a, b, max_work=max_work)
    return views.shares_memory(a, b, exact=True, max_work=max_work)


def may_share_memory(a: Any, b: Any, max_work: Any = None) -> bool:
    """nums implementation of numpy.may_share_memory (see :func:`shares_memory`)."""
    if not isinstance(a, BlockArray) and not isinstance(b, BlockArray):
        return np.may_share_memory(a, b, max_work=max_work)
    return views.shares_memory(a, b, exact=False, max_work=max_work)


# ---------------------------------------------------------------------------- methods


def fill_method(self: BlockArray, value: Any) -> None:
    """``ndarray.fill``: every element takes ``value`` (in place)."""
    writes.assign(self, Ellipsis, value)


def put_method(self: BlockArray, indices: Any, values: Any, mode: str = "raise") -> None:
    """``ndarray.put``: see :func:`put`."""
    put(self, indices, values, mode)


def sort_method(self: BlockArray, axis: int = -1, kind: Any = None, order: Any = None,
                **kwargs: Any) -> None:
    """``ndarray.sort``: sorts in place (the values of ``numpy.sort``)."""
    axis = operator.index(axis)  # the method, unlike ``numpy.sort``, takes no axis=None
    writes.check_writeable(self)
    sort = lookup("sort")  # distributed once declared, else the fallback
    writes.write_out(self, sort(self, axis=axis, kind=kind, order=order, **kwargs))


def partition_method(self: BlockArray, kth: Any, axis: int = -1, kind: str = "introselect",
                     order: Any = None) -> None:
    """``ndarray.partition``: partitions in place (the values of ``numpy.partition``)."""
    axis = operator.index(axis)  # as ``ndarray.sort``: no axis=None
    writes.check_writeable(self)
    partition = lookup("partition")
    writes.write_out(self, partition(self, kth, axis=axis, kind=kind, order=order))


def view_method(self: BlockArray, dtype: Any = None, type: Any = None) -> BlockArray:
    """``ndarray.view``: a new view of the same values, with its bytes read as ``dtype``
    when given (a dtype of the same itemsize; others raise NotImplementedError). ``type``
    may only be ``numpy.ndarray`` (or BlockArray): nums has no ndarray subclasses."""
    if isinstance(dtype, builtins.type) and issubclass(dtype, np.ndarray | BlockArray):
        dtype, type = None, dtype  # ``x.view(np.ndarray)``: NumPy takes the type
    if type is not None and type not in (np.ndarray, BlockArray):
        raise NotImplementedError("nums supports ndarray.view(type=) for numpy.ndarray only "
                                  "(no ndarray subclasses)")
    if dtype is None:
        return self[...]
    return views.dtype_view(self, dtype)


def resize_method(self: BlockArray, *new_shape: Any, refcheck: bool = True) -> None:
    """``ndarray.resize``: changes the array in place to ``new_shape``, its elements in C order
    kept, cut or followed by zeros. NumPy's errors: a view cannot change its size, and with
    ``refcheck`` neither can an array that anything else refers to. Differs from NumPy: a
    view, or an array that views refer to (``refcheck=False``, or the same size), raises
    ``NotImplementedError``, as views of a nums array are defined on its shape."""
    # NumPy's refcheck: references to ``self`` beyond the caller's name, this frame's and
    # getrefcount's argument, and the bound method of a call like ``x.resize(*shape)``
    referrers = ()
    others = sys.getrefcount(self) - 3  # (a temporary has one less)
    if others > 0:
        referrers = gc.get_referrers(self)
        others -= sum(isinstance(r, types.MethodType) and r.__func__ is resize_method
                      for r in referrers)
    if not new_shape or (len(new_shape) == 1 and new_shape[0] is None):
        return  # ``a.resize()``: nothing changes, as in NumPy
    if len(new_shape) == 1:
        new_shape = new_shape[0]  # (``a.resize(())`` makes a 0-d array)
    shape = normalize_shape(new_shape)
    if any(n < 0 for n in shape):
        raise ValueError("negative dimensions not allowed")
    flags = self._geometry().flags
    if not (flags.c_contiguous or flags.f_contiguous):
        raise ValueError("resize only works on single-segment arrays")
    size = math.prod(shape)
    if size != self.size and self._link is not None:
        raise ValueError("cannot resize this array: it does not own its data")
    if size != self.size and others > 0 and refcheck:
        raise ValueError("cannot resize an array that references or is referenced\nby another "
                         "object in this way.\nUse the np.resize function to get a new resized "
                         "copy or\n set refcheck=False to disable this check")
    if self._link is not None or any(isinstance(r, views.ViewLink) for r in referrers):
        raise NotImplementedError("nums cannot resize a view, or an array that views refer "
                                  "to, in place (views are defined on their base's shape); "
                                  "use `x = np.resize(x, shape)` (repeats the elements) or "
                                  "`x = x.reshape(shape)`")
    flat = lookup("ravel")(self)
    if size <= self.size:
        flat = flat[:size]
    else:
        flat = lookup("concatenate")([flat, lookup("zeros")(size - self.size, self.dtype)])
    new = lookup("reshape")(flat, shape).copy()
    new.blocks  # noqa: B018 (computed from the current blocks before ``self`` takes them)
    writes.resize_root(self, new)


def set_shape(self: BlockArray, value: Any) -> None:
    """``x.shape = shape``: NumPy's reshape in place (its errors: another size, a layout that
    needs a copy). Differs from NumPy: a view, or an array with live views, raises
    ``NotImplementedError`` (views are defined on their base's shape)."""
    stand = self._geometry().view()
    stand.shape = value  # NumPy's ValueError or AttributeError, on a stand-in of the layout
    shape = stand.shape
    if shape == self.shape:
        return
    held = self.__dict__.get("_views") or []
    if self._link is not None or any(ref() is not None for ref in list(held)):
        raise NotImplementedError("nums cannot set the shape of a view, or of an array that "
                                  "views refer to (views are defined on their base's shape); "
                                  "use `x = x.reshape(shape)`")
    new = lookup("reshape")(self, shape).copy()
    writes.resize_root(self, new)


METHODS = {"fill": fill_method, "put": put_method, "sort": sort_method,
           "partition": partition_method, "view": view_method, "resize": resize_method}

__all__ = ["copyto", "put", "putmask", "place", "fill_diagonal", "put_along_axis",
           "shares_memory", "may_share_memory"]
