"""nums implementation of numpy.random: every block drawn from its own stream.

A draw of shape ``size`` with seed entropy ``E`` on call number ``c`` of a generator gives
block ``i`` (row-major grid order) the stream ``PCG64(SeedSequence(E, spawn_key=(c, i)))``.
Results are reproducible for a given seed and block layout, independent of the backend and
the number of nodes, and different from numpy's for the same seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array import kernels
from nums.core.array.blockarray import BlockArray, make_grid, normalize_shape, submit
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

    Distribution parameters must be scalars. ``size=None`` draws a single value on the
    driver and returns it as numpy does.
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

    def normal(
        self, loc: float = 0.0, scale: float = 1.0, size: Any = None, *, block_shape: Any = None
    ) -> Any:
        """Samples from N(loc, scale**2)."""
        _check_scalar("loc", loc)
        _check_scalar("scale", scale)
        if scale < 0:
            raise ValueError("scale < 0")
        return self._draw("normal", size, None, {"loc": loc, "scale": scale}, block_shape)

    def uniform(
        self, low: float = 0.0, high: float = 1.0, size: Any = None, *, block_shape: Any = None
    ) -> Any:
        """Uniform samples from [low, high)."""
        _check_scalar("low", low)
        _check_scalar("high", high)
        return self._draw("uniform", size, None, {"low": low, "high": high}, block_shape)

    def exponential(self, scale: float = 1.0, size: Any = None, *, block_shape: Any = None) -> Any:
        """Exponential samples."""
        _check_scalar("scale", scale)
        if scale < 0:
            raise ValueError("scale < 0")
        return self._draw("exponential", size, None, {"scale": scale}, block_shape)

    def poisson(self, lam: float = 1.0, size: Any = None, *, block_shape: Any = None) -> Any:
        """Poisson samples."""
        _check_scalar("lam", lam)
        if lam < 0:
            raise ValueError("lam < 0")
        return self._draw("poisson", size, None, {"lam": lam}, block_shape)

    def binomial(self, n: int, p: float, size: Any = None, *, block_shape: Any = None) -> Any:
        """Binomial samples."""
        _check_scalar("n", n)
        _check_scalar("p", p)
        if n < 0:
            raise ValueError("n < 0")
        if not 0 <= p <= 1:
            raise ValueError("p < 0, p > 1 or p is NaN")
        return self._draw("binomial", size, None, {"n": n, "p": p}, block_shape)

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


def uniform(low: float = 0.0, high: float = 1.0, size: Any = None) -> Any:
    """Uniform samples from [low, high)."""
    return _global.uniform(low, high, size)


def normal(loc: float = 0.0, scale: float = 1.0, size: Any = None) -> Any:
    """Samples from N(loc, scale**2)."""
    return _global.normal(loc, scale, size)


def standard_normal(size: Any = None) -> Any:
    """Samples from N(0, 1)."""
    return _global.standard_normal(size)


def exponential(scale: float = 1.0, size: Any = None) -> Any:
    """Exponential samples."""
    return _global.exponential(scale, size)


def poisson(lam: float = 1.0, size: Any = None) -> Any:
    """Poisson samples."""
    return _global.poisson(lam, size)


def binomial(n: int, p: float, size: Any = None) -> Any:
    """Binomial samples."""
    return _global.binomial(n, p, size)


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
    "uniform",
    "normal",
    "standard_normal",
    "exponential",
    "poisson",
    "binomial",
    "permutation",
    "shuffle",
    "choice",
]


def __dir__() -> list[str]:
    """The public names (``__all__``), without imported helpers."""
    return list(__all__)
