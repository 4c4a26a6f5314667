"""``nums.numpy.lib``: NumPy's ``numpy.lib`` for nums.

- ``stride_tricks``: ``sliding_window_view`` (a distributed read-only view), ``as_strided``,
  ``broadcast_to``, ``broadcast_arrays``, ``broadcast_shapes``
  (:mod:`nums.numpy.lib.stride_tricks`);
- ``scimath``: :mod:`nums.numpy.emath`, as ``numpy.lib.scimath`` is ``numpy.emath``;
- NumPy's own objects that hold no array data: ``NumpyVersion``, ``add_docstring``,
  ``add_newdoc``, ``tracemalloc_domain``, the modules ``array_utils`` (axis normalisation),
  ``introspect`` and ``mixins`` (``NDArrayOperatorsMixin``).

``Arrayterator``, ``format`` and ``npyio`` work on NumPy arrays in memory or ``.npy`` files
and are not provided: use ``x.get()`` for a NumPy array, and ``nums.numpy.save``/``load``/
``savez`` for files.
"""

from __future__ import annotations

from numpy.lib import (  # noqa: F401 - re-exported: NumPy's own, no array data
    NumpyVersion,
    add_docstring,
    add_newdoc,
    array_utils,
    introspect,
    mixins,
    tracemalloc_domain,
)

from nums.numpy import emath as scimath
from nums.numpy.lib import stride_tricks

_NOT_PROVIDED = {
    "Arrayterator": "iterates over a NumPy array in memory: iterate over x.get(), or index "
                    "the BlockArray",
    "format": "reads and writes NumPy arrays in .npy files: use nums.numpy.save and "
              "nums.numpy.load",
    "npyio": "NumPy's file loading: use nums.numpy.load, loadtxt, genfromtxt",
}

__all__ = ["NumpyVersion", "add_docstring", "add_newdoc", "array_utils", "introspect",
           "mixins", "scimath", "stride_tricks", "tracemalloc_domain"]


def __getattr__(name: str):
    reason = _NOT_PROVIDED.get(name)
    if reason is not None:
        raise AttributeError(f"nums.numpy.lib has no {name!r}: numpy.lib.{name} {reason}")
    raise AttributeError(f"module 'nums.numpy.lib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)
