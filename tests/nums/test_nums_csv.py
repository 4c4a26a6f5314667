"""nums.read_csv against pyarrow's reader of the whole file (one thread), with byte ranges
cut everywhere (tiny parts put cut points inside quoted fields, CRLF pairs and numbers),
on every backend: quoting, missing values, CRLF, no trailing newline, header only,
skiprows, usecols, dtype, and errors that name the line or the column."""

from __future__ import annotations

import io

import numpy as np
import pyarrow.csv as pcsv
import pytest
from nums_helpers import assert_same

import nums
from nums.io import _csv

PARTS = [1, 7, 64, 1 << 20]


def _reference(text: str, usecols=None, skiprows=0) -> np.ndarray:
    table = pcsv.read_csv(io.BytesIO(text.encode()),
                          read_options=pcsv.ReadOptions(skip_rows=skiprows, use_threads=False),
                          parse_options=pcsv.ParseOptions(newlines_in_values=True),
                          convert_options=pcsv.ConvertOptions(include_columns=usecols))
    return np.column_stack([c.to_numpy(zero_copy_only=False).astype(float)
                            for c in table.columns]) if table.num_rows else None


@pytest.fixture(params=PARTS)
def part_bytes(request, monkeypatch):
    monkeypatch.setattr(_csv, "PART_BYTES", request.param)
    return request.param


def _write(tmp_path, text: str, name: str = "f.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def test_numbers_missing_values_crlf_and_no_trailing_newline(tmp_path, part_bytes):
    rng = np.random.default_rng(1)
    values = rng.standard_normal((40, 4)) * 10.0 ** rng.integers(-3, 4, (40, 4))
    rows = [",".join("" if (i * 4 + j) % 11 == 5 else repr(float(v)) for j, v in enumerate(r))
            for i, r in enumerate(values)]
    text = "w,x,y,z\r\n" + "\r\n".join(rows)  # CRLF, no newline at the end
    got = nums.read_csv(_write(tmp_path, text))
    assert got.shape == (40, 4)
    assert_same(got, _reference(text))


def test_quoted_fields_with_delimiters_and_newlines(tmp_path, part_bytes):
    text = ('id,"note, with comma",value\n'
            '1,"a, b",2.5\n2,"line\nbreak, and ""quotes""",-3\n'
            '3,"",4e2\n4,"x\n\ny",\n5,plain,6\n')
    got = nums.read_csv(_write(tmp_path, text), usecols=["id", "value"])
    assert_same(got, _reference(text, usecols=["id", "value"]))
    by_position = nums.read_csv(_write(tmp_path, text), usecols=[0, 2], columns=True)
    assert list(by_position) == ["id", "value"]
    assert_same(by_position["value"], np.array([2.5, -3, 400, np.nan, 6]))
    with pytest.raises(ValueError, match="column 'note, with comma' is not numeric"):
        nums.read_csv(_write(tmp_path, text)).get()


def test_errors_name_the_line(tmp_path, part_bytes):
    text = 'a,b\n1,2\n3,"4\n4"\n5,6,7\n8,9\n'  # the bad row is the file's line 5
    with pytest.raises(ValueError, match=r"f\.csv, line 5: expected 2 columns, found 3"):
        nums.read_csv(_write(tmp_path, text), usecols=["a"]).get()


def test_header_only_skiprows_no_header_and_dtypes(tmp_path, part_bytes):
    assert nums.read_csv(_write(tmp_path, "a,b,c\n")).shape == (0, 3)
    text = "produced by a logger\nsecond line\n7,8\n9,10\n11,12"
    got = nums.read_csv(_write(tmp_path, text), skiprows=2, header=False, dtype=np.int64)
    assert_same(got, np.array([[7, 8], [9, 10], [11, 12]]))
    f32 = nums.read_csv(_write(tmp_path, "a\n0.1\n0.2\n"), dtype=np.float32)
    assert_same(f32, np.array([[0.1], [0.2]], np.float32))
    with pytest.raises(ValueError, match="missing values"):
        nums.read_csv(_write(tmp_path, "a,b\n1,\n2,3\n"), dtype=np.int64).get()
    with pytest.raises(ValueError, match="not in the file"):
        nums.read_csv(_write(tmp_path, "a,b\n1,2\n"), usecols=["c"])
    with pytest.raises(FileNotFoundError):
        nums.read_csv(tmp_path / "missing.csv")


def test_large_file_in_many_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(_csv, "PART_BYTES", 4096)
    values = np.arange(30000, dtype=np.float64).reshape(-1, 3)
    path = tmp_path / "big.csv"
    np.savetxt(path, values, delimiter=",", header="a,b,c", comments="", fmt="%d")
    got = nums.read_csv(path)
    assert_same(got, values)
    assert_same(got.sum(axis=0), values.sum(axis=0))


@pytest.mark.parametrize("codec,ext", [("gzip", ".gz"), ("bz2", ".bz2"), ("zstd", ".zst"),
                                       ("lz4", ".lz4"), ("brotli", ".br")])
def test_compressed_files(tmp_path, codec, ext):
    import pyarrow as pa
    if not pa.Codec.is_available(codec):
        pytest.skip(f"this pyarrow has no {codec} codec")
    rng = np.random.default_rng(2)
    values = rng.standard_normal((500, 3))
    text = "skip me\na,b,c\n" + "".join(
        ",".join(repr(float(v)) for v in r) + "\n" for r in values)
    path = tmp_path / f"f.csv{ext}"
    with pa.CompressedOutputStream(str(path), codec) as f:
        f.write(text.encode())
    got = nums.read_csv(path, skiprows=1)
    assert_same(got, values)
    cols = nums.read_csv(path, skiprows=1, usecols=["c", 0], columns=True)
    assert list(cols) == ["a", "c"]
    assert_same(cols["c"], values[:, 2])
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match=r"bad\.csv\.gz: cannot decompress as gzip"):
        nums.read_csv(bad).get()
    with pytest.raises(FileNotFoundError):
        nums.read_csv(tmp_path / "missing.csv.gz")
