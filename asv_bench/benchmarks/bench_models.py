"""Fitting logistic regression beside NumPy, Dask and scikit-learn in the same run, on the
example's data (two Gaussian classes, ``(n, 32)``, ``n`` 1e4 (2.5 MB) and 2e6 (512 MB)).

- ``LogisticNewton``: ten Newton iterations from zero, without penalty: ``nums`` is
  ``nums.models.LogisticRegression(solver="newton")``; ``numpy`` and ``dask`` are the same
  iteration written by hand (the gradient and the Hessian, a 32 x 32 solve on the driver;
  Dask's threaded scheduler); ``sklearn`` is ``LogisticRegression(solver="newton-cholesky")``.
- ``LogisticLbfgs``: L-BFGS to ``tol=1e-6`` with scikit-learn's default L2 penalty (C=1):
  ``nums`` against scikit-learn's ``lbfgs`` on the same data.

Run: ``cd asv_bench && ./isolated asv run --python=same -b bench_models``.
"""

from __future__ import annotations

import warnings

import numpy

from .bench_array import WARMUP_RUNS, _Base, _to_engine, _two_gaussians

ITERATIONS = 10


def _newton(X, y, xp, compute):
    b = numpy.zeros(X.shape[1])
    for _ in range(ITERATIONS):
        mu = 1 / (1 + xp.exp(-(X @ b)))
        g, H = compute(X.T @ (mu - y), X.T @ (X * (mu * (1 - mu))[:, None]))
        b = b - numpy.linalg.solve(H, g)
    return b


class _Fit(_Base):
    params = (["nums", "numpy", "dask", "sklearn"], [10**4, 2 * 10**6])
    param_names = ["engine", "n"]
    warmups = 1

    def setup(self, engine, n):
        self._start(engine)
        X, y = _two_gaussians(n, 32)
        X = X[:, :-1]  # the models fit the intercept themselves
        kind = "numpy" if engine == "sklearn" else engine
        if engine == "numpy":
            X = numpy.concatenate([X, numpy.ones((n, 1))], axis=1)
        if engine == "dask":
            import dask.array as da

            X = numpy.concatenate([X, numpy.ones((n, 1))], axis=1)
            self.X = da.from_array(X, chunks=("auto", -1)).persist(scheduler="threads")
            self.y = da.from_array(y, chunks=(self.X.chunks[0],)).persist(scheduler="threads")
        else:
            self.X = _to_engine(kind, X, tall=True)
            self.y = _to_engine(kind, y)
        for _ in range(min(self.warmups, WARMUP_RUNS)):
            self.run()


class LogisticNewton(_Fit):
    def run(self):
        if self.engine == "numpy":
            return _newton(self.X, self.y, numpy, lambda *a: a)
        if self.engine == "dask":
            import dask
            import dask.array as da

            return _newton(self.X, self.y, da,
                           lambda *a: dask.compute(*a, scheduler="threads"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tol=0: ten iterations, then a warning
            if self.engine == "nums":
                from nums.models import LogisticRegression

                return LogisticRegression(C=numpy.inf, solver="newton", tol=0.0,
                                          max_iter=ITERATIONS).fit(self.X, self.y).coef_
            from sklearn.linear_model import LogisticRegression

            return LogisticRegression(C=numpy.inf, solver="newton-cholesky", tol=0.0,
                                      max_iter=ITERATIONS).fit(self.X, self.y).coef_

    def time_fit(self, engine, n):
        self.run()


class LogisticLbfgs(_Fit):
    params = (["nums", "sklearn"], [2 * 10**6])

    def run(self):
        if self.engine == "nums":
            from nums.models import LogisticRegression

            self.model = LogisticRegression(tol=1e-6, max_iter=500).fit(self.X, self.y)
        else:
            from sklearn.linear_model import LogisticRegression

            self.model = LogisticRegression(tol=1e-6, max_iter=500).fit(self.X, self.y)
        return self.model.coef_

    def time_fit(self, engine, n):
        self.run()

    def track_iterations(self, engine, n):
        self.run()
        return int(numpy.ravel(self.model.n_iter_)[0])
