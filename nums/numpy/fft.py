"""nums.numpy.fft: numpy.fft on BlockArrays, without gathering.

A transform along one axis runs NumPy's own routine on whole lines, in tasks: each block of
the result holds whole lines, and its task reads the input's rows where they lie, computing
a pending expression (``rfft(frames * window)``) there a chunk of rows at a time
(:func:`nums.core.array.lines.along_axis`). N-dimensional
transforms are the one-dimensional ones over their axes, in the order NumPy applies them, so
results equal NumPy's. ``fftfreq``/``rfftfreq`` and ``fftshift``/``ifftshift`` are built from
nums' ``arange``, slicing and ``concatenate``.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array.blockarray import BlockArray, scalar_of, scalar_values
from nums.core.array.lines import along_axis
from nums.core.array.writes import to_out
from nums.numpy._convert import asarray
from nums.numpy._device import check_device
from runtime.errors import warn

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "fftn", "ifftn",
           "rfft2", "irfft2", "rfftn", "irfftn", "fftfreq", "rfftfreq", "fftshift",
           "ifftshift"]

# output length along the axis, from the input's length n_in and the ``n`` argument
_LENGTH = {
    "fft": lambda n_in, n: n_in if n is None else n,
    "ifft": lambda n_in, n: n_in if n is None else n,
    "rfft": lambda n_in, n: (n_in if n is None else n) // 2 + 1,
    "ihfft": lambda n_in, n: (n_in if n is None else n) // 2 + 1,
    "irfft": lambda n_in, n: 2 * (n_in - 1) if n is None else n,
    "hfft": lambda n_in, n: 2 * (n_in - 1) if n is None else n,
}


def _check_out(kind: str, x: BlockArray, n: int | None, ax: int, norm: str | None,
               out: Any) -> None:
    """NumPy's casting error for ``out=`` (``fft`` into a float array), raised by its own
    transform ``kind`` (the first one of an n-dimensional transform, as NumPy's) writing
    into a small stand-in of ``out``'s dtype: nothing is computed or written."""
    if not isinstance(out, BlockArray):
        return
    if kind == "hfft":  # (NumPy 2.4's hfft ignores its out=, a bug, numpy#30909: irfft's
        kind = "irfft"  # check, of the same real result; nums writes out as later NumPy)
    points = 2 + (x.shape[ax] if n is None else n) % 2  # (the parity picks NumPy's loop)
    shape = [1] * x.ndim
    shape[ax] = points
    out_shape = list(shape)
    out_shape[ax] = _LENGTH[kind](points, points)
    getattr(np.fft, kind)(np.zeros(shape, x.dtype), n=points, axis=ax, norm=norm,
                          out=np.empty(out_shape, out.dtype))


def _one_axis(kind: str, a: Any, n: int | None, axis: int, norm: str | None,
              out: Any = None) -> BlockArray:
    x = asarray(a)
    fn = getattr(np.fft, kind)
    n = None if n is None else operator.index(n)
    if x.ndim == 0:
        fn(np.zeros(()), n=n, axis=axis, norm=norm)  # NumPy's error for a 0-d input
    ax = normalize_axis_index(axis, x.ndim)
    length = _LENGTH[kind](x.shape[ax], n)
    stand_in = [1] * x.ndim
    if x.shape[ax] < 1 and n is None:  # (rfft of nothing would be one point: NumPy's error)
        length = 0
    if length < 1 or (n is not None and n < 1):
        stand_in[ax] = x.shape[ax]  # 0 or 1: NumPy raises its own error on it
        fn(np.zeros(stand_in, x.dtype), n=n, axis=ax, norm=norm)
        raise ValueError(f"Invalid number of FFT data points ({length}) specified.")
    # NumPy's result dtype and its check of ``norm``, from a two-point stand-in
    stand_in[ax] = 2
    dtype = fn(np.zeros(stand_in, x.dtype), n=2, axis=ax, norm=norm).dtype
    _check_out(kind, x, n, ax, norm, out)
    result = along_axis(x, ax, length, dtype, getattr(np.fft, kind),
                        kwargs={"n": n, "axis": ax, "norm": norm}, name=kind)
    return to_out(out, result)


def fft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
        out: Any = None) -> BlockArray:
    """The one-dimensional discrete Fourier transform along ``axis``."""
    return _one_axis("fft", a, n, axis, norm, out)


def ifft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
         out: Any = None) -> BlockArray:
    """The one-dimensional inverse discrete Fourier transform along ``axis``."""
    return _one_axis("ifft", a, n, axis, norm, out)


def rfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
         out: Any = None) -> BlockArray:
    """The one-dimensional discrete Fourier transform of real input along ``axis``."""
    return _one_axis("rfft", a, n, axis, norm, out)


def irfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
          out: Any = None) -> BlockArray:
    """The inverse of :func:`rfft` along ``axis``."""
    return _one_axis("irfft", a, n, axis, norm, out)


def hfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
         out: Any = None) -> BlockArray:
    """The transform of a signal with Hermitian symmetry (a real spectrum) along ``axis``."""
    return _one_axis("hfft", a, n, axis, norm, out)


def ihfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None,
          out: Any = None) -> BlockArray:
    """The inverse of :func:`hfft` along ``axis``."""
    return _one_axis("ihfft", a, n, axis, norm, out)


def _nd_args(x: BlockArray, s: Sequence[int] | None, axes: Sequence[int] | None,
             inverse_real: bool = False) -> tuple[list[int], list[int]]:
    """The lengths and axes of an N-dimensional transform, with NumPy's defaults: every
    axis (or ``axes``), the input's lengths (or ``s``; -1 means the input's), and for an
    inverse real transform an even last length from the input's."""
    given = s is not None
    if axes is None:
        if given:
            warn("`axes` should not be `None` if `s` is not `None` (deprecated in NumPy "
                 "2.0); pass the axes explicitly", DeprecationWarning)
            axes = list(range(-len(s), 0))
        else:
            axes = list(range(x.ndim))
    axes = [operator.index(a) for a in axes]
    if not given:
        s = [x.shape[a] for a in axes]
    s = list(s)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if inverse_real and not given and axes:
        s[-1] = (x.shape[axes[-1]] - 1) * 2
    if any(v is None for v in s):
        warn("None in `s` is deprecated in NumPy 2.0; pass -1 (or the length) instead",
             DeprecationWarning)
        s = [x.shape[a] if v is None else v for v, a in zip(s, axes)]
    s = [x.shape[a] if v == -1 else operator.index(v) for v, a in zip(s, axes)]
    return s, axes


def _complex_nd(kind: str, a: Any, s: Any, axes: Any, norm: str | None, out: Any) -> Any:
    x = asarray(a)
    s, axes = _nd_args(x, s, axes)
    if out is not None and axes:
        _check_out(kind, x, s[-1], normalize_axis_index(axes[-1], x.ndim), norm, out)
    for k in reversed(range(len(axes))):  # the last axis first, as NumPy does
        x = _one_axis(kind, x, s[k], axes[k], norm)
    return to_out(out, x)


def fftn(a: Any, s: Any = None, axes: Any = None, norm: str | None = None,
         out: Any = None) -> BlockArray:
    """The N-dimensional discrete Fourier transform over ``axes`` (all by default)."""
    return _complex_nd("fft", a, s, axes, norm, out)


def ifftn(a: Any, s: Any = None, axes: Any = None, norm: str | None = None,
          out: Any = None) -> BlockArray:
    """The N-dimensional inverse discrete Fourier transform over ``axes``."""
    return _complex_nd("ifft", a, s, axes, norm, out)


def fft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: str | None = None,
         out: Any = None) -> BlockArray:
    """The two-dimensional discrete Fourier transform over ``axes``."""
    return _complex_nd("fft", a, s, axes, norm, out)


def ifft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: str | None = None,
          out: Any = None) -> BlockArray:
    """The two-dimensional inverse discrete Fourier transform over ``axes``."""
    return _complex_nd("ifft", a, s, axes, norm, out)


def rfftn(a: Any, s: Any = None, axes: Any = None, norm: str | None = None,
          out: Any = None) -> BlockArray:
    """The N-dimensional discrete Fourier transform of real input (real over the last of
    ``axes``, complex over the others)."""
    x = asarray(a)
    s, axes = _nd_args(x, s, axes)
    if out is not None and axes:
        _check_out("rfft", x, s[-1], normalize_axis_index(axes[-1], x.ndim), norm, out)
    x = _one_axis("rfft", x, s[-1], axes[-1], norm)
    for k in range(len(axes) - 2, -1, -1):
        x = _one_axis("fft", x, s[k], axes[k], norm)
    return to_out(out, x)


def irfftn(a: Any, s: Any = None, axes: Any = None, norm: str | None = None,
           out: Any = None) -> BlockArray:
    """The inverse of :func:`rfftn`."""
    x = asarray(a)
    s, axes = _nd_args(x, s, axes, inverse_real=True)
    if out is not None and axes:  # (NumPy's last transform writes into ``out``)
        _check_out("irfft", x, s[-1], normalize_axis_index(axes[-1], x.ndim), norm, out)
    for k in range(len(axes) - 1):
        x = _one_axis("ifft", x, s[k], axes[k], norm)
    x = _one_axis("irfft", x, s[-1], axes[-1], norm)
    return to_out(out, x)


def rfft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: str | None = None,
          out: Any = None) -> BlockArray:
    """The two-dimensional discrete Fourier transform of real input."""
    return rfftn(a, s, axes, norm, out)


def irfft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: str | None = None,
           out: Any = None) -> BlockArray:
    """The inverse of :func:`rfft2`."""
    return irfftn(a, s, axes, norm, out)


def _length(n: Any) -> int:
    """The ``n`` of ``fftfreq``: an integer (a 0-d result standing for one too), else
    NumPy's ValueError."""
    n = scalar_of(n)
    if not isinstance(n, int | np.integer):
        raise ValueError("n should be an integer")
    return int(n)


def fftfreq(n: int, d: float = 1.0, device: Any = None, *, dtype: Any = None) -> BlockArray:
    """The sample frequencies of an ``n``-point transform with sample spacing ``d``
    (``dtype=``: the Array API's keyword, which NumPy lacks; a real floating dtype)."""
    from nums.numpy import arange, concatenate

    check_device(device)
    n = _length(n)
    if n < 1:
        np.fft.fftfreq(n, d)  # NumPy's error
    step = 1.0 / (n * d)
    half = (n - 1) // 2 + 1
    k = concatenate([arange(0, half, dtype=int), arange(-(n // 2), 0, dtype=int)])
    return _freq_dtype(k * step, dtype)


def _freq_dtype(freqs: BlockArray, dtype: Any) -> BlockArray:
    if dtype is None:
        return freqs
    if np.dtype(dtype).kind != "f":
        raise ValueError(f"dtype must be a real floating-point dtype, got {np.dtype(dtype)}")
    return freqs.astype(dtype, copy=False)


def rfftfreq(n: int, d: float = 1.0, device: Any = None, *, dtype: Any = None) -> BlockArray:
    """The sample frequencies of an ``n``-point real transform (non-negative ones);
    ``dtype=`` as in :func:`fftfreq`."""
    from nums.numpy import arange

    check_device(device)
    n = _length(n)
    step = 1.0 / (n * d)
    return _freq_dtype(arange(0, n // 2 + 1, dtype=int) * step, dtype)


def _shift(x: Any, axes: Any, sign: int) -> BlockArray:
    from nums.numpy import concatenate

    x = asarray(x)
    axes = scalar_values(axes)  # (``axes=np.argmax(v)``: NumPy's integer)
    if x.ndim == 0:  # NumPy's own: its errors (a 0-d array has no axis to shift)
        np_fn = np.fft.fftshift if sign > 0 else np.fft.ifftshift
        return asarray(np_fn(x.get(), axes))
    if axes is None:
        axes = tuple(range(x.ndim))
    elif isinstance(axes, int | np.integer):
        axes = (int(axes),)
    moved = False
    for axis in axes:
        ax = normalize_axis_index(axis, x.ndim)
        length = x.shape[ax]
        k = (length // 2 if sign > 0 else -(length // 2)) % length if length else 0
        if k == 0:
            continue
        head = [slice(None)] * x.ndim
        tail = [slice(None)] * x.ndim
        head[ax] = slice(length - k, None)
        tail[ax] = slice(0, length - k)
        x = concatenate([x[tuple(head)], x[tuple(tail)]], axis=ax)
        moved = True
    return x if moved else x.copy()


def fftshift(x: Any, axes: Any = None) -> BlockArray:
    """The zero-frequency term moved to the centre (a roll by half of each axis)."""
    return _shift(x, axes, +1)


def ifftshift(x: Any, axes: Any = None) -> BlockArray:
    """The inverse of :func:`fftshift`."""
    return _shift(x, axes, -1)


def __getattr__(name: str):
    """numpy.fft names without a nums implementation: the explicit fallback."""
    from nums.numpy._fallback import numpy_fallback

    return numpy_fallback(name, np.fft)
