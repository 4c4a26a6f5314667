"""``pad``, axis by axis as NumPy pads (so corners come out as NumPy's): ``constant``,
``edge``, ``wrap``, ``reflect``/``symmetric`` (even; odd while the padding fits in one
reflection), ``linear_ramp``, ``maximum``/``minimum``/``mean`` and ``empty`` are composed of
``take``, slices, reductions and ``concatenate``; other modes (``median``, a callable, odd
reflections wider than the axis) run NumPy through the explicit fallback."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array.blockarray import BlockArray
from nums.core.array.dtypes import dry_run
from nums.numpy._convert import asarray

_DISTRIBUTED = {"constant", "edge", "wrap", "reflect", "symmetric", "linear_ramp", "maximum",
                "minimum", "mean", "empty"}
_ALLOWED = {"constant": {"constant_values"}, "edge": set(), "wrap": set(), "empty": set(),
            "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
            "linear_ramp": {"end_values"}, "maximum": {"stat_length"},
            "minimum": {"stat_length"}, "mean": {"stat_length"}, "median": {"stat_length"}}


def _nps():
    import nums.numpy as nps

    return nps


def _pairs(value: Any, ndim: int, as_index: bool) -> list[tuple[Any, Any]]:
    """``value`` as one ``(before, after)`` pair per axis, with NumPy's broadcasting rules
    (a scalar, one pair, or a pair per axis)."""
    x = np.array(value)
    if as_index:
        x = np.round(x).astype(np.intp)
        if x.size and x.min() < 0:
            raise ValueError("index can't contain negative values")
    if x.ndim < 3:
        if x.size == 1:
            v = x.ravel()[0]
            return [(v, v)] * ndim
        if x.size == 2 and x.shape != (2, 1):
            a, b = x.ravel()
            return [(a, b)] * ndim
    return [tuple(p) for p in np.broadcast_to(x, (ndim, 2)).tolist()]


def _take(x: BlockArray, positions: np.ndarray, axis: int) -> BlockArray:
    return _nps().take(x, asarray(positions.astype(np.intp)), axis=axis)


def _side(x: BlockArray, axis: int, start: int, stop: int) -> BlockArray:
    return x[(slice(None),) * axis + (slice(start, stop),)]


def _stretch(x: BlockArray, axis: int, width: int) -> tuple[int, ...]:
    shape = list(x.shape)
    shape[axis] = width
    return tuple(shape)


def pad(array: Any, pad_width: Any, mode: Any = "constant", **kwargs: Any) -> BlockArray:
    """nums implementation of ``numpy.pad`` (see the module docstring)."""
    u = _nps()
    x = asarray(array)
    if isinstance(pad_width, dict):  # NumPy 2.3+: {axis: widths}, the other axes unpadded
        widths = [(0, 0)] * x.ndim
        for ax, w in pad_width.items():
            widths[normalize_axis_index(ax, x.ndim)] = np.broadcast_to(
                np.asarray(w), (2,)).tolist()
        pad_width = widths
    if np.asarray(pad_width).dtype.kind != "i":  # (NumPy's check: not rounded, not bools)
        raise TypeError("`pad_width` must be of integral type.")
    if callable(mode) or mode not in _DISTRIBUTED or (
            mode in ("reflect", "symmetric") and kwargs.get("reflect_type") == "odd"
            and not _odd_fits(x, pad_width, mode)):
        if not callable(mode) and mode not in _ALLOWED:
            raise ValueError(f"mode '{mode}' is not supported")
        if mode == "median":  # (NumPy's error here, not a worker's)
            _dtype_errors(x, _pairs(pad_width, x.ndim, as_index=True), mode, kwargs)
        from nums.numpy._fallback import numpy_fallback

        return numpy_fallback("pad")(x, pad_width, mode, **kwargs)
    unsupported = set(kwargs) - _ALLOWED[mode]
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported}")
    widths = _pairs(pad_width, x.ndim, as_index=True)
    if mode not in ("constant", "empty"):
        for k, (b, a) in enumerate(widths):
            if (b or a) and x.shape[k] == 0:
                raise ValueError(f"can't extend empty axis {k} using modes other than "
                                 "'constant' or 'empty'")
        if x.size == 0:  # nothing to read the padding from, nor to write (NumPy's result)
            return u.zeros(tuple(n + b + a for n, (b, a) in zip(x.shape, widths)), x.dtype)
    if mode in ("linear_ramp", "maximum", "minimum", "mean"):
        _dtype_errors(x, widths, mode, kwargs)
    values = {"constant": _pairs(kwargs.get("constant_values", 0), x.ndim, False),
              "linear_ramp": _pairs(kwargs.get("end_values", 0), x.ndim, False)}.get(mode)
    if mode == "constant":
        values = [tuple(_written(v, x.dtype) for v in pair) for pair in values]
    stat = (_pairs(kwargs["stat_length"], x.ndim, True) if kwargs.get("stat_length") is not None
            else None)
    if mode in ("maximum", "minimum") and stat is not None and any(0 in p for p in stat):
        raise ValueError("stat_length of 0 yields no value for padding")  # (any axis: NumPy)
    out = x
    for axis, (before, after) in enumerate(widths):
        if not before and not after:
            continue
        n = out.shape[axis]
        if mode in ("constant", "empty"):
            cb, ca = values[axis] if mode == "constant" else (0, 0)
            parts = [u.full(_stretch(out, axis, before), cb, dtype=out.dtype), out,
                     u.full(_stretch(out, axis, after), ca, dtype=out.dtype)]
            out = u.concatenate(parts, axis=axis)
        elif mode in ("edge", "wrap", "reflect", "symmetric"):
            positions = np.arange(-before, n + after)
            if mode == "edge":
                positions = np.clip(positions, 0, n - 1)
            elif mode == "wrap":
                positions = positions % n
            elif mode == "reflect":
                period = 2 * (n - 1)
                q = positions % period if period else np.zeros_like(positions)
                positions = np.where(q < n, q, period - q)
            else:
                q = positions % (2 * n)
                positions = np.where(q < n, q, 2 * n - 1 - q)
            padded = _take(out, positions, axis)
            if kwargs.get("reflect_type") == "odd":  # 2 * edge - mirrored, one reflection
                first = _side(out, axis, 0, 1)
                last = _side(out, axis, n - 1, n)
                head = 2 * first - _side(padded, axis, 0, before)
                tail = 2 * last - _side(padded, axis, before + n, before + n + after)
                padded = u.concatenate([head.astype(out.dtype), out, tail.astype(out.dtype)],
                                       axis=axis)
            out = padded
        elif mode == "linear_ramp":
            eb, ea = values[axis]
            head = _ramp(out, axis, before, eb, _side(out, axis, 0, 1), reverse=False)
            tail = _ramp(out, axis, after, ea, _side(out, axis, n - 1, n), reverse=True)
            out = u.concatenate([head, out, tail], axis=axis)
        else:  # maximum, minimum, mean (of no values: NaN, as NumPy's mean of an empty slice)
            sb, sa = stat[axis] if stat is not None else (n, n)
            sb, sa = min(sb, n), min(sa, n)
            head = _stat(mode, _side(out, axis, 0, sb), axis, out.dtype)
            tail = _stat(mode, _side(out, axis, n - sa, n), axis, out.dtype)
            parts = [u.broadcast_to(head, _stretch(out, axis, before)), out,
                     u.broadcast_to(tail, _stretch(out, axis, after))]
            out = u.concatenate(parts, axis=axis)
    return out if out is not x else x.copy()


def _dtype_errors(x: BlockArray, widths: list, mode: str, kwargs: dict) -> None:
    """Raise what NumPy's pad in ``mode`` raises for ``x``'s dtype (a timedelta has no mean,
    ramp, or rounded statistic there), from NumPy's pad of a stand-in of at most one element
    (not for objects: their errors depend on the values)."""
    if x.dtype.kind == "O":
        return
    dry_run(np.pad, x, [(min(b, 1), min(a, 1)) for b, a in widths], mode,
            **{k: np.asarray(v) if isinstance(v, BlockArray) else v for k, v in kwargs.items()})


def _written(value: Any, dtype: np.dtype) -> Any:
    """``value`` as NumPy's pad writes it into the padded array of ``dtype`` (for every axis
    and side, padded or not): assigned as it comes from the pairs, with NumPy's casts,
    warnings and errors. A NumPy scalar is cast (-1 into uint8: 255; complex into float:
    the real part, with a ComplexWarning), except an integer out of a signed dtype's range
    (OverflowError, as a Python int out of any integer dtype's range)."""
    cell = np.empty(1, dtype)
    cell[:] = value
    return cell[0]


def _odd_fits(x: BlockArray, pad_width: Any, mode: str) -> bool:
    widths = _pairs(pad_width, x.ndim, as_index=True)
    room = (lambda n: n - 1) if mode == "reflect" else (lambda n: n)
    return all(b <= room(n) and a <= room(n) for (b, a), n in zip(widths, x.shape))


def _stat(mode: str, part: BlockArray, axis: int, dtype: np.dtype) -> BlockArray:
    u = _nps()
    if mode == "maximum":
        return u.max(part, axis=axis, keepdims=True)
    if mode == "minimum":
        return u.min(part, axis=axis, keepdims=True)
    value = u.mean(part, axis=axis, keepdims=True)
    if dtype.kind in "iu":  # NumPy rounds the mean of integers
        value = u.around(value)
    return value.astype(dtype)


def _ramp(x: BlockArray, axis: int, width: int, end: Any, edge: BlockArray, reverse: bool
          ) -> BlockArray:
    """``width`` values from ``end`` towards ``edge`` (exclusive), spaced as NumPy's
    ``linspace(end, edge, width, endpoint=False)``; reversed for the trailing side."""
    u = _nps()
    shape = [1] * x.ndim
    shape[axis] = width
    k = u.reshape(u.arange(width, dtype=float), tuple(shape))
    # complex values ramp in complex (NumPy's linspace keeps the imaginary part)
    work = complex if x.dtype.kind == "c" or np.iscomplexobj(end) else float
    start = u.full(edge.shape, end, dtype=work) if np.ndim(end) == 0 else asarray(end)
    delta = edge.astype(work) - start
    step = delta / width if width else delta
    ramp = k * step + start
    if reverse:
        ramp = ramp[(slice(None),) * axis + (slice(None, None, -1),)]
    if x.dtype.kind in "iu":
        ramp = u.floor(ramp)  # NumPy's integer linspace floors
    return ramp.astype(x.dtype)


__all__ = ["pad"]
