"""The GLM estimator base: parameters as scikit-learn's (``get_params``/``set_params``),
the objective of a family and penalty over distributed data, the choice of solver, and the
fitted attributes (``coef_``, ``intercept_``, ``n_iter_``). A model class names its family,
its penalty and its solvers; see :mod:`._models`.
"""

from __future__ import annotations

import inspect
import sys
import time
from typing import Any

import numpy as np

from nums.core import progress
from nums.models import _families as fam
from nums.models import _solvers as sol
from nums.models._passes import Data, predict_blocks, stats

SOLVERS = {"newton": sol.newton, "lbfgs": sol.lbfgs, "gd": sol.gd, "prox": sol.prox,
           "cd": sol.quadratic}
ALIASES = {"newton-cholesky": "newton", "newton-cg": "newton", "saga": "prox"}
SMOOTH = ("newton", "irls", "lbfgs", "gd")  # the solvers of a smooth objective


def smooth_solver(name: str) -> str:
    """The solver for a smooth objective: scikit-learn's names mapped to ours."""
    resolved = ALIASES.get(name, name)
    if resolved not in SMOOTH:
        raise ValueError("solver must be one of 'lbfgs', 'newton', 'newton-cholesky', "
                         f"'irls', 'gd'; got {name!r}")
    return resolved


class BaseEstimator:
    """scikit-learn's parameter protocol: the constructor's keyword arguments are the
    parameters, stored under their own names."""

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values() if p.name != "self"]

    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> BaseEstimator:
        valid = self._param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"Invalid parameter {key!r} for estimator {self!r}. "
                                 f"Valid parameters are: {sorted(valid)!r}.")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in
                    inspect.signature(type(self).__init__).parameters.values()}
        changed = [f"{k}={v!r}" for k, v in self.get_params().items()
                   if not (defaults.get(k) is v or _equal(defaults.get(k), v))]
        return f"{type(self).__name__}({', '.join(changed)})"


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays and other values without one truth
        return False


class GLM(BaseEstimator):
    """Fitting machinery shared by the models. Subclasses set ``family`` and implement
    ``_penalties(weight_sum) -> (l2, l1)`` and ``_solver_name()``."""

    family: fam.Family = fam.Gaussian()
    fit_intercept: bool = True
    tol: float = 1e-4
    max_iter: int = 100
    verbose: int = 0
    warm_start: bool = False

    def _penalties(self, weight_sum: float) -> tuple[float, float]:
        return 0.0, 0.0

    def _solver_name(self) -> str:
        return "newton"

    def _n_outputs(self, data: Data) -> int:
        return 1

    def _prepare(self, data: Data) -> None:
        """Validate and encode ``y`` before the fit (classes, non-negative counts, ...)."""

    # the fit --------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> GLM:
        """Fit the model to ``X`` (n_samples, n_features) and ``y`` (n_samples,), BlockArrays
        or anything ``nums.numpy.asarray`` takes, with optional per-sample weights."""
        data = Data(X, y, sample_weight)
        self._prepare(data)
        k = self._n_outputs(data)
        d = data.d
        s = data.weight_sum()
        if s <= 0:
            raise ValueError("The sum of the sample weights must be positive")
        l2, l1 = self._penalties(s)
        free = np.ones((k, d + 1), dtype=bool)
        if not self.fit_intercept:
            free[:, -1] = False
        penalised = np.zeros((k, d + 1), dtype=bool)
        penalised[:, :-1] = True
        penalised = penalised[free]
        family = self.family
        started = time.time()

        def theta_of(z: np.ndarray) -> np.ndarray:
            theta = np.zeros((k, d + 1))
            theta[free] = z
            return theta

        def smooth(z: np.ndarray, hessian: bool) -> tuple:
            loss, grad, hess = stats(data, family, theta_of(z), hessian)
            zp = z * penalised
            f = loss / s + 0.5 * l2 * float(zp @ zp)
            g = grad.reshape(k, d + 1)[free] / s + l2 * zp
            h = None
            if hessian:
                flat = free.ravel()
                h = hess[np.ix_(flat, flat)] / s + l2 * np.diag(penalised.astype(float))
            return f, g, h

        bar = progress.Bar(f"{type(self).__name__}.fit", self.max_iter, "iterations")
        bar.quiet |= bool(self.verbose)  # verbose prints every iteration already

        def report(it: int, f: float, gnorm: float) -> None:
            bar.update(max(0, it - bar.done))
            if self.verbose:
                print(f"[{type(self).__name__}] iter {it:3d}  objective {f:.6e}  "
                      f"|grad|max {gnorm:.3e}  ({time.time() - started:.2f} s)",
                      file=sys.stdout, flush=True)

        z0 = np.zeros(int(free.sum()))
        if self.warm_start and getattr(self, "coef_", None) is not None:
            z0 = self._theta_from_fit(k, d)[free]
        problem = sol.Problem(smooth, penalised, l2, l1, report)
        name = self._solver_name()
        with bar:  # iterations done, while the fit runs longer than the progress delay
            if name == "irls":
                result = sol.newton(problem, z0, self.tol, self.max_iter, line_search=False,
                                    name="irls")
            else:
                result = SOLVERS[name](problem, z0, self.tol, self.max_iter)
        theta = theta_of(result.z)
        self._set_fitted(theta, data)
        self.n_iter_ = self._n_iter(result.n_iter)
        self.n_features_in_ = d
        return self

    def _n_iter(self, n: int) -> Any:
        return n

    def _theta_from_fit(self, k: int, d: int) -> np.ndarray:
        theta = np.zeros((k, d + 1))
        theta[:, :-1] = np.reshape(self.coef_, (k, d))
        theta[:, -1] = np.reshape(self.intercept_, (k,)) if self.fit_intercept else 0.0
        return theta

    def _set_fitted(self, theta: np.ndarray, data: Data) -> None:
        self.coef_ = theta[0, :-1].copy()
        self.intercept_ = float(theta[0, -1])

    def _theta(self) -> np.ndarray:
        if getattr(self, "coef_", None) is None:
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet. "
                                 "Call 'fit' with appropriate arguments before using this "
                                 "estimator.")
        coef = np.atleast_2d(self.coef_)
        intercept = np.reshape(np.asarray(self.intercept_, dtype=np.float64), (-1,))
        return np.concatenate([coef, intercept[:, None] * np.ones((coef.shape[0], 1))], axis=1)

    # predictions ----------------------------------------------------------------------
    def _eta(self, X: Any):
        return predict_blocks(X, self.family, self._theta(), "eta")

    def _mean(self, X: Any):
        return predict_blocks(X, self.family, self._theta(), "mean")


class NotFittedError(ValueError, AttributeError):
    """The model is used before ``fit`` (scikit-learn's name and bases)."""
