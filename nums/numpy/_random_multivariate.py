"""Multivariate draws of nums.numpy.random: ``multivariate_normal``, ``multinomial``,
``multivariate_hypergeometric`` and ``dirichlet``.

Each draw has a *batch* shape (``size``, or the broadcast of array parameters) and an
*event* shape (the trailing axis of length ``k``: one sample vector). The output is split
into blocks along the batch axes only, so every block holds whole sample vectors; block
``i`` (row-major grid order) of call ``c`` draws from the stream
``SeedSequence(entropy, spawn_key=key + (c, i))``, as the univariate draws do.

The distribution parameters are small (a mean vector and a covariance matrix, a probability
vector, ...): they are checked on the driver with NumPy's own code and errors (a draw of the
parameters as given, without ``size``), BlockArray parameters are gathered, and each block's
task receives only the part of them its block broadcasts against. ``cov`` is factorized
once, on the driver, and the factor is sent to the tasks.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nums.core import context
from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, make_grid, normalize_shape, submit
from nums.core.graph.grid import default_block_shape
from runtime.errors import warn, warnings_at_caller

MVN_METHODS = ("svd", "eigh", "cholesky")


def _values(x: Any) -> Any:
    """A parameter's values on the driver (BlockArray parameters are gathered)."""
    return x.get() if isinstance(x, BlockArray) else x


def size_shape(size: Any) -> tuple[int, ...] | None:
    """The shape a draw's ``size`` asks for (None: none), with NumPy's TypeError for a
    boolean (``size=True`` is not one value)."""
    if size is None:
        return None
    if type(size) is bool or type(size) in (tuple, list) and any(
            type(n) is bool for n in size):
        raise TypeError(f"expected a sequence of integers or a single integer, got '{size}'")
    return normalize_shape(size)


_batch = size_shape


def event_grid(batch: tuple[int, ...], event: tuple[int, ...], dtype: Any,
               block_shape: Any = None):
    """The grid of a draw of shape ``batch + event``: blocks split the batch axes only.

    ``block_shape`` (the output's rank) may not split an event axis (use -1 or the axis'
    length there); without it, the batch axes are split as a new array's would be, counting
    a whole sample vector per batch entry.
    """
    shape = batch + event
    if block_shape is None:
        ctx = context.get()
        per_entry = max(1, math.prod(event))
        bytes_per_block = max(1, ctx.settings.block_bytes // per_entry)
        block_shape = default_block_shape(batch, dtype, bytes_per_block, ctx.num_workers)
        block_shape = block_shape + tuple(max(1, n) for n in event)
    else:
        block_shape = normalize_shape(block_shape)
        if len(block_shape) != len(shape):
            raise ValueError(f"block_shape {block_shape} does not have the rank of the "
                             f"result's shape {shape}")
        tail = block_shape[len(batch):]
        if any(b != -1 and b < n for b, n in zip(tail, event)):
            raise ValueError(f"block_shape {block_shape} splits a sample vector: nums draws "
                             f"whole samples, use -1 for the last {len(event)} axis(es)")
        block_shape = block_shape[:len(batch)] + tuple(max(1, n) for n in event)
    return make_grid(shape, dtype, block_shape)


def _piece(param: np.ndarray, batch_rank: int, slices: tuple) -> np.ndarray:
    """The part of ``param`` (its first ``batch_rank`` axes are the batch axes, the rest
    event axes) that broadcasts onto the block at ``slices`` of the batch axes; axes of
    length 1 are kept as they are (a broadcast parameter is not materialized)."""
    key = tuple(slice(None) if n == 1 else s
                for n, s in zip(param.shape[:batch_rank], slices))
    return np.asarray(param[key], order="C")  # (ascontiguousarray would make 0-d 1-d)


def draw(key: tuple, batch: tuple[int, ...], event: tuple[int, ...], dtype: Any,
         block_shape: Any, task: Any) -> BlockArray:
    """A draw of shape ``batch + event``; ``task(spawn_key, batch_slices, block_batch,
    node)`` submits one block's kernel."""
    grid = event_grid(batch, event, dtype, block_shape)
    nb = len(batch)

    def block(idx: tuple[int, ...], node: int) -> Any:
        if not math.prod(event):  # empty samples (NumPy's legacy multinomial allows them)
            return submit(kernels.full, grid.block_shape_at(idx), 0, grid.dtype, node=node)
        order = int(np.ravel_multi_index(idx, grid.grid_shape)) if idx else 0
        slices = tuple(grid.block_slices(idx))[:nb]
        return task((*key, order), slices, tuple(grid.block_shape_at(idx))[:nb], node)

    return BlockArray.build(grid, block)


def _numpy_draw(name: str, legacy: bool, *args: Any, **kwargs: Any) -> np.ndarray:
    """NumPy's own draw over the parameters as given (no ``size``): its checks, its errors
    and its result's dtype and event shape, for the cost of one sample per parameter."""
    rng = np.random.RandomState(0) if legacy else np.random.default_rng(0)
    with warnings_at_caller():
        return np.asarray(getattr(rng, name)(*args, **kwargs))


def _check_size(batch: tuple[int, ...], *shapes: tuple[int, ...]) -> None:
    try:
        ok = np.broadcast_shapes(batch, *shapes) == batch
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"shape mismatch: parameters of shapes {list(shapes)} cannot be "
                         f"broadcast to size {batch}")


def _simple(method: str, entropy: int, key: tuple, params: dict, sample: np.ndarray,
            size: Any, block_shape: Any, param_batch: dict | None = None) -> BlockArray:
    """A draw by NumPy's ``method`` per block, each block's task getting its part of the
    array ``params`` (``param_batch[name]`` is the number of leading batch axes of that
    parameter; others are sent whole)."""
    event = sample.shape[-1:]
    batch = _batch(size)
    if batch is None:
        batch = sample.shape[:-1]
    param_batch = param_batch or {}

    def task(spawn_key: tuple, slices: tuple, block_batch: tuple, node: int) -> Any:
        kwargs = {}
        for name, value in params.items():
            if name in param_batch:
                value = _piece(np.asarray(value), param_batch[name], slices)
            kwargs[name] = value
        return submit(kernels.random_block, entropy, spawn_key, method, block_batch, None,
                      kwargs, node=node)

    return draw(key, batch, event, sample.dtype, block_shape, task)


def multinomial(entropy: int, key: tuple, n: Any, pvals: Any, size: Any, block_shape: Any,
                legacy: bool = False) -> BlockArray:
    """Multinomial counts: ``n`` trials over the categories of ``pvals`` (last axis)."""
    n, pvals = _values(n), _values(pvals)
    if np.ndim(n) and np.size(n) > 1 and not legacy:
        # many trial counts (the size of the output, perhaps): NumPy's checks of pvals and
        # of one count, the others' sign here; no draw as large as the result's
        n = np.asarray(n)
        if n.size and np.any(n < 0):
            raise ValueError("n < 0")
        probe = _numpy_draw("multinomial", legacy, n.reshape(-1)[0], pvals)
        batch_shape = np.broadcast_shapes(n.shape, probe.shape[:-1])
        sample = np.empty(batch_shape + probe.shape[-1:], probe.dtype)
    else:
        sample = _numpy_draw("multinomial", legacy, n, pvals)
        if np.ndim(n) == 0 and np.asarray(n).dtype.kind == "f":
            n = int(n)  # (NumPy takes one count as an integer: 7.9 trials are 7)
    n, pvals = np.asarray(n), np.asarray(pvals)
    batch = _batch(size)
    if batch is not None:
        _check_size(batch, n.shape, pvals.shape[:-1])
        rank = len(batch)
    else:
        rank = sample.ndim - 1
    pad_n = n.reshape((1,) * max(0, rank - n.ndim) + n.shape)
    pad_p = pvals.reshape((1,) * max(0, rank + 1 - pvals.ndim) + pvals.shape)
    return _simple("multinomial", entropy, key, {"n": pad_n, "pvals": pad_p}, sample, size,
                   block_shape, {"n": rank, "pvals": rank})


def dirichlet(entropy: int, key: tuple, alpha: Any, size: Any, block_shape: Any,
              legacy: bool = False) -> BlockArray:
    """Dirichlet samples: vectors on the simplex with concentration ``alpha``."""
    alpha = _values(alpha)
    sample = _numpy_draw("dirichlet", legacy, alpha)
    return _simple("dirichlet", entropy, key, {"alpha": np.asarray(alpha)}, sample, size,
                   block_shape)


def multivariate_hypergeometric(entropy: int, key: tuple, colors: Any, nsample: Any,
                                size: Any, method: str, block_shape: Any) -> BlockArray:
    """Counts of each color among ``nsample`` draws without replacement from ``colors``."""
    colors = _values(colors)
    sample = _numpy_draw("multivariate_hypergeometric", False, colors, nsample,
                         method=method)
    return _simple("multivariate_hypergeometric", entropy, key,
                   {"colors": np.asarray(colors), "nsample": nsample, "method": method},
                   sample, size, block_shape)


def mvn_factor(mean: Any, cov: Any, check_valid: str, tol: float, method: str
               ) -> tuple[np.ndarray, np.ndarray]:
    """NumPy's checks of ``multivariate_normal``'s arguments and the factor ``F`` of
    ``cov`` (``cov = F @ F.T`` when ``cov`` is positive semi-definite): one factorization,
    on the driver. Returns ``(mean, F)`` as float64."""
    mean, cov = np.asarray(_values(mean)), np.asarray(_values(cov))
    if method not in MVN_METHODS:
        raise ValueError("method must be one of {'eigh', 'svd', 'cholesky'}")
    if mean.dtype.kind == "c" or cov.dtype.kind == "c":
        raise TypeError("mean and cov must not be complex")
    if mean.ndim != 1:
        raise ValueError("mean must be 1 dimensional")
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise ValueError("cov must be 2 dimensional and square")
    if mean.shape[0] != cov.shape[0]:
        raise ValueError("mean and cov must have same length")
    mean, cov = mean.astype(np.float64), cov.astype(np.float64)
    if check_valid not in ("warn", "raise", "ignore"):
        raise ValueError("check_valid must equal 'warn', 'raise', or 'ignore'")
    if method == "cholesky":
        with warnings_at_caller():
            return mean, np.linalg.cholesky(cov)
    if method == "eigh":
        s, u = np.linalg.eigh(cov)
        psd = not np.any(s < -tol)
        factor = u * np.sqrt(np.abs(s))
    else:
        u, s, vh = np.linalg.svd(cov)
        psd = np.allclose(np.dot(vh.T * s, vh), cov, rtol=tol, atol=tol)
        factor = u * np.sqrt(s)
    if not psd and check_valid != "ignore":
        message = "covariance is not symmetric positive-semidefinite."
        if check_valid == "raise":
            raise ValueError(message)
        warn(message, RuntimeWarning)
    return mean, factor


def multivariate_normal(entropy: int, key: tuple, mean: Any, cov: Any, size: Any,
                        check_valid: str, tol: float, method: str, block_shape: Any
                        ) -> BlockArray:
    """Samples of N(mean, cov): ``mean + z @ F.T`` per block, ``z`` standard normal."""
    mean, factor = mvn_factor(mean, cov, check_valid, tol, method)
    batch = _batch(size) or ()

    def task(spawn_key: tuple, slices: tuple, block_batch: tuple, node: int) -> Any:
        return submit(kernels.random_multivariate_normal, entropy, spawn_key, block_batch,
                      mean, factor, node=node)

    return draw(key, batch, mean.shape, np.dtype(np.float64), block_shape, task)
