"""Reading and writing: the native block format (round trips of every dtype and rank with
uneven edge blocks, atomic replacement, a real crash mid-write, corruption and missing
blocks named) and NumPy's .npy files through nums.numpy.save/load, on every backend."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from nums_helpers import assert_same

import nums
import nums.numpy as nps

ROOT = Path(__file__).resolve().parents[2]
RNG = np.random.default_rng(3)

DTYPES = ["bool", "int8", "uint16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128", "datetime64[s]", "U3", [("a", "<i4"), ("b", "<f8")]]
SHAPES = [((), ()), ((11,), (4,)), ((7, 5), (3, 2)), ((4, 3, 5), (3, 2, 2)),
          ((3, 2, 4, 5), (2, 2, 3, 2)), ((0, 4), (1, 2))]


def _values(shape, dtype):
    dtype = np.dtype(dtype)
    raw = RNG.integers(0, 100, size=shape)
    if dtype.fields:
        out = np.zeros(shape, dtype)
        out["a"], out["b"] = raw, raw / 3
        return out
    if dtype.kind == "U":
        return raw.astype(str).astype(dtype)
    if dtype.kind == "M":
        return raw.astype("datetime64[s]")
    if dtype.kind == "c":
        return (raw + 1j * raw[::-1] if raw.ndim else raw + 1j).astype(dtype)
    return (raw % 2 if dtype.kind == "b" else raw / (1 if dtype.kind in "iu" else 7)
            ).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shape,block_shape", SHAPES)
def test_native_round_trip(tmp_path, dtype, shape, block_shape):
    value = _values(shape, dtype)
    x = nps.array(value, block_shape=block_shape)
    nums.write(tmp_path / "d", x)
    assert nums.exists(tmp_path / "d") and nums.exists(f"file://{tmp_path}/d")
    y = nums.read(f"file://{tmp_path}/d")
    assert y.block_shape == x.block_shape
    assert_same(y, value)


def test_native_replace_delete_and_errors(tmp_path):
    a, b = RNG.standard_normal((30, 4)), RNG.standard_normal((9, 9))
    nums.write(tmp_path / "d", nps.array(a, block_shape=(7, 4)))
    nums.write(tmp_path / "d", nps.array(b, block_shape=(5, 5)))  # replaced, old data gone
    assert_same(nums.read(tmp_path / "d"), b)
    assert len([p for p in (tmp_path / "d").iterdir() if p.name.startswith("data-")]) == 1
    nums.delete(tmp_path / "d")
    assert not nums.exists(tmp_path / "d")
    with pytest.raises(FileNotFoundError, match="no nums dataset"):
        nums.read(tmp_path / "d")
    with pytest.raises(ValueError, match="scheme"):
        nums.write("http://x/y", a)
    with pytest.raises(ValueError, match="storage_options apply to s3://"):
        nums.read(tmp_path / "d", storage_options={"region_name": "x"})


def test_native_corrupt_and_missing_blocks_are_named(tmp_path):
    nums.write(tmp_path / "d", nps.array(np.arange(40.0).reshape(8, 5), block_shape=(3, 5)))
    data = next(p for p in (tmp_path / "d").iterdir() if p.name.startswith("data-"))
    block = data / "block-1.0.npy"
    good = block.read_bytes()
    raw = bytearray(good)
    raw[-3] ^= 0xFF  # one byte of the values
    block.write_bytes(bytes(raw))
    with pytest.raises(OSError, match=r"block \(1, 0\).*checksum mismatch"):
        nums.read(tmp_path / "d").get()
    block.write_bytes(good)
    (data / "block-2.0.npy").unlink()
    with pytest.raises(FileNotFoundError, match=r"block \(2, 0\).*missing"):
        nums.read(tmp_path / "d")[6:].get()


@pytest.mark.slow
@pytest.mark.parametrize("backend_name", ["serial"], indirect=False)
def test_native_crash_mid_write_leaves_the_old_dataset(tmp_path, backend_name):
    old = np.arange(1000.0).reshape(100, 10)
    nums.write(tmp_path / "d", nps.array(old, block_shape=(10, 10)))
    before = {p.name for p in (tmp_path / "d").iterdir()}
    script = ("import sys, nums, nums.numpy as np\n"
              "nums.init(backend='serial')\n"
              "x = np.ones((4000, 131072), block_shape=(10, 131072))\n"  # 400 blocks of 10 MiB
              "nums.write(sys.argv[1], x)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "d")],
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        deadline = time.time() + 120
        while time.time() < deadline:  # kill it once it has written a few new blocks
            new = [p for p in (tmp_path / "d").iterdir()
                   if p.name.startswith("data-") and p.name not in before]
            if any(len(list(p.iterdir())) >= 3 for p in new):
                break
            time.sleep(0.01)
        else:
            pytest.fail("the writer wrote no block in 120 s")
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert_same(nums.read(tmp_path / "d"), old)  # the manifest still names the old data
    nums.write(tmp_path / "d", nps.array(old[:5], block_shape=(2, 10)))
    assert_same(nums.read(tmp_path / "d"), old[:5])


@pytest.mark.parametrize("dtype", ["int16", "float64", "complex64", "bool", "<U2"])
@pytest.mark.parametrize("shape,block_shape", SHAPES[:5])
def test_npy_save_and_load_as_numpy(tmp_path, dtype, shape, block_shape):
    value = _values(shape, dtype)
    nps.save(tmp_path / "a", nps.array(value, block_shape=block_shape))  # .npy appended
    assert_same(np.load(tmp_path / "a.npy"), value)
    assert_same(nps.load(tmp_path / "a.npy", mmap_mode="r" if value.ndim % 2 else None), value)
    np.save(tmp_path / "b.npy", np.asfortranarray(value) if value.ndim else value)
    loaded = nps.load(tmp_path / "b.npy")
    assert isinstance(loaded, nps.BlockArray)
    assert_same(loaded, value)
    assert_same(nps.load(str(tmp_path / "b.npy"), mmap_mode="r"), value)


def test_npy_load_modes_and_fallbacks(tmp_path):
    value = np.arange(12.0).reshape(3, 4)
    np.save(tmp_path / "a.npy", value)
    with pytest.raises(NotImplementedError, match="r\\+"):
        nps.load(tmp_path / "a.npy", mmap_mode="r+")
    np.savez(tmp_path / "z.npz", v=value)
    with warnings.catch_warnings():  # .npz: numpy on the driver (a GatherWarning, once)
        warnings.simplefilter("ignore", nps.GatherWarning)
        with nps.load(tmp_path / "z.npz") as z:
            np.testing.assert_array_equal(z["v"], value)
    with open(tmp_path / "a.npy", "rb") as f, warnings.catch_warnings():  # a file object
        warnings.simplefilter("ignore", nps.GatherWarning)
        assert_same(nps.load(f), value)


def test_npy_short_file_raises_numpys_error(tmp_path):
    np.save(tmp_path / "t.npy", np.arange(1000.0))
    os.truncate(tmp_path / "t.npy", 4000)
    with pytest.raises(ValueError, match="could only read 484 elements"):
        np.load(tmp_path / "t.npy")
    with pytest.raises(ValueError, match="could only read 484 elements"):
        nps.load(tmp_path / "t.npy")


def test_npy_formats_and_options_as_numpy(tmp_path):
    """Format 3.0 (field names beyond latin-1) read and written as NumPy does, a NumPy
    array of objects saved by NumPy's own save, allow_pickle lifting the header limit, and
    memmap's long name 'readonly'."""
    a = np.zeros(3, [("α", "i4"), ("b", "f8")])
    a["α"] = [1, 2, 3]
    p = tmp_path / "v3.npy"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (NumPy's note on format 3.0)
        np.save(p, a)
        got = nps.load(p)
        assert got.dtype.names == ("α", "b")
        np.testing.assert_array_equal(got.get()["α"], [1, 2, 3])
        nps.savez(tmp_path / "v3.npz", x=nps.asarray(a))
    with np.load(tmp_path / "v3.npz") as z:
        np.testing.assert_array_equal(z["x"], a)
    objs = np.array([1, "a", None], dtype=object)
    nps.save(tmp_path / "objs.npy", objs)
    assert list(np.load(tmp_path / "objs.npy", allow_pickle=True)) == [1, "a", None]
    wide = np.zeros(1, [(f"f{i:04d}", "i1") for i in range(700)])
    np.save(tmp_path / "wide.npy", wide)
    with pytest.raises(ValueError):
        nps.load(tmp_path / "wide.npy")
    assert nps.load(tmp_path / "wide.npy", allow_pickle=True).shape == (1,)
    np.save(tmp_path / "r.npy", np.arange(3.0))
    np.testing.assert_array_equal(nps.load(tmp_path / "r.npy", mmap_mode="readonly").get(),
                                  np.arange(3.0))
