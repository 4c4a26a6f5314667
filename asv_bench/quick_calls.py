"""What one call costs on small driver-resident arrays, NumPy and nums side by side in one
process, outside asv: ``python asv_bench/quick_calls.py [n]`` (default 100 elements) prints,
for about 130 calls of a script's bookkeeping (creation, views, elements, reductions,
ufuncs, sorting, sets, histograms, products, linalg, FFTs, writes), NumPy's time and
nums's in microseconds (the best of 5 timeit repeats) and their ratio, slowest first. A call
either side refuses shows its error."""

from __future__ import annotations

import sys
import timeit

import numpy

import nums
import nums.numpy as nnp

CALLS = [
    "xp.arange(n)", "xp.linspace(0, 1, n)", "xp.zeros(n)", "xp.ones((10, 10))", "xp.empty(n)",
    "xp.full(n, 2.0)", "xp.zeros_like(x)", "xp.ones_like(x)", "xp.eye(10)", "xp.asarray(L)",
    "xp.array(L)", "xp.copy(x)", "x.copy()", "x.reshape(-1, 10)", "x.ravel()", "x.flatten()",
    "x.astype(numpy.float32)", "x.T", "X.T", "X.transpose()", "x[::-1]", "x[2:50]", "x[mask]",
    "x[idx]", "X[:, 0]", "X[0]", "X[1:3, 2:5]", "x[None, :]", "xp.expand_dims(x, 0)",
    "xp.squeeze(X[:, :1])", "x.sum()", "x.max()", "x.min()", "x.mean()", "x.std()",
    "X.sum(axis=0)", "X.mean(axis=1)", "x.argmax()", "x.cumsum()", "x.prod()", "xp.sort(x)",
    "xp.argsort(x)", "xp.unique(ix)", "xp.abs(x)", "xp.sqrt(x)", "xp.exp(x)", "xp.log(x)",
    "xp.sin(x)", "x * y", "x + 1", "x ** 2", "x > 0.5", "(x > 0.5) & (y < 0.5)",
    "xp.where(x > .5, x, 0)", "xp.maximum(x, y)", "xp.minimum(x, 0.5)", "xp.clip(x, .2, .8)",
    "xp.round(x, 2)", "xp.floor(x)", "xp.dot(x, y)", "x @ y", "X @ X", "xp.outer(x[:10], y[:10])",
    "xp.linalg.norm(x)", "xp.linalg.inv(X)", "xp.linalg.solve(X, X[0])", "xp.linalg.det(X)",
    "xp.concatenate([x, y])", "xp.stack([x, y])", "xp.vstack([x, y])", "xp.hstack([x, y])",
    "xp.column_stack([x, y])", "xp.tile(x, 2)", "xp.repeat(x, 2)", "xp.any(x > 0.9)",
    "xp.all(x > 0)", "xp.isnan(x)", "xp.nan_to_num(x)", "xp.allclose(x, y)",
    "xp.array_equal(x, y)", "xp.count_nonzero(x > .5)", "xp.nonzero(x > .5)",
    "xp.argwhere(x > .5)", "xp.flatnonzero(x > .5)", "xp.diff(x)", "xp.cumprod(x)",
    "xp.interp(x, y_sorted, x)", "xp.histogram(x, bins=10)", "xp.bincount(ix)",
    "xp.searchsorted(y_sorted, x)", "xp.meshgrid(x[:10], y[:10])", "xp.percentile(x, 50)",
    "xp.median(x)", "xp.var(x)", "xp.cov(X)", "xp.corrcoef(X)", 'xp.einsum("ij,j->i", X, X[0])',
    "xp.trace(X)", "xp.diag(X)", "xp.triu(X)", "xp.roll(x, 1)", "xp.flip(x)",
    "xp.isin(ix, ix[:5])", "xp.polyval([1, 2, 3], x)", "float(x[0])", "x[0]", "x.item(0)",
    "x.tolist()", "len(x)", "x.shape", "x.size", "x[3] = 1.0", "x[:5] = y[:5]", "x[mask] = 0",
    "xp.random.rand(n)", "xp.random.default_rng(0).random(n)", "xp.random.normal(size=n)",
    "xp.log1p(x)", "xp.logical_and(x > .2, x < .8)", "xp.cross(x[:3], y[:3])",
    "xp.convolve(x, y[:5])", "xp.fft.fft(x)", "xp.cumsum(X, axis=0)", "xp.argmax(X, axis=1)",
    "xp.take(x, idx)", "xp.sum(x)", "xp.mean(X, axis=0)", "xp.std(X, axis=0)",
    "xp.max(X, axis=1)",
]


def _inputs(xp, n: int) -> dict:
    rng = numpy.random.default_rng(0)
    x, y = rng.random(n), rng.random(n)
    return dict(xp=xp, numpy=numpy, n=n, x=xp.array(x), y=xp.array(y),
                X=xp.array(rng.random((10, 10)) + 10 * numpy.eye(10)), L=list(x),
                mask=xp.array(x > 0.5), idx=xp.array(rng.integers(0, n, 10)),
                ix=xp.array(rng.integers(0, 10, n)), y_sorted=xp.array(numpy.sort(y)))


def _time(call: str, env: dict) -> tuple[float, str]:
    try:
        exec(compile(call, "<call>", "exec"), env)
        timer = timeit.Timer(call, globals=env)
        k = max(1, timer.autorange()[0] // 5)
        return min(timer.repeat(5, k)) / k * 1e6, ""
    except Exception as e:  # noqa: BLE001 - shown next to the figure
        return float("nan"), repr(e)[:60]


def main(n: int) -> None:
    nums.init()
    rows = []
    for call in CALLS:
        (t_np, e_np), (t_nums, e_nums) = (_time(call, _inputs(numpy, n)),
                                          _time(call, _inputs(nnp, n)))
        rows.append((t_nums / t_np if t_np == t_np else 0.0, call, t_np, t_nums, e_np + e_nums))
    for ratio, call, t_np, t_nums, err in sorted(rows, reverse=True):
        print(f"{call:45s} numpy {t_np:8.2f} us  nums {t_nums:8.2f} us  x{ratio:6.1f} {err}")
    nums.shutdown()


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 100)
