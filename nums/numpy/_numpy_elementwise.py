"""NumPy's elementwise functions that are not ufuncs (``i0``, the business-day functions,
``datetime_as_string``): NumPy's own function on each block of the broadcast operands, in a
task; the result dtype from NumPy on one-element stand-ins."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.core.array.elementwise import broadcast_shapes, map_broadcast
from nums.core.array.writes import to_out
from nums.numpy._convert import asarray


def _blockwise(fn: Any, operands: list, kwargs: dict, checked: bool = False) -> BlockArray:
    """``fn`` of NumPy on each block of the broadcast ``operands``; ``checked``: errors NumPy
    raises on values (a NaT, a date off the calendar) are raised at the call."""
    # NumPy refuses some Nones; arrays of options (``holidays``, a ``weekmask``) go to every
    # task as their values
    kwargs = {k: _option(v) for k, v in kwargs.items() if v is not None}
    arrays = [asarray(x) for x in operands]
    stand_ins = [np.zeros(1, x.dtype) if x.dtype.kind != "M" else
                 np.array(["2001-01-01"], x.dtype) for x in arrays]
    dtype = np.asarray(fn(*stand_ins, **kwargs)).dtype
    calendar = kwargs.pop("busdaycal", None)
    if calendar is not None:  # (it does not pickle: its weekmask and holidays go to tasks)
        kwargs.update(weekmask=calendar.weekmask, holidays=calendar.holidays)
    shape = broadcast_shapes(*[x.shape for x in arrays])
    result = map_broadcast(fn, arrays, dtype, shape=shape, kwargs=kwargs)
    return result._errors_now() if checked else result


def _option(v: Any) -> Any:
    """An option for NumPy's own call (``holidays``, a ``weekmask``): its values, also of
    arrays within a list (``holidays=list(dates)``, ``[d[0], d[3]]``)."""
    if isinstance(v, BlockArray):
        return v.get()
    if type(v) is list or type(v) is tuple:
        return [e.get() if isinstance(e, BlockArray) else e for e in v]
    return v


def _scalars(*operands: Any) -> bool:
    """Whether every operand is a scalar NumPy takes as one (a date's text, a number,
    ``np.datetime64``): NumPy's call then gives a scalar, as nums gives it."""
    return not any(isinstance(x, BlockArray | np.ndarray | list | tuple) for x in operands)


def _numpy_call(fn: Any, operands: tuple, kwargs: dict) -> Any:
    """NumPy's ``fn`` on scalar operands (see :func:`_scalars`), its options' values."""
    return fn(*operands, **{k: _option(v) for k, v in kwargs.items() if v is not None})


def _dates(x: Any, operand: int = 0) -> Any:
    """Dates for the business-day functions: NumPy converts lists and scalars, and casts
    arrays only safely to days (integers, text or seconds are its TypeError)."""
    if isinstance(x, BlockArray | np.ndarray):
        if not np.can_cast(x.dtype, "datetime64[D]", "safe"):
            raise TypeError(f"Iterator operand {operand} dtype could not be cast from "
                            f"dtype({str(x.dtype)!r}) to dtype('<M8[D]') according to the "
                            "rule 'safe'")
        return x if isinstance(x, BlockArray) else np.asarray(x, dtype="datetime64[D]")
    return np.asarray(x, dtype="datetime64[D]")


def _to_safe_out(out: Any, result: BlockArray, operand: int) -> BlockArray:
    """``result`` written into ``out`` when NumPy's safe cast allows it (its TypeError
    otherwise, before anything is written)."""
    if out is not None and not np.can_cast(result.dtype, out.dtype, "safe"):
        raise TypeError(f"Iterator requested dtype could not be cast from "
                        f"dtype({str(result.dtype)!r}) to dtype({str(out.dtype)!r}), the "
                        f"operand {operand} dtype, according to the rule 'safe'")
    return to_out(out, result)


def i0(x: Any) -> BlockArray:
    """nums implementation of ``numpy.i0`` (NumPy's per block)."""
    x = asarray(x)
    if x.dtype.kind == "c":
        np.i0(np.zeros(1, x.dtype))  # NumPy's TypeError
    return _blockwise(np.i0, [x], {})


def _calendar(weekmask: Any, holidays: Any, busdaycal: Any) -> dict:
    """The calendar arguments for NumPy: ``weekmask`` only when given (NumPy refuses one
    beside ``busdaycal``; not given, it is NumPy's default ``"1111100"``)."""
    given = {"holidays": holidays, "busdaycal": busdaycal}
    return given if weekmask is None else {"weekmask": weekmask, **given}


def is_busday(dates: Any, weekmask: Any = None, holidays: Any = None,
              busdaycal: Any = None, out: Any = None) -> BlockArray:
    """nums implementation of ``numpy.is_busday`` (NumPy's per block; a scalar's, NumPy's
    scalar)."""
    if out is None and _scalars(dates):
        return _numpy_call(np.is_busday, (dates,), _calendar(weekmask, holidays, busdaycal))
    result = _blockwise(np.is_busday, [_dates(dates)], _calendar(weekmask, holidays, busdaycal),
                        checked=True)
    return _to_safe_out(out, result, 1)


def busday_count(begindates: Any, enddates: Any, weekmask: Any = None,
                 holidays: Any = None, busdaycal: Any = None, out: Any = None) -> BlockArray:
    """nums implementation of ``numpy.busday_count`` (NumPy's per block; of scalars,
    NumPy's scalar)."""
    if out is None and _scalars(begindates, enddates):
        return _numpy_call(np.busday_count, (begindates, enddates),
                           _calendar(weekmask, holidays, busdaycal))
    result = _blockwise(np.busday_count, [_dates(begindates), _dates(enddates, 1)],
                        _calendar(weekmask, holidays, busdaycal), checked=True)
    return _to_safe_out(out, result, 2)


def busday_offset(dates: Any, offsets: Any, roll: str = "raise", weekmask: Any = None,
                  holidays: Any = None, busdaycal: Any = None, out: Any = None
                  ) -> BlockArray:
    """nums implementation of ``numpy.busday_offset`` (NumPy's per block; of scalars,
    NumPy's scalar)."""
    if out is None and _scalars(dates, offsets):
        return _numpy_call(np.busday_offset, (dates, offsets),
                           {"roll": roll, **_calendar(weekmask, holidays, busdaycal)})
    given = {k: _option(v) for k, v in _calendar(weekmask, holidays, busdaycal).items()
             if v is not None}
    np.busday_offset(np.array(["2001-01-01"], "datetime64[D]"), 0, roll=roll,
                     **given)  # NumPy's checks of the arguments
    if not isinstance(offsets, BlockArray | np.ndarray) and np.ndim(offsets) == 0:
        offsets = np.asarray(offsets).astype(np.int64)  # NumPy takes a scalar 1.5 as 1
    result = _blockwise(np.busday_offset, [_dates(dates), asarray(offsets)],
                        {"roll": roll, **_calendar(weekmask, holidays, busdaycal)},
                        checked=True)
    return _to_safe_out(out, result, 2)


def datetime_as_string(arr: Any, unit: Any = None, timezone: str = "naive",
                       casting: str = "same_kind") -> BlockArray:
    """nums implementation of ``numpy.datetime_as_string`` (NumPy's per block; of a scalar
    date, NumPy's string)."""
    if _scalars(arr):
        return np.datetime_as_string(arr, unit=unit, timezone=timezone, casting=casting)
    x = asarray(arr)
    if x.dtype.kind != "M":
        np.datetime_as_string(np.zeros(1, x.dtype))  # NumPy's TypeError
    if x.ndim == 0:  # NumPy's string of one date is as long as its text (<U10), not <U28
        return asarray(np.datetime_as_string(x.get(), unit=unit, timezone=timezone,
                                             casting=casting))
    return _blockwise(np.datetime_as_string, [x],
                      {"unit": unit, "timezone": timezone, "casting": casting})



__all__ = ["i0", "is_busday", "busday_count", "busday_offset", "datetime_as_string"]
