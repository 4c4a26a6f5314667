"""``read_csv``: a numeric CSV file read in parallel into a 2-d BlockArray.

The file is cut into byte ranges. A first round of tasks counts the quote characters and
line ends of each range (so every cut point knows whether it falls inside a quoted field,
and every range the number of its first line); a second round parses, in each range, the
lines that begin there outside quotes, with pyarrow's CSV reader (quoted fields with
delimiters and newlines, CRLF, missing values as NaN). The row counts come back in one small
round and the pieces are laid out in the session's regular blocks. Compressed files are
read by one task (their byte ranges cannot be cut).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from nums.core import progress
from nums.core.array.blockarray import make_grid, node_of, one_block, submit
from nums.io import _csv_kernels as ck
from nums.io._paths import file_for
from nums.numpy._convert import asarray
from nums.numpy._manipulation import concatenate

PART_BYTES = 32 * 2**20  # bytes parsed per task (more tasks than workers from 64 MB up)
# compressed files, by extension: pyarrow's codec of each (the file is read by one task)
COMPRESSED = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".lz4": "lz4", ".br": "brotli"}
NA_VALUES = ["", "NA", "N/A", "NaN", "nan", "NULL", "null", "#N/A", "-NaN", "-nan"]


def read_csv(url: str | os.PathLike, *, delimiter: str = ",", header: bool = True,
             usecols: list[str] | list[int] | None = None, dtype: Any = np.float64,
             skiprows: int = 0, na_values: list[str] | None = None, quotechar: str = '"',
             columns: bool = False, storage_options: dict | None = None) -> Any:
    """Read a numeric CSV file into a 2-d BlockArray (rows, columns), in parallel.

    Parameters
    ----------
    url : str or path-like
        A local path, a ``file://`` URL or an S3 object ``s3://bucket/key.csv`` (read by
        ranged GETs, one per byte range and task).
    delimiter : str
        The field separator.
    header : bool
        Whether the first line (after ``skiprows``) names the columns; otherwise they are
        named ``"0"``, ``"1"``, ...
    usecols : list of str or int, optional
        The columns to read (names, or positions), in the file's order.
    dtype : dtype
        The result's dtype (float64 by default; missing values are NaN). Integer dtypes
        refuse missing values.
    skiprows : int
        Lines to skip at the start of the file, before the header.
    na_values : list of str, optional
        The strings read as missing (default: empty, NA, NaN, null, ...).
    quotechar : str
        The quote character ("" for none).
    columns : bool
        Return a dict of 1-d BlockArrays, one per column, instead.
    storage_options : dict, optional
        S3 only: credentials, endpoint and region (see :func:`nums.write`).

    Raises
    ------
    ValueError
        A malformed row (naming the file and line) or a column that is not numeric (naming
        it; leave it out with ``usecols``).
    FileNotFoundError, PermissionError
        The file (for S3: the bucket or key, named) is missing or may not be read.
    """
    store, key = file_for(url, storage_options)
    path = store.url(key)
    dtype = np.dtype(dtype)
    options = {"delimiter": delimiter, "quotechar": quotechar, "dtype": dtype,
               "na_values": list(NA_VALUES if na_values is None else na_values)}
    codec = next((c for ext, c in COMPRESSED.items() if path.endswith(ext)), None)
    if codec is not None:
        store.size(key)  # a missing file raises here, naming it
        block, rows, used = submit(ck.parse_compressed, store, key, codec, header, skiprows,
                                   usecols, options, node=node_of((0,)), num_returns=3)
        n, used = progress.get([rows, used], "read_csv: parse")
        result = _regular([(block, int(n), node_of((0,)))], len(used), dtype)
        return _as_columns(result, used, columns)
    size = store.size(key)
    with store.open_ranges(key, size) as f:
        names, data_start, lines_before = ck.header_of(f, path, delimiter, quotechar, header,
                                                       skiprows)
    options["usecols"] = ck.select_columns(path, names, usecols)
    width = len(options["usecols"] or names)
    quote = quotechar.encode() if quotechar else b""
    cuts = list(range(data_start, size, PART_BYTES)) + [size]
    if len(cuts) == 1:
        cuts = [data_start, size]
    # the tasks read no block: range i on the block-cyclic node of entry (i,)
    scans = progress.get([submit(ck.scan_range, store, key, a, b, size, quote, node=node_of((i,)))
                           for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:]))],
                          "read_csv: scan")
    odd, lines = [False], [lines_before]
    for quotes, ends in scans:
        odd.append(odd[-1] ^ (quotes % 2 == 1))
        lines.append(lines[-1] + ends)
    parts = []
    for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:])):
        node = node_of((i,))
        block, rows = submit(ck.parse_range, store, key, a, b, size, odd[i], odd[i + 1], data_start,
                             lines[i], names, options, node=node, num_returns=2)
        parts.append((block, rows, node))
    counts = progress.get([rows for _, rows, _ in parts], "read_csv: parse")
    result = _regular([(block, int(n), node) for (block, _, node), n in zip(parts, counts)],
                      width, dtype)
    return _as_columns(result, options["usecols"] or names, columns)


def _regular(parts: list, width: int, dtype: np.dtype) -> Any:
    """The parsed pieces ``(block ref, rows, node)`` laid out in the session's regular
    blocks."""
    pieces = [one_block(block, (n, width), dtype, node) for block, n, node in parts if n]
    if not pieces:
        return asarray(np.empty((0, width), dtype))
    total = sum(p.shape[0] for p in pieces)
    return concatenate(pieces, axis=0, block_shape=make_grid((total, width), dtype).block_shape)


def _as_columns(result: Any, names: list | None, columns: bool) -> Any:
    if columns:
        return {name: result[:, j] for j, name in enumerate(names)}
    return result
