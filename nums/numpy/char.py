"""nums.numpy.char: NumPy's legacy string module (``numpy.char``) on BlockArrays of strings.

Its functions that are ``numpy.strings``'s are :mod:`nums.numpy.strings`'s (block by block,
in two passes where the result's width depends on the data). Its own comparisons
(``equal not_equal less less_equal greater greater_equal compare_chararrays``, which ignore
trailing whitespace) run NumPy's function block by block (boolean results). ``array`` and
``asarray`` return NumPy's ``chararray`` (a NumPy subclass whose items and comparisons strip
trailing whitespace; a BlockArray is not one), made on the driver from gathered BlockArrays
with a ``GatherWarning``, as is ``chararray`` itself. The rest (``multiply partition
rpartition join split rsplit splitlines``: widths or lists that depend on the data) is the
fallback: NumPy in one task next to the data, with a ``GatherWarning``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.numpy import strings
from nums.numpy._fallback import numpy_fallback
from nums.numpy._numpy_modules import GatheringClass, gathering_function

_nums_status = strings._nums_status

COMPARISONS = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
               "compare_chararrays"]
_FROM_STRINGS = [n for n in strings.__all__ if getattr(np.char, n, None) is getattr(
    np.strings, n)]

globals().update({n: getattr(strings, n) for n in _FROM_STRINGS})
globals().update({n: strings.blockwise(getattr(np.char, n), np.char) for n in COMPARISONS})

CHARARRAY = "on the driver (returns NumPy's chararray; BlockArrays gathered with a GatherWarning)"
array = gathering_function(np.char.array, "numpy.char.array")
asarray = gathering_function(np.char.asarray, "numpy.char.asarray")
chararray = GatheringClass(np.char.chararray, "numpy.char.chararray")
array._nums_status = asarray._nums_status = CHARARRAY  # type: ignore[attr-defined]
chararray._nums_status = CHARARRAY

__all__ = sorted(_FROM_STRINGS + COMPARISONS + ["array", "asarray", "chararray"])


def fallbacks() -> list[str]:
    """The functions of ``numpy.char`` that run through the fallback."""
    return sorted(n for n in dir(np.char) if not n.startswith("_") and n not in __all__
                  and callable(getattr(np.char, n)))


def __getattr__(name: str) -> Any:
    """numpy.char's functions whose results depend on the data: the fallback."""
    if getattr(np.char, name, None) is getattr(np.strings, name, object()):
        return getattr(strings, name)
    return numpy_fallback(name, np.char)


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(fallbacks()))
