"""nums implementation of numpy.random.RandomState: NumPy's legacy interface (``rand``,
``randn``, ``randint``, ``random_sample``, the distributions, ...) on a
:class:`~nums.numpy._random_generator.Generator`, so that every block draws from its own
stream as the Generator's do.

Differs from NumPy: the streams are not MT19937's (the same seed gives other values than
NumPy's), and :meth:`RandomState.get_state` returns nums' state (a dict that
:meth:`RandomState.set_state` takes back), not MT19937's key tuple.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, scalar_of
from nums.numpy import _random_multivariate as _mv
from nums.numpy._random_generator import DISTRIBUTIONS, Generator, seed_value
from runtime.errors import warn

STATE_NAME = "nums.numpy.random"


class RandomState:
    """NumPy's legacy random interface; ``seed`` as NumPy's (None, an int, an array of
    ints, a SeedSequence or a BitGenerator)."""

    def __init__(self, seed: Any = None):
        self._gen = Generator(seed)

    def seed(self, seed: Any = None) -> None:
        """Reseed: the following draws start from ``seed``'s streams (NumPy's checks of a
        legacy seed: 0 to 2**32 - 1)."""
        seed = seed_value(seed)
        if seed is not None:
            np.random.RandomState(seed)  # (its errors; the streams are nums's)
        self._gen = Generator(seed)

    def get_state(self, legacy: bool = True) -> dict[str, Any]:
        """The generator's state: a dict for :meth:`set_state` (nums' streams, not
        MT19937's: ``legacy`` is accepted and the format is always this dict)."""
        g = self._gen
        return {"bit_generator": STATE_NAME, "entropy": g._entropy, "spawn_key": g._key,
                "calls": g._calls, "spawned": g._spawned,
                "driver": g._driver.bit_generator.state}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore a state returned by :meth:`get_state`."""
        if not isinstance(state, dict | tuple):
            raise TypeError("state must be a dict or a tuple.")  # (NumPy's)
        if not isinstance(state, dict) or state.get("bit_generator") != STATE_NAME:
            raise ValueError("nums' RandomState takes the states its get_state returns "
                             "(MT19937 key tuples do not describe nums' block streams)")
        g = Generator(np.random.SeedSequence(state["entropy"], spawn_key=state["spawn_key"]))
        g._calls, g._spawned = state["calls"], state["spawned"]
        g._driver.bit_generator.state = state["driver"]
        self._gen = g

    def get_bit_generator(self) -> np.random.BitGenerator:
        """The bit generator of the driver's stream (draws with ``size=None``)."""
        return self._gen.bit_generator

    def set_bit_generator(self, bitgen: np.random.BitGenerator) -> None:
        """Reseed from ``bitgen``'s seed sequence."""
        self._gen = Generator(bitgen)

    # ------------------------------------------------------------------ NumPy's names
    def rand(self, *shape: int) -> Any:
        """Uniform floats in [0, 1) of the given shape."""
        return self._gen.random(shape if shape else None)

    def randn(self, *shape: int) -> Any:
        """Standard normal samples of the given shape."""
        return self._gen.standard_normal(shape if shape else None)

    def random_sample(self, size: Any = None) -> Any:
        """Uniform floats in [0, 1)."""
        return self._gen.random(size)

    random = random_sample

    def uniform(self, low: Any = 0.0, high: Any = 1.0, size: Any = None) -> Any:
        """Uniform samples from ``[low, high)``: ``low + (high - low) * random_sample()``, as
        NumPy's legacy method computes them (``high < low`` is allowed)."""
        _legacy_checks("uniform", (low, high), {} if size is None else {"size": size})
        if size is None:
            shapes = [v.shape if isinstance(v, BlockArray) else np.shape(v) for v in (low, high)]
            size = np.broadcast_shapes(*shapes)
            if not size and not any(isinstance(v, BlockArray) for v in (low, high)):
                size = None  # (one Python float, as NumPy's)
        u = self._gen.random(size)
        low = low if isinstance(low, BlockArray) or np.ndim(low) == 0 else np.asarray(low, float)
        high = high if isinstance(high, BlockArray) or np.ndim(high) == 0 else np.asarray(
            high, float)
        return low + (high - low) * u

    def randint(self, low: Any, high: Any = None, size: Any = None, dtype: Any = int) -> Any:
        """Random integers from [low, high)."""
        value = self._gen.integers(low, high, size, dtype=np.dtype(dtype))
        # one draw of the default ``dtype=int`` is a Python int in NumPy
        return int(value) if dtype is int and isinstance(value, np.integer) else value

    def random_integers(self, low: Any, high: Any = None, size: Any = None) -> Any:
        """Random integers from [low, high] (deprecated in NumPy: use randint)."""
        if high is None:
            low, high = 1, low
        warn(f"This function is deprecated. Please call randint({low}, {high} + 1) instead",
             DeprecationWarning)
        return self._gen.integers(low, high, size, dtype=np.dtype(int), endpoint=True)

    def tomaxint(self, size: Any = None) -> Any:
        """Random integers in [0, the largest C long]."""
        return self._gen.integers(0, sys.maxsize, size, dtype=np.dtype("long"),
                                  endpoint=True)

    def standard_normal(self, size: Any = None) -> Any:
        """Samples from N(0, 1)."""
        return self._gen.standard_normal(size)

    def standard_exponential(self, size: Any = None) -> Any:
        """Samples from the standard exponential distribution."""
        return self._gen.standard_exponential(size)

    def standard_gamma(self, shape: Any, size: Any = None) -> Any:
        """Samples from the standard gamma distribution."""
        return self._gen.standard_gamma(shape, size)

    def multivariate_normal(self, mean: Any, cov: Any, size: Any = None,
                            check_valid: str = "warn", tol: float = 1e-8) -> BlockArray:
        """Samples of N(mean, cov) (the SVD factor of cov, as NumPy's legacy method)."""
        return self._gen.multivariate_normal(mean, cov, size, check_valid, tol)

    def multinomial(self, n: int, pvals: Any, size: Any = None) -> BlockArray:
        """Multinomial counts (NumPy's legacy checks: integer ``n``, 1-d ``pvals``)."""
        return _mv.multinomial(self._gen._entropy, self._gen._next_key(), n, pvals, size,
                               None, legacy=True)

    def dirichlet(self, alpha: Any, size: Any = None) -> BlockArray:
        """Dirichlet samples (NumPy's legacy checks)."""
        return _mv.dirichlet(self._gen._entropy, self._gen._next_key(), alpha, size, None,
                             legacy=True)

    def bytes(self, length: int) -> bytes:
        """``length`` random bytes."""
        return self._gen.bytes(length)

    def permutation(self, x: Any) -> BlockArray:
        """A permuted range or a row-permuted copy of ``x``."""
        x = scalar_of(x)
        if not isinstance(x, int | np.integer) and np.ndim(x) == 0:
            raise IndexError("x must be an integer or at least 1-dimensional")  # NumPy's
        return self._gen.permutation(x)

    def shuffle(self, x: Any) -> None:
        """Shuffle the rows of ``x`` in place (a list or a NumPy array too)."""
        self._gen.shuffle(x)

    def choice(self, a: Any, size: Any = None, replace: bool = True, p: Any = None) -> Any:
        """Random samples from ``a`` (an integer, or a 1-d array as NumPy's legacy choice
        requires; the Generator's also takes rows of n-d arrays)."""
        a = scalar_of(a)
        if (a.ndim if isinstance(a, BlockArray) else np.ndim(a)) > 1:
            raise ValueError("a must be 1-dimensional")
        return self._gen.choice(a, size, replace, p)


# draws whose values nobody reads: NumPy's legacy checks of parameters (its own rules:
# ``hypergeometric`` needs ``nsample >= 1``; ``uniform`` takes ``high < low``)
_PROBE = np.random.RandomState(0)


def _legacy_checks(name: str, args: tuple, kwargs: dict) -> None:
    """NumPy's legacy method ``name`` on the parameters as given (not ``size``) when they
    are all in the driver: its errors, where the Generator's rules differ."""
    params = list(args)
    if "size" in kwargs or len(params) > _ARITY.get(name, len(params)):
        params = params[:_ARITY.get(name, len(params))]
    given = {k: v for k, v in kwargs.items() if k != "size"}
    if any(isinstance(v, BlockArray) for v in [*params, *given.values()]):
        return  # (checked where the blocks draw)
    getattr(_PROBE, name)(*params, **given)


def _legacy(name: str):
    def method(self, *args: Any, **kwargs: Any) -> Any:
        _legacy_checks(name, args, kwargs)
        return getattr(self._gen, name)(*args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = getattr(np.random.RandomState, name).__doc__
    return method


# parameters of each legacy distribution (before ``size``), from NumPy's signatures
_ARITY = {n: len([p for p in inspect.signature(getattr(np.random.RandomState, n)).parameters
                  if p not in ("self", "size")])
          for n in DISTRIBUTIONS if hasattr(np.random.RandomState, n)}

for _name in DISTRIBUTIONS:
    if _name != "uniform":
        setattr(RandomState, _name, _legacy(_name))
