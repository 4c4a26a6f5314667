"""nums implementation of numpy.random.Generator: every block drawn from its own stream.

A draw of shape ``size`` on call number ``c`` of a generator seeded by
``SeedSequence(E, spawn_key=K)`` gives block ``i`` (row-major grid order) the stream
``PCG64(SeedSequence(E, spawn_key=K + (c, i)))``; draws with ``size=None`` come from the
driver's stream (key ``K + (2**32 - 1,)``), children of :meth:`Generator.spawn` have keys
``K + (2**32 - 2, j)``. Results are reproducible for a given seed and block layout,
independent of the backend and the number of nodes, and different from numpy's for the
same seed.
"""

from __future__ import annotations

import functools
import operator
import weakref
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array import kernels
from nums.core.array.blockarray import (
    BlockArray,
    make_grid,
    scalar_of,
    submit,
)
from nums.core.array.elementwise import map_broadcast
from nums.core.array.indexing import take_rows
from nums.core.array.writes import check_writeable, write_out
from nums.core.graph.grid import ArrayGrid
from nums.numpy import _random_multivariate as _mv
from nums.numpy._convert import asarray
from nums.numpy._manipulation import ravel, reshape, take

_shape = _mv.size_shape


def _out_size(out: Any, size: Any, dtype: Any) -> tuple[int, ...]:
    """The size of a draw into ``out``, with NumPy's checks of ``out`` against ``size`` and
    ``dtype``."""
    if not isinstance(out, BlockArray):
        raise TypeError("out must be a BlockArray")
    if out.dtype != np.dtype(dtype):
        raise TypeError(f"Supplied output array has the wrong type. Expected "
                        f"{np.dtype(dtype)}, got {out.dtype}")
    if not ((out.flags.c_contiguous or out.flags.f_contiguous) and out.flags.writeable):
        raise ValueError("Supplied output array must be contiguous, writable, aligned, and in "
                         "machine byte-order.")
    if size is not None and _shape(size) != out.shape:
        raise ValueError("size must match out.shape when used together")
    return out.shape


def seed_value(seed: Any) -> Any:
    """A seed as NumPy takes it: an array of ints in nums (or a 0-d result) as its value."""
    return seed.get()[()] if type(seed) is BlockArray and not seed.ndim else (
        seed.get() if type(seed) is BlockArray else seed)


class _DriverStream(np.random.PCG64):
    """NumPy's PCG64 of a Generator's driver stream (draws with ``size=None``), whose
    ``state`` also holds the Generator's count of array draws and spawns (under the key
    ``"nums"``): a saved state set again repeats array draws too, as NumPy's does. NumPy's
    own PCG64 takes the state as it is."""

    def __init__(self, seed: np.random.SeedSequence | None = None,
                 owner: Generator | None = None):
        super().__init__(seed)
        self.own(owner)

    def own(self, owner: Generator | None) -> None:
        """Count ``owner``'s draws in the state (none: a copy being unpickled)."""
        self._owner = (lambda: None) if owner is None else weakref.ref(owner)

    @property
    def state(self) -> dict:
        state = np.random.PCG64.state.__get__(self)
        owner = self._owner()
        if owner is not None:
            state["nums"] = {"calls": owner._calls, "spawned": owner._spawned}
        return state

    @state.setter
    def state(self, value: dict) -> None:
        if isinstance(value, dict) and "nums" in value:
            counts = value["nums"]
            value = {k: v for k, v in value.items() if k != "nums"}
        else:
            counts = None
        np.random.PCG64.state.__set__(self, value)  # (NumPy's checks and errors)
        owner = self._owner()
        if counts is not None and owner is not None:
            owner._calls, owner._spawned = int(counts["calls"]), int(counts["spawned"])


_DriverStream.__name__ = "PCG64"  # (NumPy's name in its state, which NumPy checks)


class Generator:
    """nums implementation of numpy.random.Generator (block-parallel draws).

    Distribution parameters are scalars or arrays (BlockArrays or array-likes), broadcast
    together and to ``size`` as NumPy does; every block draws from its own stream.
    ``size=None`` with scalar parameters draws a single value on the driver and returns it
    as numpy does. Parameter values held by the driver are checked at the call, with
    NumPy's errors; BlockArray parameters are checked as their blocks draw (the error is
    raised when the result is read).

    ``seed``: None, an int or a sequence of ints, a ``SeedSequence``, or a NumPy
    ``BitGenerator`` or ``Generator`` (whose seed sequence seeds the streams: their current
    state is not continued).
    """

    def __init__(self, seed: Any = None):
        seed = seed_value(seed)
        if isinstance(seed, np.random.Generator):
            seed = seed.bit_generator
        if isinstance(seed, np.random.BitGenerator):
            seed = seed.seed_seq
        if not isinstance(seed, np.random.SeedSequence):
            seed = np.random.SeedSequence(seed)
        self._entropy = seed.entropy
        self._key = tuple(seed.spawn_key)  # the prefix of every block's spawn key
        self._calls = 0
        self._spawned = 0
        self._driver = np.random.Generator(_DriverStream(
            np.random.SeedSequence(self._entropy, spawn_key=(*self._key, 2**32 - 1)), self))

    def __setstate__(self, state: dict) -> None:
        """A copy (``copy.deepcopy``, pickle): its driver stream counts its own draws."""
        self.__dict__.update(state)
        stream = self._driver.bit_generator
        if isinstance(stream, _DriverStream):
            stream.own(self)

    def _next_key(self) -> tuple:
        """The spawn-key prefix of a new draw: its blocks add their index to it."""
        call = self._calls
        self._calls += 1
        return (*self._key, call)

    @property
    def bit_generator(self) -> np.random.BitGenerator:
        """The bit generator of the driver's stream (draws with ``size=None``); the blocks
        of array draws have streams of their own, which its ``state`` counts (setting a
        saved state repeats the draws made since, as NumPy's)."""
        return self._driver.bit_generator

    def spawn(self, n_children: int) -> list[Generator]:
        """``n_children`` independent generators (child spawn keys, as numpy's)."""
        first = self._spawned
        self._spawned += n_children
        return [Generator(np.random.SeedSequence(self._entropy,
                                                 spawn_key=(*self._key, 2**32 - 2, i)))
                for i in range(first, first + n_children)]

    def bytes(self, length: int) -> bytes:
        """``length`` random bytes (drawn on the driver: the result is a Python object)."""
        return self._driver.bytes(length)

    def _draw(
        self, method: str, size: Any, dtype: Any, kwargs: dict, block_shape: Any = None
    ) -> Any:
        shape = _shape(size)
        if shape is None:
            # NumPy's generator's own value and type (a Python float where NumPy gives one)
            return getattr(self._driver, method)(**kwargs)
        key = self._next_key()
        sample = np.asarray(getattr(_PROBE, method)(size=1, **kwargs))
        out_dtype = np.dtype(dtype) if dtype is not None else sample.dtype
        grid = make_grid(shape, out_dtype, block_shape)
        order = {idx: i for i, idx in enumerate(grid.indices())}
        entropy = self._entropy
        return BlockArray.build(
            grid,
            lambda idx, node: submit(
                kernels.random_block,
                entropy,
                (*key, order[idx]),
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
        """Uniform floats in [0, 1) (``out``: a BlockArray, filled in place)."""
        if out is not None:
            return write_out(out, self.random(_out_size(out, size, dtype), dtype,
                                              block_shape=out.block_shape))
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
        """Random integers from [low, high) (or [low, high] with ``endpoint``); ``low`` and
        ``high`` may be arrays, broadcast as the distributions' parameters are."""
        if high is None:
            low, high = 0, low
        if any(isinstance(v, BlockArray) or np.ndim(v) != 0 for v in (low, high)):
            params = {"low": low, "high": high, "dtype": np.dtype(dtype), "endpoint": endpoint}
            return self._distribution("integers", params, size, block_shape)
        if (high <= low and not endpoint) or high < low:
            raise ValueError("low >= high" if not endpoint else "low > high")
        kw = {"low": low, "high": high, "dtype": np.dtype(dtype), "endpoint": endpoint}
        return self._draw("integers", size, dtype, kw, block_shape)

    def standard_normal(
        self, size: Any = None, dtype: Any = np.float64, out: Any = None, *, block_shape: Any = None
    ) -> Any:
        """Samples from N(0, 1) (``out``: a BlockArray, filled in place)."""
        if out is not None:
            return write_out(out, self.standard_normal(_out_size(out, size, dtype), dtype,
                                                       block_shape=out.block_shape))
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
        if local and len(local) == len(arrays):  # (with a BlockArray among them, NumPy's
            _validate(method, scalars, local)    # checks run where the blocks draw)
        names = tuple(arrays)
        kernel = functools.partial(kernels.random_with_params, self._entropy,
                                   self._next_key(), method, names, scalars)

        def per_block(grid, idx):
            return {"block": int(np.ravel_multi_index(idx, grid.grid_shape)) if idx else 0,
                    "size": grid.block_shape_at(idx)}

        operands = [asarray(v) for v in arrays.values()]
        return map_broadcast(kernel, operands, dtype, shape=shape, block_shape=block_shape,
                             block_kwargs=per_block)

    def standard_exponential(self, size: Any = None, dtype: Any = np.float64,
                             method: str = "zig", out: Any = None, *,
                             block_shape: Any = None) -> Any:
        """Samples from the standard exponential distribution."""
        if out is not None:
            return write_out(out, self.standard_exponential(_out_size(out, size, dtype), dtype,
                                                            method, block_shape=out.block_shape))
        kw = {"dtype": np.dtype(dtype), "method": method}
        return self._draw("standard_exponential", size, dtype, kw, block_shape)

    def standard_gamma(self, shape: Any, size: Any = None, dtype: Any = np.float64,
                       out: Any = None, *, block_shape: Any = None) -> Any:
        """Samples from the standard gamma distribution (``shape`` scalar or array)."""
        if out is not None:
            return write_out(out, self.standard_gamma(shape, _out_size(out, size, dtype), dtype,
                                                      block_shape=out.block_shape))
        return self._distribution("standard_gamma", {"shape": shape, "dtype": np.dtype(dtype)},
                                  size, block_shape)

    # ----------------------------------------------------------- multivariate draws
    def multivariate_normal(self, mean: Any, cov: Any, size: Any = None,
                            check_valid: str = "warn", tol: float = 1e-8, *,
                            method: str = "svd", block_shape: Any = None) -> BlockArray:
        """Samples of N(mean, cov), shape ``size + mean.shape``: blocks split the ``size``
        axes, ``cov`` is factorized once on the driver, each block draws from its stream."""
        return _mv.multivariate_normal(self._entropy, self._next_key(), mean, cov, size,
                                       check_valid, tol, method, block_shape)

    def multinomial(self, n: Any, pvals: Any, size: Any = None, *,
                    block_shape: Any = None) -> BlockArray:
        """Multinomial counts; ``n`` and ``pvals[..., :-1]`` broadcast as in NumPy."""
        return _mv.multinomial(self._entropy, self._next_key(), n, pvals, size, block_shape)

    def multivariate_hypergeometric(self, colors: Any, nsample: int, size: Any = None,
                                    method: str = "marginals", *,
                                    block_shape: Any = None) -> BlockArray:
        """Counts of each color among ``nsample`` draws without replacement."""
        return _mv.multivariate_hypergeometric(self._entropy, self._next_key(), colors,
                                               nsample, size, method, block_shape)

    def dirichlet(self, alpha: Any, size: Any = None, *, block_shape: Any = None
                  ) -> BlockArray:
        """Dirichlet samples, shape ``size + (len(alpha),)``."""
        return _mv.dirichlet(self._entropy, self._next_key(), alpha, size, block_shape)

    # ----------------------------------------------------------- permutations
    def permutation(self, x: Any, axis: int = 0) -> BlockArray:
        """A permuted range (int ``x``) or a copy of ``x`` permuted along ``axis``.

        The permutation of indices is drawn on the driver (8 bytes per entry of the axis);
        the array is then gathered block by block (``take``).
        """
        x = scalar_of(x)
        if isinstance(x, int | np.integer):
            return asarray(self._driver.permutation(int(x)))
        x = asarray(x)
        axis = normalize_axis_index(axis, x.ndim)  # (NumPy's AxisError for a 0-d x)
        perm = self._driver.permutation(x.shape[axis])
        return take_rows(x, perm) if axis == 0 else take(x, perm, axis=axis)

    def shuffle(self, x: Any, axis: int = 0) -> None:
        """Shuffle ``x`` along ``axis`` in place (``x`` and its views see the new order); a
        list or a NumPy array is shuffled by NumPy's generator, from this one's stream."""
        if not isinstance(x, BlockArray):
            self._driver.shuffle(x, axis)  # (NumPy's errors for what is not a sequence)
            return
        if x.ndim == 0:
            raise TypeError("len() of unsized object")  # NumPy's
        check_writeable(x)
        write_out(x, self.permutation(x, axis))

    def permuted(self, x: Any, *, axis: int | None = None, out: Any = None) -> BlockArray:
        """``x`` with each slice along ``axis`` shuffled independently (``axis=None``: the
        flattened array shuffled). Blocks whole along ``axis`` each shuffle their slices
        from their own stream; ``axis=None`` permutes the flat indices on the driver."""
        x = asarray(x)
        if axis is None:
            if x.ndim == 0:
                raise TypeError("len() of unsized object")  # NumPy's
            perm = self._driver.permutation(x.size)
            result = reshape(take(ravel(x), perm), x.shape)
        else:
            axis = normalize_axis_index(axis, x.ndim)
            bs = list(x.block_shape)
            bs[axis] = max(1, x.shape[axis])
            kernel = functools.partial(kernels.random_permuted, entropy=self._entropy,
                                       key=self._next_key(), axis=axis)

            def per_block(grid, idx):
                return {"block": int(np.ravel_multi_index(idx, grid.grid_shape)) if idx else 0}

            result = map_broadcast(kernel, [x], x.dtype, shape=x.shape,
                                   block_shape=tuple(bs), block_kwargs=per_block)
        if out is not None:
            if not isinstance(out, BlockArray):
                raise TypeError("out must be a BlockArray")
            if not np.can_cast(result.dtype, out.dtype, "safe"):
                raise TypeError(f"Cannot cast array data from dtype({str(result.dtype)!r}) to "
                                f"dtype({str(out.dtype)!r}) according to the rule 'safe'")
            return write_out(out, result)
        return result

    def choice(
        self,
        a: Any,
        size: Any = None,
        replace: bool = True,
        p: Any = None,
        axis: int = 0,
        shuffle: bool = True,
    ) -> Any:
        """Random samples from ``a`` (an int n means ``arange(n)``) along ``axis``.

        With replacement every block draws its indices from its own stream (``p``, a
        vector of ``a``'s length, is sent to the tasks); without replacement the indices
        are drawn on the driver (8 bytes per sample). Samples are gathered block by block.
        """
        a = scalar_of(a)
        if isinstance(a, BlockArray | np.ndarray) and a.ndim == 0:
            try:  # (a 0-d array of an integer is that integer, as NumPy takes it)
                a = operator.index(a.item())
            except TypeError as e:
                raise ValueError(f"a must be a sequence or an integer, not {np.ndarray}") from e
        if isinstance(a, int | np.integer):
            n = int(a)
            pool = None
        else:
            pool = asarray(a)
            if pool.ndim == 0:
                raise ValueError("a must be a sequence or an integer, not 0-d")
            axis = normalize_axis_index(axis, pool.ndim)
            n = pool.shape[axis]
        if n == 0 and (size is None or np.prod(_shape(size)) > 0):
            raise ValueError("a cannot be empty unless no samples are taken")
        if p is not None:  # (its dtype kept: NumPy's tolerance of its sum is float32's for
            p = np.asarray(p.get() if isinstance(p, BlockArray) else p)  # float32 p)
        if size is None:
            i = self._driver.choice(n, replace=replace, p=p, shuffle=shuffle)
            if pool is None:
                return i
            item = take(pool, int(i), axis=axis)
            return item.get()[()] if pool.ndim == 1 else item
        shape = _shape(size)
        if n == 0:  # no samples of nothing: an empty result
            idx = BlockArray.full(shape, 0, np.int64)
            return idx if pool is None else take(pool, idx, axis=axis)
        if not replace:
            idx = asarray(self._driver.choice(n, size=shape, replace=False, p=p,
                                              shuffle=shuffle))
        elif p is not None:  # each block draws its indices, the probabilities sent along
            idx = self._draw("choice", shape, None, {"a": n, "p": p})
        else:
            idx = self.integers(0, n, size=shape)
        if pool is None:
            return idx
        if pool.ndim == 1:
            return _take_1d(pool, idx)
        return take(pool, idx, axis=axis)


# Univariate distributions of numpy.random.Generator: each takes its parameters as scalars or
# arrays (broadcast as NumPy does) and ``size``; the methods are made from NumPy's
# signatures, and their docstrings are NumPy's (read at import time).
DISTRIBUTIONS = (
    "beta binomial chisquare exponential f gamma geometric gumbel hypergeometric laplace "
    "logistic lognormal logseries negative_binomial noncentral_chisquare noncentral_f normal "
    "pareto poisson power rayleigh standard_cauchy standard_t triangular uniform vonmises "
    "wald weibull zipf"
).split()


# draws whose values nobody reads (a result's dtype, NumPy's checks of parameters): one
# generator for all of them (a new one costs more than a small draw itself)
_PROBE = np.random.default_rng(0)


def _result_dtype(method: str, scalars: dict, arrays: dict, local: dict) -> np.dtype:
    """The dtype of a draw (NumPy's, from one draw with harmless parameters)."""
    probe = {**scalars, **{k: np.asarray(v).reshape(-1)[:1] if k in local and np.size(v)
                           else None for k, v in arrays.items()}}
    probe = {k: v for k, v in probe.items() if v is not None}
    try:
        sample = getattr(_PROBE, method)(**probe, size=1)
    except (ValueError, TypeError):
        sample = None
    if sample is not None:
        return np.asarray(sample).dtype
    if "dtype" in scalars:  # (integers, standard_gamma, ...: the dtype asked for)
        return np.dtype(scalars["dtype"])
    integral = {"binomial", "geometric", "hypergeometric", "logseries", "negative_binomial",
                "poisson", "zipf", "integers"}
    return np.dtype(np.int64 if method in integral else np.float64)


def _validate(method: str, scalars: dict, local: dict) -> None:
    """NumPy's checks of parameter values held in the driver (its errors, its messages):
    one draw per distinct broadcast combination would cost as much as the data, so NumPy
    draws once over the parameters as given (their size, not the output's)."""
    getattr(_PROBE, method)(**scalars, **local)


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
    grid = ArrayGrid(idx.shape, idx.block_shape, pool.dtype)

    def task(b: tuple, node: int) -> Any:  # (blocks read here: see BlockArray.blocks)
        refs = [pool.blocks[(i,)] for i in range(pool.grid_shape[0])]
        return submit(kernels.choice_take, idx.blocks[b], offsets, *refs, node=node)

    return BlockArray.build(
        grid, task,
        reads=lambda b: [(idx, idx.grid.block_slices(b)), (pool, [slice(0, pool.shape[0])])],
        name="choice")
