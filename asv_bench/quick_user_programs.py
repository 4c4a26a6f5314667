"""Short NumPy programs of the kinds users write, outside asv: ``python
asv_bench/quick_user_programs.py [name,...]`` prints NumPy's time and nums's for each, and
NumPy's time / nums's (above 1: nums faster), medians of ``REPS`` runs (environment,
default 5) after one warm run, in one process. Inputs (a 1e7 float64 vector, 1e7 labels,
(1e6, 10), (2e6, 8), (3000, 300) and (100, 100) matrices, 2000 x 30 points, 1e6 3 x 3
matrices) are made once and are in nums's store before timing; a nums result is fetched
with ``get()`` where NumPy returns an array. These are the programs that found the slow
paths of issue 16's sessions; the whole programs of ``bench_programs`` are in
``quick_programs.py`` and asv."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

import numpy

import nums
import nums.numpy as nnp


def _moving_average(xp, d):
    c = xp.cumsum(d["x"])
    return (c[100:] - c[:-100]) / 100


def _softmax(xp, d):
    e = xp.exp(d["X"] - d["X"].max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _unique_add_at(xp, d):
    u, inv = xp.unique(d["lab"][:10**6], return_inverse=True)
    acc = xp.zeros(len(u))
    xp.add.at(acc, inv, 1.0)
    return acc


def _euler(xp, d):
    s, v = xp.array([1.0, 0.0, 0.0]), xp.array([0.0, 1.0, 0.5])
    for _ in range(200):
        a = -s / (xp.linalg.norm(s) ** 3)
        v = v + 0.01 * a
        s = s + 0.01 * v
    return s


def _gram_triu(xp, w):
    """Cosine-like similarities of rows and their upper triangle (a script's pairs)."""
    s = w @ w.T
    return s[xp.triu_indices(w.shape[0], 1)]


def _top_k(xp, d):
    s = d["W"] @ d["W"].T
    best = xp.argpartition(-s, 5, axis=1)[:, :5]
    return xp.take_along_axis(s, best, axis=1)


def _minibatches(xp, d):
    total = 0.0
    for i in range(100):  # rows of a large matrix by a shuffled index, 256 at a time
        total += float(d["X"][d["perm"][i * 256:(i + 1) * 256]].sum())
    return total


def _overlap_add(xp, d):
    """Resynthesis of a short-time Fourier transform: frames added into a long signal."""
    rec = xp.zeros(10**6)
    frame = d["frame"]
    for i in range(0, 32_000, 16):
        rec[i:i + 64] += frame
    return rec


def _stft(xp, x, window=256, hop=128):
    """Short-time spectra of a signal framed as NumPy users frame it."""
    frames = xp.lib.stride_tricks.sliding_window_view(x, window)[::hop]
    return xp.abs(xp.fft.rfft(frames * numpy.hanning(window), axis=-1))


def _lu(xp, d):
    """LU with partial pivoting written by hand (row swaps, a column scaled, an outer
    product subtracted per step) on a 100 x 100 matrix."""
    a = d["A"].copy()
    n = a.shape[0]
    for i in range(n - 1):
        k = i + int(xp.argmax(xp.abs(a[i:, i])))
        if k != i:
            a[[i, k]] = a[[k, i]]
        a[i + 1:, i] /= a[i, i]
        a[i + 1:, i + 1:] -= xp.outer(a[i + 1:, i], a[i, i + 1:])
    return a


PROGRAMS = {
    "moving_average": _moving_average,
    "groupby_bincount": lambda xp, d: xp.bincount(d["lab"], weights=d["x"]) / xp.bincount(
        d["lab"]),
    "softmax_rows": _softmax,
    "row_norms": lambda xp, d: d["X"] / xp.linalg.norm(d["X"], axis=1, keepdims=True),
    "pairwise_distances": lambda xp, d: xp.sqrt(
        ((d["P"][:, None, :] - d["P"][None, :, :]) ** 2).sum(-1)),
    "gram": lambda xp, d: d["X"].T @ d["X"],
    "column_stack": lambda xp, d: xp.column_stack(
        [d["x"][:10**6], d["x"][:10**6] ** 2, d["x"][:10**6] ** 3]),
    "hstack_expressions": lambda xp, d: xp.hstack([d["X"], d["X"] ** 2, xp.log1p(d["X"])]),
    "where_clip": lambda xp, d: xp.where(d["x"] > 0.5, xp.clip(d["x"] * 3, 0, 2), -d["x"]),
    "unique_add_at": _unique_add_at,
    "zscore": lambda xp, d: (d["X"] - d["X"].mean(0)) / d["X"].std(0),
    "argmax_rows": lambda xp, d: d["X"].argmax(axis=1),
    "histogram2d": lambda xp, d: xp.histogram2d(d["X"][:, 0], d["X"][:, 1], bins=20)[0],
    "percentile": lambda xp, d: float(xp.percentile(d["x"], 90)),
    "rfft": lambda xp, d: xp.abs(xp.fft.rfft(d["x"][:1 << 20])),
    "euler_3_vectors": _euler,
    "cov": lambda xp, d: xp.cov(d["Y"], rowvar=False),
    "corrcoef_of_transpose": lambda xp, d: xp.corrcoef(d["Y"].T),
    "einsum_row_dots": lambda xp, d: xp.einsum("ij,ij->i", d["Y"], d["Y"]),
    "rows_by_argsort": lambda xp, d: d["Y"][xp.argsort(d["Y"][:, 0])],
    "rows_by_mask": lambda xp, d: d["Y"][d["Y"][:, 0] > 0.5],
    "lstsq": lambda xp, d: xp.linalg.lstsq(d["Y"], d["y"], rcond=None)[0],
    "save_npy": lambda xp, d: xp.save(os.path.join(d["dir"], xp.__name__ + ".npy"), d["Y"]),
    "load_npy": lambda xp, d: xp.load(d["npy"]),
    "gram_triu": lambda xp, d: _gram_triu(xp, d["W"]),
    "gram_triu_small": lambda xp, d: _gram_triu(xp, d["W"][:300, :50]),
    "top_k": _top_k,
    "minibatches": _minibatches,
    "eye": lambda xp, d: xp.eye(1000),
    "einsum_batched_rotations": lambda xp, d: xp.einsum("nij,nj->ni", d["R"], d["Y"][:10**6, :3]),
    "overlap_add": _overlap_add,
    "stft": lambda xp, d: _stft(xp, d["x"]),
    "stft_small": lambda xp, d: _stft(xp, d["x"][:300_000]),
    "lu_by_hand": _lu,
}


def _inputs(tmp: str) -> dict:
    rng = numpy.random.default_rng(0)
    d = {"x": rng.random(10**7), "lab": rng.integers(0, 1000, 10**7),
         "X": rng.random((10**6, 10)), "P": rng.random((2000, 30)),
         "Y": rng.random((2_000_000, 8)), "W": rng.random((3000, 300)),
         "perm": rng.permutation(10**6), "frame": numpy.hanning(64),
         "A": rng.random((100, 100)) + 100 * numpy.eye(100), "R": rng.random((10**6, 3, 3))}
    d["y"] = d["Y"] @ rng.random(8)
    d["npy"] = os.path.join(tmp, "input.npy")
    numpy.save(d["npy"], d["Y"])
    return d


def _run(program, xp, d: dict):
    r = program(xp, d)
    return r.get() if hasattr(r, "get") else r


def main(names: list[str]) -> None:
    reps = int(os.environ.get("REPS", "5"))
    nums.init()
    with tempfile.TemporaryDirectory() as tmp:
        data = _inputs(tmp)
        engines = {"numpy": (numpy, data),
                   "nums": (nnp, {k: nnp.asarray(v).persist() if isinstance(v, numpy.ndarray)
                                  else v for k, v in data.items()})}
        for name in names:
            times = {}
            for engine, (xp, d) in engines.items():
                d = {**d, "dir": tmp}
                _run(PROGRAMS[name], xp, d)
                samples = []
                for _ in range(reps):
                    t = time.perf_counter()
                    _run(PROGRAMS[name], xp, d)
                    samples.append(time.perf_counter() - t)
                times[engine] = statistics.median(samples)
            print(f"{name}: numpy {times['numpy'] * 1e3:.2f} ms, nums {times['nums'] * 1e3:.2f} "
                  f"ms, numpy/nums {times['numpy'] / times['nums']:.2f}", flush=True)
    nums.shutdown()


if __name__ == "__main__":
    main(sys.argv[1].split(",") if len(sys.argv) > 1 else list(PROGRAMS))
