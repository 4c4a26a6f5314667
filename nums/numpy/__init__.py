"""nums.numpy: NumPy's namespace on distributed block arrays.

``import nums.numpy as np`` and NumPy code runs on BlockArrays: same names, signatures,
result values, shapes, dtypes (NEP 50) and exceptions. Operations return at once with
futures; ``x.get()`` (or ``numpy.asarray(x)``, printing, ``float(x)``) fetches values.

The namespace is filled from the registry (:mod:`nums.numpy._registry`): each family module
below lists its names in its ``__all__``, and one ``register_module`` line per family
declares them (namespace, ``__all__``, BlockArray methods, NumPy's docstrings, the generated
page ``docs/numpy_support.md``). Any other public NumPy function is an explicit fallback
(:func:`fallbacks` lists them).
"""

import numpy as _np

from nums.core.array.blockarray import BlockArray
from nums.numpy import (
    _along_axis,
    _array_api,
    _assembling,
    _composed,
    _convert,
    _convolution,
    _covariance,
    _creation,
    _differences,
    _dtypes,
    _einsum,
    _elementwise,
    _from_iterable,
    _histograms,
    _index_arithmetic,
    _index_tricks,
    _inplace,
    _io,
    _logic,
    _lookup,
    _manipulation,
    _matrices,
    _nanfunctions,
    _ndarray,
    _numpy_elementwise,
    _numpy_modules,
    _numpy_objects,
    _padding,
    _polynomial,
    _products,
    _rearranging,
    _reductions,
    _registry,
    _repeating,
    _resident_calls,
    _selection,
    _sequences,
    _small_on_driver,
    _sorting,
    _splitting,
    _stacking,
    _statistics,
    _utilities,
    _vectorize,
    _vectors,
    _windows,
    char,
    emath,
    fft,
    lib,
    linalg,
    random,
    strings,
)
from nums.numpy._fallback import GatherWarning, numpy_fallback

for _family in (_convert, _dtypes, _creation, _elementwise, _manipulation, _logic, _reductions,
                _nanfunctions, _products, _inplace, _io, _along_axis, _splitting, _stacking,
                _rearranging, _composed, _selection, _covariance, _differences, _matrices,
                _index_arithmetic, _numpy_elementwise, _windows, _repeating, _utilities,
                _vectors, _convolution, _assembling, _small_on_driver, _padding, _polynomial,
                _from_iterable,
                _sequences,
                _index_tricks,
                _sorting, _histograms, _statistics, _lookup, _einsum, _numpy_objects,
                _numpy_modules, _array_api, _vectorize):
    _registry.register_module(_family)
_registry.register_module(linalg, _np.linalg, _registry.LINALG)
_registry.register_module(fft, _np.fft, _registry.FFT)
_registry.register_module(emath, _np.emath, _registry.EMATH)
_registry.register_module(lib.stride_tricks, _np.lib.stride_tricks, _registry.LIB)
_registry.register_module(strings, _np.strings, _registry.STRINGS)
_registry.register_module(char, _np.char, _registry.CHAR)
_registry.register("strings", strings, "strings")
_registry.register("char", char, "char")
_registry.document_module(random, _np.random)
_resident_calls.install({"REGISTRY": (_registry.REGISTRY, None),
                         "LINALG": (_registry.LINALG, linalg),
                         "FFT": (_registry.FFT, fft)}, _registry.BY_NUMPY)
_registry.install_methods(_registry.REGISTRY)
_ndarray.install()
_array_api.install()

# NumPy's generalized ufuncs are ufuncs (``isinstance(np.matmul, np.ufunc)``, ``signature``;
# the ``@`` operator, installed above, calls the function itself)
for _name in ("matmul", "vecdot", "matvec", "vecmat"):
    _entry = _registry.REGISTRY[_name]
    _entry.impl = _elementwise.gufunc(getattr(_np, _name), _name, _entry.impl)
globals().update({_name: _entry.impl for _name, _entry in _registry.REGISTRY.items()})
ndarray = BlockArray
UFUNC_TABLE = _elementwise.UFUNC_TABLE
__array_api_version__ = _array_api.__array_api_version__
__array_namespace_info__ = _array_api.__array_namespace_info__


def fallbacks() -> list[str]:
    """NumPy's public functions that nums runs through the fallback: NumPy in one task on the
    worker that holds most of the arguments' bytes, with a ``GatherWarning`` once per
    function."""
    return _registry.fallbacks()


def support_table() -> str:
    """The Markdown table of every NumPy function and its status (``docs/numpy_support.md``)."""
    return _registry.support_table()


__all__ = sorted(_registry.REGISTRY) + [
    "BlockArray", "ndarray", "emath", "fft", "lib", "linalg", "random", "fallbacks",
    "support_table",
    "GatherWarning", "UFUNC_TABLE",
]
del _family, _name, _entry


def __getattr__(name: str):
    """NumPy functions without a nums implementation: an explicit, warning fallback."""
    return numpy_fallback(name)


def __dir__() -> list[str]:
    """The public names: ``__all__`` and NumPy's functions served by the fallback (no
    private modules), so that ``dir`` and tab completion show NumPy's namespace."""
    return sorted(set(__all__) | set(fallbacks()))
