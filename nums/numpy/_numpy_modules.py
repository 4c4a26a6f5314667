"""NumPy's own modules and classes in the nums namespace.

Names without array data (``numpy.typing``, ``numpy.dtypes``, ``numpy.f2py``, ``numpy.core``,
``numpy.memmap``, ``numpy.recarray``, ``numpy.flatiter``, ``numpy.busdaycalendar``: a weekmask
and a short list of holidays) are NumPy's objects, re-exported.

NumPy modules and classes that take array data (``numpy.ma``, ``numpy.testing``,
``numpy.rec``, ``numpy.polynomial``, ``numpy.ctypeslib``, ``numpy.matrix``, ``numpy.poly1d``)
would turn a BlockArray into a NumPy array without a word (NumPy
calls ``BlockArray.__array__``, which is how ``numpy.asarray(x)`` fetches values on purpose).
Here they are NumPy's, seen through a thin layer that makes that gather visible: calling one
of their functions or classes with BlockArray arguments gathers them on the driver with a
``GatherWarning`` (once per function) and runs NumPy, whose result (a masked array, a
``poly1d``, an assertion) is returned as NumPy makes it. Everything else (constants,
exceptions, submodules' contents) is NumPy's own.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.util
import sys
import types
from typing import Any

import numpy as np

from nums.numpy._docstrings import compose
from nums.numpy._fallback import has_blockarray, run_on_driver
from runtime.errors import warnings_at_caller

OWN = "numpy's own (no array data)"
GATHERS = "NumPy's, on the driver (BlockArray arguments gathered with a GatherWarning)"


def _call_gathered(func: Any, name: str, args: tuple, kwargs: dict) -> Any:
    if has_blockarray((args, kwargs)):  # gathered, and what NumPy writes into them kept
        return run_on_driver(func, args, kwargs, name, wrap=False)
    with warnings_at_caller():  # NumPy's own warnings name the user's line
        return func(*args, **kwargs)


def gathering_function(func: Any, name: str) -> Any:
    """``func`` (a NumPy callable that is not a class) with the gather of its BlockArray
    arguments made visible (see the module notes)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return _call_gathered(func, name, args, kwargs)

    try:
        functools.update_wrapper(call, func)
    except (AttributeError, TypeError):
        pass
    call.__wrapped__ = func
    return call


class GatheringClass:
    """A NumPy class seen through nums: calling it with BlockArray arguments gathers them on
    the driver with a ``GatherWarning``; instances are NumPy's (``isinstance`` and
    ``issubclass`` against this object test NumPy's class), and its attributes are NumPy's.
    Subclass NumPy's class itself (``__wrapped__``), not this object."""

    def __init__(self, cls: type, name: str) -> None:
        self.__wrapped__ = cls
        self._name = name
        self.__doc__ = compose(
            cls, name, f"nums implementation of ``{name}``: NumPy's class itself, called on "
            "the driver; BlockArray arguments are gathered there with a GatherWarning (once "
            "per class) and the instance is NumPy's.")
        self._nums_documented = True
        self.__name__ = cls.__name__
        self.__qualname__ = cls.__qualname__
        self.__module__ = cls.__module__
        self._nums_status = GATHERS

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _call_gathered(self.__wrapped__, self._name, args, kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.__wrapped__, attr)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, self.__wrapped__)

    def __subclasscheck__(self, cls: type) -> bool:
        return issubclass(cls, self.__wrapped__)

    def __repr__(self) -> str:
        return f"<nums view of {self.__wrapped__!r}: gathers BlockArrays with a GatherWarning>"


class GatheringModule(types.ModuleType):
    """A NumPy module seen through nums (``nums.numpy.ma`` for ``numpy.ma``, ...): its
    functions and classes gather BlockArray arguments on the driver with a
    ``GatherWarning``; its constants, exceptions and warnings are NumPy's own; its NumPy
    submodules are seen the same way."""

    def __init__(self, numpy_module: types.ModuleType) -> None:
        short = numpy_module.__name__.split(".", 1)[1]
        super().__init__(f"nums.numpy.{short}", numpy_module.__doc__)
        self.__wrapped__ = numpy_module
        self._nums_status = GATHERS
        self._seen: dict[str, Any] = {}
        if hasattr(numpy_module, "__path__"):
            self.__path__: list[str] = []  # a package: its submodules import (see _Finder)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        seen = self.__dict__["_seen"]
        if name not in seen:
            seen[name] = _seen_through(getattr(self.__wrapped__, name),
                                       f"{self.__wrapped__.__name__}.{name}")
        return seen[name]

    def __dir__(self) -> list[str]:
        return sorted(n for n in dir(self.__wrapped__) if not n.startswith("_"))

    def __repr__(self) -> str:
        return f"<module {self.__name__!r}: {self.__wrapped__.__name__} gathering BlockArrays>"


def _seen_through(obj: Any, name: str) -> Any:
    if isinstance(obj, types.ModuleType):
        return GatheringModule(obj) if obj.__name__.startswith("numpy.") else obj
    if isinstance(obj, type):
        if issubclass(obj, BaseException):
            return obj  # raised and caught: NumPy's own class
        return GatheringClass(obj, name)
    if callable(obj):
        return gathering_function(obj, name)
    return obj


# names without array data: NumPy's own objects
dtypes = np.dtypes
typing = np.typing
f2py = np.f2py
core = np.core
memmap = np.memmap  # a file mapped by NumPy (nums reads files with nums.numpy.load/fromfile)
recarray = np.recarray
flatiter = np.flatiter
busdaycalendar = np.busdaycalendar  # a weekmask and a short list of holidays

# NumPy's modules and classes that take array data: the gather is visible
ma = GatheringModule(np.ma)
testing = GatheringModule(np.testing)
rec = GatheringModule(np.rec)
polynomial = GatheringModule(np.polynomial)
ctypeslib = GatheringModule(np.ctypeslib)
matrix = GatheringClass(np.matrix, "numpy.matrix")
poly1d = GatheringClass(np.poly1d, "numpy.poly1d")

class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import nums.numpy.polynomial.chebyshev`` (``from numpy.polynomial.chebyshev import
    chebfit``, as with NumPy's): a submodule of a gathering module is NumPy's submodule seen
    through nums, as its attribute is."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        parent, _, child = fullname.rpartition(".")
        owner = sys.modules.get(parent)
        if not isinstance(owner, GatheringModule):
            return None
        try:
            importlib.import_module(f"{owner.__wrapped__.__name__}.{child}")
        except ImportError:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: Any) -> Any:
        parent, _, child = spec.name.rpartition(".")
        return getattr(sys.modules[parent], child)

    def exec_module(self, module: Any) -> None:
        pass  # (seen through: nothing to run)


sys.meta_path.append(_Finder())

# ``import nums.numpy.ma as ma``, ``import nums.numpy.typing as npt``, as with NumPy's
for _name in ("dtypes", "typing", "f2py", "core", "ma", "testing", "rec", "polynomial",
              "ctypeslib"):
    sys.modules.setdefault(f"nums.numpy.{_name}", globals()[_name])

__all__ = ["dtypes", "typing", "f2py", "core", "memmap", "recarray", "flatiter", "ma",
           "testing", "rec", "polynomial", "ctypeslib", "matrix", "poly1d", "busdaycalendar"]
