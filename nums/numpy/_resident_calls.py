"""NumPy's own function, called at once on driver-resident arrays (issue 16: small arrays
cost what NumPy costs).

Each function of the namespace has a general path that checks its arguments, works out
dtypes and shapes and asks :mod:`nums.core.array.resident` to run its kernels in the
driver when its operands are small: 10-40 microseconds on a vector of a hundred elements,
where NumPy takes one or two. For the functions below, whose NumPy result is a new array
(or a tuple of them, or a number) no larger than what their operands allow, a call whose
array arguments are all driver-resident (numbers, strings or dates, not empty; an ``out=``
a writable driver-resident root) is NumPy's call on their values instead
(:func:`nums.core.array.resident.numpy_call`), and its result becomes driver-resident: what
the general path would have computed, in NumPy's time plus about two microseconds. Any
other call takes the general path, unchanged.

Functions whose NumPy result may be a view of an argument (``reshape``, ``transpose``,
``split``, ``trim_zeros``, ...) are not here: nums's views follow writes to their root.
Functions whose result can be larger than their operands (those that broadcast, products,
``outer``, ``kron``, ``tile``, ``repeat``, ``meshgrid``, ``cov``, ``bincount``,
``histogram``, quantiles, FFTs of another length) check the size of their result before
NumPy runs, and take the general path when it would not fit in the driver. ``argsort``
gives NumPy's stable order, as nums's general path does (NumPy's default is not stable:
equal keys could come out in another order); ``sort`` is NumPy's default one, as the
general path's sort of values is; a call that names ``kind`` or ``stable`` takes the
general path.
"""

from __future__ import annotations

import functools
import inspect
import math
from types import ModuleType
from typing import Any

import numpy as np

from nums.core.array import resident
from nums.core.array.blockarray import BlockArray
from nums.numpy._convert import made_0d

# result no larger than the operands (reductions, selections, joins, set operations,
# elementwise functions that do not broadcast, decompositions of matrices); not
# ``unique_values``, whose values NumPy gives in the order of a hash table (nums's are sorted)
_SAME_OR_SMALLER = {
    "REGISTRY": (
        "mean", "std", "var", "average", "median", "argmax",
        "argmin", "ptp", "cumsum", "cumprod", "diff", "unique",
        "flatnonzero", "argwhere", "round", "around", "trace", "count_nonzero", "nanmean",
        "nansum", "nanmax", "nanmin", "nanstd", "nanvar", "nanargmax", "nanargmin",
        "nanmedian", "nanprod", "nancumsum", "prod", "any",
        "all", "array_equal", "array_equiv", "concatenate", "stack", "vstack", "hstack",
        "column_stack", "searchsorted",
        "nonzero", "extract", "compress", "take", "digitize", "interp", "isin",
        "intersect1d", "union1d", "setdiff1d", "setxor1d", "unique_counts", "unique_inverse",
        "unique_all", "partition", "argpartition", "lexsort", "roll",
        "triu", "tril", "delete", "insert", "append", "convolve", "correlate", "gradient",
        "ediff1d", "trapezoid", "nan_to_num", "cumulative_sum", "cumulative_prod",
        "nancumprod", "polyval", "polyfit", "sort", "packbits", "ravel_multi_index",
        "unravel_index",
    ),
    "LINALG": ("norm", "det", "slogdet", "inv", "solve", "eigh", "eigvalsh", "cholesky",
               "matrix_rank", "pinv", "eigvals", "eig", "qr", "svd", "svdvals", "lstsq",
               "cond", "matrix_power", "tensorsolve", "matrix_norm", "vector_norm"),
}
# NumPy's stable sort (nums's argsort is stable; NumPy's default is not). ``sort`` is
# NumPy's own call: its values are those of any sort, and nums's general path sorts values
# with the ``kind`` given (a stable sort of float32 takes three times as long)
_STABLE = {"REGISTRY": ("argsort",)}
# sorts and what is made of them: NumPy's in the driver on values fetched up to this size
# (unique of 1e6 int64 in a view of two large blocks: 73 ms as a distributed sample sort,
# 16 ms fetched and sorted here; NumPy 14 ms)
_SORTS = {"unique", "unique_counts", "unique_inverse", "unique_all", "sort", "argsort",
          "partition", "argpartition", "lexsort", "median", "nanmedian", "isin",
          "intersect1d", "union1d", "setdiff1d", "setxor1d", "percentile", "quantile",
          "nanpercentile", "nanquantile"}
SORT_FETCH_BYTES = 16 << 20

# functions that give numbers as numpy scalars, as NumPy does (the others: 0-d arrays)
_NUMBERS = {"det", "slogdet", "matrix_rank", "cond", "lstsq"}
# functions whose 0-d result NumPy gives as a 0-d array, not a scalar (it changes in place)
_ARRAYS_0D = {"where", "cov"}
# one result per quantile and remaining element: checked before NumPy runs
_QUANTILES = {"REGISTRY": ("percentile", "quantile", "nanpercentile", "nanquantile")}
# results of the operands' broadcast shape: checked before NumPy runs
_BROADCASTING = {"REGISTRY": ("where", "clip", "isclose", "allclose", "choose")}
# matrix products: the result's size is checked before NumPy runs
_PRODUCTS = {"REGISTRY": ("dot", "matmul", "inner", "vdot")}


def _bytes_fit(items: float) -> bool:
    """Whether a result of ``items`` elements (of up to 16 bytes) fits in the driver."""
    return items * 16 <= resident.local_limit()


def _arg(vals: list, kwargs: dict, i: int, name: str, default: Any = None) -> Any:
    """Argument ``name`` of a call, given at position ``i`` or by name."""
    return vals[i] if len(vals) > i else kwargs.get(name, default)


def _broadcast_fits(vals: list, kwargs: dict) -> bool:
    shapes = []
    for v in [*vals, *kwargs.values()]:
        if type(v) is np.ndarray:
            shapes.append(v.shape)
        elif type(v) is list or type(v) is tuple:
            if any(type(e) is np.ndarray for e in v):  # ``select``'s lists of arrays
                shapes.extend(np.shape(e) for e in v)
            else:
                shapes.append(np.shape(v))
    first = shapes[0] if shapes else ()
    if all(s == first for s in shapes):
        return True
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        return True  # NumPy raises its error
    return _bytes_fit(math.prod(shape))


def _quantiles_fit(vals: list, kwargs: dict) -> bool:
    return _bytes_fit(np.size(_arg(vals, kwargs, 0, "a")) * np.size(_arg(vals, kwargs, 1, "q")))


def _sizes(vals: list, kwargs: dict) -> list[int]:
    return [v.size for v in [*vals, *kwargs.values()] if type(v) is np.ndarray]


def _pair_fits(vals: list, kwargs: dict) -> bool:
    """``outer``, ``kron``: the product of the operands' sizes."""
    return _bytes_fit(math.prod(_sizes(vals, kwargs)))


def _meshgrid_fits(vals: list, kwargs: dict) -> bool:
    return _bytes_fit(len(vals) * math.prod(np.size(v) for v in vals))


def _int_or_none(v: Any) -> int | None:
    return int(v) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else None


def _bin_count(bins: Any) -> int | None:
    """The bins one axis's ``bins`` makes: an int's count, edges' length; None for a rule
    such as 'auto', whose count depends on the data."""
    if isinstance(bins, str):
        return None
    count = _int_or_none(bins)
    return count if count is not None else int(np.size(bins))


def _bins_fit(bins: Any, dims: int) -> bool:
    """``histogram``'s ``bins``: one entry for every axis, or one per axis."""
    per_axis = (list(bins) if dims > 1 and isinstance(bins, list | tuple) and len(bins) == dims
                else [bins] * dims)
    counts = [_bin_count(b) for b in per_axis]
    return None not in counts and _bytes_fit(math.prod(float(c + 1) for c in counts))


def _histogram_fits(vals: list, kwargs: dict) -> bool:
    """An int's count or edges' length; a rule ('auto', 'fd', 'sturges', ...) gives fewer
    bins than values on all but degenerate data, so the values' size bounds it (a result
    too large for the driver is put in blocks when it is made)."""
    bins = _arg(vals, kwargs, 1, "bins", 10)
    if isinstance(bins, str):
        return _bytes_fit(np.size(_arg(vals, kwargs, 0, "a")))
    return _bins_fit(bins, 1)


def _histogram2d_fits(vals: list, kwargs: dict) -> bool:
    return _bins_fit(_arg(vals, kwargs, 2, "bins", 10), 2)


def _histogramdd_fits(vals: list, kwargs: dict) -> bool:
    sample = _arg(vals, kwargs, 0, "sample")
    dims = sample.shape[1] if type(sample) is np.ndarray and sample.ndim == 2 else len(sample)
    return _bins_fit(_arg(vals, kwargs, 1, "bins", 10), dims)


def _bincount_fits(vals: list, kwargs: dict) -> bool:
    """As long as the largest value (and ``minlength``)."""
    x = _arg(vals, kwargs, 0, "x")
    if type(x) is not np.ndarray or x.dtype.kind not in "iub":
        return False  # NumPy's or nums's error on the general path
    length = _int_or_none(kwargs.get("minlength", 0))
    largest = int(x.max())
    if largest > np.iinfo(np.intp).max:
        return True  # NumPy's error at once (it casts to intp: a negative element)
    return length is not None and _bytes_fit(max(largest + 1, length))


def _repeat_fits(vals: list, kwargs: dict) -> bool:
    a, repeats = _arg(vals, kwargs, 0, "a"), _arg(vals, kwargs, 1, "repeats")
    most = _int_or_none(repeats)
    if most is None:
        r = np.asarray(repeats)
        if r.dtype.kind not in "iu" or not r.size:
            return False
        most = int(r.max())
    return _bytes_fit(np.size(a) * max(most, 0))


def _tile_fits(vals: list, kwargs: dict) -> bool:
    reps = np.asarray(_arg(vals, kwargs, 1, "reps"))
    return (reps.dtype.kind in "iu" and reps.ndim <= 1
            and _bytes_fit(np.size(_arg(vals, kwargs, 0, "A")) * math.prod(
                max(int(r), 0) for r in reps.reshape(-1))))


def _vander_fits(vals: list, kwargs: dict) -> bool:
    x = _arg(vals, kwargs, 0, "x")
    n = _arg(vals, kwargs, 1, "N")
    n = np.size(x) if n is None else _int_or_none(n)
    return n is not None and _bytes_fit(np.size(x) * max(n, 0))


def _covariance_fits(vals: list, kwargs: dict) -> bool:
    """``cov``, ``corrcoef``: a square of side the number of variables, at most the longest
    axis of each operand."""
    side = sum(max(np.shape(v), default=1) for v in vals[:2] if v is not None)
    return _bytes_fit(side * side)


def _same_length_fits(vals: list, kwargs: dict) -> bool:
    """FFTs: NumPy's own length (``n=`` or ``s=`` given: the general path)."""
    return len(vals) == 1 and kwargs.get("n") is None and kwargs.get("s") is None


def _product_fits(vals: list, kwargs: dict) -> bool:
    if len(vals) != 2 or kwargs:
        return False
    a, b = vals
    if type(a) is not np.ndarray or type(b) is not np.ndarray or a.ndim > 2 or b.ndim > 2:
        return False  # stacks of matrices, scalars: the general path
    rows = a.shape[0] if a.ndim == 2 else 1
    cols = b.shape[-1] if b.ndim == 2 else 1
    return _bytes_fit(rows * cols)


def _chain_fits(vals: list, kwargs: dict) -> bool:
    """``multi_dot``: every product of the chain (in whatever order NumPy takes it) is at
    most the largest of its dimensions squared."""
    arrays = vals[0] if len(vals) == 1 and type(vals[0]) in (list, tuple) else ()
    if len(arrays) < 2 or any(type(a) is not np.ndarray or a.ndim > 2 for a in arrays):
        return False
    return _bytes_fit(max(max(a.shape, default=1) for a in arrays) ** 2)


def _einsum_fits(vals: list, kwargs: dict) -> bool:
    """``einsum`` of explicit letters (no ``...``) without ``optimize``: its output's
    dimensions, from the subscripts and the operands' shapes."""
    spec, operands = (vals[0], vals[1:]) if vals else (None, ())
    if type(spec) is not str or "." in spec or "optimize" in kwargs:
        return False
    inputs, _, output = spec.replace(" ", "").partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands) or any(type(a) is not np.ndarray for a in operands):
        return False
    sizes: dict[str, int] = {}
    for term, a in zip(terms, operands):
        if len(term) != a.ndim:
            return False  # NumPy's error, from the general path
        for letter, n in zip(term, a.shape):
            sizes[letter] = max(sizes.get(letter, 1), n)
    if "->" not in spec:
        output = "".join(sorted(c for c in sizes if inputs.count(c) == 1))
    return all(c in sizes for c in output) and _bytes_fit(math.prod(sizes[c] for c in output))


def _unpackbits_fits(vals: list, kwargs: dict) -> bool:
    """Eight bits per byte (or ``count`` of them along ``axis``)."""
    count = _int_or_none(kwargs.get("count"))
    return _bytes_fit(np.size(_arg(vals, kwargs, 0, "a")) * max(8, abs(count or 0)))


def _diag_fits(vals: list, kwargs: dict) -> bool:
    """``diag`` of a vector: its square matrix (a matrix's diagonal is NumPy's view: the
    general path, whose views follow writes)."""
    v = _arg(vals, kwargs, 0, "v")
    k = _int_or_none(_arg(vals, kwargs, 1, "k", 0))
    return np.ndim(v) == 1 and k is not None and _bytes_fit((np.size(v) + abs(k)) ** 2)


def _pad_fits(vals: list, kwargs: dict) -> bool:
    """``pad``: each axis grown by its widths (widths NumPy refuses: its error)."""
    a, width = _arg(vals, kwargs, 0, "array"), _arg(vals, kwargs, 1, "pad_width")
    try:
        widths = np.broadcast_to(np.asarray(width, dtype=np.int64), (np.ndim(a), 2))
    except (TypeError, ValueError):
        return True
    return _bytes_fit(math.prod(n + int(w.sum()) for n, w in zip(np.shape(a), widths)))


def _along_axis_fits(vals: list, kwargs: dict) -> bool:
    """``take_along_axis``: the indices broadcast against the array's other axes."""
    arr, ind = _arg(vals, kwargs, 0, "arr"), _arg(vals, kwargs, 1, "indices")
    if type(arr) is not np.ndarray or type(ind) is not np.ndarray or arr.ndim != ind.ndim:
        return True  # NumPy's error (or its flattened case, no larger than the indices)
    return _bytes_fit(math.prod(max(m, n) for m, n in zip(arr.shape, ind.shape)))


# results whose size its own check works out (above)
_CHECKED = {
    "REGISTRY": {"bincount": _bincount_fits, "histogram": _histogram_fits,
                 "histogram_bin_edges": _histogram_fits, "histogram2d": _histogram2d_fits,
                 "histogramdd": _histogramdd_fits, "repeat": _repeat_fits, "tile": _tile_fits,
                 "outer": _pair_fits, "kron": _pair_fits, "meshgrid": _meshgrid_fits,
                 "vander": _vander_fits, "cov": _covariance_fits,
                 "corrcoef": _covariance_fits, "cross": _broadcast_fits,
                 "select": _broadcast_fits, "einsum": _einsum_fits,
                 "unpackbits": _unpackbits_fits, "diag": _diag_fits, "pad": _pad_fits,
                 "take_along_axis": _along_axis_fits},
    "LINALG": {"outer": _pair_fits, "cross": _broadcast_fits, "multi_dot": _chain_fits},
    "FFT": {name: _same_length_fits for name in (
        "fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2",
        "fftn", "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift")},
}

# keywords with which a function takes the general path: ``unique(axis=)`` is a fallback
# (NumPy next to the data, with its GatherWarning); a sort's ``kind`` or ``stable`` is the
# general path's to honour; ``meshgrid(copy=False)`` gives views; ``overwrite_input`` would
# have NumPy write into the (immutable) value
_GENERAL_KEYWORDS = {"unique": {"axis"}, "sort": {"kind", "stable"},
                     "argsort": {"kind", "stable"}, "meshgrid": {"copy", "sparse"},
                     "nan_to_num": {"copy"}}
# keywords that both take through ``**kwargs`` (the signature does not name them)
_VARIADIC_KEYWORDS = {"pad": {"constant_values", "end_values", "stat_length", "reflect_type"}}
# functions that take the general path when given more positional arguments than this:
# ``nan_to_num(x, False)`` writes into ``x`` (NumPy would write into the immutable value)
_MAX_POSITIONAL = {"nan_to_num": 1}
_NEVER = {"overwrite_input"}
# NumPy's functions that copy a read-only argument first: given writable aliases of the
# values (``resident.writable_alias``)
_ALIASED = {"bincount", "argmax", "argmin", "take"}

# functions whose NumPy code warns by itself (an all-NaN slice, no degrees of freedom, a
# poorly conditioned fit), always or with these keywords: their warnings are caught and
# raised again at the user's line (a microsecond or two more)
_OWN_WARNINGS = {"nanmean", "nanstd", "nanvar", "nanmax", "nanmin", "nanmedian",
                 "nanpercentile", "nanquantile", "cov", "corrcoef", "polyfit"}
_OWN_WARNINGS_WITH = {name: frozenset(("where", "ddof", "correction"))
                      for name in ("mean", "std", "var", "average")}


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
    keywords = ((_keywords(np_fn) & _keywords(impl)) | _VARIADIC_KEYWORDS.get(name, set())
                ) - _GENERAL_KEYWORDS.get(name, set()) - _NEVER

    warns, warns_with = name in _OWN_WARNINGS, _OWN_WARNINGS_WITH.get(name, frozenset())
    aliases = name in _ALIASED
    arrays = name in _ARRAYS_0D
    max_positional = _MAX_POSITIONAL.get(name, 1 << 30)
    fetch = SORT_FETCH_BYTES if name in _SORTS else 0

    @functools.wraps(impl)
    def shortcut(*args: Any, **kwargs: Any) -> Any:
        if (not kwargs or keywords.issuperset(kwargs)) and len(args) <= max_positional:
            try:
                done, result = resident.numpy_call(
                    np_fn, args, kwargs, fits, numbers,
                    warns or bool(kwargs and not warns_with.isdisjoint(kwargs)), aliases,
                    fetch)
            except TypeError:
                done = False  # arguments NumPy's function refuses (``clip(x, 0.4)``, which
                # the Array API allows): nums's own path, which takes them or raises
            if done:
                return made_0d(result) if arrays and isinstance(result, BlockArray) else result
        return impl(*args, **kwargs)

    shortcut._nums_general = impl  # the general path (tests compare the two)
    return shortcut


def _stable_argsort(a: np.ndarray, axis: Any = -1, kind: Any = None, order: Any = None) -> Any:
    """NumPy's stable ``argsort`` of ``a``, found by its default sort where no two keys are
    equal (then the orders are the same): for float64 keys without ties, 5.5 times faster
    than NumPy's stable sort (a Timsort). Keys with ties (or two NaNs, which sort last in
    any order) are sorted again stably."""
    a = np.asarray(a)  # (a list: ``argsort([v.max(), v.min()])``)
    if kind is None and order is None and a.dtype.kind in "iuf" and a.size > 1:
        flat, ax = (a.reshape(-1), -1) if axis is None else (a, axis)
        idx = np.argsort(flat, axis=ax)
        keys = np.moveaxis(np.take_along_axis(flat, idx, axis=ax), ax, -1)
        if keys.shape[-1] < 2:
            return idx
        ties = (keys[..., 1:] == keys[..., :-1]).any()
        if not ties and a.dtype.kind == "f":
            ties = bool(np.isnan(keys[..., -2]).any())  # two NaNs or more at a lane's end
        if not ties:
            return idx
    return np.argsort(a, axis=axis, kind="stable", order=order)


def install(tables: dict[str, tuple[dict, ModuleType | None]], by_numpy: dict) -> None:
    """Put the shortcut in front of each listed function of the registry's tables (by name:
    the table, and the public module whose attribute it also replaces, if any) and of its
    entry for ``__array_function__`` in ``by_numpy``. Before the methods are installed."""
    for table_name, name, fits in listed():
        table, module = tables[table_name]
        entry = table.get(name)
        if entry is None or entry.numpy is None or entry.impl is entry.numpy:
            continue
        np_fn = entry.numpy
        if name in _STABLE.get(table_name, ()):
            np_fn = _stable_argsort
        fast = _shortcut(entry.impl, np_fn, fits, name in _NUMBERS, name)
        if by_numpy.get(entry.numpy) is entry.impl:
            by_numpy[entry.numpy] = fast
        if module is not None and getattr(module, name, None) is entry.impl:
            setattr(module, name, fast)
        entry.impl = fast


def listed() -> list[tuple[str, str, Any]]:
    """``(table, name, fits)`` of every function with the shortcut."""
    out = []
    for groups, fits in ((_SAME_OR_SMALLER, None), (_STABLE, None),
                         (_QUANTILES, _quantiles_fit), (_BROADCASTING, _broadcast_fits),
                         (_PRODUCTS, _product_fits)):
        out += [(table, name, fits) for table, names in groups.items() for name in names]
    out += [(table, name, fits) for table, checks in _CHECKED.items()
            for name, fits in checks.items()]
    return out


def general(fn: Any) -> Any:
    """The general path behind a shortcut (``fn`` itself when it has none)."""
    return getattr(fn, "_nums_general", fn)
