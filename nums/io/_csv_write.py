"""``write_csv``: a 1-d or 2-d BlockArray as CSV, one part file per block-row, each
formatted and written by a task on the node that holds the row's first block; or one file,
the parts concatenated in order. Files read back with ``nums.read_csv``."""

from __future__ import annotations

import os
import shutil
import uuid
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array.blockarray import submit
from nums.io import _kernels as k
from nums.io._paths import local_path
from nums.numpy._convert import asarray
from nums.numpy._manipulation import reshape

# formats that read back to the same value: enough significant digits for each float type
EXACT = {2: "%.5g", 4: "%.9g", 8: "%.17g"}


def _format(dtype: np.dtype, float_format: str | None) -> str:
    if dtype.kind == "f":
        return float_format or EXACT.get(dtype.itemsize, "%.21g")
    if dtype.kind in "iu":
        return "%d"
    if dtype.kind == "b":
        return "%d"  # 1 and 0 (read_csv reads numbers)
    raise TypeError(f"nums.write_csv writes numbers: dtype {dtype} is not supported")


def write_csv(url: str | os.PathLike, x: Any, *, delimiter: str = ",",
              header: bool | list[str] = True, float_format: str | None = None,
              single_file: bool = False) -> None:
    """Write a 1-d or 2-d numeric array as CSV, in parallel.

    By default ``url`` becomes a folder of part files, ``part-00000.csv``, ``part-00001.csv``,
    ... one per block-row of ``x``, each written by a task on the node holding the row's
    first block (each part has the header, so each reads alone). With ``single_file=True``,
    ``url`` is one file: the header, then the parts' rows concatenated in order. Either way
    the result is written under a temporary name and renamed into place when complete
    (replacing what was there).

    Parameters
    ----------
    url : str or path-like
        A local path or ``file://`` URL.
    x : array_like
        A 1-d (one column) or 2-d array of booleans (written 1 and 0), integers or floats.
    delimiter : str
        The field separator.
    header : bool or list of str
        Write a header line: column names ``0``, ``1``, ... when True, the given names when
        a list, none when False (then read back with ``read_csv(..., header=False)``).
    float_format : str, optional
        A ``%`` format for floats; by default one with enough digits to read back the same
        value (``%.17g`` for float64, ``%.9g`` for float32).
    single_file : bool
        Write one file instead of a folder of parts.

    Raises
    ------
    ValueError
        ``x`` is not 1-d or 2-d, or ``header`` does not name every column.
    TypeError
        A dtype that is not boolean, integer or float.
    """
    x = asarray(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"nums.write_csv writes 1-d or 2-d arrays, not {x.ndim}-d")
    if x.ndim == 1:
        x = reshape(x, (x.shape[0], 1))
    fmt = _format(x.dtype, float_format)
    if header is True:
        names = [str(j) for j in range(x.shape[1])]
    elif header is False or header is None:
        names = None
    else:
        names = [str(n) for n in header]
        if len(names) != x.shape[1]:
            raise ValueError(f"nums.write_csv: header names {len(names)} columns, the array "
                             f"has {x.shape[1]}")
    head = delimiter.join(names) + "\n" if names is not None else ""
    target = local_path(url, "nums.write_csv")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.nums-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        grid = x.grid
        refs = []
        for i in range(grid.grid_shape[0] if x.size else 0):
            row = [(i, j) for j in range(grid.grid_shape[1])]
            part = str(tmp / f"part-{i:05d}.csv")
            refs.append(submit(k.write_csv_part, part, "" if single_file else head, fmt,
                               delimiter, x.dtype, [grid.block_shape_at(idx) for idx in row],
                               *[x.blocks[idx] for idx in row], node=int(x.nodes[(i, 0)])))
        progress.get(refs, "nums.write_csv")
        if not refs and not single_file:  # no rows: one part with the header
            (tmp / "part-00000.csv").write_text(head)
        if single_file:
            whole = target.parent / f".{target.name}.nums-{uuid.uuid4().hex}.csv"
            with open(whole, "wb") as out:
                out.write(head.encode())
                for i in range(len(refs)):
                    with open(tmp / f"part-{i:05d}.csv", "rb") as part:
                        shutil.copyfileobj(part, out, 1 << 22)
                out.flush()
                os.fsync(out.fileno())
            shutil.rmtree(tmp)
            tmp = whole
        _replace(tmp, target)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()
        raise


def _replace(new, target) -> None:
    """Put ``new`` (a file or folder) at ``target``, removing what was there."""
    if target.is_dir() and not target.is_symlink():
        old = target.parent / f".{target.name}.nums-old-{uuid.uuid4().hex}"
        os.replace(target, old)
        os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)
        return
    if new.is_dir() and (target.exists() or target.is_symlink()):
        target.unlink()
    os.replace(new, target)
