"""The generated part of the docs: the API reference pages and the NumPy support table.

Both come from the code as it is when the docs are built (the registry of ``nums.numpy``,
each public package's ``__all__``), never from a copy that could be stale. :func:`generate`
writes them under ``docs/reference/`` (ignored by git), rewriting only files whose text
changed so that an incremental build re-reads only what changed:

- ``reference/numpy_support.md``: ``nums.numpy.support_table()``, the registry's table of
  every NumPy function and its status (distributed / fallback / ...);
- ``reference/<module>.rst``: one page per public module, its names in autosummary tables
  (``nums.numpy`` grouped by the registry's families, then the fallbacks);
- ``reference/generated/<full name>.rst``: one page per name (autodoc of its docstring;
  NumPy's own objects re-exported unchanged get a short page that says so instead).
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
from pathlib import Path

import numpy

from nums.numpy._docstrings import strip_signature

# the public modules and their page titles, in the order of the reference's index
MODULES = [
    ("nums", "nums: sessions, metrics and I/O"),
    ("nums.numpy", "nums.numpy: the NumPy namespace"),
    ("nums.numpy.linalg", "nums.numpy.linalg"),
    ("nums.numpy.fft", "nums.numpy.fft"),
    ("nums.numpy.random", "nums.numpy.random"),
    ("nums.numpy.emath", "nums.numpy.emath"),
    ("nums.numpy.lib", "nums.numpy.lib"),
    ("nums.numpy.lib.stride_tricks", "nums.numpy.lib.stride_tricks"),
    ("nums.numpy.strings", "nums.numpy.strings"),
    ("nums.numpy.char", "nums.numpy.char"),
    ("nums.models", "nums.models: generalized linear models"),
    ("nums.monitor", "nums.monitor: the live dashboard"),
    ("runtime", "runtime: the embedded engine"),
]

_NUMPY_MODULES = {"nums.numpy": numpy, "nums.numpy.linalg": numpy.linalg,
                  "nums.numpy.fft": numpy.fft, "nums.numpy.random": numpy.random,
                  "nums.numpy.emath": numpy.emath, "nums.numpy.lib": numpy.lib,
                  "nums.numpy.lib.stride_tricks": numpy.lib.stride_tricks,
                  "nums.numpy.strings": numpy.strings, "nums.numpy.char": numpy.char}


def _write(path: Path, text: str, written: set[Path]) -> None:
    written.add(path)
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def _numpy_own(module: str, name: str, obj: object) -> bool:
    """Whether ``obj`` is NumPy's own object, re-exported unchanged."""
    np_module = _NUMPY_MODULES.get(module)
    return np_module is not None and getattr(np_module, name, None) is obj


def _stub(module: str, name: str, obj: object) -> str:
    """The page of one public name."""
    full = f"{module}.{name}"
    text = _title(_plain(full)) + f"\n.. currentmodule:: {module}\n\n"  # bool_: not a link
    if _numpy_own(module, name, obj):
        kind = ("exception" if isinstance(obj, type) and issubclass(obj, BaseException)
                else "class" if isinstance(obj, type)
                else "function" if callable(obj) else "data")
        np_name = module.replace("nums.numpy", "numpy") + "." + name
        doc = strip_signature(inspect.getdoc(obj) or "") if kind != "data" else ""
        summary = doc.split("\n\n")[0].strip()
        text += f".. py:{kind}:: {name}\n"
        if kind == "data":
            text += f"   :value: {obj!r}\n"
        text += (f"\n   NumPy's own ``{np_name}``, re-exported unchanged (it holds no array "
                 f"data, so nothing is distributed): see NumPy's documentation of "
                 f"``{np_name}``.\n")
        if summary:
            text += "\n" + "\n".join("   " + line for line in summary.splitlines()) + "\n"
        return text
    wrapped = getattr(obj, "__wrapped__", None)
    if isinstance(wrapped, type) and not isinstance(obj, type):
        # NumPy's class seen through nums (``nums.numpy.matrix``): its own two paragraphs,
        # not autodoc of NumPy's class (whose Methods and Attributes are not nums names)
        summary, lead = ((inspect.getdoc(obj) or "").split("\n\n") + ["", ""])[:2]
        text += f".. py:class:: {name}\n\n"
        for paragraph in (summary, lead):
            if paragraph.strip():
                text += "\n".join("   " + line for line in _plain(paragraph).splitlines())
                text += "\n\n"
        return text
    if isinstance(obj, type):
        directive = "autoexception" if issubclass(obj, BaseException) else "autoclass"
        text += f".. {directive}:: {name}\n"
        if full == "nums.numpy.BlockArray":
            text += "   :members:\n   :undoc-members:\n"
        elif full == "nums.numpy.random.Generator":
            text += "   :members:\n"
        elif module == "nums.models" and directive == "autoclass":
            text += "   :members:\n   :inherited-members:\n"
        return text
    if callable(obj):
        return text + f".. autofunction:: {name}\n"
    return text + f".. autodata:: {name}\n   :no-value:\n"


def _plain(text: str) -> str:
    """A module docstring's paragraph as plain reST text: its markup dropped (roles, literals)
    and what reST would read as markup escaped, so a docstring that is not valid reST (they
    are written for ``help``) cannot break the build."""
    text = re.sub(r":[\w:]+:`~?([^`]*)`", r"\1", text).replace("`", "")
    return re.sub(r"([\\*|_\[\]])", r"\\\1", text)


def _table(module: str, names: list[str]) -> str:
    rows = "\n".join(f"   {name}" for name in names)
    return (f".. currentmodule:: {module}\n\n.. autosummary::\n   :toctree: generated\n"
            f"   :nosignatures:\n\n{rows}\n\n")


def _documented(module: types.ModuleType) -> list[str]:
    """The names of ``module.__all__`` that get a page (modules get their own page)."""
    return [n for n in module.__all__ if n != "__version__"
            and not isinstance(getattr(module, n), types.ModuleType)]


def _family_doc(family: str) -> str:
    """The docstring of the family module ``family`` (``register_module`` names a family
    after its module without the leading underscore)."""
    for name in (f"nums.numpy._{family}", f"nums.numpy.{family}"):
        try:
            return inspect.getdoc(importlib.import_module(name)) or ""
        except ImportError:
            continue
    return ""


def _numpy_page(module: types.ModuleType) -> tuple[str, list[str]]:
    """The ``nums.numpy`` page: the registry's families, then the rest, then fallbacks."""
    from nums.numpy import _registry

    families: dict[str, list[str]] = {}
    for name, entry in _registry.REGISTRY.items():
        families.setdefault(entry.family, []).append(name)
    documented = set(_documented(module))
    text = _title("nums.numpy: the NumPy namespace") + "\n.. module:: nums.numpy\n" + (
        "\n``import nums.numpy as np``: NumPy's names on distributed block arrays. "
        "Each name below links to its documentation: NumPy's, taken from the installed "
        "NumPy at runtime, with what nums does differently after the summary line. "
        "The status of every NumPy function (distributed, one worker, fallback, ...) is in "
        ":doc:`numpy_support`; ``nums.numpy.exceptions`` is NumPy's, re-exported.\n\n")
    text += _title("Arrays and helpers", "-") + "\n"
    rest = [n for n in module.__all__ if n in documented and n not in _registry.REGISTRY]
    text += _table("nums.numpy", rest)
    names = list(rest)
    for family, members in families.items():
        members = [n for n in members if n in documented]
        if not members:
            continue
        about = _family_doc(family)
        text += _title(f"Family ``{family}``", "-") + "\n" + _plain(about.split("\n\n")[0]) + (
            "\n\n" + _table("nums.numpy", members))
        names += members
    fallbacks = module.fallbacks()
    text += _title("Fallbacks", "-") + (
        "\nNumPy functions without a nums implementation: each runs NumPy itself on whole "
        "copies of its arguments, with a ``GatherWarning`` once, and writes back what NumPy "
        "changed (see :doc:`../numpy_api`).\n\n")
    text += _table("nums.numpy", fallbacks) if fallbacks else (
        f"None with NumPy {numpy.__version__}: every public NumPy function has a nums "
        "declaration. A function a later NumPy adds is served by the fallback until it has "
        "one.\n")
    return text, names + fallbacks


def generate(srcdir: Path) -> None:
    """Write ``srcdir/reference`` from the code (see the module docstring)."""
    import nums.numpy

    out = srcdir / "reference"
    written: set[Path] = set()
    _write(out / "numpy_support.md", nums.numpy.support_table(), written)
    index = _title("API reference") + (
        "\nGenerated from the docstrings of the code being documented, every public name of "
        "each package (its ``__all__``).\n\n.. toctree::\n   :maxdepth: 1\n\n")
    for modname, title in MODULES:
        module = importlib.import_module(modname)
        page = modname.replace(".", "_")
        index += f"   {page}\n"
        if modname == "nums.numpy":
            text, names = _numpy_page(module)
        else:
            names = _documented(module)
            doc = _plain((inspect.getdoc(module) or "").split("\n\n")[0]).rstrip(":")
            text = _title(title) + f"\n.. module:: {modname}\n\n{doc}\n\n" + _table(
                modname, names)
        _write(out / f"{page}.rst", text, written)
        for name in names:
            _write(out / "generated" / f"{modname}.{name}.rst",
                   _stub(modname, name, getattr(module, name)), written)
    index += "   numpy_support\n"
    _write(out / "index.rst", index, written)
    for path in out.rglob("*"):  # pages of names that are gone
        if path.is_file() and path not in written:
            path.unlink()
