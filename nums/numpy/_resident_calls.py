"""NumPy's own function, called at once on driver-resident arrays (issue 16: small arrays
cost what NumPy costs).

Each function of the namespace has a general path that checks its arguments, works out
dtypes and shapes and asks :mod:`nums.core.array.resident` to run its kernels in the
driver when its operands are small: 10-40 microseconds on a vector of a hundred elements,
where NumPy takes one or two. For the functions below, whose NumPy result is a new array
(or a tuple of them, or a number) no larger than what their operands allow, a call whose
array arguments are all driver-resident (numbers, not empty, no ``out=``) is NumPy's call on
their values instead (:func:`nums.core.array.resident.numpy_call`), and its result becomes
driver-resident: what the general path would have computed, in NumPy's time plus about two
microseconds. Any other call takes the general path, unchanged.

Functions whose NumPy result may be a view of an argument (``reshape``, ``transpose``,
``split``, ...) are not here: nums's views follow writes to their root. Nor are functions
whose result can be far larger than their operands (``outer``, ``kron``, ``tile``); those
that broadcast (``where``, ``clip``, ``isclose``) and products check the size of their result
before NumPy runs.
"""

from __future__ import annotations

import functools
import inspect
import math
from types import ModuleType
from typing import Any

import numpy as np

from nums.core.array import resident

# result no larger than the operands (reductions, selections, joins, elementwise functions
# that do not broadcast, decompositions of matrices); not ``bincount``, whose result is as
# long as the largest value
_SAME_OR_SMALLER = {
    "REGISTRY": (
        "mean", "std", "var", "average", "median", "argmax",
        "argmin", "ptp", "cumsum", "cumprod", "diff", "unique",
        "flatnonzero", "argwhere", "round", "around", "trace", "count_nonzero", "nanmean",
        "nansum", "nanmax", "nanmin", "nanstd", "nanvar", "nanargmax", "nanargmin",
        "nanmedian", "nanprod", "nancumsum", "prod", "any",
        "all", "array_equal", "array_equiv", "concatenate", "stack", "vstack", "hstack",
        "column_stack", "searchsorted",
    ),
    "LINALG": ("norm", "det", "slogdet", "inv", "solve", "eigh", "eigvalsh", "cholesky",
               "matrix_rank", "pinv", "eigvals"),
}
# functions that give numbers as numpy scalars, as NumPy does (the others: 0-d arrays)
_NUMBERS = {"det", "slogdet", "matrix_rank"}
# one result per quantile and remaining element: checked before NumPy runs
_QUANTILES = {"REGISTRY": ("percentile", "quantile", "nanpercentile", "nanquantile")}
# results of the operands' broadcast shape: checked before NumPy runs
_BROADCASTING = {"REGISTRY": ("where", "clip", "isclose", "allclose")}
# matrix products: the result's size is checked before NumPy runs
_PRODUCTS = {"REGISTRY": ("dot", "matmul", "inner", "vdot")}


def _broadcast_fits(vals: list, kwargs: dict) -> bool:
    operands = [*vals, *kwargs.values()]
    shapes = [v.shape if type(v) is np.ndarray else np.shape(v) for v in operands
              if type(v) is np.ndarray or type(v) is list or type(v) is tuple]
    first = shapes[0] if shapes else ()
    if all(s == first for s in shapes):
        return True
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        return True  # NumPy raises its error
    return math.prod(shape) * 16 <= resident.local_limit()


def _quantiles_fit(vals: list, kwargs: dict) -> bool:
    a = vals[0] if vals else kwargs.get("a")
    q = vals[1] if len(vals) > 1 else kwargs.get("q")
    return np.size(a) * np.size(q) * 16 <= resident.local_limit()


def _product_fits(vals: list, kwargs: dict) -> bool:
    if len(vals) != 2 or kwargs:
        return False
    a, b = vals
    if type(a) is not np.ndarray or type(b) is not np.ndarray or a.ndim > 2 or b.ndim > 2:
        return False  # stacks of matrices, scalars: the general path
    rows = a.shape[0] if a.ndim == 2 else 1
    cols = b.shape[-1] if b.ndim == 2 else 1
    return rows * cols * 16 <= resident.local_limit()


# keywords with which a function takes the general path: ``unique(axis=)`` is a fallback
# (NumPy next to the data, with its GatherWarning); ``overwrite_input`` would have NumPy
# write into the (immutable) value
_GENERAL_KEYWORDS = {"unique": {"axis"}}
_NEVER = {"overwrite_input"}


def _keywords(fn: Any) -> frozenset:
    """The arguments ``fn`` takes by name."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD,
                                                          p.KEYWORD_ONLY))


def _shortcut(impl: Any, np_fn: Any, fits: Any, numbers: bool, name: str) -> Any:
    # keywords that both take (nums's may take others, as the Array API's ``descending``, or
    # refuse one of NumPy's, as ``nansum``'s ``initial``: those calls take the general path)
    keywords = (_keywords(np_fn) & _keywords(impl)) - _GENERAL_KEYWORDS.get(name, set()) - _NEVER

    @functools.wraps(impl)
    def shortcut(*args: Any, **kwargs: Any) -> Any:
        if not kwargs or keywords.issuperset(kwargs):
            try:
                done, result = resident.numpy_call(np_fn, args, kwargs, fits, numbers)
            except TypeError:
                done = False  # arguments NumPy's function refuses (``clip(x, 0.4)``, which
                # the Array API allows): nums's own path, which takes them or raises
            if done:
                return result
        return impl(*args, **kwargs)

    shortcut._nums_general = impl  # the general path (tests compare the two)
    return shortcut


def install(tables: dict[str, tuple[dict, ModuleType | None]], by_numpy: dict) -> None:
    """Put the shortcut in front of each listed function of the registry's tables (by name:
    the table, and the public module whose attribute it also replaces, if any) and of its
    entry for ``__array_function__`` in ``by_numpy``. Before the methods are installed."""
    for groups, fits in ((_SAME_OR_SMALLER, None), (_QUANTILES, _quantiles_fit),
                         (_BROADCASTING, _broadcast_fits), (_PRODUCTS, _product_fits)):
        for table_name, names in groups.items():
            table, module = tables[table_name]
            for name in names:
                entry = table.get(name)
                if entry is None or entry.numpy is None or entry.impl is entry.numpy:
                    continue
                fast = _shortcut(entry.impl, entry.numpy, fits, name in _NUMBERS, name)
                if by_numpy.get(entry.numpy) is entry.impl:
                    by_numpy[entry.numpy] = fast
                if module is not None and getattr(module, name, None) is entry.impl:
                    setattr(module, name, fast)
                entry.impl = fast


def general(fn: Any) -> Any:
    """The general path behind a shortcut (``fn`` itself when it has none)."""
    return getattr(fn, "_nums_general", fn)
