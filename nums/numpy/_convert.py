"""Conversions to BlockArrays: ``array``, ``asarray`` and ``copy`` (the namespace's base)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, local_value
from nums.core.array.geometry import memory_order
from nums.core.array.relayout import rechunk
from nums.core.array.views import reshape_view
from nums.numpy._device import check_device


def _scalar(x: Any) -> Any:
    """A 0-d BlockArray as its numpy scalar (accepted wherever numpy accepts a scalar)."""
    return x.get()[()] if isinstance(x, BlockArray) and x.ndim == 0 else x


def made_0d(x: BlockArray) -> BlockArray:
    """``x``, marked as a 0-d array made as one when it has no axes (it changes in place
    under ``+=``, as NumPy's 0-d arrays do; see ``nums.numpy._ndarray._scalar_like``)."""
    if x.ndim == 0:
        x._array0d = True
    return x


def array(
    object: Any,
    dtype: Any = None,
    *,
    copy: bool | None = True,
    order: str = "K",
    subok: bool = False,
    ndmin: int = 0,
    ndmax: int = 0,
    like: Any = None,
    block_shape: Any = None,
) -> BlockArray:
    """nums implementation of numpy.array.

    Accepts lists, scalars, numpy arrays and BlockArrays. A numpy input is split into blocks
    and put into the store (``block_shape=`` chooses the split). ``order`` (NumPy's memory
    order) does not change values: a copy's blocks are C-ordered; without a copy (``copy``
    None or False), 'C' or 'F' copy a BlockArray without that contiguity, as NumPy.
    """
    order = memory_order(order)
    check_like(like)
    if isinstance(object, BlockArray) and not copy and not in_order(object, order):
        if copy is False:
            raise ValueError("Unable to avoid copy while creating an array as requested.")
        copy = True
    object = _unmasked(object)
    if copy is False and (not isinstance(object, BlockArray) or (
            dtype is not None and np.dtype(dtype) != object.dtype)):
        # NumPy 2: a copy is needed (another dtype; data that is not a nums array yet)
        raise ValueError("Unable to avoid copy while creating an array as requested.")
    if isinstance(object, BlockArray):
        out = object.astype(dtype, copy=bool(copy)) if dtype is not None else object
        if copy and out is object:
            out = object.copy()
        if ndmin > out.ndim:
            out = reshape_view(out, (1,) * (ndmin - out.ndim) + out.shape)
        if block_shape is not None:
            out = rechunk(out, block_shape)
        return made_0d(out) if out is not object else out
    # ``ndmax`` (NumPy 2.4+) limits the axes found in nested sequences; passed on only when
    # given, so that an older NumPy runs the common call
    if type(object) in (list, tuple):
        object = _values_within(object)
    value = np.array(object, dtype=dtype, ndmin=ndmin, **({"ndmax": ndmax} if ndmax else {}))
    return made_0d(BlockArray.from_numpy(value, block_shape, copy=False))  # (a new array)


def numpy_results(res: Any, block_shape: Any = None) -> Any:
    """NumPy's new arrays ``res`` (one, or a tuple or list of them) as BlockArrays: held in
    the driver as they are when small (a view of something else is copied), else put into
    blocks as :meth:`BlockArray.from_numpy` lays them out (the session's block size
    decides, not only ``local_bytes``); anything else as it is."""
    if isinstance(res, np.ndarray):
        return BlockArray.from_numpy(res, block_shape, copy=False)
    if type(res) in (tuple, list):
        return type(res)(numpy_results(r, block_shape) for r in res)
    return res


def _values_within(seq: list | tuple) -> list | tuple:
    """``seq`` with the BlockArrays in it (at any depth of lists and tuples) replaced by
    their values: NumPy reads an element through ``__array__`` for numbers, but its
    discovery of dates fails on such an object (``array([d.min(), d.max()])``)."""
    if not any(isinstance(e, BlockArray) or type(e) in (list, tuple) for e in seq):
        return seq
    return type(seq)(_value_of(e) if isinstance(e, BlockArray) else
                     _values_within(e) if type(e) in (list, tuple) else e for e in seq)


def _value_of(x: BlockArray) -> Any:
    """The value of ``x`` for NumPy to read (a copy is made of it): its NumPy scalar when
    0-d (``np.array([y[1], -y[0]])``), else an array (its own value when held here)."""
    v = local_value(x)
    v = x.get() if v is None else v
    return v[()] if v.ndim == 0 and not v.dtype.hasobject else v


def asarray(
    a: Any,
    dtype: Any = None,
    order: Any = None,
    *,
    device: Any = None,
    copy: bool | None = None,
    like: Any = None,
    block_shape: Any = None,
) -> BlockArray:
    """nums implementation of numpy.asarray.

    A BlockArray of the requested dtype is returned as it is (``copy=True``: an independent
    copy; ``copy=False`` raises where a copy is needed, as numpy). ``order='C'`` or ``'F'``
    copy an array whose layout is not the one asked for, as NumPy copies it (the copy's
    blocks are C-ordered: its flags say so); ``block_shape=`` chooses the blocks (a new
    array).
    """
    check_device(device)
    order = memory_order(order)
    check_like(like)
    if isinstance(a, BlockArray):
        if dtype is not None and np.dtype(dtype) != a.dtype:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            a = a.astype(dtype)
        elif copy:
            a = a.copy()
        elif not in_order(a, order):
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            a = a.copy()
        return rechunk(a, block_shape) if block_shape is not None else a
    if copy is False:
        raise ValueError("Unable to avoid copy while creating an array as requested.")
    return made_0d(BlockArray.from_numpy(np.asarray(_unmasked(a), dtype=dtype), block_shape))


def _unmasked(a: Any) -> Any:
    """``a``, refused when it is a NumPy masked array with masked elements: nums arrays
    have no mask, and NumPy's functions follow it (``np.mean(m)`` skips the masked
    values), so taking the data would give another answer."""
    if isinstance(a, np.ma.MaskedArray) and np.ma.is_masked(a):
        raise TypeError("nums.numpy functions take no masked arrays (their mask would be "
                        "lost): use numpy.ma's functions on it, or its values "
                        "(m.filled(...), m.compressed(), or m.data as numpy.asarray takes)")
    return a


def check_like(like: Any) -> None:
    """NumPy's check of ``like=``: an array that implements ``__array_function__`` (or None).
    nums's functions return BlockArrays whatever it is (``like=`` asks NumPy to dispatch to
    that array's library; here that library is nums)."""
    if like is not None and not hasattr(like, "__array_function__"):
        raise TypeError("The `like` argument must be an array-like that implements the "
                        "`__array_function__` protocol.")


def in_order(x: BlockArray, order: Any) -> bool:
    """Whether ``x`` has the memory layout ``order`` asks for (NumPy copies it otherwise):
    ``'C'`` or ``'F'`` contiguity; ``'A'``, ``'K'`` or None any (NumPy's asarray keeps
    those as they are)."""
    if order == "C":
        return bool(x.flags.c_contiguous)
    if order == "F":
        return bool(x.flags.f_contiguous)
    return True


asanyarray = asarray


def ascontiguousarray(a: Any, dtype: Any = None, *, like: Any = None) -> BlockArray:
    """nums implementation of numpy.ascontiguousarray: ``asarray(a, order='C')`` with at
    least one axis (a copy of a view that is not C-contiguous, as NumPy's)."""
    x = asarray(a, dtype=dtype, order="C")
    return x[None] if x.ndim == 0 else x


def copy(a: Any, order: str = "K", subok: bool = False, *,
         block_shape: Any = None) -> BlockArray:
    """nums implementation of numpy.copy (``order``: see :func:`array`)."""
    return array(a, copy=True, order=order, block_shape=block_shape)


__all__ = ["array", "asarray", "asanyarray", "ascontiguousarray", "copy"]


def intp_values(values: Any) -> np.ndarray:
    """Indices or counts (of ``take``, ``put``, ``repeat``) as NumPy converts them: Python
    numbers and sequences element by element to intp (floats truncated, ``[]`` an empty
    index), arrays by a same-kind cast (NumPy's TypeError for an array of floats)."""
    if isinstance(values, BlockArray):
        values = values.get()
    if isinstance(values, np.ndarray | np.generic):
        return np.asarray(values).astype(np.intp, casting="same_kind")
    return np.asarray(values, dtype=np.intp)
