"""The sample sort of arrays in a few hundred blocks against NumPy: runs of many blocks
sorted by one task, runs of one block, buckets of several output blocks (every backend);
and the pieces it exchanges grow with the blocks, not with their square."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps
from nums.core.array import sorting

pytestmark = pytest.mark.filterwarnings("error::nums.numpy.GatherWarning")

R = np.random.default_rng(23)
N = 3000
BLOCK = 10  # 300 blocks


def _data(kind: str, n: int = N) -> np.ndarray:
    if kind == "f8":
        a = R.standard_normal(n)
        a[::7] = np.nan
        a[1::11] = 0.5  # ties across blocks
        a[2], a[3], a[4], a[5] = -0.0, 0.0, np.inf, -np.inf
        return a
    if kind == "i8":
        return R.integers(-5, 5, n)  # many ties: the stable order decides argsort
    if kind == "c16":
        a = (R.integers(-2, 3, n) + 1j * R.integers(-2, 3, n)).astype(np.complex128)
        a[::9] = complex(np.nan, 1)
        return a
    if kind == "M8":
        a = (np.datetime64("2020-01-01") + R.integers(0, 40, n)).astype("M8[D]")
        a[::13] = np.datetime64("NaT")
        return a
    if kind == "U":
        return R.choice(np.array(["b", "a", "ab", "", "zz", "ba"]), n)
    raise AssertionError(kind)


# how the sort cuts the work (and the block length, the blocks' count N / it): the
# defaults (at least RUN_MIN_BYTES per run: one run per worker here), about sqrt(blocks)
# runs and buckets (with few samples and small chunks, so that cuts fall between samples
# and inside chunks), every block its own run and bucket (blocks^2 pieces: fewer blocks)
PARTS = {
    "default": ({}, BLOCK),
    "sqrt": ({"RUN_MIN_BYTES": 0, "OVERSAMPLE": 1, "MIN_CHUNK_BYTES": 16}, BLOCK),
    "blocks": ({"RUN_MIN_BYTES": 0, "RUN_MAX_BYTES": 0}, 3 * BLOCK),
}


@pytest.fixture
def parts(request, monkeypatch):
    """The block length, with the sort's settings of ``PARTS``."""
    settings, block = PARTS[request.param]
    for name, value in settings.items():
        monkeypatch.setattr(sorting, name, value)
    return block


KINDS = ["f8", "i8", "c16", "M8", "U"]


@pytest.mark.parametrize("parts,kind", [(p, k) for p in ("default", "sqrt") for k in KINDS]
                         + [("blocks", "f8"), ("blocks", "i8")], indirect=["parts"])
def test_sort_of_many_blocks(parts, kind):
    a = _data(kind)
    x = nps.array(a, block_shape=(parts,))
    assert x.grid.grid_shape == (N // parts,)
    assert_same(nps.sort(x), np.sort(a))
    assert_same(nps.argsort(x), np.argsort(a, kind="stable"))
    # descending (the Array API's keyword, which NumPy lacks): the ascending stable sort of
    # the reversed array, reversed (largest first, ties in index order, NaN first)
    assert_same(nps.sort(x, descending=True), np.flip(np.sort(np.flip(a), kind="stable")))
    assert_same(nps.argsort(x, descending=True),
                len(a) - 1 - np.flip(np.argsort(np.flip(a), kind="stable")))
    assert_same(nps.unique(x, return_index=True, return_inverse=True, return_counts=True),
                np.unique(a, return_index=True, return_inverse=True, return_counts=True))


@pytest.mark.parametrize("parts", list(PARTS), indirect=True)
@pytest.mark.parametrize("kind", ["f8", "i8"])
def test_statistics_and_partition_of_many_blocks(parts, kind):
    a = _data(kind)
    if kind == "f8":
        a = a[np.isfinite(a)]
    x = nps.array(a, block_shape=(parts,))
    for method in ("linear", "nearest", "inverted_cdf"):
        assert_same(nps.percentile(x, [0, 3.5, 50, 99.9], method=method),
                    np.percentile(a, [0, 3.5, 50, 99.9], method=method))
    got = nps.partition(x, [5, len(a) // 2]).get()
    want = np.partition(a, [5, len(a) // 2])
    assert got[5] == want[5] and got[len(a) // 2] == want[len(a) // 2]
    assert_same(np.sort(got), np.sort(a))
    assert_same(nps.setdiff1d(x, nps.array(a[:40])), np.setdiff1d(a, a[:40]))


@pytest.mark.parametrize("pack_bytes", [None, 2000])
@pytest.mark.parametrize("kind", ["f8", "U"])
def test_searches_in_many_blocks(monkeypatch, pack_bytes, kind):
    """searchsorted in a sorted array of many blocks, and isin and the set operations
    against one: its blocks are read as packs (per node, joined in order; one per node,
    or packs of a few blocks)."""
    if pack_bytes is not None:
        monkeypatch.setattr(sorting, "RUN_MAX_BYTES", pack_bytes)
    parts = BLOCK
    a = _data(kind)
    s = np.sort(a)
    xs = nps.array(s, block_shape=(parts,))
    v = np.concatenate([a[::-7], s[:5], s[-5:]])
    xv = nps.array(v, block_shape=(parts,))
    for side in ("left", "right"):
        assert_same(nps.searchsorted(xs, xv, side=side), np.searchsorted(s, v, side=side))
    t = a[::3]
    xt = nps.array(t, block_shape=(parts,))
    x = nps.array(a, block_shape=(parts,))
    assert_same(nps.isin(x, xt), np.isin(a, t))
    assert_same(nps.isin(x, xt, invert=True), np.isin(a, t, invert=True))
    assert_same(nps.intersect1d(x, xt, return_indices=True),
                np.intersect1d(a, t, return_indices=True))
    assert_same(nps.union1d(x, xt), np.union1d(a, t))
    assert_same(nps.setxor1d(x, xt), np.setxor1d(a, t))


@pytest.mark.parametrize("parts", ["default", "sqrt"], indirect=True)
@pytest.mark.parametrize("shape,block", [((150, 40), (5, 8)), ((40, 150), (8, 5))])
def test_sort_of_matrices_in_many_blocks(parts, shape, block):
    """Along each axis (the other one split in many blocks) and flattened."""
    shape = (shape[0] * BLOCK // parts, shape[1]) if shape[0] > shape[1] else shape
    a = R.integers(-20, 20, shape).astype(np.float64)
    a[::7, ::3] = np.nan
    x = nps.array(a, block_shape=block)
    for axis in (0, 1, -1, None):
        assert_same(nps.sort(x, axis=axis), np.sort(a, axis=axis))
        assert_same(nps.argsort(x, axis=axis), np.argsort(a, axis=axis, kind="stable"))


def test_pieces_grow_with_the_blocks(monkeypatch):
    """The tasks of a sort of 900 blocks take a number of arguments about that of the blocks
    (each run of blocks cut into a piece per bucket: about 4500 here), not one per piece
    of every block that meets an output block (about 41000 when every block was its own
    run and bucket; up to blocks^2 with more entries per block)."""
    monkeypatch.setattr(sorting, "RUN_MIN_BYTES", 0, raising=False)  # the sqrt rule alone
    args = []
    real = sorting.submit

    def counted(fn, *a, **kw):
        args.append(len(a))
        return real(fn, *a, **kw)

    monkeypatch.setattr(sorting, "submit", counted)
    a = _data("f8", 9000)
    x = nps.array(a, block_shape=(BLOCK,))
    assert_same(nps.argsort(x), np.argsort(a, kind="stable"))
    assert 0 < sum(args) < 20 * 900
