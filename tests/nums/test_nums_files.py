"""NumPy's own files beyond .npy, HDF5 and CSV writing, against NumPy and h5py on every
backend: .npz archives (stored and compressed, paths and file objects, every dtype and rank,
empty and 0-d), HDF5 datasets (chunk-aligned blocks, overwrite rules, errors naming the file
and dataset), ``write_csv`` round trips through ``read_csv``."""

from __future__ import annotations

import io
import warnings
import zipfile

import numpy as np
import pytest
from nums_helpers import assert_same

import nums
import nums.numpy as nps

RNG = np.random.default_rng(5)
SHAPES = [((), ()), ((11,), (4,)), ((7, 5), (3, 2)), ((4, 3, 5), (3, 2, 2)), ((0, 4), (1, 2))]


def _values(shape, dtype):
    dtype = np.dtype(dtype)
    raw = RNG.integers(0, 100, size=shape)
    if dtype.kind == "U":
        return raw.astype(str).astype(dtype)
    if dtype.kind == "c":
        return (raw + 0.5j).astype(dtype)
    return (raw % 2 if dtype.kind == "b" else raw / (1 if dtype.kind in "iu" else 7)
            ).astype(dtype)


# ---------------------------------------------------------------------------- .npz


@pytest.mark.parametrize("compressed", [False, True], ids=["stored", "deflated"])
@pytest.mark.parametrize("dtype", ["bool", "int16", "float64", "complex64", "<U3"])
@pytest.mark.parametrize("shape,block_shape", SHAPES)
def test_savez_then_numpy_and_nums_load(tmp_path, compressed, dtype, shape, block_shape):
    value = _values(shape, dtype)
    x = nps.array(value, block_shape=block_shape)
    save = nps.savez_compressed if compressed else nps.savez
    save(tmp_path / "a", x, named=x, plain=value)  # ".npz" appended, as numpy does
    with np.load(tmp_path / "a.npz") as z:
        assert z.files == ["named", "plain", "arr_0"]
        for key in z.files:
            assert_same(z[key], value)
        kinds = {i.filename: i.compress_type for i in z.zip.infolist()}
    expected = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    assert set(kinds.values()) == {expected}
    with nps.load(tmp_path / "a.npz") as z:
        assert z.files == ["named", "plain", "arr_0"] and len(z) == 3 and "named" in z
        for key in ("named", "plain", "arr_0", "arr_0.npy"):
            got = z[key]
            assert isinstance(got, nps.BlockArray)
            assert_same(got, value)
        assert_same(z.f.plain, value)


def test_npz_written_by_numpy_fortran_order_and_parallel_reads(tmp_path):
    a = np.asfortranarray(RNG.standard_normal((9, 7)))
    b = np.arange(40, dtype=np.int32).reshape(8, 5)
    np.savez(tmp_path / "n.npz", a=a, b=b, c=np.float32(2.5))
    with nps.load(tmp_path / "n.npz") as z:
        got = z["a"]
        # read in blocks, one task each (unless the session's blocks hold it whole)
        assert got.grid.num_blocks > 1 or nps.zeros(a.shape).grid.num_blocks == 1
        assert_same(got, a)
        assert_same(z["b"][2:7, 1:4], b[2:7, 1:4])
        assert_same(z["c"], np.float32(2.5))
        assert repr(z) == f"NpzFile {str(tmp_path / 'n.npz')!r} with keys: a, b, c"
        with pytest.raises(KeyError, match="d is not a file in the archive"):
            z["d"]
        with pytest.raises(AttributeError):
            _ = z.f.d
    assert z.zip is None and z.fid is None  # closed by the context manager


def test_npz_file_objects_and_non_npy_members(tmp_path):
    value = RNG.standard_normal((6, 5))
    buf = io.BytesIO()
    nps.savez(buf, v=nps.array(value, block_shape=(4, 2)))
    buf.seek(0)
    assert_same(np.load(buf)["v"], value)
    buf.seek(0)
    z = nps.load(buf)
    assert_same(z["v"], value)
    z.close()
    assert not buf.closed  # numpy leaves a file object it did not open
    with zipfile.ZipFile(tmp_path / "m.npz", "w") as zf:
        zf.writestr("notes.txt", b"hello")
        zf.writestr("x.npy", b"")
    with nps.load(tmp_path / "m.npz") as z, np.load(tmp_path / "m.npz") as zn:
        assert z.files == zn.files == ["notes.txt", "x"]
        assert z["notes.txt"] == zn["notes.txt"] == b"hello"
    with open(tmp_path / "f.npz", "wb") as f:
        nps.savez_compressed(f, nps.arange(5))
    with open(tmp_path / "f.npz", "rb") as f:
        assert_same(nps.load(f)["arr_0"], np.arange(5))


def test_npz_errors_and_pickles_as_numpy(tmp_path):
    with pytest.raises(ValueError, match="Cannot use un-named variables and keyword arr_0"):
        nps.savez(tmp_path / "e", nps.arange(3), arr_0=nps.arange(2))
    objects = np.array([{"a": 1}, None], dtype=object)
    nps.savez(tmp_path / "o", o=objects)
    with nps.load(tmp_path / "o.npz") as z, pytest.raises(ValueError, match="allow_pickle"):
        z["o"]
    with np.load(tmp_path / "o.npz", allow_pickle=True) as z:
        assert z["o"][0] == {"a": 1}
    with pytest.raises(ValueError, match="allow_pickle"):
        nps.savez(tmp_path / "p", o=objects, allow_pickle=False)
    with pytest.raises(ValueError, match="encoding must be"):
        nps.load(tmp_path / "o.npz", encoding="utf8")
    with pytest.raises(FileNotFoundError):
        nps.load(tmp_path / "missing.npz")


def test_npy_still_loads_and_npz_does_not_gather(tmp_path):
    value = np.arange(20.0).reshape(4, 5)
    np.savez(tmp_path / "z.npz", v=value)
    with warnings.catch_warnings():
        warnings.simplefilter("error", nps.GatherWarning)  # no fallback for .npz any more
        with nps.load(tmp_path / "z.npz") as z:
            assert_same(z["v"], value)


# ---------------------------------------------------------------------------- HDF5


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint32", "float32", "complex128", "S4"])
@pytest.mark.parametrize("shape,block_shape", SHAPES)
def test_hdf5_round_trip_against_h5py(tmp_path, dtype, shape, block_shape):
    h5py = pytest.importorskip("h5py")
    value = _values(shape, "U4").astype(dtype) if dtype == "S4" else _values(shape, dtype)
    x = nps.array(value, block_shape=block_shape)
    nums.write_hdf5(tmp_path / "f.h5", "group/x", x)
    with h5py.File(tmp_path / "f.h5", "r") as f:
        assert list(f["group"]) == ["x"]  # the temporary name is gone
        assert f["group/x"].dtype == value.dtype
        np.testing.assert_array_equal(f["group/x"][()], value)
    assert_same(nums.read_hdf5(f"file://{tmp_path}/f.h5", "group/x"), value)


def test_hdf5_chunk_aligned_blocks_and_explicit_block_shape(tmp_path):
    h5py = pytest.importorskip("h5py")
    value = RNG.standard_normal((30, 20))
    with h5py.File(tmp_path / "c.h5", "w") as f:
        f.create_dataset("c", data=value, chunks=(7, 3), compression="gzip")
        f.create_dataset("flat", data=value)
    got = nums.read_hdf5(tmp_path / "c.h5", "c")
    assert all(b % c == 0 or b == n for b, c, n in zip(got.block_shape, (7, 3), value.shape))
    assert_same(got, value)
    assert_same(nums.read_hdf5(tmp_path / "c.h5", "/flat", block_shape=(4, 20)), value)


def test_hdf5_modes_overwrite_and_errors(tmp_path):
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "m.h5"
    a, b = np.arange(12.0).reshape(3, 4), np.arange(5)
    nums.write_hdf5(path, "a", nps.array(a, block_shape=(2, 2)))
    nums.write_hdf5(path, "b", b)  # mode "a": the file is kept
    with pytest.raises(ValueError, match=r"m\.h5: dataset 'a' exists"):
        nums.write_hdf5(path, "a", b)
    nums.write_hdf5(path, "a", nps.array(b, block_shape=(2,)), overwrite=True)
    with h5py.File(path, "r") as f:
        assert sorted(f) == ["a", "b"]
        assert_same(f["a"][()], b)
    nums.write_hdf5(path, "c", a, mode="w")  # truncates
    with h5py.File(path, "r") as f:
        assert list(f) == ["c"]
    with pytest.raises(FileExistsError):
        nums.write_hdf5(path, "d", a, mode="x")
    with pytest.raises(ValueError, match="mode"):
        nums.write_hdf5(path, "d", a, mode="r")
    with pytest.raises(KeyError, match=r"m\.h5: no dataset 'zz'"):
        nums.read_hdf5(path, "zz")
    with pytest.raises(FileNotFoundError, match=r"nope\.h5"):
        nums.read_hdf5(tmp_path / "nope.h5", "c")
    (tmp_path / "bad.h5").write_bytes(b"not hdf5")
    with pytest.raises(OSError, match=r"bad\.h5"):
        nums.read_hdf5(tmp_path / "bad.h5", "c")
    with pytest.raises(TypeError, match=r"m\.h5.*'u'"):
        nums.write_hdf5(path, "u", np.array(["x"]))
    with h5py.File(path, "r") as f:
        assert list(f) == ["c"]  # nothing half-written


# ---------------------------------------------------------------------------- CSV


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool"])
def test_write_csv_parts_and_single_file_round_trip(tmp_path, dtype):
    value = _values((13, 4), dtype)
    if dtype.startswith("float"):
        value = (RNG.standard_normal((13, 4)) * 1e3).astype(dtype)
    x = nps.array(value, block_shape=(5, 3))
    nums.write_csv(tmp_path / "parts", x)
    parts = sorted(p.name for p in (tmp_path / "parts").iterdir())
    assert parts == ["part-00000.csv", "part-00001.csv", "part-00002.csv"]
    back = np.concatenate([nums.read_csv(tmp_path / "parts" / p, dtype=value.dtype).get()
                           for p in parts])
    assert_same(back, value)
    nums.write_csv(tmp_path / "one.csv", x, single_file=True, delimiter=";",
                   header=["a", "b", "c", "d"])
    assert (tmp_path / "one.csv").read_text().startswith("a;b;c;d\n")
    assert_same(nums.read_csv(tmp_path / "one.csv", delimiter=";", dtype=value.dtype), value)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_write_csv_1d_no_header_format_replace_and_errors(tmp_path):
    nums.write_csv(tmp_path / "v.csv", nps.arange(7.0, block_shape=(3,)) / 4,
                   header=False, float_format="%.2f", single_file=True)
    assert (tmp_path / "v.csv").read_text().splitlines()[:3] == ["0.00", "0.25", "0.50"]
    assert_same(nums.read_csv(tmp_path / "v.csv", header=False), np.arange(7.0)[:, None] / 4)
    nums.write_csv(tmp_path / "d", nps.ones((4, 2)))
    nums.write_csv(tmp_path / "d", nps.zeros((2, 2), block_shape=(1, 2)))  # replaced
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["part-00000.csv",
                                                                   "part-00001.csv"]
    nums.write_csv(tmp_path / "e", nps.zeros((0, 3)))
    assert (tmp_path / "e" / "part-00000.csv").read_text() == "0,1,2\n"
    with pytest.raises(ValueError, match="1-d or 2-d"):
        nums.write_csv(tmp_path / "x", nps.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="complex"):
        nums.write_csv(tmp_path / "x", nps.zeros(3, dtype=complex))
    with pytest.raises(ValueError, match="header names 1 columns"):
        nums.write_csv(tmp_path / "x", nps.zeros((2, 2)), header=["a"])


# ---------------------------------------------------------------------------- raw binary


@pytest.mark.parametrize("dtype", ["bool", "int16", "float64", "complex64", "i4,f8"])
@pytest.mark.parametrize("shape,block_shape", SHAPES)
def test_tofile_and_fromfile_binary_as_numpy(tmp_path, dtype, shape, block_shape):
    value = np.zeros(shape, dtype) if "," in dtype else _values(shape, dtype)
    if "," in dtype and value.size:
        value["f0"], value["f1"] = 7, 0.25
    nps.array(value, block_shape=block_shape).tofile(tmp_path / "x.bin")
    assert (tmp_path / "x.bin").read_bytes() == value.tobytes()
    flat = value.reshape(-1)
    for kwargs in ({}, {"count": 3}, {"offset": value.itemsize, "count": 100},
                   {"offset": value.itemsize * 2}, {"count": -5}):
        try:
            expected = np.fromfile(tmp_path / "x.bin", dtype, **kwargs)
        except ValueError:  # an offset past the end
            with pytest.raises(ValueError), warnings.catch_warnings():
                warnings.simplefilter("ignore", nps.GatherWarning)
                nps.fromfile(tmp_path / "x.bin", dtype, **kwargs)
            continue
        got = nps.fromfile(str(tmp_path / "x.bin"), dtype, **kwargs)
        assert isinstance(got, nps.BlockArray)
        assert_same(got, expected)
    assert_same(nps.fromfile(tmp_path / "x.bin", dtype, block_shape=(2,)), flat)


def test_fromfile_errors_text_mode_and_file_objects(tmp_path):
    value = np.arange(10, dtype=np.int32)
    value.tofile(tmp_path / "r.bin")
    (tmp_path / "odd.bin").write_bytes(b"\x00" * 10)
    assert_same(nps.fromfile(tmp_path / "odd.bin", np.int32),
                np.fromfile(tmp_path / "odd.bin", np.int32))  # the whole items only
    for kwargs, error in (({"offset": 100}, ValueError), ({"dtype": object}, ValueError),
                          ({"offset": -4}, OSError)):
        with pytest.raises(error), warnings.catch_warnings():
            warnings.simplefilter("ignore", nps.GatherWarning)
            np.fromfile(tmp_path / "r.bin", **{"dtype": np.int32, **kwargs})
        with pytest.raises(error), warnings.catch_warnings():
            warnings.simplefilter("ignore", nps.GatherWarning)
            nps.fromfile(tmp_path / "r.bin", **{"dtype": np.int32, **kwargs})
    with pytest.raises(FileNotFoundError):
        nps.fromfile(tmp_path / "missing.bin")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        nps.array(value, block_shape=(3,)).tofile(tmp_path / "t.txt", sep=",", format="%d")
        assert (tmp_path / "t.txt").read_text() == ",".join(map(str, value))
        assert_same(nps.fromfile(tmp_path / "t.txt", np.int64, sep=","),
                    np.fromfile(tmp_path / "t.txt", np.int64, sep=","))
        with open(tmp_path / "r.bin", "rb") as f:
            f.seek(8)
            assert_same(nps.fromfile(f, np.int32, count=2), value[2:4])
            assert f.tell() == 16  # the file object advanced, as in numpy


def test_frombuffer_as_numpy(tmp_path):
    raw = np.arange(30, dtype=np.float64).tobytes()
    for kwargs in ({}, {"count": 7}, {"offset": 16}, {"offset": 8, "count": 4},
                   {"dtype": np.int16, "offset": 2}):
        expected = np.frombuffer(raw, **{"dtype": np.float64, **kwargs})
        got = nps.frombuffer(raw, **{"dtype": np.float64, **kwargs}, block_shape=(4,))
        assert_same(got, expected)
        assert not got.flags.writeable  # bytes give a read-only array in numpy too
    assert nps.frombuffer(bytearray(16), np.int32).flags.writeable
    for kwargs in ({"count": 31}, {"offset": 241}, {"dtype": object}, {"dtype": "i16"}):
        with pytest.raises((ValueError, TypeError)) as expected:
            np.frombuffer(raw, **kwargs)
        with pytest.raises(expected.type):
            nps.frombuffer(raw, **kwargs)
    assert_same(nps.frombuffer(b"", np.int8), np.frombuffer(b"", np.int8))


# ---------------------------------------------------------------------------- text


@pytest.fixture(params=[23, 1 << 20], ids=["tiny-parts", "one-part"])
def text_parts(request, monkeypatch):
    from nums.numpy import _io_text

    monkeypatch.setattr(_io_text, "PART_BYTES", request.param)
    return request.param


def _same_as_numpy(np_fn, nps_fn, *args, **kwargs):
    """``nps_fn`` gives numpy's value (as a BlockArray, or numpy's own object) or raises the
    same exception type."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "no data", max_rows notes
            expected = np_fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - numpy's exception is the specification
        with pytest.raises(type(exc)), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nps_fn(*args, **kwargs)
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # and GatherWarning, a UserWarning
        got = nps_fn(*args, **kwargs)
    assert isinstance(got, nps.BlockArray), type(got)
    assert_same(got, expected)
    return got


LOADTXT_OPTIONS = [
    {}, {"delimiter": ","}, {"skiprows": 2}, {"usecols": 1}, {"usecols": (2, 0)},
    {"usecols": [-1]}, {"comments": ["%", "//"]}, {"comments": None}, {"ndmin": 1},
    {"ndmin": 2, "usecols": 0}, {"unpack": True}, {"dtype": np.float32}, {"dtype": int},
    {"dtype": complex}, {"max_rows": 4}, {"max_rows": 0}, {"converters": float},
    {"dtype": "i8,f8"}, {"ndmin": 3}, {"usecols": 7}, {"usecols": "a"},
    {"quotechar": '"'}, {"encoding": "latin1"}, {"skiprows": -1},
]


@pytest.mark.parametrize("kwargs", LOADTXT_OPTIONS, ids=str)
def test_loadtxt_against_numpy(tmp_path, text_parts, kwargs):
    values = RNG.integers(-50, 50, (17, 3))
    lines = ["# a header", "% another kind", "// a third"]
    for i, row in enumerate(values):
        if i % 5 == 2:
            lines.append("   # a comment line")
        if i % 7 == 3:
            lines.append("")
        lines.append(" ".join(str(v) for v in row) + ("  # trailing" if i == 4 else ""))
    text = "\n".join(lines) + "\n"
    if kwargs.get("delimiter") == ",":
        text = text.replace(" ", ",").replace(",#", " #").replace("#,", "# ")
    if kwargs.get("comments") is None or "comments" not in kwargs:
        text = "\n".join(line for line in text.splitlines()
                         if not line.lstrip().startswith(("%", "//"))) + "\n"
        if kwargs.get("comments", "#") is None:
            text = "\n".join(line.split("#")[0] for line in text.splitlines()
                             if line.split("#")[0].strip()) + "\n"
    (tmp_path / "f.txt").write_text(text)
    for fname in (tmp_path / "f.txt", str(tmp_path / "f.txt")):
        _same_as_numpy(np.loadtxt, nps.loadtxt, fname, **kwargs)


@pytest.mark.parametrize("text", [
    "1 2\n3 4\n5 x\n",                      # not a number
    "1 2\n3 4\n5 6 7\n8 9\n",               # a row with another number of columns
    "1.5 2\n",                              # with dtype int below
    "1 2\r\n3 4\r\n\r\n5 6",                # CRLF, no final newline
    "1 2\r3 4\r5 6\r",                      # bare CR line ends
    "7\n",                                  # one value: 0-d
    "1 2 3\n",                              # one row: 1-d
    "# only a comment\n",                   # no data: numpy's warning and shape
    "",
])
def test_loadtxt_shapes_and_errors_as_numpy(tmp_path, text_parts, text):
    (tmp_path / "g.txt").write_bytes(text.encode())
    for kwargs in ({}, {"dtype": int}, {"ndmin": 1}, {"ndmin": 2}, {"unpack": True},
                   {"skiprows": 1}):
        _same_as_numpy(np.loadtxt, nps.loadtxt, tmp_path / "g.txt", **kwargs)


def test_plain_text_files_are_read_in_parallel_without_gathering(tmp_path, monkeypatch):
    from nums.numpy import _io_text

    monkeypatch.setattr(_io_text, "PART_BYTES", 64)
    value = RNG.integers(0, 1000, (60, 4)).astype(float)
    np.savetxt(tmp_path / "p.txt", value, fmt="%g", header="x y z w")
    with warnings.catch_warnings():
        warnings.simplefilter("error", nps.GatherWarning)
        got = nps.loadtxt(tmp_path / "p.txt", ndmin=2)
        assert got.grid.num_blocks > 1 or nps.zeros(value.shape).grid.num_blocks == 1
        assert_same(got, value)
        assert_same(nps.genfromtxt(tmp_path / "p.txt", skip_header=1), value)
        x = nps.array(value, block_shape=(7, 3))
        nps.savetxt(tmp_path / "q.txt", x, fmt="%g", header="x y z w")
    assert (tmp_path / "q.txt").read_bytes() == (tmp_path / "p.txt").read_bytes()


def test_loadtxt_file_objects_and_lists_run_numpy(tmp_path):
    (tmp_path / "h.txt").write_text("1,2\n3,4\n")
    with open(tmp_path / "h.txt") as f, open(tmp_path / "h.txt") as g:
        _same_as_numpy(lambda: np.loadtxt(f, delimiter=","),
                       lambda: nps.loadtxt(g, delimiter=","))
    _same_as_numpy(np.loadtxt, nps.loadtxt, ["1 2", "3 4"])
    with pytest.raises(FileNotFoundError):
        nps.loadtxt(tmp_path / "missing.txt")


@pytest.mark.parametrize("kwargs", [
    {}, {"delimiter": ","}, {"skip_header": 1}, {"usecols": (0, 2)}, {"dtype": np.int32},
    {"unpack": True}, {"ndmin": 1}, {"skip_footer": 1}, {"filling_values": -1},
    {"names": True}, {"max_rows": 3}, {"dtype": None}, {"invalid_raise": False},
], ids=str)
def test_genfromtxt_against_numpy(tmp_path, text_parts, kwargs):
    text = "a,b,c\n1,2,3\n4,,6\n# note\n7,8,9\n10,11,12\n" if kwargs.get(
        "delimiter") or "filling_values" in kwargs or "names" in kwargs else \
        "1 2 3\n4 5 6\n\n7 8 9 # x\n10 11 12\n13 14 15\n"
    if "names" in kwargs or "filling_values" in kwargs:
        kwargs = dict(kwargs, delimiter=",")
    (tmp_path / "g.txt").write_text(text)
    if "names" in kwargs:  # a structured result: numpy's values, field by field
        expected = np.genfromtxt(tmp_path / "g.txt", **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", nps.GatherWarning)
            got = nps.genfromtxt(tmp_path / "g.txt", **kwargs).get()
        assert got.dtype == expected.dtype
        for name in expected.dtype.names:
            np.testing.assert_array_equal(got[name], expected[name])
        return
    if kwargs.get("delimiter") == "," and "skip_header" not in kwargs:
        kwargs = dict(kwargs, skip_header=1)
    _same_as_numpy(np.genfromtxt, nps.genfromtxt, tmp_path / "g.txt", **kwargs)


def test_genfromtxt_masked_and_bad_rows(tmp_path, text_parts):
    (tmp_path / "m.txt").write_text("1,2\n3,\n5,6\n")
    masked = nps.genfromtxt(tmp_path / "m.txt", delimiter=",", usemask=True)
    expected = np.genfromtxt(tmp_path / "m.txt", delimiter=",", usemask=True)
    assert isinstance(masked, np.ma.MaskedArray)  # numpy's own object, the mask kept
    np.testing.assert_array_equal(masked.mask, expected.mask)
    (tmp_path / "b.txt").write_text("1 2\n3 4\n5 6 7\n8 9\n")
    _same_as_numpy(np.genfromtxt, nps.genfromtxt, tmp_path / "b.txt")


SAVETXT_OPTIONS = [
    {}, {"fmt": "%d"}, {"fmt": "%.3f", "delimiter": ","},
    {"header": "one\ntwo", "footer": "end", "comments": "// "}, {"newline": "\r\n"},
    {"fmt": ["%d", "%.1f", "%g"]}, {"fmt": "%d %d"}, {"fmt": ["%d"]}, {"fmt": 3},
]


@pytest.mark.parametrize("kwargs", SAVETXT_OPTIONS, ids=str)
@pytest.mark.parametrize("shape,block_shape", [((11, 3), (4, 2)), ((7,), (3,)),
                                               ((0, 3), (1, 2)), ((), ()), ((2, 2, 2),
                                                                            (1, 1, 1))])
def test_savetxt_against_numpy(tmp_path, kwargs, shape, block_shape):
    value = RNG.standard_normal(shape) * 100
    x = nps.array(value, block_shape=block_shape)
    outcomes = []
    for xp, arg in ((np, value), (nps, x)):
        target = tmp_path / f"{xp.__name__}.txt"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", nps.GatherWarning)
                xp.savetxt(target, arg, **kwargs)
            outcomes.append(target.read_bytes())
        except Exception as exc:  # noqa: BLE001
            outcomes.append(type(exc))
    assert outcomes[0] == outcomes[1]


def test_savetxt_file_objects_and_complex(tmp_path):
    value = (RNG.standard_normal((6, 2)) + 1j).astype(complex)
    x = nps.array(value, block_shape=(4, 1))
    for make in (io.StringIO, io.BytesIO):
        a, b = make(), make()
        np.savetxt(a, value, header="h")
        nps.savetxt(b, x, header="h")
        assert a.getvalue() == b.getvalue()
    np.savetxt(tmp_path / "n.txt", value[:, 0].real, fmt="%.2f")
    nps.savetxt(tmp_path / "s.txt", x[:, 0].real, fmt="%.2f")
    assert (tmp_path / "n.txt").read_text() == (tmp_path / "s.txt").read_text()
    assert_same(nps.loadtxt(tmp_path / "s.txt"), np.loadtxt(tmp_path / "n.txt"))


@pytest.mark.parametrize("crc_bytes", [7, 1 << 20])
def test_npz_corrupt_stored_member_raises_as_numpy(tmp_path, monkeypatch, crc_bytes):
    from nums.numpy import _io_npz

    monkeypatch.setattr(_io_npz, "CRC_BYTES", crc_bytes)
    value = np.arange(60.0).reshape(12, 5)
    np.savez(tmp_path / "c.npz", v=value)
    with nps.load(tmp_path / "c.npz") as z:  # the CRC combined over ranges matches
        assert_same(z["v"], value)
    raw = bytearray((tmp_path / "c.npz").read_bytes())
    at = raw.find(value.tobytes()) + 100
    raw[at] ^= 0x01
    (tmp_path / "c.npz").write_bytes(bytes(raw))
    with np.load(tmp_path / "c.npz") as z, pytest.raises(zipfile.BadZipFile):
        z["v"]
    with nps.load(tmp_path / "c.npz") as z, pytest.raises(zipfile.BadZipFile, match="CRC"):
        z["v"]


def test_loadtxt_parallel_errors_name_the_file_and_line(tmp_path, monkeypatch):
    from nums.numpy import _io_text

    monkeypatch.setattr(_io_text, "PART_BYTES", 10)
    (tmp_path / "bad.txt").write_text("1 2\n3 4\n5 6\n7 8\n9 x\n")
    with pytest.raises(ValueError, match=r"bad\.txt \(the lines from line 4 on\): could not "
                                         r"convert string 'x'"):
        nps.loadtxt(tmp_path / "bad.txt")


def test_undecodable_text_raises_numpys_unicode_error(tmp_path, monkeypatch):
    from nums.numpy import _io_text

    monkeypatch.setattr(_io_text, "PART_BYTES", 10)
    path = tmp_path / "latin.txt"
    path.write_bytes("# temp\xe9rature\n1 2\n3 4\n".encode("latin1"))
    for read in (nps.loadtxt, nps.genfromtxt):  # (``except UnicodeDecodeError:`` retries)
        with pytest.raises(UnicodeDecodeError):
            read(path)
        assert_same(read(path, encoding="latin1"), np.loadtxt(path, encoding="latin1"))


def test_local_only_formats_refuse_s3_urls():
    x = nps.arange(6.0)
    with pytest.raises(NotImplementedError, match="nums.write_csv works on local files only"):
        nums.write_csv("s3://bucket/out.csv", x)
    with pytest.raises(NotImplementedError, match="nums.write_hdf5"):
        nums.write_hdf5("s3://bucket/f.h5", "x", x)
    with pytest.raises(NotImplementedError, match="nums.read_hdf5"):
        nums.read_hdf5("s3://bucket/f.h5", "x")


# ------------------------------------------------------------------------------ Zarr
@pytest.mark.parametrize("dtype", ["float64", "int32", "bool", "complex64"])
def test_zarr_round_trip(tmp_path, dtype, rng):
    import zarr
    x = (rng.standard_normal((37, 11)) * 10).astype(dtype)
    nx = nps.asarray(x, block_shape=(8, 5))
    nums.write_zarr(tmp_path / "a.zarr", nx)
    z = zarr.open_array(str(tmp_path / "a.zarr"), mode="r")
    assert z.chunks == (8, 5) and z.dtype == x.dtype
    np.testing.assert_array_equal(z[...], x)  # what another Zarr reader sees
    back = nums.read_zarr(tmp_path / "a.zarr")
    assert back.dtype == x.dtype
    assert_same(back, x)
    # a file written by zarr itself, chunked: blocks are whole chunks
    zarr.create_array(store=str(tmp_path / "b.zarr"), shape=x.shape, chunks=(5, 4),
                      dtype=x.dtype)[...] = x
    got = nums.read_zarr(tmp_path / "b.zarr", block_shape=(12, 11))
    assert got.grid.block_shape == (12, 11)
    assert_same(got, x)
    rows = nums.read_zarr(tmp_path / "b.zarr").grid.block_shape[0]
    assert rows % 5 == 0 or rows == 37  # whole chunks


def test_zarr_overwrite_errors_and_empty(tmp_path):
    import zarr
    nums.write_zarr(tmp_path / "a.zarr", nps.arange(10.0))
    with pytest.raises(FileExistsError):
        nums.write_zarr(tmp_path / "a.zarr", nps.ones(3))
    nums.write_zarr(tmp_path / "a.zarr", nps.ones(3), overwrite=True)
    assert_same(nums.read_zarr(tmp_path / "a.zarr"), np.ones(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zarr"]  # nothing else
    nums.write_zarr(tmp_path / "e.zarr", nps.zeros((0, 4)))
    assert nums.read_zarr(tmp_path / "e.zarr").shape == (0, 4)
    with pytest.raises(FileNotFoundError, match="no Zarr array"):
        nums.read_zarr(tmp_path / "missing.zarr")
    zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    with pytest.raises(FileNotFoundError, match="no Zarr array"):
        nums.read_zarr(tmp_path / "g.zarr")


def test_relative_paths_follow_the_users_current_directory(tmp_path, monkeypatch):
    # the session's workers started in another directory: a relative path means the user's
    # current one (a script's os.chdir, a notebook's %cd), for the tasks that read and write
    a = np.arange(60.0).reshape(12, 5)
    x = nps.array(a, block_shape=(5, 2))
    x.get()  # the workers run before the change of directory
    monkeypatch.chdir(tmp_path)
    nps.save("x.npy", x)
    nps.savez("z.npz", a=x)
    x.tofile("raw.bin")
    np.savetxt("t.csv", a, delimiter=",")
    nums.write("native", x)
    assert {"x.npy", "z.npz", "raw.bin", "native"} <= {p.name for p in tmp_path.iterdir()}
    np.testing.assert_array_equal(np.load(tmp_path / "x.npy"), a)
    assert_same(nps.load("x.npy"), a)
    assert_same(nps.load("x.npy", mmap_mode="r"), a)
    with nps.load("z.npz") as z:  # (closed: its file must not outlive the test)
        assert_same(z["a"], a)
    assert_same(nps.fromfile("raw.bin").reshape(12, 5), a)
    assert_same(nps.loadtxt("t.csv", delimiter=","), a)
    assert_same(nums.read_csv("t.csv", header=None), a)
    assert_same(nums.read("native"), a)
