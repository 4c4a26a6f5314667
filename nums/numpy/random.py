"""nums implementation of numpy.random: every block drawn from its own stream.

A draw of shape ``size`` with seed entropy ``E`` on call number ``c`` of a generator gives
block ``i`` (row-major grid order) the stream ``PCG64(SeedSequence(E, spawn_key=(c, i)))``.
Results are reproducible for a given seed and block layout, independent of the backend and
the number of nodes, and different from numpy's for the same seed.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, make_grid, normalize_shape, submit
from nums.core.array.elementwise import map_broadcast
from nums.core.array.indexing import take_rows
from nums.core.array.writes import check_writeable, write_out
from nums.core.graph.grid import ArrayGrid
from nums.numpy._convert import asarray


def _shape(size: Any) -> tuple[int, ...] | None:
    return None if size is None else normalize_shape(size)


def _check_scalar(name: str, value: Any) -> Any:
    if isinstance(value, BlockArray) or np.ndim(value) != 0:
        raise NotImplementedError(f"nums.numpy.random supports scalar '{name}' only")
    return value


class Generator:
    """nums implementation of numpy.random.Generator (block-parallel draws).

    Distribution parameters are scalars or arrays (BlockArrays or array-likes), broadcast
    together and to ``size`` as NumPy does; every block draws from its own stream.
    ``size=None`` with scalar parameters draws a single value on the driver and returns it
    as numpy does. Parameter values held by the driver are checked at the call, with
    NumPy's errors; BlockArray parameters are checked as their blocks draw (the error is
    raised when the result is read).
    """

    def __init__(self, seed: Any = None):
        if isinstance(seed, np.random.SeedSequence):
            self._entropy = seed.entropy
        elif seed is None:
            self._entropy = np.random.SeedSequence().entropy
        else:
            self._entropy = np.random.SeedSequence(seed).entropy
        self._calls = 0
        self._driver = np.random.default_rng(
            np.random.SeedSequence(self._entropy, spawn_key=(2**32 - 1,))
        )

    def _draw(
        self, method: str, size: Any, dtype: Any, kwargs: dict, block_shape: Any = None
    ) -> Any:
        shape = _shape(size)
        if shape is None:
            value = getattr(self._driver, method)(**kwargs)
            return value if dtype is None else np.asarray(value, dtype=dtype)[()]
        call = self._calls
        self._calls += 1
        sample = np.asarray(getattr(np.random.default_rng(0), method)(size=1, **kwargs))
        out_dtype = np.dtype(dtype) if dtype is not None else sample.dtype
        grid = make_grid(shape, out_dtype, block_shape)
        order = {idx: i for i, idx in enumerate(grid.indices())}
        entropy = self._entropy
        return BlockArray.build(
            grid,
            lambda idx, node: submit(
                kernels.random_block,
                entropy,
                (call, order[idx]),
                method,
                grid.block_shape_at(idx),
                out_dtype,
                kwargs,
                node=node,
            ),
        )

    def random(
        self, size: Any = None, dtype: Any = np.float64, out: Any = None, *, block_shape: Any = None
    ) -> Any:
        """Uniform floats in [0, 1)."""
        return self._draw("random", size, dtype, {"dtype": np.dtype(dtype)}, block_shape)

    def integers(
        self,
        low: Any,
        high: Any = None,
        size: Any = None,
        dtype: Any = np.int64,
        endpoint: bool = False,
        *,
        block_shape: Any = None,
    ) -> Any:
        """Random integers from [low, high) (or [low, high] with ``endpoint``)."""
        _check_scalar("low", low)
        if high is None:
            low, high = 0, low
        _check_scalar("high", high)
        if (high <= low and not endpoint) or high < low:
            raise ValueError("low >= high" if not endpoint else "low > high")
        kw = {"low": low, "high": high, "dtype": np.dtype(dtype), "endpoint": endpoint}
        return self._draw("integers", size, dtype, kw, block_shape)

    def standard_normal(
        self, size: Any = None, dtype: Any = np.float64, out: Any = None, *, block_shape: Any = None
    ) -> Any:
        """Samples from N(0, 1)."""
        return self._draw("standard_normal", size, dtype, {"dtype": np.dtype(dtype)}, block_shape)

    def _distribution(self, method: str, params: dict, size: Any, block_shape: Any = None
                      ) -> Any:
        """A draw of ``method`` whose ``params`` may be scalars or arrays (broadcast
        together, and to ``size`` when given, as NumPy does)."""
        arrays = {k: v for k, v in params.items()
                  if isinstance(v, BlockArray) or np.ndim(v) != 0}
        if not arrays:
            return self._draw(method, size, None, dict(params), block_shape)
        scalars = {k: v for k, v in params.items() if k not in arrays}
        arrays = {k: v if isinstance(v, BlockArray) else np.asarray(v)
                  for k, v in arrays.items()}
        local = {k: v for k, v in arrays.items() if not isinstance(v, BlockArray)}
        shapes = [tuple(v.shape) for v in arrays.values()]
        want = _shape(size)
        shape = np.broadcast_shapes(*shapes) if want is None else want
        if want is not None and np.broadcast_shapes(want, *shapes) != want:
            raise ValueError(f"shape mismatch: parameters of shapes {shapes} cannot be "
                             f"broadcast to size {want}")
        # NumPy checks the values it is given (lam < 0, ...): those in the driver's memory
        # are checked here, with NumPy's own errors; BlockArray ones when the blocks draw
        dtype = _result_dtype(method, scalars, arrays, local)
        if local:
            _validate(method, scalars, local)
        call = self._calls
        self._calls += 1
        names = tuple(arrays)
        kernel = functools.partial(kernels.random_with_params, self._entropy, call, method,
                                   names, scalars)

        def per_block(grid, idx):
            return {"block": int(np.ravel_multi_index(idx, grid.grid_shape)) if idx else 0,
                    "size": grid.block_shape_at(idx)}

        operands = [asarray(v) for v in arrays.values()]
        return map_broadcast(kernel, operands, dtype, shape=shape, block_shape=block_shape,
                             block_kwargs=per_block)

    def permutation(self, x: Any, axis: int = 0) -> BlockArray:
        """A permuted range (int ``x``) or a copy of ``x`` with rows permuted.

        The permutation of indices is drawn on the driver (8 bytes per row); rows are then
        gathered block by block.
        """
        if axis != 0:
            raise NotImplementedError("nums permutation supports axis=0 only")
        if isinstance(x, int | np.integer):
            perm = self._driver.permutation(int(x))
            return asarray(perm)
        x = asarray(x)
        if x.ndim == 0:
            raise IndexError("x must be an integer or at least 1-dimensional")
        return take_rows(x, self._driver.permutation(x.shape[0]))

    def shuffle(self, x: BlockArray, axis: int = 0) -> None:
        """Shuffle ``x`` along ``axis`` in place (``x`` and its views see the new order)."""
        if not isinstance(x, BlockArray):
            raise TypeError("nums shuffle needs a BlockArray")
        check_writeable(x)
        write_out(x, self.permutation(x, axis))

    def choice(
        self,
        a: Any,
        size: Any = None,
        replace: bool = True,
        p: Any = None,
        axis: int = 0,
        shuffle: bool = True,
    ) -> Any:
        """Random samples from ``a`` (an int n means ``arange(n)``)."""
        if isinstance(a, int | np.integer):
            n = int(a)
            pool = None
        else:
            pool = asarray(a)
            if pool.ndim != 1:
                raise NotImplementedError("nums choice supports 1-d 'a' only")
            n = pool.shape[0]
        if n == 0 and (size is None or np.prod(normalize_shape(size)) > 0):
            raise ValueError("a cannot be empty unless no samples are taken")
        if size is None:
            i = self._driver.choice(n, replace=replace, p=None if p is None else np.asarray(p))
            return i if pool is None else pool[int(i)].get()[()]
        shape = normalize_shape(size)
        if p is not None:
            p = np.asarray(p.get() if isinstance(p, BlockArray) else p, dtype=float)
        if not replace or p is not None:
            idx = asarray(self._driver.choice(n, size=shape, replace=replace, p=p))
        else:
            idx = self.integers(0, n, size=shape)
        if pool is None:
            return idx
        return _take_1d(pool, idx)


# Univariate distributions of numpy.random.Generator: each takes its parameters as scalars or
# arrays (broadcast as NumPy does) and ``size``; the methods are made from NumPy's
# signatures, and their docstrings are NumPy's (read at import time).
DISTRIBUTIONS = (
    "beta binomial chisquare exponential f gamma geometric gumbel hypergeometric laplace "
    "logistic lognormal logseries negative_binomial noncentral_chisquare noncentral_f normal "
    "pareto poisson power rayleigh standard_cauchy standard_t triangular uniform vonmises "
    "wald weibull zipf"
).split()


def _result_dtype(method: str, scalars: dict, arrays: dict, local: dict) -> np.dtype:
    """The dtype of a draw (NumPy's, from one draw with harmless parameters)."""
    probe = {**scalars, **{k: np.asarray(v).reshape(-1)[:1] if k in local and np.size(v)
                           else None for k, v in arrays.items()}}
    probe = {k: v for k, v in probe.items() if v is not None}
    try:
        sample = getattr(np.random.default_rng(0), method)(**probe, size=1)
    except (ValueError, TypeError):
        sample = None
    if sample is not None:
        return np.asarray(sample).dtype
    integral = {"binomial", "geometric", "hypergeometric", "logseries", "negative_binomial",
                "poisson", "zipf"}
    return np.dtype(np.int64 if method in integral else np.float64)


def _validate(method: str, scalars: dict, local: dict) -> None:
    """NumPy's checks of parameter values held in the driver (its errors, its messages):
    one draw per distinct broadcast combination would cost as much as the data, so NumPy
    draws once over the parameters as given (their size, not the output's)."""
    getattr(np.random.default_rng(0), method)(**scalars, **local)


def _make_method(name: str):
    import inspect

    numpy_method = getattr(np.random.Generator, name)
    params = [p for p in inspect.signature(numpy_method).parameters.values()
              if p.name not in ("self", "size")]
    names = [p.name for p in params]
    defaults = {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}

    def method(self, *args: Any, size: Any = None, block_shape: Any = None, **kwargs: Any
               ) -> Any:
        if len(args) > len(names):
            size, args = args[len(names)], args[:len(names)]
            if len(args) > len(names) + 1:
                raise TypeError(f"{name}() takes at most {len(names) + 1} positional "
                                "arguments")
        values = dict(defaults)
        values.update(zip(names, args))
        for k, v in kwargs.items():
            if k not in names:
                raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")
            values[k] = v
        missing = [n for n in names if n not in values]
        if missing:
            raise TypeError(f"{name}() missing required argument '{missing[0]}'")
        return self._distribution(name, values, size, block_shape)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = numpy_method.__doc__
    return method


for _name in DISTRIBUTIONS:
    setattr(Generator, _name, _make_method(_name))


def _take_1d(pool: BlockArray, idx: BlockArray) -> BlockArray:
    offsets = pool.grid.boundaries(0)[:-1]
    refs = [pool.blocks[(i,)] for i in range(pool.grid_shape[0])]
    blocks = idx.blocks
    grid = ArrayGrid(idx.shape, idx.block_shape, pool.dtype)
    return BlockArray.build(
        grid, lambda b, node: submit(kernels.choice_take, blocks[b], offsets, *refs, node=node),
        reads=lambda b: [(idx, idx.grid.block_slices(b)), (pool, [slice(0, pool.shape[0])])],
        name="choice")


def default_rng(seed: Any = None) -> Generator:
    """nums implementation of numpy.random.default_rng."""
    if isinstance(seed, Generator):
        return seed
    return Generator(seed)


# --------------------------------------------------------------------- legacy functions
_global = Generator()


def seed(seed: Any = None) -> None:
    """Reseed the global generator used by the legacy functions."""
    global _global
    _global = Generator(seed)


def rand(*shape: int) -> Any:
    """Uniform floats in [0, 1) of the given shape."""
    return _global.random(shape if shape else None)


def randn(*shape: int) -> Any:
    """Standard normal samples of the given shape."""
    return _global.standard_normal(shape if shape else None)


def random(size: Any = None) -> Any:
    """Uniform floats in [0, 1)."""
    return _global.random(size)


random_sample = random
ranf = random
sample = random


def randint(low: Any, high: Any = None, size: Any = None, dtype: Any = int) -> Any:
    """Random integers from [low, high)."""
    return _global.integers(low, high, size, dtype=np.dtype(dtype))


def standard_normal(size: Any = None) -> Any:
    """Samples from N(0, 1)."""
    return _global.standard_normal(size)


def _legacy(name: str):
    def function(*args: Any, **kwargs: Any) -> Any:
        return getattr(_global, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = getattr(np.random, name).__doc__
    return function


for _name in DISTRIBUTIONS:
    globals()[_name] = _legacy(_name)


def permutation(x: Any) -> BlockArray:
    """A permuted range or a row-permuted copy of ``x``."""
    return _global.permutation(x)


def shuffle(x: BlockArray) -> None:
    """Shuffle the rows of ``x`` in place (rebinding its blocks)."""
    _global.shuffle(x)


def choice(a: Any, size: Any = None, replace: bool = True, p: Any = None) -> Any:
    """Random samples from ``a``."""
    return _global.choice(a, size, replace, p)


__all__ = [
    "Generator",
    "default_rng",
    "seed",
    "rand",
    "randn",
    "random",
    "random_sample",
    "ranf",
    "sample",
    "randint",
    "standard_normal",
    "permutation",
    "shuffle",
    "choice",
    *DISTRIBUTIONS,
]


def __dir__() -> list[str]:
    """The public names (``__all__``), without imported helpers."""
    return list(__all__)
