"""Regressors with scikit-learn's names, parameters and objectives: ``LinearRegression``,
``Ridge``, ``Lasso``, ``ElasticNet`` (Gaussian family) and ``PoissonRegressor`` (log link).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import nums.numpy as nnp
from nums.models import _families as fam
from nums.models._glm import GLM, smooth_solver
from nums.models._passes import Data


class _Regressor(GLM):
    def predict(self, X: Any):
        """The predicted mean of every row of ``X``: a BlockArray (n_samples,)."""
        return self._mean(X)[:, 0]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The coefficient of determination R^2 of the prediction (scikit-learn's)."""
        y = nnp.asarray(y).astype(np.float64)
        pred = self.predict(X)
        w = None if sample_weight is None else nnp.asarray(sample_weight).astype(np.float64)
        ybar = nnp.average(y, weights=w)
        resid = (y - pred) ** 2
        total = (y - ybar) ** 2
        if w is not None:
            resid, total = resid * w, total * w
        num, den = float(resid.sum()), float(total.sum())
        if den == 0:
            return 1.0 if num == 0 else 0.0
        return 1.0 - num / den


class _Gaussian(_Regressor):
    family = fam.Gaussian()

    def _solver_name(self) -> str:
        return "cd"


class LinearRegression(_Gaussian):
    """Ordinary least squares: ``min ||y - X w - b||^2`` (weighted by ``sample_weight``).

    Solved by ``nums.numpy.linalg.lstsq`` on the centred (and weighted) data: the normal
    equations with a refinement step when well conditioned, TSQR otherwise, as the linear
    algebra module chooses; rank-deficient ``X`` gives the least-norm coefficients, as
    scikit-learn's. ``n_iter_`` is not set (as scikit-learn's)."""

    def __init__(self, *, fit_intercept: bool = True, copy_X: bool = True,
                 tol: float = 1e-6, n_jobs: Any = None, positive: bool = False):
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.tol = tol
        self.n_jobs = n_jobs
        self.positive = positive

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LinearRegression:
        if self.positive:
            raise NotImplementedError("nums.models.LinearRegression: positive=True is not "
                                      "supported")
        data = Data(X, y, sample_weight)
        x, yy = data.x.astype(np.float64), data.y.astype(np.float64)
        w = data.sw
        if self.fit_intercept:
            xm = nnp.average(x, axis=0, weights=w)
            ym = nnp.average(yy, weights=w)
            x, yy = x - xm, yy - ym
        if w is not None:
            root = nnp.sqrt(w)
            x, yy = x * root[:, None], yy * root
        coef = nnp.linalg.lstsq(x, yy)[0].get()
        self.coef_ = np.asarray(coef, dtype=np.float64)
        self.intercept_ = (float(ym.get() - xm.get() @ self.coef_) if self.fit_intercept
                           else 0.0)
        self.n_features_in_ = data.d
        return self


class Ridge(_Gaussian):
    """``min ||y - X w - b||^2 + alpha ||w||^2``: one pass for the Gram matrix, one solve."""

    def __init__(self, alpha: float = 1.0, *, fit_intercept: bool = True, copy_X: bool = True,
                 max_iter: Any = None, tol: float = 1e-4, solver: str = "auto",
                 positive: bool = False, random_state: Any = None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def _penalties(self, weight_sum: float) -> tuple[float, float]:
        _check_alpha(self.alpha)
        return float(self.alpha) / weight_sum, 0.0

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Ridge:
        if self.positive:
            raise NotImplementedError("nums.models.Ridge: positive=True is not supported")
        return super().fit(X, y, sample_weight)

    def _n_iter(self, n: int) -> None:
        return None  # one solve (scikit-learn's n_iter_ is None for its direct solvers)


class ElasticNet(_Gaussian):
    """``min 1/(2 n) ||y - X w - b||^2 + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio) / 2
    ||w||^2`` (``n`` the sum of the sample weights): one pass for the Gram matrix, then
    coordinate descent on the driver (scikit-learn's ``precompute=True`` route)."""

    def __init__(self, alpha: float = 1.0, *, l1_ratio: float = 0.5, fit_intercept: bool = True,
                 precompute: Any = False, max_iter: int = 1000, copy_X: bool = True,
                 tol: float = 1e-4, warm_start: bool = False, positive: bool = False,
                 random_state: Any = None, selection: str = "cyclic"):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def _penalties(self, weight_sum: float) -> tuple[float, float]:
        _check_alpha(self.alpha)
        if not 0 <= self.l1_ratio <= 1:
            raise ValueError(f"l1_ratio must be in [0, 1], got {self.l1_ratio}")
        return (float(self.alpha) * (1 - self.l1_ratio), float(self.alpha) * self.l1_ratio)

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> ElasticNet:
        if self.positive:
            raise NotImplementedError(f"nums.models.{type(self).__name__}: positive=True is "
                                      "not supported")
        return super().fit(X, y, sample_weight)


class Lasso(ElasticNet):
    """``ElasticNet`` with ``l1_ratio=1``."""

    l1_ratio = 1.0

    def __init__(self, alpha: float = 1.0, *, fit_intercept: bool = True,
                 precompute: Any = False, copy_X: bool = True, max_iter: int = 1000,
                 tol: float = 1e-4, warm_start: bool = False, positive: bool = False,
                 random_state: Any = None, selection: str = "cyclic"):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection


class PoissonRegressor(_Regressor):
    """Poisson regression with the log link: ``min 1/(2 n) sum deviance + alpha/2 ||w||^2``.
    Solvers: ``lbfgs`` (default, as scikit-learn's), ``newton`` (``newton-cholesky``),
    ``irls``, ``gd``."""

    family = fam.Poisson()

    def __init__(self, *, alpha: float = 1.0, fit_intercept: bool = True,
                 solver: str = "lbfgs", max_iter: int = 100, tol: float = 1e-4,
                 warm_start: bool = False, verbose: int = 0):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def _penalties(self, weight_sum: float) -> tuple[float, float]:
        _check_alpha(self.alpha)
        return float(self.alpha), 0.0

    def _solver_name(self) -> str:
        return smooth_solver(self.solver)

    def _prepare(self, data: Data) -> None:
        if float(nnp.min(data.y).get()) < 0:
            raise ValueError("Some value(s) of y are out of the valid range of the loss "
                             "'HalfPoissonLoss'.")

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """D^2, the fraction of the Poisson deviance explained (scikit-learn's)."""
        y = nnp.asarray(y).astype(np.float64)
        mu = self.predict(X)
        w = None if sample_weight is None else nnp.asarray(sample_weight).astype(np.float64)
        ybar = nnp.average(y, weights=w)
        dev = _poisson_deviance(y, mu, w)
        null = _poisson_deviance(y, ybar, w)
        return 1.0 - dev / null if null else 0.0


PoissonRegression = PoissonRegressor  # the original NumS's name


def _poisson_deviance(y, mu, w) -> float:
    ylogy = nnp.where(y > 0, y * nnp.log(nnp.where(y > 0, y, 1.0) / mu), 0.0)
    d = 2 * (ylogy - y + mu)
    return float((d * w).sum() if w is not None else d.sum())


def _check_alpha(alpha: float) -> None:
    if not np.isscalar(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a non-negative float, got {alpha!r}")

