"""Order statistics: ``median percentile quantile`` and ``nanmedian nanpercentile
nanquantile``, with every ``method=``, ``axis``, ``keepdims``, ``out`` and ``weights``.

- Along an axis inside the blocks (any array whose other axes are split, or an n-d array
  rechunked so the axis is whole): NumPy's own function on every block, in a task.
- A 1-D array in several blocks (also ``axis=None``): only the needed order statistics
  (one or two per quantile) are computed. For ints and floats by a selection
  (:func:`nums.core.array.sorting.select`: sampled brackets, per-block counts, one task
  per rank); otherwise, or when a bracket misses, from a distributed sort
  (:func:`nums.core.array.sorting.sort_along`). NumPy's own quantile rules (virtual
  indices, gamma and interpolation of each ``method``, from
  ``numpy.lib._function_base_impl``) turn them into the result. Weighted quantiles
  (``inverted_cdf``) sort the weights with the values and search their distributed
  cumulative sum.

Errors are NumPy's, raised at the call (a dry run of NumPy's function); empty arrays are
computed by NumPy directly (nothing to distribute).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib import _function_base_impl as _fb
from numpy.lib.array_utils import normalize_axis_tuple

from nums.core.array import relayout, sort_kernels, sorting
from nums.core.array.blockarray import BlockArray, backend, submit
from nums.core.array.dtypes import dry_run
from nums.core.array.regions import region
from nums.core.array.writes import check_out
from nums.core.graph.grid import ArrayGrid
from nums.numpy._convert import asarray
from nums.numpy._manipulation import broadcast_to, ravel, reshape, transpose
from nums.numpy._ufunc_methods import finish
from runtime.errors import warn, warnings_at_caller

_NP = {("median", False): np.median, ("median", True): np.nanmedian,
       ("quantile", False): np.quantile, ("quantile", True): np.nanquantile,
       ("percentile", False): np.percentile, ("percentile", True): np.nanpercentile}


# methods whose quantiles NumPy interpolates, adding into ``out`` (a ufunc's casting rule)
_INTERPOLATED = frozenset(("linear", "weibull", "hazen", "median_unbiased", "normal_unbiased",
                           "interpolated_inverted_cdf", "averaged_inverted_cdf", "midpoint"))


def _numpy(x: Any) -> Any:
    return x.get() if isinstance(x, BlockArray) else x


def _check_weights(a: BlockArray, w: BlockArray, axis: Any) -> None:
    """NumPy's shape checks of ``weights`` (on zero-memory stand-ins of the real shapes) and
    its sign check (a distributed ``any``)."""
    from nums.numpy._reductions import any as nany

    ghost_a = np.broadcast_to(np.zeros((), a.dtype), a.shape)
    ghost_w = np.broadcast_to(np.zeros((), w.dtype), w.shape)
    axes = None if axis is None else normalize_axis_tuple(axis, a.ndim, argname="axis")
    _fb._weights_are_valid(weights=ghost_w, a=ghost_a, axis=axes)
    if bool(nany(w < 0)):
        raise ValueError("Weights must be non-negative.")


def _stat(kind: str, nan: bool, a: Any, q: Any, axis: Any, out: Any, method: str,
          keepdims: bool, weights: Any) -> Any:
    fn = _NP[(kind, nan)]
    a = asarray(a)
    w = None if weights is None else asarray(weights)
    q = _numpy(q)
    args = () if kind == "median" else (q,)
    kw: dict[str, Any] = {"axis": axis, "keepdims": keepdims}
    if kind != "median":
        kw["method"] = method
        if w is not None:
            kw["weights"] = w
    if w is not None:  # positive stand-in weights (zeros would be numpy's error)
        from nums.core.array.dtypes import stand_in

        kw["weights"] = np.ones_like(stand_in(w))
    probe = dry_run(fn, a, *args, **kw)
    if w is not None:
        _check_weights(a, w, axis)
    if a.size == 0:  # nothing to distribute: numpy itself (its warnings and errors)
        if w is not None:
            kw["weights"] = np.empty(w.shape, w.dtype)
        res = fn(np.empty(a.shape, a.dtype), *args, **kw)
        return finish(BlockArray.from_numpy(np.asarray(res)), out)
    dtype = np.asarray(probe).dtype
    if kind != "median" and not nan:  # NumPy's last step into ``out``: an interpolation
        # (a ufunc's cast) or a ``take`` of the values (``out`` cast to their dtype)
        check_out(out, dtype, *(("same_kind", np.add) if method in _INTERPOLATED
                                else ("safe",)))
    qshape = () if kind == "median" else np.shape(q)
    axes = tuple(range(a.ndim)) if axis is None else normalize_axis_tuple(axis, a.ndim)
    if keepdims:
        rshape = tuple(1 if d in axes else n for d, n in enumerate(a.shape))
    else:
        rshape = tuple(n for d, n in enumerate(a.shape) if d not in axes)
    if w is not None and w.shape != a.shape:  # 1-d weights along the one axis
        wshape = [1] * a.ndim
        wshape[axes[0]] = a.shape[axes[0]]
        w = broadcast_to(reshape(w, tuple(wshape)), a.shape)
    b, wb = _lanes(a, axes), None if w is None else _lanes(w, axes)
    if b.ndim == 1 and b.grid.grid_shape[0] > 1:
        res = _select(kind, nan, b, q, method, wb)
        result = BlockArray.from_numpy(np.asarray(res))
    else:
        if nan and kind != "median" and dtype != a.dtype and a.dtype.kind in "fc" and (
                _first_lane_all_nan(b)):
            # NumPy's apply_along_axis writes every lane into an array of the first lane's
            # dtype, and an all-NaN lane's quantiles have ``a``'s
            dtype = a.dtype
        result = _per_lane(fn, kind, b, wb, q, method, dtype)
        if wb is not None:  # NumPy's errors of the weights of each lane (all zero, NaN) at
            result._errors_now()  # the call, as NumPy's (not when the result is read)
    # a new array, not a view of the computation's (a 0-d result stands for NumPy's scalar:
    # ``m = np.median(x); t = m; t *= 3`` leaves ``m``)
    shape = tuple(qshape) + rshape
    if result.shape != shape or result._link is not None:
        result = relayout.reshape(result, shape)
    return finish(result, out)


def _lanes(a: BlockArray, axes: tuple[int, ...]) -> BlockArray:
    """``a`` with the reduced axes as one last axis (1-D for all of them)."""
    if len(axes) == a.ndim:
        return ravel(a)
    if axes == (a.ndim - 1,):
        return a
    others = [d for d in range(a.ndim) if d not in axes]
    t = transpose(a, others + list(axes))
    return reshape(t, tuple(a.shape[d] for d in others) + (-1,))


def _first_lane_all_nan(b: BlockArray) -> bool:
    """Whether the first lane of ``b`` (its last axis) holds NaNs only."""
    from nums.numpy._elementwise import isnan
    from nums.numpy._reductions import all as nall

    return bool(nall(isnan(b[(0,) * (b.ndim - 1)])))


def _per_lane(fn: Any, kind: str, b: BlockArray, wb: BlockArray | None, q: Any, method: str,
              dtype: np.dtype) -> BlockArray:
    """NumPy's ``fn`` on every block, the lanes whole in the blocks; the result has q's axes
    first and the reduced axis kept (length 1)."""
    ax = b.ndim - 1 if b.ndim > 1 else 0
    b = sorting.whole_axis(b, ax)
    qs = () if kind == "median" else np.shape(q)
    oshape = tuple(qs) + tuple(1 if d == ax else n for d, n in enumerate(b.shape))
    obs = tuple(qs) + tuple(1 if d == ax else s for d, s in enumerate(b.block_shape))
    grid = ArrayGrid(oshape, obs, dtype)
    k = len(qs)

    def task(idx: tuple[int, ...], node: int) -> Any:
        bidx = idx[k:]
        wref = None if wb is None else region(wb, b.grid.block_slices(bidx), node)[0]
        if kind == "median":
            return submit(sort_kernels.median_lanes, b.blocks[bidx], fn, ax, node=node)
        return submit(sort_kernels.quantile_lanes, b.blocks[bidx], wref, fn, q, ax, method,
                      node=node)

    return BlockArray.build(grid, task, reads=lambda idx: [(b, b.grid.block_slices(idx[k:]))],
                            name=fn.__name__)


# ---------------------------------------------------------------------------- 1-d


def _isnan(v: Any) -> bool:
    v = np.asarray(v)
    if v.dtype.kind in "fc":
        return bool(np.isnan(v).any())
    if v.dtype.kind in "mM":
        return bool(np.isnat(v).any())
    return False


# order statistics found by a selection at most (a task per rank, a cut of every block per
# rank: about 2.4 ms a rank on 1e6 elements in 1 MiB blocks, 99 percentiles 250 ms); more
# are taken by NumPy's partition of the fetched values, or from one distributed sort
SELECT_RANKS = 16
GATHER_BYTES = 64 << 20  # (more ranks of at most this many bytes: fetched and partitioned)


class _Sorted:
    """The order statistics of a 1-D array, fetched as needed: by a selection
    (:func:`nums.core.array.sorting.select`) for ints and floats, else (or when a sampled
    bracket misses) from a distributed sort."""

    def __init__(self, b: BlockArray, n_valid: int) -> None:
        self.b, self.n_valid, self.s = b, n_valid, None

    def take(self, positions: Any) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.intp).reshape(-1)
        if not positions.size:  # (an empty ``q``)
            return np.empty(0, self.b.dtype)
        order = np.unique(positions)
        if self.s is None and self.b.dtype.kind in "iuf":
            if order.size <= SELECT_RANKS:
                got = sorting.select(self.b, order, self.n_valid)
                if got is not None:
                    return got[np.searchsorted(order, positions)]
            elif self.b.nbytes <= GATHER_BYTES:  # many ranks of a few million values:
                # NumPy's partition of them in the driver (NaNs last, as in a sort)
                return np.partition(self.b.get(), order)[positions]
        if self.s is None:
            self.s = sorting.sort_along(self.b, 0, False)
        return sorting.take_sorted(self.s, positions)


def _select(kind: str, nan: bool, b: BlockArray, q: Any, method: str,
            wb: BlockArray | None) -> Any:
    """The result for a 1-D ``b`` split in blocks: the needed order statistics only."""
    from nums.numpy._elementwise import isnan, isnat
    from nums.numpy._reductions import count_nonzero

    n = b.shape[0]
    count = 0
    if b.dtype.kind in "fcmM":
        count = int(count_nonzero(isnat(b) if b.dtype.kind in "mM" else isnan(b)).get())
    has_nan = count > 0
    last = None
    if has_nan:  # what numpy returns for a slice with NaN: its last sorted entry, a NaN
        last = np.asarray(np.nan if b.dtype.kind in "fc" else "NaT", b.dtype)[()]
    if nan and has_nan:
        n -= count
        if n == 0:
            warn("All-NaN slice encountered", RuntimeWarning)
            if kind == "median":
                return last
            return np.full(np.shape(q), np.nan, dtype=b.dtype)[()]
        has_nan = False
    stats = _Sorted(b, n)
    if kind == "median":
        mid = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
        res = np.mean(stats.take(mid))
        return last if has_nan else res
    weak = type(q) in (int, float)
    qa = np.true_divide(q, 100) if kind == "percentile" else np.asanyarray(q)
    if wb is not None:
        s = sorting.sort_along(b, 0, False)
        res = _weighted(s, sorting.sample_sort(b, payload=wb), n, qa)
    else:
        res = _interpolated(stats, n, qa, method, weak)
    if has_nan:
        res = last if np.ndim(res) == 0 else np.full_like(res, last)
    return res


def _interpolated(s: _Sorted, n: int, q: np.ndarray, method: str, weak: bool) -> Any:
    """NumPy's quantile of the ``n`` order statistics of ``s`` (its own rules per method:
    virtual index, gamma, interpolation)."""
    props = _fb._QuantileMethods[method]
    vi = np.asanyarray(props["get_virtual_index"](n, q))
    exact = props["fix_gamma"] is None or (
        method == "linear" and np.issubdtype(vi.dtype, np.integer))
    if exact:
        vals = s.take(np.asarray(vi).reshape(-1) % n)
        return vals.reshape(vi.shape)[()]
    prev, nxt = _fb._get_indexes(np.empty(0, s.b.dtype), vi, n)
    vals = s.take(np.concatenate([prev.reshape(-1), nxt.reshape(-1)]) % n)
    previous = vals[:prev.size].reshape(prev.shape)
    following = vals[prev.size:].reshape(nxt.shape)
    gamma = _fb._get_gamma(vi, prev, props)
    gamma = float(gamma) if weak else np.asarray(gamma).reshape(vi.shape)
    return _fb._lerp(previous, following, gamma)


def _weighted(s: BlockArray, ws: BlockArray, n: int, q: np.ndarray) -> Any:
    """Weighted ``inverted_cdf``: the first entry whose cumulative weight share reaches q."""
    from nums.numpy._reductions import cumsum
    from nums.numpy._sorting import searchsorted

    cdf = cumsum(ws[:n], dtype=np.float64)
    total = sorting.take_sorted(cdf, [n - 1])[0]
    # NumPy divides the cdf by its last entry: its warning (or error, under errstate) for
    # a total of zero or inf, which this one division by it meets too; then its ValueError
    with warnings_at_caller(on_error=True):
        ratio = np.divide(np.array([total], np.float64), total)
    if np.isnan(ratio[0]):
        raise ValueError("Weights included NaN, inf or were all zero.")
    cdf = cdf / total
    if q.dtype.kind == "f":
        cdf = cdf.astype(q.dtype)
    qq = np.asarray(q).reshape(-1)
    left = searchsorted(cdf, qq, side="left")
    right = searchsorted(cdf, qq, side="right")
    left, right = backend().get([left.blocks[(0,)], right.blocks[(0,)]]) if \
        left.grid.grid_shape == (1,) else (left.get(), right.get())
    # numpy sets zero cdf entries (leading zero weights) to -1: q == 0 then finds the first
    # entry with a positive weight
    idx = np.where(qq == 0, right, left)
    idx = np.minimum(idx, n - 1)
    return sorting.take_sorted(s, idx).reshape(q.shape)[()]


# ---------------------------------------------------------------------------- public


def median(a: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False,
           keepdims: bool = False) -> Any:
    """nums implementation of numpy.median (see the module notes: per block along an axis
    inside the blocks, else a distributed sort and the middle entries). The input is never
    overwritten (allowed by ``overwrite_input``)."""
    return _stat("median", False, a, None, axis, out, "linear", keepdims, None)


def nanmedian(a: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False,
              keepdims: Any = np._NoValue) -> Any:
    """nums implementation of numpy.nanmedian (as :func:`median`, NaNs ignored)."""
    return _stat("median", True, a, None, axis, out, "linear",
                 False if keepdims is np._NoValue else keepdims, None)


def quantile(a: Any, q: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False,
             method: str = "linear", keepdims: bool = False, *, weights: Any = None,
             interpolation: Any = None) -> Any:
    """nums implementation of numpy.quantile (every method; ``weights`` with
    ``inverted_cdf``): per block, or a distributed sort and the needed order statistics."""
    method = _method(method, interpolation, "quantile")
    return _stat("quantile", False, a, q, axis, out, method, keepdims, weights)


def percentile(a: Any, q: Any, axis: Any = None, out: Any = None,
               overwrite_input: bool = False, method: str = "linear", keepdims: bool = False,
               *, weights: Any = None, interpolation: Any = None) -> Any:
    """nums implementation of numpy.percentile (as :func:`quantile`)."""
    method = _method(method, interpolation, "percentile")
    return _stat("percentile", False, a, q, axis, out, method, keepdims, weights)


def nanquantile(a: Any, q: Any, axis: Any = None, out: Any = None,
                overwrite_input: bool = False, method: str = "linear",
                keepdims: Any = np._NoValue, *, weights: Any = None,
                interpolation: Any = None) -> Any:
    """nums implementation of numpy.nanquantile (as :func:`quantile`, NaNs ignored)."""
    method = _method(method, interpolation, "nanquantile")
    return _stat("quantile", True, a, q, axis, out, method,
                 False if keepdims is np._NoValue else keepdims, weights)


def nanpercentile(a: Any, q: Any, axis: Any = None, out: Any = None,
                  overwrite_input: bool = False, method: str = "linear",
                  keepdims: Any = np._NoValue, *, weights: Any = None,
                  interpolation: Any = None) -> Any:
    """nums implementation of numpy.nanpercentile (as :func:`quantile`, NaNs ignored)."""
    method = _method(method, interpolation, "nanpercentile")
    return _stat("percentile", True, a, q, axis, out, method,
                 False if keepdims is np._NoValue else keepdims, weights)


def _method(method: str, interpolation: Any, name: str) -> str:
    """``method``, or the one the deprecated ``interpolation=`` names where the installed
    NumPy still takes it (NumPy 2.4 removed it: its TypeError)."""
    if interpolation is None:
        return method
    check = getattr(_fb, "_check_interpolation_as_method", None)
    if check is None:
        raise TypeError(f"{name}() got an unexpected keyword argument 'interpolation'")
    return check(method, interpolation, "quantile")


__all__ = ["median", "nanmedian", "quantile", "percentile", "nanquantile", "nanpercentile"]
