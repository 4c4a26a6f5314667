"""nums.numpy.strings: NumPy's string functions (``numpy.strings``) on BlockArrays of
strings (``str_`` or ``bytes_`` dtypes), with NumPy's results as BlockArrays.

Block by block, where the result's dtype follows from the arguments' dtypes alone:

- NumPy's string ufuncs (``add``, the comparisons, ``isalpha`` and the other tests,
  ``str_len``), as every nums ufunc;
- the functions whose result keeps the input's dtype (``upper lower swapcase capitalize
  title strip lstrip rstrip translate``, and ``slice`` with integer bounds) and the searches
  with integer or boolean results (``count find rfind startswith endswith``): NumPy's
  function on each block, array arguments broadcast and cut as the blocks.

The others make strings as wide as their longest result (``center ljust rjust zfill
multiply replace expandtabs mod partition rpartition encode decode``: NumPy sizes the result
from all the data) or raise on the data (``index rindex``: a substring not found), so they
are the fallback: NumPy in one task on the worker that holds the data, with a
``GatherWarning`` once, results as BlockArrays. ``slice`` with array bounds does the same.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.core.array.dtypes import dry_run
from nums.core.array.elementwise import map_broadcast
from nums.numpy._convert import asarray
from nums.numpy._elementwise import for_ufunc
from nums.numpy._fallback import numpy_fallback, run_fallback

_nums_status = ("distributed (string ufuncs and the functions of known result width block by "
                "block; widths that depend on the data through the fallback)")

UFUNCS = [n for n in dir(np.strings) if isinstance(getattr(np.strings, n), np.ufunc)]
SAME_DTYPE = ["upper", "lower", "swapcase", "capitalize", "title", "strip", "lstrip", "rstrip",
              "translate", "slice"]
SEARCHES = ["count", "find", "rfind", "startswith", "endswith"]
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
        dtype = np.asarray(dry_run(np_func, *operands)).dtype
        return map_broadcast(np_func, operands, dtype)

    call.__name__ = call.__qualname__ = name
    call.__module__ = __name__
    call.__doc__ = (f"nums implementation of ``{full_name}``: NumPy's function on each block "
                    "(its result's dtype follows from the arguments' dtypes), array arguments "
                    "broadcast and cut as the blocks.")
    return call


globals().update({n: for_ufunc(getattr(np.strings, n)) for n in UFUNCS})
globals().update({n: blockwise(getattr(np.strings, n)) for n in SAME_DTYPE + SEARCHES})

__all__ = sorted(UFUNCS + SAME_DTYPE + SEARCHES)


def fallbacks() -> list[str]:
    """The functions of ``numpy.strings`` that run through the fallback."""
    return sorted(n for n in dir(np.strings) if not n.startswith("_") and n not in __all__
                  and callable(getattr(np.strings, n)))


def __getattr__(name: str) -> Any:
    """The functions whose result width depends on the data: the fallback."""
    return numpy_fallback(name, np.strings)


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(fallbacks()))
