"""Text files: ``loadtxt``, ``genfromtxt`` and ``savetxt``.

Reading in parallel is exact only where every line means the same wherever it stands in the
file. For a plain numeric file given by path (no quotes, converters, ``max_rows``, structured
or inferred dtypes; see :func:`_parallel_reason`), the driver skips the leading lines and cuts
the rest into byte ranges at line ends; a task parses each range with NumPy's own reader
(``numpy.loadtxt`` or ``numpy.genfromtxt`` on those lines), the row counts come back in one
small round and the pieces are laid out in the session's blocks. NumPy's shape rules
(``ndmin``, squeezing, ``unpack``) are then applied to the whole. Everything else runs NumPy
on the driver (a ``GatherWarning``): the result and the errors are NumPy's.

``savetxt`` formats each block-row in a task (NumPy's ``savetxt`` on those rows) and the driver
writes the texts in order, fetching one block-row's text at a time.
"""

from __future__ import annotations

import io
import operator
import os
import warnings
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array.blockarray import BlockArray, backend, make_grid, node_of, one_block, submit
from nums.numpy._convert import asarray
from nums.numpy._fallback import run_on_driver
from nums.numpy._io_paths import task_path
from nums.numpy._manipulation import concatenate, reshape, transpose

PART_BYTES = 32 * 2**20  # bytes parsed per task
COMPRESSED = (".gz", ".bz2", ".xz", ".lzma", ".zst", ".zip", ".Z")
ENCODINGS = (None, "utf-8", "utf8", "UTF-8", "latin1", "latin-1", "ascii", "ASCII")


# ---------------------------------------------------------------------------- kernels


def parse_text_range(reader: str, path: str, start: int, stop: int, kwargs: dict
                     ) -> tuple[np.ndarray, int, int]:
    """Lines ``[start, stop)`` of ``path`` (whole lines) parsed by ``numpy.<reader>`` as a
    2-d array: ``(array, rows, columns)``. Errors name the file and the range's first line
    (NumPy's row numbers in them count from there)."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(stop - start)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=kwargs.get("encoding"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "input contained no data"
        try:
            a = getattr(np, reader)(text, ndmin=2, **kwargs)
        except ValueError as exc:
            line = _lines_before(path, start) + 1  # counted only on errors
            where = f"{path} (the lines from line {line} on)"
            if type(exc) is not ValueError:  # NumPy's own type (UnicodeDecodeError)
                exc.add_note(where)
                raise
            raise ValueError(f"{where}: {exc}") from None
    if a.ndim != 2:
        a = a.reshape(a.shape[0] if a.ndim else 1, -1)
    return a, a.shape[0], a.shape[1]


def _lines_before(path: str, stop: int) -> int:
    """The line ends in bytes ``[0, stop)`` of the file at ``path``."""
    count = 0
    with open(path, "rb") as f:
        while f.tell() < stop:
            chunk = f.read(min(1 << 22, stop - f.tell()))
            if not chunk:
                break
            count += chunk.count(b"\n")
    return count


def format_text_rows(shapes: list, kwargs: dict, *blocks: np.ndarray) -> str:
    """One block-row (its blocks, of ``shapes``, side by side) as ``numpy.savetxt`` writes
    its lines, without header or footer."""
    parts = [np.asarray(b).reshape(s) for b, s in zip(blocks, shapes)]
    rows = parts[0] if len(parts) == 1 else np.hstack(parts)
    out = io.StringIO()
    np.savetxt(out, rows, header="", footer="", **kwargs)
    return out.getvalue()


# ---------------------------------------------------------------------------- reading


def _plain_dtype(dtype: Any) -> bool:
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        return False
    return dtype.kind in "biufc" and dtype.fields is None and dtype.subdtype is None


def _plain_usecols(usecols: Any) -> bool:
    if usecols is None:
        return True
    try:
        operator.index(usecols)
        return True
    except TypeError:
        pass
    try:
        return all(isinstance(operator.index(c), int) for c in usecols) and len(usecols) > 0
    except TypeError:
        return False


def _parallel_reason(fname: Any, dtype: Any, comments: Any, delimiter: Any, skip: Any,
                     usecols: Any, ndmin: Any, encoding: Any, extra: dict) -> str | None:
    """Why the options cannot be read in parallel exactly (None: they can)."""
    if not isinstance(fname, str | os.PathLike):
        return "not a path"
    if os.fspath(fname).endswith(COMPRESSED):
        return "compressed"
    if not _plain_dtype(dtype):
        return "dtype"
    if not (comments is None or isinstance(comments, str) or (
            isinstance(comments, list | tuple) and all(isinstance(c, str) for c in comments))):
        return "comments"
    if not (delimiter is None or isinstance(delimiter, str)):
        return "delimiter"
    if not isinstance(skip, int) or isinstance(skip, bool) or skip < 0:
        return "skip"
    if not _plain_usecols(usecols):
        return "usecols"
    if ndmin not in (0, 1, 2) or isinstance(ndmin, bool):
        return "ndmin"
    if encoding not in ENCODINGS:
        return "encoding"
    for name, (value, default) in extra.items():
        if value is not default and value != default:
            return name
    return None


def _skip_lines(path: str, lines: int) -> int | None:
    """The byte where line ``lines`` (0-based) starts; None when the skipped part has a bare
    carriage return (a line end that ``\\n`` splitting would miss)."""
    with open(path, "rb") as f:
        skipped = b"".join(f.readline() for _ in range(lines))
    if skipped.count(b"\r") != skipped.count(b"\r\n"):
        return None
    return len(skipped)


def _cuts(path: str, start: int, size: int) -> list[int]:
    """Line-aligned byte positions ``[start, ..., size]`` about ``PART_BYTES`` apart."""
    cuts = [start]
    with open(path, "rb") as f:
        for nominal in range(start + PART_BYTES, size, PART_BYTES):
            if nominal <= cuts[-1]:
                continue
            f.seek(nominal - 1)  # a line that ends just before ``nominal`` starts there
            at = nominal - 1
            while True:
                chunk = f.read(1 << 16)
                if not chunk:
                    at = size
                    break
                nl = chunk.find(b"\n")
                if nl >= 0:
                    at += nl + 1
                    break
                at += len(chunk)
            if cuts[-1] < at < size:
                cuts.append(at)
    return cuts + [size]


def _read_parallel(reader: str, path: str, skip: int, kwargs: dict) -> BlockArray | None:
    """The 2-d array of the lines after ``skip`` lines, parsed range by range; None when the
    parallel read cannot be exact (NumPy on the driver then)."""
    size = os.path.getsize(path)  # FileNotFoundError, as numpy's
    start = _skip_lines(path, skip) if skip else 0
    if start is None:
        return None
    cuts = _cuts(path, start, size)
    parts = []
    for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:])):
        node = node_of((i,))
        block, rows, cols = submit(parse_text_range, reader, path, a, b, kwargs, node=node,
                                   num_returns=3)
        parts.append((block, rows, cols, node))
    counts = backend().get([p[1] for p in parts] + [p[2] for p in parts])
    rows, cols = counts[:len(parts)], counts[len(parts):]
    widths = {int(c) for r, c in zip(rows, cols) if r}
    if not widths:
        return None  # no data: numpy's warning and empty shape
    if len(widths) > 1:
        raise ValueError(f"{path}: the number of columns changed from one part of the file "
                         f"to another ({sorted(widths)}); use `usecols` to select a subset")
    width = widths.pop()
    dtype = np.dtype(kwargs["dtype"])
    pieces = [one_block(block, (int(r), width), dtype, node)
              for (block, _, _, node), r in zip(parts, rows) if r]
    total = sum(p.shape[0] for p in pieces)
    return concatenate(pieces, axis=0, block_shape=make_grid((total, width), dtype).block_shape)


def _shape_as_numpy(x: BlockArray, ndmin: int, unpack: bool) -> BlockArray:
    """NumPy's ``ndmin`` (squeeze, then at least ``ndmin`` dimensions) and ``unpack``."""
    if x.ndim > ndmin:
        squeezed = tuple(n for n in x.shape if n != 1)
        if squeezed != x.shape:
            x = reshape(x, squeezed)
    if x.ndim < ndmin:  # only ndmin=1 after a squeeze to 0-d: the input is 2-d
        x = reshape(x, (1,))
    return transpose(x) if unpack else x


def loadtxt(fname: Any, dtype: Any = float, comments: Any = "#", delimiter: Any = None,
            converters: Any = None, skiprows: int = 0, usecols: Any = None,
            unpack: bool = False, ndmin: int = 0, encoding: Any = None,
            max_rows: Any = None, *, quotechar: Any = None, like: Any = None) -> Any:
    """In parallel for a plain numeric file given by path (numeric dtype; no converters,
    quotechar or max_rows; integer usecols; ASCII-compatible encoding): byte ranges cut at
    line ends, each parsed by ``numpy.loadtxt`` in a task. Other options, file objects,
    compressed files and files without data: ``numpy.loadtxt`` on the driver. Errors of a
    parallel read are NumPy's (same type), prefixed with the file and the range's first
    line; a file whose ranges have different numbers of columns raises ``ValueError``.
    ``like`` is accepted and ignored."""
    reason = _parallel_reason(fname, dtype, comments, delimiter, skiprows, usecols, ndmin,
                              encoding, {"converters": (converters, None),
                                         "max_rows": (max_rows, None),
                                         "quotechar": (quotechar, None)})
    x = None
    if reason is None:
        kwargs = {"dtype": dtype, "comments": comments, "delimiter": delimiter,
                  "usecols": usecols, "encoding": encoding}
        x = _read_parallel("loadtxt", task_path(fname), skiprows, kwargs)
    if x is None:
        return run_on_driver(np.loadtxt, (fname,), {
            "dtype": dtype, "comments": comments, "delimiter": delimiter,
            "converters": converters, "skiprows": skiprows, "usecols": usecols,
            "unpack": unpack, "ndmin": ndmin, "encoding": encoding, "max_rows": max_rows,
            "quotechar": quotechar}, "numpy.loadtxt")
    return _shape_as_numpy(x, ndmin, unpack)


_GENFROMTXT_DEFAULTS = {"skip_footer": 0, "converters": None, "missing_values": None,
                        "filling_values": None, "names": None, "excludelist": None,
                        "deletechars": " !#$%&'()*+,-./:;<=>?@[\\]^{|}~",
                        "replace_space": "_", "autostrip": False, "case_sensitive": True,
                        "defaultfmt": "f%i", "usemask": False, "loose": True,
                        "invalid_raise": True, "max_rows": None}


def genfromtxt(fname: Any, dtype: Any = float, comments: Any = "#", delimiter: Any = None,
               skip_header: int = 0, skip_footer: int = 0, converters: Any = None,
               missing_values: Any = None, filling_values: Any = None, usecols: Any = None,
               names: Any = None, excludelist: Any = None,
               deletechars: Any = " !#$%&'()*+,-./:;<=>?@[\\]^{|}~",
               replace_space: str = "_", autostrip: bool = False,
               case_sensitive: Any = True, defaultfmt: str = "f%i", unpack: Any = None,
               usemask: bool = False, loose: bool = True, invalid_raise: bool = True,
               max_rows: Any = None, encoding: Any = None, *, ndmin: int = 0,
               like: Any = None) -> Any:
    """In parallel for a plain numeric file given by path with every option at its default
    but ``dtype`` (an explicit numeric one: not None, which infers it from all the data),
    ``comments``, ``delimiter`` (a string or None), ``skip_header``, integer ``usecols``,
    ``unpack``, ``ndmin`` and an ASCII-compatible ``encoding``: byte ranges cut at line ends,
    each parsed by ``numpy.genfromtxt`` in a task. Everything else (names, missing and
    filling values, masks, converters, ``skip_footer``, ``max_rows``, file objects):
    ``numpy.genfromtxt`` on the driver; a masked result (``usemask=True``) is NumPy's
    MaskedArray, not a BlockArray. ``like`` is accepted and ignored."""
    given = {"skip_footer": skip_footer, "converters": converters,
             "missing_values": missing_values, "filling_values": filling_values,
             "names": names, "excludelist": excludelist, "deletechars": deletechars,
             "replace_space": replace_space, "autostrip": autostrip,
             "case_sensitive": case_sensitive, "defaultfmt": defaultfmt,
             "usemask": usemask, "loose": loose, "invalid_raise": invalid_raise,
             "max_rows": max_rows}
    extra = {k: (v, _GENFROMTXT_DEFAULTS[k]) for k, v in given.items()}
    reason = None if dtype is not None else "dtype"
    reason = reason or _parallel_reason(fname, dtype, comments, delimiter, skip_header,
                                        usecols, ndmin, encoding, extra)
    x = None
    if reason is None:
        kwargs = {"dtype": dtype, "comments": comments, "delimiter": delimiter,
                  "usecols": usecols, "encoding": encoding}
        x = _read_parallel("genfromtxt", task_path(fname), skip_header, kwargs)
    if x is None:
        kwargs = dict(given, dtype=dtype, comments=comments, delimiter=delimiter,
                      skip_header=skip_header, usecols=usecols, unpack=unpack,
                      encoding=encoding, ndmin=ndmin)
        if usemask:  # a MaskedArray: numpy's own object (a BlockArray would lose the mask)
            return np.genfromtxt(fname, **kwargs)
        return run_on_driver(np.genfromtxt, (fname,), kwargs, "numpy.genfromtxt")
    return _shape_as_numpy(x, ndmin, bool(unpack))


# ---------------------------------------------------------------------------- writing


def _writer(fh: Any, encoding: Any) -> Any:
    """``write(text)`` for a file object as NumPy's savetxt writes to one: text, or bytes
    encoded with ``encoding`` (latin1 by default) when it takes bytes."""
    state = {"bytes": None}

    def write(text: str) -> None:
        if state["bytes"] is None:
            try:
                fh.write(text)
                state["bytes"] = False
                return
            except TypeError:
                state["bytes"] = True
        fh.write(text.encode(encoding or "latin1") if state["bytes"] else text)

    return write


def savetxt(fname: Any, X: Any, fmt: Any = "%.18e", delimiter: str = " ",
            newline: str = "\n", header: str = "", footer: str = "", comments: str = "# ",
            encoding: Any = None) -> None:
    """Each block-row is formatted by a task (NumPy's ``savetxt`` on its rows) on the node
    that holds its first block; the driver writes the header, the rows' texts in order
    (fetching one block-row's text at a time) and the footer. Paths ending in ``.gz`` and
    arrays of Python objects: NumPy on the driver."""
    if isinstance(fname, os.PathLike):
        fname = os.fspath(fname)
    if not isinstance(X, BlockArray):  # numpy's values: numpy's savetxt, nothing to gather
        return np.savetxt(fname, X, fmt=fmt, delimiter=delimiter, newline=newline,
                          header=header, footer=footer, comments=comments, encoding=encoding)
    if (isinstance(fname, str) and fname.endswith(".gz")) or X.dtype.hasobject or not (
            isinstance(fname, str) or hasattr(fname, "write")):
        return run_on_driver(np.savetxt, (fname, X), {
            "fmt": fmt, "delimiter": delimiter, "newline": newline, "header": header,
            "footer": footer, "comments": comments, "encoding": encoding}, "numpy.savetxt")
    x = asarray(X)
    own = isinstance(fname, str)
    if own:
        fh = open(fname, "w", encoding=encoding)
        write = fh.write
    else:
        fh, write = fname, _writer(fname, encoding)
    kwargs = {"fmt": fmt, "delimiter": delimiter, "newline": newline, "comments": comments}
    try:
        if x.ndim == 0 or x.ndim > 2:
            raise ValueError(f"Expected 1D or 2D array, got {x.ndim}D array instead")
        # numpy's checks of fmt against the columns, on no rows, before anything is written
        np.savetxt(io.StringIO(), np.empty((0,) + x.shape[1:], x.dtype), **kwargs)
        if len(header) > 0:
            write(comments + header.replace("\n", "\n" + comments) + newline)
        grid = x.grid
        refs = []
        for i in range(grid.grid_shape[0] if x.shape[0] else 0):
            row = [(i,) + rest for rest in np.ndindex(*grid.grid_shape[1:])]
            refs.append(submit(format_text_rows, [grid.block_shape_at(idx) for idx in row],
                               kwargs, *[x.blocks[idx] for idx in row],
                               node=int(x.nodes[row[0]])))
        with progress.Bar("savetxt", len(refs)) as bar:
            for ref in refs:
                write(backend().get([ref])[0])
                bar.update()
        if len(footer) > 0:
            write(comments + footer.replace("\n", "\n" + comments) + newline)
    finally:
        if own:
            fh.close()
    return None


savetxt._nums_status = "through the driver (block-row by block-row)"  # type: ignore
