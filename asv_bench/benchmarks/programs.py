"""Whole programs written the way NumPy users write them (issue: fast on real programs).

Each program is one function of ``xp`` (``numpy``, ``nums.numpy`` or ``dask.array``: the
same source for every engine, as when a script changes its import) and of inputs made by
its ``make_*`` function from NumPy arrays. Two hooks differ by engine and nothing else:
``keep(a)`` marks an array that the next iteration reads (identity for NumPy and nums, whose
scripts are NumPy's unchanged; ``persist()`` for Dask, as a Dask user writes it) and
``scalar(a)`` turns a 0-d result into a Python float.

``bench_programs`` times them; ``tests/test_bench_programs.py`` checks at small sizes that
nums and NumPy give the same results, so the benchmark compares equal work.
"""

from __future__ import annotations

import numpy

# ----------------------------------------------------------------------------- inputs


def sizes(mb: float) -> dict:
    """Input shapes for about ``mb`` megabytes of float64 per program."""
    n = int(mb * 1e6 / 8)
    side = int(n ** 0.5)
    return {
        "stencil": (side, side),
        "periodic": (side, side),
        "filter": (n,),
        "power": (int((n / 2) ** 0.5),) * 2,  # A is (m, m); half of the budget
        "cg": (int((n / 2) ** 0.5),) * 2,
        "logreg": (n // 16, 16),
        "kmeans": (n // 16, 16),
        "standardise": (n // 8, 8),
        "montecarlo": (n // 2,),
        "mixed": (n // 8, 8),
        "timeseries": (n // 8, 8),
        "spectrogram": (n,),
    }


def make_inputs(name: str, shape: tuple, seed: int = 0) -> tuple:
    """NumPy inputs of program ``name`` (the engine converts them)."""
    rng = numpy.random.default_rng(seed)
    if name == "stencil":
        u = numpy.zeros(shape)
        u[0, :] = 1.0
        return (u,)
    if name == "periodic":
        return (rng.random(shape),)
    if name == "filter":
        return rng.random(shape), rng.integers(0, shape[0], size=shape[0] // 10)
    if name in ("power", "cg"):
        m = shape[0]
        b = rng.standard_normal((m, 8))
        # symmetric positive definite with a spread spectrum: CG and power iteration converge
        a = rng.random(shape) / m
        a = (a + a.T) / 2 + numpy.diag(numpy.linspace(1.0, 10.0, m))
        return (a,) if name == "power" else (a, b[:, 0].copy())
    if name == "logreg":
        x = rng.standard_normal(shape)
        w = rng.standard_normal(shape[1])
        y = (x @ w + rng.standard_normal(shape[0]) > 0).astype(numpy.float64)
        return x, y
    if name == "kmeans":
        centres = rng.standard_normal((8, shape[1])) * 5
        labels = rng.integers(0, 8, size=shape[0])
        return (centres[labels] + rng.standard_normal(shape),)
    if name == "standardise":
        return (rng.standard_normal(shape) * numpy.arange(1, shape[1] + 1) + 3.0,)
    if name == "montecarlo":
        return rng.random(shape), rng.random(shape)
    if name == "mixed":
        return rng.standard_normal(shape), rng.standard_normal(shape[1])
    if name == "timeseries":
        return rng.normal(0.0, 0.01, shape), numpy.full(shape[1], 1.0 / shape[1])
    if name == "spectrogram":
        t = numpy.arange(shape[0]) / 44100.0
        return (numpy.sin(2 * numpy.pi * 440.0 * t) + 0.1 * rng.standard_normal(shape),)
    raise ValueError(name)


# ----------------------------------------------------------------------------- programs


def stencil(xp, keep, scalar, u, sweeps: int = 10):
    """Jacobi sweeps of Laplace's equation written with slices; the final mean."""
    for _ in range(sweeps):
        u[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        u = keep(u)
    return scalar(u.mean())


def periodic(xp, keep, scalar, u, steps: int = 10):
    """Explicit diffusion steps on a torus, written with ``roll`` (periodic boundaries); the
    final sum of squares."""
    for _ in range(steps):
        u = u + 0.1 * (xp.roll(u, 1, 0) + xp.roll(u, -1, 0) + xp.roll(u, 1, 1)
                       + xp.roll(u, -1, 1) - 4 * u)
        u = keep(u)
    return scalar((u * u).sum())


def filter_gather(xp, keep, scalar, x, idx):
    """Boolean filtering and an integer-array gather."""
    big = x[x > 0.5]
    picked = x[idx]
    return scalar(big.sum()) + scalar(picked.mean()) + float(big.shape[0])


def power(xp, keep, scalar, a, iters: int = 15):
    """Power iteration: a matrix-vector product, a norm and a division per iteration."""
    v = xp.ones(a.shape[0]) / a.shape[0] ** 0.5
    lam = 0.0
    for _ in range(iters):
        w = a @ v
        lam = scalar(v @ w)
        v = keep(w / xp.linalg.norm(w))
    return lam


def cg(xp, keep, scalar, a, b, iters: int = 15):
    """Conjugate gradients with scalar bookkeeping per iteration; the final residual."""
    x = xp.zeros_like(b)
    r = b - a @ x
    p = r
    rs = scalar(r @ r)
    for _ in range(iters):
        ap = keep(a @ p)
        alpha = rs / scalar(p @ ap)
        x = keep(x + alpha * p)
        r = keep(r - alpha * ap)
        rs_new = scalar(r @ r)
        p = keep(r + (rs_new / rs) * p)
        rs = rs_new
    return rs ** 0.5


def logreg(xp, keep, scalar, x, y, iters: int = 10, lr: float = 0.5):
    """Gradient descent for logistic regression; the final mean log-loss."""
    w = xp.zeros(x.shape[1])
    n = x.shape[0]
    for _ in range(iters):
        p = 1.0 / (1.0 + xp.exp(-(x @ w)))
        w = keep(w - lr * (x.T @ (p - y)) / n)
    z = x @ w
    return scalar(xp.mean(xp.logaddexp(0.0, z) - y * z))


def kmeans(xp, keep, scalar, x, iters: int = 5, k: int = 8):
    """Lloyd's k-means with broadcast distances; the final inertia."""
    c = x[:k]
    for _ in range(iters):
        d = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = keep(d.argmin(axis=1))
        c = xp.stack([x[labels == j].mean(axis=0) for j in range(k)])
    d = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
    return scalar(d.min(axis=1).sum())


def standardise(xp, keep, scalar, x):
    """Standardise the columns with their statistics; checks of the result."""
    z = keep((x - x.mean(axis=0)) / x.std(axis=0))
    return scalar(xp.abs(z).max()) + scalar((z * z).mean())


def montecarlo(xp, keep, scalar, x, y):
    """pi by hit or miss."""
    return 4.0 * scalar((x * x + y * y < 1.0).mean())


def mixed(xp, keep, scalar, x, w0, iters: int = 20):
    """A script mixing one large array with small vectors and scalar loops."""
    col_mean = x.mean(axis=0)  # one pass over the large array
    col_std = x.std(axis=0)
    w = w0 / scalar(xp.linalg.norm(w0))
    total = 0.0
    for i in range(iters):  # small-vector bookkeeping, as scripts do between big steps
        w = xp.tanh(w * (1.0 + 0.01 * i)) + 0.1 * col_mean / col_std
        w = w / scalar(xp.linalg.norm(w))
        total += scalar(w.max() - w.min())
    score = keep(x @ w)  # back to the large array
    return total + scalar(score.std())


def timeseries(xp, keep, scalar, r, w, window: int = 250):
    """Daily returns of a few assets (a column each): prices by cumulative sums, a rolling
    mean by differences of one, a histogram of an asset's returns, sign changes, and a
    portfolio's growth and Sharpe ratio. Work on columns of a tall matrix."""
    window = max(1, min(window, r.shape[0] // 4))
    final = scalar(xp.cumsum(r, axis=0)[-1].sum())  # log prices at the end
    c = xp.cumsum(r[:, 0])
    best = scalar(((c[window:] - c[:-window]) / window).max())
    counts, _ = xp.histogram(r[:, 1], bins=50, range=(-0.05, 0.05))
    flips = scalar(xp.count_nonzero(xp.sign(r[1:, 2]) != xp.sign(r[:-1, 2])))
    port = keep(r @ w)
    growth = scalar(xp.cumprod(1.0 + port)[-1])
    sharpe = scalar(port.mean()) / scalar(port.std())
    return final + best + scalar(counts[20]) + flips + growth + sharpe


def spectrogram(xp, keep, scalar, x, window: int = 1024, hop: int = 512):
    """A short-time Fourier transform of a long signal, framed as NumPy users frame it
    (``sliding_window_view(x, window)[::hop]``): the mean power spectrum's peak and the
    loudest frame."""
    frames = xp.lib.stride_tricks.sliding_window_view(x, window)[::hop]
    spec = keep(xp.abs(xp.fft.rfft(frames * numpy.hanning(window), axis=-1)) ** 2)
    return scalar(spec.mean(axis=0).max()) + scalar(spec.sum(axis=1).argmax())


PROGRAMS = {
    "stencil": stencil,
    "periodic": periodic,
    "filter": filter_gather,
    "power": power,
    "cg": cg,
    "logreg": logreg,
    "kmeans": kmeans,
    "standardise": standardise,
    "montecarlo": montecarlo,
    "mixed": mixed,
    "timeseries": timeseries,
    "spectrogram": spectrogram,
}
