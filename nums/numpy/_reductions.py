"""Reductions (trees of partial results) and cumulative operations.

Each public function validates its arguments and finds its result dtype with a dry run of
the numpy function on stand-ins (axis errors, dtype errors, empty-reduction errors are
numpy's own), then builds the reduction tree in :mod:`nums.core.array.reduction`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from nums.core.array import kernels, resident
from nums.core.array.blockarray import BlockArray
from nums.core.array.dtypes import dry_run
from nums.core.array.elementwise import map_broadcast
from nums.core.array.reduction import arg_reduce, cumulate, tree_reduce
from nums.core.array.relayout import rechunk
from nums.core.array.writes import check_out
from nums.numpy._convert import asarray
from nums.numpy._elementwise import (
    conjugate,
    maximum,
    multiply,
    not_equal,
    sqrt,
    subtract,
    true_divide,
)
from nums.numpy._fallback import run_fallback
from nums.numpy._manipulation import broadcast_to, concatenate, ravel, reshape, transpose
from nums.numpy._ufunc_methods import (
    axes_of,
    finish,
    loop_dtype,
    stand_where,
    ufunc_reduce,
    where_mask,
)
from runtime.errors import warn

_NoValue = np._NoValue


def _ufunc_reduction(uf: np.ufunc, npfunc: Any):
    def reduction(
        a: Any,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        keepdims: bool = False,
        initial: Any = _NoValue,
        where: Any = True,
    ) -> BlockArray:
        if (axis is None and dtype is None and out is None and not keepdims
                and initial is _NoValue and where is True):  # x.sum() of a small array
            local = resident.reduce_here(uf.reduce, a, {}, None)
            if local is not None:
                return local
        kw = {} if initial is _NoValue else {"initial": initial}
        if out is None and where is True:  # small arrays: NumPy, here
            if dtype is not None:
                kw["dtype"] = dtype
            # the ufunc's reduce: what numpy's function calls on an ndarray, without its
            # wrapper's microsecond
            local = resident.reduce_here(uf.reduce, a, {"axis": axis, "keepdims": keepdims,
                                                        **kw})
            kw.pop("dtype", None)
            if local is not None:
                return local
        a = asarray(a)
        dry_run(
            npfunc,
            a,
            axis=axis,
            keepdims=keepdims,
            where=stand_where(where),
            **({"dtype": dtype} if dtype is not None else {}),
            **kw,
        )
        return ufunc_reduce(uf, a, axis, dtype, out, keepdims, initial, where)

    return reduction


def _minmax_reduction(uf: np.ufunc, npfunc: Any):
    """Like ``_ufunc_reduction`` with numpy's signature for min/max (no ``dtype``)."""
    general = _ufunc_reduction(uf, npfunc)

    def reduction(
        a: Any,
        axis: Any = None,
        out: Any = None,
        keepdims: bool = False,
        initial: Any = _NoValue,
        where: Any = True,
    ) -> BlockArray:
        return general(a, axis, None, out, keepdims, initial, where)

    return reduction


sum = _ufunc_reduction(np.add, np.sum)
prod = _ufunc_reduction(np.multiply, np.prod)
max = _minmax_reduction(np.maximum, np.max)
min = _minmax_reduction(np.minimum, np.min)
amax, amin = max, min


def _bool_reduction(uf: np.ufunc, npfunc: Any):
    def reduction(
        a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, *, where: Any = True
    ) -> BlockArray:
        if out is None and where is True:  # small arrays: NumPy, here
            local = resident.reduce_here(npfunc, a, {"axis": axis, "keepdims": keepdims})
            if local is not None:
                return local
        a = asarray(a)
        dry_run(npfunc, a, axis=axis, keepdims=keepdims, where=stand_where(where))
        src = a if a.dtype == np.bool_ else a.astype(bool)
        return ufunc_reduce(uf, src, axis, None, out, keepdims, _NoValue, where)

    return reduction


any = _bool_reduction(np.logical_or, np.any)
all = _bool_reduction(np.logical_and, np.all)

for _f, _n in (
    (sum, "sum"),
    (prod, "prod"),
    (max, "max"),
    (min, "min"),
    (any, "any"),
    (all, "all"),
):
    _f.__name__ = _f.__qualname__ = _n
    _f.__doc__ = f"nums implementation of numpy.{_n}: a tree of per-block partial results."


def count_nonzero(a: Any, axis: Any = None, *, keepdims: bool = False) -> BlockArray:
    """nums implementation of numpy.count_nonzero (returns a BlockArray, 0-d for axis=None)."""
    a = asarray(a)
    dry_run(np.count_nonzero, a, axis=axis, keepdims=keepdims)
    axes = axes_of(a, axis) if a.ndim else ()  # NumPy's sum takes axis 0 or -1 of a 0-d a
    return tree_reduce(a, axes, keepdims, kernels.count_nonzero, {}, np.add, np.intp)


def _mean_dtypes(a: BlockArray, dtype: Any) -> tuple[np.dtype, np.dtype]:
    res = np.asarray(dry_run(np.mean, a, dtype=dtype)).dtype
    if res.kind == "m":
        return res, None  # durations: ufuncs take no unit in dtype=; numpy sums in the unit
    acc = res
    if dtype is None and a.dtype.kind in "iub":
        acc = np.dtype(np.float64)
    elif res == np.float16:
        acc = np.dtype(np.float32)
    return res, acc


def _wider_out(a: BlockArray, out: Any) -> np.dtype | None:
    """The dtype NumPy's ``mean``, ``var`` and ``std`` without ``dtype`` sum in when ``out``
    is a wider float or complex array than ``a`` (their last ``add.reduce`` writes into
    ``out`` and computes in its dtype: ``np.mean(x32, out=z64)`` sums in float64; a mean of
    halves sums in float32 whatever ``out``); None otherwise (a narrower ``out`` takes the
    reduction cast once, see docs/numpy_api.md)."""
    od = getattr(out, "dtype", None)
    if (not isinstance(od, np.dtype) or a.dtype.kind not in "fc" or od.kind not in "fc"
            or od == a.dtype or not np.can_cast(a.dtype, od, "safe")):
        return None
    return np.dtype(np.float32) if a.dtype == np.float16 else od


def _scalar(a: BlockArray, axes: tuple[int, ...], keepdims: bool) -> bool:
    """Whether a reduction's result is 0-d (numpy divides scalars then)."""
    return not keepdims and len(axes) == a.ndim


def _count(a: BlockArray, axes: tuple[int, ...]) -> int:
    return math.prod(a.shape[i] for i in axes)


# How an empty reduction warns, as numpy's functions do: (message, whether the division
# itself warns). numpy's var divides for its inner mean without the mean's message.
def _numpy_message(fn: Any, value: Any) -> str:
    """The message of the warning numpy's ``fn`` gives on ``value`` (wordings change between
    numpy versions: 2.1 ends "Mean of empty slice." with a period, 2.4 does not)."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        fn(np.asarray(value))
    return next(str(w.message) for w in caught if issubclass(w.category, RuntimeWarning))


MEAN = (_numpy_message(np.mean, []), True)
NANMEAN = (_numpy_message(np.nanmean, [np.nan]), False)
VAR = (_numpy_message(np.var, []), True)
NANVAR = (_numpy_message(np.nanvar, [np.nan]), False)
VAR_INNER_MEAN = (None, True)
QUIET = (None, False)


def _divide_counts(total: BlockArray, count: BlockArray, mode: tuple, scalar: bool,
                   variance: bool = False) -> BlockArray:
    """``total / count`` block by block, warning as ``mode`` says where a count is zero
    (``variance``: NaN where it is not positive, as NumPy's nanvar)."""
    dtype = np.true_divide(np.ones(1, total.dtype), np.ones(1, count.dtype)).dtype
    return map_broadcast(kernels.divide_counts, [total, count], dtype,
                         kwargs={"message": mode[0], "divide_warns": mode[1], "scalar": scalar,
                                 "variance": variance})


def mean(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    *,
    where: Any = True,
) -> BlockArray:
    """nums implementation of numpy.mean (sum tree, divided once at the root)."""
    return _mean(a, axis, dtype, out, keepdims, where, MEAN)


def _mean(a, axis, dtype, out, keepdims, where, mode):
    """``mean``, warning for empty reductions as ``mode`` says (``MEAN``, ``NANMEAN``, ...)."""
    a = asarray(a)
    if a.dtype.kind == "O" and mode in (MEAN, NANMEAN):
        # sums and a division of Python objects (a mean of Decimals is a Decimal): NumPy's
        # own function next to the data (an explicit fallback, with its GatherWarning)
        fn = np.nanmean if mode is NANMEAN else np.mean
        kwargs = {"axis": axis, "dtype": dtype, "out": out, "keepdims": keepdims}
        if where is not True:
            kwargs["where"] = where
        return run_fallback(fn, (a,), kwargs, f"numpy.{fn.__name__}")
    dry_run(np.mean, a, axis=axis, dtype=dtype, keepdims=keepdims, where=stand_where(where))
    if dtype is None and out is not None:
        dtype = _wider_out(a, out)  # (NumPy's sum into ``out`` is its ``dtype=``)
    axes = axes_of(a, axis)
    if mode[0] and where is True and _count(a, axes) == 0:
        warn(mode[0], RuntimeWarning)
    res, acc = _mean_dtypes(a, dtype)
    if where is not True:
        mask = broadcast_to(where_mask(where), a.shape)
        total = sum(a, axis=axis, dtype=acc, keepdims=keepdims, where=mask)
        count = count_nonzero(mask, axis=axis, keepdims=keepdims)
        result = _divide_counts(total, count, mode, _scalar(a, axes, keepdims))
        return finish(result.astype(res, copy=False), out)
    redo = None
    if np.dtype(acc).kind in "fc" and [i for i in axes if a.grid.grid_shape[i] > 1]:
        # in NumPy's order (each reduced axis whole in a block), if it may have overflowed
        whole = tuple(a.shape[i] or 1 if i in axes else n for i, n in enumerate(a.block_shape))

        def redo(snapshot: BlockArray) -> BlockArray:
            return _mean(rechunk(snapshot, whole), axis, dtype, None, keepdims, where, mode)

    result = tree_reduce(
        a,
        axes,
        keepdims,
        kernels.ufunc_reduce,
        {"ufunc": np.add, "dtype": acc},
        np.add,
        res,
        kernels.divide_by,
        {"count": _count(a, axes), "dtype": acc, "scalar": _scalar(a, axes, keepdims)},
        redo=redo,
    )
    return finish(result, out)


def var(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    *,
    where: Any = True,
    mean: Any = None,
    correction: Any = None,
) -> BlockArray:
    """Two passes: the mean, then the squared deviations (``where=`` masks both; ``mean=``
    replaces the first)."""
    return _var_std(a, axis, dtype, out, ddof, keepdims, where, correction, np.var,
                    kernels.divide_by, mean=mean)


def std(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    *,
    where: Any = True,
    mean: Any = None,
    correction: Any = None,
) -> BlockArray:
    """Two passes: the mean, then the squared deviations (``where=`` masks both; ``mean=``
    replaces the first)."""
    return _var_std(a, axis, dtype, out, ddof, keepdims, where, correction, np.std,
                    kernels.sqrt_divide_by, mean=mean)


def _var_std(a, axis, dtype, out, ddof, keepdims, where, correction, npfunc, finalize,
             mode=VAR, mean=None):
    """The one variance: ``var``, ``std``, ``nanvar`` and ``nanstd`` (a not-NaN mask);
    ``mode``: how an empty reduction warns (``VAR`` or ``NANVAR``); ``mean``: NumPy's
    ``mean=``, the values the deviations are taken from (broadcast against ``a``) in place
    of the computed mean."""
    a = asarray(a)
    if correction is not None:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    fn = {np.var: np.nanvar, np.std: np.nanstd}[npfunc] if mode is NANVAR else npfunc
    if dtype is not None and np.dtype(dtype).kind in "biu" or a.dtype.kind == "O":
        # NumPy's mean, deviations and squares in that integer dtype, which wrap (or of
        # Python objects): its own function next to the data (an explicit fallback, with its
        # GatherWarning)
        kwargs = {"axis": axis, "dtype": dtype, "out": out, "ddof": ddof, "keepdims": keepdims}
        if where is not True:  # (nanvar's: the values that are not NaN, a valid mask too)
            kwargs["where"] = where
        if mean is not None:
            kwargs["mean"] = mean
        return run_fallback(fn, (a,), kwargs, f"numpy.{fn.__name__}")
    if mean is not None and not isinstance(mean, BlockArray | int | float | complex):
        mean = np.asarray(mean)  # (Python numbers stay weakly typed, as in NumPy)
    given = {}  # (a stand-in of the mean: nanvar's deviations are written into ``a``'s)
    if mean is not None:
        given["mean"] = mean if not isinstance(mean, np.ndarray) else np.zeros(
            tuple(1 if n else 0 for n in mean.shape), mean.dtype)
    res = np.dtype(dry_run(fn, a, axis=axis, dtype=dtype, ddof=0, keepdims=keepdims,
                           where=stand_where(where), **given).dtype)
    if npfunc is np.std:  # NumPy's std: the variance, then its square root into ``out``
        check_out(out, res, "same_kind", np.sqrt)
    axes = axes_of(a, axis)
    _, acc = _mean_dtypes(a, dtype)
    # NumPy's deviations and their squares of halves are halves (beyond 256: infinity); the
    # sums accumulate in float32 as its sums of halves do
    half = res == np.float16 and (a.dtype == np.float16 or dtype is not None)
    # NumPy's mean and deviations in ``a``'s dtype, their last sum in a wider ``out``'s
    wide = out.dtype if dtype is None and _wider_out(a, out) is not None else None
    if wide is not None:
        res = wide
    mask = True if where is True else broadcast_to(where_mask(where), a.shape)
    if (mean is None and dtype is not None and a.dtype.kind == "c"
            and np.dtype(dtype).kind != "c"):
        # NumPy's mean of complex values in a real dtype: the real parts' (with its
        # ComplexWarning); the deviations from it stay complex
        warn("Casting complex values to real discards the imaginary part",
             np.exceptions.ComplexWarning)
        mean = _mean(a.real, axes, dtype, None, True, mask, QUIET)
    if (mode is NANVAR and mean is None and dtype is not None and a.dtype.kind != "c"
            and np.dtype(dtype).kind == "c"):
        # NumPy's nanvar writes the (complex) deviations into a copy of the real ``a``
        warn("Casting complex values to real discards the imaginary part",
             np.exceptions.ComplexWarning)
    if where is not True or mean is not None:
        # per-position counts, or deviations from given values: elementwise deviations,
        # masked sums
        if mean is None:
            m = _mean(a, axes, acc, None, True, mask, VAR_INNER_MEAN if mode[1] else QUIET)
            d = subtract(a, m.astype(np.float16) if half else m)
        else:  # NumPy's ``a - mean``, squared and summed in its dtype (or ``dtype``);
            # nanvar's is written into (a copy of) ``a``, so it keeps ``a``'s dtype
            d = subtract(a, mean)
            if mode is NANVAR:
                d = d.astype(a.dtype, copy=False)
            acc = dtype
        if d.dtype.kind == "c" and a.dtype.kind == "c":
            # NumPy's squared magnitudes of complex deviations are real, summed in ``dtype``
            sq, acc = multiply(d, conjugate(d)).real, dtype
        else:
            sq = multiply(d, d)
        total = sum(sq, axis=axes, dtype=wide or acc, keepdims=keepdims, where=mask)
        if half and wide is None:
            total = map_broadcast(kernels.sum_as, [total], np.float16,
                                  kwargs={"dtype": np.float16})
        n = (_count(a, axes) if mask is True
             else count_nonzero(mask, axis=axes, keepdims=keepdims))
        result = _divide_counts(total, maximum(subtract(n, ddof), 0), mode,
                                _scalar(a, axes, keepdims), variance=True)
        result = (sqrt(result) if npfunc is np.std else result).astype(res, copy=False)
        return finish(result, out)
    if half and _count(a, axes):
        # NumPy's var of halves: the mean's sum rounded to a half (infinity past 65504, with
        # NumPy's warning), divided in halves
        m = true_divide(sum(a, axis=axes, dtype=dtype, keepdims=True), _count(a, axes))
    else:
        m = _mean(a, axes, acc, None, True, True, VAR_INNER_MEAN if mode[1] else QUIET)
    denom = _count(a, axes) - ddof
    if denom <= 0 and mode[0]:
        warn(mode[0], RuntimeWarning)
    result = tree_reduce(
        a,
        axes,
        keepdims,
        kernels.sqdev_sum,
        ({"dtype": np.dtype(np.float16), "sum_dtype": wide or acc} if half
         else {"dtype": acc, "sum_dtype": wide}),
        np.add,
        res,
        finalize,
        {"count": denom if denom > 0 else 0, "dtype": res,
         "scalar": _scalar(a, axes, keepdims),
         **({"total_dtype": res} if half and wide is None else {})},
        extras=[m],
    )
    return finish(result, out)


def ptp(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> BlockArray:
    """nums implementation of numpy.ptp."""
    a = asarray(a)
    dry_run(np.ptp, a, axis=axis, keepdims=keepdims)

    result = subtract(max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims))
    check_out(out, result.dtype, "same_kind", np.subtract)  # NumPy's last ufunc into ``out``
    return finish(result, out)


def _arg(mode: str, npfunc: Any):
    def reduction(
        a: Any, axis: int | None = None, out: Any = None, *, keepdims: bool = False
    ) -> BlockArray:
        a = asarray(a)
        dry_run(npfunc, a, axis=axis, keepdims=keepdims)
        check_out(out, np.intp, "safe")  # NumPy's: ``out`` must cast safely to indices
        # (a 0-d ``a`` takes axis 0 or -1: NumPy ravels it)
        ax = None if axis is None or a.ndim == 0 else normalize_axis_index(axis, a.ndim)
        if a.shape[ax] == 0 if ax is not None else a.size == 0:
            raise ValueError(f"attempt to get {npfunc.__name__} of an empty sequence")
        if a.size == 0:  # another axis is empty: an empty result, as NumPy gives it
            shape = tuple(1 if i == ax else n for i, n in enumerate(a.shape) if keepdims or i != ax)
            return finish(BlockArray.full(shape, 0, np.intp), out)
        result = arg_reduce(a, mode, ax, keepdims)
        return finish(result, out)

    reduction.__name__ = reduction.__qualname__ = npfunc.__name__
    reduction.__doc__ = f"nums implementation of numpy.{npfunc.__name__} (tree of partials)."
    return reduction


argmax = _arg("max", np.argmax)
argmin = _arg("min", np.argmin)


def average(
    a: Any, axis: Any = None, weights: Any = None, returned: bool = False, *, keepdims: bool = False
) -> Any:
    """nums implementation of numpy.average.

    Differs: when weights are given, checking that they do not sum to zero fetches the
    (small) weight sums.
    """
    a = asarray(a)
    if weights is None:
        avg = mean(a, axis, keepdims=keepdims)
        if avg.size == 0:  # NumPy's a.size / avg.size for the weights' sum
            raise ZeroDivisionError("division by zero")
        if returned:
            scl = avg.dtype.type(a.size / avg.size)
            return avg, broadcast_to(asarray(np.asarray(scl, dtype=avg.dtype)), avg.shape)
        return avg
    w = asarray(weights)
    res_dtype = (
        np.result_type(a.dtype, w.dtype, "f8")
        if a.dtype.kind in "iub"
        else np.result_type(a.dtype, w.dtype)
    )
    if a.shape != w.shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        axes = normalize_axis_tuple(axis, a.ndim)
        if w.shape != tuple(a.shape[ax] for ax in axes):
            raise ValueError(
                "Shape of weights must be consistent with shape of a along specified axis."
            )
        # the weights' axes in the order of ``axis`` (``axis=(1, 0)``: transposed), as NumPy
        if list(axes) != sorted(axes):
            w = transpose(w, tuple(int(i) for i in np.argsort(axes)))
        w = reshape(w, tuple(n if ax in axes else 1 for ax, n in enumerate(a.shape)))
    axes = axes_of(a, axis)
    num = tree_reduce(
        a, axes, keepdims, kernels.weighted_sum, {"dtype": res_dtype}, np.add, res_dtype, extras=[w]
    )
    wb = broadcast_to(w, a.shape) if w.shape != a.shape else w
    scl = sum(wb, axis=axis, dtype=res_dtype, keepdims=keepdims)
    # NumPy sums 1-d weights by themselves: they sum to zero also where ``a`` is empty
    alone = scl if w.shape == a.shape else sum(w, axis=axis, dtype=res_dtype)
    if bool(any(alone == 0.0)):
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    avg = true_divide(num, scl)
    if returned:
        return avg, scl
    return avg


def _cum(uf: np.ufunc, npfunc: Any):
    def cumulative(
        a: Any, axis: int | None = None, dtype: Any = None, out: Any = None
    ) -> BlockArray:
        a = asarray(a)
        if axis is None or a.ndim == 0:  # NumPy's: a 0-d ``a`` is cumulated as 1-d
            a, axis = ravel(a), 0 if axis is None else axis
        dtype = loop_dtype(dtype, out, a.dtype)
        res = dry_run(npfunc, a, axis=axis, dtype=dtype)
        ax = normalize_axis_index(axis, a.ndim)
        return finish(cumulate(a, ax, uf, np.asarray(res).dtype), out)

    cumulative.__name__ = cumulative.__qualname__ = npfunc.__name__
    cumulative.__doc__ = (
        f"nums implementation of numpy.{npfunc.__name__}: each block continues from the last "
        "entry of the previous block along the axis."
    )
    return cumulative


cumsum = _cum(np.add, np.cumsum)
cumprod = _cum(np.multiply, np.cumprod)


def _cumulative(uf: np.ufunc, npfunc: Any):
    def cumulative(x: Any, /, *, axis: int | None = None, dtype: Any = None, out: Any = None,
                   include_initial: bool = False) -> BlockArray:
        x = asarray(x)
        res = dry_run(npfunc, x, axis=axis, dtype=dtype, include_initial=include_initial)
        res_dtype = np.asarray(res).dtype
        if x.ndim == 0:
            x = reshape(x, (1,))
        ax = 0 if axis is None else normalize_axis_index(axis, x.ndim)
        result = cumulate(x, ax, uf, res_dtype)
        if include_initial:
            shape = list(x.shape)
            shape[ax] = 1
            first = BlockArray.full(tuple(shape), uf.identity, res_dtype)
            result = concatenate([first, result], axis=ax)
        return finish(result, out)

    cumulative.__name__ = cumulative.__qualname__ = npfunc.__name__
    cumulative.__doc__ = (
        f"nums implementation of numpy.{npfunc.__name__} (the Array API's cumulative "
        "function): each block continues from the last entry of the previous block along "
        "the axis; ``include_initial`` puts the ufunc's identity first."
    )
    return cumulative


cumulative_sum = _cumulative(np.add, np.cumulative_sum)
cumulative_prod = _cumulative(np.multiply, np.cumulative_prod)





def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = np._NoValue,
         append: Any = np._NoValue) -> BlockArray:
    """The ``n``-th differences along ``axis``: ``a[1:] - a[:-1]`` on views, so the slices
    of neighbouring blocks meet inside each task (no gather)."""
    a = asarray(a)
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    if a.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = normalize_axis_index(axis, a.ndim)
    parts = []
    for extra in (prepend, append):
        if extra is np._NoValue:
            parts.append(None)
            continue
        extra = asarray(extra)
        if extra.ndim == 0:
            shape = list(a.shape)
            shape[axis] = 1
            extra = broadcast_to(extra, tuple(shape))
        parts.append(extra)
    if parts[0] is not None or parts[1] is not None:
        a = concatenate([p for p in (parts[0], a, parts[1]) if p is not None], axis=axis)
    op = not_equal if a.dtype == np.bool_ else subtract
    lo = tuple(slice(1, None) if i == axis else slice(None) for i in range(a.ndim))
    hi = tuple(slice(None, -1) if i == axis else slice(None) for i in range(a.ndim))
    for _ in range(n):
        a = op(a[lo], a[hi])
    return a


__all__ = [
    "diff",
    "sum",
    "prod",
    "max",
    "min",
    "amax",
    "amin",
    "any",
    "all",
    "count_nonzero",
    "mean",
    "var",
    "std",
    "ptp",
    "argmax",
    "argmin",
    "average",
    "cumsum",
    "cumprod",
    "cumulative_sum",
    "cumulative_prod",
]
