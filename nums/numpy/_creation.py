"""Array creation: from data, filled, ranges, and matrix constructors.

Every function takes ``block_shape=`` (a tuple, ``-1`` meaning a whole axis); without it the
session's default block shape is used (see :func:`nums.init`'s ``block_bytes``).
"""

from __future__ import annotations

import contextlib
import math
import operator
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.advanced_keys import shape_text
from nums.core.array.blockarray import (
    BlockArray,
    block_limit,
    fits_local,
    local_limit,
    local_value,
    make_grid,
    normalize_shape,
    resident,
    subarray_axes,
    submit,
)
from nums.core.array.geometry import memory_order
from nums.core.array.regions import region
from nums.core.array.relayout import rechunk
from nums.numpy._convert import _scalar, asarray, check_like, made_0d, numpy_results
from nums.numpy._datetime_arange import date_range, wants_dates
from nums.numpy._device import check_device
from nums.numpy._elementwise import power
from nums.numpy._manipulation import broadcast_to, diagonal, reshape


def _dtype_or_default(dtype: Any, default: Any = np.float64) -> np.dtype:
    if dtype is None:
        return np.dtype(default)
    return np.dtype(dtype)


_FLOAT64 = np.dtype(np.float64)


def _small_filled(shape: Any, dtype: Any, one: bool) -> BlockArray | None:
    """``zeros(shape, dtype)`` (``ones`` when ``one``) at once when the call is the plain one
    (a shape of ints, a dtype of numbers, no other argument) and its result is
    driver-resident: NumPy's array held in the driver, without the general path's checks
    (about 2 microseconds of ``np.zeros(n)``'s 3.5); None otherwise."""
    t = type(shape)
    if t is int:
        n = shape
    elif t is tuple and all(type(k) is int for k in shape):
        n = math.prod(shape)
    else:
        return None
    dt = _FLOAT64 if dtype is float or dtype is None else np.dtype(dtype)
    if n < 0 or dt.kind not in "biufc" or n * dt.itemsize > min(local_limit(), block_limit()):
        return None
    return made_0d(resident(np.ones(shape, dt) if one else np.zeros(shape, dt)))


def full(shape: Any, fill_value: Any, dtype: Any = None, order: str = "C", *,
         device: Any = None, like: Any = None, block_shape: Any = None) -> BlockArray:
    """nums implementation of numpy.full (``order``: see :func:`zeros`)."""
    _created(device, order, like)
    fill_value = _scalar(fill_value)
    if dtype is not None:  # (a subarray dtype's axes, filled by broadcasting)
        shape, dtype = subarray_axes(shape, dtype)
    if isinstance(fill_value, BlockArray) or np.ndim(fill_value) != 0:
        # NumPy converts the value as an array of its own, then casts it unsafely (a tuple
        # into records is values, not a record; 300 into uint8 wraps)
        value = asarray(fill_value)
        if dtype is not None:
            value = value.astype(dtype)
        filled = broadcast_to(value, normalize_shape(shape)).rechunk(
            make_grid(shape, dtype or np.asarray(fill_value).dtype, block_shape).block_shape
        )
        return filled.copy()  # a new array of its own, writable (not the read-only broadcast)
    if dtype is None:
        dtype = np.array(fill_value).dtype
    if np.dtype(dtype).kind != "O":  # NumPy's unsafe cast of the value (its errors, warnings;
        # none for an empty array, where NumPy casts nothing)
        empty = 0 in normalize_shape(shape)
        with np.errstate(all="ignore") if empty else contextlib.nullcontext():
            fill_value = np.full((), fill_value, dtype)[()]
    return made_0d(BlockArray.full(shape, fill_value, dtype, block_shape))


def zeros(shape: Any, dtype: Any = float, order: str = "C", *, device: Any = None,
          like: Any = None, block_shape: Any = None) -> BlockArray:
    """nums implementation of numpy.zeros. ``order`` ('C' or 'F', NumPy's memory order) is
    checked and changes no values (blocks are C-ordered); ``like`` is checked as NumPy
    does, and the result is a BlockArray whatever it is."""
    if order == "C" and device is None and like is None and block_shape is None:
        small = _small_filled(shape, dtype, False)
        if small is not None:
            return small
    _created(device, order, like)
    dtype = _dtype_or_default(dtype)
    return made_0d(BlockArray.full(shape, zero_of(dtype), dtype, block_shape))


def zero_of(dtype: np.dtype) -> Any:
    """The value of zero bytes in ``dtype``, as NumPy's zeros hold: '' for text (not '0'),
    StringDType's "" too, 0 otherwise."""
    return np.zeros((), dtype)[()] if dtype.kind in "USVT" else 0


def ones(shape: Any, dtype: Any = None, order: str = "C", *, device: Any = None,
         like: Any = None, block_shape: Any = None) -> BlockArray:
    """nums implementation of numpy.ones (``order``, ``like``: see :func:`zeros`)."""
    if order == "C" and device is None and like is None and block_shape is None:
        small = _small_filled(shape, dtype, True)
        if small is not None:
            return small
    _created(device, order, like)
    return made_0d(BlockArray.full(shape, 1, _dtype_or_default(dtype), block_shape))


def empty(shape: Any, dtype: Any = float, order: str = "C", *, device: Any = None,
          like: Any = None, block_shape: Any = None) -> BlockArray:
    """nums implementation of numpy.empty (``order``, ``like``: see :func:`zeros`). Differs:
    the blocks hold zeros."""
    _created(device, order, like)
    return zeros(shape, dtype, block_shape=block_shape)


def _created(device: Any, order: Any, like: Any, orders: str = "CF") -> None:
    """The checks of a creation function's ``device=``, ``order=`` and ``like=``."""
    check_device(device)
    memory_order(order, orders)
    check_like(like)


def _like(a: Any, dtype: Any, shape: Any, block_shape: Any) -> tuple:
    if shape is None:
        shape = np.shape(a) if not isinstance(a, BlockArray) else a.shape
        if block_shape is None and isinstance(a, BlockArray):
            block_shape = a.block_shape
    if dtype is None:
        dtype = a.dtype if isinstance(a, BlockArray) else np.asarray(a).dtype
    return normalize_shape(shape), np.dtype(dtype), block_shape


def zeros_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True,
               shape: Any = None, *, device: Any = None, block_shape: Any = None):
    """nums implementation of numpy.zeros_like (keeps ``a``'s block shape; ``order`` is
    checked and changes no values; there are no subclasses for ``subok`` to keep)."""
    _created(device, order, None, "CFAK")
    s, d, b = _like(a, dtype, shape, block_shape)
    return zeros(s, d, block_shape=b)


def ones_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True,
              shape: Any = None, *, device: Any = None, block_shape: Any = None):
    """nums implementation of numpy.ones_like (keeps ``a``'s block shape; ``order``,
    ``subok``: see :func:`zeros_like`)."""
    _created(device, order, None, "CFAK")
    s, d, b = _like(a, dtype, shape, block_shape)
    return ones(s, d, block_shape=b)


def empty_like(a: Any, /, dtype: Any = None, order: str = "K", subok: bool = True,
               shape: Any = None, *, device: Any = None, block_shape: Any = None):
    """nums implementation of numpy.empty_like (the blocks hold zeros; ``order``,
    ``subok``: see :func:`zeros_like`)."""
    _created(device, order, None, "CFAK")
    s, d, b = _like(a, dtype, shape, block_shape)
    return zeros(s, d, block_shape=b)


def full_like(
    a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True,
    shape: Any = None, *, device: Any = None, block_shape: Any = None
):
    """nums implementation of numpy.full_like (keeps ``a``'s block shape; ``order``,
    ``subok``: see :func:`zeros_like`)."""
    _created(device, order, None, "CFAK")
    s, d, b = _like(a, dtype, shape, block_shape)
    return full(s, fill_value, d, block_shape=b)


def arange(
    start: Any = None, stop: Any = None, step: Any = None, dtype: Any = None, *,
    device: Any = None, like: Any = None, block_shape: Any = None
) -> BlockArray:
    """nums implementation of numpy.arange. Dates and durations (datetime64/timedelta64
    dtypes, or arguments) follow NumPy's rules for their unit, length and errors
    (``like``: see :func:`zeros`)."""
    if (type(start) is int and type(stop) in _INT_OR_NONE and type(step) in _INT_OR_NONE
            and dtype is None and device is None and like is None and block_shape is None):
        small = _small_int_range(start, stop, step)  # (a script's ``arange(n)``, at once)
        if small is not None:
            return small
    _created(device, None, like)
    if start is None:
        if stop is None:
            raise TypeError("arange() requires stop to be specified.")
        start = 0  # arange(stop=4)
    start, stop, step = _scalar(start), _scalar(stop), _scalar(step)
    if wants_dates(start, stop, step, dtype):
        res_dtype, start, step, n = date_range(start, stop, step, dtype)
        return _progression(start, step, n, res_dtype, block_shape)
    for x in (start, stop, step):
        if isinstance(x, str | bytes):
            raise TypeError("arange() not supported for inputs with DType "
                            f"{type(np.asarray(x).dtype)}.")
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if step == 0:
        raise ZeroDivisionError("division by zero")
    if dtype is None:  # NumPy's: the arguments' dtypes as arrays, and at least int64 (a
        # uint64 among them, or a Python int beyond int64, makes it float64)
        res_dtype = np.result_type(np.int64, *[np.asarray(v).dtype
                                               for v in (start, stop, step)])
    else:
        res_dtype = np.dtype(dtype)
    n = _range_length(start, stop, step)
    if n * res_dtype.itemsize > np.iinfo(np.intp).max:
        raise ValueError("array is too big; `arr.size * arr.dtype.itemsize` is larger than the "
                         "maximum possible size.")
    if res_dtype.kind == "b" and n > 2:
        raise TypeError("arange() is only supported for booleans when the result has at most "
                        "length 2.")
    if res_dtype.kind in "iu":  # NumPy casts the first two elements as Python integers
        info = np.iinfo(res_dtype)
        for v in (start, start + step)[:min(n, 2)]:
            if not info.min <= int(v) <= info.max:
                raise OverflowError(f"Python integer {int(v)} out of bounds for {res_dtype}")
    grid = make_grid((n,), res_dtype, block_shape)
    if grid.num_blocks == 1 and fits_local(grid.shape, res_dtype):
        return resident(np.arange(start, stop, step, dtype=res_dtype))  # NumPy's own
    return _progression(start, step, n, res_dtype, block_shape)


_INT_OR_NONE = (int, type(None))
_INT64_SAFE = 2**62


def _small_int_range(start: int, stop: int | None, step: int | None) -> BlockArray | None:
    """``arange`` of Python ints as NumPy's int64 ``arange`` in the driver when the result
    is one driver-resident block; None: the general path (its checks and errors)."""
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if not step or not (-_INT64_SAFE < start < _INT64_SAFE and -_INT64_SAFE < stop < _INT64_SAFE
                        and -_INT64_SAFE < step < _INT64_SAFE):
        return None
    n = len(range(start, stop, step))
    if 8 * n > min(local_limit(), block_limit()):
        return None
    return resident(np.arange(start, stop, step))


def _progression(start: Any, step: Any, n: int, res_dtype: np.dtype,
                 block_shape: Any) -> BlockArray:
    """``start + i * step`` for ``i`` in ``range(n)`` as ``res_dtype``, block by block
    (datetime64/timedelta64: ``start`` and ``step`` are integers of the dtype's unit)."""
    grid = make_grid((n,), res_dtype, block_shape)
    return BlockArray.build(
        grid,
        lambda idx, node: submit(
            kernels.arange,
            start,
            step,
            grid.axis_start(0, idx[0]),
            grid.block_shape_at(idx)[0],
            grid.dtype,
            node=node,
        ),
    )


def linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
    *,
    device: Any = None, block_shape: Any = None,
) -> Any:
    """nums implementation of numpy.linspace: scalar ``start`` and ``stop`` block by block;
    array ones (points along ``axis`` for each pair) by NumPy's linspace in the driver, then
    put into blocks."""
    check_device(device)
    start, stop, num = _scalar(start), _scalar(stop), _scalar(num)
    if np.ndim(start) or np.ndim(stop):
        return _in_driver(np.linspace, (start, stop, num, endpoint, retstep, dtype, axis),
                          block_shape)
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    if axis not in (0, -1):
        np.linspace(start, stop, 0, axis=axis)  # (NumPy's AxisError for a 1-d result)
    start, stop, dt = _linspace_operands(start, stop)
    res_dtype = dt if dtype is None else np.dtype(dtype)
    if dt.kind == "c" and res_dtype.kind in "iu":
        np.floor(np.zeros(0, dt))  # NumPy's TypeError (it floors the points), at the call
    div = (num - 1) if endpoint else num
    # NumPy's arithmetic, in its precision: the difference and step as numpy scalars of the
    # inexact type of the endpoints (NumPy integers subtract without wrapping around)
    delta = np.subtract(stop, start, dtype=dt)
    step = delta / div if div > 0 else np.nan
    grid = make_grid((num,), res_dtype, block_shape)
    out = BlockArray.build(
        grid,
        lambda idx, node: submit(
            kernels.linspace,
            start,
            delta,
            div,
            grid.axis_start(0, idx[0]),
            grid.block_shape_at(idx)[0],
            num - 1 if endpoint else -1,
            stop,
            dt,
            grid.dtype,
            node=node,
        ),
    )
    return (out, step) if retstep else out


def logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: float = 10.0,
    dtype: Any = None,
    axis: int = 0,
    *,
    block_shape: Any = None,
) -> BlockArray:
    """nums implementation of numpy.logspace (array arguments: see :func:`linspace`)."""
    start, stop, base = _scalar(start), _scalar(stop), _scalar(base)
    if np.ndim(start) or np.ndim(stop) or np.ndim(base):
        return _in_driver(np.logspace, (start, stop, num, endpoint, base, dtype, axis),
                          block_shape)
    y = linspace(start, stop, num, endpoint, block_shape=block_shape)
    out = power(base, y)
    if dtype is not None:
        out = out.astype(dtype)
    return out


def _linspace_operands(start: Any, stop: Any) -> tuple[Any, Any, np.dtype]:
    """Scalar endpoints as NumPy's linspace takes them, and the inexact dtype it computes
    in: Python numbers stay Python numbers (weak: ``linspace(np.float32(0), 1.5)`` is
    float32) unless both are, then both become arrays; NumPy's scalars become 0-d arrays."""
    python = (int, float, complex)
    if type(start) in python and type(stop) in python:
        start, stop = np.asarray(start), np.asarray(stop)
    else:
        start = start if type(start) in python else np.asarray(start)
        stop = stop if type(stop) in python else np.asarray(stop)
    return start, stop, np.result_type(start, stop, 0.0)


def _in_driver(fn: Any, args: tuple, block_shape: Any) -> Any:
    """``fn(*args)`` of NumPy on the values of array arguments, its arrays as BlockArrays
    (a ``retstep`` pair stays a pair)."""
    values = [a.get() if isinstance(a, BlockArray) else a for a in args]
    return numpy_results(fn(*values), block_shape)


def _diagonal_pattern(kernel: Any, N: int, M: int | None, k: int, dtype: Any,
                      block_shape: Any) -> BlockArray:
    """An (N, M) array whose blocks ``kernel`` draws from their offsets and the diagonal k."""
    M = N if M is None else M
    grid = make_grid((N, M), dtype, block_shape)
    return BlockArray.build(
        grid,
        lambda idx, node: submit(
            kernel, grid.block_shape_at(idx), *grid.block_starts(idx), k, grid.dtype, node=node
        ),
    )


def eye(
    N: int, M: int | None = None, k: int = 0, dtype: Any = float, order: str = "C", *,
    device: Any = None, like: Any = None, block_shape: Any = None
) -> BlockArray:
    """nums implementation of numpy.eye (``order``, ``like``: see :func:`zeros`)."""
    _created(device, order, like)
    k = operator.index(k)  # NumPy's TypeError for a float
    return _diagonal_pattern(kernels.eye, N, M, k, dtype, block_shape)


def identity(n: int, dtype: Any = None, *, like: Any = None,
             block_shape: Any = None) -> BlockArray:
    """nums implementation of numpy.identity (``like``: see :func:`zeros`)."""
    check_like(like)
    return eye(n, dtype=_dtype_or_default(dtype), block_shape=block_shape)


def _range_length(start: Any, stop: Any, step: Any = 1) -> int:
    """How many values ``arange(start, stop, step)`` has, counted as NumPy counts them: the
    ceiling of ``(stop - start) / step`` (Python arithmetic on the numbers given), and no
    fewer than 0; NumPy's ValueErrors for a NaN or endless range. A complex range has as
    many values as the smaller ceiling of the real and imaginary parts, as NumPy's."""
    ratio = (stop - start) / step
    parts = (ratio.real, ratio.imag) if isinstance(ratio, complex | np.complexfloating) else (
        ratio,)
    lengths = []
    for part in parts:
        length = float(part)
        if math.isnan(length):
            raise ValueError("arange: cannot compute length")
        if math.isinf(length):
            raise ValueError("Maximum allowed size exceeded")
        lengths.append(math.ceil(length))
    return max(min(lengths), 0)


def tri_layout(N: Any, M: Any, k: Any) -> tuple[int, int, int]:
    """The shape of ``tri(N, M, k)`` and the integer diagonal ``d`` it keeps (the entries
    with ``column - row <= d``), as NumPy's ``tri`` makes them for any real ``N``, ``M``,
    ``k``.

    NumPy compares the row numbers ``arange(N)`` with the column thresholds
    ``arange(-k, M - k)`` taken as integers: their count is :func:`_range_length` (so a
    float ``k`` can add a column by rounding, and ``k=1e30`` leave none), and they are
    filled from the first two values truncated towards zero. Those two differ by one (the
    diagonal ``-trunc(-k)``) except for ``0 < k < 1``, where both are 0: every entry kept.
    """
    M = N if M is None else M
    rows, cols = _range_length(0, N), _range_length(-k, M - k)
    first, second = int(-k), int(-k + 1)  # (k of another type: NumPy's TypeError too)
    # (first is 0 when both are equal: every row reaches the threshold)
    d = cols if first == second else -first
    return rows, cols, min(max(d, -rows), cols)  # (beyond the corners: the same mask)


def tri(
    N: int, M: int | None = None, k: int = 0, dtype: Any = float, *, like: Any = None,
    block_shape: Any = None
) -> BlockArray:
    """nums implementation of numpy.tri (``like``: see :func:`zeros`); float ``N``, ``M``
    and ``k`` give NumPy's results (:func:`tri_layout`)."""
    check_like(like)
    rows, cols, d = tri_layout(N, M, k)
    return _diagonal_pattern(kernels.tri, rows, cols, d, dtype, block_shape)


def _tri_mask(m: Any, k: Any, lower: bool) -> BlockArray:
    m = asarray(m)
    if m.ndim == 0:
        raise TypeError(f"{'tril' if lower else 'triu'} of a 0-d array: NumPy needs at least "
                        "one axis (tri() missing 1 required positional argument: 'N')")
    # NumPy masks with tri(k) (tril) or the complement of tri(k - 1) (triu), so the entries
    # kept are column - row <= d, or >= d + 1
    N, M = m.shape[-2:] if m.ndim > 1 else (m.shape[0], None)
    rows, cols, d = tri_layout(N, M, k if lower else k - 1)
    k = d if lower else d + 1
    # m broadcasts against the mask (a 1-d m along the rows; a float k's extra column)
    shape = _broadcast_with_mask(m.shape, (rows, cols))
    if shape != m.shape:
        m = broadcast_to(m, shape)
    grid = m.grid

    def task(idx, node):  # (blocks read here: a driver-resident m gives its value)
        starts = grid.block_starts(idx)
        return submit(kernels.tri_mask, m.blocks[idx], starts[-2], starts[-1], k, lower,
                      node=node)

    return BlockArray.build(grid, task, reads=lambda idx: [(m, grid.block_slices(idx))],
                            name="tril" if lower else "triu")


def _broadcast_with_mask(shape: tuple, mask: tuple) -> tuple:
    """The shape of NumPy's ``where(mask, m, zeros(1))`` for ``m`` of ``shape``; its
    ValueError when they do not broadcast."""
    try:
        return np.broadcast_shapes(shape, mask)
    except ValueError:
        raise ValueError("operands could not be broadcast together with shapes "
                         f"{shape_text(mask)} {shape_text(shape)} (1,) ") from None


def tril(m: Any, k: int = 0) -> BlockArray:
    """nums implementation of numpy.tril."""
    return _tri_mask(m, k, True)


def triu(m: Any, k: int = 0) -> BlockArray:
    """nums implementation of numpy.triu."""
    return _tri_mask(m, k, False)


def diag(v: Any, k: int = 0, *, block_shape: Any = None) -> BlockArray:
    """nums implementation of numpy.diag."""
    v = asarray(v)
    k = operator.index(k)  # (NumPy takes any integer, a 0-d array too)
    if v.ndim == 1:
        n = v.shape[0] + abs(k)
        grid = make_grid((n, n), v.dtype, block_shape)

        def along(idx):
            """The part of ``v`` on output block ``idx`` (None: the block holds zeros)."""
            r0, c0 = grid.block_starts(idx)
            h, w = grid.block_shape_at(idx)
            # diagonal rows i in [r0, r0+h) with i + k in [c0, c0+w); v index = min(i, i+k)
            lo, hi = max(r0, c0 - k, 0, -k), min(r0 + h, c0 + w - k, n, n - k)
            vlo = lo if k >= 0 else lo + k
            return slice(vlo, vlo + hi - lo) if hi > lo else None

        def task(idx, node):
            r0, c0 = grid.block_starts(idx)
            h, w = grid.block_shape_at(idx)
            part = along(idx)
            if part is None:
                return submit(kernels.full, (h, w), zero_of(grid.dtype), grid.dtype,
                              node=node)
            piece, _ = region(v, [part], node)
            return submit(kernels.diag_from_vector, (h, w), piece, r0, c0, k, grid.dtype, node=node)

        return BlockArray.build(
            grid, task, reads=lambda idx: [] if along(idx) is None else [(v, [along(idx)])],
            name="diag")
    if v.ndim == 2:


        out = diagonal(v, k)
        return rechunk(out, block_shape) if block_shape is not None else out
    raise ValueError("Input must be 1- or 2-d.")


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> tuple:
    """nums implementation of numpy.meshgrid."""
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    xs = [asarray(x) for x in xi]
    values = [local_value(x) for x in xs]
    if copy and xs and all(v is not None for v in values) and (
            (sum if sparse else math.prod)(v.size for v in values) * len(xs)
            * max(v.itemsize for v in values) <= local_limit()):
        # small: NumPy's (new arrays), here
        return numpy_results(np.meshgrid(*values, sparse=sparse, indexing=indexing))
    ndim = len(xs)
    shapes = []
    for i, x in enumerate(xs):
        s = [1] * ndim
        s[i] = x.size
        shapes.append(s)
    if indexing == "xy" and ndim > 1:
        for s in shapes:
            s[0], s[1] = s[1], s[0]
    out = [reshape(x, tuple(s)) for x, s in zip(xs, shapes)]
    if not sparse:
        full_shape = tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))
        out = [broadcast_to(o, full_shape) for o in out]
    if copy:  # NumPy's default: new arrays, not views of the inputs
        out = [o.copy() for o in out]
    return tuple(out)


__all__ = [
    "full",
    "zeros",
    "ones",
    "empty",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "arange",
    "linspace",
    "logspace",
    "eye",
    "identity",
    "tri",
    "tril",
    "triu",
    "diag",
    "meshgrid",
]
