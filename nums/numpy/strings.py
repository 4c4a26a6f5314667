"""nums.numpy.strings: NumPy's string functions (``numpy.strings``) on BlockArrays of
strings (``str_`` or ``bytes_`` dtypes), with NumPy's results as BlockArrays.

Block by block, where the result's dtype follows from the arguments' dtypes alone:

- NumPy's string ufuncs (``add``, the comparisons, ``isalpha`` and the other tests,
  ``str_len``), as every nums ufunc;
- the functions whose result keeps the input's dtype (``upper lower swapcase capitalize
  title strip lstrip rstrip translate``, and ``slice`` with integer bounds) and the searches
  with integer or boolean results (``count find rfind startswith endswith``): NumPy's
  function on each block, array arguments broadcast and cut as the blocks.

In two passes, where NumPy sizes the result from all the data (``center ljust rjust zfill
multiply replace expandtabs encode decode``: strings as wide as the longest result): NumPy's
function on each block gives that block's width, the widest is the result's dtype, then
NumPy's function on each block again, cast to it (the values are NumPy's; the work is done
twice). ``index`` and ``rindex`` raise on the data (a substring not found): the first pass
finds it, so the error is raised at the call.

``mod``, ``partition`` and ``rpartition`` (per-element formatting objects, three results) and
``slice`` with array bounds are the fallback: NumPy in one task on the worker that holds the
data, with a ``GatherWarning`` once, results as BlockArrays.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray
from nums.core.array.dtypes import dry_run
from nums.core.array.elementwise import map_broadcast
from nums.numpy._convert import asarray
from nums.numpy._elementwise import for_ufunc
from nums.numpy._fallback import numpy_fallback, run_fallback

_nums_status = ("distributed (block by block; a result width that depends on the data in two "
                "passes; mod, partition, rpartition through the fallback)")

UFUNCS = [n for n in dir(np.strings) if isinstance(getattr(np.strings, n), np.ufunc)]
SAME_DTYPE = ["upper", "lower", "swapcase", "capitalize", "title", "strip", "lstrip", "rstrip",
              "translate", "slice"]
SEARCHES = ["count", "find", "rfind", "startswith", "endswith"]
WIDTH_FROM_DATA = ["center", "ljust", "rjust", "zfill", "multiply", "replace", "expandtabs",
                   "encode", "decode", "index", "rindex"]
TWO_PASSES = "distributed (two passes: the result's width, or an error, from the data)"
_RESULT_KIND = {"encode": "S", "decode": "U"}  # else the input's kind ("U" or "S")
# array bounds of slice are checked for a zero step on their values: not on stand-ins
SCALAR_ARGUMENTS = {"slice"}


def _operand(x: Any) -> Any:
    """An argument of a per-block call: arrays as BlockArrays (broadcast and cut as the
    blocks), anything else (strings, integers, tables) as it is."""
    if isinstance(x, BlockArray):
        return x
    if isinstance(x, np.ndarray) or (isinstance(x, list | tuple) and x):
        return asarray(x)
    return x


def blockwise(np_func: Any, module: Any = np.strings) -> Any:
    """``np_func`` (a NumPy string function whose result dtype depends on the arguments'
    dtypes only) as a nums function: NumPy's checks and result dtype by a dry run, then
    ``np_func`` on each block, its array arguments broadcast."""
    name = np_func.__name__
    sig = inspect.signature(np_func)
    full_name = f"{module.__name__}.{name}"

    def call(*args: Any, **kwargs: Any) -> Any:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        values = list(bound.arguments.values())
        if name in SCALAR_ARGUMENTS and any(
                isinstance(v, BlockArray | np.ndarray | list | tuple) for v in values[1:]):
            return run_fallback(np_func, args, kwargs, full_name)
        operands = [asarray(values[0])] + [_operand(v) for v in values[1:]]
        # NumPy's errors, at the call (index/rindex: find/rfind's, as a stand-in's empty
        # strings contain no substring)
        dry = {"index": np.strings.find, "rindex": np.strings.rfind}.get(name, np_func)
        if name in WIDTH_FROM_DATA:  # (NumPy's errors from its first pass, on the data: a
            # stand-in's empty strings are no fill characters of an array of them)
            return _two_passes(np_func, operands, args, kwargs, full_name)
        result = dry_run(dry, *operands)
        if isinstance(result, np.generic):  # (0-d operands: NumPy's scalar result is only
            # as wide as its value; an array's keeps the dtype, which nums's 0-d array takes)
            result = dry_run(dry, np.empty(1, operands[0].dtype), *operands[1:])
        return map_broadcast(np_func, operands, np.asarray(result).dtype)

    call.__name__ = call.__qualname__ = name
    call.__module__ = __name__
    call.__doc__ = (f"nums implementation of ``{full_name}``: NumPy's function on each block "
                    "(its result's dtype follows from the arguments' dtypes), array arguments "
                    "broadcast and cut as the blocks.")
    if name in WIDTH_FROM_DATA:
        call.__doc__ = (f"nums implementation of ``{full_name}``, in two passes over the "
                        "blocks: the widest block result (or NumPy's error) first, then NumPy's "
                        "function on each block cast to that dtype.")
        call._nums_status = TWO_PASSES  # type: ignore[attr-defined]
    return call


def _two_passes(np_func: Any, operands: list, args: tuple, kwargs: dict,
                full_name: str) -> Any:
    """``np_func`` whose result's width (or whose error) depends on the data: each block's
    result width, the widest makes the dtype, then each block again cast to it."""
    a = operands[0]
    widths = map_broadcast(kernels.result_itemsize, operands, np.int64, kwargs={"fn": np_func})
    if widths.size == 0:  # no data: NumPy on the empty arguments
        return run_fallback(np_func, args, kwargs, full_name)
    itemsize = int(widths.max())  # the first pass's errors are raised here, at the call
    if np_func.__name__ in ("index", "rindex"):
        dtype = np.dtype(np.intp)
    else:
        kind = _RESULT_KIND.get(np_func.__name__, a.dtype.char)
        dtype = np.dtype(f"{kind}{itemsize // 4 if kind == 'U' else itemsize}")
    return map_broadcast(np_func, operands, dtype)


globals().update({n: for_ufunc(getattr(np.strings, n)) for n in UFUNCS})
globals().update({n: blockwise(getattr(np.strings, n))
                  for n in SAME_DTYPE + SEARCHES + WIDTH_FROM_DATA})
slice._nums_status = "distributed (array bounds: fallback)"  # type: ignore[name-defined] # noqa: F821

__all__ = sorted(UFUNCS + SAME_DTYPE + SEARCHES + WIDTH_FROM_DATA)


def fallbacks() -> list[str]:
    """The functions of ``numpy.strings`` that run through the fallback."""
    return sorted(n for n in dir(np.strings) if not n.startswith("_") and n not in __all__
                  and callable(getattr(np.strings, n)))


def __getattr__(name: str) -> Any:
    """The functions nums does not implement (``mod``, ``partition``, ``rpartition``): the
    fallback."""
    return numpy_fallback(name, np.strings)


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(fallbacks()))
