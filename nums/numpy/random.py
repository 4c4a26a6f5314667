"""nums implementation of numpy.random: every block drawn from its own stream.

:class:`Generator` (``default_rng``) is in :mod:`nums.numpy._random_generator` (its
multivariate draws in :mod:`nums.numpy._random_multivariate`), NumPy's legacy
:class:`RandomState` in :mod:`nums.numpy._random_state`; the module's legacy functions
(``rand``, ``seed``, ``normal``, ...) are the methods of one global RandomState, as in NumPy.
NumPy's seeding objects (``SeedSequence``, the bit generators) are NumPy's own.
"""

from __future__ import annotations

from typing import Any

from numpy.random import (  # noqa: F401  (re-exported: NumPy's seeding objects)
    MT19937,
    PCG64,
    PCG64DXSM,
    SFC64,
    BitGenerator,
    Philox,
    SeedSequence,
)

from nums.numpy._random_generator import DISTRIBUTIONS, Generator
from nums.numpy._random_state import RandomState


def default_rng(seed: Any = None) -> Generator:
    """nums implementation of numpy.random.default_rng."""
    if isinstance(seed, Generator):
        return seed
    return Generator(seed)


_rand = RandomState()  # the legacy functions' generator

LEGACY = ("seed get_state set_state get_bit_generator set_bit_generator rand randn "
          "random random_sample randint random_integers standard_normal "
          "standard_exponential standard_gamma multivariate_normal multinomial dirichlet "
          "bytes permutation shuffle choice").split()
ALIASES = {"ranf": "random_sample", "sample": "random_sample"}
globals().update({name: getattr(_rand, name) for name in (*LEGACY, *DISTRIBUTIONS)})
globals().update({alias: getattr(_rand, name) for alias, name in ALIASES.items()})

__all__ = sorted([
    "Generator", "RandomState", "default_rng", *LEGACY, *ALIASES, *DISTRIBUTIONS,
    "SeedSequence", "BitGenerator", "PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64",
])


def __dir__() -> list[str]:
    """The public names (``__all__``), without imported helpers."""
    return list(__all__)
