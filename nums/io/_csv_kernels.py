"""Block tasks of the CSV reader (they run in the workers): a scan of a byte range (quotes
and line ends, for quote-aware cut points and line numbers) and the parse of the lines that
start in a range, with pyarrow. The file is ``key`` of a store (a local file, or an S3
object read by ranged GETs)."""

from __future__ import annotations

import io
import re

import numpy as np

from nums.io._stores import Store

NEWLINE = b"\n"


def scan_range(store: Store, key: str, start: int, stop: int, size: int, quote: bytes
               ) -> tuple[int, int]:
    """``(quote characters, line ends)`` in bytes ``[start, stop)`` of the file (of
    ``size`` bytes)."""
    with store.open_ranges(key, size) as f:
        f.seek(start)
        data = f.read(stop - start)
    return (data.count(quote) if quote else 0), data.count(b"\n")


def _line_start(f, pos: int, size: int, quote: bytes, odd: bool) -> int:
    """The first position at or after ``pos`` that begins a line outside quotes (``odd``:
    whether ``pos`` is inside a quoted field); ``size`` at the end of the file."""
    f.seek(pos)
    at = pos
    while at < size:
        chunk = f.read(1 << 16)
        if not chunk:
            return size
        offset = 0
        while True:
            nl = chunk.find(b"\n", offset)
            if nl < 0:
                if quote:
                    odd ^= chunk.count(quote, offset) % 2 == 1
                break
            if quote:
                odd ^= chunk.count(quote, offset, nl) % 2 == 1
            if not odd:
                return at + nl + 1
            offset = nl + 1
        at += len(chunk)
    return size


def _arrow_type(dtype: np.dtype):
    """The type pyarrow parses every column as (so that a range of missing values keeps
    it): float64 for inexact results, int64 for integers, bool for booleans."""
    import pyarrow as pa

    if dtype.kind == "b":
        return pa.bool_()
    if dtype.kind in "iu":
        return pa.int64()
    if dtype.kind in "fc":
        return pa.float64()
    raise TypeError(f"nums.read_csv reads numbers: dtype {dtype} is not supported")


def parse_range(store: Store, key: str, start: int, stop: int, size: int, odd_start: bool,
                odd_stop: bool, data_start: int, lines_before_start: int, names: list[str],
                options: dict) -> tuple:
    """Parse the lines that begin in ``[start, stop)`` (outside quotes): ``(block (rows,
    columns), rows)``. Errors name the file and the line."""
    path = store.url(key)
    quote = options["quotechar"].encode() if options["quotechar"] else b""
    with store.open_ranges(key, size) as f:
        begin = start if start == data_start else _line_start(f, start, size, quote, odd_start)
        end = size if stop >= size else _line_start(f, stop, size, quote, odd_stop)
        if begin >= end:
            return np.empty((0, len(options["usecols"] or names)), options["dtype"]), 0
        f.seek(start)
        skipped = f.read(begin - start).count(b"\n") if begin > start else 0
        f.seek(begin)
        data = f.read(end - begin)
    line0 = lines_before_start + skipped + 1  # the file's line number of ``begin``
    return parse_bytes(path, data, line0, names, options)


def header_of(f, path: str, delimiter: str, quotechar: str, header: bool, skiprows: int
              ) -> tuple[list[str], int, int]:
    """``(column names, the byte where data starts, lines before it)`` of the CSV text that
    the binary file object ``f`` reads from its start."""
    import pyarrow.csv as pcsv

    for _ in range(skiprows):
        if not f.readline():
            break
    first = f.readline()
    start_of_first = f.tell() - len(first)
    parse = pcsv.ParseOptions(delimiter=delimiter, quote_char=quotechar or False)
    line = first.rstrip(b"\r\n")
    if not line:
        raise ValueError(f"{path}: no columns (the file is empty after {skiprows} skipped "
                         "line(s))")
    table = pcsv.read_csv(io.BytesIO(line + b"\n"), parse_options=parse,
                          read_options=pcsv.ReadOptions(autogenerate_column_names=True))
    cells = [str(table.column(j)[0]) if table.num_rows else table.column_names[j]
             for j in range(table.num_columns)]
    if header:
        return cells, start_of_first + len(first), skiprows + 1
    return [str(j) for j in range(len(cells))], start_of_first, skiprows


def select_columns(path: str, names: list[str], usecols: list | None) -> list[str] | None:
    """The names of the columns ``usecols`` picks (names or positions), in file order."""
    if usecols is None:
        return None
    picked = [names[c] if isinstance(c, int | np.integer) else str(c) for c in usecols]
    missing = [c for c in picked if c not in names]
    if missing:
        raise ValueError(f"{path}: usecols names columns that are not in the file: {missing}")
    return [n for n in names if n in picked]


def parse_compressed(store: Store, key: str, codec: str, header: bool, skiprows: int,
                     usecols: list | None, options: dict) -> tuple:
    """A compressed CSV file whole (its byte ranges cannot be cut): decompress, read the
    header, parse; ``(block (rows, columns), rows, the names of its columns)``."""
    import pyarrow as pa

    path = store.url(key)
    with store.open(key) as f:
        raw = f.read()
    try:
        data = pa.CompressedInputStream(pa.BufferReader(raw), codec).read()
    except (pa.ArrowException, OSError) as exc:
        raise ValueError(f"{path}: cannot decompress as {codec} ({exc})") from None
    f = io.BytesIO(data)
    names, start, lines_before = header_of(f, path, options["delimiter"], options["quotechar"],
                                           header, skiprows)
    options = dict(options, usecols=select_columns(path, names, usecols))
    used = options["usecols"] or names
    if start >= len(data):
        return np.empty((0, len(used)), options["dtype"]), 0, used
    block, rows = parse_bytes(path, data[start:], lines_before + 1, names, options)
    return block, rows, used


def parse_bytes(path: str, data: bytes, line0: int, names: list[str], options: dict
                ) -> tuple:
    """Parse CSV lines (the file's lines from ``line0`` on): ``(block, rows)``."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    quote = options["quotechar"].encode() if options["quotechar"] else b""
    bad = []

    def bad_row(row):  # pyarrow ignores exceptions here: note the row, let pyarrow fail
        bad.append(row)
        return "error"

    parse = pcsv.ParseOptions(delimiter=options["delimiter"],
                              quote_char=options["quotechar"] or False,
                              newlines_in_values=bool(quote), invalid_row_handler=bad_row)
    # pyarrow's default 1 MB parse blocks: 64 MB ones parsed 2.4x slower here (cache)
    read = pcsv.ReadOptions(column_names=names, use_threads=False)
    convert = pcsv.ConvertOptions(include_columns=options["usecols"],
                                  null_values=options["na_values"], strings_can_be_null=True,
                                  column_types={n: _arrow_type(options["dtype"]) for n in
                                                (options["usecols"] or names)})
    try:
        table = pcsv.read_csv(io.BytesIO(data), read_options=read, parse_options=parse,
                              convert_options=convert)
    except pa.ArrowInvalid as exc:
        if bad:
            row = bad[0]
            # the physical line: rows may span lines (quoted newlines), so find the text
            pos = data.find(row.text.encode()) if row.text else -1
            line = line0 + data.count(NEWLINE, 0, pos)
            where = f"line {line}" if pos >= 0 else f"row {row.number} after line {line0 - 1}"
            raise ValueError(f"{path}, {where}: expected {row.expected_columns} columns, "
                             f"found {row.actual_columns}: {row.text[:80]!r}") from None
        message = str(exc)
        found = re.search(r"In CSV column #(\d+)", message)
        if found and "conversion" in message:
            column = (options["usecols"] or names)[int(found.group(1))]
            raise ValueError(f"{path}: column {column!r} is not numeric ({message}); leave "
                             "it out with usecols=") from None
        raise ValueError(f"{path}, lines {line0}..: {message}") from None
    dtype = options["dtype"]
    out = np.empty((table.num_rows, table.num_columns), dtype)
    for j, column in enumerate(table.columns):
        values = column.to_numpy(zero_copy_only=False)
        if values.dtype.kind not in "biuf":
            raise ValueError(f"{path}: column {table.column_names[j]!r} is not numeric; pass "
                             "usecols= without it")
        if dtype.kind in "iub" and column.null_count:
            raise ValueError(f"{path}: column {table.column_names[j]!r} has missing values, "
                             f"which {dtype} cannot hold")
        out[:, j] = values
    return out, table.num_rows
