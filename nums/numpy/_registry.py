"""The one declaration of nums.numpy's names.

Every family module (``_creation``, ``_manipulation``, ``_reductions``, ...) lists its public
names in its ``__all__``; ``nums.numpy`` passes each module to :func:`register_module`, and
that declaration does the rest:

- the name enters the ``nums.numpy`` namespace and its ``__all__``;
- where ``numpy.ndarray`` has a method of that name (and the method means the same as the
  function), BlockArray gets the method;
- the function's docstring becomes NumPy's, with its own text (what differs) after NumPy's
  summary, and a wrapper's ``*args, **kwargs`` signature becomes NumPy's
  (:mod:`nums.numpy._docstrings`), so ``help(nums.numpy.x)`` is NumPy's documentation plus
  the differences;
- NumPy's dispatch (``__array_function__``) finds it through :data:`BY_NUMPY`;
- the generated table of supported functions (:func:`support_table`, the page
  ``docs/numpy_support.md``) lists it as distributed.

A public NumPy callable without a declaration is a *fallback*
(:func:`nums.numpy._fallback.numpy_fallback`): NumPy's signature and docstring, run by
NumPy in one task next to the data, listed as a fallback by :func:`fallbacks` and in the
table.

Adding a function: write it in its family module, add its name to that module's ``__all__``,
add its kernel (if any) to :mod:`nums.core.array.kernels` and a test; see CONTRIBUTING.md.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from collections import Counter
from types import FunctionType, ModuleType
from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy import _docstrings
from nums.numpy._fallback import numpy_fallback


@dataclasses.dataclass
class Entry:
    """One declared name."""

    name: str
    impl: Any
    numpy: Any  # the numpy object of the same name (None: a nums-only name)
    family: str
    method: bool  # installed on BlockArray as a method


# ndarray methods whose meaning differs from the function of the same name (the method works
# in place or is BlockArray's own); the namespace installs the in-place ones itself
NOT_METHODS = {"sort", "partition", "resize", "copy", "astype", "fill", "put", "view",
               "reshape", "transpose", "item", "tolist",
               "compress"}  # (numpy.compress takes the condition first, the method the array)

REGISTRY: dict[str, Entry] = {}  # nums.numpy names
LINALG: dict[str, Entry] = {}  # nums.numpy.linalg names
FFT: dict[str, Entry] = {}  # nums.numpy.fft names
EMATH: dict[str, Entry] = {}  # nums.numpy.emath names
LIB: dict[str, Entry] = {}  # nums.numpy.lib.stride_tricks names
STRINGS: dict[str, Entry] = {}  # nums.numpy.strings names
CHAR: dict[str, Entry] = {}  # nums.numpy.char names
BY_NUMPY: dict[Any, Any] = {}  # numpy callable -> its nums implementation


def register_module(module: ModuleType, numpy_module: ModuleType = np,
                    table: dict[str, Entry] | None = None) -> None:
    """Declare every name of ``module.__all__`` (see the module docstring)."""
    family = module.__name__.rsplit(".", 1)[-1].lstrip("_")
    table = REGISTRY if table is None else table
    for name in module.__all__:
        register(name, getattr(module, name), family, numpy_module, table)


def register(name: str, impl: Any, family: str, numpy_module: ModuleType = np,
             table: dict[str, Entry] | None = None) -> Entry:
    """Declare one name."""
    table = REGISTRY if table is None else table
    np_obj = getattr(numpy_module, name, None)
    ours = impl is not np_obj and (
        getattr(impl, "__module__", "") or "").startswith("nums") or hasattr(impl, "_ufunc")
    if ours and np_obj is not None and callable(impl) and not isinstance(impl, type):
        _document(impl, np_obj, f"{numpy_module.__name__}.{name}")
    method = (numpy_module is np and callable(impl) and name not in NOT_METHODS
              and callable(getattr(np.ndarray, name, None)))
    entry = Entry(name, impl, np_obj, family, method)
    table[name] = entry
    if ours and np_obj is not None:
        try:
            BY_NUMPY.setdefault(np_obj, impl)
        except TypeError:  # unhashable numpy objects are not dispatched to
            pass
    return entry


def _document(impl: Any, np_obj: Any, full_name: str) -> None:
    """impl's docstring and signature from NumPy's (see :mod:`nums.numpy._docstrings`)."""
    if getattr(impl, "__dict__", {}).get("_nums_documented"):
        return  # an alias of a documented function
    own = inspect.getdoc(impl)
    notes = "" if own == inspect.getdoc(np_obj) else _docstrings.notes_of(impl)
    doc = _docstrings.compose(np_obj, full_name, f"nums implementation of ``{full_name}``.",
                              notes, impl)
    sig = _docstrings.signature(impl, np_obj)
    try:
        impl.__doc__ = doc
        if sig is not None:
            impl.__signature__ = sig
        impl._nums_documented = True
    except (AttributeError, TypeError):
        pass


def document_module(module: ModuleType, numpy_module: ModuleType) -> None:
    """NumPy's docstrings and signatures for a public module that is not a registry family
    (``nums.numpy.random``): its functions, and the methods of its classes that NumPy's
    class of the same name has."""
    for name in module.__all__:
        impl, np_obj = getattr(module, name), getattr(numpy_module, name, None)
        if np_obj is None or impl is np_obj:
            continue
        full_name = f"{numpy_module.__name__}.{name}"
        if isinstance(impl, type):
            for attr, member in vars(impl).items():
                np_member = getattr(np_obj, attr, None)
                if not attr.startswith("_") and callable(member) and callable(np_member):
                    _document(member, np_member, f"{full_name}.{attr}")
        elif callable(impl):
            _document(impl, np_obj, full_name)


def install_methods(table: dict[str, Entry]) -> None:
    """Put the declared functions that are ndarray methods on BlockArray."""
    for entry in table.values():
        if entry.method:
            setattr(BlockArray, entry.name, _method(entry.name, entry.impl))


def _method(name: str, impl: Any) -> Any:
    sig = _method_signature(impl)
    if type(impl) is FunctionType and sig is not None:
        # a copy of the function (its code, defaults and closure) with the method's name
        # and documentation: ``x.sum()`` calls it with no wrapper between (a wrapper costs a
        # quarter of a microsecond, against NumPy's one on a small array)
        method = FunctionType(impl.__code__, impl.__globals__, name, impl.__defaults__,
                              impl.__closure__)
        method.__kwdefaults__ = impl.__kwdefaults__
        method.__annotations__ = impl.__annotations__
        method.__module__ = impl.__module__
    else:
        def method(self, *args: Any, **kwargs: Any) -> Any:
            return impl(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"``nums.numpy.{name}`` of this array: see :func:`nums.numpy.{name}`, "
                      "whose first argument is this array.")
    if sig is not None:
        method.__signature__ = sig
    return method


def _method_signature(impl: Any) -> inspect.Signature | None:
    """impl's signature with ``self`` for its first parameter (None when impl takes ``*args``
    first or has no signature)."""
    try:
        sig = inspect.signature(impl)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if not params or params[0].kind not in (inspect.Parameter.POSITIONAL_ONLY,
                                            inspect.Parameter.POSITIONAL_OR_KEYWORD):
        return None
    return sig.replace(parameters=[params[0].replace(name="self")] + params[1:])


def lookup(name: str) -> Any:
    """The nums implementation of ``numpy.<name>``: declared, or the fallback."""
    entry = REGISTRY.get(name)
    if entry is not None:
        return entry.impl
    return numpy_fallback(name)


# ---------------------------------------------------------------------------- the table


def public_numpy(module: ModuleType = np) -> list[str]:
    """NumPy's public callables in ``module`` (functions and ufuncs; no classes)."""
    names = []
    for name in dir(module):
        if name.startswith("_"):
            continue
        obj = getattr(module, name, None)
        if callable(obj) and not isinstance(obj, type) and not isinstance(obj, ModuleType):
            names.append(name)
    return names


def public_names(module: ModuleType = np) -> list[str]:
    """NumPy's other public names in ``module``: classes, modules and constants (the
    callables are :func:`public_numpy`'s)."""
    functions = set(public_numpy(module))
    return [n for n in dir(module) if not n.startswith("_") and n not in functions]


# names that nums.numpy defines outside the families (its own packages and array class)
PACKAGES = {"linalg": "distributed (nums.numpy.linalg)", "fft": "distributed (nums.numpy.fft)",
            "random": "distributed (nums.numpy.random)", "ndarray": "BlockArray (nums's array)",
            "emath": "distributed (nums.numpy.emath)",
            "lib": "nums.numpy.lib (stride_tricks.sliding_window_view distributed)"}


def fallbacks() -> list[str]:
    """NumPy's public top-level callables that nums runs through the fallback (NumPy in one
    task next to the data)."""
    return sorted(n for n in public_numpy() if n not in REGISTRY)


def _status(entry: Entry | None, missing: str = "fallback") -> str:
    if entry is None:
        return missing
    if entry.impl is entry.numpy:
        return "numpy's own (no array data)"
    return getattr(entry.impl, "_nums_status", "distributed")


def support_table() -> str:
    """The Markdown page of every NumPy function and its status in nums (docs; call it once
    ``nums.numpy`` is imported, which declares every name)."""
    lines = ["# NumPy functions in nums.numpy", "",
             "Generated from the registry (`nums/numpy/_registry.py`) by",
             "`python -m nums.numpy > docs/numpy_support.md`; a test checks that this",
             "page is current. *distributed*: a nums implementation that runs block by block;",
             "*numpy's own*: NumPy's object re-exported (dtype utilities, no array data);",
             "*one worker*: numpy on one worker next to the data, for small operands;",
             "*through the driver*: a file written or read sequentially by the driver, one",
             "block-row at a time (never the whole array at once);",
             "*on the driver*: NumPy on the driver, for small inputs or for results that are",
             "NumPy objects (`numpy.matrix`, `nditer`; gathered with a `GatherWarning`);",
             "*shapes only*: computed from the arguments' shapes, no array data read;",
             "*fallback*: NumPy in one task on the worker that holds most of the arguments'",
             "bytes, on whole copies of them, with a `GatherWarning` (writes and views are kept,",
             "see numpy_api.md).", "",
             "The last section lists NumPy's other public names (classes, modules, constants):",
             "*numpy's own* there is NumPy's object itself; *NumPy's, on the driver*: NumPy's",
             "module or class seen through nums, so that BlockArray arguments are gathered",
             "on the driver with a `GatherWarning` rather than silently by NumPy.", "",
             f"Generated with NumPy {np.__version__} (other versions have other names).", ""]
    for title, module, table in (("numpy", np, REGISTRY), ("numpy.linalg", np.linalg, LINALG),
                                 ("numpy.fft", np.fft, FFT),
                                 ("numpy.strings", np.strings, STRINGS),
                                 ("numpy.char", np.char, CHAR)):
        names = public_numpy(module)
        statuses = {n: _status(table.get(n)) for n in names}
        counts = {s: sum(1 for v in statuses.values() if v == s) for s in set(statuses.values())}
        summary = ", ".join(f"{counts[s]} {s}" for s in sorted(counts))
        lines += [f"## {title}", "", f"{len(names)} public callables: {summary}.", "",
                  "| function | status | family |", "| --- | --- | --- |"]
        for n in names:
            entry = table.get(n)
            lines.append(f"| `{n}` | {statuses[n]} | {entry.family if entry else ''} |")
        lines.append("")
    names = public_names()
    namespace = sys.modules.get("nums.numpy")  # the package being filled from here
    statuses = {n: PACKAGES.get(n) or _status(REGISTRY.get(n), "nums's (not in the registry)"
                                              if hasattr(namespace, n)
                                              else "missing (AttributeError)")
                for n in names}
    summary = ", ".join(f"{c} {s}" for s, c in sorted(Counter(statuses.values()).items()))
    lines += ["## other public names of numpy", "",
              f"{len(names)} public classes, modules and constants: {summary}.", "",
              "| name | status | family |", "| --- | --- | --- |"]
    for n in names:
        entry = REGISTRY.get(n)
        lines.append(f"| `{n}` | {statuses[n]} | {entry.family if entry else ''} |")
    lines.append("")
    return "\n".join(lines)

