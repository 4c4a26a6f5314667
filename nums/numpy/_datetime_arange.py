"""``arange`` of dates and durations: NumPy's rules for ``datetime64``/``timedelta64`` ranges,
worked out on the driver from the arguments alone (no array data).

NumPy takes this path when ``dtype`` is a datetime64/timedelta64 dtype, or when no dtype is
given and an argument is a date or a duration (NumPy's scalars, 0-d arrays, Python's
``datetime.date``/``datetime.timedelta``). Its rules, followed here:

- a datetime range needs a start and a stop; the step is a duration (an integer counts units);
  a stop that is a duration (or an integer) is an offset from the start;
- strings are dates (or durations) only where the dtype says so;
- the unit is the dtype's, or, for a generic or missing unit, the finest unit that divides
  every argument's (NumPy's greatest common divisor of the units, which raises for months
  against days); each argument is cast to it with ``same_kind`` casting (truncating);
- NaT anywhere, a step of zero (also once cast: an hour in days) raise ``ValueError``;
- the length is ``ceil((stop - start) / step)`` in integer units, 0 when the step points away.

:func:`date_range` returns the dtype, the first value and the step as integers of that unit,
and the length; the values ``start + i * step`` are made block by block.
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np

_NAT = np.iinfo(np.int64).min


def is_date_like(x: Any) -> bool:
    """Whether NumPy's arange treats ``x`` as a date or a duration."""
    if isinstance(x, np.datetime64 | np.timedelta64 | datetime.date | datetime.timedelta):
        return True
    return isinstance(x, np.ndarray) and x.dtype.kind in "mM"


def wants_dates(start: Any, stop: Any, step: Any, dtype: Any) -> bool:
    """Whether ``arange(start, stop, step, dtype)`` is a datetime/timedelta range in NumPy."""
    if dtype is not None:
        return np.dtype(dtype).kind in "mM"
    return any(is_date_like(x) for x in (start, stop, step))


def _convert(x: Any, kind: str) -> np.ndarray:
    """``x`` as a 0-d datetime64 (``kind`` "M") or timedelta64 ("m") array of its own unit
    (generic for a plain integer duration), as NumPy's arange converts its arguments."""
    what = "datetime" if kind == "M" else "timedelta"
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x[()]
    if kind == "M":
        ok = isinstance(x, str | bytes | np.datetime64 | datetime.date) or _is_int(x)
    else:
        ok = isinstance(x, str | bytes | np.timedelta64 | datetime.timedelta) or _is_int(x)
    if not ok:
        raise ValueError(f"Could not convert object to NumPy {what}")
    if kind == "M" and _is_int(x):
        raise ValueError("Converting an integer to a NumPy datetime requires a specified unit")
    try:
        return np.asarray(x, dtype=f"{kind}8")
    except (TypeError, ValueError) as e:
        if isinstance(x, str | bytes):
            raise
        raise ValueError(f"Could not convert object to NumPy {what}") from e


def _is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer | np.bool_) and not isinstance(
        x, np.timedelta64)


def _unit(dt: np.dtype) -> str:
    """The unit part of a datetime64/timedelta64 dtype ("" for a generic one)."""
    name = dt.str
    return name[name.index("[") + 1:-1] if "[" in name else ""


def _int_in(x: np.ndarray, kind: str, unit: str) -> int:
    """``x`` as an integer count of ``unit`` (its own value for a generic unit)."""
    if unit:
        try:
            x = x.astype(f"{kind}8[{unit}]", casting="same_kind")
        except TypeError:
            name = "datetime64" if kind == "M" else "timedelta64"
            raise TypeError(f"Cannot cast NumPy {name} scalar from metadata [{_unit(x.dtype)}] "
                            f"to [{unit}] according to the rule 'same_kind'") from None
    return int(x.astype(np.int64))


_NONLINEAR = ("Y", "M")  # years and months: no fixed number of days


def _common_unit(units: list[tuple[str, bool]]) -> str:
    """NumPy's common unit of the arguments' ``(unit, strict)`` in order (strict: a duration,
    for which years or months do not mix with days or finer units): the greatest common
    divisor of the units, merging each argument into what came before."""
    acc, acc_strict = units[0]
    for unit, strict in units[1:]:
        if not unit or not acc:
            acc = acc or unit
        else:
            base, acc_base = unit.lstrip("0123456789"), acc.lstrip("0123456789")
            if (base in _NONLINEAR) != (acc_base in _NONLINEAR):
                if (strict and base in _NONLINEAR) or (acc_strict and acc_base in _NONLINEAR):
                    raise TypeError(
                        f"Cannot get a common metadata divisor for Numpy datetime metadata "
                        f"[{unit}] and [{acc}] because they have incompatible nonlinear base "
                        "time units.")
                acc = unit if acc_base in _NONLINEAR else acc  # the linear one's
            else:
                acc = _unit(np.result_type(np.dtype(f"m8[{unit}]"), np.dtype(f"m8[{acc}]")))
        acc_strict = acc_strict or strict
    return acc


def date_range(start: Any, stop: Any, step: Any, dtype: Any) -> tuple[np.dtype, int, int, int]:
    """The dtype, first value, step (integers of the dtype's unit) and length of NumPy's
    ``arange(start, stop, step, dtype)`` of dates or durations (see the module notes);
    NumPy's errors."""
    if stop is None:
        start, stop = None, start
    if stop is None:
        raise TypeError("arange() requires stop to be specified.")
    if step is not None and (isinstance(step, np.datetime64 | datetime.date) or (
            isinstance(step, np.ndarray) and step.dtype.kind == "M")):
        raise ValueError("cannot use a datetime as a step in arange")
    unit = None  # known from the dtype (None: from the arguments)
    if dtype is not None:
        dtype = np.dtype(dtype)
        kind = dtype.kind
        if _unit(dtype):
            unit = _unit(dtype)
    else:
        kind = "M" if any(isinstance(x, np.datetime64 | datetime.date) or (
            isinstance(x, np.ndarray) and x.dtype.kind == "M") for x in (start, stop)) else "m"
    if kind == "M" and start is None:
        raise ValueError("arange requires both a start and a stop for NumPy datetime64 ranges")
    stop_kind = "m" if kind == "m" or _is_int(stop) or isinstance(
        stop, np.timedelta64 | datetime.timedelta) or (
        isinstance(stop, np.ndarray) and stop.dtype.kind == "m") else "M"
    args = ([(start, kind)] if start is not None else []) + [(stop, stop_kind)] + (
        [(step, "m")] if step is not None else [])
    if unit is not None and kind == "M":
        converted = [np.asarray(x, dtype=f"{k}8[{unit}]") if _is_int(x) else _convert(x, k)
                     for x, k in args]
    else:
        converted = [_convert(x, k) for x, k in args]
    if unit is None:
        unit = _common_unit([(_unit(c.dtype), k == "m") for c, (_, k) in zip(converted, args)])
    values = [_int_in(c, k, unit) for c, (_, k) in zip(converted, args)]
    start_v = values[0] if start is not None else 0
    stop_v = values[1] if start is not None else values[0]
    step_v = values[-1] if step is not None else 1
    if kind == "M" and stop_kind == "m" and stop_v != _NAT:
        stop_v += start_v  # a duration for the stop: an offset from the start
    if _NAT in (start_v, stop_v, step_v):
        raise ValueError("arange: cannot use NaT (not-a-time) datetime values")
    if step_v == 0:
        raise ValueError("arange: step cannot be zero")
    if (step_v > 0 and stop_v > start_v) or (step_v < 0 and stop_v < start_v):
        length = -((start_v - stop_v) // step_v)  # ceil((stop - start) / step)
    else:
        length = 0
    res_dtype = np.dtype(f"{kind}8[{unit}]" if unit else f"{kind}8")
    return res_dtype, start_v, step_v, length
