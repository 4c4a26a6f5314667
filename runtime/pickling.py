"""Pickling of code and values that plain pickle cannot handle (cloudpickle), with tracebacks
that still name the user's file.

cloudpickle pickles functions defined in scripts and notebooks by value. Since 3.1 it names
the file of such code ``"<dynamic-code>"``, so a remote traceback would show neither the file
nor the source line. :class:`Pickler` sends code objects with ``marshal`` instead (every field
kept, nested code included) plus the source lines of their span, which the receiving process
registers in :mod:`linecache` when the file does not exist there.
"""

from __future__ import annotations

import io
import linecache
import marshal
import os
import pickle
import types
from collections import ChainMap
from collections.abc import Callable

import cloudpickle


def _code_lines(code: types.CodeType) -> tuple[int, list[str]]:
    """The source lines of ``code``'s span (first line, lines), as linecache has them."""
    numbers = [n for _, _, n in code.co_lines() if n is not None]
    first = code.co_firstlineno
    last = max(numbers, default=first)
    lines = linecache.getlines(code.co_filename)
    return first, lines[first - 1:last]


def _reduce_code(code: types.CodeType):
    # cloudpickle 3.1 renames the file of code pickled by value to "<dynamic-code>", so a
    # remote traceback would name no file and show no source. marshal keeps every field of
    # the code object (nested code included); the span's source lines travel with it so the
    # worker can show them even where the file does not exist.
    first, lines = _code_lines(code)
    return _load_code, (marshal.dumps(code), first, lines)


def _load_code(data: bytes, first: int, lines: list[str]) -> types.CodeType:
    code = marshal.loads(data)
    name = code.co_filename
    if lines and not os.path.exists(name):
        entry = linecache.cache.get(name)
        known = list(entry[2]) if entry and len(entry) == 4 else []
        known += [""] * (first - 1 + len(lines) - len(known))
        known[first - 1:first - 1 + len(lines)] = lines
        # mtime None: linecache.checkcache keeps the entry (it has no file to compare with)
        linecache.cache[name] = (sum(map(len, known)), None, known, name)
    return code


class Pickler(cloudpickle.CloudPickler):
    """cloudpickle's pickler, with code objects keeping their file name and source lines."""

    dispatch_table = ChainMap(
        {types.CodeType: _reduce_code}, cloudpickle.CloudPickler.dispatch_table
    )


def dumps(obj: object, buffer_callback: Callable | None = None) -> bytes:
    """``obj`` pickled with :class:`Pickler` (protocol 5); read back with ``pickle.loads``."""
    f = io.BytesIO()
    Pickler(f, protocol=5, buffer_callback=buffer_callback).dump(obj)
    return f.getvalue()


class ByValue(Exception):
    """An object the C pickler would send by reference although the receiver cannot import
    it (see :class:`FastPickler`)."""


class FastPickler(pickle.Pickler):
    """The C pickler, refusing (with :class:`ByValue`) the functions and classes of the
    sender's ``__main__`` (a script's ``def``): by reference they would name a module that a
    worker does not have; the caller then pickles the value with :class:`Pickler`."""

    def reducer_override(self, obj: object) -> object:
        if ((type(obj) is types.FunctionType or isinstance(obj, type))
                and getattr(obj, "__module__", None) == "__main__"):
            raise ByValue(obj)
        return NotImplemented


def fast_dumps(obj: object, buffer_callback: Callable | None = None) -> bytes:
    """``obj`` pickled with :class:`FastPickler` (protocol 5)."""
    f = io.BytesIO()
    FastPickler(f, protocol=5, buffer_callback=buffer_callback).dump(obj)
    return f.getvalue()
